package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/provscan/provscan/scanner/rules"
)

// hostile values a file may carry: markup, a script that closes the data
// island, an event handler, a bidi override and control characters.
const (
	hostileScript = "<script>alert(1)</script>"
	hostileClose  = "</script><script>alert(2)</script><!--"
	hostileImg    = `<img src=x onerror="alert(3)">`
	hostileBidi   = "evil\u202egnp.exe\u2066x\u2069"
	hostileCtrl   = "a\x1b]0;pwned\x07b\x00c\r\n"
)

// htmlReport is a report with every kind of entry: a plain file with a
// thumbnail, C2PA evidence with two manifests, the frames of a sequence, a
// track file of an IMF package, zip members, an approved finding, a link,
// an unreadable file, errors, unsupported files, the policy and coverage,
// hostile values everywhere a file gives one.
func htmlReport() *Report {
	one, two := 1001, 1002
	sev := rules.High
	seq := "vfx/sh010.####.exr"
	pkg := &PackageRef{AssetMap: "imf/ASSETMAP.xml", ID: "urn:uuid:1", Annotation: hostileImg, Title: "Show", AssetID: "urn:uuid:2"}
	png := []byte("\x89PNG\r\n\x1a\n fake thumbnail bytes")
	r := &Report{
		Schema: SchemaVersion, Tool: Tool{Name: "provscan", Version: "v9.8.7-test"}, Started: "2026-11-29T20:00:00Z",
		Roots: []string{"deliv"}, RootDirs: []string{"/work/deliv"},
		Summary: Summary{Files: 9, Bytes: 9 << 20, BytesRead: 4096, Flagged: 6, DurationMS: 42},
		Findings: []Finding{
			{Path: "imf/video.mxf", Root: "deliv", Rule: rules.GenAIGenerator, Severity: rules.High, Principle: rules.PrincipleTemporary, Generator: "Runway",
				Message: "signature of Runway", Status: StatusOpen, FailsGate: true, Grouping: Grouping{Package: pkg},
				Evidence: []Evidence{{Container: "MXF header metadata", Field: "Identification CompanyName", Value: "Runway AI, Inc."}}},
			{Path: "masters/gen.mp4", Root: "deliv", Rule: rules.GenAISourceType, Severity: rules.High, Principle: rules.PrincipleTemporary, Generator: "Firefly",
				Message: "declared generated", Status: StatusOpen, FailsGate: true,
				Evidence: []Evidence{
					{Container: "MP4 uuid C2PA box", Location: "manifest urn:c2pa:active, action 0 (c2pa.created)", Offset: 40, Field: "digitalSourceType", Value: "trainedAlgorithmicMedia"},
					{Container: "MP4 uuid C2PA box", Location: "manifest urn:c2pa:ingredient" + hostileBidi, Offset: 900, Field: "claim_generator_info.name", Value: hostileClose}}},
			{Path: "masters/gen.mp4", Root: "deliv", Rule: rules.SyntheticPerformance, Severity: rules.Critical, Principle: rules.PrincipleTalent,
				Message: "generated video", Status: StatusOpen, FailsGate: true, Evidence: []Evidence{}},
			{Path: "masters/ok.mov", Root: "deliv", Rule: rules.GenAIGenerator, Severity: rules.Medium, Principle: rules.PrincipleTemporary, OriginalSeverity: &sev,
				Message: "approved", Status: StatusApproved, Approval: &Approval{Reference: "LEGAL-1", ApprovedBy: "Ann", Expires: "2027-01-01", Rule: rules.GenAIGenerator, SHA256: "ab"},
				Evidence: []Evidence{{Container: "MOV udta", Field: "©too", Value: "Sora"}}},
			{Path: "pack.zip", Root: "deliv", Rule: rules.Unreadable, Severity: rules.Info, Message: "could not be read: a member is encrypted", Status: StatusOpen, Evidence: []Evidence{}},
			{Path: "pack.zip!/in/a.png", File: "pack.zip", Root: "deliv", Rule: rules.PromptEmbedded, Severity: rules.Medium, Principle: rules.PrincipleInputs,
				Message: "prompt", Status: StatusOpen, Evidence: []Evidence{{Container: "PNG tEXt", Field: "parameters", Value: hostileScript}}},
			{Path: "pack.zip!/in/b.png", File: "pack.zip", Root: "deliv", Rule: rules.GenAIGenerator, Severity: rules.High, Principle: rules.PrincipleTemporary, Generator: "ComfyUI",
				Message: "signature of ComfyUI", Status: StatusOpen, FailsGate: true, Evidence: []Evidence{{Container: "PNG tEXt", Field: "prompt", Value: hostileCtrl}}},
			{Path: "stills/" + hostileImg + ".png", Root: "deliv", Rule: rules.GenAIGenerator, Severity: rules.High, Principle: rules.PrincipleTemporary, Generator: hostileScript,
				Message: hostileBidi, Status: StatusOpen, FailsGate: true, Evidence: []Evidence{{Container: "PNG iTXt", Offset: 33, Field: hostileImg, Value: hostileCtrl + hostileBidi}}},
			{Path: "stills/link.png", Root: "deliv", Rule: rules.SymlinkUnchecked, Severity: rules.High, Principle: rules.PrincipleTemporary,
				Message: "link outside", Status: StatusOpen, FailsGate: true, LinkTarget: "/etc/" + hostileScript, Evidence: []Evidence{}},
			{Path: "stills/thumb.jpg", Root: "deliv", Rule: rules.GenAIGenerator, Severity: rules.High, Principle: rules.PrincipleTemporary, Generator: "Midjourney",
				Message: "signature of Midjourney", Status: StatusExpired, FailsGate: true, Note: "approval expired",
				Evidence: []Evidence{{Container: "JPEG APP1 XMP", Field: "xmp:CreatorTool", Value: "Midjourney"}}},
			{Path: "stills/torn.png", Root: "deliv", Rule: rules.Unreadable, Severity: rules.Info, Message: "could not be read: truncated", Status: StatusOpen, FailsGate: true, Evidence: []Evidence{}},
			{Path: "vfx/sh010.1001.exr", Root: "deliv", Rule: rules.GenAIGenerator, Severity: rules.High, Principle: rules.PrincipleTemporary, Generator: "ComfyUI",
				Message: "signature of ComfyUI", Status: StatusOpen, FailsGate: true, Grouping: Grouping{Sequence: seq, Frame: &one},
				Evidence: []Evidence{{Container: "OpenEXR header", Field: "software", Value: "ComfyUI 0.3"}}},
			{Path: "vfx/sh010.1002.exr", Root: "deliv", Rule: rules.GenAIGenerator, Severity: rules.High, Principle: rules.PrincipleTemporary, Generator: "ComfyUI",
				Message: "signature of ComfyUI", Status: StatusOpen, FailsGate: true, Grouping: Grouping{Sequence: seq, Frame: &two},
				Evidence: []Evidence{{Container: "OpenEXR header", Field: "software", Value: "ComfyUI 0.3"}}},
		},
		Errors:      []Error{{Path: "locked/" + hostileScript, Root: "deliv", Error: "permission denied " + hostileCtrl}},
		Unsupported: []UnsupportedFile{{Path: "notes/" + hostileImg + ".txt", Root: "deliv", Size: 12, Head: "3c736372697074", LooksLike: "text"}},
		Links:       []Link{{Path: "stills/link.png", Root: "deliv", Target: "/etc/" + hostileScript, Outcome: LinkOutside}},
		Policy: &Policy{Files: []PolicyFile{{Kind: "policy", Path: "deliv/.provscan.yaml", Source: "root", SHA256: "0123abcd"},
			{Kind: "approvals", Path: "legal/approvals.yaml", Source: "flag", SHA256: "4567ef"}},
			TreePolicy: true, Excluded: []Excluded{{Path: "tmp/", Root: "deliv", By: "--exclude tmp/"}}},
		Gate: &Gate{FailOn: "high", Strict: true, Unsupported: UnsupportedReport, Failed: true, Failing: 9, NotInspected: 2, Approved: 1,
			Reasons: []string{"9 findings failing the gate", "1 file not read: " + hostileScript}},
		Sequences: []Sequence{{Path: seq, Root: "deliv", Folder: "vfx", Pattern: "sh010.####.exr", Padding: 4, First: 1001, Last: 1002, Count: 2,
			Findings: []SequenceFindings{{Rule: rules.GenAIGenerator, Count: 2, Frames: []FrameRange{{First: 1001, Last: 1002}}}}}},
		Packages: []Package{{AssetMap: "imf/ASSETMAP.xml", Root: "deliv", ID: "urn:uuid:1", Annotation: hostileImg, Titles: []string{"Show"}, Assets: 2, Present: 2}},
		Coverage: &Coverage{Files: 9, Bytes: 9 << 20, Inspected: Count{Files: 7, Bytes: 8 << 20},
			ByMedia:  []FormatCount{{Name: "image", Files: 6, Inspected: 5}, {Name: "video", Files: 3, Inspected: 3}},
			ByFormat: []FormatCount{{Name: "PNG", Media: "image", Files: 4, Inspected: 3}},
			NotRead:  NotRead{Unsupported: Count{Files: 1, Bytes: 12}, Unreadable: Count{Files: 1, Bytes: 9}, Errors: 1, Excluded: 1}},
		Thumbnails: map[string]Thumbnail{"stills/thumb.jpg": {MIME: "image/png", Data: png, Source: "EXIF thumbnail"},
			"stills/torn.png": {MIME: "text/html", Data: []byte("<script>"), Source: "bad"}},
	}
	return r
}

// htmlPage is a parsed report.
type htmlPage struct {
	raw  string
	root *html.Node
}

func parseHTML(t testing.TB, b []byte) *htmlPage {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the report does not parse: %v", err)
	}
	return &htmlPage{raw: string(b), root: doc}
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func hasClass(n *html.Node, class string) bool {
	c, _ := attr(n, "class")
	for _, f := range strings.Fields(c) {
		if f == class {
			return true
		}
	}
	return false
}

// all returns the elements under n (n included) for which ok holds, in order.
func all(n *html.Node, ok func(*html.Node) bool) []*html.Node {
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
	walk(n)
	return out
}

func tag(name string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == name }
}

func byID(n *html.Node, id string) *html.Node {
	ns := all(n, func(n *html.Node) bool { v, _ := attr(n, "id"); return v == id })
	if len(ns) != 1 {
		return nil
	}
	return ns[0]
}

func text(n *html.Node) string {
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

var cspNonce = regexp.MustCompile(`^default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'nonce-([A-Za-z0-9_-]{16,})'$`)

// checkSafe asserts what every report must hold, whatever it holds: it
// parses; one CSP; one script that runs, carrying the CSP's nonce; a data
// island that parses as JSON; no event handler attribute, no remote load,
// no raw control or bidi character. It returns the island's cards.
func checkSafe(t testing.TB, p *htmlPage) []map[string]any {
	t.Helper()
	var nonce string
	for _, m := range all(p.root, tag("meta")) {
		if v, _ := attr(m, "http-equiv"); strings.EqualFold(v, "Content-Security-Policy") {
			c, _ := attr(m, "content")
			sm := cspNonce.FindStringSubmatch(c)
			if sm == nil || nonce != "" {
				t.Fatalf("CSP %q", c)
			}
			nonce = sm[1]
		}
	}
	if nonce == "" {
		t.Fatal("no Content-Security-Policy")
	}
	var island *html.Node
	runs := 0
	for _, s := range all(p.root, tag("script")) {
		if _, ok := attr(s, "src"); ok {
			t.Fatal("a script with src")
		}
		if typ, _ := attr(s, "type"); typ == "application/json" {
			if id, _ := attr(s, "id"); id != "report-data" || island != nil {
				t.Fatalf("a data script other than #report-data: %q", id)
			}
			island = s
			continue
		}
		runs++
		if n, _ := attr(s, "nonce"); n != nonce {
			t.Fatalf("script nonce %q, CSP nonce %q", n, nonce)
		}
	}
	if runs != 1 || island == nil {
		t.Fatalf("%d scripts that run, island %v: want one and one", runs, island != nil)
	}
	for _, n := range all(p.root, func(*html.Node) bool { return true }) {
		for _, a := range n.Attr {
			if strings.HasPrefix(strings.ToLower(a.Key), "on") {
				t.Fatalf("<%s> has an event handler %s=%q", n.Data, a.Key, a.Val)
			}
			if (a.Key == "src" || a.Key == "href" && n.Data == "link") && !strings.HasPrefix(a.Val, "data:image/") {
				t.Fatalf("<%s %s=%q> loads something", n.Data, a.Key, a.Val)
			}
		}
		if n.Data == "link" || n.Data == "iframe" || n.Data == "object" || n.Data == "embed" || n.Data == "base" {
			t.Fatalf("a <%s> element", n.Data)
		}
	}
	for _, c := range p.raw {
		if c < 0x20 && c != '\n' || c == 0x7f || c >= 0x80 && c < 0xa0 || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069 {
			t.Fatalf("raw character %U in the report", c)
		}
	}
	var data struct {
		Cards []map[string]any `json:"cards"`
	}
	if err := json.Unmarshal([]byte(text(island)), &data); err != nil {
		t.Fatalf("the data island is not JSON: %v", err)
	}
	return data.Cards
}

func writeHTML(t testing.TB, r *Report) *htmlPage {
	t.Helper()
	var b bytes.Buffer
	if err := WriteHTML(&b, r); err != nil {
		t.Fatal(err)
	}
	return parseHTML(t, b.Bytes())
}

func TestHTMLContract(t *testing.T) {
	r := htmlReport()
	p := writeHTML(t, r)
	island := checkSafe(t, p)
	if h := all(p.root, tag("html")); len(h) != 1 || func() string { v, _ := attr(h[0], "lang"); return v }() != "en" {
		t.Error(`no <html lang="en">`)
	}
	if !strings.HasPrefix(p.raw, "<!DOCTYPE html>\n") || !strings.Contains(p.raw, `<meta charset="utf-8">`) {
		t.Error("no doctype or charset")
	}
	v := byID(p.root, "verdict")
	if v == nil || v.Data != "header" {
		t.Fatal("no header#verdict")
	}
	if g, _ := attr(v, "data-gate"); g != "failed" {
		t.Errorf("data-gate = %q", g)
	}
	if !strings.Contains(text(v), "9 findings failing the gate") || !strings.Contains(text(v), "1 file not read: "+hostileScript) {
		t.Errorf("verdict lacks the reasons: %s", text(v))
	}
	counts := byID(p.root, "counts")
	if counts == nil || counts.Data != "section" {
		t.Fatal("no section#counts")
	}
	want := map[string]map[string]int{"rule": {}, "severity": {}, "principle": {}}
	for _, f := range r.Findings {
		want["rule"][f.Rule]++
		want["severity"][f.Severity.String()]++
		if f.Principle != "" {
			want["principle"][f.Principle]++
		}
	}
	want["rule"][rules.GenAIIngredient] = 0
	want["principle"][rules.PrincipleNoTraining] = 0
	for kind, m := range want {
		for name, n := range m {
			el := all(counts, func(e *html.Node) bool { v, ok := attr(e, "data-count-"+kind); return ok && v == name })
			if len(el) != 1 {
				t.Errorf("[data-count-%s=%q]: %d elements", kind, name, len(el))
				continue
			}
			if got, err := strconv.Atoi(text(el[0])); err != nil || got != n {
				t.Errorf("[data-count-%s=%q] = %q, want %d", kind, name, text(el[0]), n)
			}
		}
	}
	for _, id := range []string{"coverage", "policy"} {
		if s := byID(p.root, id); s == nil || s.Data != "section" {
			t.Errorf("no section#%s", id)
		}
	}
	if s := text(byID(p.root, "policy")); !strings.Contains(s, "legal/approvals.yaml") || !strings.Contains(s, "4567ef") || !strings.Contains(s, "--exclude tmp/") {
		t.Errorf("policy section: %s", s)
	}
	if s := text(byID(p.root, "coverage")); !strings.Contains(s, "Inspected: 7 of 9 files") || !strings.Contains(s, "1 unsupported") {
		t.Errorf("coverage section: %s", s)
	}
	if s := text(byID(p.root, "not-inspected")); !strings.Contains(s, "permission denied") || !strings.Contains(s, "notes/"+hostileImg+".txt") || !strings.Contains(s, "/etc/"+hostileScript) {
		t.Errorf("what was not inspected: %s", s)
	}
	if f := byID(p.root, "about"); f == nil || f.Data != "footer" || !strings.Contains(text(f), "v9.8.7-test") || !strings.Contains(text(f), "2026-11-29T20:00:00Z") {
		t.Error("footer#about lacks the version or the scan time")
	}
	for id, values := range map[string][]string{
		"filter-rule":      {"", rules.GenAISourceType, rules.GenAIGenerator, rules.SyntheticPerformance, rules.PromptEmbedded, rules.SymlinkUnchecked, rules.Unreadable},
		"filter-severity":  {"", "critical", "high", "medium", "info"},
		"filter-principle": {"", "temporary", "talent", "inputs"},
		"sort":             {"severity", "path", "rule"},
	} {
		s := byID(p.root, id)
		if s == nil || s.Data != "select" {
			t.Errorf("no select#%s", id)
			continue
		}
		var got []string
		for _, o := range all(s, tag("option")) {
			v, _ := attr(o, "value")
			got = append(got, v)
		}
		if fmt.Sprint(got) != fmt.Sprint(values) {
			t.Errorf("select#%s options %q, want %q", id, got, values)
		}
	}
	if s := byID(p.root, "search"); s == nil || s.Data != "input" {
		t.Error("no input#search")
	}

	main := byID(p.root, "cards")
	if main == nil || main.Data != "main" {
		t.Fatal("no main#cards")
	}
	cards := all(main, func(n *html.Node) bool { return n.Data == "article" && hasClass(n, "card") })
	type cardWant struct{ group, rules, severity, principles string }
	wantCards := map[string]cardWant{
		"imf/ASSETMAP.xml":              {"package", "genai-generator", "high", "temporary"},
		"masters/gen.mp4":               {"file", "genai-source-type synthetic-performance", "critical", "temporary talent"},
		"masters/ok.mov":                {"file", "genai-generator", "medium", "temporary"},
		"pack.zip":                      {"archive", "unreadable prompt-embedded genai-generator", "high", "inputs temporary"},
		"stills/" + hostileImg + ".png": {"file", "genai-generator", "high", "temporary"},
		"stills/link.png":               {"file", "symlink-unchecked", "high", "temporary"},
		"stills/thumb.jpg":              {"file", "genai-generator", "high", "temporary"},
		"stills/torn.png":               {"file", "unreadable", "info", ""},
		"vfx/sh010.####.exr":            {"sequence", "genai-generator", "high", "temporary"},
	}
	if len(cards) != len(wantCards) || len(island) != len(wantCards) {
		t.Fatalf("%d cards, %d in the island, want %d", len(cards), len(island), len(wantCards))
	}
	byPath := map[string]*html.Node{}
	for i, c := range cards {
		path, _ := attr(c, "data-path")
		byPath[path] = c
		w, ok := wantCards[path]
		if !ok {
			t.Errorf("card %q", path)
			continue
		}
		got := cardWant{}
		got.group, _ = attr(c, "data-group")
		got.rules, _ = attr(c, "data-rules")
		got.severity, _ = attr(c, "data-severity")
		got.principles, _ = attr(c, "data-principles")
		if got != w {
			t.Errorf("card %q: %+v, want %+v", path, got, w)
		}
		if ti, _ := attr(c, "tabindex"); ti != "0" {
			t.Errorf("card %q is not focusable", path)
		}
		if h := all(c, tag("h2")); len(h) != 1 || text(h[0]) != path {
			t.Errorf("card %q: h2 %v", path, h)
		}
		if island[i]["p"] != path || island[i]["g"] != w.group {
			t.Errorf("island card %d: %v %v, markup %q", i, island[i]["p"], island[i]["g"], path)
		}
		for _, class := range []string{"rule", "severity", "evidence", "approval", "approve"} {
			if len(all(c, func(n *html.Node) bool { return hasClass(n, class) })) == 0 {
				t.Errorf("card %q has no .%s", path, class)
			}
		}
		code := all(c, func(n *html.Node) bool { return n.Data == "code" && hasClass(n, "approve") })
		if len(code) != 1 {
			t.Errorf("card %q: %d code.approve", path, len(code))
			continue
		}
		cmd := text(code[0])
		switch path {
		case "stills/link.png", "stills/torn.png", "masters/ok.mov":
			if !strings.HasPrefix(cmd, "# nothing to approve") {
				t.Errorf("card %q: approve %q", path, cmd)
			}
		default:
			if !strings.HasPrefix(cmd, "provscan approve --reference REF --by NAME --approvals legal/approvals.yaml -- ") {
				t.Errorf("card %q: approve %q", path, cmd)
			}
		}
		thumb := all(c, func(n *html.Node) bool { return n.Data == "img" && hasClass(n, "thumb") })
		icon := all(c, func(n *html.Node) bool { return n.Data == "span" && hasClass(n, "icon") })
		if path == "stills/thumb.jpg" {
			src, _ := attr(thumb[0], "src")
			alt, _ := attr(thumb[0], "alt")
			if len(thumb) != 1 || len(icon) != 0 || !strings.HasPrefix(src, "data:image/png;base64,iVBORw0KGgo") || !strings.Contains(alt, "stills/thumb.jpg") {
				t.Errorf("card %q: thumb %v %q %q", path, thumb, src, alt)
			}
		} else if label, _ := func() (string, bool) {
			if len(icon) != 1 {
				return "", false
			}
			return attr(icon[0], "aria-label")
		}(); len(thumb) != 0 || label == "" {
			t.Errorf("card %q: %d thumbs, icon label %q", path, len(thumb), label)
		}
	}
	if s := text(byPath["pack.zip"]); !strings.Contains(s, "pack.zip!/in/a.png") || !strings.Contains(s, "pack.zip!/in/b.png") || !strings.Contains(s, hostileScript) || !strings.Contains(s, "a member is encrypted") {
		t.Errorf("archive card: %s", s)
	}
	if s := text(byPath["vfx/sh010.####.exr"]); !strings.Contains(s, "vfx/sh010.1001.exr") || !strings.Contains(s, "vfx/sh010.1002.exr") || !strings.Contains(s, "2 frames") {
		t.Errorf("sequence card: %s", s)
	}
	if s := text(byPath["masters/ok.mov"]); !strings.Contains(s, "approved: severity changed by the policy from high; approval LEGAL-1 by Ann, expires 2027-01-01") {
		t.Errorf("approved card: %s", s)
	}
	if s := text(byPath["stills/thumb.jpg"]); !strings.Contains(s, "expired: fails the gate; approval expired") {
		t.Errorf("expired card: %s", s)
	}
	chain := all(byPath["masters/gen.mp4"], func(n *html.Node) bool { return n.Data == "ul" && hasClass(n, "chain") })
	if len(chain) != 1 || len(all(chain[0], tag("ul"))) != 3 {
		t.Fatalf("C2PA chain: %d lists", len(chain))
	}
	if s := text(chain[0]); !strings.Contains(s, "manifest urn:c2pa:active") || !strings.Contains(s, `urn:c2pa:ingredientevil\u202egnp.exe\u2066x\u2069`) ||
		!strings.Contains(s, "action 0 (c2pa.created): digitalSourceType = trainedAlgorithmicMedia") || !strings.Contains(s, hostileClose) {
		t.Errorf("C2PA chain: %s", s)
	}

	// The hostile values are text: present in text nodes, never elements.
	hostile := byPath["stills/"+hostileImg+".png"]
	if s := text(hostile); !strings.Contains(s, hostileScript) || !strings.Contains(s, `evil\u202egnp.exe\u2066x\u2069`) || !strings.Contains(s, `a\u001b]0;pwned\u0007b\u0000c\u000d\n`) {
		t.Errorf("hostile card: %s", s)
	}
	if n := len(all(p.root, tag("img"))); n != 1 {
		t.Errorf("%d img elements, want the one thumbnail", n)
	}
	if strings.Contains(p.raw, hostileClose) || strings.Contains(p.raw, hostileScript) || strings.Contains(p.raw, "<img src=x") {
		t.Error("a hostile value is in the markup unescaped")
	}
}

// TestHTMLNonce: each report draws its own nonce.
func TestHTMLNonce(t *testing.T) {
	nonce := regexp.MustCompile(`nonce-([A-Za-z0-9_-]+)`)
	var a, b bytes.Buffer
	WriteHTML(&a, sample())
	WriteHTML(&b, sample())
	na, nb := nonce.FindStringSubmatch(a.String()), nonce.FindStringSubmatch(b.String())
	if na == nil || nb == nil || na[1] == nb[1] {
		t.Errorf("nonces %v and %v", na, nb)
	}
}

// TestHTMLVerdicts: passed, failed and incomplete, and no gate at all (not
// a pass).
func TestHTMLVerdicts(t *testing.T) {
	for _, c := range []struct {
		r    *Report
		want string
	}{
		{&Report{Gate: &Gate{}}, "passed"},
		{&Report{Gate: &Gate{Failed: true}}, "failed"},
		{&Report{Gate: &Gate{Failed: true}, Incomplete: true}, "incomplete"},
		{&Report{}, "incomplete"},
	} {
		p := writeHTML(t, c.r)
		checkSafe(t, p)
		if g, _ := attr(byID(p.root, "verdict"), "data-gate"); g != c.want {
			t.Errorf("data-gate %q, want %q", g, c.want)
		}
		if s := text(byID(p.root, "cards")); !strings.Contains(s, "No findings.") {
			t.Errorf("no findings: %q", s)
		}
	}
}

// TestHTMLLargeGroupsAndPages: a sequence of many frames lists a bounded
// number of findings; the markup holds the first page of cards, the island
// all of them.
func TestHTMLLargeGroupsAndPages(t *testing.T) {
	r := &Report{Gate: &Gate{Failed: true}}
	for i := range 300 {
		fr := i
		r.Findings = append(r.Findings, Finding{Path: fmt.Sprintf("seq/f.%04d.exr", i), Rule: rules.GenAIGenerator, Severity: rules.High,
			Status: StatusOpen, Grouping: Grouping{Sequence: "seq/f.####.exr", Frame: &fr}})
	}
	for i := range 120 {
		r.Findings = append(r.Findings, Finding{Path: fmt.Sprintf("stills/%03d.png", i), Rule: rules.PromptEmbedded, Severity: rules.Medium, Status: StatusOpen})
	}
	p := writeHTML(t, r)
	cards := checkSafe(t, p)
	if len(cards) != 121 {
		t.Fatalf("%d cards in the island", len(cards))
	}
	if f, _ := cards[0]["f"].([]any); len(f) != htmlCardFinds || cards[0]["more"] != float64(300-htmlCardFinds) || cards[0]["n"] != float64(300) {
		t.Errorf("sequence card: %d findings, more %v, files %v", len(f), cards[0]["more"], cards[0]["n"])
	}
	if n := len(all(byID(p.root, "cards"), tag("article"))); n != htmlFirstPage {
		t.Errorf("%d cards in the markup, want %d", n, htmlFirstPage)
	}
	if !strings.Contains(text(byID(p.root, "cards")), "71 more finding groups") {
		t.Error("the markup does not say how many groups the script lists")
	}
}

// BenchmarkHTML100k writes a report of 100,000 findings on 100,000 files,
// and the JSON report of the same findings as the baseline: ns/op and the
// report's size (bytes/report).
func BenchmarkHTML100k(b *testing.B) {
	r := &Report{Schema: SchemaVersion, Tool: Tool{Name: "provscan", Version: "bench"}, Roots: []string{"deliv"}, Gate: &Gate{Failed: true, FailOn: "high"}}
	ids := []string{rules.GenAIGenerator, rules.GenAISourceType, rules.PromptEmbedded, rules.SyntheticPerformance}
	for i := range 100000 {
		id := ids[i%len(ids)]
		rule := rules.Lookup(id)
		r.Findings = append(r.Findings, Finding{Path: fmt.Sprintf("shots/sq%03d/sh%04d/plate_%06d.png", i/10000, i/100, i), Root: "deliv",
			Rule: id, Severity: rule.Severity, Principle: rule.Principle, Generator: "ComfyUI", Message: "signature of ComfyUI (prompt)",
			Status: StatusOpen, FailsGate: true, Evidence: []Evidence{{Container: "PNG tEXt", Offset: 33, Field: "prompt", Value: `{"3": {"class_type": "KSampler", "inputs": {"seed": 42}}}`}}})
	}
	// The JSON report of the same findings is the baseline, measured in the
	// same run.
	for _, w := range []struct {
		name  string
		write func(io.Writer, *Report) error
	}{{"html", WriteHTML}, {"json", WriteJSON}} {
		b.Run(w.name, func(b *testing.B) {
			var size int64
			b.ReportAllocs()
			for b.Loop() {
				var c countWriter
				if err := w.write(&c, r); err != nil {
					b.Fatal(err)
				}
				size = int64(c)
			}
			b.ReportMetric(float64(size), "bytes/report")
		})
	}
}

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

// TestHTMLChainTree: the C2PA manifests of a card are a tree: the active
// manifest first, the ingredient's under it in a list of ingredients, with
// the actions through which the active manifest reaches it.
func TestHTMLChainTree(t *testing.T) {
	r := &Report{Gate: &Gate{Failed: true}, Findings: []Finding{{
		Path: "keyart/hero.jpg", Rule: "genai-source-type", Severity: rules.High, Principle: "temporary", Status: StatusOpen,
		Evidence: []Evidence{
			{Container: "JPEG APP11", Location: "manifest urn:c2pa:ingr, action 0 (c2pa.created)", Field: "digitalSourceType",
				Value: "trainedAlgorithmicMedia", Ingredient: true, Via: "c2pa.opened, c2pa.transcoded"},
			{Container: "JPEG APP11", Location: "manifest urn:c2pa:active", Field: "claim_generator_info.name", Value: "Google C2PA Core Generator Library"},
		},
	}}}
	p := writeHTML(t, r)
	checkSafe(t, p)
	chains := all(p.root, func(n *html.Node) bool { return hasClass(n, "chain") })
	if len(chains) == 0 {
		t.Fatal("no chain")
	}
	c := chains[0]
	ingr := all(c, func(n *html.Node) bool { return hasClass(n, "ingredients") })
	if len(ingr) != 1 || !strings.Contains(text(ingr[0]), "urn:c2pa:ingr") || !strings.Contains(text(ingr[0]), "reached through c2pa.opened, c2pa.transcoded") {
		t.Errorf("ingredients: %q", text(c))
	}
	if s := text(c); strings.Index(s, "urn:c2pa:active") > strings.Index(s, "urn:c2pa:ingr") {
		t.Errorf("active manifest not first: %q", s)
	}
}
