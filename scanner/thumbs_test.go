package scanner

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/provenance/c2pa"
	"github.com/provscan/provscan/scanner/report"
)

// thumbXMP is an XMP packet declaring the asset generated: a finding.
const thumbXMP = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
	`<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" ` +
	`Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/>` +
	`</rdf:RDF></x:xmpmeta>`

func solid(w, h int, c color.Color) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.Set(x, y, c)
		}
	}
	return m
}

func encJPEG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encPNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// app1 is a JPEG APP1 segment.
func app1(payload []byte) []byte {
	s := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(payload)+2))
	return append(s, payload...)
}

// exifWithThumb is an EXIF APP1 payload whose IFD1 holds thumb.
func exifWithThumb(thumb []byte) []byte {
	le := binary.LittleEndian
	b := []byte("Exif\x00\x00II*\x00")
	b = le.AppendUint32(b, 8)
	b = le.AppendUint16(b, 0) // IFD0: no entries
	b = le.AppendUint32(b, 14)
	b = le.AppendUint16(b, 2) // IFD1
	for _, e := range [][2]uint32{{0x0201, 14 + 2 + 24 + 4}, {0x0202, uint32(len(thumb))}} {
		b = le.AppendUint16(b, uint16(e[0]))
		b = le.AppendUint16(b, 4)
		b = le.AppendUint32(b, 1)
		b = le.AppendUint32(b, e[1])
	}
	b = le.AppendUint32(b, 0)
	return append(b, thumb...)
}

// withSegments inserts segments after a JPEG's SOI.
func withSegments(j []byte, segs ...[]byte) []byte {
	out := append([]byte{}, j[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, j[2:]...)
}

func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// withXMPChunk inserts an iTXt XMP chunk after a PNG's IHDR.
func withXMPChunk(p []byte) []byte {
	itxt := append([]byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"), thumbXMP...)
	ihdrEnd := 8 + 8 + 13 + 4
	out := append([]byte{}, p[:ihdrEnd]...)
	out = append(out, pngChunk("iTXt", itxt)...)
	return append(out, p[ihdrEnd:]...)
}

// bombPNG is a PNG whose header claims 30000 x 30000 pixels (3.6 GB of
// RGBA), flagged by its XMP, with a few bytes of image data.
func bombPNG() []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, 30000)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 30000)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	b := []byte("\x89PNG\r\n\x1a\n")
	b = append(b, pngChunk("IHDR", ihdr)...)
	b = append(b, pngChunk("iTXt", append([]byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"), thumbXMP...))...)
	b = append(b, pngChunk("IDAT", []byte{0x78, 0x9c, 0x62, 0x00, 0x00})...)
	return append(b, pngChunk("IEND", nil)...)
}

func decodeThumb(t *testing.T, th report.Thumbnail) image.Image {
	t.Helper()
	if th.MIME != "image/jpeg" {
		t.Fatalf("thumbnail MIME %q", th.MIME)
	}
	m, err := jpeg.Decode(bytes.NewReader(th.Data))
	if err != nil {
		t.Fatalf("thumbnail does not decode: %v", err)
	}
	return m
}

func writeFiles(t *testing.T, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestThumbnails(t *testing.T) {
	red := encJPEG(t, solid(40, 30, color.RGBA{255, 0, 0, 255}))
	blue := encJPEG(t, solid(800, 600, color.RGBA{0, 0, 255, 255}))
	xmpSeg := app1(append([]byte("http://ns.adobe.com/xap/1.0/\x00"), thumbXMP...))
	dir := writeFiles(t, map[string][]byte{
		"exif.jpg":  withSegments(blue, app1(exifWithThumb(red)), xmpSeg),
		"still.png": withXMPChunk(encPNG(t, solid(1000, 500, color.RGBA{0, 255, 0, 255}))),
		"clean.png": encPNG(t, solid(300, 300, color.Gray{128})),
		"bomb.png":  bombPNG(),
	})
	r := scanWithin(t, []string{dir}, Options{Workers: 2, Inspect: provenance.Inspect, Thumbnails: true})
	for _, want := range []string{"exif.jpg", "still.png", "bomb.png"} {
		found := false
		for _, f := range r.Findings {
			found = found || f.Path == want && f.Rule != "unreadable"
		}
		if !found {
			t.Fatalf("%s not flagged: %+v", want, r.Findings)
		}
	}
	if len(r.Thumbnails) != 2 {
		t.Errorf("thumbnails of %d files, want 2 (exif.jpg, still.png): %v", len(r.Thumbnails), keys(r.Thumbnails))
	}

	th, ok := r.Thumbnails["exif.jpg"]
	if !ok || th.Source != thumbFromEXIF {
		t.Fatalf("exif.jpg: thumbnail %q, want the EXIF one", th.Source)
	}
	m := decodeThumb(t, th)
	if b := m.Bounds(); b.Dx() != 40 || b.Dy() != 30 {
		t.Errorf("exif.jpg: thumbnail %v, want the 40x30 EXIF thumbnail", b)
	}
	if r, _, b, _ := m.At(20, 15).RGBA(); r < 0xC000 || b > 0x4000 {
		t.Errorf("exif.jpg: thumbnail is not the red EXIF one")
	}

	th, ok = r.Thumbnails["still.png"]
	if !ok || th.Source != thumbFromStill {
		t.Fatalf("still.png: thumbnail %q, want a decoded still", th.Source)
	}
	if b := decodeThumb(t, th).Bounds(); b.Dx() != 256 || b.Dy() != 128 {
		t.Errorf("still.png: thumbnail %v, want 256x128", b)
	}
	if len(th.Data) > 16<<10 {
		t.Errorf("still.png: thumbnail of %d bytes", len(th.Data))
	}
	if _, ok := r.Thumbnails["clean.png"]; ok {
		t.Error("clean.png has no finding and got a thumbnail")
	}
	if _, ok := r.Thumbnails["bomb.png"]; ok {
		t.Error("bomb.png (30000x30000) got a thumbnail")
	}

	// Without an HTML report, nothing is decoded.
	r = scanWithin(t, []string{dir}, Options{Workers: 2, Inspect: provenance.Inspect})
	if len(r.Thumbnails) != 0 {
		t.Errorf("thumbnails made without Options.Thumbnails: %v", keys(r.Thumbnails))
	}
}

func keys(m map[string]report.Thumbnail) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestThumbnailBombRefusedByHeader: a PNG that claims 30000 x 30000 pixels
// is refused from its header, before a pixel buffer is allocated.
func TestThumbnailBombRefusedByHeader(t *testing.T) {
	dir := writeFiles(t, map[string][]byte{"bomb.png": bombPNG()})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := scanWithin(t, []string{dir}, Options{Workers: 1, Inspect: provenance.Inspect, Thumbnails: true})
	runtime.ReadMemStats(&after)
	if len(r.Thumbnails) != 0 {
		t.Fatal("bomb.png got a thumbnail")
	}
	if r.Summary.Flagged != 1 {
		t.Fatalf("bomb.png not flagged: %+v", r.Findings)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Errorf("scanning the bomb allocated %d MiB", alloc>>20)
	}
	// And makeThumbnail itself refuses it without reserving anything.
	reserved := int64(0)
	_, err := makeThumbnail(bytes.NewReader(bombPNG()), int64(len(bombPNG())), func(n int64) error { reserved += n; return nil })
	if err == nil || reserved != 0 {
		t.Errorf("makeThumbnail(bomb) = %v, reserved %d", err, reserved)
	}
}

// TestThumbnailMemoryReserved: a decode the memory budget refuses makes no
// thumbnail.
func TestThumbnailMemoryReserved(t *testing.T) {
	p := encPNG(t, solid(64, 64, color.White))
	if _, err := makeThumbnail(bytes.NewReader(p), int64(len(p)), func(int64) error { return errors.New("no memory") }); err == nil {
		t.Fatal("decoded with its memory refused")
	}
	out, err := makeThumbnail(bytes.NewReader(p), int64(len(p)), func(int64) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if m, err := jpeg.Decode(bytes.NewReader(out)); err != nil || m.Bounds().Dx() != 64 {
		t.Fatalf("small PNG: %v %v", m.Bounds(), err)
	}
}

func TestThumbSize(t *testing.T) {
	for _, c := range [][4]int{{100, 50, 100, 50}, {1000, 500, 256, 128}, {500, 1000, 128, 256}, {100000, 1, 256, 1}, {256, 256, 256, 256}} {
		if w, h := thumbSize(c[0], c[1]); w != c[2] || h != c[3] {
			t.Errorf("thumbSize(%d, %d) = %d, %d; want %d, %d", c[0], c[1], w, h, c[2], c[3])
		}
	}
}

// FuzzThumbnail feeds the decode path hostile images: it never panics,
// never decodes past its memory budget, and what it makes is a JPEG of at
// most ThumbnailSide pixels a side.
func FuzzThumbnail(f *testing.F) {
	f.Add(encPNG(f, solid(300, 20, color.RGBA{1, 2, 3, 255})))
	f.Add(encJPEG(f, solid(20, 300, color.RGBA{1, 2, 3, 255})))
	var g bytes.Buffer
	if err := gif.Encode(&g, solid(16, 16, color.Black), nil); err != nil {
		f.Fatal(err)
	}
	f.Add(g.Bytes())
	f.Add(bombPNG())
	f.Add([]byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const budget = 64 << 20
		out, err := makeThumbnail(bytes.NewReader(data), int64(len(data)), func(n int64) error {
			if n > budget {
				return errors.New("over budget")
			}
			return nil
		})
		if err != nil {
			return
		}
		m, err := jpeg.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("thumbnail is not a JPEG: %v", err)
		}
		if b := m.Bounds(); b.Dx() > ThumbnailSide || b.Dy() > ThumbnailSide || b.Dx() < 1 || b.Dy() < 1 {
			t.Fatalf("thumbnail %v", b)
		}
	})
}

// BenchmarkMakeThumbnail measures the decode, scale and encode of stills of
// a few sizes, with the bare image.Decode of each as the baseline.
func BenchmarkMakeThumbnail(b *testing.B) {
	gradient := func(w, h int) *image.RGBA {
		m := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				i := m.PixOffset(x, y)
				m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3] = uint8(x), uint8(y), uint8(x^y), 255
			}
		}
		return m
	}
	for _, c := range []struct {
		name string
		enc  func(testing.TB, image.Image) []byte
		w, h int
	}{{"jpeg-1920x1080", encJPEG, 1920, 1080}, {"png-1920x1080", encPNG, 1920, 1080}, {"jpeg-6000x4000", encJPEG, 6000, 4000}} {
		data := c.enc(b, gradient(c.w, c.h))
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := makeThumbnail(bytes.NewReader(data), int64(len(data)), func(int64) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"-decode-only", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// jumbfBox and jumbfSuper build JUMBF boxes for a hand-made C2PA store.
func jumbfBox(typ string, payload []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(8+len(payload)))
	return append(append(b, typ...), payload...)
}

func jumbfSuper(t c2pa.UUID, label string, kids ...[]byte) []byte {
	d := append(append([]byte{}, t[:]...), 3) // requestable, labelled
	p := jumbfBox("jumd", append(append(d, label...), 0))
	for _, k := range kids {
		p = append(p, k...)
	}
	return jumbfBox("jumb", p)
}

// TestThumbnailC2PA: a flagged video's active manifest's claim thumbnail is
// its preview (decoded and made anew); a video without one gets none.
func TestThumbnailC2PA(t *testing.T) {
	claimThumb := encJPEG(t, solid(320, 180, color.RGBA{255, 0, 0, 255}))
	store := jumbfSuper(c2pa.TypeManifestStore, "c2pa",
		jumbfSuper(c2pa.TypeManifest, "urn:uuid:1",
			jumbfSuper(c2pa.TypeAssertionStore, "c2pa.assertions",
				jumbfSuper(c2pa.TypeEmbeddedFile, "c2pa.thumbnail.claim.jpeg",
					jumbfBox("bfdb", []byte("\x00image/jpeg\x00")), jumbfBox("bidb", claimThumb)))))
	st, err := c2pa.Parse(store)
	if err != nil || len(st.Manifests) != 1 {
		t.Fatalf("hand-made store: %v", err)
	}
	s := &scan{opts: &Options{Thumbnails: true}}
	fb := provenance.NewBudget(provenance.Limits{}, nil)
	br := newBudgetReaderAt(bytes.NewReader(nil), 0, -1)
	p := &provenance.Provenance{Format: "MP4", Media: "video", C2PA: []provenance.C2PAStore{{Store: st}}}
	th, ok := s.thumbnail(br, 1<<40, p, fb)
	if !ok || th.Source != thumbFromC2PA {
		t.Fatalf("video with a claim thumbnail: %q %v", th.Source, ok)
	}
	if b := decodeThumb(t, th).Bounds(); b.Dx() != 256 || b.Dy() != 144 {
		t.Errorf("claim thumbnail scaled to %v, want 256x144", b)
	}
	p.C2PA = nil
	if _, ok := s.thumbnail(br, 1<<40, p, fb); ok {
		t.Error("a video without a claim thumbnail got one")
	}
}

// TestThumbCap: a scan makes at most MaxThumbnails thumbnails of at most
// MaxThumbnailBytes together.
func TestThumbCap(t *testing.T) {
	var c thumbCap
	if c.take(MaxThumbnailBytes+1) || c.full() {
		t.Fatal("a thumbnail over the byte cap was taken")
	}
	for i := range MaxThumbnails {
		if !c.take(10) {
			t.Fatalf("thumbnail %d refused", i)
		}
	}
	if !c.full() || c.take(1) {
		t.Fatal("more than MaxThumbnails taken")
	}
	c = thumbCap{}
	if !c.take(MaxThumbnailBytes-5) || c.take(6) || !c.take(5) || !c.full() {
		t.Fatal("byte cap not kept")
	}
}

// TestThumbnailsOfDeliverables: in the sample deliverables, every flagged
// still (PNG, JPEG, WebP) gets a thumbnail, and only files with findings do.
func TestThumbnailsOfDeliverables(t *testing.T) {
	r := scanWithin(t, []string{filepath.Join("..", "testdata", "deliverables")}, Options{Workers: 2, Inspect: provenance.Inspect, Thumbnails: true})
	flagged := map[string]bool{}
	for _, f := range r.Findings {
		flagged[f.Path] = true
	}
	for p := range r.Thumbnails {
		if !flagged[p] {
			t.Errorf("%s has a thumbnail and no finding", p)
		}
	}
	for _, p := range []string{"stills/a1111.png", "stills/generated-xmp.jpg", "stills/novelai.webp"} {
		if !flagged[p] {
			t.Fatalf("%s is not flagged", p)
		}
		if th, ok := r.Thumbnails[p]; !ok || th.Source != thumbFromStill {
			t.Errorf("%s: thumbnail %q, want a decoded still", p, th.Source)
		} else {
			decodeThumb(t, th)
		}
	}
}
