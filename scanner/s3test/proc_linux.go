package s3test

import (
	"os/exec"
	"syscall"
)

// sysProcAttr puts weed in a process group of its own, which Stop kills, and
// has the kernel kill weed when the test binary dies (the signal is sent when
// the thread that started weed exits; the Go runtime does not end threads of
// goroutines that did not lock them).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killGroup kills weed's process group.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Process.Kill()
	}
}
