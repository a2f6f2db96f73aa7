//go:build !unix

package scanner

import (
	"io/fs"
	"os"
)

// fileID identifies a folder on disk, for loop detection.
type fileID struct{ dev, ino uint64 }

// idOf has no portable inode on this system: loops are then bounded only by
// path length limits.
func idOf(fs.FileInfo) (fileID, bool) { return fileID{}, false }

func openFile(name string) (*os.File, error) { return os.Open(name) }
