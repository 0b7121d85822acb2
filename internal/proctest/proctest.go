// Package proctest holds what the tests of every module use to watch the
// processes they start: the running children of a process, read from
// /proc, and a buffer for a process's output. It is for tests only.
package proctest

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"sync"
)

// Stat reads a process's state and parent from /proc/PID/stat; ok is
// false when there is no such process (or no /proc).
func Stat(pid int) (state string, ppid int, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", 0, false
	}
	// pid (comm) state ppid ...; comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return "", 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return "", 0, false
	}
	ppid, err = strconv.Atoi(f[1])
	return f[0], ppid, err == nil
}

// Children lists the running processes (not zombies) whose parent is
// ppid.
func Children(ppid int) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if state, parent, ok := Stat(pid); ok && parent == ppid && state != "Z" {
			pids = append(pids, pid)
		}
	}
	return pids
}

// Running reports whether pid is a process that has not exited.
func Running(pid int) bool {
	state, _, ok := Stat(pid)
	return ok && state != "Z" && state != "X"
}

// A Buffer is a bytes.Buffer safe for concurrent writes, for a process's
// output.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
