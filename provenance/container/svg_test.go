package container

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/provscan/provscan/provenance/internal/corpustest"
	"github.com/provscan/provscan/provenance/internal/reader"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const testXMPPacket = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Test Tool 1.0"/></rdf:RDF></x:xmpmeta>`

// testJUMBF is a tiny jumb superbox holding a c2pa description box.
func testJUMBF() []byte {
	desc := append([]byte("\x00\x00\x00\x1ejumdc2pa\x00\x11\x00\x10\x80\x00\x00\xaa\x00\x38\x9b\x71"), "c2pa\x00"...)
	box := []byte{0, 0, 0, byte(8 + len(desc))}
	box = append(box, "jumb"...)
	return append(box, desc...)
}

func TestSVGSniff(t *testing.T) {
	for _, c := range []struct {
		head string
		want string
	}{
		{`<svg xmlns="http://www.w3.org/2000/svg"/>`, "SVG"},
		{"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- hi -->\n<!DOCTYPE svg PUBLIC '-//W3C//DTD SVG 1.1//EN' 'x.dtd' [<!ENTITY a \"b\">]>\n<svg>", "SVG"},
		{`<svg:svg xmlns:svg="http://www.w3.org/2000/svg">`, "SVG"},
		{`<?xml version="1.0"?><html><svg>`, ""},
		{`<svgx>`, "XML"},
		{"<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x.dtd\" [\n" + strings.Repeat("\t<!ENTITY ns_x \"http://ns.adobe.com/Extensibility/1.0/\">\n", 12), "SVG"},
		{"<?xml version=\"1.0\"?>\n<!DOCTYPE html [\n" + strings.Repeat("\t<!ENTITY ns_x \"http://ns.adobe.com/Extensibility/1.0/\">\n", 12), "XML"},
		{"\xEF\xBB\xBF<?xpacket begin=\"\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>" + testXMPPacket, "XMP sidecar"},
		{`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + testXMPPacket, "XMP sidecar"},
		{string(testJUMBF()), "C2PA sidecar"},
	} {
		got := ""
		if f := sniff([]byte(c.head)); f != nil {
			got = string(f.family)
		}
		if got != c.want {
			t.Errorf("sniff %q = %q, want %q", c.head, got, c.want)
		}
	}
}

func readSVGString(t *testing.T, s string) (*Result, error) {
	t.Helper()
	return readSVGLimits(s, reader.Limits{})
}

func readSVGLimits(s string, l reader.Limits) (*Result, error) {
	return readSVG(strings.NewReader(s), int64(len(s)), reader.NewBudget(l, nil))
}

func TestSVGMetadata(t *testing.T) {
	jumbf := testJUMBF()
	svg := `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg [<!ENTITY ns_svg "http://www.w3.org/2000/svg">]>
<svg xmlns="&ns_svg;" width="10" height="10">
  <metadata>
    <?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>` + testXMPPacket + `<?xpacket end="w"?>
    <c2pa:manifest xmlns:c2pa="http://c2pa.org/manifest">` + "\n" + base64.StdEncoding.EncodeToString(jumbf) + `
    </c2pa:manifest>
  </metadata>
  <g><rect width="1" height="1"/></g>
</svg>`
	res, err := readSVGString(t, svg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Blocks) != 2 {
		t.Fatalf("blocks: %+v", res.Blocks)
	}
	x := res.Blocks[0]
	if x.Kind != KindXMP || string(x.Data) != testXMPPacket {
		t.Errorf("xmp block %q", x.Data)
	}
	if svg[x.Offset:x.Offset+x.Size] != testXMPPacket {
		t.Errorf("xmp offset/size wrong")
	}
	c := res.Blocks[1]
	if c.Kind != KindC2PA || !bytes.Equal(c.Data, jumbf) || c.Note != "" {
		t.Errorf("c2pa block %+v", c)
	}
}

func TestSVGComfyUI(t *testing.T) {
	js := `{"prompt": {"3": {"class_type": "KSampler", "inputs": {"seed": 42}}}, "workflow": {"nodes": []}}`
	svg := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8">
  <metadata>
    <![CDATA[
` + js + `
    ]]>
  </metadata>
<path d="M0 0h8v8z"/></svg>`
	res, err := readSVGString(t, svg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Blocks) != 1 || res.Blocks[0].Kind != KindText || res.Blocks[0].Key != "metadata" || string(res.Blocks[0].Data) != js {
		t.Fatalf("blocks: %+v", res.Blocks)
	}
}

func TestSVGRDFWithoutXMPMeta(t *testing.T) {
	// Inkscape writes a bare rdf:RDF inside <metadata>
	rdf := `<rdf:RDF><cc:Work rdf:about=""><dc:format>image/svg+xml</dc:format></cc:Work></rdf:RDF>`
	svg := `<svg xmlns="http://www.w3.org/2000/svg" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:cc="http://creativecommons.org/ns#" xmlns:dc="http://purl.org/dc/elements/1.1/"><metadata>` + rdf + `</metadata></svg>`
	res, err := readSVGString(t, svg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Blocks) != 1 || res.Blocks[0].Kind != KindXMP || string(res.Blocks[0].Data) != rdf {
		t.Fatalf("blocks: %+v", res.Blocks)
	}
}

func TestSVGMalformed(t *testing.T) {
	// the manifest is read before the document breaks
	svg := `<svg xmlns="http://www.w3.org/2000/svg"><metadata><c2pa:manifest xmlns:c2pa="http://c2pa.org/manifest">c29tZSB0ZXN0IGRhdGE=</c2pa:manifest></meta`
	res, err := readSVGString(t, svg)
	if err == nil || !(errors.Is(err, ErrMalformed) || errors.Is(err, errTruncated)) {
		t.Fatalf("want malformed error, got %v", err)
	}
	if len(res.Blocks) != 1 || res.Blocks[0].Kind != KindC2PA || string(res.Blocks[0].Data) != "some test data" || res.Blocks[0].Note == "" {
		t.Errorf("blocks %+v", res.Blocks)
	}
	for _, s := range []string{
		`<svg><g></svg>`,
		`<svg><metadata><c2pa:manifest>!!!notbase64</c2pa:manifest></metadata></svg>`,
		strings.Repeat("<g>", svgMaxDepth+2),
	} {
		res, err := readSVGString(t, s)
		if err == nil && len(res.Warnings) == 0 {
			t.Errorf("%.40q: neither error nor warning", s)
		}
	}
}

func TestSVGLatin1(t *testing.T) {
	svg := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><svg><metadata>caf\xe9</metadata></svg>"
	res, err := readSVGString(t, svg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Blocks) != 1 || string(res.Blocks[0].Data) != "café" {
		t.Fatalf("blocks %+v", res.Blocks)
	}
}

func TestSidecars(t *testing.T) {
	x := "\xEF\xBB\xBF" + testXMPPacket
	res, err := Read(strings.NewReader(x), int64(len(x)))
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != "XMP sidecar" || len(res.Blocks) != 1 || res.Blocks[0].Kind != KindXMP || string(res.Blocks[0].Data) != x {
		t.Fatalf("xmp sidecar: %+v", res)
	}
	j := testJUMBF()
	res, err = Read(bytes.NewReader(j), int64(len(j)))
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != "C2PA sidecar" || len(res.Blocks) != 1 || res.Blocks[0].Kind != KindC2PA || !bytes.Equal(res.Blocks[0].Data, j) {
		t.Fatalf("c2pa sidecar: %+v", res)
	}
	if _, err := readC2PASidecar(bytes.NewReader(j), maxBlockSize+1, nil); !errors.Is(err, errLimit) {
		t.Errorf("oversized sidecar: %v", err)
	}
}

// corpusDir returns ../../../shared/corpus/<sub> relative to the package, or
// skips the test when it is absent.
func corpusDir(t *testing.T, sub string) string {
	t.Helper()
	return corpustest.Dir(t, sub)
}

func TestSidecarCorpus(t *testing.T) {
	dir := corpusDir(t, "c2pa")
	var n int
	filepath.WalkDir(dir, func(p string, de os.DirEntry, err error) error {
		if err != nil || de.IsDir() || !strings.HasSuffix(p, ".c2pa") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Read(bytes.NewReader(data), int64(len(data)))
		if err != nil || res.Format != "C2PA sidecar" || len(res.Blocks) != 1 {
			t.Errorf("%s: %v %+v", p, err, res)
		}
		n++
		return nil
	})
	if n == 0 {
		t.Errorf("no .c2pa file in the corpus")
	}
}

func FuzzSVG(f *testing.F) {
	f.Add([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><metadata>` + testXMPPacket + `<c2pa:manifest xmlns:c2pa="http://c2pa.org/manifest">` + base64.StdEncoding.EncodeToString(testJUMBF()) + `</c2pa:manifest></metadata></svg>`))
	f.Add([]byte("<?xml version=\"1.0\" encoding=\"latin1\"?><!DOCTYPE svg [<!ENTITY a \"b\">]><svg><metadata><![CDATA[{\"prompt\":1}]]>&a;</metadata></svg>"))
	for _, doc := range hostileSVGs() {
		if len(doc) < 4096 {
			f.Add(doc)
		}
	}
	f.Add(svgWithDTD(`<!ENTITY e "`+strings.Repeat("x", 4000)+`">`, strings.Repeat("&e;", 300)))
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		defer watchdog(data)()
		res, _ := readSVG(bytes.NewReader(data), int64(len(data)), nil)
		if res == nil {
			t.Fatal("nil result")
		}
		for _, b := range res.Blocks {
			if b.Offset < 0 || b.Size < 0 || b.Offset+b.Size > int64(len(data)) {
				t.Fatalf("block out of range: %+v", b)
			}
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("slow: %v", time.Since(start))
		}
		for _, b := range res.Blocks { // entities add at most svgMaxExpansion bytes
			if len(b.Data) > len(data)+svgMaxExpansion {
				t.Fatalf("a block of %d bytes from a %d-byte document", len(b.Data), len(data))
			}
		}
		matchSVG(data)
		matchXMPSidecar(data)
	})
}

// TestCorpusDocuments reads every PDF and SVG of the corpus in bounded time,
// and checks that the files the official C2PA reader finds a manifest in
// yield a KindC2PA block.
func TestCorpusDocuments(t *testing.T) {
	c2paDir := corpusDir(t, "c2pa")
	ref := map[string]bool{} // path relative to c2pa/ -> has_manifest
	raw, err := os.ReadFile(filepath.Join(c2paDir, "reference.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range bytes.Split(raw, []byte("\n")) {
		var rec struct {
			Path        string `json:"path"`
			HasManifest *bool  `json:"has_manifest"`
		}
		if json.Unmarshal(line, &rec) == nil && rec.HasManifest != nil {
			ref[rec.Path] = *rec.HasManifest
		}
	}
	var files []string
	for _, root := range []string{c2paDir, filepath.Join(c2paDir, "..", "genai", "firefly")} {
		filepath.WalkDir(root, func(p string, de os.DirEntry, err error) error {
			ext := strings.ToLower(filepath.Ext(p))
			if err == nil && !de.IsDir() && (ext == ".pdf" || ext == ".svg") {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) == 0 {
		t.Fatal("no PDF or SVG in the corpus")
	}
	t.Logf("%-62s %-5s %-9s %-5s %s", "file", "c2pa", "reference", "ms", "error")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		res, rerr := Read(bytes.NewReader(data), int64(len(data)))
		ms := time.Since(start).Milliseconds()
		if ms > 5000 {
			t.Errorf("%s: took %d ms", p, ms)
		}
		found := false
		if res != nil {
			for _, b := range res.Blocks {
				found = found || b.Kind == KindC2PA
			}
		}
		rel, _ := filepath.Rel(c2paDir, p)
		want, known := ref[rel]
		refs := "-"
		if known {
			refs = fmt.Sprint(want)
		}
		errs := ""
		if rerr != nil {
			errs = rerr.Error()
		}
		t.Logf("%-62s %-5v %-9s %-5d %.60s", rel, found, refs, ms, errs)
		if errors.Is(rerr, ErrUnknownFormat) {
			t.Errorf("%s: not recognised", rel)
		}
		if known && want && !found {
			t.Errorf("%s: the reference reader finds a manifest, we found no C2PA block", rel)
		}
	}
}

func TestSVGLatin1XMP(t *testing.T) {
	x := "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description xmlns:dc=\"http://purl.org/dc/elements/1.1/\" dc:creator=\"Ren\xe9\"/></rdf:RDF></x:xmpmeta>"
	svg := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<svg><title>\xe9\xe9\xe9\xe9</title><metadata>" + x + "</metadata></svg>"
	res, err := readSVGString(t, svg)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.ReplaceAll(x, "\xe9", "é")
	if len(res.Blocks) != 1 || string(res.Blocks[0].Data) != want {
		t.Fatalf("blocks %+v", res.Blocks)
	}
}

func TestSVGReadLimit(t *testing.T) {
	head := `<svg xmlns="http://www.w3.org/2000/svg"><metadata>` + testXMPPacket + `</metadata>`
	body := strings.Repeat(`<path d="M0 0L10 10"/>`, 1000)
	for _, tail := range []string{"</svg>", ""} {
		svg := head + body + tail
		res, err := readSVGLimits(svg, reader.Limits{SVGRead: 4096})
		if err != nil {
			t.Fatalf("%v", err)
		}
		if len(res.Blocks) != 1 || res.Blocks[0].Kind != KindXMP {
			t.Errorf("blocks %+v", res.Blocks)
		}
		if len(res.Incomplete) != 1 || !strings.Contains(res.Incomplete[0], "stopped reading after 4096") {
			t.Errorf("cuts %v", res.Incomplete)
		}
	}
}

// watchdog panics when a fuzz input runs for more than 20 seconds: a hang
// is a bug, and a panic names the input.
func watchdog(data []byte) func() {
	t := time.AfterFunc(20*time.Second, func() {
		panic(fmt.Sprintf("input of %d bytes still running after 20s", len(data)))
	})
	return func() { t.Stop() }
}
