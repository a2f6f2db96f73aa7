package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func riffChunk(id string, data []byte) []byte {
	out := append([]byte(id), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(out[4:], uint32(len(data)))
	out = append(out, data...)
	if len(data)%2 == 1 {
		out = append(out, 0)
	}
	return out
}

func riffList(typ string, chunks ...[]byte) []byte {
	body := []byte(typ)
	for _, c := range chunks {
		body = append(body, c...)
	}
	return riffChunk("LIST", body)
}

func buildRIFF(form string, chunks ...[]byte) []byte {
	body := []byte(form)
	for _, c := range chunks {
		body = append(body, c...)
	}
	return riffChunk("RIFF", body)
}

func TestRIFFWebP(t *testing.T) {
	tiff := []byte("II*\x00\x08\x00\x00\x00")
	xmp := []byte("<x:xmpmeta/>")
	for _, exif := range [][]byte{tiff, append([]byte("Exif\x00\x00"), tiff...)} {
		data := buildRIFF("WEBP",
			riffChunk("VP8X", make([]byte, 10)),
			riffChunk("ANIM", make([]byte, 6)),
			riffChunk("ANMF", bytes.Repeat([]byte{1}, 301)), // odd size: padded
			riffChunk("EXIF", exif),
			riffChunk("XMP ", xmp),
			riffChunk("C2PA", crJUMBF(17)),
		)
		res, err := readRIFF(bytes.NewReader(data), int64(len(data)), nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Format != "WebP" || len(res.Blocks) != 3 {
			t.Fatalf("format %q blocks %+v", res.Format, res.Blocks)
		}
		e := res.Blocks[0]
		if e.Kind != KindEXIF || !bytes.Equal(e.Data, tiff) || !bytes.Equal(data[e.Offset:e.Offset+e.Size], tiff) || e.Container != "WebP EXIF chunk" {
			t.Errorf("EXIF block %+v", e)
		}
		if res.Blocks[1].Kind != KindXMP || !bytes.Equal(res.Blocks[1].Data, xmp) {
			t.Errorf("XMP block %+v", res.Blocks[1])
		}
		if res.Blocks[2].Kind != KindC2PA || !bytes.Equal(res.Blocks[2].Data, crJUMBF(17)) {
			t.Errorf("C2PA block %+v", res.Blocks[2])
		}
	}
}

func testBext() []byte {
	p := make([]byte, 602)
	copy(p, "A voice line")
	copy(p[256:], "ToolX")
	copy(p[288:], "REF-1")
	return append(p, "A=PCM,F=48000\r\n"...)
}

func TestRIFFWAV(t *testing.T) {
	data := buildRIFF("WAVE",
		riffChunk("fmt ", make([]byte, 16)),
		riffChunk("bext", testBext()),
		riffChunk("data", make([]byte, 1001)),
		riffList("INFO", riffChunk("ISFT", []byte("Lavf58\x00")), riffChunk("ICMT", []byte("made by a model\x00"))),
		riffChunk("iXML", []byte("<BWFXML/>")),
		riffChunk("_PMX", []byte("<x:xmpmeta/>")),
		riffChunk("C2PA", crJUMBF(9)),
		riffChunk("id3 ", testID3v23("TSSE", "Suno v4")),
	)
	res, err := readRIFF(bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != "WAV" {
		t.Errorf("format %q", res.Format)
	}
	got := map[string]string{}
	for _, b := range res.Blocks {
		got[string(b.Kind)+"|"+b.Container+"|"+b.Key] = string(b.Data)
	}
	want := map[string]string{
		"text|WAV bext|Description":         "A voice line",
		"text|WAV bext|Originator":          "ToolX",
		"text|WAV bext|OriginatorReference": "REF-1",
		"text|WAV bext|CodingHistory":       "A=PCM,F=48000",
		"text|RIFF LIST/INFO|ISFT":          "Lavf58",
		"text|RIFF LIST/INFO|ICMT":          "made by a model",
		"text|WAV iXML|iXML":                "<BWFXML/>",
		"xmp|WAV _PMX chunk|":               "<x:xmpmeta/>",
		"c2pa|WAV C2PA chunk|":              string(crJUMBF(9)),
	}
	var id3 bool
	for _, b := range res.Blocks {
		if strings.HasPrefix(b.Container, "WAV id3 chunk") && string(b.Data) == "Suno v4" && bytes.Contains(data[b.Offset:b.Offset+b.Size], []byte("Suno v4")) {
			id3 = true
			delete(got, string(b.Kind)+"|"+b.Container+"|"+b.Key)
		}
	}
	if !id3 {
		t.Errorf("no ID3 text frame from the id3 chunk: %+v", res.Blocks)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d blocks, want %d: %v", len(got), len(want), got)
	}
}

func TestRIFFAVI(t *testing.T) {
	data := buildRIFF("AVI ",
		riffList("hdrl", riffChunk("avih", make([]byte, 56)), riffList("strl", riffChunk("strh", make([]byte, 56)))),
		riffList("INFO", riffChunk("ISFT", []byte("Lavf61.1.100"))),
		riffList("movi", riffChunk("00dc", []byte("ISFTnot metadata")), riffChunk("C2PA", []byte("inside movi"))),
		riffChunk("idx1", make([]byte, 16)),
		riffChunk("C2PA", crJUMBF(12)),
	)
	res, err := readRIFF(bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != "AVI" || len(res.Blocks) != 2 {
		t.Fatalf("format %q blocks %+v", res.Format, res.Blocks)
	}
	if res.Blocks[0].Key != "ISFT" || string(res.Blocks[0].Data) != "Lavf61.1.100" || res.Blocks[1].Kind != KindC2PA {
		t.Errorf("blocks %+v", res.Blocks)
	}
}

func TestRIFFNestingBomb(t *testing.T) {
	// 1000 LIST INFO nested in each other.
	inner := riffChunk("ISFT", []byte("x"))
	for i := 0; i < 1000; i++ {
		inner = riffList("INFO", inner)
	}
	data := buildRIFF("WAVE", inner)
	start := time.Now()
	res, err := readRIFF(bytes.NewReader(data), int64(len(data)), nil)
	if !errors.Is(err, errLimit) {
		t.Errorf("err = %v, want errLimit", err)
	}
	if time.Since(start) > time.Second {
		t.Errorf("took %v", time.Since(start))
	}
	crCheckSizes(t, res)
	// Truncations of a valid file never panic.
	good := buildRIFF("WAVE", riffChunk("bext", testBext()), riffList("INFO", riffChunk("INAM", []byte("n"))))
	for i := 0; i < len(good); i++ {
		res, _ := readRIFF(bytes.NewReader(good[:i]), int64(i), nil)
		crCheckSizes(t, res)
	}
}

// writeSparse writes head at 0 and tail at the end of a sparse file of the
// given size.
func writeSparse(t *testing.T, size int64, head, tail []byte) *os.File {
	t.Helper()
	p := filepath.Join(t.TempDir(), "big")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if err := f.Truncate(size); err != nil {
		t.Skipf("cannot make a sparse file: %v", err)
	}
	if _, err := f.WriteAt(head, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(tail, size-int64(len(tail))); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestRIFFHugeDataIsSkipped(t *testing.T) {
	const dataSize = 4 << 30
	// RF64: the data chunk size lives in ds64.
	ds64 := make([]byte, 28)
	binary.LittleEndian.PutUint64(ds64[0:], dataSize+200)
	binary.LittleEndian.PutUint64(ds64[8:], dataSize)
	head := []byte("RF64\xff\xff\xff\xffWAVE")
	head = append(head, riffChunk("ds64", ds64)...)
	head = append(head, riffChunk("fmt ", make([]byte, 16))...)
	head = append(head, "data\xff\xff\xff\xff"...)
	tail := riffList("INFO", riffChunk("ISFT", []byte("GenTool")))
	size := int64(len(head)) + dataSize + int64(len(tail))
	f := writeSparse(t, size, head, tail)
	cr := &crCountingReader{r: f}
	res, err := readRIFF(cr, size, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Blocks) != 1 || string(res.Blocks[0].Data) != "GenTool" {
		t.Errorf("INFO after the data chunk not found: %+v", res.Blocks)
	}
	if n := cr.n.Load(); n >= 1<<20 {
		t.Errorf("read %d bytes", n)
	}

	// Plain RIFF with a data chunk of nearly 4 GiB.
	head = buildRIFF("WAVE", riffChunk("fmt ", make([]byte, 16)))
	binary.LittleEndian.PutUint32(head[4:], 0xFFFFFFFF) // saturated by the writer
	head = append(head, "data\xf0\xff\xff\xff"...)
	size = int64(len(head)) + 0xFFFFFFF0 + int64(len(tail))
	f = writeSparse(t, size, head, tail)
	cr = &crCountingReader{r: f}
	res, err = readRIFF(cr, size, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Blocks) != 1 || cr.n.Load() >= 1<<20 {
		t.Errorf("blocks %+v, read %d bytes", res.Blocks, cr.n.Load())
	}
}

func TestRIFFCorpus(t *testing.T) {
	t.Run("bomb", func(t *testing.T) {
		start := time.Now()
		res, _ := crReadCorpus(t, "c2pa/c2pa-rs/riff_bomb_1000.wav", readRIFF)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("riff bomb took %v", d)
		}
		crCheckSizes(t, res)
	})
	for _, rel := range []string{
		"genai/automatic1111/sd-webui.webp", "c2pa/c2pa-rs/test_xmp.webp", "genai/comfyui/comfyui-animated-webp.webp",
	} {
		t.Run(rel, func(t *testing.T) {
			res, err := crReadCorpus(t, rel, readRIFF)
			if err != nil {
				t.Fatal(err)
			}
			e := crBlocks(res, KindEXIF)
			if len(e) == 0 {
				t.Fatalf("no EXIF block: %+v", res.Blocks)
			}
			if !bytes.HasPrefix(e[0].Data, []byte("II*\x00")) && !bytes.HasPrefix(e[0].Data, []byte("MM\x00*")) {
				t.Errorf("EXIF does not start with a TIFF header: %q", e[0].Data[:min(8, len(e[0].Data))])
			}
		})
	}
	for _, rel := range []string{"c2pa/c2pa-python/files-for-reading-tests/sample1_signed.wav", "c2pa/c2pa-extension-validator/cards_trusted.webp", "c2pa/c2pa-extension-validator/cicadas_trusted.wav"} {
		t.Run(rel, func(t *testing.T) {
			res, err := crReadCorpus(t, rel, readRIFF)
			if err != nil {
				t.Fatal(err)
			}
			c := crBlocks(res, KindC2PA)
			if len(c) != 1 || !strings.HasPrefix(string(c[0].Data[4:]), "jumb") {
				t.Errorf("no C2PA block: %+v", res.Blocks)
			}
		})
	}
}

func FuzzRIFF(f *testing.F) {
	f.Add(buildRIFF("WEBP", riffChunk("VP8 ", make([]byte, 10)), riffChunk("EXIF", []byte("Exif\x00\x00II*\x00"))))
	f.Add(buildRIFF("WAVE", riffChunk("bext", testBext()), riffList("INFO", riffChunk("INAM", []byte("n")))))
	f.Add(buildRIFF("AVI ", riffList("hdrl", riffChunk("avih", make([]byte, 8))), riffList("movi")))
	ds64 := make([]byte, 40)
	binary.LittleEndian.PutUint32(ds64[24:], 1)
	copy(ds64[28:], "C2PA\x04")
	f.Add(append([]byte("RF64\xff\xff\xff\xffWAVE"), append(riffChunk("ds64", ds64), "C2PA\xff\xff\xff\xffjumb"...)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, _ := readRIFF(bytes.NewReader(data), int64(len(data)), nil)
		crCheckSizes(t, res)
	})
}

// testID3v23 builds an ID3v2.3 tag with one ISO-8859-1 text frame.
func testID3v23(id, text string) []byte {
	frame := append([]byte(id), 0, 0, 0, 0, 0, 0, 0)
	binary.BigEndian.PutUint32(frame[4:], uint32(1+len(text)))
	frame = append(frame, text...)
	n := len(frame)
	tag := []byte{'I', 'D', '3', 3, 0, 0, byte(n >> 21 & 0x7f), byte(n >> 14 & 0x7f), byte(n >> 7 & 0x7f), byte(n & 0x7f)}
	return append(tag, frame...)
}
