//go:build !linux

package lambdaruntime

import (
	"os"
	"runtime"
	"testing"
)

// TestRuntime stands in for the tests on systems other than Linux, where
// the Runtime Interface Emulator does not run.
func TestRuntime(t *testing.T) {
	msg := "the runtime end-to-end tests need Linux (the Runtime Interface Emulator runs there only); this is " + runtime.GOOS
	if os.Getenv("LAMBDAGATE_REQUIRE_RUNTIME_E2E") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}
