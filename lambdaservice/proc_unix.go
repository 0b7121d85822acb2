//go:build unix

package lambdaservice

import (
	"os/exec"
	"syscall"
	"time"
)

// processSupported reports whether instances can run on this system.
const processSupported = true

// setProcessGroup makes cmd the leader of a new process group, so that
// killing the group ends every process the function started too.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	setParentDeathSignal(cmd.SysProcAttr)
}

// killGroup kills the process group led by pid, and pid itself in case it
// left the group.
func killGroup(pid int) {
	syscall.Kill(-pid, syscall.SIGKILL)
	syscall.Kill(pid, syscall.SIGKILL)
}

// waitGroupGone waits until no process of the group led by pid is left
// (a process the function started is killed with the group but reaped by
// its new parent), polling for at most two seconds.
func waitGroupGone(pid int) {
	for range 400 {
		if syscall.Kill(-pid, 0) != nil {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}
