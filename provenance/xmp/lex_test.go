package xmp

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/provscan/provscan/provenance/readerr"
)

// stdTokenizer is encoding/xml's decoder set up as Parse used it before the
// fast lexer: the reference the lexer is compared with.
func stdTokenizer(text []byte) tokenizer {
	d := xml.NewDecoder(bytes.NewReader(text))
	d.Strict = false
	// parseWith has already made the text UTF-8, whatever it declares.
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	return d
}

// sameAsStd parses data with both tokenizers and reports how the results
// differ. Where encoding/xml reads the input without any syntax error (in
// its lenient mode), the lexer must too, with the same properties (whitespace characters in values compared
// as spaces: the lexer normalizes attribute values as XML says to).
// Where encoding/xml meets syntax errors the two recover by their own rules
// (the lexer mimics encoding/xml's restart offsets for the common cases);
// those inputs are not compared.
//
// Markup declarations other than comments, CDATA and DOCTYPE (<!ENTITY ...>
// outside a DOCTYPE, or "<!>") are skipped by each tokenizer by its own
// rules; XMP has none, and such inputs are not compared.
func sameAsStd(data []byte) (differs string, compared bool) {
	if oddDeclaration(data) {
		return "", false
	}
	want, stdErrs, werr := parseWith(data, stdTokenizer)
	if werr != nil || stdErrs > 0 {
		return "", false
	}
	got, gerr := Parse(data)
	if gerr != nil {
		return "lexer error " + gerr.Error() + " where encoding/xml has none", true
	}
	if len(got.Properties) != len(want.Properties) {
		return "property counts " + strconv.Itoa(len(got.Properties)) + " and " + strconv.Itoa(len(want.Properties)) + " (encoding/xml)", true
	}
	ws := strings.NewReplacer("\t", " ", "\n", " ", "\r", " ")
	for i := range got.Properties {
		g, w := got.Properties[i], want.Properties[i]
		g.Value, w.Value = ws.Replace(g.Value), ws.Replace(w.Value)
		g.NS, w.NS = ws.Replace(g.NS), ws.Replace(w.NS) // declared in an attribute too
		g.Path, w.Path = ws.Replace(g.Path), ws.Replace(w.Path)
		g.Lang, w.Lang = ws.Replace(g.Lang), ws.Replace(w.Lang)
		if g != w {
			return "property " + strconv.Itoa(i) + ": lexer " + show(g) + ", encoding/xml " + show(w), true
		}
	}
	return "", true
}

func oddDeclaration(data []byte) bool {
	for i := bytes.Index(data, []byte("<!")); i >= 0; {
		rest := data[i+2:]
		if !bytes.HasPrefix(rest, []byte("--")) && !bytes.HasPrefix(rest, []byte("[CDATA[")) && !bytes.HasPrefix(rest, []byte("DOCTYPE")) {
			return true
		}
		j := bytes.Index(rest, []byte("<!"))
		if j < 0 {
			break
		}
		i += 2 + j
	}
	return false
}

func show(p Property) string {
	return "{" + p.NS + " " + p.Name + " " + p.Path + " " + p.Lang + " " + strings.ReplaceAll(p.Value, "\n", `\n`) + "}"
}

// lexerCases are inputs whose XML features the lexer must handle as
// encoding/xml does.
var lexerCases = []string{
	wrap(allNS, `<xmp:CreatorTool>x</xmp:CreatorTool><dc:subject><rdf:Bag><rdf:li>a</rdf:li></rdf:Bag></dc:subject>`),
	wrap(allNS, `<xmpMM:History><rdf:Seq><rdf:li stEvt:action="created"/><rdf:li rdf:parseType="Resource"><stEvt:action>saved</stEvt:action></rdf:li></rdf:Seq></xmpMM:History>`),
	`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:title="t"><dc:rights rdf:parseType="Literal">a<b/>c</dc:rights></rdf:Description></rdf:RDF>`,
	// References: predefined, decimal, hex, unknown (kept), no semicolon (kept), past the last code point (kept).
	wrap(allNS, `<dc:description>&lt;a&gt; &amp; &apos;&quot; &#65;&#x42;&#X43; &foo; &amp &#1114112; &#;</dc:description>`),
	wrap(allNS, `<rdf:Description xmp:CreatorTool="a &amp; b &#x263A; &lt;c&gt;"/>`),
	// CDATA, comments, processing instructions, DOCTYPE.
	wrap(allNS, `<dc:description><![CDATA[<not> &amp; markup]]></dc:description><!-- a comment --><?pi data?>`),
	`<!DOCTYPE rdf SYSTEM "x.dtd"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:a="u:a/" a:b="1"/></rdf:RDF>`,
	// Line ends: \r\n and a lone \r become \n in text.
	wrap(allNS, "<dc:description>a\r\nb\rc\n</dc:description>"),
	// Default namespace, redeclared prefixes, undeclared prefixes, xml:lang.
	`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description><CreatorTool xmlns="http://ns.adobe.com/xap/1.0/">d</CreatorTool><p:x xmlns:p="u:1/"><p:y xmlns:p="u:2/">in</p:y></p:x><p:z>out</p:z><q:w>undeclared</q:w></rdf:Description></rdf:RDF>`,
	wrap(allNS, `<dc:title><rdf:Alt><rdf:li xml:lang="x-default">t</rdf:li><rdf:li xml:lang="fr">u</rdf:li></rdf:Alt></dc:title>`),
	// Names with odd colons, single quotes, spaces around '='.
	`<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description xmlns:a = 'u:a/' a:b = 'v' :c="1" d:="2"/></rdf:RDF>`,
	// Two packets, text between them.
	wrap(allNS, `<xmp:CreatorTool>one</xmp:CreatorTool>`) + "junk" + wrap(allNS, `<xmp:CreatorTool>two</xmp:CreatorTool>`),
	// Nested structs and empty elements.
	wrap(allNS, `<xmpMM:DerivedFrom rdf:parseType="Resource"><stRef:instanceID>i</stRef:instanceID><stRef:documentID/></xmpMM:DerivedFrom>`),
	// End tags with space before '>'.
	wrap(allNS, `<xmp:CreatorTool >x</xmp:CreatorTool >`),
}

func TestLexerAgreesWithEncodingXML(t *testing.T) {
	for i, c := range lexerCases {
		d, compared := sameAsStd([]byte(c))
		if !compared {
			t.Errorf("case %d: encoding/xml fails on it: not a comparison case", i)
			continue
		}
		if d != "" {
			t.Errorf("case %d: %s", i, d)
		}
	}
}

// TestLexerAgreesOnCorpus compares the two tokenizers on every XMP packet of
// the sample deliverables and, when it is present, of the shared corpus.
func TestLexerAgreesOnCorpus(t *testing.T) {
	dirs := []string{filepath.Join("..", "..", "testdata", "deliverables")}
	t.Run("corpus", func(t *testing.T) { dirs = append(dirs, corpusDir(t)) }) // skipped without ../shared
	var files []string
	for _, dir := range dirs {
		filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() && info.Size() <= 64<<20 {
				files = append(files, path)
			}
			return nil
		})
	}
	packets, compared := 0, 0
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		inputs := xmpPackets(b)
		if strings.HasSuffix(strings.ToLower(path), ".xmp") {
			inputs = append(inputs, b)
		}
		for _, pk := range inputs {
			packets++
			d, ok := sameAsStd(pk)
			if ok {
				compared++
			}
			if d != "" {
				t.Errorf("%s: %s", path, d)
			}
		}
	}
	if compared == 0 {
		t.Fatal("no packet compared")
	}
	t.Logf("%d packets, %d compared (the others fail in encoding/xml)", packets, compared)
}

// FuzzLexer checks that the lexer agrees with encoding/xml on every input
// the latter reads without error, and that Parse stays within its limits.
func FuzzLexer(f *testing.F) {
	for _, c := range lexerCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if d, _ := sameAsStd(data); d != "" {
			t.Fatal(d)
		}
		p, err := Parse(data)
		if err != nil && !errors.Is(err, ErrNotXMP) && !errors.Is(err, readerr.ErrMalformed) &&
			!errors.Is(err, readerr.ErrLimit) && !errors.Is(err, readerr.ErrTruncated) {
			t.Fatalf("error of no known kind: %v", err)
		}
		if len(p.Properties) > MaxProperties {
			t.Fatalf("%d properties", len(p.Properties))
		}
	})
}
