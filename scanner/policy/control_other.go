//go:build !unix

package policy

import (
	"io/fs"
	"os"

	"github.com/provscan/provscan/scanner/internal/fsx"
)

// openNoFollow opens path read-only after a look that it is not a symbolic
// link (no O_NOFOLLOW here).
func openNoFollow(path string) (*os.File, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return nil, linkError(path)
	}
	return fsx.Open(path)
}
