//go:build !unix

package scanner

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// diskFile is one regular file opened for a scan.
type diskFile struct{ *os.File }

// openRegular opens name read-only and returns it with its size if it is
// still a regular file.
func openRegular(name string) (*diskFile, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("no longer a regular file (%s)", fi.Mode().Type())
	}
	return &diskFile{f}, fi.Size(), nil
}

// openRegularNoFollow is openRegular refusing a symbolic link: the walk
// opens files by path here, so a link swapped in is caught by a look at the
// path just before the open (not atomic: openat is Linux only in provscan).
func openRegularNoFollow(name string) (*diskFile, int64, error) {
	fi, err := os.Lstat(name)
	if err != nil {
		return nil, 0, err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return nil, 0, errors.New("no longer a regular file: now a symbolic link, not followed")
	}
	return openRegular(name)
}
