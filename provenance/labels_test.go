package provenance_test

import (
	"bytes"
	"encoding/binary"
	"html"
	"testing"

	"github.com/provscan/provscan/bench/synth"
	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/provenance/evidence"
	"github.com/provscan/provscan/provenance/genai"
)

// The builders of the small files that carry a GenAI label in every place
// provscan reads one (issue 14).

func fullBox(typ string, parts ...[]byte) []byte {
	return synth.Box(typ, append([][]byte{{0, 0, 0, 0}}, parts...)...)
}

// mp4With builds an MP4 whose moov holds the given boxes.
func mp4With(boxes ...[]byte) []byte {
	moov := synth.Box("moov", append([][]byte{fullBox("mvhd", make([]byte, 96))}, boxes...)...)
	return bytes.Join([][]byte{synth.Box("ftyp", []byte("isom\x00\x00\x02\x00isomiso2mp41")), synth.Box("mdat", make([]byte, 64)), moov}, nil)
}

// mp4Key is a QuickTime metadata atom with one mdta key (ffmpeg
// -movflags use_metadata_tags -metadata KEY=VALUE).
func mp4Key(key, value string) []byte {
	keys := fullBox("keys", binary.BigEndian.AppendUint32(nil, 1), binary.BigEndian.AppendUint32(nil, uint32(8+len(key))), []byte("mdta"), []byte(key))
	hdlr := fullBox("hdlr", make([]byte, 4), []byte("mdta"), make([]byte, 13))
	data := synth.Box("data", binary.BigEndian.AppendUint32(nil, 1), make([]byte, 4), []byte(value))
	return synth.Box("meta", hdlr, keys, synth.Box("ilst", synth.Box("\x00\x00\x00\x01", data)))
}

// id3v24 is an ID3v2.4 tag with one TXXX frame (UTF-8).
func id3v24(desc, value string) []byte {
	data := append(append([]byte{3}, desc...), 0)
	data = append(data, value...)
	n := len(data)
	frame := append([]byte("TXXX"), byte(n>>21&0x7F), byte(n>>14&0x7F), byte(n>>7&0x7F), byte(n&0x7F), 0, 0)
	frame = append(frame, data...)
	m := len(frame)
	return append([]byte{'I', 'D', '3', 4, 0, 0, byte(m >> 21 & 0x7F), byte(m >> 14 & 0x7F), byte(m >> 7 & 0x7F), byte(m & 0x7F)}, frame...)
}

// chunk is an IFF chunk (big-endian size for AIFF, little-endian for RIFF), padded.
func chunk(order binary.AppendByteOrder, id string, data []byte) []byte {
	b := order.AppendUint32([]byte(id), uint32(len(data)))
	b = append(b, data...)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

func aiffWithID3(tag []byte) []byte {
	body := append([]byte("AIFF"), chunk(binary.BigEndian, "COMM", make([]byte, 18))...)
	body = append(body, chunk(binary.BigEndian, "SSND", make([]byte, 32))...)
	body = append(body, chunk(binary.BigEndian, "ID3 ", tag)...)
	return append(binary.BigEndian.AppendUint32([]byte("FORM"), uint32(len(body))), body...)
}

func wavWithID3(tag []byte) []byte {
	body := append([]byte("WAVE"), chunk(binary.LittleEndian, "fmt ", []byte{1, 0, 1, 0, 0x80, 0x3e, 0, 0, 0, 0x7d, 0, 0, 2, 0, 16, 0})...)
	body = append(body, chunk(binary.LittleEndian, "data", make([]byte, 32))...)
	body = append(body, chunk(binary.LittleEndian, "id3 ", tag)...)
	return append(binary.LittleEndian.AppendUint32([]byte("RIFF"), uint32(len(body))), body...)
}

// flacWithComment is a FLAC file whose VORBIS_COMMENT block holds KEY=value.
func flacWithComment(comment string) []byte {
	vc := vorbisComment(comment)
	b := append([]byte("fLaC"), 0, 0, 0, 34)
	b = append(b, make([]byte, 34)...)
	b = append(b, 0x84, byte(len(vc)>>16), byte(len(vc)>>8), byte(len(vc)))
	return append(b, vc...)
}

// vorbisComment is a Vorbis comment structure with one KEY=value field.
func vorbisComment(comment string) []byte {
	vc := binary.LittleEndian.AppendUint32(nil, 6)
	vc = append(vc, "ffmpeg"...)
	vc = binary.LittleEndian.AppendUint32(vc, 1)
	vc = binary.LittleEndian.AppendUint32(vc, uint32(len(comment)))
	return append(vc, comment...)
}

// oggPage is one Ogg page (CRC left zero) holding one packet.
func oggPage(seq uint32, flags byte, packet []byte) []byte {
	var lacing []byte
	n := len(packet)
	for ; n >= 255; n -= 255 {
		lacing = append(lacing, 255)
	}
	lacing = append(lacing, byte(n))
	h := append([]byte("OggS\x00"), flags)
	h = append(h, make([]byte, 8)...)
	h = binary.LittleEndian.AppendUint32(h, 0x1234)
	h = binary.LittleEndian.AppendUint32(h, seq)
	h = append(h, 0, 0, 0, 0, byte(len(lacing)))
	return append(append(h, lacing...), packet...)
}

// opusWithComment is an Ogg Opus file whose OpusTags hold KEY=value.
func opusWithComment(comment string) []byte {
	b := oggPage(0, 0x02, []byte("OpusHead\x01\x02\x38\x01\x80\xbb\x00\x00\x00\x00\x00"))
	b = append(b, oggPage(1, 0, append([]byte("OpusTags"), vorbisComment(comment)...))...)
	return append(b, oggPage(2, 0, make([]byte, 100))...)
}

func pngWithText(key, value string) []byte {
	b := append([]byte("\x89PNG\r\n\x1a\n"), synth.PNGChunk("IHDR", []byte{0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0})...)
	b = append(b, synth.PNGChunk("tEXt", []byte(key+"\x00"+value))...)
	b = append(b, synth.PNGChunk("IDAT", []byte{0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1})...)
	return append(b, synth.PNGChunk("IEND", nil)...)
}

func jpegWith(app1 ...[]byte) []byte {
	b := []byte{0xFF, 0xD8}
	for _, p := range app1 {
		b = append(b, synth.JPEGSegment(0xE1, p)...)
	}
	b = append(b, synth.JPEGSegment(0xDA, []byte{1, 1, 0, 0, 0x3f, 0})...)
	return append(b, 0xFF, 0xD9)
}

// xmpTC260 is an XMP APP1 payload with TC260:AIGC = value.
func xmpTC260(value string) []byte {
	return []byte(`http://ns.adobe.com/xap/1.0/` + "\x00" + `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
		`<rdf:Description rdf:about="" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/" TC260:AIGC="` + html.EscapeString(value) + `"/></rdf:RDF></x:xmpmeta>`)
}

// exifUserComment is an EXIF APP1 payload whose Exif IFD holds UserComment
// (ASCII charset prefix) = value.
func exifUserComment(value string) []byte {
	le := binary.LittleEndian
	uc := append([]byte("ASCII\x00\x00\x00"), value...)
	t := []byte("II*\x00")
	t = le.AppendUint32(t, 8)
	// IFD0 at 8: one entry, ExifIFD pointer to 26.
	t = le.AppendUint16(t, 1)
	t = le.AppendUint16(t, 0x8769)
	t = le.AppendUint16(t, 4)
	t = le.AppendUint32(t, 1)
	t = le.AppendUint32(t, 26)
	t = le.AppendUint32(t, 0)
	// Exif IFD at 26: UserComment, data at 44.
	t = le.AppendUint16(t, 1)
	t = le.AppendUint16(t, 0x9286)
	t = le.AppendUint16(t, 7)
	t = le.AppendUint32(t, uint32(len(uc)))
	t = le.AppendUint32(t, 44)
	t = le.AppendUint32(t, 0)
	return append(append([]byte("Exif\x00\x00"), t...), uc...)
}

func inspectBytes(t *testing.T, name string, b []byte) *provenance.Provenance {
	t.Helper()
	p, err := provenance.Inspect(bytes.NewReader(b), int64(len(b)), name, provenance.Options{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return p
}

// labelFixtures is a file carrying the GB 45438-2025 label in each of its carriers.
func labelFixtures(label string) map[string][]byte {
	wrapped := `{"AIGC":` + label + `}`
	return map[string][]byte{
		"MP4 mdta key":       mp4With(mp4Key("AIGC", label)),
		"MP4 udta atom":      mp4With(synth.Box("udta", synth.Box("AIGC", []byte(label)))),
		"MP3 TXXX":           append(id3v24("AIGC", label), 0xFF, 0xFB, 0x90, 0x64),
		"AIFF ID3 TXXX":      aiffWithID3(id3v24("AIGC", label)),
		"WAV ID3 TXXX":       wavWithID3(id3v24("AIGC", label)),
		"FLAC Vorbis":        flacWithComment("AIGC=" + label),
		"Ogg Opus Vorbis":    opusWithComment("aigc=" + label),
		"PNG tEXt":           pngWithText("AIGC", label),
		"JPEG XMP TC260":     jpegWith(xmpTC260(label)),
		"JPEG EXIF comment":  jpegWith(exifUserComment(wrapped)),
		"MP3 TXXX (wrapped)": append(id3v24("AIGC", wrapped), 0xFF, 0xFB, 0x90, 0x64),
	}
}

// TestLabelCarriers: the GB 45438-2025 implicit label is found in every
// carrier provscan reads, at its level, with the producer code.
func TestLabelCarriers(t *testing.T) {
	for _, tc := range []struct {
		label, level string
	}{
		{`{"Label":"1","ContentProducer":"001191330106MA2CFLDG4R10001","ProduceID":"7f3a","ReservedCode1":"","ContentPropagator":"","PropagateID":"","ReservedCode2":""}`, evidence.LevelGenerated},
		{`{"Label":"2","ContentProducer":"001191330106MA2CFLDG4R10001","ProduceID":"7f3a"}`, evidence.LevelPossible},
		{`{"Label":"3","ContentProducer":"001191330106MA2CFLDG4R10001","ProduceID":"7f3a"}`, evidence.LevelSuspected},
	} {
		formats := map[string]bool{}
		for carrier, b := range labelFixtures(tc.label) {
			p := inspectBytes(t, carrier, b)
			formats[p.Format] = true
			var found []evidence.Item
			for _, it := range p.Evidence {
				if it.Kind == evidence.Label {
					found = append(found, it)
				}
			}
			if len(found) != 1 || found[0].Level != tc.level || found[0].Producer != "001191330106MA2CFLDG4R10001" {
				t.Errorf("%s (%s, %s): label evidence %+v; all %+v", carrier, p.Format, tc.level, found, p.Evidence)
			}
		}
		if len(formats) != 8 {
			t.Errorf("fixtures read as %v, want 8 formats", formats)
		}
	}
	// TikTok's aigc_info mdta key: label types 1 and 2 are generated, 0 is not.
	for v, want := range map[string]bool{`{"aigc_label_type":2}`: true, `{"aigc_label_type":1}`: true, `{"aigc_label_type":0}`: false} {
		p := inspectBytes(t, "tiktok.mp4", mp4With(mp4Key("aigc_info", v), mp4Key("vid_md5", "dbedf765ec02ffdec964ca5671bdf0db")))
		got := len(p.Evidence) == 1 && p.Evidence[0].Kind == evidence.Label && p.Evidence[0].Level == evidence.LevelGenerated
		if got != want || !want && len(p.Evidence) != 0 {
			t.Errorf("aigc_info %s: evidence %+v", v, p.Evidence)
		}
	}
}

// TestCapCutCarrier: CapCut's AI-usage flags in an MP4 metadata key (as
// CapCut writes them, in com.apple.quicktime.artwork) give the generator
// CapCut and, for a clone flag set to 1, a synthetic performance.
func TestCapCutCarrier(t *testing.T) {
	p := inspectBytes(t, "capcut.mp4", mp4With(mp4Key("com.apple.quicktime.artwork", genai.CapCutExample)))
	var gen, perf int
	for _, it := range p.Evidence {
		switch {
		case it.Kind == evidence.Generator && it.Generator == "CapCut":
			gen++
		case it.Kind == evidence.Performance && it.Term == "singing voice clone":
			perf++
		}
	}
	if gen != 2 || perf != 1 {
		t.Errorf("CapCut evidence: %d generator, %d performance; all %+v", gen, perf, p.Evidence)
	}
}

// id3v24Frame is an ID3v2.4 tag with one frame of the given id and raw data.
func id3v24Frame(id string, data []byte) []byte {
	n := len(data)
	frame := append([]byte(id), byte(n>>21&0x7F), byte(n>>14&0x7F), byte(n>>7&0x7F), byte(n&0x7F), 0, 0)
	frame = append(frame, data...)
	m := len(frame)
	return append([]byte{'I', 'D', '3', 4, 0, 0, byte(m >> 21 & 0x7F), byte(m >> 14 & 0x7F), byte(m >> 7 & 0x7F), byte(m & 0x7F)}, frame...)
}

// TestSunoAndTopazCarriers: Suno's download tags (the "made with suno"
// comment, the song page URL) name Suno in an MP3's ID3 COMM and WOAS
// frames and in FLAC and Ogg Opus Vorbis comments; a Topaz Video AI
// "videoai" key in an MP4 is an AI edit.
func TestSunoAndTopazCarriers(t *testing.T) {
	const comment = "made with suno; created=2025-11-02T10:11:12.000Z; id=2f1c3a4b-5d6e-4f70-8a9b-0c1d2e3f4a5b"
	comm := append([]byte{3, 'e', 'n', 'g', 0}, comment...)
	mp3 := func(tag []byte) []byte { return append(tag, 0xFF, 0xFB, 0x90, 0x64) }
	for carrier, b := range map[string][]byte{
		"MP3 COMM":        mp3(id3v24Frame("COMM", comm)),
		"MP3 WOAS":        mp3(id3v24Frame("WOAS", []byte("https://suno.com/song/2f1c3a4b-5d6e-4f70-8a9b-0c1d2e3f4a5b"))),
		"FLAC Vorbis":     flacWithComment("COMMENT=" + comment),
		"Ogg Opus Vorbis": opusWithComment("comment=" + comment),
	} {
		p := inspectBytes(t, carrier, b)
		found := false
		for _, it := range p.Evidence {
			found = found || it.Kind == evidence.Generator && it.Generator == "Suno"
		}
		if !found {
			t.Errorf("%s (%s): no Suno evidence in %+v", carrier, p.Format, p.Evidence)
		}
	}
	p := inspectBytes(t, "topaz.mp4", mp4With(mp4Key("videoai", "Proteus v4, 2x upscale")))
	found := false
	for _, it := range p.Evidence {
		found = found || it.Kind == evidence.SourceType && it.Class == evidence.ClassEdit && it.Generator == "Topaz Video AI"
	}
	if !found {
		t.Errorf("Topaz videoai: evidence %+v", p.Evidence)
	}
}

// TestDreaminaEXIF: Dreamina's EXIF JSON (aigc_info.source_info) in a JPEG
// names ByteDance Dreamina.
func TestDreaminaEXIF(t *testing.T) {
	p := inspectBytes(t, "dreamina.jpg", jpegWith(exifUserComment(`{"aigc_info":{"source_info":"dreamina"},"trace_info":{"originItemId":"7512345678901234567"}}`)))
	found := false
	for _, it := range p.Evidence {
		found = found || it.Kind == evidence.Generator && it.Generator == "ByteDance Dreamina"
	}
	if !found {
		t.Errorf("evidence %+v", p.Evidence)
	}
}
