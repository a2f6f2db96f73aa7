package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// htmlDoc is a parsed HTML report.
type htmlDoc struct{ root *html.Node }

func (d htmlDoc) find(ok func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && ok(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(d.root)
	return out
}

func htmlAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func htmlText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

var htmlCSP = regexp.MustCompile(`^default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'nonce-([A-Za-z0-9_-]+)'$`)

// parseHTMLReport parses an HTML report and checks what makes it safe to
// open: one CSP whose nonce is on the one script that runs, a data island
// that is JSON, no event handler attribute, no raw bidi override.
func parseHTMLReport(t *testing.T, b []byte) htmlDoc {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("<!DOCTYPE html>\n<html lang=\"en\">")) || !bytes.HasSuffix(b, []byte("</html>\n")) {
		t.Fatalf("not a whole HTML document:\n%.300s", b)
	}
	root, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	d := htmlDoc{root}
	csp := d.find(func(n *html.Node) bool {
		return n.Data == "meta" && htmlAttr(n, "http-equiv") == "Content-Security-Policy"
	})
	if len(csp) != 1 || !htmlCSP.MatchString(htmlAttr(csp[0], "content")) {
		t.Fatalf("CSP: %v", csp)
	}
	nonce := htmlCSP.FindStringSubmatch(htmlAttr(csp[0], "content"))[1]
	scripts := d.find(func(n *html.Node) bool { return n.Data == "script" })
	if len(scripts) != 2 || htmlAttr(scripts[0], "id") != "report-data" || htmlAttr(scripts[0], "type") != "application/json" ||
		htmlAttr(scripts[1], "nonce") != nonce || htmlAttr(scripts[1], "src") != "" {
		t.Fatalf("want the data island and one script with the CSP nonce: %d scripts", len(scripts))
	}
	if !json.Valid([]byte(htmlText(scripts[0]))) {
		t.Fatal("the data island is not JSON")
	}
	for _, n := range d.find(func(*html.Node) bool { return true }) {
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") {
				t.Fatalf("<%s %s=%q>", n.Data, a.Key, a.Val)
			}
		}
	}
	if bytes.ContainsRune(b, '\u202e') {
		t.Fatal("a raw bidi override in the report")
	}
	return d
}

// TestHTMLReportEndToEnd: `provscan scan --format html` on the sample
// deliverables writes one valid document whose verdict, counts and cards
// agree with the JSON report of the same scan; --report html=FILE writes the
// same kind of document beside another format.
func TestHTMLReportEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	deliv := deliverablesTree(t)
	work := t.TempDir()
	jsonFile := filepath.Join(work, "r.json")
	r := runBinary(t, bin, work, "scan", "--format", "html", "--report", "json="+jsonFile, deliv)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (the sample fails the gate); stderr %q", r.code, r.stderr)
	}
	d := parseHTMLReport(t, []byte(r.stdout))
	jb, err := os.ReadFile(jsonFile)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Tool     struct{ Version string } `json:"tool"`
		Findings []struct {
			Path, Rule, Severity, Sequence string
		} `json:"findings"`
		Gate struct{ Failed bool } `json:"gate"`
	}
	if err := json.Unmarshal(jb, &rep); err != nil || !rep.Gate.Failed || len(rep.Findings) == 0 {
		t.Fatalf("JSON report: %v, %+v", err, rep.Gate)
	}
	if v := d.find(func(n *html.Node) bool { return n.Data == "header" && htmlAttr(n, "id") == "verdict" }); len(v) != 1 || htmlAttr(v[0], "data-gate") != "failed" {
		t.Fatal("no header#verdict with data-gate=failed")
	}
	byRule, bySev := map[string]int{}, map[string]int{}
	paths := map[string]bool{}
	sequences := 0
	for _, f := range rep.Findings {
		byRule[f.Rule]++
		bySev[f.Severity]++
		if f.Sequence != "" {
			sequences++
		} else {
			paths[f.Path] = true
		}
	}
	for kind, m := range map[string]map[string]int{"rule": byRule, "severity": bySev} {
		for name, n := range m {
			el := d.find(func(e *html.Node) bool { return htmlAttr(e, "data-count-"+kind) == name })
			if len(el) != 1 || htmlText(el[0]) != strconv.Itoa(n) {
				t.Errorf("[data-count-%s=%s]: %d elements, want one holding %d", kind, name, len(el), n)
			}
		}
	}
	cards := d.find(func(n *html.Node) bool { return n.Data == "article" && strings.Contains(htmlAttr(n, "class"), "card") })
	groups := map[string]int{}
	for _, c := range cards {
		groups[htmlAttr(c, "data-group")]++
		if htmlAttr(c, "data-group") == "file" && !paths[htmlAttr(c, "data-path")] {
			t.Errorf("card %q is not a finding's path", htmlAttr(c, "data-path"))
		}
	}
	if len(cards) == 0 || groups["file"] == 0 || (sequences > 0) != (groups["sequence"] > 0) {
		t.Errorf("cards by group %v (%d findings on frames of sequences)", groups, sequences)
	}
	for _, id := range []string{"counts", "coverage", "policy", "about", "cards", "filter-rule", "filter-severity", "filter-principle", "search", "sort"} {
		if len(d.find(func(n *html.Node) bool { return htmlAttr(n, "id") == id })) != 1 {
			t.Errorf("no #%s", id)
		}
	}
	if about := d.find(func(n *html.Node) bool { return htmlAttr(n, "id") == "about" }); len(about) == 1 && !strings.Contains(htmlText(about[0]), "v0.0.0-e2e") {
		t.Errorf("footer#about lacks the version: %q", htmlText(about[0]))
	}

	// --report html=FILE, with values that are markup in a file's XMP and name.
	hostile := t.TempDir()
	name := `<img src=x onerror=alert(4)>.png`
	pkt := cutPacket(` xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"`,
		`<xmp:CreatorTool>ComfyUI &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;</xmp:CreatorTool>`+
			`<photoshop:Credit>Made with Google AI &lt;/script&gt;&lt;img src=x onerror=alert(3)&gt; `+"\u202e"+`gnp.exe</photoshop:Credit>`)
	writeFiles(t, hostile, map[string][]byte{name: xmpPNG(pkt), "plate.png": stillPNG()})
	out := filepath.Join(work, "hostile.html")
	if r := runBinary(t, bin, work, "scan", "--report", "html="+out, hostile); r.code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", r.code, r.stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	d = parseHTMLReport(t, b)
	if n := len(d.find(func(n *html.Node) bool { return n.Data == "img" })); n != 0 {
		t.Errorf("%d img elements: a value became markup", n)
	}
	cards = d.find(func(n *html.Node) bool { return n.Data == "article" })
	if len(cards) != 1 || htmlAttr(cards[0], "data-path") != name {
		t.Fatalf("want one card for %q, got %d", name, len(cards))
	}
	s := htmlText(cards[0])
	for _, want := range []string{name, "ComfyUI <script>alert(1)</script><img src=x onerror=alert(2)>", `Made with Google AI </script><img src=x onerror=alert(3)> \u202egnp.exe`} {
		if !strings.Contains(s, want) {
			t.Errorf("the card does not show %q as text:\n%s", want, s)
		}
	}
}
