package seg

import (
	"bytes"
	"errors"
	"testing"

	"github.com/provscan/provscan/provenance/readerr"
)

func TestJPEG(t *testing.T) {
	// SOI, fill bytes, APP1 "ab", RST0, SOS, then scan data.
	b := []byte{0xFF, SOI, 0xFF, 0xFF, APP1, 0, 4, 'a', 'b', 0xFF, 0xD0, 0xFF, SOS, 0, 2, 1, 2}
	it := NewJPEG(bytes.NewReader(b), int64(len(b)))
	var got []Segment
	for it.Next() {
		got = append(got, it.Segment())
		if it.Segment().Marker == SOS {
			break
		}
	}
	want := []Segment{{APP1, 3, 4}, {0xD0, 9, 0}, {SOS, 11, 2}}
	if it.Err() != nil || len(got) != len(want) {
		t.Fatalf("segments %v, err %v", got, it.Err())
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("segment %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if got[0].Payload() != 7 || got[0].End() != 9 || got[1].End() != 11 {
		t.Errorf("APP1 payload %d end %d, RST end %d", got[0].Payload(), got[0].End(), got[1].End())
	}
	for _, c := range []struct {
		name string
		b    []byte
		err  error
	}{
		{"past the end", []byte{0xFF, SOI, 0xFF, APP1, 0, 9, 1}, readerr.ErrTruncated},
		{"short length", []byte{0xFF, SOI, 0xFF, APP1, 0, 1}, readerr.ErrMalformed},
		{"stuffed", []byte{0xFF, SOI, 0xFF, 0x00}, readerr.ErrMalformed},
		{"no marker", []byte{0xFF, SOI, 0x12}, readerr.ErrMalformed},
		{"fills", append([]byte{0xFF, SOI}, bytes.Repeat([]byte{0xFF}, maxFills+2)...), readerr.ErrMalformed},
	} {
		it := NewJPEG(bytes.NewReader(c.b), int64(len(c.b)))
		for it.Next() {
		}
		if !errors.Is(it.Err(), c.err) {
			t.Errorf("%s: err %v, want %v", c.name, it.Err(), c.err)
		}
	}
}

func TestBoxes(t *testing.T) {
	b := []byte{
		0, 0, 0, 10, 'f', 't', 'y', 'p', 1, 2,
		0, 0, 0, 1, 'w', 'i', 'd', 'e', 0, 0, 0, 0, 0, 0, 0, 16,
		0, 0, 0, 0, 'm', 'd', 'a', 't', 9,
	}
	it := NewBoxes(bytes.NewReader(b), 0, int64(len(b)), nil)
	var got []Box
	for it.Next() {
		got = append(got, it.Box())
	}
	want := []Box{{"ftyp", 0, 8, 10}, {"wide", 10, 26, 26}, {"mdat", 26, 34, 35}}
	if it.Err() != nil || len(got) != len(want) {
		t.Fatalf("boxes %v, err %v", got, it.Err())
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("box %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	for name, b := range map[string][]byte{
		"smaller than its header": {0, 0, 0, 4, 'a', 'b', 'c', 'd'},
		"larger than any file":    {0, 0, 0, 1, 'a', 'b', 'c', 'd', 0x7F, 0, 0, 0, 0, 0, 0, 0},
	} {
		it := NewBoxes(bytes.NewReader(b), 0, int64(len(b)), nil)
		if it.Next() || !errors.Is(it.Err(), readerr.ErrMalformed) {
			t.Errorf("%s: err %v", name, it.Err())
		}
	}
	// A box past its container is returned unclamped; the walk stops there.
	b = []byte{0, 0, 0, 99, 'm', 'o', 'o', 'v', 0, 0, 0, 8, 'f', 'r', 'e', 'e'}
	it = NewBoxes(bytes.NewReader(b), 0, int64(len(b)), nil)
	if !it.Next() || it.Box().End != 99 || it.Next() {
		t.Errorf("past the end: %+v %v", it.Box(), it.Err())
	}
}

// FuzzJPEG checks that the segment iterator never panics, always moves
// forward and returns segments inside the file.
func FuzzJPEG(f *testing.F) {
	f.Add([]byte{0xFF, SOI, 0xFF, APP1, 0, 4, 'a', 'b', 0xFF, SOS, 0, 2})
	f.Add([]byte{0xFF, SOI, 0xFF, 0xFF, 0xFF, 0xD0, 0xFF, EOI})
	f.Fuzz(func(t *testing.T, b []byte) {
		it := NewJPEG(bytes.NewReader(b), int64(len(b)))
		last := int64(-1)
		for it.Next() {
			s := it.Segment()
			if s.Off <= last || s.End() > int64(len(b)) {
				t.Fatalf("segment %+v after %d in %d bytes", s, last, len(b))
			}
			last = s.Off
		}
	})
}

// FuzzBoxes checks that the box iterator never panics, always moves
// forward and reports boxes that start inside the range.
func FuzzBoxes(f *testing.F) {
	f.Add([]byte{0, 0, 0, 10, 'f', 't', 'y', 'p', 1, 2, 0, 0, 0, 0, 'm', 'd', 'a', 't'})
	f.Add([]byte{0, 0, 0, 1, 'w', 'i', 'd', 'e', 0, 0, 0, 0, 0, 0, 0, 16})
	f.Fuzz(func(t *testing.T, b []byte) {
		it := NewBoxes(bytes.NewReader(b), 0, int64(len(b)), nil)
		last := int64(-1)
		for it.Next() {
			x := it.Box()
			if x.Off <= last || x.Start > x.End || x.Off+8 > int64(len(b)) {
				t.Fatalf("box %+v after %d in %d bytes", x, last, len(b))
			}
			last = x.Off
		}
	})
}
