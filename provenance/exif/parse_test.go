package exif

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/provscan/provscan/provenance/internal/corpustest"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"unicode/utf16"

	rwexif "github.com/rwcarlsen/goexif/exif"

	"github.com/provscan/provscan/provenance/container"
	"github.com/provscan/provscan/provenance/readerr"
)

// te is one entry for the test TIFF builder.
type te struct {
	tag, typ uint16
	data     []byte // raw value bytes; count = len(data)/typeSize
}

func ascii(tag uint16, s string) te { return te{tag, 2, append([]byte(s), 0)} }
func undef(tag uint16, b []byte) te { return te{tag, 7, b} }

// ifdSize is the byte size of an IFD with its out-of-line data.
func ifdSize(es []te) int {
	n := 2 + 12*len(es) + 4
	for _, e := range es {
		if len(e.data) > 4 {
			n += len(e.data) + len(e.data)%2
		}
	}
	return n
}

// writeIFD writes es at off in buf (which must be large enough), with the
// value data right after the entry table.
func writeIFD(buf []byte, bo binary.ByteOrder, off int, es []te, next uint32) {
	bo.PutUint16(buf[off:], uint16(len(es)))
	data := off + 2 + 12*len(es) + 4
	for i, e := range es {
		p := buf[off+2+12*i:]
		bo.PutUint16(p, e.tag)
		bo.PutUint16(p[2:], e.typ)
		bo.PutUint32(p[4:], uint32(len(e.data)/typeSize(e.typ)))
		if len(e.data) <= 4 {
			copy(p[8:12], e.data)
			continue
		}
		bo.PutUint32(p[8:], uint32(data))
		copy(buf[data:], e.data)
		data += len(e.data) + len(e.data)%2
	}
	bo.PutUint32(buf[off+2+12*len(es):], next)
}

// buildTIFF builds a TIFF block with IFD0, an optional Exif IFD (linked by
// tag 0x8769) and an optional IFD1.
func buildTIFF(bo binary.ByteOrder, ifd0, exifIFD, ifd1 []te) []byte {
	long := func(v uint32) []byte { b := make([]byte, 4); bo.PutUint32(b, v); return b }
	ifd0 = append([]te(nil), ifd0...)
	if exifIFD != nil {
		ifd0 = append(ifd0, te{tagExifIFD, 4, make([]byte, 4)})
	}
	off0 := 8
	offExif := off0 + ifdSize(ifd0)
	off1 := offExif
	if exifIFD != nil {
		off1 += ifdSize(exifIFD)
		ifd0[len(ifd0)-1].data = long(uint32(offExif))
	}
	end := off1
	if ifd1 != nil {
		end += ifdSize(ifd1)
	}
	buf := make([]byte, end)
	if bo == binary.LittleEndian {
		copy(buf, "II*\x00")
	} else {
		copy(buf, "MM\x00*")
	}
	bo.PutUint32(buf[4:], uint32(off0))
	next := uint32(0)
	if ifd1 != nil {
		next = uint32(off1)
	}
	writeIFD(buf, bo, off0, ifd0, next)
	if exifIFD != nil {
		writeIFD(buf, bo, offExif, exifIFD, 0)
	}
	if ifd1 != nil {
		writeIFD(buf, bo, off1, ifd1, 0)
	}
	return buf
}

func u16(s string, bo binary.ByteOrder, bom bool) []byte {
	u := utf16.Encode([]rune(s))
	if bom {
		u = append([]uint16{0xFEFF}, u...)
	}
	b := make([]byte, 2*len(u))
	for i, c := range u {
		bo.PutUint16(b[2*i:], c)
	}
	return b
}

func field(t *testing.T, fs []Field, ifd, name string) Field {
	t.Helper()
	for _, f := range fs {
		if f.IFD == ifd && f.Name == name {
			return f
		}
	}
	t.Fatalf("no %s %s in %+v", ifd, name, fs)
	return Field{}
}

const prompt = "a cat in a hat, masterpiece\nNegative prompt: dog\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Version: v1.10.1 — é ☃"

func TestTextTagsBothOrders(t *testing.T) {
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		bigJSON := "prompt:{" + strings.Repeat(`"a":1,`, 50000) + `"z":0}`
		raw := buildTIFF(bo, []te{
			ascii(TagImageDescription, "a prompt"),
			ascii(TagMake, "workflow:{\"nodes\":[]}"),
			ascii(TagModel, bigJSON),
			ascii(TagSoftware, "Fooocus v2.5.0"),
			ascii(TagArtist, "ai"),
			ascii(TagDocumentName, "NovelAI generated image"),
			ascii(TagHostComputer, "render-01"),
			ascii(TagCopyright, "(c) me  "),
			te{0x0112, 3, []byte{0, 1}}, // Orientation: not reported
			te{TagXPComment, 1, append(u16("xp comment", binary.LittleEndian, false), 0, 0)},
			te{TagXPKeywords, 1, append(u16("cat;ai", binary.LittleEndian, false), 0, 0)},
		}, []te{
			ascii(TagImageUniqueID, "0123456789abcdef"),
			undef(TagMakerNote, []byte("fooocus")),
		}, []te{
			ascii(TagSoftware, "thumb writer"),
		})
		for _, data := range [][]byte{raw, append([]byte("Exif\x00\x00"), raw...)} {
			fs, err := Parse(data)
			if err != nil {
				t.Fatalf("%v: %v", bo, err)
			}
			checks := []struct{ ifd, name, want string }{
				{"IFD0", "ImageDescription", "a prompt"},
				{"IFD0", "Make", `workflow:{"nodes":[]}`},
				{"IFD0", "Model", bigJSON},
				{"IFD0", "Software", "Fooocus v2.5.0"},
				{"IFD0", "Artist", "ai"},
				{"IFD0", "DocumentName", "NovelAI generated image"},
				{"IFD0", "HostComputer", "render-01"},
				{"IFD0", "Copyright", "(c) me"},
				{"IFD0", "XPComment", "xp comment"},
				{"IFD0", "XPKeywords", "cat;ai"},
				{"ExifIFD", "ImageUniqueID", "0123456789abcdef"},
				{"ExifIFD", "MakerNote", "fooocus"},
				{"IFD1", "Software", "thumb writer"},
			}
			for _, c := range checks {
				if f := field(t, fs, c.ifd, c.name); f.Value != c.want {
					t.Errorf("%v %s %s = %.60q, want %.60q", bo, c.ifd, c.name, f.Value, c.want)
				}
			}
			if len(fs) != len(checks) {
				t.Errorf("%v: %d fields, want %d: %+v", bo, len(fs), len(checks), fs)
			}
			if f := field(t, fs, "IFD0", "Software"); f.Tag != TagSoftware {
				t.Errorf("tag = %#x", f.Tag)
			}
		}
	}
}

func TestUserCommentEncodings(t *testing.T) {
	be, le := binary.BigEndian, binary.LittleEndian
	cases := []struct {
		name    string
		tiff    binary.ByteOrder
		value   []byte
		want    string
		enc     string
		inIFD0  bool
		wantErr bool
	}{
		{"a1111 MM+BE", be, append([]byte("UNICODE\x00"), u16(prompt, be, false)...), prompt, "unicode/utf-16-be", false, false},
		{"swarm II+LE", le, append([]byte("UNICODE\x00"), u16(prompt, le, false)...), prompt, "unicode/utf-16-le", false, false},
		{"civitai II+BE", le, append([]byte("UNICODE\x00"), u16(prompt, be, false)...), prompt, "unicode/utf-16-be", false, false},
		{"MM+LE", be, append([]byte("UNICODE\x00"), u16(prompt, le, false)...), prompt, "unicode/utf-16-le", false, false},
		{"BOM BE in II", le, append([]byte("UNICODE\x00"), u16(prompt, be, true)...), prompt, "unicode/utf-16-be", false, false},
		{"BOM LE in MM", be, append([]byte("UNICODE\x00"), u16(prompt, le, true)...), prompt, "unicode/utf-16-le", false, false},
		{"go-exif case", le, append([]byte("Unicode\x00"), u16("hello", le, false)...), "hello", "unicode/utf-16-le", false, false},
		{"CJK no zeros MM", be, append([]byte("UNICODE\x00"), u16("猫猫猫", be, false)...), "猫猫猫", "unicode/utf-16-be", false, false},
		{"CJK no zeros II", le, append([]byte("UNICODE\x00"), u16("猫猫猫", le, false)...), "猫猫猫", "unicode/utf-16-le", false, false},
		{"trailing NULs", be, append(append([]byte("UNICODE\x00"), u16("x y  ", be, false)...), 0, 0, 0, 0), "x y", "unicode/utf-16-be", false, false},
		{"ascii", le, []byte("ASCII\x00\x00\x00{\"prompt\": \"cat\"}\x00"), `{"prompt": "cat"}`, "ascii", false, false},
		{"jis", le, []byte("JIS\x00\x00\x00\x00\x00abc"), "abc", "jis", false, false},
		{"undefined", le, []byte("\x00\x00\x00\x00\x00\x00\x00\x00some text   "), "some text", "undefined", false, false},
		{"undefined utf16", be, append(make([]byte, 8), u16("text", le, false)...), "text", "undefined", false, false},
		{"pillow IFD0 no prefix", le, []byte(`{"prompt": "a cat", "seed": 1}`), `{"prompt": "a cat", "seed": 1}`, "no-prefix", true, false},
		{"pillow MM no prefix", be, []byte("a cat\nSteps: 20, Version: Fooocus v2.5.0"), "a cat\nSteps: 20, Version: Fooocus v2.5.0", "no-prefix", true, false},
		{"short no prefix", le, []byte("hi"), "hi", "no-prefix", false, false},
		{"utf8 after UNICODE", le, []byte("UNICODE\x00plain ascii text!"), "plain ascii text!", "unicode/utf-8", false, false},
	}
	for _, c := range cases {
		uc := undef(TagUserComment, c.value)
		var raw []byte
		ifd := "ExifIFD"
		if c.inIFD0 {
			raw = buildTIFF(c.tiff, []te{uc}, nil, nil)
			ifd = "IFD0"
		} else {
			raw = buildTIFF(c.tiff, []te{ascii(TagSoftware, "x")}, []te{uc}, nil)
		}
		fs, err := Parse(raw)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		f := field(t, fs, ifd, "UserComment")
		if f.Value != c.want || f.Encoding != c.enc {
			t.Errorf("%s: got %q (%s), want %q (%s)", c.name, f.Value, f.Encoding, c.want, c.enc)
		}
		if f.Tag != TagUserComment {
			t.Errorf("%s: tag %#x", c.name, f.Tag)
		}
	}
}

func TestComfyExtraKeys(t *testing.T) {
	raw := buildTIFF(binary.LittleEndian, []te{
		ascii(0x010B, "extra2:{}"),
		ascii(0x010C, "extra1:{\"a\": 1}"),
		te{0x0100, 4, []byte{1, 0, 0, 0}}, // ImageWidth, numeric: not reported
		ascii(TagModel, "prompt:{}"),
	}, nil, nil)
	fs, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got := Get(fs, "Tag0x010C"); got != `extra1:{"a": 1}` {
		t.Errorf("0x010C = %q (%+v)", got, fs)
	}
	if got := Get(fs, "Tag0x010B"); got != "extra2:{}" {
		t.Errorf("0x010B = %q", got)
	}
	if len(fs) != 3 {
		t.Errorf("%d fields: %+v", len(fs), fs)
	}
}

func TestMakerNoteBinaryDropped(t *testing.T) {
	raw := buildTIFF(binary.LittleEndian, []te{ascii(TagMake, "Canon")}, []te{undef(TagMakerNote, []byte{0x1a, 0, 1, 0, 2, 0, 0, 0, 0xff, 0xfe})}, nil)
	fs, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Name == "MakerNote" {
			t.Errorf("binary MakerNote reported: %+v", f)
		}
	}
	if Get(fs, "Make") != "Canon" {
		t.Errorf("Make = %q", Get(fs, "Make"))
	}
}

func TestMalformed(t *testing.T) {
	good := buildTIFF(binary.BigEndian, []te{ascii(TagSoftware, "GIMP 2.4.5"), ascii(TagArtist, "someone long enough")}, []te{undef(TagUserComment, []byte("ASCII\x00\x00\x00hello world"))}, nil)
	// Every truncation and a few corruptions: no panic, errors wrap our sentinels.
	for n := 0; n < len(good); n++ {
		fs, err := Parse(good[:n])
		if err != nil && !errors.Is(err, readerr.ErrMalformed) && !errors.Is(err, readerr.ErrTruncated) && !errors.Is(err, readerr.ErrLimit) {
			t.Errorf("cut %d: unexpected error %v", n, err)
		}
		_ = fs
	}
	if _, err := Parse([]byte("not a tiff at all")); !errors.Is(err, readerr.ErrMalformed) {
		t.Errorf("garbage: %v", err)
	}
	if _, err := Parse(nil); !errors.Is(err, readerr.ErrTruncated) {
		t.Errorf("empty: %v", err)
	}
	// A value pointing past the end gives partial results and an error.
	bad := append([]byte(nil), good...)
	// The Artist entry is the second one in IFD0: entry at 8+2+12.
	binary.BigEndian.PutUint32(bad[8+2+12+8:], 0xFFFFFF00)
	fs, err := Parse(bad)
	if !errors.Is(err, readerr.ErrTruncated) {
		t.Errorf("bad offset: err = %v", err)
	}
	if Get(fs, "Software") != "GIMP 2.4.5" {
		t.Errorf("partial result lost: %+v", fs)
	}
}

func TestIFDLoops(t *testing.T) {
	bo := binary.LittleEndian
	// IFD0 whose next pointer is itself, and an Exif IFD pointer to IFD0.
	raw := buildTIFF(bo, []te{ascii(TagSoftware, "loop")}, nil, nil)
	binary.LittleEndian.PutUint32(raw[8+2+12:], 8)
	fs, _ := Parse(raw)
	if n := len(fs); n != 1 || Get(fs, "Software") != "loop" {
		t.Errorf("self loop: %+v", fs)
	}
	raw = buildTIFF(bo, []te{ascii(TagSoftware, "loop"), {tagExifIFD, 4, []byte{8, 0, 0, 0}}}, nil, nil)
	fs, _ = Parse(raw)
	if Get(fs, "Software") != "loop" {
		t.Errorf("exif loop: %+v", fs)
	}
	// The fallback walker on its own.
	b := block{raw: raw, bo: bo}
	refs, err := b.walk()
	if err != nil || len(refs) != 1 || refs[0].name != "IFD0" {
		t.Errorf("walk: %v %+v", err, refs)
	}
}

func TestWalkMatchesLibrary(t *testing.T) {
	raw := buildTIFF(binary.BigEndian, []te{ascii(TagSoftware, "s")}, []te{undef(TagUserComment, []byte("abc"))}, []te{ascii(TagMake, "m")})
	lib, err := libraryIFDs(raw)
	if err != nil {
		t.Fatal(err)
	}
	b := block{raw: raw, bo: binary.BigEndian}
	own, err := b.walk()
	if err != nil {
		t.Fatal(err)
	}
	if len(lib) != 3 || len(own) != 3 {
		t.Fatalf("library %+v, walker %+v", lib, own)
	}
	for i := range lib {
		if lib[i] != own[i] {
			t.Errorf("IFD %d: library %+v, walker %+v", i, lib[i], own[i])
		}
	}
}

// corpus helpers -----------------------------------------------------------

func corpusDir(t testing.TB) string {
	t.Helper()
	return corpustest.Dir(t)
}

// jpegExif returns the TIFF block of the first APP1 Exif segment of a JPEG
// file, as the JPEG reader of provenance/container finds it.
func jpegExif(b []byte) []byte {
	res, _ := container.Read(bytes.NewReader(b), int64(len(b)))
	if res == nil || res.Format != "JPEG" {
		return nil
	}
	for _, bl := range res.Blocks {
		if bl.Kind == container.KindEXIF {
			return bl.Data
		}
	}
	return nil
}

// eachCorpusJPEGExif calls fn with the EXIF block of every corpus JPEG that
// has one.
func eachCorpusJPEGExif(t *testing.T, fn func(path string, raw []byte)) {
	t.Helper()
	corpustest.EachJPEG(t, func(path string, b []byte) {
		if raw := jpegExif(b); raw != nil {
			fn(path, raw)
		}
	})
}

// blockOf makes the walker's block of a TIFF block, in its byte order.
func blockOf(raw []byte) *block {
	var bo binary.ByteOrder = binary.LittleEndian
	if bytes.HasPrefix(raw, []byte("MM")) {
		bo = binary.BigEndian
	}
	return &block{raw: raw, bo: bo}
}

func corpusExif(t *testing.T, rel string) []Field {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir(t), rel))
	if err != nil {
		t.Skipf("%s: %v", rel, err)
	}
	raw := jpegExif(b)
	if raw == nil {
		t.Fatalf("%s: no EXIF APP1", rel)
	}
	fs, err := Parse(raw)
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return fs
}

func TestCorpusA1111(t *testing.T) {
	fs := corpusExif(t, "genai/automatic1111/sd-webui.jpg")
	f := field(t, fs, "ExifIFD", "UserComment")
	if f.Encoding != "unicode/utf-16-be" || !strings.Contains(f.Value, "Steps: ") || strings.ContainsRune(f.Value, 0) {
		t.Errorf("UserComment = %.120q (%s)", f.Value, f.Encoding)
	}
	if strings.HasPrefix(f.Value, "Steps:") || strings.HasPrefix(f.Value, "UNICODE") {
		t.Errorf("UserComment does not start with the prompt: %.80q", f.Value)
	}
}

func TestCorpusCivitai(t *testing.T) {
	dir := corpusDir(t)
	b, err := os.ReadFile(filepath.Join(dir, "genai/civitai/CivitaiComfyui_Test.jpeg"))
	if err != nil {
		t.Skip(err)
	}
	raw := jpegExif(b)
	if raw == nil || !bytes.HasPrefix(raw, []byte("II")) {
		t.Fatalf("expected an II EXIF block")
	}
	fs := corpusExif(t, "genai/civitai/CivitaiComfyui_Test.jpeg")
	f := field(t, fs, "ExifIFD", "UserComment")
	if f.Encoding != "unicode/utf-16-be" || strings.ContainsRune(f.Value, 0) || len(f.Value) < 20 {
		t.Errorf("UserComment = %.120q (%s)", f.Value, f.Encoding)
	}
	if !strings.Contains(f.Value, "civitai") && !strings.Contains(f.Value, "Civitai") {
		t.Errorf("UserComment has no Civitai marker: %.200q", f.Value)
	}
}

func TestCorpusComfySaveImagePlus(t *testing.T) {
	fs := corpusExif(t, "genai/comfyui/comfyui-saveimage-plus.jpg")
	f := field(t, fs, "IFD0", "UserComment")
	if f.Encoding != "no-prefix" || !strings.HasPrefix(strings.TrimSpace(f.Value), "{") {
		t.Errorf("UserComment = %.120q (%s)", f.Value, f.Encoding)
	}
}

func TestCorpusCanon(t *testing.T) {
	fs := corpusExif(t, "negative/Canon_40D.jpg")
	if got := Get(fs, "Software"); got != "GIMP 2.4.5" {
		t.Errorf("Software = %q", got)
	}
	if got := Get(fs, "Make"); got != "Canon" {
		t.Errorf("Make = %q", got)
	}
	for _, f := range fs {
		if f.Name == "MakerNote" {
			t.Errorf("binary Canon MakerNote reported: %.40q", f.Value)
		}
	}
}

// TestCorpusAll parses every corpus JPEG's EXIF: no error on files whose
// EXIF go-exif also accepts, and the library and the fallback walker agree
// on the IFDs.
func TestCorpusAll(t *testing.T) {
	n := 0
	eachCorpusJPEGExif(t, func(path string, raw []byte) {
		n++
		if _, err := Parse(raw); err != nil {
			t.Logf("%s: %v", path, err)
		}
		lib, lerr := libraryIFDs(raw)
		own, _ := blockOf(raw).walk()
		if lerr == nil {
			var l, o []string
			for _, r := range lib {
				if r.name != "InteropIFD" {
					l = append(l, r.name)
				}
			}
			for _, r := range own {
				o = append(o, r.name)
			}
			sort.Strings(l)
			sort.Strings(o)
			if strings.Join(l, ",") != strings.Join(o, ",") {
				t.Errorf("%s: go-exif IFDs %v, walker %v", path, l, o)
			}
		} else {
			t.Logf("%s: go-exif refused: %v", path, lerr)
		}
	})
	t.Logf("%d JPEG EXIF blocks", n)
}

func FuzzEXIF(f *testing.F) {
	be, le := binary.BigEndian, binary.LittleEndian
	f.Add(buildTIFF(be, []te{ascii(TagSoftware, "GIMP"), ascii(TagModel, "prompt:{}")}, []te{undef(TagUserComment, append([]byte("UNICODE\x00"), u16("hi there", be, false)...))}, []te{ascii(TagMake, "m")}))
	f.Add(buildTIFF(le, []te{undef(TagUserComment, []byte(`{"a":1}`)), te{TagXPComment, 1, u16("xp", le, false)}}, []te{undef(TagMakerNote, []byte("fooocus"))}, nil))
	f.Add(append([]byte("Exif\x00\x00"), buildTIFF(le, []te{ascii(TagArtist, "ai")}, nil, nil)...))
	f.Add(tiffWithThumb([]byte("\xff\xd8\xff\xd9"), 0, 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		fs, _ := Parse(data)
		for _, fl := range fs {
			if len(fl.Value) > MaxValue {
				t.Fatalf("value of %d bytes", len(fl.Value))
			}
		}
		if th := Thumbnail(data); th != nil && (len(th) > len(data) || !bytes.HasPrefix(th, []byte{0xFF, 0xD8})) {
			t.Fatalf("thumbnail of %d bytes from a block of %d", len(th), len(data))
		}
	})
}

// TestSecondOpinion compares Software, Make, Model and UserComment with
// github.com/rwcarlsen/goexif on every corpus JPEG it can read.
func TestSecondOpinion(t *testing.T) {
	compared, values := 0, 0
	eachCorpusJPEGExif(t, func(path string, raw []byte) {
		ours, _ := Parse(raw)
		theirs, ok := rwcarlsenFields(raw)
		if !ok {
			t.Logf("%s: rwcarlsen/goexif refused the block", path)
			return
		}
		compared++
		for name, want := range theirs {
			values++
			got := ""
			for _, f := range ours {
				if f.Name == name && (f.IFD == "IFD0" || (name == "UserComment" && f.IFD == "ExifIFD")) {
					got = f.Value
					break
				}
			}
			if got != want {
				t.Errorf("%s: %s: ours %.80q, rwcarlsen %.80q", path, name, got, want)
			}
		}
	})
	t.Logf("%d blocks, %d values compared", compared, values)
	if compared > 0 && values == 0 {
		t.Error("no value compared")
	}
}

// rwcarlsenFields reads the four fields with rwcarlsen/goexif, recovering
// from its panics. UserComment's raw bytes are decoded with our decoder, so
// this checks where the value is found, not how it is decoded.
func rwcarlsenFields(raw []byte) (out map[string]string, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			out, ok = nil, false
		}
	}()
	x, err := rwexif.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, false
	}
	bo := blockOf(raw).bo
	out = map[string]string{}
	for name, fn := range map[string]rwexif.FieldName{"Software": rwexif.Software, "Make": rwexif.Make, "Model": rwexif.Model} {
		tag, err := x.Get(fn)
		if err != nil {
			continue
		}
		if s, err := tag.StringVal(); err == nil {
			if v := trimEnd(s); v != "" {
				out[name] = v
			}
		}
	}
	if tag, err := x.Get(rwexif.UserComment); err == nil && len(tag.Val) > 0 {
		v, _ := DecodeUserComment(tag.Val, bo)
		out["UserComment"] = v
	}
	return out, true
}

// TestLibraryFindsNoMoreIFDs: on every corpus JPEG whose EXIF go-exif reads,
// the fields read from go-exif's IFDs merged with our walk's are exactly the
// fields of our walk alone, so Parse may skip the library when the walk
// succeeds (the library is 15 % of a scan's CPU). go-exif also reports
// Interop IFDs, which hold none of the fields provscan reads.
func TestLibraryFindsNoMoreIFDs(t *testing.T) {
	dir := corpusDir(t)
	checked := 0
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		raw := jpegExif(b)
		if raw == nil {
			return nil
		}
		lib, lerr := libraryIFDs(raw)
		if lerr != nil {
			return nil
		}
		blk := blockOf(raw)
		own, werr := blk.walk()
		if werr != nil {
			return nil // Parse asks the library in this case
		}
		read := func(refs []ifdRef) string {
			var out []string
			for _, r := range refs {
				fs, _ := blk.fields(r)
				for _, f := range fs {
					out = append(out, fmt.Sprintf("%s/%s=%q", f.IFD, f.Name, f.Value))
				}
			}
			sort.Strings(out)
			return strings.Join(out, "\n")
		}
		if a, b := read(own), read(merge(lib, own)); a != b {
			t.Errorf("%s: go-exif's IFDs add fields:\nwalk:\n%s\nwith go-exif:\n%s", p, a, b)
		}
		checked++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("no corpus JPEG with EXIF that go-exif reads")
	}
	t.Logf("%d EXIF blocks: go-exif adds no field to the walk's", checked)
}

// TestHostileCountNeverReachesLibrary: the torture mutants that once made
// go-exif allocate 512 MiB and 4 GiB (a huge IFD1 count, a huge thumbnail
// length) are judged unsafe for the library, and Parse reads them in a few
// MiB. Parse asks go-exif only when its own walk fails; this checks the
// guard on that path directly.
func TestHostileCountNeverReachesLibrary(t *testing.T) {
	for _, name := range []string{"negative_Canon_40D.jpg-847-bitflip.bin", "negative_Canon_40D.jpg-286-combo.bin"} {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "torture", name))
		if err != nil {
			t.Fatal(err)
		}
		raw := jpegExif(b)
		if raw == nil {
			t.Fatalf("%s: no EXIF block", name)
		}
		blk := blockOf(raw)
		refs, _ := blk.walk()
		if len(refs) == 0 || blk.safeForLibrary(refs) {
			t.Errorf("%s: %d IFDs, judged safe for go-exif", name, len(refs))
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		Parse(raw)
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
			t.Errorf("%s: Parse allocated %d MiB", name, alloc>>20)
		}
	}
}
