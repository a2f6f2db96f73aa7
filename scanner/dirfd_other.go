//go:build !linux

package scanner

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// dirFD is a folder of the walk. Here (not Linux) it is only a path: files
// and folders are opened by path, each checked not to be a symbolic link
// just before (O_NOFOLLOW on Unix; a look with Lstat elsewhere), not
// relative to an open descriptor as on Linux.
type dirFD struct{ path string }

func (d *dirFD) acquire() {}
func (d *dirFD) release() {}

func openRootDir(p string) (*dirFD, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, &fs.PathError{Op: "open", Path: p, Err: errors.New("not a folder")}
	}
	return &dirFD{path: p}, nil
}

func (d *dirFD) openDir(name, p string) (*dirFD, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return nil, errors.New("no longer a folder: now a symbolic link, not followed")
	case !fi.IsDir():
		return nil, errors.New("no longer a folder")
	}
	return &dirFD{path: p}, nil
}

func openBeneath(rootReal, rel string) (*dirFD, error) {
	d, err := openRootDir(rootReal)
	if err != nil || rel == "" {
		return d, err
	}
	for _, part := range strings.Split(rel, "/") {
		if d, err = d.openDir(part, filepath.Join(d.path, part)); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (d *dirFD) list() ([]fs.DirEntry, error) { return os.ReadDir(d.path) }

func (d *dirFD) openFile(name, p string) (*diskFile, int64, error) {
	return openRegularNoFollow(p)
}

// openFolders returns how many folders the walk holds open: none here.
func openFolders() int64 { return 0 }
