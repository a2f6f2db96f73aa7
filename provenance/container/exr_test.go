package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// exrAttr encodes one OpenEXR header attribute.
func exrAttr(name, typ string, value []byte) []byte {
	b := append([]byte(name), 0)
	b = append(b, typ...)
	b = append(b, 0)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(value)))
	return append(b, value...)
}

// exrStrings encodes a stringvector value.
func exrStrings(ss ...string) []byte {
	var b []byte
	for _, s := range ss {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	return b
}

// exrFile builds an OpenEXR file: magic, version 2 with flags, the headers
// (each ended by an empty name; a multi-part list ended by an empty header),
// then some pixel bytes that are never read.
func exrFile(flags uint32, headers ...[][]byte) []byte {
	b := []byte(exrMagic)
	b = binary.LittleEndian.AppendUint32(b, 2|flags)
	for _, h := range headers {
		for _, a := range h {
			b = append(b, a...)
		}
		b = append(b, 0)
	}
	if flags&exrFlagMultipart != 0 {
		b = append(b, 0)
	}
	return append(b, bytes.Repeat([]byte{0xAB}, 64)...)
}

const exrXMP = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/></rdf:RDF></x:xmpmeta>`

func readEXRBytes(t *testing.T, b []byte) (*Result, error) {
	t.Helper()
	if !matchEXR(b) {
		t.Fatal("not matched as OpenEXR")
	}
	return Read(bytes.NewReader(b), int64(len(b)))
}

func TestEXR(t *testing.T) {
	header := [][]byte{
		exrAttr("channels", "chlist", []byte("R\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00")),
		exrAttr("owner", "string", []byte("Copyright 2026 Example Post")),
		exrAttr("comments", "string", []byte("plate 101, take 3")),
		exrAttr("software", "string", []byte("ComfyUI 0.3")),
		exrAttr("multiView", "stringvector", exrStrings("left", "right")),
		exrAttr("xmp", "string", []byte(exrXMP)),
		exrAttr("preview", "preview", bytes.Repeat([]byte{1}, 300)),
		exrAttr("dataWindow", "box2i", []byte{0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 7, 0, 0, 0x37, 4, 0, 0}),
		exrAttr("timeCode", "timecode", []byte{0x04, 0x03, 0x02, 0x01, 0, 0, 0, 0}),
		exrAttr("framesPerSecond", "rational", []byte{0xc0, 0x5d, 0, 0, 0xe9, 3, 0, 0}),
		exrAttr("compression", "compression", []byte{4}),
		exrAttr("idManifest", "bytes", []byte{1, 2, 3}),
	}
	res, err := readEXRBytes(t, exrFile(0, header))
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != formatEXR || res.Media != mediaImage {
		t.Errorf("format %q media %q", res.Format, res.Media)
	}
	got := map[string]string{}
	xmp := 0
	for _, b := range res.Blocks {
		switch b.Kind {
		case KindText:
			got[b.Key] = string(b.Data)
			if b.Container != "OpenEXR header" {
				t.Errorf("container %q", b.Container)
			}
		case KindXMP:
			xmp++
			if b.Container != "OpenEXR header > xmp" || !strings.Contains(string(b.Data), "trainedAlgorithmicMedia") {
				t.Errorf("XMP block %+v", b)
			}
		}
	}
	want := map[string]string{"owner": "Copyright 2026 Example Post", "comments": "plate 101, take 3", "software": "ComfyUI 0.3",
		"multiView[0]": "left", "multiView[1]": "right", "xmp": exrXMP,
		"channels": "R", "preview": "preview 16843009x16843009 (pixels not read)",
		"dataWindow": "(0, 0) - (1919, 1079)", "timeCode": "01:02:03:04", "framesPerSecond": "24000/1001", "compression": "PIZ",
		"idManifest": "bytes (value not shown)"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) || xmp != 1 {
		t.Errorf("text blocks %v, %d XMP blocks", got, xmp)
	}
}

func TestEXRMultipart(t *testing.T) {
	part := func(name, software string) [][]byte {
		return [][]byte{exrAttr("name", "string", []byte(name)), exrAttr("software", "string", []byte(software))}
	}
	res, err := readEXRBytes(t, exrFile(exrFlagMultipart, part("beauty", "Nuke 15"), part("depth", "Midjourney v7")))
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, b := range res.Blocks {
		seen = append(seen, b.Container+": "+b.Key+"="+string(b.Data))
	}
	if strings.Join(seen, "; ") != "OpenEXR header, part 0: name=beauty; OpenEXR header, part 0: software=Nuke 15; "+
		"OpenEXR header, part 1: name=depth; OpenEXR header, part 1: software=Midjourney v7" {
		t.Errorf("blocks: %v", seen)
	}
}

func TestEXRLongNames(t *testing.T) {
	long := strings.Repeat("n", 200)
	b := exrFile(exrFlagLongNames, [][]byte{exrAttr(long, "string", []byte("v"))})
	if res, err := readEXRBytes(t, b); err != nil || len(res.Blocks) != 1 || res.Blocks[0].Key != long {
		t.Errorf("long name with the flag: %v %+v", err, res)
	}
	b = exrFile(0, [][]byte{exrAttr(long, "string", []byte("v"))})
	if _, err := readEXRBytes(t, b); !errors.Is(err, ErrMalformed) {
		t.Errorf("a 200-byte name without the long-names flag: %v", err)
	}
}

// TestEXRHostile: each malformed header is an error of its kind, never a
// panic, a hang or a large allocation; what was read before it is kept.
func TestEXRHostile(t *testing.T) {
	owner := exrAttr("owner", "string", []byte("Example Post"))
	good := exrFile(0, [][]byte{owner})
	sizeAt := len(exrMagic) + 4 + len("owner\x00string\x00")
	lying := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(lying[sizeAt:], 0x7fffffff)
	negative := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(negative[sizeAt:], 0xfffffff0)
	many := make([][]byte, exrMaxAttributes+1)
	for i := range many {
		many[i] = exrAttr("a", "int", []byte{0, 0, 0, 0})
	}
	parts := make([][][]byte, exrMaxParts+1)
	for i := range parts {
		parts[i] = [][]byte{exrAttr("name", "string", []byte("p"))}
	}
	badVector := exrFile(0, [][]byte{owner, exrAttr("multiView", "stringvector", []byte{0xff, 0xff, 0xff, 0x7f, 'x'})})
	for _, tc := range []struct {
		name   string
		b      []byte
		want   error
		blocks int
	}{
		{"cut inside a name", good[:len(exrMagic)+4+3], errTruncated, 0},
		{"cut inside a value", good[:len(good)-64-4], errTruncated, 0},
		{"no end of header", good[:len(good)-65], errTruncated, 1},
		{"size past the end", lying, errTruncated, 0},
		{"negative size", negative, errTruncated, 0},
		{"too many attributes", exrFile(0, many), errLimit, exrMaxTyped},
		{"too many parts", exrFile(exrFlagMultipart, parts...), errLimit, exrMaxParts},
		{"stringvector lying about a length", badVector, ErrMalformed, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := readEXRBytes(t, tc.b)
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if res == nil || len(res.Blocks) != tc.blocks {
				t.Errorf("blocks kept: %+v", res)
			}
		})
	}
}

// TestEXRCorpus reads the OpenEXR files of ../shared/corpus/pro: each must
// read without error and surface every identity string pro/expected.jsonl
// lists for it (owner, comments).
func TestEXRCorpus(t *testing.T) {
	proCorpusCheck(t, "OpenEXR", readEXRBytes)
}

func FuzzEXR(f *testing.F) {
	f.Add(exrFile(0, [][]byte{exrAttr("owner", "string", []byte("x")), exrAttr("v", "stringvector", exrStrings("a", "b"))}))
	f.Add(exrFile(exrFlagMultipart, [][]byte{exrAttr("name", "string", []byte("a"))}, [][]byte{exrAttr("xmp", "string", []byte(exrXMP))}))
	f.Add(exrFile(exrFlagLongNames, [][]byte{exrAttr(strings.Repeat("n", 100), "string", []byte("x"))}))
	f.Fuzz(func(t *testing.T, b []byte) {
		if !matchEXR(b) {
			return
		}
		res, _ := readEXR(bytes.NewReader(b), int64(len(b)), nil)
		for _, blk := range res.Blocks {
			if blk.Offset < 0 || blk.Offset+blk.Size > int64(len(b)) || blk.Note == "" && int64(len(blk.Data)) != blk.Size {
				t.Fatalf("block outside the file: %+v", blk)
			}
		}
	})
}
