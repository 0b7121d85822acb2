//go:build race

package race

// Enabled reports a race-detector build.
const Enabled = true
