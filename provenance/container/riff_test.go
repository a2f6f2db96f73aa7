package container

import (
	"bytes"
	"compress/gzip"
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

// TestRIFFWebPAnimation: a WebP with an ANIM chunk is a "WebP animation" of
// media video; one without is a still "WebP" image.
func TestRIFFWebPAnimation(t *testing.T) {
	for _, tc := range []struct {
		chunks [][]byte
		want   Format
		media  Media
	}{
		{[][]byte{riffChunk("VP8X", make([]byte, 10)), riffChunk("ANIM", make([]byte, 6)), riffChunk("ANMF", make([]byte, 16))}, formatWebPAnim, mediaVideo},
		{[][]byte{riffChunk("VP8X", make([]byte, 10)), riffChunk("VP8 ", make([]byte, 16))}, formatWebP, mediaImage},
	} {
		data := buildRIFF("WEBP", tc.chunks...)
		res, err := Read(bytes.NewReader(data), int64(len(data)))
		if err != nil || res.Format != tc.want || res.Media != tc.media {
			t.Errorf("got %v, format %q media %q; want %q %q", err, res.Format, res.Media, tc.want, tc.media)
		}
	}
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
		if res.Format != formatWebPAnim || len(res.Blocks) != 3 {
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
	f.Add(bw64Sample(f))
	f.Add(buildRF64("RF64", riffChunk("ds64", rf64DS64(1<<40, 3, map[string]uint64{"bxml": 40})), rf64Long("data", []byte("abc")), rf64Long("bxml", testGzip(f, []byte(testADM)))))
	f.Add(buildRF64("BW64", rf64Long("data", make([]byte, 8)), riffChunk("axml", []byte(exrXMP))))
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

// rf64DS64 builds a ds64 payload: the RIFF and data sizes, the sample count
// and a table of other chunk sizes.
func rf64DS64(riff, data uint64, table map[string]uint64) []byte {
	p := binary.LittleEndian.AppendUint64(nil, riff)
	p = binary.LittleEndian.AppendUint64(p, data)
	p = binary.LittleEndian.AppendUint64(p, data/4)
	p = binary.LittleEndian.AppendUint32(p, uint32(len(table)))
	for id, n := range table {
		p = binary.LittleEndian.AppendUint64(append(p, id...), n)
	}
	return p
}

// buildRF64 builds an RF64 or BW64 file: the header with the size field
// 0xFFFFFFFF, then chunks.
func buildRF64(form string, chunks ...[]byte) []byte {
	out := append([]byte(form), "\xff\xff\xff\xffWAVE"...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return out
}

// rf64Long is a chunk whose size field is 0xFFFFFFFF: its size lives in ds64.
func rf64Long(id string, data []byte) []byte {
	return append(append([]byte(id), 0xff, 0xff, 0xff, 0xff), data...)
}

// testGzip compresses p as a gzip member with a file name in its header.
func testGzip(t testing.TB, p []byte) []byte {
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	z.Name = "adm.xml"
	if _, err := z.Write(p); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const testADM = `<?xml version="1.0"?><ebuCoreMain><coreMetadata><format><audioFormatExtended><audioProgramme audioProgrammeName="Main mix"/></audioFormatExtended></format></coreMetadata></ebuCoreMain>`

// bw64Sample is a BW64 file with the ADM chunks and BWF metadata after the
// data chunk, the axml chunk sized by ds64.
func bw64Sample(t testing.TB) []byte {
	audio := make([]byte, 64)
	b := buildRF64("BW64",
		riffChunk("ds64", rf64DS64(1<<20, uint64(len(audio)), map[string]uint64{"axml": uint64(len(testADM))})),
		riffChunk("fmt ", make([]byte, 16)),
		rf64Long("data", audio),
		rf64Long("axml", []byte(testADM)),
		riffChunk("chna", make([]byte, 44)),
		riffChunk("bxml", append([]byte{1, 0}, testGzip(t, []byte(exrXMP))...)),
		riffChunk("bext", testBext()),
		riffChunk("iXML", []byte("<BWFXML/>")),
		riffList("INFO", riffChunk("ISFT", []byte("Pro Tools\x00"))),
	)
	binary.LittleEndian.PutUint64(b[20:], uint64(len(b)-8)) // the real RIFF size, in ds64
	return b
}

func TestRIFFRF64(t *testing.T) {
	data := bw64Sample(t)
	res, err := Read(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != formatBW64 || res.Media != mediaAudio {
		t.Errorf("format %q media %q", res.Format, res.Media)
	}
	got := map[string]string{}
	tools := map[string]bool{}
	for _, b := range res.Blocks {
		got[string(b.Kind)+"|"+b.Container+"|"+b.Key] = string(b.Data)
		if b.Tool {
			tools[b.Key] = true
		}
	}
	want := map[string]string{
		"text|BW64 axml chunk|axml":          testADM,
		"xmp|BW64 bxml chunk|":               exrXMP,
		"text|BW64 bext|Description":         "A voice line",
		"text|BW64 bext|Originator":          "ToolX",
		"text|BW64 bext|OriginatorReference": "REF-1",
		"text|BW64 bext|CodingHistory":       "A=PCM,F=48000",
		"text|BW64 iXML|iXML":                "<BWFXML/>",
		"text|RIFF LIST/INFO|ISFT":           "Pro Tools",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) || len(res.Warnings) != 0 || len(res.Incomplete) != 0 {
		t.Errorf("blocks %v, warnings %v, cuts %v", got, res.Warnings, res.Incomplete)
	}
	if len(tools) != 3 || !tools["Originator"] || !tools["CodingHistory"] || !tools["ISFT"] {
		t.Errorf("tool blocks %v", tools)
	}
	// RF64 reports its own format, an axml holding XMP is an XMP block.
	rf := buildRF64("RF64", riffChunk("ds64", rf64DS64(100, 4, nil)), rf64Long("data", make([]byte, 4)), riffChunk("axml", []byte(exrXMP)))
	if res, err := Read(bytes.NewReader(rf), int64(len(rf))); err != nil || res.Format != formatRF64 || len(crBlocks(res, KindXMP)) != 1 {
		t.Errorf("RF64: %v, %+v", err, res)
	}
}

func TestRIFFRF64Hostile(t *testing.T) {
	bext := riffChunk("bext", testBext()) // four blocks, before the data chunk
	after := riffChunk("axml", []byte(testADM))
	bomb := testGzip(t, make([]byte, maxBlockSize+1))
	for _, tc := range []struct {
		name   string
		b      []byte
		want   error
		blocks int
		warn   bool
		cut    bool
	}{
		{"no ds64: data to the end, the rest cut", buildRF64("RF64", bext, rf64Long("data", make([]byte, 8)), after), nil, 4, false, true},
		{"ds64 data size past the file", buildRF64("RF64", riffChunk("ds64", rf64DS64(1<<40, 1<<40, nil)), bext, rf64Long("data", make([]byte, 8)), after), nil, 4, true, false},
		{"ds64 data size too small: a chunk of audio bytes", buildRF64("RF64", riffChunk("ds64", rf64DS64(100, 2, nil)), bext, rf64Long("data", bytes.Repeat([]byte{0x7f}, 16)), after), errTruncated, 4, false, false},
		{"ds64 table count lies", buildRF64("BW64", riffChunk("ds64", append(rf64DS64(100, 8, nil)[:24], 0xff, 0xff, 0, 0)), rf64Long("data", make([]byte, 8)), after), nil, 1, true, false},
		{"ds64 too short", buildRF64("BW64", riffChunk("ds64", make([]byte, 8)), bext), nil, 4, true, false},
		{"ds64 size of 2^64-1 for axml", buildRF64("BW64", riffChunk("ds64", rf64DS64(100, 8, map[string]uint64{"axml": 1<<64 - 1})), bext, rf64Long("axml", []byte(testADM))), errTruncated, 4, true, false},
		{"bxml that is not gzip", buildRF64("BW64", bext, riffChunk("bxml", []byte("\x00\x00<xml/>"))), ErrMalformed, 4, true, false},
		{"bxml bomb", buildRF64("BW64", bext, riffChunk("bxml", append([]byte{1, 0}, bomb...)), after), errLimit, 4, false, false},
		{"bxml cut short", buildRF64("BW64", bext, riffChunk("bxml", testGzip(t, []byte(testADM))[:40])), ErrMalformed, 4, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := readRIFF(bytes.NewReader(tc.b), int64(len(tc.b)), nil)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if res == nil || len(res.Blocks) != tc.blocks || (len(res.Warnings) > 0) != tc.warn || (len(res.Incomplete) > 0) != tc.cut {
				t.Errorf("blocks %d, warnings %v, cuts %v", len(res.Blocks), res.Warnings, res.Incomplete)
			}
		})
	}
}
