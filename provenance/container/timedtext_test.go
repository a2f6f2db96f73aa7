package container

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/provscan/provscan/provenance/internal/reader"
)

const webVTT = "\xEF\xBB\xBFWEBVTT - Made with SynthVoice Studio\r\nKind: captions\r\nLanguage: en\r\n\r\n" +
	"NOTE exported by\nSubtitleEdit 4.0\n\n" +
	"STYLE\n::cue { color: red }\n\n" +
	"1\n00:00:00.000 --> 00:00:01.000\n<v Jane>NOTE this is a cue, not a note\n\n" +
	"NOTE\nsecond note\n"

const srt = "1\r\n00:00:01,000 --> 00:00:02,500\r\nHello.\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\nBye.\r\n"

func TestTimedTextSniff(t *testing.T) {
	for _, c := range []struct{ head, want string }{
		{webVTT, "WebVTT"},
		{"WEBVTT", "WebVTT"},
		{"WEBVTT\n\n00:00.000 --> 00:01.000", "WebVTT"},
		{"WEBVTTX\n", ""},
		{srt, "SRT"},
		{"\xEF\xBB\xBF\n1\n0:00:01.000 --> 0:00:02.000\nx", "SRT"},
		{"12\n00:00:01,000-->00:00:02,000\n", "SRT"},
		{"1\nnot a time\n", ""},
		{"1 2 3\n", ""},
		{"2026\n12:00:00 meeting\n", ""},
	} {
		f := sniff([]byte(c.head))
		got := ""
		if f != nil {
			got = string(f.format)
		}
		if got != c.want {
			t.Errorf("%q: sniffed %q, want %q", c.head, got, c.want)
		}
	}
}

func TestWebVTT(t *testing.T) {
	res, err := Read(strings.NewReader(webVTT), int64(len(webVTT)))
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != formatWebVTT || res.Media != mediaDocument {
		t.Errorf("format %q media %q", res.Format, res.Media)
	}
	checkXMLBlocks(t, res, map[string]string{
		"text WEBVTT": "- Made with SynthVoice Studio\nKind: captions\nLanguage: en",
		"comment ":    "exported by\nSubtitleEdit 4.0 | second note",
	})
	for _, b := range res.Blocks {
		if b.Offset < 0 || b.Offset+b.Size > int64(len(webVTT)) {
			t.Errorf("block outside the file: %+v", b)
		}
		if b.Kind == KindComment && !strings.HasPrefix(webVTT[b.Offset:], "NOTE") {
			t.Errorf("note at %d: %q", b.Offset, webVTT[b.Offset:b.Offset+b.Size])
		}
	}
}

func TestWebVTTHostile(t *testing.T) {
	long := "WEBVTT\n\nNOTE " + strings.Repeat("x", vttMaxLine+1) + "\n"
	_, err := Read(strings.NewReader(long), int64(len(long)))
	if !errors.Is(err, errLimit) || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("long line: %v", err)
	}
	bad := "WEBVTT Kept\n\nNOTE \xff\xfe\n"
	res, err := Read(strings.NewReader(bad), int64(len(bad)))
	if !errors.Is(err, ErrMalformed) || xmlBlocks(res)["text WEBVTT"] != "Kept" {
		t.Errorf("not UTF-8: %v, %+v", err, res.Blocks)
	}
	zeros := "WEBVTT Kept\n\nNOTE a\x00"
	res, err = Read(strings.NewReader(zeros), int64(len(zeros)))
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "NUL byte at offset 19") || xmlBlocks(res)["text WEBVTT"] != "Kept" {
		t.Errorf("NUL: %v, %+v", err, res.Blocks)
	}
	notes := "WEBVTT\n\n" + strings.Repeat("NOTE n\n\n", xmlMaxValues+2)
	res, err = Read(strings.NewReader(notes), int64(len(notes)))
	if err != nil || len(res.Blocks) != xmlMaxValues || len(res.Incomplete) != 1 {
		t.Errorf("notes: %v, %d blocks, cuts %v", err, len(res.Blocks), res.Incomplete)
	}
	cut := "WEBVTT Head\n\n" + strings.Repeat("1\n00:00.000 --> 00:01.000\nx\n\n", 400)
	res, err = readWebVTT(strings.NewReader(cut), int64(len(cut)), reader.NewBudget(reader.Limits{SVGRead: 4096}, nil))
	if err != nil || xmlBlocks(res)["text WEBVTT"] != "Head" || len(res.Incomplete) != 1 {
		t.Errorf("cut: %v, %+v, %v", err, res.Blocks, res.Incomplete)
	}
}

// TestSRT: an SRT file is read, its cues' text one text block (it used to be
// recognised and read nothing: a workflow pasted in a cue passed unseen).
func TestSRT(t *testing.T) {
	res, err := Read(strings.NewReader(srt), int64(len(srt)))
	if err != nil || res.Format != formatSRT || len(res.Blocks) != 1 || string(res.Blocks[0].Data) != srt || res.Media != mediaDocument {
		t.Errorf("SRT: %+v, %v", res, err)
	}
}

// TestWebVTTCueText: the cues of a WebVTT file are one text block, NOTE
// blocks and the header staying blocks of their own.
func TestWebVTTCueText(t *testing.T) {
	doc := "WEBVTT\n\nNOTE made by hand\n\n1\n00:00.000 --> 00:01.000\n{\"3\": {\"inputs\": {}, \"class_type\": \"KSampler\"}}\n"
	res, err := readWebVTT(strings.NewReader(doc), int64(len(doc)), nil)
	var text string
	for _, b := range res.Blocks {
		if b.Container == "WebVTT text" {
			text = string(b.Data)
		}
	}
	if err != nil || !strings.Contains(text, `"class_type": "KSampler"`) || strings.Contains(text, "made by hand") {
		t.Errorf("cue text %q, %v", text, err)
	}
}

func FuzzTimedText(f *testing.F) {
	f.Add([]byte(webVTT))
	f.Add([]byte(srt))
	f.Add([]byte("WEBVTT\n\nNOTE a\r\nb\r\n\r\nNOTE\tc"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var read readFunc
		switch {
		case matchWebVTT(b):
			read = readWebVTT
		case matchSRT(b):
			read = readSRT
		default:
			return
		}
		defer watchdog(b)()
		res, _ := read(bytes.NewReader(b), int64(len(b)), nil)
		for _, blk := range res.Blocks {
			if blk.Offset < 0 || blk.Size < 0 || blk.Offset+blk.Size > int64(len(b)) {
				t.Fatalf("block outside the file: %+v", blk)
			}
		}
	})
}
