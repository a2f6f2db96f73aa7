package exif

import (
	"bytes"
	"encoding/binary"
)

// EXIF tags of the IFD1 thumbnail.
const (
	tagThumbOffset = 0x0201 // JPEGInterchangeFormat
	tagThumbLength = 0x0202 // JPEGInterchangeFormatLength
)

// Thumbnail returns the JPEG thumbnail that IFD1 of a raw EXIF block (as
// Parse takes it) points at, or nil when there is none, or when its offset
// and length do not lie within the block or it does not start as a JPEG.
// The bytes are a slice of raw, as hostile as the file.
func Thumbnail(raw []byte) []byte {
	if bytes.HasPrefix(raw, []byte("Exif\x00")) && len(raw) >= 6 {
		raw = raw[6:]
	}
	if len(raw) < 8 {
		return nil
	}
	var bo binary.ByteOrder
	switch {
	case bytes.HasPrefix(raw, []byte("II*\x00")):
		bo = binary.LittleEndian
	case bytes.HasPrefix(raw, []byte("MM\x00*")):
		bo = binary.BigEndian
	default:
		return nil
	}
	b := block{raw: raw, bo: bo}
	ifd0 := bo.Uint32(raw[4:])
	if ifd0 < 8 {
		return nil
	}
	ifd1 := b.next(ifd0)
	if ifd1 < 8 || ifd1 == ifd0 {
		return nil
	}
	es, _ := b.entries(ifd1)
	var off, n uint64
	for _, e := range es {
		if e.typ != 4 && e.typ != 3 { // LONG, or a SHORT some writers use
			continue
		}
		v := uint64(bo.Uint32(e.value))
		if e.typ == 3 {
			v = uint64(bo.Uint16(e.value))
		}
		switch e.tag {
		case tagThumbOffset:
			off = v
		case tagThumbLength:
			n = v
		}
	}
	if off < 8 || n < 4 || off+n > uint64(len(raw)) {
		return nil
	}
	t := raw[off : off+n]
	if !bytes.HasPrefix(t, []byte{0xFF, 0xD8}) {
		return nil
	}
	return t
}
