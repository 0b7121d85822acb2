//go:build !unix

package lambdaservice

import "os/exec"

// processSupported reports whether instances can run on this system: the
// service needs process groups to stop every process a function starts.
const processSupported = false

func setProcessGroup(*exec.Cmd) {}

func killGroup(int) {}

func waitGroupGone(int) {}
