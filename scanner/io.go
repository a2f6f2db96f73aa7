package scanner

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"sync"
	"sync/atomic"

	"github.com/provscan/provscan/scanner/internal/fsx"
)

// countingReaderAt counts every byte read through it, so that the report can
// say how much of the scanned data provscan actually read.
type countingReaderAt struct {
	r io.ReaderAt
	n *atomic.Int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

// upTo returns the bytes counted, at most size: summary.bytes_read counts
// each file at most once in full. A file read whole for its hash after its
// metadata was read (some of it beyond the head, such as a movie box at the
// end) counts its size, not its size plus the metadata reads; a region a
// reader visits twice beyond the head counts twice, up to that limit.
func (c *countingReaderAt) upTo(size int64) int64 {
	return min(c.n.Load(), max(size, 0))
}

// hashBufSize is the size of the reusable buffers used for hashing.
const hashBufSize = 256 << 10

var hashBufs = sync.Pool{New: func() any { b := make([]byte, hashBufSize); return &b }}

// hashReaderAt returns the hex SHA-256 of the first size bytes of r,
// streamed through a pooled buffer.
func hashReaderAt(r io.ReaderAt, size int64) (string, error) {
	bp := hashBufs.Get().(*[]byte)
	defer hashBufs.Put(bp)
	h := sha256.New()
	if _, err := io.CopyBuffer(h, io.NewSectionReader(r, 0, size), *bp); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// headSize is how much of the start of a file one read fetches up front:
// the metadata of most files lives there, and one 64 KiB pread costs about
// what one 100-byte pread does, so the many small reads of a container
// walk are served from memory.
const headSize = 64 << 10

var headBufs = sync.Pool{New: func() any { b := make([]byte, headSize); return &b }}

// headReaderAt serves reads that fall within the first headSize bytes of a
// file from one read made on first use; other reads go to the file. It is
// used by one goroutine at a time (one file's inspection, then its hashing).
type headReaderAt struct {
	r    io.ReaderAt
	size int64
	buf  *[]byte
	head []byte // nil until the first read
	err  error
}

func newHeadReaderAt(r io.ReaderAt, size int64) *headReaderAt {
	return &headReaderAt{r: r, size: size}
}

func (h *headReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if h.head == nil && h.err == nil {
		h.buf = headBufs.Get().(*[]byte)
		n, err := h.r.ReadAt((*h.buf)[:min(int64(headSize), h.size)], 0)
		h.head = (*h.buf)[:n]
		if err != nil && err != io.EOF {
			h.err = err
		}
	}
	if off >= 0 && off+int64(len(p)) <= int64(len(h.head)) {
		return copy(p, h.head[off:]), nil
	}
	if off >= 0 && off < int64(len(h.head)) {
		// Straddling the end of the head (hashing a flagged file reads
		// it whole): the start from memory, the rest from the file.
		k := copy(p, h.head[off:])
		m, err := h.r.ReadAt(p[k:], off+int64(k))
		return k + m, err
	}
	return h.r.ReadAt(p, off)
}

// release returns the buffer to the pool; the reader must not be used after.
func (h *headReaderAt) release() {
	if h.buf != nil {
		headBufs.Put(h.buf)
		h.buf, h.head = nil, nil
	}
}

// openFile opens a file read-only without blocking (see fsx.Open).
func openFile(name string) (*os.File, error) { return fsx.Open(name) }
