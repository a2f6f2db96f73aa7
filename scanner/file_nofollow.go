//go:build unix && !linux

package scanner

import (
	"errors"
	"io/fs"
	"syscall"
)

// openRegularNoFollow is openRegular refusing a symbolic link as the last
// component: the walk's fallback where openat is not used.
func openRegularNoFollow(name string) (*diskFile, int64, error) {
	f, size, err := openRegularFlags(name, syscall.O_NOFOLLOW)
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) && (pe.Err == syscall.ELOOP || pe.Err == syscall.EMLINK) {
		return nil, 0, errors.New("no longer a regular file: now a symbolic link, not followed")
	}
	return f, size, err
}
