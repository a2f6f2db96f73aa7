//go:build !unix

package scanner

import (
	"fmt"
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
