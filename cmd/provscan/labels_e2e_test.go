package main

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/provscan/provscan/bench/synth"
)

// The labels that generated media now carry besides C2PA and the digital
// source type (issue 14): IPTC 2025.1 AI properties, the GB 45438-2025
// implicit label, platform flags.

// jpegWithXMP is a small JPEG whose APP1 XMP packet holds the given
// rdf:Description attributes and namespace declarations.
func jpegWithXMP(xmlns, attrs string) []byte {
	packet := `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
		`<rdf:Description rdf:about="" ` + xmlns + ` ` + attrs + `/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`
	b := []byte{0xFF, 0xD8}
	b = append(b, synth.JPEGSegment(0xE1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), packet...))...)
	b = append(b, synth.JPEGSegment(0xDA, []byte{1, 1, 0, 0, 0x3f, 0})...)
	return append(b, 0xFF, 0xD9)
}

const iptcExtNS = `xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"`

// TestGateIPTCAISystem: a still whose XMP carries the IPTC 2025.1 AI System
// Used fails the default gate with the system as the generator; its prompt
// is reported as a prompt left in the file; a photo's ordinary IPTC
// Extension properties pass.
func TestGateIPTCAISystem(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	deliv := t.TempDir()
	writeFiles(t, deliv, map[string][]byte{
		"stills/key-art.jpg": jpegWithXMP(iptcExtNS,
			`Iptc4xmpExt:AISystemUsed="Acme ImageGen" Iptc4xmpExt:AISystemVersionUsed="4.1" Iptc4xmpExt:AIPromptInformation="a lighthouse at dusk" Iptc4xmpExt:AIPromptWriterName="J. Doe"`),
		"stills/poster.jpg": jpegWithXMP(iptcExtNS, `Iptc4xmpExt:AISystemUsed="Midjourney"`),
	})
	code, got, out := scanFailing(t, bin, deliv)
	if code != 1 || !strings.Contains(got["key-art.jpg"], "genai-generator") || !strings.Contains(got["poster.jpg"], "genai-generator") {
		t.Errorf("exit %d, failing findings %v\n%s", code, got, out)
	}
	for _, want := range []string{`"generator": "Acme ImageGen"`, `"generator": "Midjourney"`, `"rule": "prompt-embedded"`, "Iptc4xmpExt:AIPromptInformation"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %s", want)
		}
	}

	clean := t.TempDir()
	writeFiles(t, clean, map[string][]byte{
		"stills/still.jpg": jpegWithXMP(iptcExtNS, `Iptc4xmpExt:LocationCreated="Pinewood" Iptc4xmpExt:PersonInImage="A. Actor"`),
	})
	if code, got, out := scanFailing(t, bin, clean); code != 0 {
		t.Errorf("ordinary IPTC Extension: exit %d, %v\n%s", code, got, out)
	}
}

// mp4WithKey is an MP4 whose QuickTime metadata holds one mdta key, as
// ffmpeg -movflags use_metadata_tags -metadata KEY=VALUE writes it.
func mp4WithKey(key, value string) []byte {
	full := func(typ string, parts ...[]byte) []byte {
		return synth.Box(typ, append([][]byte{{0, 0, 0, 0}}, parts...)...)
	}
	keys := full("keys", binary.BigEndian.AppendUint32(nil, 1), binary.BigEndian.AppendUint32(nil, uint32(8+len(key))), []byte("mdta"), []byte(key))
	data := synth.Box("data", binary.BigEndian.AppendUint32(nil, 1), make([]byte, 4), []byte(value))
	meta := synth.Box("meta", full("hdlr", make([]byte, 4), []byte("mdta"), make([]byte, 13)), keys, synth.Box("ilst", synth.Box("\x00\x00\x00\x01", data)))
	return append(append(synth.Box("ftyp", []byte("isom\x00\x00\x02\x00isomiso2mp41")), synth.Box("mdat", make([]byte, 64))...),
		synth.Box("moov", full("mvhd", make([]byte, 96)), meta)...)
}

// mp3WithTXXX is an MP3 whose ID3v2.3 tag holds one TXXX frame.
func mp3WithTXXX(desc, value string) []byte {
	data := append(append([]byte{0}, desc...), 0)
	data = append(data, value...)
	frame := binary.BigEndian.AppendUint32([]byte("TXXX"), uint32(len(data)))
	frame = append(append(frame, 0, 0), data...)
	n := len(frame)
	tag := append([]byte{'I', 'D', '3', 3, 0, 0, byte(n >> 21 & 0x7F), byte(n >> 14 & 0x7F), byte(n >> 7 & 0x7F), byte(n & 0x7F)}, frame...)
	return append(tag, 0xFF, 0xFB, 0x90, 0x64)
}

// TestGateAIGCLabel: the GB 45438-2025 implicit label fails the default gate
// when it says "generated" (Label 1; on video also as a synthetic
// performance), and is reported at medium (Label 2) and low (Label 3)
// severity, which the default gate lets through; the producer code is in
// the message.
func TestGateAIGCLabel(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	label := func(n string) string {
		return `{"Label":"` + n + `","ContentProducer":"001191330106MA2CFLDG4R10001","ProduceID":"7f3a","ReservedCode1":"","ContentPropagator":"","PropagateID":"","ReservedCode2":""}`
	}
	deliv := t.TempDir()
	writeFiles(t, deliv, map[string][]byte{
		"video/sh010.mp4": mp4WithKey("AIGC", label("1")),
		"music/cue1.mp3":  mp3WithTXXX("AIGC", label("1")),
	})
	code, got, out := scanFailing(t, bin, deliv)
	if code != 1 || got["sh010.mp4"] != "genai-label synthetic-performance " || !strings.Contains(got["cue1.mp3"], "genai-label") {
		t.Errorf("exit %d, failing findings %v\n%s", code, got, out)
	}
	if !strings.Contains(out, "labelled as generated by AI (AIGC Label 1 (GB 45438-2025)), content producer 001191330106MA2CFLDG4R10001") {
		t.Errorf("message does not name the label and producer\n%s", out)
	}

	weak := t.TempDir()
	writeFiles(t, weak, map[string][]byte{
		"video/sh020.mp4": mp4WithKey("AIGC", label("2")),
		"music/cue2.mp3":  mp3WithTXXX("AIGC", label("3")),
	})
	r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", weak)
	var rules []string
	for _, f := range parseReport(t, r).Findings {
		rules = append(rules, f.Rule)
	}
	if r.code != 0 || !strings.Contains(r.stdout, `"severity": "medium"`) || !strings.Contains(r.stdout, `"severity": "low"`) || strings.Join(rules, " ") != "genai-label genai-label" {
		t.Errorf("labels 2 and 3: exit %d, findings %v\n%s", r.code, rules, r.stdout)
	}
	if r := runBinary(t, bin, t.TempDir(), "scan", "--fail-on", "medium", weak); r.code != 1 {
		t.Errorf("label 2 under --fail-on medium: exit %d\n%s", r.code, r.stdout)
	}
}

// TestGateTikTokLabel: a TikTok download labelled AI-generated (aigc_info
// label type 1 or 2) fails the default gate; label type 0 (not AI) and the
// other keys TikTok writes pass.
func TestGateTikTokLabel(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	deliv := t.TempDir()
	writeFiles(t, deliv, map[string][]byte{
		"refs/detected.mp4": mp4WithKey("aigc_info", `{"aigc_label_type":2}`),
		"refs/creator.mp4":  mp4WithKey("aigc_info", `{"aigc_label_type":1}`),
	})
	code, got, out := scanFailing(t, bin, deliv)
	if code != 1 || got["detected.mp4"] != "genai-label synthetic-performance " || got["creator.mp4"] != "genai-label synthetic-performance " {
		t.Errorf("exit %d, failing findings %v\n%s", code, got, out)
	}
	if !strings.Contains(out, "TikTok aigc_label_type 2: detected by the platform") {
		t.Errorf("message does not say who labelled the video\n%s", out)
	}
	clean := t.TempDir()
	writeFiles(t, clean, map[string][]byte{
		"refs/human.mp4":   mp4WithKey("aigc_info", `{"aigc_label_type":0}`),
		"refs/comment.mp4": mp4WithKey("comment", "vid:v12044gd0000d5ao0nnog65lm48h92i0"),
	})
	r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", clean)
	if rep := parseReport(t, r); r.code != 0 || len(rep.Findings) != 0 {
		t.Errorf("unlabelled TikTok videos: exit %d, findings %+v", r.code, rep.Findings)
	}
}
