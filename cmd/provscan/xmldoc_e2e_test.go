package main

import (
	"encoding/base64"
	"strings"
	"testing"
)

// imfCPLCreator is an IMF composition playlist whose Creator is creator.
func imfCPLCreator(creator string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<CompositionPlaylist xmlns="http://www.smpte-ra.org/schemas/2067-3/2016">
  <Id>urn:uuid:b2e1ace2-9c7d-4c12-b2f7-24bde303869e</Id>
  <IssueDate>2026-04-27T15:47:57Z</IssueDate>
  <Issuer>Example Post</Issuer>
  <Creator>` + creator + `</Creator>
  <ContentTitle>The Feature</ContentTitle>
  <ContentKind>feature</ContentKind>
  <SegmentList/>
</CompositionPlaylist>
`)
}

// imfPKL is a packing list written by a finishing tool.
var imfPKL = []byte(`<?xml version="1.0" encoding="UTF-8"?>
<PackingList xmlns="http://www.smpte-ra.org/schemas/429-8/2007/PKL">
  <Id>urn:uuid:0429fedd-b55d-442a-aa26-2a81ec71ed05</Id>
  <Creator>Clipster 5.9.3.0 (build 87795)</Creator>
  <AssetList><Asset><Id>urn:uuid:a453b63a-cf4d-454a-8c34-141f560c0100</Id><OriginalFileName>CPL.xml</OriginalFileName></Asset></AssetList>
</PackingList>
`)

// ttmlWithXMP is an IMSC document carrying an XMP packet that declares
// trainedAlgorithmicMedia in its head metadata.
var ttmlWithXMP = []byte(`<?xml version="1.0" encoding="UTF-8"?>
<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttm="http://www.w3.org/ns/ttml#metadata" xml:lang="en">
  <head><metadata><ttm:title>Dub</ttm:title>` + genaiXMP + `</metadata></head>
  <body><div><p begin="0s" end="1s">Hello.</p></div></body>
</tt>
`)

// comfyWorkflowJSON is a ComfyUI workflow as the UI saves it.
var comfyWorkflowJSON = []byte(`{"last_node_id": 9, "last_link_id": 9, "nodes": [{"id": 3, "type": "KSampler"}], "links": [], "version": 0.4}`)

// TestXMLDocGate: a GenAI marker in an XML document, a TTML document or a
// JSON workflow, or in an image embedded in a TTML document (read as a
// member), fails the default gate; a finishing tool's IMF package,
// subtitles and a plain JSON file pass it, read and not unsupported.
func TestXMLDocGate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	for name, c := range map[string]struct {
		files map[string][]byte
		rule  string // a failing finding of this rule is wanted; "" none
	}{
		"ComfyUI workflow":    {map[string][]byte{"extras/workflow.json": comfyWorkflowJSON}, "genai-generator"},
		"CPL by a GenAI tool": {map[string][]byte{"imf/CPL_b2e1.xml": imfCPLCreator("Runway Gen-4")}, "genai-generator"},
		"TTML agent a voice clone": {map[string][]byte{"subs/dub.ttml": []byte(`<?xml version="1.0" encoding="UTF-8"?>
<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttm="http://www.w3.org/ns/ttml#metadata" xml:lang="en"><head><metadata>
<ttm:agent type="other" xml:id="v"><ttm:name type="full">ElevenLabs Voice Cloning</ttm:name></ttm:agent>
</metadata></head><body><div><p begin="0s" end="1s" ttm:agent="v">Hello.</p></div></body></tt>`)}, "genai-generator"},
		"IMSC image made with A1111": {map[string][]byte{"subs/imsc.ttml": []byte(`<?xml version="1.0" encoding="UTF-8"?>
<tt xmlns="http://www.w3.org/ns/ttml" xmlns:smpte="http://www.smpte-ra.org/schemas/2052-1/2010/smpte-tt" xml:lang="en"><head><metadata>
<smpte:image imagetype="PNG" encoding="Base64" xml:id="img_0">` + base64.StdEncoding.EncodeToString(a1111PNG("a cat")) + `</smpte:image>
</metadata></head><body><div smpte:backgroundImage="#img_0" begin="0s" end="1s"/></body></tt>`)}, "genai-generator"},
		"Dolby Vision XML by a GenAI tool": {map[string][]byte{"hdr/dovi.xml": []byte(`<?xml version="1.0"?><DolbyLabsMDF version="2.0.5"><RevisionHistory><Revision><Software>ComfyUI</Software><SoftwareVersion>0.3.44</SoftwareVersion></Revision></RevisionHistory></DolbyLabsMDF>`)}, "genai-generator"},
		"TTML with XMP":                    {map[string][]byte{"subs/en.ttml": ttmlWithXMP}, "genai-source-type"},
		"IMF package by finishing tools": {map[string][]byte{
			"imf/CPL_b2e1.xml": imfCPLCreator("IMF-Tool 1.8.364"),
			"imf/PKL_0429.xml": imfPKL,
			"subs/en.vtt":      []byte("WEBVTT\n\nNOTE conformed in DaVinci Resolve\n\n00:00.000 --> 00:01.000\nHello.\n"),
			"subs/en.srt":      []byte("1\n00:00:00,000 --> 00:00:01,000\nHello.\n"),
			"meta/info.json":   []byte(`{"title": "The Feature", "reels": [1, 2]}`),
			"hdr/dovi.xml":     []byte(`<?xml version="1.0"?><DolbyLabsMDF version="2.0.5"><RevisionHistory><Revision><Author>Blackmagic Design</Author><Software>DaVinci Resolve Studio</Software><SoftwareVersion>17.3.0.0014</SoftwareVersion></Revision></RevisionHistory></DolbyLabsMDF>`),
			"subs/de.ttml":     []byte(`<tt:tt xmlns:tt="http://www.w3.org/ns/ttml" xmlns:ebuttm="urn:ebu:tt:metadata"><tt:head><tt:metadata><ebuttm:documentMetadata><ebuttm:documentOriginatingSystem>Subtitle Edit 4.0.1</ebuttm:documentOriginatingSystem></ebuttm:documentMetadata></tt:metadata></tt:head><tt:body/></tt:tt>`),
		}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			deliv := t.TempDir()
			writeFiles(t, deliv, c.files)
			r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", deliv)
			rep := parseReport(t, r)
			found := false
			for _, f := range rep.Findings {
				found = found || f.Rule == c.rule && f.FailsGate
			}
			switch {
			case c.rule != "" && (r.code != 1 || !found):
				t.Errorf("exit %d, findings %+v; want a failing %s", r.code, rep.Findings, c.rule)
			case c.rule == "" && (r.code != 0 || len(rep.Findings) != 0):
				t.Errorf("exit %d, findings %+v; want a clean pass", r.code, rep.Findings)
			}
			if len(rep.Unsupported) != 0 || len(rep.Errors) != 0 || rep.Summary.Inspected < len(c.files) {
				t.Errorf("unsupported %+v, errors %+v, inspected %d of %d", rep.Unsupported, rep.Errors, rep.Summary.Inspected, len(c.files))
			}
		})
	}
}

// TestXMLDocHostileGate: an XML document the reader refuses (an entity
// bomb, UTF-16 without a byte order mark) is an unreadable file that fails
// the default gate, with the reason in the report.
func TestXMLDocHostileGate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	laughs := `<!ENTITY l0 "lol">`
	for i := 1; i < 10; i++ {
		laughs += `<!ENTITY l` + string(rune('0'+i)) + ` "` + strings.Repeat("&l"+string(rune('0'+i-1))+";", 10) + `">`
	}
	deliv := t.TempDir()
	writeFiles(t, deliv, map[string][]byte{
		"imf/CPL_bomb.xml": []byte(`<?xml version="1.0"?><!DOCTYPE CompositionPlaylist [` + laughs + `]><CompositionPlaylist xmlns="http://www.smpte-ra.org/schemas/2067-3/2016"><Creator>&l9;</Creator></CompositionPlaylist>`),
		"subs/en.ttml":     []byte("<\x00t\x00t\x00/\x00>\x00"),
	})
	r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", deliv)
	rep := parseReport(t, r)
	n := 0
	for _, f := range rep.Findings {
		if f.Rule == "unreadable" && f.FailsGate {
			n++
		}
	}
	if r.code != 1 || n != 2 {
		t.Errorf("exit %d, findings %+v; want 2 failing unreadable", r.code, rep.Findings)
	}
}
