package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provscan/provscan/bench/synth"
	"github.com/provscan/provscan/provenance/internal/corpustest"
)

// jp2File builds a JP2 file: the signature and ftyp boxes, then boxes.
func jp2File(boxes ...[]byte) []byte {
	out := append([]byte(nil), jp2Signature...)
	out = append(out, synth.Box("ftyp", []byte("jp2 \x00\x00\x00\x00jp2 "))...)
	out = append(out, synth.Box("jp2h", synth.Box("ihdr", make([]byte, 14)))...)
	for _, b := range boxes {
		out = append(out, b...)
	}
	return out
}

// j2kMarker builds one marker segment.
func j2kMarker(m byte, payload []byte) []byte {
	out := []byte{0xFF, m, 0, 0}
	binary.BigEndian.PutUint16(out[2:], uint16(2+len(payload)))
	return append(out, payload...)
}

// j2kCOM builds a COM marker segment with registration value rcom.
func j2kCOM(rcom uint16, text string) []byte {
	return j2kMarker(0x64, append(binary.BigEndian.AppendUint16(nil, rcom), text...))
}

// j2kStream builds a codestream: SOC, SIZ, the given main-header segments,
// then a tile-part (SOT, SOD, coded bytes) and EOC.
func j2kStream(segs ...[]byte) []byte {
	out := []byte{0xFF, 0x4F}
	out = append(out, j2kMarker(0x51, make([]byte, 39))...)
	for _, s := range segs {
		out = append(out, s...)
	}
	out = append(out, j2kMarker(0x90, make([]byte, 8))...)
	out = append(out, 0xFF, 0x93)
	out = append(out, bytes.Repeat([]byte{0xFF, 0x64, 0x00, 0x09}, 16)...) // coded data that looks like COMs
	return append(out, 0xFF, 0xD9)
}

// jp2TIFFBytes is a minimal little-endian TIFF: no entries.
var jp2TIFFBytes = []byte("II*\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00")

func jp2UUIDBox(uuid []byte, data []byte) []byte { return synth.Box("uuid", uuid, data) }

// jp2Sample has a marker in every place a JP2 file carries one.
func jp2Sample() []byte {
	jumb := synth.Box("jumb", synth.Box("jumd", []byte("c2pa\x00\x11\x00\x10\x80\x00\xaa\x00\x38\x9b\x71\x03c2pa\x00")))
	return jp2File(
		synth.Box("xml ", []byte("<contentDescription><thing>Macbeth chart</thing></contentDescription>")),
		jp2UUIDBox(bmffXMPUUID, []byte(exrXMP)),
		jp2UUIDBox(jp2EXIFUUID, jp2TIFFBytes),
		jp2UUIDBox(jp2EXIFUUID, append([]byte("Exif\x00\x00"), jp2TIFFBytes...)),
		jp2UUIDBox(jp2GeoJP2UUID, jp2TIFFBytes),
		jp2UUIDBox(jp2IPTCUUID, []byte("\x1c\x02\x78\x00\x04test")),
		synth.Box("Exif", []byte{0, 0, 0, 0}, jp2TIFFBytes),
		synth.Box("asoc", synth.Box("lbl ", []byte("label")), synth.Box("xml ", []byte(exrXMP))),
		synth.Box("jp2c", j2kStream(j2kMarker(0x52, make([]byte, 10)), j2kCOM(1, "Kakadu-v8.4"), j2kCOM(0, "\x01\x02binary"))),
		jumb,
		synth.Box("xml ", []byte("<after>codestream</after>")),
	)
}

func readJP2Bytes(t *testing.T, b []byte) (*Result, error) {
	t.Helper()
	if !matchJP2(b) {
		t.Fatal("not matched as JPEG 2000")
	}
	return Read(bytes.NewReader(b), int64(len(b)))
}

func TestJP2(t *testing.T) {
	b := jp2Sample()
	res, err := readJP2Bytes(t, b)
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != formatJP2 || res.Media != mediaImage {
		t.Errorf("format %q media %q", res.Format, res.Media)
	}
	counts := map[Kind]int{}
	for _, blk := range res.Blocks {
		counts[blk.Kind]++
		if blk.Offset < 0 || blk.Offset+blk.Size > int64(len(b)) {
			t.Errorf("block outside the file: %+v", blk)
		}
	}
	want := map[Kind]int{KindText: 5, KindXMP: 2, KindEXIF: 4, KindIPTC: 1, KindC2PA: 1}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("%d %s blocks, want %d: %v", counts[k], k, n, blockMap(res))
		}
	}
	m := blockMap(res)
	if m["JPEG 2000 jp2c COM marker: text COM"] != "Kakadu-v8.4" || m["JPEG 2000 asoc/xml  box: xmp "] != exrXMP ||
		m["JPEG 2000 uuid XMP box: xmp "] != exrXMP || m["JPEG 2000 xml  box: text xml"] != "<after>codestream</after>" ||
		m["JPEG 2000 xml  box: text contentDescription/thing"] != "Macbeth chart" || m["JPEG 2000 xml  box: text after"] != "codestream" {
		t.Errorf("blocks %v", m)
	}
	for _, blk := range res.Blocks {
		if blk.Tool != (blk.Key == "COM") {
			t.Errorf("tool mark on %+v", blk)
		}
		if blk.Kind == KindEXIF && !jp2IsTIFF(blk.Data) || blk.Kind == KindC2PA && string(blk.Data[4:8]) != "jumb" {
			t.Errorf("block %s starts %q", blk.Container, blk.Data[:8])
		}
	}
}

// TestJP2XMLFields: the text of each element of an XML box is an entry of
// its own, keyed by its path; a document too deep, too long or broken
// keeps what was found, said in a warning.
func TestJP2XMLFields(t *testing.T) {
	deep := strings.Repeat("<a>", 40) + "deep text" + strings.Repeat("</a>", 40)
	many := "<r>" + strings.Repeat("<v>x</v>", xmlMaxFields+10) + "</r>"
	broken := "<r><a>kept</a><b>kept too</b" + "\x00\x01"
	for _, tc := range []struct {
		name, doc string
		fields    int
		warn      bool
	}{
		{"deep", deep, 1, false},
		{"many", many, xmlMaxFields, true},
		{"broken", broken, 2, true},
		{"entities and CDATA", "<r><a>caf&#233; &amp; co</a><b><![CDATA[<raw>]]></b></r>", 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := jp2File(synth.Box("xml ", []byte(tc.doc)))
			res, err := readJP2(bytes.NewReader(b), int64(len(b)), nil)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, blk := range res.Blocks {
				if blk.Key != "xml" {
					n++
					if blk.Offset+blk.Size > int64(len(b)) || strings.Count(blk.Key, "/") >= xmlMaxFieldPath {
						t.Errorf("field %+v", blk)
					}
				}
			}
			if n != tc.fields || (len(res.Warnings) > 0) != tc.warn {
				t.Errorf("%d fields, warnings %v: %v", n, res.Warnings, blockMap(res))
			}
		})
	}
}

func TestJ2KCodestream(t *testing.T) {
	b := j2kStream(j2kCOM(1, "Kakadu-v4.2.1"), j2kCOM(1, "Kdu-Layer-Info: x"))
	res, err := readJP2Bytes(t, b)
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != formatJ2K || res.Media != mediaImage || len(res.Blocks) != 2 || string(res.Blocks[0].Data) != "Kakadu-v4.2.1" || !res.Blocks[0].Tool {
		t.Errorf("%q: %+v", res.Format, res.Blocks)
	}
	// J2KComments at an offset in a larger file (an MXF frame): blocks at
	// their offsets in the file.
	file := append(bytes.Repeat([]byte{0xAA}, 100), b...)
	sub := &Result{}
	if err := J2KComments(bytes.NewReader(file), 100, int64(len(file)), sub, "MXF frame"); err != nil || len(sub.Blocks) != 2 ||
		!bytes.Equal(file[sub.Blocks[0].Offset:sub.Blocks[0].Offset+sub.Blocks[0].Size], []byte("Kakadu-v4.2.1")) {
		t.Errorf("at an offset: %v, %+v", err, sub.Blocks)
	}
}

func TestJP2Hostile(t *testing.T) {
	com := j2kCOM(1, "kept")
	// A COM marker whose length runs past the codestream.
	pastCOM := j2kStream(com, j2kCOM(1, "lost"))
	binary.BigEndian.PutUint16(pastCOM[2+43+len(com)+2:], 0xfff0)
	// More marker segments than a main header has.
	many := j2kStream(append(com, bytes.Repeat(j2kMarker(0x55, nil), j2kMaxMarkers)...))
	// Bytes that are not a marker in the main header.
	noMarker := append(append([]byte{0xFF, 0x4F}, j2kMarker(0x51, make([]byte, 39))...), com...)
	noMarker = append(noMarker, "garbage!"...)
	// A codestream cut inside its main header.
	cut := j2kStream(com, j2kCOM(1, "next"))[:2+43+8+4]
	// A box that runs past the file, after a kept one: what is there is
	// read too.
	pastBox := jp2File(synth.Box("xml ", []byte("<kept/>")), synth.Box("xml ", []byte("<lost/>")))
	binary.BigEndian.PutUint32(pastBox[len(pastBox)-15:], 0x7fff0000)
	// A jp2c cut short: image data, its main header read.
	cutJP2C := jp2File(synth.Box("jp2c", j2kStream(com)))
	binary.BigEndian.PutUint32(cutJP2C[len(cutJP2C)-len(j2kStream(com))-8:], 0x7fff0000)
	// jp2c without SOC: the walk goes on.
	noSOC := jp2File(synth.Box("jp2c", []byte("not a codestream")), synth.Box("xml ", []byte("<kept/>")))
	// asoc boxes nested deeper than the bound.
	deep := synth.Box("xml ", []byte("<kept/>"))
	for i := 0; i <= jp2MaxDepth+1; i++ {
		deep = synth.Box("asoc", deep)
	}
	// A box smaller than its header.
	small := jp2File(synth.Box("xml ", []byte("<kept/>")), []byte("\x00\x00\x00\x04xml "))
	for _, tc := range []struct {
		name   string
		b      []byte
		want   error
		blocks int
	}{
		{"COM past the codestream", pastCOM, errTruncated, 1},
		{"too many marker segments", many, errLimit, 1},
		{"no marker", noMarker, ErrMalformed, 1},
		{"codestream cut in its main header", cut, errTruncated, 1},
		{"box past the file", pastBox, errTruncated, 2},
		{"jp2c cut short", cutJP2C, nil, 1},
		{"jp2c without SOC", noSOC, ErrMalformed, 1},
		{"asoc nesting bomb", jp2File(deep), errLimit, 0},
		{"box smaller than its header", small, ErrMalformed, 1},
		{"signature only", jp2Signature, nil, 0},
		{"cut signature", jp2Signature[:10], errTruncated, 0},
		{"SOC SIZ only", j2kSignature, errTruncated, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := readJP2(bytes.NewReader(tc.b), int64(len(tc.b)), nil)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if res == nil || len(res.Blocks) != tc.blocks {
				t.Errorf("blocks %v", blockMap(res))
			}
		})
	}
}

// TestJP2Corpus reads the JPEG 2000 files of ../shared/corpus/pro (a JP2
// and a raw codestream): each must read and surface the identity strings
// pro/expected.jsonl lists for it.
func TestJP2Corpus(t *testing.T) {
	proCorpusCheck(t, "JPEG 2000", readJP2Bytes)
	// The first J2K frame of an MXF file (DaVinci Resolve, encoded with
	// Kakadu), read where it lies in the file.
	f, err := os.Open(filepath.Join(corpustest.Dir(t, "pro", "photon"), "VIDEO_6ed567b7-c030-46d6-9c1c-0f09bab4b962.mxf"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	res := &Result{}
	if err := J2KComments(f, 262292, st.Size(), res, "MXF frame"); err != nil || len(res.Blocks) == 0 || string(res.Blocks[0].Data) != "Kakadu-v8.4" {
		t.Errorf("MXF frame: %v, %v", err, blockMap(res))
	}
}

func FuzzJP2(f *testing.F) {
	f.Add(jp2Sample())
	f.Add(j2kStream(j2kCOM(1, "Kakadu-v4.2.1"), j2kMarker(0x52, make([]byte, 10))))
	f.Add(jp2File(synth.Box("asoc", synth.Box("asoc", synth.Box("xml ", []byte("<a/>")))), synth.Box("jp2c", j2kStream())))
	f.Fuzz(func(t *testing.T, b []byte) {
		if !matchJP2(b) {
			return
		}
		res, _ := readJP2(bytes.NewReader(b), int64(len(b)), nil)
		crCheckSizes(t, res)
		for _, blk := range res.Blocks {
			if blk.Offset < 0 || blk.Size < 0 || blk.Offset+blk.Size > int64(len(b)) {
				t.Fatalf("block outside the file: %+v", blk)
			}
		}
	})
}
