//go:build linux

package scanner

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

// dirFD is a folder of the walk held open while the walker lists it and
// while files of it wait for a worker: the walker opens each subfolder, and
// each worker each file, relative to it (openat) and without following a
// link (O_NOFOLLOW). A file or folder swapped for a symbolic link between
// the listing and the open is then an error for that path, never a read of
// what the link names.
//
// It is reference-counted: the walker holds one reference from the open
// until it has gone through the folder (its subfolders included), and each
// job of a file of it one more, dropped by the worker right after its openat
// (or by whoever drops the job unread). The last release closes it. So the
// folders open at once are the walker's current chain (bounded by
// maxDirDepth) and the folders of the jobs queued or in a worker's hands
// (bounded by queueLen and the workers).
type dirFD struct {
	fd   int
	path string // the OS path, for errors
	refs atomic.Int32
}

// newDirFD wraps an open folder descriptor with one reference (the caller's).
func newDirFD(fd int, path string) *dirFD {
	d := &dirFD{fd: fd, path: path}
	d.refs.Store(1)
	openDirs.Add(1)
	return d
}

// openDirs counts the folder descriptors open in the process (for tests).
var openDirs atomic.Int64

func (d *dirFD) acquire() { d.refs.Add(1) }

func (d *dirFD) release() {
	if d.refs.Add(-1) == 0 {
		syscall.Close(d.fd)
		openDirs.Add(-1)
	}
}

// openRootDir opens a root folder named by the user (followed even if it
// is a link, as resolveRoots does).
func openRootDir(p string) (*dirFD, error) {
	var fd int
	var err error
	for {
		if fd, err = syscall.Open(p, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0); err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: p, Err: err}
	}
	return newDirFD(fd, p), nil
}

// openDir opens the subfolder name of d, at the OS path p, refusing a link.
func (d *dirFD) openDir(name, p string) (*dirFD, error) {
	// O_DIRECTORY: a FIFO there fails (ENOTDIR) without being opened.
	fd, err := openat(d.fd, name, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NOFOLLOW|syscall.O_CLOEXEC)
	if err != nil {
		return nil, dirError(p, err)
	}
	return newDirFD(fd, p), nil
}

// dirError names why a folder of the listing could not be opened.
func dirError(p string, err error) error {
	switch err {
	case syscall.ELOOP:
		return errors.New("no longer a folder: now a symbolic link, not followed")
	case syscall.ENOTDIR:
		// O_NOFOLLOW with O_DIRECTORY says ENOTDIR for a link too: a look
		// at the path (nothing is opened) tells which.
		if fi, err := os.Lstat(p); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return errors.New("no longer a folder: now a symbolic link, not followed")
		}
		return errors.New("no longer a folder")
	}
	return &fs.PathError{Op: "open", Path: p, Err: err}
}

// openBeneath opens the folder rel ('/' separators, no "..") under the
// folder at rootReal (a root's real path) one component at a time, each
// without following a link: what a link inside the roots resolved to is
// opened there or not at all.
func openBeneath(rootReal, rel string) (*dirFD, error) {
	d, err := openRootDir(rootReal)
	if err != nil || rel == "" {
		return d, err
	}
	p := rootReal
	for _, part := range strings.Split(rel, "/") {
		p += string(os.PathSeparator) + part
		sub, err := d.openDir(part, p)
		d.release()
		if err != nil {
			return nil, err
		}
		d = sub
	}
	return d, nil
}

// list returns the entries of the folder sorted by name, as os.ReadDir
// does; on an error, those read before it. It reads the descriptor with
// getdents64 itself, as os.ReadDir does, without the *os.File (whose
// NewFile costs one more system call per folder).
func (d *dirFD) list() ([]fs.DirEntry, error) {
	var entries []fs.DirEntry
	bp := direntBufs.Get().(*[]byte)
	defer direntBufs.Put(bp)
	buf := *bp
	var err error
	for {
		var n int
		n, err = syscall.ReadDirent(d.fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			err = &fs.PathError{Op: "readdirent", Path: d.path, Err: err}
			break
		}
		if n <= 0 {
			break
		}
		entries = d.parse(buf[:n], entries)
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, err
}

// direntBufs holds the buffers listings are read into (as os.ReadDir keeps its own).
var direntBufs = sync.Pool{New: func() any { b := make([]byte, 8<<10); return &b }}

// parse appends the linux_dirent64 records of b (d_ino u64, d_off s64,
// d_reclen u16, d_type u8, d_name NUL-terminated) to entries.
func (d *dirFD) parse(b []byte, entries []fs.DirEntry) []fs.DirEntry {
	for len(b) >= 19 {
		reclen := int(binary.NativeEndian.Uint16(b[16:18]))
		if reclen < 19 || reclen > len(b) {
			break
		}
		rec := b[:reclen]
		b = b[reclen:]
		name := rec[19:]
		if i := bytes.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		if len(name) == 0 || string(name) == "." || string(name) == ".." {
			continue
		}
		e := &dirent{dir: d.path, name: string(name)}
		switch rec[18] {
		case syscall.DT_REG:
		case syscall.DT_DIR:
			e.typ = fs.ModeDir
		case syscall.DT_LNK:
			e.typ = fs.ModeSymlink
		case syscall.DT_FIFO:
			e.typ = fs.ModeNamedPipe
		case syscall.DT_SOCK:
			e.typ = fs.ModeSocket
		case syscall.DT_CHR:
			e.typ = fs.ModeDevice | fs.ModeCharDevice
		case syscall.DT_BLK:
			e.typ = fs.ModeDevice
		default: // DT_UNKNOWN (some file systems): a look at the path, as os.ReadDir does
			fi, err := os.Lstat(filepath.Join(d.path, e.name))
			switch {
			case errors.Is(err, fs.ErrNotExist):
				continue // vanished
			case err != nil:
				// Not known: taken as a file, so that opening it reports
				// why it cannot be read (never dropped from the scan).
				e.typ = 0
			default:
				e.typ = fi.Mode().Type()
			}
		}
		entries = append(entries, e)
	}
	return entries
}

// dirent is one entry of a listing.
type dirent struct {
	dir, name string
	typ       fs.FileMode
}

func (e *dirent) Name() string               { return e.name }
func (e *dirent) IsDir() bool                { return e.typ.IsDir() }
func (e *dirent) Type() fs.FileMode          { return e.typ }
func (e *dirent) Info() (fs.FileInfo, error) { return os.Lstat(filepath.Join(e.dir, e.name)) }

// openFile opens the regular file name of d (at the OS path p) read-only,
// without blocking and without following a link, and returns it with its
// size: one openat and one fstat, as an open by path would cost.
func (d *dirFD) openFile(name, p string) (*diskFile, int64, error) {
	fd, err := openat(d.fd, name, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW|syscall.O_CLOEXEC)
	if err != nil {
		if err == syscall.ELOOP {
			return nil, 0, errors.New("no longer a regular file: now a symbolic link, not followed")
		}
		return nil, 0, &fs.PathError{Op: "open", Path: p, Err: err}
	}
	return regularFD(fd, p)
}

func openat(dirfd int, name string, flags int) (int, error) {
	for {
		fd, err := syscall.Openat(dirfd, name, flags, 0)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}

// openFolders returns how many folders the walk holds open.
func openFolders() int64 { return openDirs.Load() }
