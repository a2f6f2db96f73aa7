package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"github.com/provscan/provscan/provenance/internal/corpustest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/provscan/provscan/provenance/internal/seg"
)

// crCorpusFile returns the path of a file in the shared real-world corpus, or
// skips the test when the corpus is not present next to the checkout.
func crCorpusFile(t testing.TB, rel string) string {
	t.Helper()
	return corpustest.Dir(t, filepath.FromSlash(rel))
}

// crReadCorpus runs a reader over a corpus file.
func crReadCorpus(t *testing.T, rel string, read readFunc) (*Result, error) {
	t.Helper()
	f, err := os.Open(crCorpusFile(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return read(f, st.Size(), nil)
}

// crCountingReader counts the bytes read through it.
type crCountingReader struct {
	r interface {
		ReadAt(p []byte, off int64) (int, error)
	}
	n atomic.Int64
}

func (c *crCountingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

// crBlocks returns the blocks of one kind.
func crBlocks(res *Result, k Kind) []Block {
	var out []Block
	for _, b := range res.Blocks {
		if b.Kind == k {
			out = append(out, b)
		}
	}
	return out
}

// crCheckSizes fails when a block is larger than maxBlockSize.
func crCheckSizes(t *testing.T, res *Result) {
	t.Helper()
	if res == nil {
		return
	}
	for _, b := range res.Blocks {
		if len(b.Data) > maxBlockSize {
			t.Fatalf("block %s of %d bytes is larger than maxBlockSize", b.Container, len(b.Data))
		}
	}
}

// jpegSeg builds one marker segment.
func jpegSeg(marker byte, payload []byte) []byte {
	out := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(out[2:], uint16(len(payload)+2))
	return append(out, payload...)
}

// jpegApp11 builds an APP11 JUMBF segment with the given instance, sequence
// and box bytes.
func jpegApp11(en uint16, z uint32, box []byte) []byte {
	p := []byte{'J', 'P', 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint16(p[2:], en)
	binary.BigEndian.PutUint32(p[4:], z)
	return jpegSeg(seg.APP11, append(p, box...))
}

// crJUMBF builds a jumb superbox with a payload of n bytes.
func crJUMBF(n int) []byte {
	payload := bytes.Repeat([]byte("0123456789abcdef"), n/16+1)[:n]
	box := make([]byte, 8, 8+n)
	binary.BigEndian.PutUint32(box, uint32(8+n))
	copy(box[4:], "jumb")
	return append(box, payload...)
}

// splitJUMBF splits a box into APP11 segments, repeating the box header in
// every continuation segment, numbering from first.
func splitJUMBF(en uint16, first uint32, box []byte, chunk int) [][]byte {
	var segs [][]byte
	hdr := box[:8]
	rest := box
	z := first
	for i := 0; len(rest) > 0; i++ {
		n := min(chunk, len(rest))
		var body []byte
		if i == 0 {
			body = rest[:n]
		} else {
			body = append(append([]byte(nil), hdr...), rest[:n]...)
		}
		segs = append(segs, jpegApp11(en, z, body))
		rest = rest[n:]
		z++
	}
	return segs
}

func buildJPEG(segs ...[]byte) []byte {
	out := []byte{0xFF, seg.SOI}
	for _, s := range segs {
		out = append(out, s...)
	}
	// SOS followed by scan bytes that must never be interpreted.
	out = append(out, jpegSeg(seg.SOS, []byte{1, 1, 0, 0, 0x3f, 0})...)
	out = append(out, jpegSeg(seg.COM, []byte("inside scan data"))...)
	return append(out, 0xFF, seg.EOI)
}

func TestJPEGSegments(t *testing.T) {
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08rest")
	xmp := []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"/>`)
	ps := []byte("8BIM\x04\x04\x00\x00\x00\x00\x00\x00")
	box := crJUMBF(300)
	segs := [][]byte{
		{0xFF, 0xFF}, // fill bytes before the next marker
		jpegSeg(0xE0, []byte("JFIF\x00\x01\x02")),
		jpegSeg(seg.APP1, append(append([]byte(nil), jpegExifSig...), tiff...)),
		{0xFF, 0xD0}, // a stray RST marker has no length
		jpegSeg(seg.APP1, append(append([]byte(nil), jpegXMPSig...), xmp...)),
		jpegSeg(seg.APP13, append(append([]byte(nil), jpegPSSig...), ps...)),
		jpegSeg(seg.COM, []byte("hello")),
	}
	segs = append(segs, splitJUMBF(1, 1, box, 100)...)
	data := buildJPEG(segs...)
	res, err := readJPEG(bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatalf("readJPEG: %v", err)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("unexpected warnings: %v", res.Warnings)
	}
	want := map[Kind][]byte{KindEXIF: tiff, KindXMP: xmp, KindPhotoshop: ps, KindComment: []byte("hello"), KindC2PA: box}
	for k, w := range want {
		got := crBlocks(res, k)
		if len(got) != 1 {
			t.Fatalf("%s: got %d blocks, want 1 (%+v)", k, len(got), res.Blocks)
		}
		if !bytes.Equal(got[0].Data, w) {
			t.Errorf("%s: data %q, want %q", k, got[0].Data, w)
		}
	}
	c := crBlocks(res, KindC2PA)[0]
	if c.Container != "JPEG APP11 JUMBF (4 segments)" {
		t.Errorf("container %q", c.Container)
	}
	e := crBlocks(res, KindEXIF)[0]
	if !bytes.Equal(data[e.Offset:e.Offset+e.Size], tiff) {
		t.Errorf("EXIF offset %d size %d do not point at the TIFF block", e.Offset, e.Size)
	}
}

func TestJPEGJUMBFQuirks(t *testing.T) {
	box := crJUMBF(250)
	segs := splitJUMBF(7, 0, box, 100) // numbered from 0
	// out of order, duplicated segment, plus a second box instance.
	other := crJUMBF(20)
	order := [][]byte{segs[2], segs[0], jpegApp11(9, 1, other), segs[1], segs[1]}
	data := buildJPEG(order...)
	res, err := readJPEG(bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatalf("readJPEG: %v", err)
	}
	got := crBlocks(res, KindC2PA)
	if len(got) != 2 {
		t.Fatalf("got %d C2PA blocks, want 2", len(got))
	}
	if got[1].Container != "JPEG APP11 JUMBF (1 segment)" {
		t.Errorf("container %q", got[1].Container)
	}
	if !bytes.Equal(got[0].Data, box) || !bytes.Equal(got[1].Data, other) {
		t.Errorf("reassembled boxes differ")
	}
	if !strings.Contains(strings.Join(res.Warnings, "\n"), "repeated") {
		t.Errorf("no warning for the repeated segment: %v", res.Warnings)
	}

	// A gap: the box is incomplete, the reader keeps going with a warning.
	data = buildJPEG(segs[0], segs[2])
	res, err = readJPEG(bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatalf("readJPEG: %v", err)
	}
	if len(crBlocks(res, KindC2PA)) != 1 || len(res.Warnings) < 2 {
		t.Errorf("gap: blocks %d warnings %v", len(res.Blocks), res.Warnings)
	}
}

func TestJPEGExtendedXMP(t *testing.T) {
	full := bytes.Repeat([]byte("<rdf:Description/>"), 10)
	guid := "0123456789ABCDEF0123456789ABCDEF"
	chunk := func(off, n int) []byte {
		p := append([]byte(nil), jpegExtXMPSig...)
		p = append(p, guid...)
		p = binary.BigEndian.AppendUint32(p, uint32(len(full)))
		p = binary.BigEndian.AppendUint32(p, uint32(off))
		return jpegSeg(seg.APP1, append(p, full[off:off+n]...))
	}
	data := buildJPEG(chunk(100, len(full)-100), chunk(0, 100))
	res, err := readJPEG(bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatalf("readJPEG: %v", err)
	}
	x := crBlocks(res, KindXMP)
	if len(x) != 1 || !bytes.Equal(x[0].Data, full) || x[0].Container != "JPEG APP1 Extended XMP" {
		t.Fatalf("extended XMP not reassembled: %+v", res.Blocks)
	}
}

func TestJPEGMalformed(t *testing.T) {
	good := buildJPEG(jpegSeg(seg.COM, []byte("abc")))
	for i := 0; i < len(good); i++ {
		res, _ := readJPEG(bytes.NewReader(good[:i]), int64(i), nil)
		crCheckSizes(t, res)
	}
	// A segment length running past the end of the file.
	bad := append([]byte{0xFF, seg.SOI, 0xFF, seg.APP1, 0xFF, 0xFF}, "Exif"...)
	if _, err := readJPEG(bytes.NewReader(bad), int64(len(bad)), nil); !errors.Is(err, errTruncated) {
		t.Errorf("err = %v, want errTruncated", err)
	}
	if _, err := readJPEG(bytes.NewReader([]byte("not a jpeg")), 10, nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("err = %v, want ErrMalformed", err)
	}
}

func TestJPEGCorpusFireflyOCSP(t *testing.T) {
	res, err := crReadCorpus(t, "genai/firefly/ocsp.jpg", readJPEG)
	if err != nil {
		t.Fatalf("readJPEG: %v", err)
	}
	c := crBlocks(res, KindC2PA)
	if len(c) != 1 {
		t.Fatalf("got %d C2PA blocks, want 1; warnings %v", len(c), res.Warnings)
	}
	d := c[0].Data
	if string(d[4:8]) != "jumb" || int(binary.BigEndian.Uint32(d)) != len(d) {
		t.Errorf("C2PA block is not one complete jumb box: type %q, LBox %d, len %d", d[4:8], binary.BigEndian.Uint32(d), len(d))
	}
	if c[0].Container != "JPEG APP11 JUMBF (5 segments)" {
		t.Errorf("container %q", c[0].Container)
	}
}

func TestJPEGCorpus(t *testing.T) {
	for _, rel := range []string{
		"negative/Canon_40D.jpg", "genai/automatic1111/sd-webui.jpg", "c2pa/c2pa-rs/CACAE-uri-CA.jpg",
		"genai/firefly/Firefly_tabby_cat.jpg", "negative/car-es-Ps-Cr.jpg",
	} {
		t.Run(rel, func(t *testing.T) {
			res, err := crReadCorpus(t, rel, readJPEG)
			if err != nil {
				t.Fatalf("readJPEG: %v", err)
			}
			if len(res.Blocks) == 0 {
				t.Fatalf("no blocks")
			}
			for _, b := range crBlocks(res, KindEXIF) {
				if !bytes.HasPrefix(b.Data, []byte("II*\x00")) && !bytes.HasPrefix(b.Data, []byte("MM\x00*")) {
					t.Errorf("EXIF block does not start with a TIFF header: %q", b.Data[:min(8, len(b.Data))])
				}
			}
			for _, b := range crBlocks(res, KindC2PA) {
				if string(b.Data[4:8]) != "jumb" || int(binary.BigEndian.Uint32(b.Data)) != len(b.Data) {
					t.Errorf("incomplete C2PA block in %s", b.Container)
				}
			}
		})
	}
}

func FuzzJPEG(f *testing.F) {
	f.Add(buildJPEG(jpegSeg(seg.COM, []byte("c"))))
	f.Add(buildJPEG(splitJUMBF(1, 1, crJUMBF(40), 16)...))
	f.Add(buildJPEG(jpegSeg(seg.APP1, append(append([]byte(nil), jpegExifSig...), "II*\x00\x08\x00\x00\x00"...))))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, _ := readJPEG(bytes.NewReader(data), int64(len(data)), nil)
		crCheckSizes(t, res)
	})
}
