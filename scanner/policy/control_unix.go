//go:build unix

package policy

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// openNoFollow opens path read-only, without blocking and never through a
// symbolic link as its last component.
func openNoFollow(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) && (pe.Err == syscall.ELOOP || pe.Err == syscall.EMLINK) {
		return nil, linkError(path)
	}
	return f, err
}
