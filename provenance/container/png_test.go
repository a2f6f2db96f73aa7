package container

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"strings"
	"testing"
)

func pngChunk(typ string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

func crZlib(p []byte) []byte {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write(p)
	w.Close()
	return b.Bytes()
}

func buildPNG(chunks ...[]byte) []byte {
	out := append([]byte(nil), pngSignature...)
	out = append(out, pngChunk("IHDR", make([]byte, 13))...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, pngChunk("IEND", nil)...)
}

func TestPNGChunks(t *testing.T) {
	xmp := `<x:xmpmeta xmlns:x="adobe:ns:meta/"/>`
	itxt := func(key string, compressed bool, text string) []byte {
		p := append([]byte(key), 0)
		if compressed {
			p = append(p, 1, 0)
		} else {
			p = append(p, 0, 0)
		}
		p = append(p, "en\x00\x00"...)
		if compressed {
			return pngChunk("iTXt", append(p, crZlib([]byte(text))...))
		}
		return pngChunk("iTXt", append(p, text...))
	}
	data := buildPNG(
		pngChunk("tEXt", []byte("Comment\x00caf\xe9")), // Latin-1 e-acute
		pngChunk("zTXt", append([]byte("prompt\x00\x00"), crZlib([]byte(`{"a":1}`))...)),
		itxt("parameters", false, "a cat, Steps: 20"),
		itxt(pngXMPKeyword, true, xmp),
		pngChunk("eXIf", []byte("MM\x00*\x00\x00\x00\x08")),
		pngChunk("caBX", crJUMBF(32)),
		pngChunk("IDAT", bytes.Repeat([]byte{0x55}, 1000)),
		pngChunk("comf", []byte(`workflow`+"\x00"+`{"nodes":[]}`)),
		pngChunk("tEXt", []byte("after\x00idat")),
	)
	res, err := readPNG(bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatalf("readPNG: %v", err)
	}
	type want struct {
		kind           Kind
		container, key string
		data           string
	}
	wants := []want{
		{KindText, "PNG tEXt", "Comment", "café"},
		{KindText, "PNG zTXt", "prompt", `{"a":1}`},
		{KindText, "PNG iTXt", "parameters", "a cat, Steps: 20"},
		{KindXMP, "PNG iTXt", pngXMPKeyword, xmp},
		{KindEXIF, "PNG eXIf", "", "MM\x00*\x00\x00\x00\x08"},
		{KindC2PA, "PNG caBX", "", string(crJUMBF(32))},
		{KindText, "PNG comf", "workflow", `{"nodes":[]}`},
		{KindText, "PNG tEXt", "after", "idat"},
	}
	if len(res.Blocks) != len(wants) {
		t.Fatalf("got %d blocks, want %d: %+v", len(res.Blocks), len(wants), res.Blocks)
	}
	for i, w := range wants {
		b := res.Blocks[i]
		if b.Kind != w.kind || b.Container != w.container || b.Key != w.key || string(b.Data) != w.data {
			t.Errorf("block %d = {%s %q %q %q}, want %+v", i, b.Kind, b.Container, b.Key, b.Data, w)
		}
	}
	// Offsets point at the chunk data in the file.
	b := res.Blocks[0]
	if string(data[b.Offset:b.Offset+b.Size]) != "Comment\x00caf\xe9" {
		t.Errorf("offset/size of the tEXt block are wrong")
	}
}

func TestPNGBounds(t *testing.T) {
	// A zTXt bomb: 40 MiB of zeros compresses to a few KiB.
	bomb := crZlib(make([]byte, 40<<20))
	data := buildPNG(pngChunk("zTXt", append([]byte("bomb\x00\x00"), bomb...)), pngChunk("tEXt", []byte("k\x00v")))
	res, err := readPNG(bytes.NewReader(data), int64(len(data)), nil)
	if !errors.Is(err, errLimit) {
		t.Fatalf("err = %v, want errLimit", err)
	}
	crCheckSizes(t, res)
	if len(res.Blocks) != 1 || res.Blocks[0].Key != "k" {
		t.Errorf("the reader did not go on after the bomb: %+v", res.Blocks)
	}
	// A chunk length past the end.
	bad := append(append([]byte(nil), pngSignature...), 0x7f, 0, 0, 0, 't', 'E', 'X', 't')
	if _, err := readPNG(bytes.NewReader(bad), int64(len(bad)), nil); !errors.Is(err, errTruncated) {
		t.Errorf("err = %v, want errTruncated", err)
	}
	good := buildPNG(pngChunk("tEXt", []byte("k\x00v")))
	for i := 0; i < len(good); i++ {
		res, _ := readPNG(bytes.NewReader(good[:i]), int64(i), nil)
		crCheckSizes(t, res)
	}
}

func pngText(res *Result) map[string]string {
	m := map[string]string{}
	for _, b := range crBlocks(res, KindText) {
		m[b.Key] = string(b.Data)
	}
	return m
}

func TestPNGCorpus(t *testing.T) {
	t.Run("comfyui", func(t *testing.T) {
		res, err := crReadCorpus(t, "genai/comfyui/comfyui.png", readPNG)
		if err != nil {
			t.Fatal(err)
		}
		m := pngText(res)
		if !strings.HasPrefix(m["prompt"], "{") || !strings.HasPrefix(m["workflow"], "{") {
			t.Errorf("prompt/workflow missing: %v", res.Blocks)
		}
	})
	t.Run("a1111", func(t *testing.T) {
		res, err := crReadCorpus(t, "genai/automatic1111/sd-webui.png", readPNG)
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, b := range crBlocks(res, KindText) {
			if b.Key == "parameters" && b.Container == "PNG iTXt" && strings.Contains(string(b.Data), "Steps:") {
				found = true
			}
		}
		if !found {
			t.Errorf("no iTXt parameters: %+v", res.Blocks)
		}
	})
	t.Run("c2pa", func(t *testing.T) {
		res, err := crReadCorpus(t, "c2pa/c2pa-extension-validator/cards_trusted.png", readPNG)
		if err != nil {
			t.Fatal(err)
		}
		c := crBlocks(res, KindC2PA)
		if len(c) != 1 || string(c[0].Data[4:8]) != "jumb" {
			t.Errorf("no caBX JUMBF: %+v", res.Blocks)
		}
	})
}

func FuzzPNG(f *testing.F) {
	f.Add(buildPNG(pngChunk("tEXt", []byte("k\x00v"))))
	f.Add(buildPNG(pngChunk("zTXt", append([]byte("k\x00\x00"), crZlib([]byte("hello"))...))))
	f.Add(buildPNG(pngChunk("iTXt", append([]byte("XML:com.adobe.xmp\x00\x01\x00\x00\x00"), crZlib([]byte("<x/>"))...))))
	f.Add(buildPNG(pngChunk("caBX", crJUMBF(8)), pngChunk("comf", []byte("workflow\x00{}"))))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, _ := readPNG(bytes.NewReader(data), int64(len(data)), nil)
		crCheckSizes(t, res)
	})
}

func TestPNGRawProfile(t *testing.T) {
	raw := func(name string, p []byte) []byte {
		h := hex.EncodeToString(p)
		var lines []string
		for len(h) > 72 {
			lines = append(lines, h[:72])
			h = h[72:]
		}
		lines = append(lines, h)
		return []byte(fmt.Sprintf("\n%s\n%8d\n%s\n", name, len(p), strings.Join(lines, "\n")))
	}
	tiff := []byte("MM\x00*\x00\x00\x00\x08" + strings.Repeat("x", 50))
	ps := []byte("8BIM\x04\x04\x00\x00\x00\x00\x00\x04\x1c\x02\x00\x00")
	data := buildPNG(
		pngChunk("zTXt", append([]byte("Raw profile type exif\x00\x00"), crZlib(raw("exif", append([]byte("Exif\x00\x00"), tiff...)))...)),
		pngChunk("tEXt", append([]byte("Raw profile type iptc\x00"), raw("IPTC profile", ps)...)),
		pngChunk("tEXt", append([]byte("Raw profile type xmp\x00"), "\nxmp\n  999\nzz\n"...)), // broken: stays text
	)
	res, err := readPNG(bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Blocks) != 3 {
		t.Fatalf("blocks %+v", res.Blocks)
	}
	if b := res.Blocks[0]; b.Kind != KindEXIF || !bytes.Equal(b.Data, tiff) {
		t.Errorf("exif profile: %s %q", b.Kind, b.Data)
	}
	if b := res.Blocks[1]; b.Kind != KindPhotoshop || !bytes.Equal(b.Data, ps) {
		t.Errorf("iptc profile: %s %q", b.Kind, b.Data)
	}
	if b := res.Blocks[2]; b.Kind != KindText || len(res.Warnings) != 1 {
		t.Errorf("broken profile: %s, warnings %v", b.Kind, res.Warnings)
	}
}

func TestPNGHugeIDATIsSkipped(t *testing.T) {
	const idat = 1<<31 - 16
	head := append([]byte(nil), pngSignature...)
	head = append(head, pngChunk("IHDR", make([]byte, 13))...)
	head = binary.BigEndian.AppendUint32(head, idat)
	head = append(head, "IDAT"...)
	tail := append(make([]byte, 4), pngChunk("tEXt", []byte("prompt\x00a cat"))...) // IDAT CRC, then text
	tail = append(tail, pngChunk("IEND", nil)...)
	size := int64(len(head)) + idat + int64(len(tail))
	f := writeSparse(t, size, head, tail)
	cr := &crCountingReader{r: f}
	res, err := readPNG(cr, size, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Blocks) != 1 || string(res.Blocks[0].Data) != "a cat" {
		t.Errorf("text after IDAT not found: %+v", res.Blocks)
	}
	if n := cr.n.Load(); n >= 1<<20 {
		t.Errorf("read %d bytes", n)
	}
}
