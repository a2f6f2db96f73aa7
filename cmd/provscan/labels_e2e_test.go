package main

import (
	"encoding/binary"
	"path/filepath"
	"strings"
	"testing"
)

// The labels that generated media now carry besides C2PA and the digital
// source type (issue 14): IPTC 2025.1 AI properties, the GB 45438-2025
// implicit label, platform flags.

// jpegSegment builds one JPEG marker segment.
func jpegSegment(marker byte, payload []byte) []byte {
	b := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(b[2:], uint16(len(payload)+2))
	return append(b, payload...)
}

// jpegWithXMP is a small JPEG whose APP1 XMP packet holds the given
// rdf:Description attributes and namespace declarations.
func jpegWithXMP(xmlns, attrs string) []byte {
	packet := `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
		`<rdf:Description rdf:about="" ` + xmlns + ` ` + attrs + `/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`
	b := []byte{0xFF, 0xD8}
	b = append(b, jpegSegment(0xE1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), packet...))...)
	b = append(b, jpegSegment(0xDA, []byte{1, 1, 0, 0, 0x3f, 0})...)
	return append(b, 0xFF, 0xD9)
}

const iptcExtNS = `xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"`

// scanFailing scans dir with the default gate and returns the exit code,
// the failing rules per file name and the report's text.
func scanFailing(t *testing.T, bin, dir string) (int, map[string]string, string) {
	t.Helper()
	r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", dir)
	rep := parseReport(t, r)
	got := map[string]string{}
	for _, f := range rep.Findings {
		if f.FailsGate {
			got[filepath.Base(f.Path)] += f.Rule + " "
		}
	}
	return r.code, got, r.stdout
}

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
