package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// aiffChunk builds one AIFF chunk: a big-endian size, padded to even.
func aiffChunk(id string, data []byte) []byte {
	out := append([]byte(id), 0, 0, 0, 0)
	binary.BigEndian.PutUint32(out[4:], uint32(len(data)))
	out = append(out, data...)
	if len(data)%2 == 1 {
		out = append(out, 0)
	}
	return out
}

// aiffFile builds a FORM of form type form ("AIFF", "AIFC") with chunks.
func aiffFile(form string, chunks ...[]byte) []byte {
	body := []byte(form)
	for _, c := range chunks {
		body = append(body, c...)
	}
	out := append([]byte("FORM"), 0, 0, 0, 0)
	binary.BigEndian.PutUint32(out[4:], uint32(len(body)))
	return append(out, body...)
}

// aiffComments builds a COMT chunk payload.
func aiffComments(texts ...string) []byte {
	out := binary.BigEndian.AppendUint16(nil, uint16(len(texts)))
	for i, s := range texts {
		out = binary.BigEndian.AppendUint32(out, 0xbc71b50e)
		out = binary.BigEndian.AppendUint16(out, uint16(i))
		out = binary.BigEndian.AppendUint16(out, uint16(len(s)))
		out = append(out, s...)
		if len(s)%2 == 1 {
			out = append(out, 0)
		}
	}
	return out
}

// aiffSSND is a small sound data chunk.
var aiffSSND = aiffChunk("SSND", make([]byte, 64))

// aiffSample has a marker in every place an AIFF file carries one; the
// chunks after SSND must be reached too.
func aiffSample() []byte {
	appl := append([]byte("stoc\x09Logic Pro"), exrXMP...)
	return aiffFile("AIFF",
		aiffChunk("COMM", make([]byte, 18)),
		aiffChunk("NAME", []byte("Take 3")),
		aiffChunk("AUTH", []byte("Jo Mixer")),
		aiffChunk("(c) ", []byte("2026 Studio")),
		aiffChunk("COMT", aiffComments("first pass", "made with Udio")),
		aiffSSND,
		aiffChunk("ANNO", []byte("annotation")),
		aiffChunk("APPL", appl),
		aiffChunk("APPL", []byte("pdos\x00\x01")),
		aiffChunk("ID3 ", testID3v23("TSSE", "ComfyUI")),
		aiffChunk("XMP ", []byte(exrXMP)),
	)
}

func readAIFFBytes(t *testing.T, b []byte) (*Result, error) {
	t.Helper()
	if !matchAIFF(b) {
		t.Fatal("not matched as AIFF")
	}
	return Read(bytes.NewReader(b), int64(len(b)))
}

func TestAIFF(t *testing.T) {
	res, err := readAIFFBytes(t, aiffSample())
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != formatAIFF || res.Media != mediaAudio {
		t.Errorf("format %q media %q", res.Format, res.Media)
	}
	m := blockMap(res)
	want := map[string]string{
		"AIFF NAME chunk: text NAME":                   "Take 3",
		"AIFF AUTH chunk: text AUTH":                   "Jo Mixer",
		"AIFF (c) chunk: text (c)":                     "2026 Studio",
		"AIFF ANNO chunk: text ANNO":                   "annotation",
		"AIFF APPL chunk: text APPL signature":         "pdos",
		"AIFF APPL chunk Logic Pro: xmp ":              exrXMP,
		"AIFF XMP chunk: xmp ":                         exrXMP,
		"AIFF ID3 chunk ID3v2.3 TSSE frame: text TSSE": "ComfyUI",
		"AIFF COMT chunk: text COMT":                   "made with Udio",
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %q, want %q (blocks %v)", k, m[k], v, m)
		}
	}
	tools := map[string]bool{}
	for _, b := range res.Blocks {
		if b.Tool {
			tools[string(b.Data)] = true
		}
		if b.Offset < 0 || b.Offset+b.Size > int64(len(aiffSample())) {
			t.Errorf("block outside the file: %+v", b)
		}
	}
	if len(tools) != 3 || !tools["Logic Pro"] || !tools["pdos"] || !tools["ComfyUI"] {
		t.Errorf("tool blocks %v", tools)
	}
	if n := len(crBlocks(res, KindText)); n != 9 {
		t.Errorf("%d text blocks, want 9: %v", n, m)
	}
	c := aiffFile("AIFC", aiffChunk("FVER", make([]byte, 4)), aiffChunk("NAME", []byte("x")))
	if res, err := readAIFFBytes(t, c); err != nil || res.Format != formatAIFC || len(res.Blocks) != 1 {
		t.Errorf("AIFC: %+v, %v", res, err)
	}
}

func TestAIFFHostile(t *testing.T) {
	name := aiffChunk("NAME", []byte("kept"))
	// A chunk that runs past the FORM.
	past := aiffFile("AIFF", name, aiffChunk("AUTH", []byte("abcdef")))
	binary.BigEndian.PutUint32(past[len(past)-10:], 0x7fff0000)
	// A FORM that declares more than the file holds: read what is there.
	lying := aiffFile("AIFF", name)
	binary.BigEndian.PutUint32(lying[4:], 0xfffffff0)
	// Sound data cut short: a warning, not an error.
	cutSound := aiffFile("AIFF", name, aiffChunk("SSND", make([]byte, 8)))
	binary.BigEndian.PutUint32(cutSound[len(cutSound)-12:], 1<<30)
	// A COMT chunk with more comments than the reader takes.
	many := aiffFile("AIFF", name, aiffChunk("COMT", []byte{0xff, 0xff}))
	// A COMT chunk whose count lies: the comments present are kept.
	fewer := aiffComments("one")
	fewer[1] = 9
	// An ID3 chunk holding a broken tag.
	badID3 := aiffFile("AIFF", name, aiffChunk("ID3 ", []byte("ID3\x03\x00\x00\xff\xff\xff\xff")), aiffChunk("ANNO", []byte("after")))
	// A FORM too short for its type.
	tiny := []byte("FORM\x00\x00\x00\x02AIFF")
	for _, tc := range []struct {
		name   string
		b      []byte
		want   error
		blocks int
	}{
		{"chunk past the FORM", past, errTruncated, 1},
		{"FORM larger than the file", lying, nil, 1},
		{"sound data cut short", cutSound, nil, 1},
		{"too many comments", many, errLimit, 1},
		{"comment count lies", aiffFile("AIFF", name, aiffChunk("COMT", fewer)), nil, 2},
		{"broken ID3 tag: the walk goes on", badID3, ErrMalformed, 2},
		{"FORM shorter than its type", tiny, ErrMalformed, 0},
		{"cut in the header", []byte("FORM\x00\x00\x00\x20AIFF")[:11], errTruncated, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := readAIFF(bytes.NewReader(tc.b), int64(len(tc.b)), nil)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if res == nil || len(res.Blocks) != tc.blocks {
				t.Errorf("blocks %+v", res)
			}
		})
	}
	// An application chunk over the cap is not read, and the cut said.
	big := aiffFile("AIFF", aiffChunk("APPL", append([]byte("stoc\x01X"), make([]byte, aiffMaxChunk)...)), name)
	res, err := readAIFFBytes(t, big)
	if err != nil || len(res.Incomplete) != 1 || len(res.Blocks) != 1 {
		t.Errorf("large APPL: %v, cuts %v, blocks %v", err, res.Incomplete, blockMap(res))
	}
}

// TestAIFFCorpus reads the AIFF files of ../shared/corpus/pro: each must
// read and surface the identity strings pro/expected.jsonl lists for it.
func TestAIFFCorpus(t *testing.T) {
	proCorpusCheck(t, "AIFF", readAIFFBytes)
}

func FuzzAIFF(f *testing.F) {
	f.Add(aiffSample())
	f.Add(aiffFile("AIFC", aiffChunk("FVER", make([]byte, 4)), aiffChunk("COMT", aiffComments("a", "bc")), aiffChunk("id3 ", testID3v23("TXXX", "parameters\x00steps: 20"))))
	f.Add(aiffFile("AIFF", aiffChunk("APPL", []byte("stoc\x03abc<?xpacket begin")), aiffSSND))
	f.Fuzz(func(t *testing.T, b []byte) {
		if !matchAIFF(b) {
			return
		}
		res, _ := readAIFF(bytes.NewReader(b), int64(len(b)), nil)
		crCheckSizes(t, res)
		for _, blk := range res.Blocks {
			if blk.Offset < 0 || blk.Size < 0 || blk.Offset+blk.Size > int64(len(b)) {
				t.Fatalf("block outside the file: %+v", blk)
			}
		}
	})
}
