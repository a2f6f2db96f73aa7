package iptc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"github.com/provscan/provscan/provenance/internal/corpustest"
	"strings"
	"testing"

	"github.com/provscan/provscan/provenance/container"
	"github.com/provscan/provscan/provenance/readerr"
)

// res builds one image resource block.
func res(sig string, id uint16, name string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString(sig)
	binary.Write(&b, binary.BigEndian, id)
	b.WriteByte(byte(len(name)))
	b.WriteString(name)
	if (1+len(name))%2 == 1 {
		b.WriteByte(0)
	}
	binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.Write(data)
	if len(data)%2 == 1 {
		b.WriteByte(0)
	}
	return b.Bytes()
}

// ds builds one IIM dataset with a standard or extended length.
func ds(rec, id uint8, val []byte, extended bool) []byte {
	b := []byte{0x1C, rec, id}
	if extended {
		b = append(b, 0x80, 0x04)
		b = binary.BigEndian.AppendUint32(b, uint32(len(val)))
	} else {
		b = binary.BigEndian.AppendUint16(b, uint16(len(val)))
	}
	return append(b, val...)
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func sampleIIM() []byte {
	return cat(
		ds(1, 90, []byte("\x1b%G"), false),
		ds(2, 0, []byte{0, 4}, false),
		ds(2, 5, []byte("Generated image"), false),
		ds(2, 25, []byte("ai"), false),
		ds(2, 25, []byte("café"), false),
		ds(2, 80, []byte("Someone"), false),
		ds(2, 65, []byte("Midjourney"), false),
		ds(2, 105, []byte("Headline"), false),
		ds(2, 110, []byte("Made with Google AI"), false),
		ds(2, 115, []byte("Source"), false),
		ds(2, 116, []byte("(c) 2026"), false),
		ds(2, 120, []byte(strings.Repeat("a long caption ", 5000)), true),
		ds(2, 200, []byte("unnamed"), false),
	)
}

func TestParseIIM(t *testing.T) {
	got, err := ParseIIM(append(sampleIIM(), 0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	want := []Dataset{
		{1, 90, "CodedCharacterSet", "\x1b%G"},
		{2, 0, "ApplicationRecordVersion", "4"},
		{2, 5, "ObjectName", "Generated image"},
		{2, 25, "Keywords", "ai"},
		{2, 25, "Keywords", "café"},
		{2, 80, "By-line", "Someone"},
		{2, 65, "OriginatingProgram", "Midjourney"},
		{2, 105, "Headline", "Headline"},
		{2, 110, "Credit", "Made with Google AI"},
		{2, 115, "Source", "Source"},
		{2, 116, "CopyrightNotice", "(c) 2026"},
		{2, 120, "Caption-Abstract", strings.Repeat("a long caption ", 5000)},
		{2, 200, "", "unnamed"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d datasets, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("dataset %d = %+.80v, want %+.80v", i, got[i], want[i])
		}
	}
	if Get(got, 2, 110) != "Made with Google AI" || Get(got, 2, 99) != "" {
		t.Error("Get")
	}
}

func TestIIMLatin1(t *testing.T) {
	got, err := ParseIIM(ds(2, 120, []byte("caf\xe9"), false))
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Value != "café" {
		t.Errorf("latin-1 = %q", got[0].Value)
	}
}

func TestIIMMalformed(t *testing.T) {
	good := smallIIM()
	if _, err := ParseIIM(good); err != nil {
		t.Fatal(err)
	}
	for n := 1; n < len(good); n++ {
		got, err := ParseIIM(good[:n])
		if err == nil {
			// A cut exactly between datasets is a valid, shorter block.
			continue
		}
		if !errors.Is(err, readerr.ErrTruncated) {
			t.Errorf("cut %d: err = %v", n, err)
		}
		_ = got
	}
	got, err := ParseIIM(cat(ds(2, 5, []byte("ok"), false), []byte("garbage")))
	if !errors.Is(err, readerr.ErrMalformed) || len(got) != 1 || got[0].Value != "ok" {
		t.Errorf("garbage tail: %v %+v", err, got)
	}
	// Extended length field too long, and a huge extended length.
	if _, err := ParseIIM([]byte{0x1C, 2, 120, 0x80, 0x09, 1, 2, 3}); !errors.Is(err, readerr.ErrMalformed) {
		t.Errorf("long length field: %v", err)
	}
	got, err = ParseIIM([]byte{0x1C, 2, 120, 0x80, 0x04, 0xFF, 0xFF, 0xFF, 0xFF, 'x'})
	if !errors.Is(err, readerr.ErrTruncated) || len(got) != 1 || got[0].Value != "x" {
		t.Errorf("huge length: %v %+v", err, got)
	}
	// Values are capped.
	got, err = ParseIIM(ds(2, 120, bytes.Repeat([]byte("é"), MaxValue), true))
	if err != nil || len(got[0].Value) > MaxValue {
		t.Errorf("cap: %v, %d bytes", err, len(got[0].Value))
	}
}

func TestParseResources(t *testing.T) {
	xmpPacket := []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"/>`)
	tiff := []byte("MM\x00*\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00")
	block := cat(
		photoshopHeader,
		res("8BIM", ResIPTC, "", sampleIIM()),
		res("8BIM", 1005, "odd", []byte{1, 2, 3}),
		res("MeSa", 2000, "path 1", []byte{9}),
		res("8BIM", ResXMP, "", xmpPacket),
		res("PHUT", ResEXIF, "", tiff),
		[]byte{0, 0, 0, 0},
	)
	rs, err := ParseResources(block)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		sig  string
		id   uint16
		name string
		n    int
	}{
		{"8BIM", ResIPTC, "", len(sampleIIM())},
		{"8BIM", 1005, "odd", 3},
		{"MeSa", 2000, "path 1", 1},
		{"8BIM", ResXMP, "", len(xmpPacket)},
		{"PHUT", ResEXIF, "", len(tiff)},
	}
	if len(rs) != len(want) {
		t.Fatalf("got %d resources: %+v", len(rs), rs)
	}
	for i, w := range want {
		r := rs[i]
		if r.Signature != w.sig || r.ID != w.id || r.Name != w.name || len(r.Data) != w.n {
			t.Errorf("resource %d = %s %d %q %d bytes, want %+v", i, r.Signature, r.ID, r.Name, len(r.Data), w)
		}
	}
	if !bytes.Equal(Find(rs, ResXMP), xmpPacket) || !bytes.Equal(Find(rs, ResEXIF), tiff) || Find(rs, 9999) != nil {
		t.Error("Find")
	}
	iim, err := ParseIIM(Find(rs, ResIPTC))
	if err != nil || Get(iim, 2, 65) != "Midjourney" {
		t.Errorf("IIM through resources: %v %+v", err, iim)
	}
}

func TestResourcesMalformed(t *testing.T) {
	good := cat(res("8BIM", ResIPTC, "", sampleIIM()), res("8BIM", ResXMP, "name", []byte("<x/>")))
	for n := 1; n < len(good); n++ {
		rs, err := ParseResources(good[:n])
		if err != nil && !errors.Is(err, readerr.ErrTruncated) && !errors.Is(err, readerr.ErrMalformed) {
			t.Errorf("cut %d: %v", n, err)
		}
		if n > 12 && len(rs) == 0 {
			t.Errorf("cut %d: first resource lost", n)
		}
	}
	rs, err := ParseResources(cat(res("8BIM", 1, "", []byte("a")), []byte{0x01, 0x02, 0x03, 0x04, 0x05}))
	if !errors.Is(err, readerr.ErrMalformed) || len(rs) != 1 {
		t.Errorf("garbage tail: %v %+v", err, rs)
	}
	// A size beyond the end.
	b := res("8BIM", 1, "", []byte("abcd"))
	binary.BigEndian.PutUint32(b[8:], 0xFFFFFFF0)
	rs, err = ParseResources(b)
	if !errors.Is(err, readerr.ErrTruncated) || len(rs) != 1 || string(rs[0].Data) != "abcd" {
		t.Errorf("huge size: %v %+v", err, rs)
	}
}

// TestCorpus checks that the Photoshop resources and IPTC records of every
// corpus JPEG parse.
func TestCorpus(t *testing.T) {
	n := 0
	corpustest.EachJPEG(t, func(path string, b []byte) {
		for _, seg := range app13(b) {
			n++
			rs, err := ParseResources(seg)
			if err != nil {
				t.Errorf("%s: resources: %v", path, err)
			}
			if d := Find(rs, ResIPTC); d != nil {
				if _, err := ParseIIM(d); err != nil {
					t.Errorf("%s: IIM: %v", path, err)
				}
			}
		}
	})
	t.Logf("%d APP13 Photoshop blocks", n)
}

// app13 returns the Photoshop resources of a JPEG's APP13 segments, as the
// JPEG reader of provenance/container reassembles them.
func app13(b []byte) [][]byte {
	res, _ := container.Read(bytes.NewReader(b), int64(len(b)))
	if res == nil || res.Format != "JPEG" {
		return nil
	}
	var out [][]byte
	for _, bl := range res.Blocks {
		if bl.Kind == container.KindPhotoshop {
			out = append(out, bl.Data)
		}
	}
	return out
}

// smallIIM is a short IIM block for fuzz seeds (large seeds make the
// fuzzer's minimisation crawl).
func smallIIM() []byte {
	return cat(ds(1, 90, []byte("\x1b%G"), false), ds(2, 0, []byte{0, 4}, false), ds(2, 25, []byte("ai"), false), ds(2, 65, []byte("Midjourney"), false), ds(2, 120, []byte("caption"), true))
}

func FuzzIPTC(f *testing.F) {
	f.Add(smallIIM())
	f.Add(ds(2, 120, []byte("x"), true))
	f.Add([]byte{0x1C, 2, 120, 0x80, 0x04, 0, 0, 0, 1, 'x', 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		got, _ := ParseIIM(data)
		for _, d := range got {
			if len(d.Value) > MaxValue {
				t.Fatalf("value of %d bytes", len(d.Value))
			}
		}
	})
}

func FuzzResources(f *testing.F) {
	f.Add(cat(photoshopHeader, res("8BIM", ResIPTC, "", smallIIM()), res("MeSa", 7, "n", []byte{1})))
	f.Add(res("8BIM", ResXMP, "odd", []byte("<x/>")))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, _ := ParseResources(data)
		total := 0
		for _, r := range rs {
			total += len(r.Data)
		}
		if total > len(data) {
			t.Fatalf("resources hold %d bytes of a %d-byte input", total, len(data))
		}
	})
}
