//go:build !unix

package s3test

import (
	"os/exec"
	"syscall"
)

func sysProcAttr() *syscall.SysProcAttr { return nil }

// killGroup kills weed (weed server is a single process).
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		cmd.Process.Kill()
	}
}

// alive cannot tell: leftovers are kept.
func alive(int) bool { return true }
