//go:build !linux

package lambdaservice

import (
	"testing"

	"github.com/lambdagate/lambdagate/e2e/internal/runtimetest"
)

// TestDifferential stands in for the tests on systems other than Linux,
// where the Runtime Interface Emulator does not run.
func TestDifferential(t *testing.T) { runtimetest.NeedLinux(t) }
