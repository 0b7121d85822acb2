package lambdaservice

import "syscall"

// setParentDeathSignal asks Linux to kill the process if the service's
// process dies without closing the service (SIGKILL, a crash), so that no
// function process outlives it even then.
func setParentDeathSignal(attr *syscall.SysProcAttr) {
	attr.Pdeathsig = syscall.SIGKILL
}
