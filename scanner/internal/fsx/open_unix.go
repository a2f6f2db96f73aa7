//go:build unix

package fsx

import (
	"os"
	"syscall"
)

// Open opens a file read-only without blocking: a path that became a
// FIFO between the walk and the open must not hang a worker.
func Open(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
