package container

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"testing"
	"time"
	"unicode/utf16"
)

// syncsafe encodes v as a 4-byte syncsafe integer.
func id3SyncsafeBytes(v int) []byte {
	return []byte{byte(v >> 21 & 0x7F), byte(v >> 14 & 0x7F), byte(v >> 7 & 0x7F), byte(v & 0x7F)}
}

// id3Frame builds one frame for the given major version.
func id3Frame(major byte, id string, flags uint16, data []byte) []byte {
	b := []byte(id)
	switch major {
	case 2:
		return append(append(b, byte(len(data)>>16), byte(len(data)>>8), byte(len(data))), data...)
	case 3:
		b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	default:
		b = append(b, id3SyncsafeBytes(len(data))...)
	}
	b = binary.BigEndian.AppendUint16(b, flags)
	return append(b, data...)
}

// id3Tag wraps frames in an ID3v2 tag header with padding.
func id3Tag(major, flags byte, frames ...[]byte) []byte {
	body := bytes.Join(frames, nil)
	body = append(body, make([]byte, 16)...) // padding
	return append(append([]byte{'I', 'D', '3', major, 0, flags}, id3SyncsafeBytes(len(body))...), body...)
}

func id3UTF16LE(s string, bom bool) []byte {
	var b []byte
	if bom {
		b = []byte{0xFF, 0xFE}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}

func id3UTF16BE(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.BigEndian.AppendUint16(b, u)
	}
	return b
}

func id3Zlib(b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// mp3Frames is a few bytes of MPEG-1 Layer III audio (frame headers only).
var mp3Frames = append([]byte{0xFF, 0xFB, 0x90, 0x64}, make([]byte, 400)...)

func id3GEOB(enc byte, mime string, obj []byte) []byte {
	b := append([]byte{enc}, mime...)
	b = append(b, 0)
	b = append(b, "c2pa\x00c2pa manifest store\x00"...)
	return append(b, obj...)
}

func sampleMP3v24() []byte {
	store := bytes.Repeat([]byte("jumbC2PA"), 64)
	tag := id3Tag(4, 0,
		id3Frame(4, "TIT2", 0, append([]byte{3}, "Cicadas\x00Night"...)),
		id3Frame(4, "TSSE", 0, append([]byte{0}, "Lavf60 \xe9"...)),
		id3Frame(4, "TXXX", 0, append([]byte{1}, append(append(id3UTF16LE("tool", true), 0, 0), id3UTF16LE("VoiceGen 2", true)...)...)),
		id3Frame(4, "COMM", 0, append([]byte{2, 'e', 'n', 'g', 0, 0}, id3UTF16BE("generated voice")...)),
		id3Frame(4, "PRIV", 0, []byte("com.example.gen\x00{\"model\":\"v2\"}")),
		id3Frame(4, "PRIV", 0, []byte("binary\x00\x01\x02\x03\x00\x00\x05")),
		id3Frame(4, "APIC", 0, bytes.Repeat([]byte{0xAB}, 300)),
		id3Frame(4, "GEOB", 0, id3GEOB(3, "application/x-c2pa-manifest-store", store)),
		id3Frame(4, "TENC", 0x000B, append(binary.BigEndian.AppendUint32(nil, 0), id3Zlib(append([]byte{3}, "Encoder Z"...))...)),
	)
	// the compressed TENC carries a data length indicator (4 bytes) before the zlib stream
	return append(tag, mp3Frames...)
}

func TestID3v24(t *testing.T) {
	data := sampleMP3v24()
	if !matchMP3(data) {
		t.Fatal("matchMP3 = false")
	}
	res, err := readMP3(mediaBytes(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	txt := mediaText(res)
	want := map[string]string{
		"TIT2":                 "Cicadas / Night",
		"TSSE":                 "Lavf60 é",
		"TXXX:tool":            "VoiceGen 2",
		"COMM":                 "generated voice",
		"PRIV:com.example.gen": `{"model":"v2"}`,
		"TENC":                 "Encoder Z",
	}
	for k, v := range want {
		if txt[k] != v {
			t.Errorf("%s = %q, want %q", k, txt[k], v)
		}
	}
	if _, ok := txt["PRIV:binary"]; ok {
		t.Error("binary PRIV reported as text")
	}
	c := mediaBlocks(res, KindC2PA)
	if len(c) != 1 || !bytes.Equal(c[0].Data, bytes.Repeat([]byte("jumbC2PA"), 64)) {
		t.Fatalf("C2PA = %+v", c)
	}
	if !bytes.Contains(data[c[0].Offset:c[0].Offset+c[0].Size], c[0].Data) {
		t.Error("C2PA Offset/Size do not hold the store")
	}
}

func TestID3v23Unsync(t *testing.T) {
	// a v2.3 tag with tag-level unsynchronisation: every FF is followed by 00
	title := append([]byte{1, 0xFF, 0xFE}, id3UTF16LE("ÿ title", false)...) // contains FF bytes
	frames := bytes.Join([][]byte{
		id3Frame(3, "TIT2", 0, title),
		id3Frame(3, "TCOM", 0x0080, append(binary.BigEndian.AppendUint32(nil, 9), id3Zlib(append([]byte{0}, "Composer"...))...)),
		id3Frame(3, "TPE1", 0x0040, []byte{0x80, 0, 'x'}), // encrypted: skipped
		id3Frame(3, "GEOB", 0, id3GEOB(0, "application/c2pa", []byte{0xFF, 0xE0, 'j', 'u', 'm', 'b'})),
	}, nil)
	var unsync []byte
	for _, c := range frames {
		unsync = append(unsync, c)
		if c == 0xFF {
			unsync = append(unsync, 0)
		}
	}
	tag := append([]byte{'I', 'D', '3', 3, 0, 0x80}, id3SyncsafeBytes(len(unsync))...)
	tag = append(tag, unsync...)
	data := append(tag, mp3Frames...)
	res, err := readMP3(mediaBytes(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	txt := mediaText(res)
	if txt["TIT2"] != "ÿ title" || txt["TCOM"] != "Composer" {
		t.Errorf("texts = %q", txt)
	}
	if _, ok := txt["TPE1"]; ok {
		t.Error("encrypted frame decoded")
	}
	if c := mediaBlocks(res, KindC2PA); len(c) != 1 || !bytes.Equal(c[0].Data, []byte{0xFF, 0xE0, 'j', 'u', 'm', 'b'}) {
		t.Errorf("C2PA = %+v", c)
	}
	if len(res.Warnings) == 0 {
		t.Error("no warning for the encrypted frame")
	}
}

func TestID3v24FrameUnsyncAndExtendedHeader(t *testing.T) {
	val := []byte{0, 'a', 0xFF, 0x00, 0xE0, 'b'} // unsynchronised: decodes to a FF E0 b
	tag := []byte{'I', 'D', '3', 4, 0, 0x40}
	ext := append(id3SyncsafeBytes(6), 1, 0)
	body := append(ext, id3Frame(4, "TSSE", 0x0002, val)...)
	tag = append(append(tag, id3SyncsafeBytes(len(body))...), body...)
	res, err := readMP3(mediaBytes(tag), int64(len(tag)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := mediaText(res)["TSSE"]; got != "aÿàb" {
		t.Errorf("TSSE = %q", got)
	}
	if b := mediaBlocks(res, KindText); len(b) != 1 || b[0].Size != int64(len(val)) {
		t.Errorf("blocks = %+v", b)
	}
}

func TestID3v24PlainSizes(t *testing.T) {
	// an old iTunes-style v2.4 tag: frame sizes written as plain integers
	long := append([]byte{0}, bytes.Repeat([]byte("x"), 255)...) // 256 bytes: 00 00 01 00 is also a valid syncsafe 128
	plain := func(id string, data []byte) []byte {
		b := binary.BigEndian.AppendUint32([]byte(id), uint32(len(data)))
		return append(append(b, 0, 0), data...)
	}
	tag := id3Tag(4, 0, plain("TIT2", long), plain("TSSE", []byte("\x00GenEncoder")))
	res, err := readMP3(mediaBytes(tag), int64(len(tag)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if txt := mediaText(res); txt["TSSE"] != "GenEncoder" || len(txt["TIT2"]) != 255 {
		t.Errorf("texts = %q", txt)
	}
}

func TestID3v22AndV1(t *testing.T) {
	tag := id3Tag(2, 0,
		id3Frame(2, "TT2", 0, []byte("\x00Song")),
		id3Frame(2, "TSS", 0, []byte("\x00Gen Encoder")),
		id3Frame(2, "TXX", 0, []byte("\x00AI\x00yes")),
		id3Frame(2, "COM", 0, []byte("\x00engdesc\x00made with AI")),
		id3Frame(2, "PIC", 0, bytes.Repeat([]byte{1}, 50)),
	)
	v1 := make([]byte, 128)
	copy(v1, "TAG")
	copy(v1[3:], "Old Title")
	copy(v1[33:], "Some Artist")
	copy(v1[97:], "v1 comment")
	v1[126] = 7 // track (ID3v1.1)
	data := append(append(tag, mp3Frames...), v1...)
	res, err := readMP3(mediaBytes(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	txt := mediaText(res)
	for k, v := range map[string]string{"TIT2": "Song", "TSSE": "Gen Encoder", "TXXX:AI": "yes", "COMM:desc": "made with AI",
		"ID3v1:Title": "Old Title", "ID3v1:Artist": "Some Artist", "ID3v1:Comment": "v1 comment"} {
		if txt[k] != v {
			t.Errorf("%s = %q, want %q", k, txt[k], v)
		}
	}
	if _, ok := txt["ID3v1:Album"]; ok {
		t.Error("empty ID3v1 field reported")
	}
}

func TestID3Appended(t *testing.T) {
	// a v2.4 tag appended after the audio, found through its footer
	tag := id3Tag(4, 0x10, id3Frame(4, "TSSE", 0, []byte("\x03Appended Gen")))
	footer := append([]byte("3DI"), tag[3:10]...)
	data := append(append(append([]byte(nil), mp3Frames...), tag...), footer...)
	if !matchMP3(data) {
		t.Fatal("frame sync not matched")
	}
	res, err := readMP3(mediaBytes(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := mediaText(res)["TSSE"]; got != "Appended Gen" {
		t.Errorf("TSSE = %q", got)
	}
}

func TestID3TagsEmbedded(t *testing.T) {
	// a tag inside another container, as in a WAV "id3 " chunk
	tag := id3Tag(3, 0, id3Frame(3, "TSSE", 0, []byte("\x00GenWave")), id3Frame(3, "GEOB", 0, id3GEOB(0, "application/c2pa", []byte("jumb!"))))
	data := append(append([]byte("RIFF....WAVEid3 ....."), tag...), "data"...)
	res := &Result{Format: "WAV"}
	end, err := id3Tags(mediaBytes(data), 21, int64(len(data)), res)
	if err != nil || end != int64(21+len(tag)) {
		t.Fatalf("end %d, err %v", end, err)
	}
	if mediaText(res)["TSSE"] != "GenWave" || len(mediaBlocks(res, KindC2PA)) != 1 || mediaBlocks(res, KindC2PA)[0].Offset < 21 {
		t.Errorf("blocks %+v", res.Blocks)
	}
}

func TestMatchMP3(t *testing.T) {
	for _, c := range []struct {
		head []byte
		want bool
	}{
		{[]byte{0xFF, 0xD8, 0xFF, 0xE0}, false},            // JPEG
		{[]byte{0xFF, 0xF1, 0x50, 0x80}, false},            // AAC ADTS (layer 0)
		{[]byte{0xFF, 0xFB, 0xF0, 0x64}, false},            // bad bitrate
		{[]byte{0xFF, 0xFB, 0x90, 0x64}, true},             // MPEG-1 Layer III
		{[]byte{0xFF, 0xF3, 0x48, 0xC4}, true},             // MPEG-2 Layer III
		{[]byte("ID3\x04\x00\x00\x00\x00\x00\x00"), true},  //
		{[]byte("ID3\x09\x00\x00\x00\x00\x00\x00"), false}, //
	} {
		if got := matchMP3(c.head); got != c.want {
			t.Errorf("matchMP3(% x) = %v", c.head, got)
		}
	}
}

func TestID3Hostile(t *testing.T) {
	good := sampleMP3v24()
	bomb := id3Zlib(make([]byte, 64<<20))
	cases := map[string][]byte{
		"frame past tag":    id3Tag(4, 0, append(append([]byte("TIT2"), id3SyncsafeBytes(1000)...), 0, 0, 0, 'x')),
		"tag past EOF":      good[:60],
		"bad syncsafe":      []byte("ID3\x04\x00\x00\xff\xff\xff\xff\x00\x00"),
		"zip bomb":          id3Tag(3, 0, id3Frame(3, "TIT2", 0x0080, append([]byte{0, 0, 0, 9}, bomb...))),
		"underflow":         id3Tag(3, 0, id3Frame(3, "TIT2", 0x00E0, []byte{1, 2})),
		"garbage frame ids": id3Tag(3, 0, []byte("\x01\x02\x03\x04\x00\x00\x00\x01\x00\x00x")),
		"v2.2 compression":  append([]byte("ID3\x02\x00\x40"), id3SyncsafeBytes(4)...),
	}
	// many tiny tags one after the other
	var many []byte
	for i := 0; i < 100; i++ {
		many = append(many, id3Tag(3, 0)...)
	}
	cases["many tags"] = many
	for name, data := range cases {
		res, err := mediaQuick(t, readMP3, data, 2*time.Second)
		if res == nil {
			t.Errorf("%s: nil result", name)
		}
		t.Logf("%s: err=%v blocks=%d warnings=%q", name, err, len(res.Blocks), res.Warnings)
	}
	if _, err := readMP3(mediaBytes(cases["many tags"]), int64(len(cases["many tags"])), nil); !errors.Is(err, errLimit) {
		t.Errorf("many tags: err = %v", err)
	}
	if _, err := readMP3(mediaBytes(cases["frame past tag"]), int64(len(cases["frame past tag"])), nil); !errors.Is(err, errTruncated) {
		t.Errorf("frame past tag: err = %v", err)
	}
	res, _ := readMP3(mediaBytes(cases["zip bomb"]), int64(len(cases["zip bomb"])), nil)
	if len(res.Blocks) != 0 || len(res.Warnings) == 0 {
		t.Errorf("zip bomb: blocks %d warnings %q", len(res.Blocks), res.Warnings)
	}
}

func TestID3Corpus(t *testing.T) {
	if n := mediaCorpusCheck(t, readMP3, "mp3"); n == 0 {
		t.Skip("no MP3 files in the corpus")
	}
}

func FuzzID3(f *testing.F) {
	f.Add(sampleMP3v24())
	f.Add(id3Tag(2, 0, id3Frame(2, "TT2", 0, []byte("\x01\xff\xfex\x00"))))
	f.Add(id3Tag(3, 0x80, id3Frame(3, "TCOM", 0x0080, append([]byte{0, 0, 0, 9}, id3Zlib([]byte("\x00Composer"))...))))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, _ := readMP3(mediaBytes(data), int64(len(data)), nil)
		if res == nil {
			t.Fatal("nil result")
		}
		for _, b := range res.Blocks {
			if b.Offset < 0 || b.Offset+b.Size > int64(len(data)) {
				t.Fatalf("block %s at %d+%d outside %d bytes", b.Container, b.Offset, b.Size, len(data))
			}
		}
	})
}
