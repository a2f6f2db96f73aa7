package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/provscan/provscan/provenance/internal/reader"
)

// imfCPL is an IMF composition playlist with a marker in every place the
// reader reads: root identity elements, an extension property, a comment,
// an XMP packet, a tool-naming attribute.
const imfCPL = `<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<!-- made by hand -->
<CompositionPlaylist xmlns="http://www.smpte-ra.org/schemas/2067-3/2016" xmlns:cc="http://www.smpte-ra.org/ns/2067-2/2020">
  <Id>urn:uuid:b2e1ace2-9c7d-4c12-b2f7-24bde303869e</Id>
  <Annotation>Reel 1 &amp; 2</Annotation>
  <IssueDate>2026-04-27T15:47:57Z</IssueDate>
  <Issuer language="en">Example Post</Issuer>
  <Creator language="en">ComfyUI 0.3.10</Creator>
  <ContentTitle language="en">The Feature</ContentTitle>
  <ContentKind scope="http://www.smpte-ra.org/schemas/2067-3/2013#content-kind">feature</ContentKind>
  <EssenceDescriptorList><EssenceDescriptor><Id>urn:uuid:d3f43296-c41a-4670-8e8d-8823dcbaa64f</Id>
    <r0:RGBADescriptor xmlns:r0="http://www.smpte-ra.org/reg/395/2014/13/1/aaf" r0:ApplicationName="Nuke 15"><r0:Creator>Mastering suite</r0:Creator></r0:RGBADescriptor>
  </EssenceDescriptor></EssenceDescriptorList>
  <ExtensionProperties><cc:ApplicationIdentification>http://www.smpte-ra.org/ns/2067-21/2021</cc:ApplicationIdentification></ExtensionProperties>
  <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Runway Gen-4"/></rdf:RDF></x:xmpmeta>
  <SegmentList><Segment><Id>urn:uuid:a3f2a73f-4212-4990-ad2a-c112f53c4f50</Id></Segment></SegmentList>
</CompositionPlaylist>
`

const imfPKL = `<?xml version="1.0" encoding="UTF-8"?>
<PackingList xmlns="http://www.smpte-ra.org/schemas/429-8/2007/PKL">
	<Id>urn:uuid:0429fedd-b55d-442a-aa26-2a81ec71ed05</Id>
	<AnnotationText>Show_Reel</AnnotationText>
	<Creator>Clipster 5.9.3.0 (build 87795)</Creator>
	<AssetList>
		<Asset><Id>urn:uuid:a453b63a-cf4d-454a-8c34-141f560c0100</Id><Hash>x</Hash><Size>2462</Size><Type>text/xml</Type><OriginalFileName>CPL_a453.xml</OriginalFileName></Asset>
		<Asset><Id>urn:uuid:dc418b71-3ff2-4049-9a03-3988476285bc</Id><Type>application/mxf</Type><OriginalFileName>video.mxf</OriginalFileName></Asset>
	</AssetList>
</PackingList>`

const imfAssetMap = `<?xml version="1.0" encoding="UTF-8"?>
<AssetMap xmlns="http://www.smpte-ra.org/schemas/429-9/2007/AM">
  <Id>urn:uuid:1942573c-09d4-42bb-afd0-c77a28cb39b7</Id>
  <Creator>Clipster</Creator>
  <AssetList>
    <Asset><Id>urn:uuid:0429fedd-b55d-442a-aa26-2a81ec71ed05</Id><PackingList>true</PackingList>
      <ChunkList><Chunk><Path>PKL_0429.xml</Path><VolumeIndex>1</VolumeIndex></Chunk></ChunkList></Asset>
    <Asset><Id>urn:uuid:3782c89e-37c3-4f7c-a8ee-34f5be00d8e3</Id><ChunkList><Chunk><Path>audio.mxf</Path></Chunk></ChunkList></Asset>
  </AssetList>
</AssetMap>`

const doviXML = `<?xml version="1.0" encoding="UTF-8"?>
<DolbyLabsMDF version="2.0.5" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <RevisionHistory><Revision><DateTime>2021-10-07T14:02:44Z</DateTime><Author>Blackmagic Design</Author>
  <Software>DaVinci Resolve Studio</Software><SoftwareVersion>17.3.0.0014</SoftwareVersion></Revision></RevisionHistory>
  <Outputs><Output name="Timeline 1"><UniqueID>8cb19cc9</UniqueID></Output></Outputs>
</DolbyLabsMDF>`

// ttmlAgent is an IMSC document whose ttm:agent names a voice-cloning
// service, with a person agent, a title, a comment and an image (skipped).
const ttmlAgent = `<?xml version="1.0" encoding="UTF-8"?>
<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttm="http://www.w3.org/ns/ttml#metadata" xmlns:smpte="http://www.smpte-ra.org/schemas/2052-1/2010/smpte-tt" xml:lang="en">
  <head><metadata>
    <ttm:title>Episode 1 dub</ttm:title>
    <ttm:agent type="other" xml:id="synth"><ttm:name type="full">ElevenLabs Voice Cloning</ttm:name></ttm:agent>
    <ttm:agent type="person" xml:id="jane"><ttm:name type="full">Jane Doe</ttm:name><ttm:actor agent="synth"/></ttm:agent>
    <!-- dub script v2 -->
    <smpte:image imagetype="PNG" encoding="Base64" xml:id="img1">iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk</smpte:image>
  </metadata></head>
  <body><div><p begin="0s" end="1s" ttm:agent="jane">Hello.</p></div></body>
</tt>`

const ebuTT = `<?xml version="1.0" encoding="UTF-8"?>
<tt:tt xmlns:tt="http://www.w3.org/ns/ttml" xmlns:ebuttm="urn:ebu:tt:metadata" ttp:timeBase="media" xmlns:ttp="http://www.w3.org/ns/ttml#parameter" xml:lang="de">
  <tt:head><tt:metadata><ebuttm:documentMetadata>
    <ebuttm:documentEbuttVersion>v1.0</ebuttm:documentEbuttVersion>
    <ebuttm:documentOriginatingSystem>SubtitleEdit 4.0</ebuttm:documentOriginatingSystem>
    <ebuttm:documentCopyright>Example Broadcaster</ebuttm:documentCopyright>
  </ebuttm:documentMetadata></tt:metadata></tt:head>
  <tt:body><tt:div><tt:p begin="00:00:00.000" end="00:00:01.000">Hallo</tt:p></tt:div></tt:body>
</tt:tt>`

func readXMLString(s string) (*Result, error) {
	return Read(strings.NewReader(s), int64(len(s)))
}

func readXMLLimits(s string, l reader.Limits) (*Result, error) {
	return readXMLDoc(strings.NewReader(s), int64(len(s)), reader.NewBudget(l, nil))
}

// readXMLFormat reads the XML document s, which must read without error as
// format.
func readXMLFormat(t *testing.T, s string, format Format) *Result {
	t.Helper()
	res, err := readXMLString(s)
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != format {
		t.Errorf("format %q", res.Format)
	}
	return res
}

// xmlBlocks maps "kind key" to the block's value, with "+tool" on tool
// blocks; the document's joined text (TestXMLDocumentText) is left out.
func xmlBlocks(res *Result) map[string]string {
	m := map[string]string{}
	for _, b := range res.Blocks {
		if b.Key == "text" && strings.HasSuffix(b.Container, " text") {
			continue
		}
		k := string(b.Kind) + " " + b.Key
		if b.Tool {
			k += " +tool"
		}
		if _, dup := m[k]; dup {
			m[k] += " | " + string(b.Data)
		} else {
			m[k] = string(b.Data)
		}
	}
	return m
}

func checkXMLBlocks(t *testing.T, res *Result, want map[string]string) {
	t.Helper()
	got := xmlBlocks(res)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("blocks %q, want %q", got, want)
	}
}

// utf16Doc encodes s as UTF-16 with a byte order mark.
func utf16Doc(s string, order binary.AppendByteOrder) []byte {
	var b []byte
	b = order.AppendUint16(b, 0xFEFF)
	for _, u := range utf16.Encode([]rune(s)) {
		b = order.AppendUint16(b, u)
	}
	return b
}

func TestXMLDocSniff(t *testing.T) {
	for _, c := range []struct{ head, want string }{
		{imfCPL, "XML"},
		{imfPKL, "XML"},
		{doviXML, "XML"},
		{"<plist version=\"1.0\"><dict/></plist>", "XML"},
		{"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<root/>", "XML"},
		{"<?xml version=\"1.0\"?><!-- " + strings.Repeat("x", 600), "XML"},
		{string(utf16Doc("<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>", binary.LittleEndian)), "XML"},
		{"<\x00?\x00x\x00m\x00l\x00", "XML"},
		{"<html xmlns=\"http://www.w3.org/1999/xhtml\"><body/></html>", "XML"},
		{ttmlAgent, "TTML"},
		{ebuTT, "TTML"},
		{"  <tt xmlns=\"http://www.w3.org/2006/10/ttaf1\"/>", "TTML"},
		{string(utf16Doc(ttmlAgent, binary.BigEndian)), "TTML"},
		{`<svg xmlns="http://www.w3.org/2000/svg"/>`, "SVG"},
		{`<?xml version="1.0"?><x:xmpmeta xmlns:x="adobe:ns:meta/"/>`, "XMP sidecar"},
		{`<?xpacket begin=""?><x:xmpmeta xmlns:x="adobe:ns:meta/"/>`, "XMP sidecar"},
		{"<!DOCTYPE html>\n<html><body><script>a<b</script></body></html>", ""},
		{"<html><body>hi</body></html>", ""},
		{"< not xml", ""},
		{"<3 love", ""},
		{"Delivery notes\n", ""},
	} {
		f := sniff([]byte(c.head[:min(len(c.head), sniffLen)]))
		got := ""
		if f != nil {
			got = string(f.family)
		}
		if got != c.want {
			t.Errorf("%.40q: sniffed %q, want %q", c.head, got, c.want)
		}
	}
}

func TestIMFCPL(t *testing.T) {
	res, err := readXMLString(imfCPL)
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != formatIMFCPL || res.Media != mediaDocument {
		t.Errorf("format %q media %q", res.Format, res.Media)
	}
	checkXMLBlocks(t, res, map[string]string{
		"comment ":           "made by hand",
		"text Id":            "urn:uuid:b2e1ace2-9c7d-4c12-b2f7-24bde303869e",
		"text Annotation":    "Reel 1 & 2",
		"text IssueDate":     "2026-04-27T15:47:57Z",
		"text Issuer":        "Example Post",
		"text Creator +tool": "ComfyUI 0.3.10",
		"text ContentTitle":  "The Feature",
		"text ContentKind":   "feature",
		"text RGBADescriptor@ApplicationName +tool": "Nuke 15",
		"text Creator": "Mastering suite",
		"text ExtensionProperties/ApplicationIdentification": "http://www.smpte-ra.org/ns/2067-21/2021",
		"xmp ": `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Runway Gen-4"/></rdf:RDF></x:xmpmeta>`,
	})
	checkOffsets(t, res, []byte(imfCPL))
}

// checkOffsets checks that every block lies in the file and that a block
// of raw bytes (XMP of a UTF-8 file) is the bytes at its offset.
func checkOffsets(t *testing.T, res *Result, file []byte) {
	t.Helper()
	for _, b := range res.Blocks {
		if b.Offset < 0 || b.Size < 0 || b.Offset+b.Size > int64(len(file)) {
			t.Errorf("block outside the file: %+v", b)
			continue
		}
		if b.Kind == KindXMP && b.Note == "" && !bytes.Equal(file[b.Offset:b.Offset+b.Size], b.Data) {
			t.Errorf("XMP block is not the bytes at its offset: %q", file[b.Offset:b.Offset+b.Size])
		}
		if b.Kind == KindText && b.Note == "" && !bytes.Contains(file[b.Offset:b.Offset+b.Size], []byte(strings.Split(string(b.Data), " ")[0])) && !strings.Contains(string(b.Data), "&") && utf8.Valid(file) {
			t.Errorf("%s block %q not within %q", b.Key, b.Data, file[b.Offset:b.Offset+b.Size])
		}
	}
}

func TestIMFPackingListAndAssetMap(t *testing.T) {
	res := readXMLFormat(t, imfPKL, formatIMFPKL)
	checkXMLBlocks(t, res, map[string]string{
		"text Id":             "urn:uuid:0429fedd-b55d-442a-aa26-2a81ec71ed05",
		"text AnnotationText": "Show_Reel",
		"text Creator +tool":  "Clipster 5.9.3.0 (build 87795)",
		"text Asset":          "urn:uuid:a453b63a-cf4d-454a-8c34-141f560c0100 CPL_a453.xml | urn:uuid:dc418b71-3ff2-4049-9a03-3988476285bc video.mxf",
	})
	checkOffsets(t, res, []byte(imfPKL))

	res = readXMLFormat(t, imfAssetMap, formatIMFAssetMap)
	checkXMLBlocks(t, res, map[string]string{
		"text Id":            "urn:uuid:1942573c-09d4-42bb-afd0-c77a28cb39b7",
		"text Creator +tool": "Clipster",
		"text Asset":         "urn:uuid:0429fedd-b55d-442a-aa26-2a81ec71ed05 PKL_0429.xml | urn:uuid:3782c89e-37c3-4f7c-a8ee-34f5be00d8e3 audio.mxf",
	})

	for doc, want := range map[string]Format{
		`<OutputProfileList xmlns="http://www.smpte-ra.org/ns/2067-100/2014"><Id>urn:uuid:1</Id><Creator>OPL maker</Creator></OutputProfileList>`: formatIMFOPL,
		`<CompositionPlaylist xmlns="http://www.smpte-ra.org/schemas/429-7/2006/CPL"><Creator>DCP-o-matic</Creator></CompositionPlaylist>`:        formatDCPCPL,
		`<CompositionPlaylist xmlns="urn:example"><Creator>Someone</Creator></CompositionPlaylist>`:                                               formatXML,
	} {
		res, err := readXMLString(doc)
		if err != nil || res.Format != want {
			t.Errorf("%.50s: %q, %v; want %q", doc, res.Format, err, want)
		}
		if want != formatXML && !slices.ContainsFunc(res.Blocks, func(b Block) bool { return b.Key == "Creator" && b.Tool }) {
			t.Errorf("%s: Creator not a tool block: %+v", want, res.Blocks)
		}
	}
}

func TestDolbyVisionXML(t *testing.T) {
	res := readXMLFormat(t, doviXML, formatDolbyVision)
	checkXMLBlocks(t, res, map[string]string{
		"text Author":                "Blackmagic Design",
		"text Software +tool":        "DaVinci Resolve Studio",
		"text SoftwareVersion +tool": "17.3.0.0014",
	})
}

func TestTTML(t *testing.T) {
	want := map[string]string{
		"text ttm:title":                "Episode 1 dub",
		"text ttm:agent/ttm:name +tool": "ElevenLabs Voice Cloning",
		"text ttm:agent/ttm:name":       "Jane Doe",
		"comment ":                      "dub script v2",
	}
	for name, doc := range map[string][]byte{
		"UTF-8":       []byte(ttmlAgent),
		"UTF-8 BOM":   append([]byte("\xEF\xBB\xBF"), ttmlAgent...),
		"UTF-16LE":    utf16Doc(strings.Replace(ttmlAgent, "UTF-8", "UTF-16", 1), binary.LittleEndian),
		"UTF-16BE":    utf16Doc(strings.Replace(ttmlAgent, "UTF-8", "UTF-16", 1), binary.BigEndian),
		"UTF-16 decl": utf16Doc(strings.Replace(ttmlAgent, `<?xml version="1.0" encoding="UTF-8"?>`, "", 1), binary.LittleEndian),
	} {
		t.Run(name, func(t *testing.T) {
			res, err := Read(bytes.NewReader(doc), int64(len(doc)))
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != formatTTML || res.Media != mediaDocument {
				t.Errorf("format %q media %q", res.Format, res.Media)
			}
			checkXMLBlocks(t, res, want)
			checkOffsets(t, res, doc)
			if len(res.Members) != 1 || res.Members[0].Name != "image img1" || res.Members[0].Size != 45 {
				t.Errorf("members %+v", res.Members)
			} else if ra, err := res.Members[0].Open(); err != nil {
				t.Error(err)
			} else {
				head := make([]byte, 8)
				ra.ReadAt(head, 0)
				if string(head) != "\x89PNG\r\n\x1a\n" {
					t.Errorf("member %q", head)
				}
			}
			if strings.HasPrefix(name, "UTF-16") {
				// the title element, located in the file through the checkpoints
				for _, b := range res.Blocks {
					if b.Key == "ttm:title" {
						at := string(xmlHead(append([]byte{doc[0], doc[1]}, doc[b.Offset:b.Offset+b.Size]...)))
						if at != "<ttm:title>Episode 1 dub</ttm:title>" {
							t.Errorf("title block at %d+%d is %q", b.Offset, b.Size, at)
						}
					}
				}
			}
		})
	}
}

// TestTTMLImages: an embedded image that is not base64 is a warning; a
// TTML2 data element is a member; another encoding is not read.
func TestTTMLImages(t *testing.T) {
	doc := `<tt xmlns="http://www.w3.org/ns/ttml" xmlns:smpte="http://www.smpte-ra.org/schemas/2052-1/2010/smpte-tt"><head><resources>
<data type="image/png">aGVsbG8=</data><data encoding="utf-8">plain</data></resources>
<smpte:image>!!not base64!!</smpte:image></head></tt>`
	res, err := readXMLString(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Members) != 1 || res.Members[0].Name != "data 1" || res.Members[0].Size != 5 || len(res.Warnings) != 1 {
		t.Errorf("members %+v, warnings %v", res.Members, res.Warnings)
	}
}

func TestEBUTT(t *testing.T) {
	res := readXMLFormat(t, ebuTT, formatEBUTT)
	checkXMLBlocks(t, res, map[string]string{
		"text ebuttm:documentEbuttVersion":            "v1.0",
		"text ebuttm:documentOriginatingSystem +tool": "SubtitleEdit 4.0",
		"text ebuttm:documentCopyright":               "Example Broadcaster",
	})
}

func TestXMLGeneric(t *testing.T) {
	doc := `<?xml version="1.0"?>
<!-- exported by hand -->
<project generator="ComfyUI-Exporter 2">
  <meta><CreatorTool>Runway Gen-4</CreatorTool><author>Jane</author><title>ignored</title></meta>
  <script type="text/javascript"><![CDATA[ if (a < b) { steal(); } ]]></script>
  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/"><xmp:CreatorTool>Sora</xmp:CreatorTool></rdf:Description></rdf:RDF>
</project>`
	res := readXMLFormat(t, doc, formatXML)
	checkXMLBlocks(t, res, map[string]string{
		"comment ":                     "exported by hand",
		"text project@generator +tool": "ComfyUI-Exporter 2",
		"text CreatorTool +tool":       "Runway Gen-4",
		"text author":                  "Jane",
		"xmp ":                         `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/"><xmp:CreatorTool>Sora</xmp:CreatorTool></rdf:Description></rdf:RDF>`,
	})
	checkOffsets(t, res, []byte(doc))
}

func TestXMLLatin1(t *testing.T) {
	doc := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r><Software>Caf\xe9 Tool</Software><x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\xe9</x:xmpmeta></r>"
	res, err := readXMLString(doc)
	if err != nil {
		t.Fatal(err)
	}
	checkXMLBlocks(t, res, map[string]string{
		"text Software +tool": "Café Tool",
		"xmp ":                "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">é</x:xmpmeta>",
	})
	checkOffsets(t, res, []byte(doc))
}

// TestXMLHostile: each hostile or broken shape is refused with an error of
// its kind, what was read before it kept.
func TestXMLHostile(t *testing.T) {
	laughs := `<!ENTITY l0 "lol">`
	for i := 1; i < 10; i++ {
		laughs += `<!ENTITY l` + string(rune('0'+i)) + ` "` + strings.Repeat("&l"+string(rune('0'+i-1))+";", 10) + `">`
	}
	big := `<!ENTITY e "` + strings.Repeat("x", 4096) + `">`
	pre := `<r><Software>Kept</Software>`
	for _, c := range []struct {
		name string
		doc  []byte
		want error
		msg  string
	}{
		{"billion laughs", []byte(`<!DOCTYPE r [` + laughs + `]>` + pre + `<a>&l9;</a></r>`), ErrMalformed, "entity"},
		{"entity x millions", []byte(`<!DOCTYPE r [` + big + `]>` + pre + strings.Repeat("&e;", 1<<10) + `</r>`), errLimit, "entity references"},
		{"external entity", []byte(`<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>` + pre + `&x;</r>`), ErrMalformed, "entity"},
		{"deep nesting", []byte(pre + strings.Repeat("<a>", xmlMaxDepth+1) + strings.Repeat("</a>", xmlMaxDepth+1) + "</r>"), errLimit, "nested deeper"},
		{"attributes", []byte(pre + "<a" + strings.Repeat(` a="1"`, 0) + func() string {
			var s strings.Builder
			for i := 0; i <= xmlMaxAttrs; i++ {
				s.WriteString(" a" + strings.Repeat("b", i%7) + string(rune('a'+i%26)) + itoa(i) + `="1"`)
			}
			return s.String()
		}() + "/></r>"), errLimit, "attributes"},
		{"UTF-16 without BOM", []byte("<\x00r\x00/\x00>\x00"), ErrMalformed, "byte order mark"},
		{"UTF-16 declared, UTF-8 bytes", []byte(`<?xml version="1.0" encoding="UTF-16"?>` + pre + `</r>`), ErrMalformed, "UTF-16"},
		{"UTF-8 BOM, Latin-1 declared", []byte("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r/>"), ErrMalformed, "byte order mark"},
		{"unknown encoding", []byte(`<?xml version="1.0" encoding="Shift_JIS"?>` + pre + `</r>`), ErrMalformed, "encoding"},
		{"unpaired surrogate", append(utf16Doc(pre, binary.LittleEndian), 0x00, 0xD8, 'a', 0), ErrMalformed, "surrogate"},
		{"UTF-16 odd length", append(utf16Doc(pre+"</r>", binary.LittleEndian), 'x'), errTruncated, "half a character"},
		{"NUL in a comment", []byte(pre + "<!-- \x00\x00\x00 -->"), ErrMalformed, "control character 0x00"},
		{"control in UTF-16", utf16Doc(pre+"<a>\x01</a></r>", binary.BigEndian), ErrMalformed, "control character 0x01"},
		{"invalid UTF-8", []byte(pre + "<a>\xff\xfe</a></r>"), ErrMalformed, "UTF-8"},
		{"truncated", []byte(pre + "<a>"), errTruncated, "ends inside"},
		{"truncated in a tag", []byte(pre + "<a b="), errTruncated, "ends inside"},
		{"script not well formed", []byte(pre + "<script>if (a < b) x()</script></r>"), ErrMalformed, ""},
		{"no root", []byte(`<?xml version="1.0"?><!-- only -->`), ErrMalformed, "no root"},
		{"stray end", []byte(`<?xml version="1.0"?></r>`), ErrMalformed, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := readXMLDoc(bytes.NewReader(c.doc), int64(len(c.doc)), nil)
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("err %v, want %v with %q", err, c.want, c.msg)
			}
			if strings.Contains(string(xmlHead(c.doc)), "Kept") && !strings.Contains(string(c.doc), "<!DOCTYPE") && !strings.HasPrefix(c.name, "UTF-16") && !strings.HasPrefix(c.name, "unknown") {
				if xmlBlocks(res)["text Software +tool"] != "Kept" {
					t.Errorf("the block before the fault is lost: %+v", res.Blocks)
				}
			}
		})
	}
}

func itoa(i int) string {
	return strings.TrimLeft(string([]byte{byte('0' + i/1000%10), byte('0' + i/100%10), byte('0' + i/10%10), byte('0' + i%10)}), "0")
}

// TestXMLCaps: a document over the read cap is read up to it and cut; more
// values than xmlMaxValues are cut; more tokens than xmlMaxTokens refused.
func TestXMLCaps(t *testing.T) {
	body := strings.Repeat(`<path d="M0 0L10 10"/>`, 1000)
	for _, tail := range []string{"</r>", ""} {
		doc := `<r><Software>Head</Software>` + body + tail
		res, err := readXMLLimits(doc, reader.Limits{SVGRead: 4096})
		if err != nil {
			t.Fatal(err)
		}
		if xmlBlocks(res)["text Software +tool"] != "Head" || len(res.Incomplete) != 1 || !strings.Contains(res.Incomplete[0], "stopped reading after 4096") {
			t.Errorf("cut document: blocks %+v, cuts %v", res.Blocks, res.Incomplete)
		}
	}
	utf := utf16Doc(`<r><Software>Head</Software>`+body+`</r>`, binary.LittleEndian)
	res, err := readXMLDoc(bytes.NewReader(utf), int64(len(utf)), reader.NewBudget(reader.Limits{SVGRead: 4097}, nil))
	if err != nil || len(res.Incomplete) != 1 || xmlBlocks(res)["text Software +tool"] != "Head" {
		t.Errorf("cut UTF-16 document: %v, blocks %+v, cuts %v", err, res.Blocks, res.Incomplete)
	}

	// the decoded text of a UTF-16 document is held memory of the budget
	res, err = readXMLDoc(bytes.NewReader(utf), int64(len(utf)), reader.NewBudget(reader.Limits{Memory: 8192}, nil))
	if !errors.Is(err, errLimit) || xmlBlocks(res)["text Software +tool"] != "Head" {
		t.Errorf("UTF-16 over the memory budget: %v, blocks %+v", err, res.Blocks)
	}

	res, err = readXMLString("<r>" + strings.Repeat("<!-- c -->", xmlMaxValues+5) + "</r>")
	if err != nil || len(res.Blocks) != xmlMaxValues || len(res.Incomplete) != 1 {
		t.Errorf("values: %v, %d blocks, cuts %v", err, len(res.Blocks), res.Incomplete)
	}

	if testing.Short() {
		return
	}
	doc := "<r>" + strings.Repeat("<a/>", xmlMaxTokens/2+1) + "</r>"
	res, err = readXMLLimits(doc, reader.Limits{SVGRead: int64(len(doc))})
	if !errors.Is(err, errLimit) || !strings.Contains(err.Error(), "tokens") {
		t.Errorf("tokens: %v", err)
	}
	_ = res
}

// readXMLBytes reads a corpus file through the registry.
func readXMLBytes(t *testing.T, b []byte) (*Result, error) {
	t.Helper()
	if f := sniff(b[:min(len(b), sniffLen)]); f == nil || (f.family != "XML" && f.family != "TTML") {
		t.Fatalf("not sniffed as XML or TTML: %v", f)
	}
	return Read(bytes.NewReader(b), int64(len(b)))
}

// TestXMLCorpus reads the XML and TTML files of ../shared/corpus/pro (IMF
// CPL, PKL, ASSETMAP, Dolby Vision metadata, IMSC): each must read and
// surface the identity strings pro/expected.jsonl lists for it.
func TestXMLCorpus(t *testing.T) {
	proCorpusCheck(t, "XML", readXMLBytes)
	proCorpusCheck(t, "TTML", func(t *testing.T, b []byte) (*Result, error) {
		if f := sniff(b[:min(len(b), sniffLen)]); f == nil || f.family != "TTML" {
			t.Fatalf("not sniffed as TTML: %v", f)
		}
		return Read(bytes.NewReader(b), int64(len(b)))
	})
}

func FuzzXMLDoc(f *testing.F) {
	for _, s := range []string{imfCPL, imfPKL, imfAssetMap, doviXML, ttmlAgent, ebuTT,
		"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r><Software>Caf\xe9</Software></r>",
		`<!DOCTYPE r [<!ENTITY e "x">]><r a="&e;">&e;</r>`} {
		f.Add([]byte(s))
	}
	f.Add(utf16Doc(ttmlAgent, binary.LittleEndian))
	f.Add(utf16Doc("<r>\U0001F600<Software>x</Software></r>", binary.BigEndian))
	f.Fuzz(func(t *testing.T, b []byte) {
		if !matchXMLDoc(b) && !matchTTML(b) {
			return
		}
		defer watchdog(b)()
		res, _ := readXMLDoc(bytes.NewReader(b), int64(len(b)), nil)
		for _, blk := range res.Blocks {
			if blk.Offset < 0 || blk.Size < 0 || blk.Offset+blk.Size > int64(len(b)) {
				t.Fatalf("block outside the file: %+v", blk)
			}
		}
	})
}

// TestXMLDocumentText: the character data of any XML document is one text
// block, so that a workflow or a parameters text in an element no dialect
// names is seen (it was read and passed unseen); XMP packets stay out of it.
func TestXMLDocumentText(t *testing.T) {
	doc := `<?xml version="1.0"?><Notes><Note>{"3": {"inputs": {"seed": 1}, "class_type": "KSampler"}}</Note>` +
		`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>packet text</x:xmpmeta></Notes>`
	res, err := readXMLDoc(strings.NewReader(doc), int64(len(doc)), nil)
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, b := range res.Blocks {
		if b.Key == "text" && b.Container == "XML text" {
			text = append(text, string(b.Data))
		}
	}
	if len(text) != 1 || !strings.Contains(text[0], `"class_type": "KSampler"`) || strings.Contains(text[0], "packet text") {
		t.Errorf("document text %q", text)
	}
	checkOffsets(t, res, []byte(doc))
}
