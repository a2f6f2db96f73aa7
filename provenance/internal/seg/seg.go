// Package seg walks the two shapes of file structure that the container
// readers and the C2PA hard-binding checks both follow: the marker segments
// of a JPEG and the length-prefixed boxes of ISO BMFF, JUMBF and JPEG XL.
// It knows lengths and offsets only, never what a segment or box means, and
// treats every length it reads as hostile.
package seg

import (
	"errors"
	"fmt"
	"io"

	"github.com/provscan/provscan/provenance/readerr"
)

// Limits every walker of a file's structure keeps.
const (
	MaxDepth = 32      // nesting of boxes, IFDs, sub-containers
	MaxSteps = 1 << 20 // segments, chunks or boxes walked per file
)

// ReadAt reads exactly len(p) bytes at off, reporting a short read as
// readerr.ErrTruncated.
func ReadAt(r io.ReaderAt, p []byte, off int64) error {
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: wanted %d bytes at offset %d, got %d", readerr.ErrTruncated, len(p), off, n)
	}
	return err
}
