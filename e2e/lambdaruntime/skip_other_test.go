//go:build !linux

package lambdaruntime

import (
	"testing"

	"github.com/lambdagate/lambdagate/e2e/internal/runtimetest"
)

// TestRuntime stands in for the tests on systems other than Linux, where
// the Runtime Interface Emulator does not run.
func TestRuntime(t *testing.T) { runtimetest.NeedLinux(t) }
