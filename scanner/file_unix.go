//go:build unix

package scanner

import (
	"fmt"
	"io"
	"io/fs"
	"syscall"
)

// diskFile is one regular file opened for a scan and read with pread only.
// On Unix it is a bare descriptor: an *os.File would register each file with
// the runtime's poller and a cleanup, work that costs as much as the open
// itself when a scan opens a hundred thousand small files.
type diskFile struct {
	fd   int
	name string
}

// openRegular opens name read-only and without blocking (a path that became
// a FIFO between the walk and the open must not hang a worker), and returns
// it with its size if it is still a regular file. It follows a link: it
// opens what the user named (a root file); the walk opens files relative to
// their folder without following one (dirFD.openFile).
func openRegular(name string) (*diskFile, int64, error) {
	return openRegularFlags(name, 0)
}

func openRegularFlags(name string, extra int) (*diskFile, int64, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(name, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC|extra, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, 0, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return regularFD(fd, name)
}

// regularFD checks that the open descriptor fd is a regular file and
// returns it with its size; otherwise it closes it.
func regularFD(fd int, name string) (*diskFile, int64, error) {
	var st syscall.Stat_t
	if err := fstat(fd, &st); err != nil {
		syscall.Close(fd)
		return nil, 0, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		syscall.Close(fd)
		return nil, 0, fmt.Errorf("no longer a regular file (%s)", fileType(uint32(st.Mode)))
	}
	return &diskFile{fd: fd, name: name}, st.Size, nil
}

func fstat(fd int, st *syscall.Stat_t) error {
	for {
		if err := syscall.Fstat(fd, st); err != syscall.EINTR {
			return err
		}
	}
}

// fileType names the type bits of a stat mode, as fs.FileMode prints them.
func fileType(mode uint32) string {
	var m fs.FileMode
	switch mode & syscall.S_IFMT {
	case syscall.S_IFDIR:
		m = fs.ModeDir
	case syscall.S_IFLNK:
		m = fs.ModeSymlink
	case syscall.S_IFIFO:
		m = fs.ModeNamedPipe
	case syscall.S_IFSOCK:
		m = fs.ModeSocket
	case syscall.S_IFCHR:
		m = fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFBLK:
		m = fs.ModeDevice
	default:
		m = fs.ModeIrregular
	}
	return m.Type().String()
}

// ReadAt reads len(p) bytes at off with pread, as io.ReaderAt requires: a
// short read is followed until the end of the file.
func (f *diskFile) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, &fs.PathError{Op: "read", Path: f.name, Err: syscall.EINVAL}
	}
	n := 0
	for n < len(p) {
		m, err := syscall.Pread(f.fd, p[n:], off+int64(n))
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return n, &fs.PathError{Op: "read", Path: f.name, Err: err}
		}
		if m == 0 {
			return n, io.EOF
		}
		n += m
	}
	return n, nil
}

// Close closes the descriptor.
func (f *diskFile) Close() error {
	if f.fd < 0 {
		return nil
	}
	err := syscall.Close(f.fd)
	f.fd = -1
	return err
}
