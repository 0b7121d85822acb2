//go:build !linux

package lambdaservice

import (
	"os"
	"runtime"
	"testing"
)

// TestDifferential stands in for the tests on systems other than Linux,
// where the Runtime Interface Emulator does not run.
func TestDifferential(t *testing.T) {
	msg := "the differential test needs Linux (the Runtime Interface Emulator runs there only); this is " + runtime.GOOS
	if os.Getenv("LAMBDAGATE_REQUIRE_RUNTIME_E2E") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}
