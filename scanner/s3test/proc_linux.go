package s3test

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
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

// alive tells whether the process pid exists and is not a zombie.
func alive(pid int) bool {
	if pid <= 0 || syscall.Kill(pid, 0) == syscall.ESRCH {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	// pid (comm) state ...: comm may hold spaces and parentheses.
	_, after, ok := strings.Cut(string(b[bytes.LastIndexByte(b, ')')+1:]), " ")
	return !ok || !strings.HasPrefix(after, "Z")
}
