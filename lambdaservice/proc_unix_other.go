//go:build unix && !linux

package lambdaservice

import "syscall"

func setParentDeathSignal(*syscall.SysProcAttr) {}
