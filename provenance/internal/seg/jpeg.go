package seg

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/provscan/provscan/provenance/readerr"
)

// JPEG marker bytes (the byte after 0xFF).
const (
	SOI   = 0xD8 // start of image
	EOI   = 0xD9 // end of image
	SOS   = 0xDA // start of scan: entropy-coded data follows the segment
	TEM   = 0x01 // temporary private use in arithmetic coding: standalone
	APP1  = 0xE1 // Exif, XMP, Extended XMP
	APP11 = 0xEB // JUMBF (C2PA)
	APP13 = 0xED // Photoshop image resources
	COM   = 0xFE // comment
)

// maxFills caps the 0xFF fill bytes before one marker.
const maxFills = 1 << 16

// Standalone reports whether a JPEG marker stands alone, without a length:
// SOI, EOI, TEM and RST0 to RST7.
func Standalone(marker byte) bool {
	return marker == SOI || marker == EOI || marker == TEM || (marker >= 0xD0 && marker <= 0xD7)
}

// Segment is one marker of a JPEG and the segment it opens.
type Segment struct {
	Marker byte
	Off    int64 // offset of the marker's 0xFF (the last one, after any fill bytes)
	Len    int64 // the length field, which counts its own 2 bytes; 0 for a standalone marker
}

// Payload returns the offset of the segment's payload, after the marker
// and the length.
func (s Segment) Payload() int64 { return s.Off + 4 }

// End returns the offset just past the segment.
func (s Segment) End() int64 {
	if s.Len == 0 {
		return s.Off + 2
	}
	return s.Off + 2 + s.Len
}

// JPEG iterates over the marker segments of a JPEG from the one after SOI:
// it skips fill bytes, reads each length and moves past the segment,
// never into it. It stops at the end of the file (Pos reports where) and
// at the first malformed marker, with the error in Err; a caller that reads
// past an SOS (the scan data between segments) moves on with SkipTo. Markers
// and fill bytes together are at most MaxSteps, fill bytes before one
// marker at most 65,536.
type JPEG struct {
	r     io.ReaderAt
	size  int64
	pos   int64
	steps int
	seg   Segment
	err   error
	buf   [2]byte // read buffer, kept here so that a step allocates nothing
}

// NewJPEG returns an iterator over the segments of the JPEG r of size bytes,
// from offset 2 (after SOI; the caller checks the SOI).
func NewJPEG(r io.ReaderAt, size int64) *JPEG {
	return &JPEG{r: r, size: size, pos: 2}
}

// Next reads the next marker and its length. It returns false at the end
// of the file or on an error (see Err).
func (it *JPEG) Next() bool {
	if it.err != nil {
		return false
	}
	if it.steps >= MaxSteps {
		it.err = fmt.Errorf("%w: more than %d JPEG markers", readerr.ErrLimit, MaxSteps)
		return false
	}
	it.steps++
	if it.pos >= it.size {
		return false
	}
	one := it.buf[:1]
	if err := ReadAt(it.r, one, it.pos); err != nil {
		it.err = err
		return false
	}
	if one[0] != 0xFF {
		it.err = fmt.Errorf("%w: expected a marker at offset %d, found 0x%02X", readerr.ErrMalformed, it.pos, one[0])
		return false
	}
	// Skip fill bytes: any number of 0xFF may precede a marker.
	for fills := 1; one[0] == 0xFF; fills++ {
		it.pos++
		if fills > maxFills {
			it.err = fmt.Errorf("%w: too many fill bytes at offset %d", readerr.ErrMalformed, it.pos)
			return false
		}
		if fills > 1 {
			if it.steps >= MaxSteps {
				it.err = fmt.Errorf("%w: more than %d JPEG markers and fill bytes", readerr.ErrLimit, MaxSteps)
				return false
			}
			it.steps++
		}
		if err := ReadAt(it.r, one, it.pos); err != nil {
			it.err = err
			return false
		}
	}
	s := Segment{Marker: one[0], Off: it.pos - 1}
	it.pos++
	switch {
	case s.Marker == 0x00:
		it.err = fmt.Errorf("%w: stuffed 0xFF00 outside scan data at offset %d", readerr.ErrMalformed, s.Off)
		return false
	case Standalone(s.Marker):
		it.seg = s
		return true
	}
	if err := ReadAt(it.r, it.buf[:], it.pos); err != nil {
		it.err = err
		return false
	}
	s.Len = int64(binary.BigEndian.Uint16(it.buf[:]))
	if s.Len < 2 {
		it.err = fmt.Errorf("%w: marker 0x%02X at offset %d has length %d", readerr.ErrMalformed, s.Marker, s.Off, s.Len)
		return false
	}
	it.seg = s
	it.pos = s.End()
	if it.pos > it.size {
		it.err = fmt.Errorf("%w: marker 0x%02X segment at offset %d runs past the end of the file", readerr.ErrTruncated, s.Marker, s.Off)
		return false
	}
	return true
}

// Segment returns the segment Next read (also the one an ErrTruncated
// from Next is about).
func (it *JPEG) Segment() Segment { return it.seg }

// Err returns the error that stopped the iteration, or nil.
func (it *JPEG) Err() error { return it.err }

// Pos returns the offset of the next marker: after a Next that returned
// false without an error, the end of the file.
func (it *JPEG) Pos() int64 { return it.pos }

// SkipTo moves the iterator to off, e.g. past the scan data after an SOS.
func (it *JPEG) SkipTo(off int64) { it.pos = off }
