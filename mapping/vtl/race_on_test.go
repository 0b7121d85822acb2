//go:build race

package vtl

const raceEnabled = true
