package runtimetest

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// RequireEnv names the variable that, set to 1, makes a missing
// environment a failure instead of a skip.
const RequireEnv = "LAMBDAGATE_REQUIRE_RUNTIME_E2E"

// Unavailable skips t, or fails it when [RequireEnv] is 1: the
// environment cannot run the runtime end-to-end tests, for the reason
// format and args give.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("%s (%s=1 requires the runtime end-to-end tests)", msg, RequireEnv)
	}
	t.Skipf("%s; set %s=1 to make this a failure", msg, RequireEnv)
}

// NeedLinux calls [Unavailable] on a system other than Linux, where the
// Runtime Interface Emulator does not run. A package whose tests are for
// Linux only calls it from a stand-in test for the other systems.
func NeedLinux(t testing.TB) {
	t.Helper()
	if runtime.GOOS != "linux" {
		Unavailable(t, "the runtime end-to-end tests need Linux (the Runtime Interface Emulator runs there only); this is %s", runtime.GOOS)
	}
}

// Tail returns the last n lines of s, a process's log.
func Tail(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "")
}

// Abbrev quotes b for a failure message, shortened to its ends when long.
func Abbrev(b []byte) string {
	const max = 300
	if len(b) <= max {
		return strconv.Quote(string(b))
	}
	return fmt.Sprintf("%q…(%d bytes)…%q", b[:max*2/3], len(b), b[len(b)-max/3:])
}
