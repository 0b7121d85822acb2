//go:build race

package nethttp

// raceEnabled reports a race-detector build, whose allocation counts
// differ.
const raceEnabled = true
