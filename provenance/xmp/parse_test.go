package xmp

import (
	"bytes"
	"errors"
	"github.com/provscan/provscan/provenance/internal/corpustest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/provscan/provscan/provenance/readerr"
)

// wrap puts RDF content into a full packet with the usual wrappers.
func wrap(ns, body string) string {
	return `<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="XMP Core 6.0.0">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" ` + ns + `>
` + body + `
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`
}

const allNS = `xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
 xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
 xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
 xmlns:dcterms="http://purl.org/dc/terms/"
 xmlns:exif="http://ns.adobe.com/exif/1.0/"
 xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"`

func mustParse(t *testing.T, s string) *Packet {
	t.Helper()
	p, err := Parse([]byte(s))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

// find returns the property at path, failing the test if absent.
func find(t *testing.T, p *Packet, path string) Property {
	t.Helper()
	for _, pr := range p.Properties {
		if pr.Path == path {
			return pr
		}
	}
	var paths []string
	for _, pr := range p.Properties {
		paths = append(paths, pr.Path+"="+pr.Value)
	}
	t.Fatalf("no property %q; have %q", path, paths)
	return Property{}
}

func TestAttributeForm(t *testing.T) {
	p := mustParse(t, `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" `+allNS+`
 xmp:CreatorTool="Draw Things"
 photoshop:Credit="Made with Google AI"
 Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
 Iptc4xmpExt:DigImageGUID="1b2c-uuid"
 dcterms:provenance="https://cai-manifests.adobe.com/manifests/abc"/>
</rdf:RDF></x:xmpmeta>`)
	checks := map[[2]string]string{
		{NSXMP, "CreatorTool"}:           "Draw Things",
		{NSPhotoshop, "Credit"}:          "Made with Google AI",
		{NSIptcExt, "DigitalSourceType"}: "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
		{NSIptcExt, "DigImageGUID"}:      "1b2c-uuid",
		{NSDCTerms, "provenance"}:        "https://cai-manifests.adobe.com/manifests/abc",
	}
	for k, want := range checks {
		if got := p.Get(k[0], k[1]); got != want {
			t.Errorf("Get(%s, %s) = %q, want %q", k[0], k[1], got, want)
		}
	}
	if pr := find(t, p, "Iptc4xmpExt:DigitalSourceType"); pr.NS != NSIptcExt {
		t.Errorf("NS = %q", pr.NS)
	}
	// rdf:about and xmlns declarations are not properties.
	if len(p.Properties) != 5 {
		t.Errorf("got %d properties, want 5: %+v", len(p.Properties), p.Properties)
	}
}

func TestElementForm(t *testing.T) {
	p := mustParse(t, wrap(allNS, `
 <xmp:CreatorTool>ComfyUI</xmp:CreatorTool>
 <Iptc4xmpExt:DigitalSourceType>http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia</Iptc4xmpExt:DigitalSourceType>
 <dcterms:provenance rdf:resource="https://example.com/manifest.c2pa"/>
 <photoshop:Credit>Edited with Google AI &amp; more</photoshop:Credit>`))
	if got := p.Get(NSXMP, "CreatorTool"); got != "ComfyUI" {
		t.Errorf("CreatorTool = %q", got)
	}
	if got := p.Get(NSIptcExt, "DigitalSourceType"); !strings.HasSuffix(got, "/compositeWithTrainedAlgorithmicMedia") {
		t.Errorf("DigitalSourceType = %q", got)
	}
	if got := p.Get(NSDCTerms, "provenance"); got != "https://example.com/manifest.c2pa" {
		t.Errorf("provenance (rdf:resource) = %q", got)
	}
	if got := p.Get(NSPhotoshop, "Credit"); got != "Edited with Google AI & more" {
		t.Errorf("Credit = %q", got)
	}
}

func TestArrays(t *testing.T) {
	p := mustParse(t, wrap(allNS, `
 <dc:subject><rdf:Bag><rdf:li>cat</rdf:li><rdf:li>ai</rdf:li></rdf:Bag></dc:subject>
 <dc:creator><rdf:Seq><rdf:li>Someone</rdf:li></rdf:Seq></dc:creator>
 <dc:description><rdf:Alt>
   <rdf:li xml:lang="x-default">a cat, masterpiece
Negative prompt: dog</rdf:li>
   <rdf:li xml:lang="fr">un chat</rdf:li>
 </rdf:Alt></dc:description>
 <exif:UserComment><rdf:Alt><rdf:li xml:lang="x-default">{"c":"a cat","model":"sd"}</rdf:li></rdf:Alt></exif:UserComment>`))
	if pr := find(t, p, "dc:subject[2]"); pr.Value != "ai" || pr.NS != NSDC || pr.Name != "subject" {
		t.Errorf("dc:subject[2] = %+v", pr)
	}
	if got := p.Values(NSDC, "subject"); len(got) != 2 || got[0] != "cat" {
		t.Errorf("subject values = %q", got)
	}
	if pr := find(t, p, "dc:creator[1]"); pr.Value != "Someone" {
		t.Errorf("creator = %+v", pr)
	}
	d := find(t, p, "dc:description[1]")
	if d.Lang != "x-default" || !strings.HasPrefix(d.Value, "a cat, masterpiece\nNegative prompt") {
		t.Errorf("description[1] = %+v", d)
	}
	if d := find(t, p, "dc:description[2]"); d.Lang != "fr" || d.Value != "un chat" {
		t.Errorf("description[2] = %+v", d)
	}
	if got := p.Get(NSExif, "UserComment"); got != `{"c":"a cat","model":"sd"}` {
		t.Errorf("UserComment = %q", got)
	}
	// The array properties themselves are not emitted with empty values.
	for _, pr := range p.Properties {
		if pr.Path == "dc:subject" || pr.Path == "dc:description" {
			t.Errorf("container emitted as a value: %+v", pr)
		}
	}
}

func TestHistoryForms(t *testing.T) {
	p := mustParse(t, wrap(allNS, `
 <xmpMM:History><rdf:Seq>
  <rdf:li stEvt:action="created" stEvt:softwareAgent="Adobe Photoshop 25.0"/>
  <rdf:li rdf:parseType="Resource">
   <stEvt:action>saved</stEvt:action>
   <stEvt:softwareAgent>Adobe Firefly</stEvt:softwareAgent>
   <stEvt:parameters>generative fill</stEvt:parameters>
  </rdf:li>
  <rdf:li><rdf:Description stEvt:action="edited">
   <stEvt:softwareAgent>Midjourney</stEvt:softwareAgent>
  </rdf:Description></rdf:li>
 </rdf:Seq></xmpMM:History>`))
	want := map[string]string{
		"xmpMM:History[1]/stEvt:action":        "created",
		"xmpMM:History[1]/stEvt:softwareAgent": "Adobe Photoshop 25.0",
		"xmpMM:History[2]/stEvt:action":        "saved",
		"xmpMM:History[2]/stEvt:softwareAgent": "Adobe Firefly",
		"xmpMM:History[2]/stEvt:parameters":    "generative fill",
		"xmpMM:History[3]/stEvt:action":        "edited",
		"xmpMM:History[3]/stEvt:softwareAgent": "Midjourney",
	}
	for path, v := range want {
		if pr := find(t, p, path); pr.Value != v {
			t.Errorf("%s = %q, want %q", path, pr.Value, v)
		}
	}
	if got := p.Values(NSStEvt, "softwareAgent"); len(got) != 3 || got[2] != "Midjourney" {
		t.Errorf("softwareAgents = %q", got)
	}
	if len(p.Properties) != len(want) {
		t.Errorf("got %d properties, want %d: %+v", len(p.Properties), len(want), p.Properties)
	}
	if pr := find(t, p, "xmpMM:History[2]/stEvt:action"); pr.NS != NSStEvt || pr.Name != "action" {
		t.Errorf("field names: %+v", pr)
	}
}

func TestStructs(t *testing.T) {
	p := mustParse(t, wrap(allNS+` xmlns:stRef="http://ns.adobe.com/xap/1.0/sType/ResourceRef#"`, `
 <xmpMM:DerivedFrom stRef:instanceID="xmp.iid:1" stRef:documentID="xmp.did:2"/>
 <xmpMM:Ingredients rdf:parseType="Resource"><stRef:filePath>gen.png</stRef:filePath></xmpMM:Ingredients>
 <xmpMM:Manifest><rdf:Description><stRef:filePath>other.png</stRef:filePath></rdf:Description></xmpMM:Manifest>`))
	if pr := find(t, p, "xmpMM:DerivedFrom/stRef:instanceID"); pr.Value != "xmp.iid:1" {
		t.Errorf("%+v", pr)
	}
	if pr := find(t, p, "xmpMM:Ingredients/stRef:filePath"); pr.Value != "gen.png" {
		t.Errorf("%+v", pr)
	}
	if pr := find(t, p, "xmpMM:Manifest/stRef:filePath"); pr.Value != "other.png" {
		t.Errorf("%+v", pr)
	}
}

func TestOtherPrefixSameURI(t *testing.T) {
	// exiv2 and Midjourney write iptcExt: for Iptc4xmpExt; the path keeps
	// the conventional prefix, the lookup goes by URI.
	p := mustParse(t, `<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="XMP Core 4.4.0-Exiv2">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:iptcExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
    xmlns:foo="http://example.com/foo/"
   iptcExt:DigImageGUID="8e5f7e9d-0000-1111-2222-333344445555"
   foo:bar="baz">
   <iptcExt:DigitalSourceType>http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia</iptcExt:DigitalSourceType>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>`)
	if got := p.Get(NSIptcExt, "DigImageGUID"); got != "8e5f7e9d-0000-1111-2222-333344445555" {
		t.Errorf("DigImageGUID = %q", got)
	}
	find(t, p, "Iptc4xmpExt:DigitalSourceType")
	// Unknown namespace: the document's prefix.
	if pr := find(t, p, "foo:bar"); pr.NS != "http://example.com/foo/" {
		t.Errorf("%+v", pr)
	}
	// rdf bound to another prefix.
	p = mustParse(t, `<R:RDF xmlns:R="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><R:Description xmlns:p="http://ns.adobe.com/photoshop/1.0/" p:Credit="x"/></R:RDF>`)
	if got := p.Get(NSPhotoshop, "Credit"); got != "x" {
		t.Errorf("Credit with R: prefix = %q", got)
	}
}

func TestManyDescriptionsAndPackets(t *testing.T) {
	one := wrap(allNS, `<xmp:CreatorTool>first</xmp:CreatorTool>`)
	two := `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:format="image/png"/>
<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="second"/>
</rdf:RDF></x:xmpmeta>`
	data := "\x00\x00garbage \xff\xfe< not xml" + one + strings.Repeat("\x00", 40) + "  junk & <<\n" + two + "\x00\x00"
	p, err := Parse([]byte(data))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if got := p.Values(NSXMP, "CreatorTool"); len(got) != 2 || got[0] != "first" || got[1] != "second" {
		t.Errorf("CreatorTool values = %q", got)
	}
	if got := p.Get(NSDC, "format"); got != "image/png" {
		t.Errorf("dc:format = %q", got)
	}
}

func utf16Bytes(s string, be, bom bool) []byte {
	var b bytes.Buffer
	u := utf16.Encode([]rune(s))
	if bom {
		u = append([]uint16{0xFEFF}, u...)
	}
	for _, c := range u {
		if be {
			b.WriteByte(byte(c >> 8))
			b.WriteByte(byte(c))
		} else {
			b.WriteByte(byte(c))
			b.WriteByte(byte(c >> 8))
		}
	}
	return b.Bytes()
}

func TestEncodings(t *testing.T) {
	doc := `<?xml version="1.0" encoding="UTF-16"?>` + wrap(allNS, `<photoshop:Credit>Made with Google AI é</photoshop:Credit>`)
	cases := map[string][]byte{
		"utf8-bom":            append([]byte{0xEF, 0xBB, 0xBF}, doc...),
		"utf16be":             utf16Bytes(doc, true, true),
		"utf16le":             utf16Bytes(doc, false, true),
		"utf16le-no":          utf16Bytes(doc, false, false),
		"utf16be-no":          utf16Bytes(doc, true, false),
		"utf8-binary-prefix":  append([]byte("\x00<\x00\x01<\x00"), doc...),
		"utf16le-odd-garbage": append([]byte{1, 2, 3}, utf16Bytes(doc, false, false)...),
		"utf16be-odd-garbage": append([]byte{1, 2, 3}, utf16Bytes(doc, true, false)...),
	}
	for name, data := range cases {
		p, err := Parse(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := p.Get(NSPhotoshop, "Credit"); got != "Made with Google AI é" {
			t.Errorf("%s: Credit = %q", name, got)
		}
	}
	// Latin-1 declared, Latin-1 bytes.
	lat := []byte(`<?xml version="1.0" encoding="ISO-8859-1"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:title="caf` + "\xe9" + `"/></rdf:RDF>`)
	p, err := Parse(lat)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Get(NSDC, "title"); got != "café" {
		t.Errorf("latin-1 title = %q", got)
	}
}

func TestNotXMP(t *testing.T) {
	for _, s := range []string{"", "hello", "<html><body>x</body></html>", "\x00\x00\x00", `<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>`} {
		if _, err := Parse([]byte(s)); !errors.Is(err, ErrNotXMP) {
			t.Errorf("Parse(%q) err = %v, want ErrNotXMP", s, err)
		}
	}
}

func TestTruncated(t *testing.T) {
	full := wrap(allNS, `<xmp:CreatorTool>first</xmp:CreatorTool><dc:subject><rdf:Bag><rdf:li>a</rdf:li><rdf:li>b</rdf:li></rdf:Bag></dc:subject>`)
	cut := full[:strings.Index(full, "<rdf:li>b")]
	p, err := Parse([]byte(cut))
	if err == nil {
		t.Fatal("truncated packet: no error")
	}
	if !errors.Is(err, readerr.ErrTruncated) && !errors.Is(err, readerr.ErrMalformed) {
		t.Errorf("err = %v", err)
	}
	if got := p.Get(NSXMP, "CreatorTool"); got != "first" {
		t.Errorf("partial result lost: %+v", p.Properties)
	}
}

func TestLimits(t *testing.T) {
	// Depth.
	deep := strings.Repeat(`<dc:a rdf:parseType="Resource">`, 200) + strings.Repeat(`</dc:a>`, 200)
	_, err := Parse([]byte(wrap(allNS, deep)))
	if !errors.Is(err, readerr.ErrLimit) {
		t.Errorf("deep: err = %v, want ErrLimit", err)
	}
	// Long value is truncated.
	long := strings.Repeat("x", MaxValue+1000)
	p, err := Parse([]byte(wrap(allNS, `<dc:format>`+long+`</dc:format>`)))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Get(NSDC, "format"); len(got) != MaxValue {
		t.Errorf("long value: len %d", len(got))
	}
	// Too many properties.
	var b strings.Builder
	for i := 0; i < MaxProperties+10; i++ {
		b.WriteString(`<dc:s>v</dc:s>`)
	}
	p, err = Parse([]byte(wrap(allNS, b.String())))
	if !errors.Is(err, readerr.ErrLimit) || len(p.Properties) != MaxProperties {
		t.Errorf("many: err = %v, %d properties", err, len(p.Properties))
	}
}

func TestValueQualifier(t *testing.T) {
	p := mustParse(t, wrap(allNS, `
 <exif:UserComment rdf:parseType="Resource"><rdf:value>{"c":"cat"}</rdf:value><xmp:Label>q</xmp:Label></exif:UserComment>
 <dc:source><rdf:Description><rdf:value>src</rdf:value></rdf:Description></dc:source>`))
	if pr := find(t, p, "exif:UserComment"); pr.Value != `{"c":"cat"}` || pr.NS != NSExif || pr.Name != "UserComment" {
		t.Errorf("rdf:value qualifier: %+v", pr)
	}
	find(t, p, "exif:UserComment/xmp:Label")
	if got := p.Get(NSDC, "source"); got != "src" {
		t.Errorf("dc:source = %q", got)
	}
}

func TestTypedNodeAndLiteral(t *testing.T) {
	p := mustParse(t, `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:Thing dc:title="t"><dc:rights rdf:parseType="Literal">a <b>bold</b> c</dc:rights></dc:Thing></rdf:RDF>`)
	if got := p.Get(NSDC, "title"); got != "t" {
		t.Errorf("title = %q", got)
	}
	if got := p.Get(NSDC, "rights"); got != "a bold c" {
		t.Errorf("rights = %q", got)
	}
}

// corpusDir returns the shared corpus folder, or skips the test.
func corpusDir(t testing.TB) string {
	t.Helper()
	return corpustest.Dir(t)
}

// xmpPackets returns the XMP packets found by a plain byte search in b.
func xmpPackets(b []byte) [][]byte {
	var out [][]byte
	for {
		i := bytes.Index(b, []byte("<x:xmpmeta"))
		if i < 0 {
			return out
		}
		j := bytes.Index(b[i:], []byte("</x:xmpmeta>"))
		if j < 0 {
			return out
		}
		out = append(out, b[i:i+j+len("</x:xmpmeta>")])
		b = b[i+j:]
	}
}

func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	n := 0
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || info.Size() > 64<<20 {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		for _, pk := range xmpPackets(b) {
			p, err := Parse(pk)
			if err != nil {
				t.Errorf("%s: %v", path, err)
				continue
			}
			n++
			if bytes.Contains(pk, []byte("CreatorTool=\"")) || bytes.Contains(pk, []byte("<xmp:CreatorTool>")) {
				if p.Get(NSXMP, "CreatorTool") == "" {
					t.Errorf("%s: CreatorTool present in bytes but not parsed", path)
				}
			}
			if bytes.Contains(pk, []byte("DigitalSourceType")) && p.Get(NSIptcExt, "DigitalSourceType") == "" {
				t.Errorf("%s: DigitalSourceType present in bytes but not parsed", path)
			}
			if bytes.Contains(pk, []byte("softwareAgent")) && len(p.Values(NSStEvt, "softwareAgent")) == 0 {
				t.Errorf("%s: softwareAgent present in bytes but not parsed", path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d packets parsed", n)
}

func FuzzXMP(f *testing.F) {
	f.Add([]byte(wrap(allNS, `<xmp:CreatorTool>x</xmp:CreatorTool><dc:subject><rdf:Bag><rdf:li>a</rdf:li></rdf:Bag></dc:subject>`)))
	f.Add([]byte(wrap(allNS, `<xmpMM:History><rdf:Seq><rdf:li stEvt:action="created"/><rdf:li rdf:parseType="Resource"><stEvt:action>saved</stEvt:action></rdf:li></rdf:Seq></xmpMM:History>`)))
	f.Add([]byte(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:title="t"><dc:rights rdf:parseType="Literal">a<b/>c</dc:rights></rdf:Description></rdf:RDF>`))
	f.Add(utf16Bytes(wrap(allNS, `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">p</rdf:li></rdf:Alt></dc:description>`), true, true))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if p == nil {
			t.Fatal("nil packet")
		}
		if len(p.Properties) > MaxProperties {
			t.Fatalf("%d properties", len(p.Properties))
		}
		for _, pr := range p.Properties {
			if len(pr.Value) > MaxValue {
				t.Fatalf("value of %d bytes", len(pr.Value))
			}
		}
		_ = err
	})
}
