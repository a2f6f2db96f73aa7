package scanner

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"sync"
	"sync/atomic"
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
