package exif

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// tiffWithThumb builds a little-endian TIFF block whose IFD1 points at thumb
// (offset and length overridable to lie).
func tiffWithThumb(thumb []byte, off, n uint32) []byte {
	le := binary.LittleEndian
	b := []byte("II*\x00")
	b = le.AppendUint32(b, 8)
	// IFD0: no entries, next IFD at 14.
	b = le.AppendUint16(b, 0)
	b = le.AppendUint32(b, 14)
	// IFD1 at 14: two entries, next 0.
	b = le.AppendUint16(b, 2)
	data := uint32(14 + 2 + 2*12 + 4)
	if off == 0 {
		off = data
	}
	if n == 0 {
		n = uint32(len(thumb))
	}
	for _, e := range [][3]uint32{{tagThumbOffset, 4, off}, {tagThumbLength, 4, n}} {
		b = le.AppendUint16(b, uint16(e[0]))
		b = le.AppendUint16(b, uint16(e[1]))
		b = le.AppendUint32(b, 1)
		b = le.AppendUint32(b, e[2])
	}
	b = le.AppendUint32(b, 0)
	return append(b, thumb...)
}

func TestThumbnail(t *testing.T) {
	thumb := []byte("\xff\xd8\xff\xdb a jpeg\xff\xd9")
	if got := Thumbnail(append([]byte("Exif\x00\x00"), tiffWithThumb(thumb, 0, 0)...)); !bytes.Equal(got, thumb) {
		t.Fatalf("Thumbnail = %q, want %q", got, thumb)
	}
	for name, raw := range map[string][]byte{
		"length past the end": tiffWithThumb(thumb, 0, 1<<31),
		"offset past the end": tiffWithThumb(thumb, 1<<30, 0),
		"not a JPEG":          tiffWithThumb([]byte("not a jpeg at all"), 0, 0),
		"no IFD1":             []byte("II*\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
		"IFD1 loops to IFD0":  []byte("II*\x00\x08\x00\x00\x00\x00\x00\x08\x00\x00\x00"),
		"short":               []byte("II*\x00"),
		"not TIFF":            []byte("XXXXXXXXXXXXXXXX"),
	} {
		if got := Thumbnail(raw); got != nil {
			t.Errorf("%s: Thumbnail = %q, want nil", name, got)
		}
	}
}
