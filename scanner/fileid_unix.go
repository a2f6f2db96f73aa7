//go:build unix

package scanner

import (
	"io/fs"
	"os"
	"syscall"
)

// fileID identifies a folder on disk, for loop detection.
type fileID struct{ dev, ino uint64 }

func idOf(fi fs.FileInfo) (fileID, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, false
	}
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, true //nolint:unconvert // Dev is not uint64 on every unix
}

// openFile opens a file read-only without blocking: a path that became a
// FIFO between the walk and the open must not hang a worker.
func openFile(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
