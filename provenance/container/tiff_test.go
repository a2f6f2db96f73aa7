package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	goexif "github.com/dsoprea/go-exif/v3"
)

// tiffB builds TIFF and BigTIFF files for tests.
type tiffB struct {
	bo   tiffOrder
	big  bool
	buf  []byte
	base int64 // file offset of buf[0]
}

// tiffEntryT is one entry for tiffB.ifd; val is the raw value bytes.
type tiffEntryT struct {
	tag, typ uint16
	count    uint64
	val      []byte
}

func newTiffB(le, big bool) *tiffB {
	b := &tiffB{bo: binary.BigEndian, big: big}
	if le {
		b.bo = binary.LittleEndian
		b.buf = []byte("II")
	} else {
		b.buf = []byte("MM")
	}
	if big {
		b.buf = b.bo.AppendUint16(b.buf, 43)
		b.buf = b.bo.AppendUint16(b.buf, 8)
		b.buf = b.bo.AppendUint16(b.buf, 0)
		b.buf = b.bo.AppendUint64(b.buf, 0)
	} else {
		b.buf = b.bo.AppendUint16(b.buf, 42)
		b.buf = b.bo.AppendUint32(b.buf, 0)
	}
	return b
}

// off encodes an offset in the file's offset width.
func (b *tiffB) off(v int64) []byte {
	if b.big {
		return b.bo.AppendUint64(nil, uint64(v))
	}
	return b.bo.AppendUint32(nil, uint32(v))
}

func (b *tiffB) setFirst(v int64) {
	if b.big {
		b.bo.PutUint64(b.buf[8:], uint64(v))
	} else {
		b.bo.PutUint32(b.buf[4:], uint32(v))
	}
}

// ifd appends an IFD (values first) and returns its offset.
func (b *tiffB) ifd(es []tiffEntryT, next int64) int64 {
	vl := 4
	if b.big {
		vl = 8
	}
	fields := make([][]byte, len(es))
	for i, e := range es {
		if len(e.val) > vl {
			if len(b.buf)%2 == 1 {
				b.buf = append(b.buf, 0)
			}
			fields[i] = b.off(b.base + int64(len(b.buf)))
			b.buf = append(b.buf, e.val...)
		} else {
			fields[i] = make([]byte, vl)
			copy(fields[i], e.val)
		}
	}
	if len(b.buf)%2 == 1 {
		b.buf = append(b.buf, 0)
	}
	at := b.base + int64(len(b.buf))
	if b.big {
		b.buf = b.bo.AppendUint64(b.buf, uint64(len(es)))
	} else {
		b.buf = b.bo.AppendUint16(b.buf, uint16(len(es)))
	}
	for i, e := range es {
		count := e.count
		if count == 0 {
			count = uint64(len(e.val)) / uint64(tiffTypeSize[e.typ])
		}
		b.buf = b.bo.AppendUint16(b.buf, e.tag)
		b.buf = b.bo.AppendUint16(b.buf, e.typ)
		if b.big {
			b.buf = b.bo.AppendUint64(b.buf, count)
		} else {
			b.buf = b.bo.AppendUint32(b.buf, uint32(count))
		}
		b.buf = append(b.buf, fields[i]...)
	}
	b.buf = append(b.buf, b.off(next)...)
	return at
}

// patchNext rewrites the next-IFD offset of the IFD at at.
func (b *tiffB) patchNext(at, next int64) {
	if b.big {
		n := b.bo.Uint64(b.buf[at:])
		b.bo.PutUint64(b.buf[at+8+int64(n)*20:], uint64(next))
	} else {
		n := b.bo.Uint16(b.buf[at:])
		b.bo.PutUint32(b.buf[at+2+int64(n)*12:], uint32(next))
	}
}

func tiffASCII(s string) []byte { return append([]byte(s), 0) }

const mediaTestXMP = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>`

// sampleTIFF builds a TIFF whose IFD0 carries text tags, XMP, IPTC,
// Photoshop resources and C2PA, with Exif and GPS IFDs and a second page.
func sampleTIFF(le, big bool) []byte {
	b := newTiffB(le, big)
	u32 := func(v uint32) []byte { return b.bo.AppendUint32(nil, v) }
	ifd1 := b.ifd([]tiffEntryT{{tag: 256, typ: 3, val: b.bo.AppendUint16(nil, 4)}, {tag: tiffTagXMP, typ: 1, val: []byte(mediaTestXMP + " page2")}}, 0)
	exif := b.ifd([]tiffEntryT{{tag: 0x9286, typ: 7, val: append([]byte("ASCII\x00\x00\x00"), "Made with a generator"...)}}, 0)
	gps := b.ifd([]tiffEntryT{{tag: 0, typ: 1, val: []byte{2, 3, 0, 0}}}, 0)
	ptrTyp := uint16(4)
	if big {
		ptrTyp = 18
	}
	ifd0 := b.ifd([]tiffEntryT{
		{tag: 256, typ: 4, val: u32(640)},
		{tag: 305, typ: 2, val: tiffASCII("GenTool 1.0")},
		{tag: tiffTagXMP, typ: 1, val: []byte(mediaTestXMP)},
		{tag: tiffTagIPTC, typ: 4, val: []byte{0x1c, 2, 0, 0, 2, 0, 4, 0}},
		{tag: tiffTagPhotoshop, typ: 1, val: []byte("8BIM\x04\x04\x00\x00\x00\x00\x00\x00")},
		{tag: tiffTagExifIFD, typ: ptrTyp, val: b.off(exif)},
		{tag: tiffTagGPSIFD, typ: ptrTyp, val: b.off(gps)},
		{tag: tiffTagC2PA, typ: 7, val: []byte("\x00\x00\x00\x10jumbC2PA-store")},
	}, ifd1)
	b.setFirst(ifd0)
	return b.buf
}

func TestTIFFBlocks(t *testing.T) {
	for _, c := range []struct {
		name    string
		le, big bool
	}{{"II", true, false}, {"MM", false, false}, {"BigTIFF-II", true, true}, {"BigTIFF-MM", false, true}} {
		t.Run(c.name, func(t *testing.T) {
			data := sampleTIFF(c.le, c.big)
			if !matchTIFF(data) {
				t.Fatal("matchTIFF = false")
			}
			res, err := readTIFF(mediaBytes(data), int64(len(data)), nil)
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if res.Format != "TIFF" {
				t.Errorf("Format = %q", res.Format)
			}
			xmps := mediaBlocks(res, KindXMP)
			if len(xmps) != 2 || string(xmps[0].Data) != mediaTestXMP || string(xmps[1].Data) != mediaTestXMP+" page2" {
				t.Fatalf("XMP blocks = %+v", xmps)
			}
			if xmps[0].Container != "TIFF IFD0 XMP (tag 700)" || xmps[1].Container != "TIFF IFD1 XMP (tag 700)" {
				t.Errorf("containers %q, %q", xmps[0].Container, xmps[1].Container)
			}
			if !bytes.Equal(data[xmps[0].Offset:xmps[0].Offset+xmps[0].Size], xmps[0].Data) {
				t.Error("XMP Offset/Size do not locate the payload")
			}
			if c := mediaBlocks(res, KindC2PA); len(c) != 1 || !strings.Contains(string(c[0].Data), "jumbC2PA") {
				t.Errorf("C2PA = %+v", c)
			}
			if c := mediaBlocks(res, KindIPTC); len(c) != 1 || c[0].Data[0] != 0x1c || len(c[0].Data) != 8 {
				t.Errorf("IPTC = %+v", c)
			}
			if c := mediaBlocks(res, KindPhotoshop); len(c) != 1 || !bytes.HasPrefix(c[0].Data, []byte("8BIM")) {
				t.Errorf("Photoshop = %+v", c)
			}
			ex := mediaBlocks(res, KindEXIF)
			if len(ex) != 1 {
				t.Fatalf("EXIF blocks = %d", len(ex))
			}
			checkSynthesizedEXIF(t, ex[0].Data)
		})
	}
}

// checkSynthesizedEXIF asserts that an independent EXIF library reads the
// synthesized block's Software and UserComment.
func checkSynthesizedEXIF(t *testing.T, data []byte) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("II*\x00")) && !bytes.HasPrefix(data, []byte("MM\x00*")) {
		t.Fatalf("EXIF block does not start with a classic TIFF header: % x", data[:min(8, len(data))])
	}
	tags, _, err := goexif.GetFlatExifData(data, nil)
	if err != nil {
		t.Fatalf("go-exif: %v", err)
	}
	got := map[string]string{}
	for _, tg := range tags {
		got[tg.IfdPath+"/"+tg.TagName] = tg.FormattedFirst
	}
	if got["IFD/Software"] != "GenTool 1.0" {
		t.Errorf("Software = %q (tags %v)", got["IFD/Software"], got)
	}
	if !strings.Contains(got["IFD/Exif/UserComment"], "Made with a generator") {
		t.Errorf("UserComment = %q (tags %v)", got["IFD/Exif/UserComment"], got)
	}
	if _, ok := got["IFD/GPSInfo/GPSVersionID"]; !ok {
		t.Errorf("GPS IFD missing (tags %v)", got)
	}
	// the synthesized block is itself a TIFF whose own synthesis is identical
	res, err := readTIFF(mediaBytes(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ex := mediaBlocks(res, KindEXIF); len(ex) != 1 || !bytes.Equal(ex[0].Data, data) {
		t.Error("re-synthesis of the EXIF block differs")
	}
}

func TestTIFFDNG(t *testing.T) {
	b := newTiffB(true, false)
	sub := b.ifd([]tiffEntryT{{tag: tiffTagXMP, typ: 7, val: []byte(mediaTestXMP)}}, 0)
	ifd0 := b.ifd([]tiffEntryT{{tag: tiffTagSubIFDs, typ: 13, val: b.bo.AppendUint32(nil, uint32(sub))}, {tag: tiffTagDNGVersion, typ: 1, val: []byte{1, 4, 0, 0}}}, 0)
	b.setFirst(ifd0)
	res, err := readTIFF(mediaBytes(b.buf), int64(len(b.buf)), nil)
	if err != nil || res.Format != "DNG" {
		t.Fatalf("Format = %q, err = %v", res.Format, err)
	}
	if x := mediaBlocks(res, KindXMP); len(x) != 1 || x[0].Container != "TIFF SubIFD XMP (tag 700)" {
		t.Errorf("XMP = %+v", x)
	}
}

// TestTIFFIFDAtEnd puts IFD0 after 4 GiB of strips in a BigTIFF: the reader
// must find it without reading what lies before.
func TestTIFFIFDAtEnd(t *testing.T) {
	const at = 5 << 30
	b := newTiffB(true, true)
	head := append([]byte(nil), b.buf...)
	// build the IFD in a separate builder, then relocate it by padding offsets
	tail := &tiffB{bo: binary.LittleEndian, big: true, base: at}
	ifd0 := tail.ifd([]tiffEntryT{{tag: 305, typ: 2, val: tiffASCII("GenTool 1.0")}, {tag: tiffTagC2PA, typ: 7, val: []byte("\x00\x00\x00\x10jumbC2PA-store")}}, 0)
	b.bo.PutUint64(head[8:], uint64(ifd0))
	s := &mediaSparse{size: at + int64(len(tail.buf)), regions: map[int64][]byte{0: head, at: tail.buf}}
	res, err := readTIFF(s, s.size, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(mediaBlocks(res, KindC2PA)) != 1 || len(mediaBlocks(res, KindEXIF)) != 1 {
		t.Fatalf("blocks = %+v", res.Blocks)
	}
	if s.read > 4096 {
		t.Errorf("read %d bytes of a %d-byte file", s.read, s.size)
	}
}

func TestTIFFHostile(t *testing.T) {
	// an IFD chain that loops back to itself, and SubIFDs that point at IFD0
	loop := newTiffB(true, false)
	subs := make([]byte, 8)
	at := loop.ifd([]tiffEntryT{{tag: tiffTagXMP, typ: 1, val: []byte(mediaTestXMP)}, {tag: tiffTagSubIFDs, typ: 4, val: subs}}, 0)
	loop.setFirst(at)
	loop.patchNext(at, at)
	valAt := loop.bo.Uint32(loop.buf[at+2+12+8:])
	loop.bo.PutUint32(loop.buf[valAt:], uint32(at))
	loop.bo.PutUint32(loop.buf[valAt+4:], uint32(at))
	res, err := mediaQuick(t, readTIFF, loop.buf, time.Second)
	if len(mediaBlocks(res, KindXMP)) != 1 {
		t.Errorf("loop: XMP blocks = %d (err %v)", len(mediaBlocks(res, KindXMP)), err)
	}

	// a deep chain of SubIFDs: each IFD's SubIFDs points to the next one
	deep := newTiffB(false, false)
	next := int64(0)
	for i := 0; i < 100; i++ {
		var es []tiffEntryT
		if next != 0 {
			es = []tiffEntryT{{tag: tiffTagSubIFDs, typ: 4, val: deep.bo.AppendUint32(nil, uint32(next))}}
		} else {
			es = []tiffEntryT{{tag: 256, typ: 3, val: []byte{0, 1}}}
		}
		next = deep.ifd(es, 0)
	}
	deep.setFirst(next)
	_, err = mediaQuick(t, readTIFF, deep.buf, time.Second)
	if !errors.Is(err, errLimit) {
		t.Errorf("deep nesting: err = %v, want errLimit", err)
	}

	// huge counts and lengths past the end of the file
	huge := newTiffB(true, false)
	at = huge.ifd([]tiffEntryT{
		{tag: 305, typ: 2, val: tiffASCII("GenTool")},
		{tag: tiffTagXMP, typ: 1, count: 1 << 31, val: huge.bo.AppendUint32(nil, 8)},
		{tag: tiffTagSubIFDs, typ: 4, count: 1 << 30, val: huge.bo.AppendUint32(nil, 8)},
		{tag: tiffTagC2PA, typ: 7, count: 100, val: huge.bo.AppendUint32(nil, 1<<30)},
	}, 0)
	huge.setFirst(at)
	res, err = mediaQuick(t, readTIFF, huge.buf, time.Second)
	if !errors.Is(err, errTruncated) || len(res.Blocks) != 1 { // the EXIF block is still synthesized
		t.Errorf("huge: err = %v, blocks %+v", err, res.Blocks)
	}

	// an entry table that declares 65535 entries in a tiny file
	short := newTiffB(true, false)
	at = short.ifd([]tiffEntryT{{tag: 305, typ: 2, val: tiffASCII("x")}}, 0)
	short.setFirst(at)
	short.bo.PutUint16(short.buf[at:], 0xFFFF)
	if _, err = mediaQuick(t, readTIFF, short.buf, time.Second); !errors.Is(err, errTruncated) {
		t.Errorf("short table: err = %v", err)
	}

	// a fan-out: a chain of IFDs, each with hundreds of SubIFDs tags whose 64
	// offsets all point back at the first IFD
	fan := newTiffB(true, false)
	fan.buf = append(fan.buf, make([]byte, 256)...) // offsets array at 8, patched below
	var es []tiffEntryT
	for i := 0; i < 300; i++ {
		es = append(es, tiffEntryT{tag: tiffTagSubIFDs, typ: 4, count: 64, val: fan.bo.AppendUint32(nil, 8)})
	}
	prev := int64(0)
	for i := 0; i < 200; i++ {
		prev = fan.ifd(es, prev)
	}
	fan.setFirst(prev)
	for i := 0; i < 64; i++ {
		fan.bo.PutUint32(fan.buf[8+4*i:], uint32(prev))
	}
	if _, err = mediaQuick(t, readTIFF, fan.buf, time.Second); !errors.Is(err, errLimit) {
		t.Errorf("fan-out: err = %v, want errLimit", err)
	}

	// truncated headers and an out-of-range first offset
	for _, d := range [][]byte{[]byte("II*\x00"), []byte("II+\x00\x08\x00\x00\x00"), []byte("MM\x00*\xff\xff\xff\xff")} {
		if _, err := mediaQuick(t, readTIFF, d, time.Second); err == nil {
			t.Errorf("%q: no error", d)
		}
	}
}

func TestTIFFCorpus(t *testing.T) {
	if n := mediaCorpusCheck(t, readTIFF, "tif", "tiff", "dng"); n == 0 {
		t.Skip("no TIFF files in the corpus")
	}
}

func TestTIFFCorpusPOC(t *testing.T) {
	root := mediaCorpusRoot(t)
	data, err := os.ReadFile(root + "/c2pa-rs/tiff_poc.tiff")
	if err != nil {
		t.Skip(err)
	}
	res, err := mediaQuick(t, readTIFF, data, 500*time.Millisecond)
	t.Logf("tiff_poc: err=%v blocks=%d warnings=%v", err, len(res.Blocks), res.Warnings)
}

func FuzzTIFF(f *testing.F) {
	f.Add(sampleTIFF(true, false))
	f.Add(sampleTIFF(false, true))
	f.Add([]byte("MM\x00*\x00\x00\x00\x08\x00\x01\x01\x4a\x00\x04\x00\x00\x00\x02\x00\x00\x00\x08\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, _ := readTIFF(mediaBytes(data), int64(len(data)), nil)
		if res == nil {
			t.Fatal("nil result")
		}
		for _, b := range res.Blocks {
			if b.Kind != KindEXIF && (b.Offset < 0 || b.Offset+b.Size > int64(len(data)) || int64(len(b.Data)) != b.Size) {
				t.Fatalf("block %s at %d+%d outside %d bytes (data %d)", b.Container, b.Offset, b.Size, len(data), len(b.Data))
			}
		}
	})
}
