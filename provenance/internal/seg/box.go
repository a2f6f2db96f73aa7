package seg

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/provscan/provscan/provenance/readerr"
)

// maxBoxSize is the largest 64-bit box size taken as a length; anything
// larger cannot be a file offset and would overflow an end.
const maxBoxSize = 1 << 62

// Box is the header of one box of ISO BMFF, JUMBF or JPEG XL: a 32-bit
// big-endian size, a 4-byte type, a 64-bit size when the 32-bit one is 1,
// and a size of 0 for "up to the end of the container".
type Box struct {
	Type  string // the 4-byte box type, e.g. "moov", "jumb", "Exif"
	Off   int64  // offset of the header
	Start int64  // offset of the payload, after the header
	End   int64  // Off plus the size the box declares: it may lie past its container
}

// BoxHeader decodes the box header at the start of h, for a box at off in a
// container ending at end. It returns the type, the header length and the
// declared size (a size of 0 becomes end-off). ok is false when h is
// shorter than the header (8 bytes, 16 for a 64-bit size).
func BoxHeader(h []byte, off, end int64) (typ string, hdr int64, size uint64, ok bool) {
	if len(h) < 8 {
		return "", 0, 0, false
	}
	size, typ, hdr = uint64(binary.BigEndian.Uint32(h)), string(h[4:8]), 8
	switch size {
	case 0:
		size = uint64(end - off)
	case 1:
		if len(h) < 16 {
			return typ, 16, 0, false
		}
		size, hdr = binary.BigEndian.Uint64(h[8:16]), 16
	}
	return typ, hdr, size, true
}

// Boxes iterates over the boxes of r in [start, end): each step reads one
// header and moves past the box, never into it, so that a walk reads
// headers only and seeks past media data. It stops when fewer than 8 bytes
// are left, at a header it cannot read, and at a size smaller than its
// header or larger than any file.
//
//	for it := seg.NewBoxes(r, start, end, nil); it.Next(); {
//		b := it.Box()
//	}
//	if err := it.Err(); err != nil { ... }
type Boxes struct {
	r        io.ReaderAt
	pos, end int64
	box      Box
	err      error
	buf      *[16]byte
}

// NewBoxes returns an iterator over the boxes of r in [start, end). buf,
// when not nil, is where headers are read: the iterators of a nested walk
// may share one, as each header is decoded before the next is read.
func NewBoxes(r io.ReaderAt, start, end int64, buf *[16]byte) Boxes {
	if buf == nil {
		buf = new([16]byte)
	}
	return Boxes{r: r, pos: start, end: end, buf: buf}
}

// Next reads the next box header. It returns false at the end of the range
// or on an error (see Err).
func (it *Boxes) Next() bool {
	if it.err != nil || it.pos+8 > it.end {
		return false
	}
	b, err := readBox(it.r, it.pos, it.end, it.buf)
	if err != nil {
		it.err = err
		return false
	}
	it.box = b
	it.pos = min(b.End, it.end)
	return true
}

// Box returns the header Next read.
func (it *Boxes) Box() Box { return it.box }

// Err returns the error that stopped the iteration, or nil.
func (it *Boxes) Err() error { return it.err }

// ReadBox reads the header of the box at off in a container ending at end.
// A box whose size is smaller than its header, or larger than any file, is
// readerr.ErrMalformed; one that runs past end is returned as it is, for
// the caller to clamp or refuse.
func ReadBox(r io.ReaderAt, off, end int64) (Box, error) {
	var h [16]byte
	return readBox(r, off, end, &h)
}

// readBox is ReadBox reading through the buffer h.
func readBox(r io.ReaderAt, off, end int64, h *[16]byte) (Box, error) {
	if err := ReadAt(r, h[:8], off); err != nil {
		return Box{}, err
	}
	typ, hdr, size, ok := BoxHeader(h[:8], off, end)
	b := Box{Type: typ, Off: off, Start: off + hdr}
	if !ok {
		if err := ReadAt(r, h[8:16], off+8); err != nil {
			return b, err
		}
		_, _, size, _ = BoxHeader(h[:16], off, end)
	}
	if size > maxBoxSize || size < uint64(hdr) {
		return b, fmt.Errorf("%w: box %q at offset %d has size %d", readerr.ErrMalformed, Printable(typ), off, size)
	}
	b.End = off + int64(size)
	return b, nil
}

// Printable renders a box type or FourCC for a message: the 0xA9 byte of
// QuickTime and iTunes tags as ©, other bytes outside printable ASCII as
// '?'.
func Printable(typ string) string {
	if len(typ) == 4 && typ[0] == 0xA9 {
		return "©" + FourCC(typ[1:])
	}
	return FourCC(typ)
}

// FourCC renders a chunk or box id for a message, each byte outside
// printable ASCII as '?'.
func FourCC(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c > 0x7E {
			b[i] = '?'
		}
	}
	return string(b)
}
