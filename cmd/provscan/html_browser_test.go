package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/provscan/provscan/scanner/report"
)

// Browser tests of the HTML report (issue 15): the report is opened in
// headless Chromium and checked through the page itself, against the DOM
// contract only (ids, classes, data attributes, provscanVisible). They skip
// when Chromium is absent and CI is unset; under CI a missing Chromium fails
// them (.ci/run installs it).

// chromiumPath returns the browser to drive, or skips (fails under CI).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set and no Chromium was found: the browser tests of the HTML report cannot be skipped in CI (.ci/run installs Debian's chromium)")
	}
	t.Skip("no Chromium (apt-get install chromium); the browser tests run in CI")
	return ""
}

// requireHTMLWriter skips (fails under CI) while no "html" report format is
// registered: the writer is built on another branch (issue 15).
func requireHTMLWriter(t *testing.T) {
	t.Helper()
	if slices.Contains(report.Formats(), "html") {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatal(`CI is set and no "html" report format is registered`)
	}
	t.Skip(`no "html" report format registered yet (issue 15); TestHTMLContractFixture checks these assertions meanwhile`)
}

// violationsJS runs before any script of the page (it is injected through
// the DevTools protocol, so the page's CSP does not apply to it) and records
// every CSP violation the page causes.
const violationsJS = `window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
	window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber + " " + e.sample);
});`

// browserPage is one report opened in a headless browser.
type browserPage struct {
	ctx context.Context
	mu  sync.Mutex
	log []chromedp.ConsoleMessage
}

// openReport opens file in a new headless browser and waits for the report's
// script to have run (window.provscanVisible defined).
func openReport(t *testing.T, file string) *browserPage {
	t.Helper()
	return openReportWith(t, file, true)
}

// openReportWith opens file in a new headless browser, with scripts off
// unless scripts (then it waits for the report's script to have run).
func openReportWith(t *testing.T, file string, scripts bool) *browserPage {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox, // root in containers
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 1000),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	p := &browserPage{ctx: ctx}
	// Start the browser and the tab (no timeout on this first call).
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, log.Enable, struct{}{})
		return err
	})); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			p.mu.Lock()
			p.log = append(p.log, m)
			p.mu.Unlock()
		}
	}()
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	err = chromedp.Do(tctx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			if !scripts {
				_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
				return err
			}
			_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: violationsJS})
			return err
		}),
		chromedp.Navigate("file://"+filepath.ToSlash(abs)),
	)
	if err != nil {
		t.Fatalf("open %s: %v", abs, err)
	}
	if !scripts {
		return p
	}
	if _, err := chromedp.Run(tctx, chromedp.Poll[bool](`typeof window.provscanVisible === "function"`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("window.provscanVisible never became a function (the report's script did not run): %v; console: %v", err, p.console())
	}
	return p
}

// console returns the console messages and browser log entries so far.
func (p *browserPage) console() []chromedp.ConsoleMessage {
	time.Sleep(200 * time.Millisecond) // let the last events arrive
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.log)
}

// eval evaluates expr in the page and decodes its value into T.
func evalIn[T any](t *testing.T, p *browserPage, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// do runs browser actions on the page.
func (p *browserPage) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// htmlJSONReport is the part of the JSON report the browser tests compare with.
type htmlJSONReport struct {
	Summary struct {
		ByRule     map[string]int `json:"by_rule"`
		BySeverity map[string]int `json:"by_severity"`
	} `json:"summary"`
	Findings []struct {
		Path        string          `json:"path"`
		Rule        string          `json:"rule"`
		Severity    string          `json:"severity"`
		Principle   string          `json:"principle"`
		Generator   string          `json:"generator"`
		Status      string          `json:"status"`
		Fingerprint string          `json:"fingerprint"`
		Evidence    json.RawMessage `json:"evidence"`
		Sequence    string          `json:"sequence"`
		Package     *struct {
			AssetMap string `json:"assetmap"`
		} `json:"package"`
	} `json:"findings"`
	Gate struct {
		Failed  bool     `json:"failed"`
		Reasons []string `json:"reasons"`
	} `json:"gate"`
}

// group is one expected card: the findings of one file, sequence, IMF
// package or archive.
type group struct {
	Path       string   `json:"path"`
	Kind       string   `json:"group"`
	Rules      []string `json:"rules"`
	Severities []string `json:"severities"` // every severity of its findings
	Principles []string `json:"principles"`
	Findings   []int    `json:"-"`
}

var severityRank = map[string]int{"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}

// highest is the highest severity of g.
func (g group) highest() string {
	h := ""
	for _, s := range g.Severities {
		if h == "" || severityRank[s] > severityRank[h] {
			h = s
		}
	}
	return h
}

// groups groups the findings as the contract says the cards do: a sequence's
// frames, an IMF package's assets, an archive's members (path "a.zip!/m")
// make one card each; other files one card each.
func (r *htmlJSONReport) groups() []group {
	var out []group
	index := map[string]int{}
	for i, f := range r.Findings {
		key, kind := f.Path, "file"
		switch {
		case f.Sequence != "":
			key, kind = f.Sequence, "sequence"
		case f.Package != nil && f.Package.AssetMap != "":
			key, kind = f.Package.AssetMap, "package"
		case strings.Contains(f.Path, "!/"):
			key, kind = f.Path[:strings.Index(f.Path, "!/")], "archive"
		}
		j, ok := index[kind+"\x00"+key]
		if !ok {
			j = len(out)
			index[kind+"\x00"+key] = j
			out = append(out, group{Path: key, Kind: kind})
		}
		g := &out[j]
		add := func(list *[]string, v string) {
			if v != "" && !slices.Contains(*list, v) {
				*list = append(*list, v)
			}
		}
		add(&g.Rules, f.Rule)
		add(&g.Severities, f.Severity)
		add(&g.Principles, f.Principle)
		g.Findings = append(g.Findings, i)
	}
	return out
}

// count returns how many groups keep.
func count(gs []group, keep func(group) bool) int {
	n := 0
	for _, g := range gs {
		if keep(g) {
			n++
		}
	}
	return n
}

// scanReports runs the binary on root: the HTML report to a file and the JSON
// report of a second run on standard output.
func scanReports(t *testing.T, bin, root string) (htmlFile string, rep *htmlJSONReport) {
	t.Helper()
	work := t.TempDir()
	htmlFile = filepath.Join(work, "report.html")
	r := runBinary(t, bin, work, "scan", "--quiet", "--report", "html="+htmlFile, root)
	if r.code != 1 {
		t.Fatalf("scan --report html: exit %d, want 1 (findings)\n%s", r.code, r.stderr)
	}
	r = runBinary(t, bin, work, "scan", "--quiet", "--format", "json", root)
	if r.code != 1 {
		t.Fatalf("scan --format json: exit %d\n%s", r.code, r.stderr)
	}
	rep = new(htmlJSONReport)
	if err := json.Unmarshal([]byte(r.stdout), rep); err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	return htmlFile, rep
}

// pageFacts is what the contract says the page shows, read from the DOM.
type pageFacts struct {
	Lang, Charset, CSP, Gate string
	Scripts                  []struct{ Type, ID, Nonce, Src string }
	External                 []string
	Rules, Severities        map[string]string
	Principles               map[string]string
	Sections                 []bool
	Controls                 map[string]bool
	Cards                    int
	Visible                  int
	Verdict                  string
}

const factsJS = `(() => {
	const q = s => Array.from(document.querySelectorAll(s));
	const counts = (attr) => Object.fromEntries(q("#counts [" + attr + "]").map(e => [e.getAttribute(attr), e.textContent.trim()]));
	const v = document.querySelector("header#verdict");
	const csp = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
	return {
		Lang: document.documentElement.lang,
		Charset: document.characterSet,
		CSP: csp ? csp.content : "",
		Gate: v ? (v.getAttribute("data-gate") || "") : "",
		Verdict: v ? v.textContent : "",
		Scripts: q("script").map(s => ({Type: s.type, ID: s.id, Nonce: s.nonce, Src: s.getAttribute("src") || ""})),
		External: q("[src],[href],link,iframe,object,embed,base").map(e => e.getAttribute("src") || e.getAttribute("href") || e.tagName).filter(u => !/^(data:|#)/.test(u)),
		Rules: counts("data-count-rule"),
		Severities: counts("data-count-severity"),
		Principles: counts("data-count-principle"),
		Sections: ["section#counts", "section#coverage", "section#policy", "footer#about", "main#cards"].map(s => !!document.querySelector(s)),
		Controls: Object.fromEntries(["select#filter-rule", "select#filter-severity", "select#filter-principle", "input#search", "select#sort"].map(s => [s, !!document.querySelector(s)])),
		Cards: q("main#cards article.card").length,
		Visible: window.provscanVisible(),
	};
})()`

// checkCounts compares the page's counts with want (every key of want must
// be on the page with its count; the page may add names only with 0).
func checkCounts(t *testing.T, what string, page map[string]string, want map[string]int) {
	t.Helper()
	for name, n := range want {
		s, ok := page[name]
		if !ok {
			t.Errorf("#counts has no element for %s %q (want %d)", what, name, n)
			continue
		}
		if got, err := strconv.Atoi(s); err != nil || got != n {
			t.Errorf("#counts %s %q = %q, want %d", what, name, s, n)
		}
	}
	for name, s := range page {
		if _, ok := want[name]; !ok && s != "0" {
			t.Errorf("#counts %s %q = %q, not in the JSON report", what, name, s)
		}
	}
}

// checkContract checks the static parts of the contract and the counts.
func checkContract(t *testing.T, p *browserPage, rep *htmlJSONReport, gs []group) {
	t.Helper()
	f := evalIn[pageFacts](t, p, factsJS)
	if f.Lang != "en" || f.Charset != "UTF-8" {
		t.Errorf(`lang %q, charset %q; want "en", UTF-8`, f.Lang, f.Charset)
	}
	for _, d := range []string{"default-src 'none'", "img-src data:", "style-src 'unsafe-inline'", "script-src 'nonce-"} {
		if !strings.Contains(f.CSP, d) {
			t.Errorf("CSP %q lacks %q", f.CSP, d)
		}
	}
	var code, data int
	for _, s := range f.Scripts {
		switch {
		case s.Type == "application/json" && s.ID == "report-data":
			data++
		case s.Src == "" && s.Nonce != "" && strings.Contains(f.CSP, "'nonce-"+s.Nonce+"'"):
			code++
		default:
			t.Errorf("a script the contract does not allow: %+v", s)
		}
	}
	if code != 1 || data != 1 {
		t.Errorf("%d nonced scripts and %d data islands; want one of each", code, data)
	}
	if len(f.External) != 0 {
		t.Errorf("references outside the document: %q", f.External)
	}
	want := "passed"
	if rep.Gate.Failed {
		want = "failed"
	}
	if f.Gate != want {
		t.Errorf("header#verdict data-gate = %q, want %q", f.Gate, want)
	}
	for _, reason := range rep.Gate.Reasons {
		if !strings.Contains(f.Verdict, reason) {
			t.Errorf("header#verdict does not give the reason %q: %q", reason, f.Verdict)
		}
	}
	for i, ok := range f.Sections {
		if !ok {
			t.Errorf("missing %s", []string{"section#counts", "section#coverage", "section#policy", "footer#about", "main#cards"}[i])
		}
	}
	for sel, ok := range f.Controls {
		if !ok {
			t.Errorf("missing control %s", sel)
		}
	}
	checkCounts(t, "rule", f.Rules, rep.Summary.ByRule)
	checkCounts(t, "severity", f.Severities, rep.Summary.BySeverity)
	byPrinciple := map[string]int{}
	for _, x := range rep.Findings {
		if x.Principle != "" {
			byPrinciple[x.Principle]++
		}
	}
	checkCounts(t, "principle", f.Principles, byPrinciple)
	if f.Cards == 0 {
		t.Error("no article.card in main#cards")
	}
	if f.Visible != len(gs) {
		t.Errorf("provscanVisible() = %d with no filter, want %d cards (one per file, sequence, package or archive)", f.Visible, len(gs))
	}
	// Every rendered card carries the contract's attributes and parts.
	bad := evalIn[[]string](t, p, `Array.from(document.querySelectorAll("main#cards article.card")).flatMap(c => {
		const miss = [];
		for (const a of ["data-path", "data-rules", "data-severity", "data-principles", "data-group"]) if (!c.hasAttribute(a)) miss.push(a);
		if (c.getAttribute("tabindex") !== "0") miss.push("tabindex=0");
		for (const s of ["h2", ".rule", ".severity", ".approval", "code.approve"]) if (!c.querySelector(s)) miss.push(s);
		if (!c.querySelector("img.thumb[alt]:not([alt=''])") && !c.querySelector("span.icon[aria-label]:not([aria-label=''])")) miss.push("img.thumb with alt text or span.icon with aria-label");
		return miss.length ? [(c.getAttribute("data-path") || "?") + ": " + miss.join(", ")] : [];
	})`)
	for _, b := range bad {
		t.Errorf("card %s", b)
	}
	// Headings in order (no level skipped going down) and a print style sheet.
	type layout struct {
		Headings []int
		Print    bool
	}
	l := evalIn[layout](t, p, `({
		Headings: Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6")).map(h => +h.tagName[1]),
		Print: Array.from(document.styleSheets).some(s => Array.from(s.cssRules).some(r => r.media && /print/.test(r.media.mediaText))),
	})`)
	prev := 0 // the first heading must be h1
	for _, h := range l.Headings {
		if h > prev+1 {
			t.Errorf("heading h%d follows h%d, a level skipped (0: the page's first heading; levels %v)", h, prev, l.Headings)
			break
		}
		prev = h
	}
	if !l.Print {
		t.Error("no @media print rules")
	}
	// Every rendered card is a group of the JSON report, and holds the
	// approve command when one of its findings can be approved (open or
	// expired, and not raised by the scanner itself).
	type rendered struct {
		Path, Group string
		Approve     bool
	}
	cards := evalIn[[]rendered](t, p, `Array.from(document.querySelectorAll("main#cards article.card")).map(c => ({
		Path: c.getAttribute("data-path"), Group: c.getAttribute("data-group"),
		Approve: /provscan approve /.test((c.querySelector("code.approve") || {}).textContent || ""),
	}))`)
	for _, c := range cards {
		i := slices.IndexFunc(gs, func(g group) bool { return g.Path == c.Path && g.Kind == c.Group })
		if i < 0 {
			t.Errorf("card %q (group %q) is no group of the JSON report's findings", c.Path, c.Group)
			continue
		}
		approvable := false
		for _, j := range gs[i].Findings {
			f := rep.Findings[j]
			if f.Rule != "unreadable" && f.Rule != "symlink-unchecked" && f.Status != "approved" && f.Status != "allowed" {
				approvable = true
			}
		}
		if c.Approve != approvable {
			t.Errorf("card %q: a provscan approve command in code.approve: %v, want %v", c.Path, c.Approve, approvable)
		}
	}
}

// setControl sets a control's value, dispatches input and change, waits for
// the page to settle (a search may be debounced: until provscanVisible() is
// want, when want >= 0, then a little longer), and returns provscanVisible()
// and the data-* attribute attr of the cards shown.
func setControl(t *testing.T, p *browserPage, sel, value, attr string, want int) (visible int, shown []string) {
	t.Helper()
	set := evalIn[bool](t, p, fmt.Sprintf(`(() => {
		const c = document.querySelector(%q);
		c.value = %q;
		c.dispatchEvent(new Event("input", {bubbles: true}));
		c.dispatchEvent(new Event("change", {bubbles: true}));
		return c.value === %q;
	})()`, sel, value, value))
	if !set {
		t.Fatalf("%s has no option %q", sel, value)
	}
	if want >= 0 {
		ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
		_, _ = chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`window.provscanVisible() === %d`, want), chromedp.WithPollingInterval(20*time.Millisecond)))
		cancel() // on a timeout the count read below is reported by the caller
	}
	time.Sleep(settle)
	type res struct {
		Visible int
		Shown   []string
	}
	r := evalIn[res](t, p, fmt.Sprintf(`({
		Visible: window.provscanVisible(),
		Shown: Array.from(document.querySelectorAll("main#cards article.card")).filter(a => !a.hidden && !a.closest("[hidden]")).map(a => a.getAttribute(%q) || ""),
	})`, attr))
	return r.Visible, r.Shown
}

// settle is how long a control change is given to take effect in full
// (longer than a search's debounce).
const settle = 400 * time.Millisecond

// checkControls exercises the filters, the search and the sort.
func checkControls(t *testing.T, p *browserPage, gs []group) {
	t.Helper()
	has := func(list []string, v string) bool { return slices.Contains(list, v) }
	// Filters by rule and by principle: a card matches when one of its findings does.
	for _, c := range []struct {
		sel, value, attr string
		of               func(group) []string
	}{
		{"select#filter-rule", "genai-generator", "data-rules", func(g group) []string { return g.Rules }},
		{"select#filter-principle", "talent", "data-principles", func(g group) []string { return g.Principles }},
	} {
		want := count(gs, func(g group) bool { return has(c.of(g), c.value) })
		if want == 0 {
			t.Fatalf("the scanned tree has no finding with %s %s", c.sel, c.value)
		}
		n, shown := setControl(t, p, c.sel, c.value, c.attr, want)
		if n != want {
			t.Errorf("%s = %s: provscanVisible() = %d, want %d", c.sel, c.value, n, want)
		}
		if len(shown) == 0 {
			t.Errorf("%s = %s: no card shown", c.sel, c.value)
		}
		for _, s := range shown {
			if !has(strings.Fields(s), c.value) {
				t.Errorf("%s = %s: a card with %s=%q is shown", c.sel, c.value, c.attr, s)
			}
		}
		if n, _ := setControl(t, p, c.sel, "", c.attr, len(gs)); n != len(gs) {
			t.Errorf("%s = all: provscanVisible() = %d, want %d", c.sel, n, len(gs))
		}
	}
	// Severity: the contract's data-severity is the card's highest; a card
	// matches at least when its highest is the value, at most when any finding has it.
	lo := count(gs, func(g group) bool { return g.highest() == "critical" })
	hi := count(gs, func(g group) bool { return has(g.Severities, "critical") })
	if n, _ := setControl(t, p, "select#filter-severity", "critical", "data-severity", -1); n < lo || n > hi || n == 0 {
		t.Errorf("select#filter-severity = critical: provscanVisible() = %d, want %d..%d (and > 0)", n, lo, hi)
	}
	setControl(t, p, "select#filter-severity", "", "data-severity", len(gs))
	// Search: a path substring.
	for _, q := range []string{"stills/", "a1111", "no such path \u202e"} {
		want := count(gs, func(g group) bool { return strings.Contains(g.Path, q) })
		n, shown := setControl(t, p, "input#search", q, "data-path", want)
		if n != want {
			t.Errorf("search %q: provscanVisible() = %d, want %d", q, n, want)
		}
		for _, s := range shown {
			if !strings.Contains(s, q) {
				t.Errorf("search %q shows %q", q, s)
			}
		}
	}
	if n, _ := setControl(t, p, "input#search", "", "data-path", len(gs)); n != len(gs) {
		t.Errorf("search cleared: provscanVisible() = %d, want %d", n, len(gs))
	}
	// Sort by severity: the cards shown go from the highest down.
	_, shown := setControl(t, p, "select#sort", "severity", "data-severity", len(gs))
	if !sort.SliceIsSorted(shown, func(i, j int) bool { return severityRank[shown[i]] > severityRank[shown[j]] }) {
		t.Errorf("sort = severity: cards in the order %q", shown)
	}
	_, byPath := setControl(t, p, "select#sort", "path", "data-path", len(gs))
	if len(byPath) == 0 || len(byPath) != len(shown) {
		t.Errorf("sort = path shows %d cards, sort = severity %d", len(byPath), len(shown))
	}
	setControl(t, p, "select#sort", "rule", "data-rules", len(gs))
}

// checkKeyboard checks that j / k and the arrow keys move the focus between cards.
func checkKeyboard(t *testing.T, p *browserPage) {
	t.Helper()
	focused := func() int {
		return evalIn[int](t, p, `Array.from(document.querySelectorAll("main#cards article.card")).filter(a => !a.hidden).indexOf(document.activeElement)`)
	}
	if n := evalIn[int](t, p, `(() => { const c = document.querySelector("main#cards article.card:not([hidden])"); c.focus(); return Array.from(document.querySelectorAll("main#cards article.card")).filter(a => !a.hidden).length; })()`); n < 2 {
		t.Fatalf("%d cards shown: too few to move between", n)
	}
	if i := focused(); i != 0 {
		t.Fatalf("the first card does not take the focus (index %d)", i)
	}
	for _, step := range []struct {
		name, key string
		want      int
	}{{"j", "j", 1}, {"k", "k", 0}, {"ArrowDown", kb.ArrowDown, 1}, {"ArrowUp", kb.ArrowUp, 0}} {
		p.do(t, chromedp.KeyEvent(step.key))
		if i := focused(); i != step.want {
			t.Errorf("after the key %s the focus is on card %d, want %d", step.name, i, step.want)
		}
	}
}

// checkConsole fails on CSP violations and on exceptions of the page.
func checkConsole(t *testing.T, p *browserPage) {
	t.Helper()
	if v := evalIn[[]string](t, p, `window.__csp || []`); len(v) != 0 {
		t.Errorf("CSP violations: %q", v)
	}
	for _, m := range p.console() {
		if m.IsException() || strings.Contains(m.Text, "Content Security Policy") || (m.Type == chromedp.ConsoleError && m.Source == "security") {
			t.Errorf("console: %s (%s:%d)", m, m.URL, m.Line)
		}
	}
}

// screenshot saves a full-page PNG to $PROVSCAN_SCREENSHOT when it is set
// (never into the source tree).
func screenshot(t *testing.T, p *browserPage) {
	t.Helper()
	dst := os.Getenv("PROVSCAN_SCREENSHOT")
	if dst == "" {
		return
	}
	abs, _ := filepath.Abs(dst)
	if repo, _ := filepath.Abs("../.."); strings.HasPrefix(abs, repo+string(filepath.Separator)) {
		t.Fatalf("PROVSCAN_SCREENSHOT=%s is inside the repository", dst)
	}
	ctx, cancel := context.WithTimeout(p.ctx, 60*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(abs, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", abs)
}

// TestHTMLReportBrowser opens the HTML report of the sample deliverables in
// headless Chromium: verdict, counts equal to the JSON report's, cards,
// filters, search, sort and keyboard.
func TestHTMLReportBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts a browser")
	}
	chromiumPath(t)
	requireHTMLWriter(t)
	root := t.TempDir()
	copyTree(t, deliverablesTree(t), root)
	file, rep := scanReports(t, buildBinary(t), root)
	p := openReport(t, file)
	screenshot(t, p) // as first opened, before the checks change the controls
	checkBrowserReport(t, p, rep)
	checkScriptsOff(t, openReportWith(t, file, false), rep)
}

// checkBrowserReport runs the checks of TestHTMLReportBrowser on an open page.
func checkBrowserReport(t *testing.T, p *browserPage, rep *htmlJSONReport) {
	t.Helper()
	if !rep.Gate.Failed {
		t.Fatal("the sample deliverables pass the gate: the test needs findings")
	}
	gs := rep.groups()
	checkContract(t, p, rep, gs)
	checkControls(t, p, gs)
	checkKeyboard(t, p)
	checkConsole(t, p)
}

// checkScriptsOff checks a report opened with scripts off (as when printing
// from some viewers): the verdict and the counts are in the document itself,
// and there is a <noscript> or a first page of cards.
func checkScriptsOff(t *testing.T, p *browserPage, rep *htmlJSONReport) {
	t.Helper()
	type res struct {
		Gate     string
		Counts   int
		Fallback bool
	}
	r := evalIn[res](t, p, `({
		Gate: (document.querySelector("header#verdict") || {getAttribute: () => ""}).getAttribute("data-gate") || "",
		Counts: document.querySelectorAll("#counts [data-count-rule]").length,
		Fallback: !!document.querySelector("noscript") || document.querySelectorAll("main#cards article.card").length > 0,
	})`)
	want := "passed"
	if rep.Gate.Failed {
		want = "failed"
	}
	if r.Gate != want {
		t.Errorf("scripts off: header#verdict data-gate = %q, want %q", r.Gate, want)
	}
	if r.Counts != len(rep.Summary.ByRule) {
		t.Errorf("scripts off: %d rule counts, want %d", r.Counts, len(rep.Summary.ByRule))
	}
	if !r.Fallback {
		t.Error("scripts off: neither a <noscript> nor a first page of cards")
	}
}

// Hostile values of the XSS test: each must be shown as text.
var (
	hostileXMP    = `<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=2">`
	hostileText   = "a castle </script><script>window.__pwned=3</script> \u202eevil\u202c at dawn"
	hostileName   = `x<img src=x onerror="window.__pwned=4">.png`
	hostileShown  = []string{`<script>window.__pwned=1</script>`, `<img src=x onerror="window.__pwned=2">`, `</script><script>window.__pwned=3</script>`, `\u202e`, `onerror="window.__pwned=4"`}
	hostileHidden = []string{"\u202e", "\u202c"}
)

// hostileTree writes a PNG whose XMP (dc:description and xmp:CreatorTool,
// a Midjourney tool fact) holds markup, and whose A1111 parameters hold
// </script> and a bidi override; and a flagged PNG named with markup.
func hostileTree(t *testing.T) string {
	t.Helper()
	esc := html.EscapeString(hostileXMP)
	packet := `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
		`<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Midjourney ` + esc + `">` +
		`<dc:description><rdf:Alt><rdf:li xml:lang="x-default">` + esc + `</rdf:li></rdf:Alt></dc:description>` +
		`</rdf:Description></rdf:RDF></x:xmpmeta>`
	params := hostileText + "\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 512x512, Model hash: abcdef1234, Model: sd15"
	root := t.TempDir()
	writeFiles(t, root, map[string][]byte{
		"stills/hostile.png": pngOf(
			pngChunk("iTXt", append([]byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"), packet...)),
			pngChunk("iTXt", append([]byte("parameters\x00\x00\x00\x00\x00"), params...)),
		),
		"stills/" + hostileName: generatedPNG,
	})
	return root
}

// checkInert checks that the hostile values are on the page as text only
// (in the body's text outside scripts: the data island does not count).
func checkInert(t *testing.T, p *browserPage) {
	t.Helper()
	type res struct {
		Pwned   string
		Text    string
		Scripts int
		Imgs    []string
		Handler []string
	}
	r := evalIn[res](t, p, `(() => ({
		Pwned: typeof window.__pwned === "undefined" ? "" : String(window.__pwned),
		Text: (() => { const b = document.body.cloneNode(true); b.querySelectorAll("script, style, template").forEach(s => s.remove()); return b.textContent; })(),
		Scripts: document.scripts.length,
		Imgs: Array.from(document.images).filter(i => !i.classList.contains("thumb") || !/^data:/.test(i.getAttribute("src") || "")).map(i => i.outerHTML),
		Handler: Array.from(document.querySelectorAll("*")).flatMap(e => Array.from(e.attributes).filter(a => /^on/i.test(a.name)).map(a => e.tagName + " " + a.name)),
	}))()`)
	if r.Pwned != "" {
		t.Errorf("window.__pwned = %s: a value from a file ran as script", r.Pwned)
	}
	for _, s := range hostileShown {
		if !strings.Contains(r.Text, s) {
			t.Errorf("the page does not show %q as text", s)
		}
	}
	for _, s := range hostileHidden {
		if strings.Contains(r.Text, s) {
			t.Errorf("the page holds the raw bidi control %U (it must show a visible escape)", []rune(s)[0])
		}
	}
	if r.Scripts != 2 {
		t.Errorf("%d script elements, want 2 (the data island and the nonced script)", r.Scripts)
	}
	if len(r.Imgs) != 0 {
		t.Errorf("images that are no data: thumbnail: %q", r.Imgs)
	}
	if len(r.Handler) != 0 {
		t.Errorf("event handler attributes in the page: %q", r.Handler)
	}
}

// TestHTMLReportHostileValues scans a PNG whose metadata and name hold
// markup, </script> and a bidi override: the page shows them as text, runs
// none of them, and breaks no CSP rule.
func TestHTMLReportHostileValues(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts a browser")
	}
	chromiumPath(t)
	requireHTMLWriter(t)
	file, rep := scanReports(t, buildBinary(t), hostileTree(t))
	if len(rep.Findings) < 3 {
		t.Fatalf("%d findings on the hostile tree; want the Midjourney, A1111 and named-file findings", len(rep.Findings))
	}
	p := openReport(t, file)
	checkInert(t, p)
	checkConsole(t, p)
	// The nonce is new for every report.
	again, _ := scanReports(t, buildBinary(t), hostileTree(t))
	n1, n2 := reportNonce(t, file), reportNonce(t, again)
	if n1 == n2 || len(n1) < 16 {
		t.Errorf("nonces %q and %q of two reports: want a new random one (16 characters or more) each time", n1, n2)
	}
}

// reportNonce returns the nonce of the report file's inline script.
func reportNonce(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<script[^>]*\snonce="([^"]*)"`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s: no <script nonce=...>", file)
	}
	return string(m[1])
}

// TestHTMLContractFixture runs the same browser checks on a small page written
// here to the contract (contractFixture) from the binary's JSON reports: it
// checks the checks, and stands for the writer until it lands.
func TestHTMLContractFixture(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts a browser")
	}
	chromiumPath(t)
	bin := buildBinary(t)
	for _, c := range []struct {
		name  string
		root  func(*testing.T) string
		check func(*testing.T, *browserPage, *htmlJSONReport)
	}{
		{"deliverables", func(t *testing.T) string {
			root := t.TempDir()
			copyTree(t, deliverablesTree(t), root)
			return root
		}, checkBrowserReport},
		{"hostile", hostileTree, func(t *testing.T, p *browserPage, _ *htmlJSONReport) { checkInert(t, p); checkConsole(t, p) }},
		{"many", manyTree, checkMany},
	} {
		t.Run(c.name, func(t *testing.T) {
			work := t.TempDir()
			r := runBinary(t, bin, work, "scan", "--quiet", "--format", "json", c.root(t))
			rep := new(htmlJSONReport)
			if err := json.Unmarshal([]byte(r.stdout), rep); err != nil {
				t.Fatalf("exit %d: %v\n%s", r.code, err, r.stderr)
			}
			file := filepath.Join(work, "fixture.html")
			if err := os.WriteFile(file, []byte(contractFixture(t, rep)), 0o644); err != nil {
				t.Fatal(err)
			}
			p := openReport(t, file)
			c.check(t, p, rep)
			checkScriptsOff(t, openReportWith(t, file, false), rep)
			if n := reportNonce(t, file); len(n) < 16 {
				t.Errorf("nonce %q", n)
			}
		})
	}
}

// contractFixture writes a minimal page that follows the DOM contract of the
// HTML report for rep: cards rendered by the nonced script from the JSON data
// island with textContent, in a windowed list (as the contract asks).
func contractFixture(t *testing.T, rep *htmlJSONReport) string {
	t.Helper()
	nb := make([]byte, 16)
	if _, err := rand.Read(nb); err != nil {
		t.Fatal(err)
	}
	nonce := hex.EncodeToString(nb)
	type card struct {
		group
		Severity string `json:"severity"`
		Findings any    `json:"findings"`
	}
	var cards []card
	for _, g := range rep.groups() {
		var fs []any
		for _, i := range g.Findings {
			fs = append(fs, rep.Findings[i])
		}
		cards = append(cards, card{group: g, Severity: g.highest(), Findings: fs})
	}
	data, err := json.Marshal(cards) // escapes <, > and &: no </script> in the island
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	e := html.EscapeString
	b.WriteString(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">`)
	fmt.Fprintf(&b, `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'nonce-%s'">`, nonce)
	b.WriteString(`<title>provscan report</title><style>main{overflow-anchor:none}article.card{display:block;height:120px;overflow:hidden;box-sizing:border-box}article.card:focus{outline:2px solid}@media print{article.card[hidden]{display:block}}</style></head><body>`)
	gate := "passed"
	if rep.Gate.Failed {
		gate = "failed"
	}
	fmt.Fprintf(&b, `<header id="verdict" data-gate="%s"><h1>Gate %s</h1><ul>`, gate, gate)
	for _, r := range rep.Gate.Reasons {
		fmt.Fprintf(&b, `<li>%s</li>`, e(r))
	}
	b.WriteString(`</ul></header><section id="counts">`)
	byPrinciple := map[string]int{}
	for _, f := range rep.Findings {
		if f.Principle != "" {
			byPrinciple[f.Principle]++
		}
	}
	options := map[string][]string{}
	for _, c := range []struct {
		attr string
		m    map[string]int
	}{{"rule", rep.Summary.ByRule}, {"severity", rep.Summary.BySeverity}, {"principle", byPrinciple}} {
		names := slices.Sorted(func(yield func(string) bool) {
			for k := range c.m {
				if !yield(k) {
					return
				}
			}
		})
		options[c.attr] = names
		for _, n := range names {
			fmt.Fprintf(&b, `<div>%s <span data-count-%s="%s">%d</span></div>`, e(n), c.attr, e(n), c.m[n])
		}
	}
	b.WriteString(`</section><section id="coverage"></section><section id="policy"></section><nav>`)
	for _, attr := range []string{"rule", "severity", "principle"} {
		fmt.Fprintf(&b, `<select id="filter-%s"><option value="">all</option>`, attr)
		for _, n := range options[attr] {
			fmt.Fprintf(&b, `<option value="%s">%s</option>`, e(n), e(n))
		}
		b.WriteString(`</select>`)
	}
	b.WriteString(`<input id="search" type="search"><select id="sort"><option value="severity">severity</option><option value="path">path</option><option value="rule">rule</option></select></nav>`)
	b.WriteString(`<main id="cards"><noscript>The findings are listed with scripts on, and in the JSON report.</noscript></main><footer id="about">provscan</footer>`)
	fmt.Fprintf(&b, `<script type="application/json" id="report-data">%s</script>`, data)
	fmt.Fprintf(&b, `<script nonce="%s">%s</script></body></html>`, nonce, fixtureJS)
	return b.String()
}

const fixtureJS = `(function () {
	"use strict";
	var data = JSON.parse(document.getElementById("report-data").textContent);
	var main = document.getElementById("cards");
	var rank = {critical: 4, high: 3, medium: 2, low: 1, info: 0};
	function vis(s) {
		return String(s).replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, function (c) {
			return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
		});
	}
	function el(tag, cls, text) {
		var e = document.createElement(tag);
		if (cls) e.className = cls;
		if (text !== undefined) e.textContent = vis(text);
		return e;
	}
	var cards = data.map(function (g) {
		var a = el("article", "card");
		a.tabIndex = 0;
		a.setAttribute("data-path", g.path);
		a.setAttribute("data-rules", g.rules.join(" "));
		a.setAttribute("data-severity", g.severity);
		a.setAttribute("data-principles", (g.principles || []).join(" "));
		a.setAttribute("data-group", g.group);
		a.appendChild(el("h2", "", g.path));
		var icon = el("span", "icon");
		icon.setAttribute("aria-label", g.group);
		a.appendChild(icon);
		g.findings.forEach(function (f) {
			a.appendChild(el("div", "rule", f.rule));
			a.appendChild(el("div", "severity", f.severity));
			a.appendChild(el("div", "generator", f.generator || ""));
			(f.evidence || []).forEach(function (x) {
				a.appendChild(el("div", "evidence", x.container + " @" + x.offset + " " + x.field + ": " + x.value));
			});
			a.appendChild(el("div", "approval", f.status));
		});
		var ok = g.findings.some(function (f) { return f.rule !== "unreadable" && f.rule !== "symlink-unchecked" && f.status !== "approved" && f.status !== "allowed"; });
		a.appendChild(el("code", "approve", ok ? "provscan approve -- " + g.path : "# nothing to approve"));
		return a;
	});
	function val(id) { return document.getElementById(id).value; }
	function has(list, v) { return list.split(" ").indexOf(v) >= 0; }
	// A windowed list: only W cards of the matching ones are in the DOM,
	// between two spacers that stand for the others (cards are H px high).
	var W = 40, H = 120, order = [], start = 0;
	var top = document.createElement("div"), bottom = document.createElement("div");
	function render() {
		start = Math.max(0, Math.min(start, order.length - W));
		var keep = document.activeElement;
		top.style.height = (start * H) + "px";
		bottom.style.height = (Math.max(0, order.length - start - W) * H) + "px";
		main.replaceChildren.apply(main, [top].concat(order.slice(start, start + W), [bottom]));
		if (keep && keep.parentNode === main && document.activeElement !== keep) keep.focus({preventScroll: true});
	}
	function apply() {
		var r = val("filter-rule"), s = val("filter-severity"), p = val("filter-principle"), q = val("search"), by = val("sort");
		order = cards.filter(function (a) {
			return (!r || has(a.getAttribute("data-rules"), r)) && (!s || a.getAttribute("data-severity") === s) &&
				(!p || has(a.getAttribute("data-principles"), p)) && (!q || a.getAttribute("data-path").indexOf(q) >= 0);
		}).sort(function (a, b) {
			var pa = a.getAttribute("data-path"), pb = b.getAttribute("data-path");
			if (by === "severity") return rank[b.getAttribute("data-severity")] - rank[a.getAttribute("data-severity")] || (pa < pb ? -1 : 1);
			if (by === "rule") return a.getAttribute("data-rules") < b.getAttribute("data-rules") ? -1 : 1;
			return pa < pb ? -1 : 1;
		});
		start = 0;
		render();
	}
	window.addEventListener("scroll", function () {
		var first = Math.floor((window.scrollY - main.offsetTop) / H) - 10;
		if (Math.abs(first - start) > 5) { start = first; render(); }
	});
	window.provscanVisible = function () { return order.length; };
	["filter-rule", "filter-severity", "filter-principle", "sort"].forEach(function (id) {
		document.getElementById(id).addEventListener("change", apply);
	});
	document.getElementById("search").addEventListener("input", apply);
	document.addEventListener("keydown", function (ev) {
		var i = order.indexOf(document.activeElement), d = 0;
		if (ev.key === "j" || ev.key === "ArrowDown") d = 1;
		if (ev.key === "k" || ev.key === "ArrowUp") d = -1;
		if (!d || !order.length) return;
		ev.preventDefault();
		i = Math.max(0, Math.min(order.length - 1, i + d));
		if (i < start || i >= start + W) { start = i - 10; render(); }
		order[i].focus();
	});
	apply();
})();`

// manyFiles is the number of flagged files of manyTree: more cards than a
// windowed list renders at once.
const manyFiles = 3000

// manyTree writes manyFiles flagged PNGs, one a folder (no image sequence).
func manyTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	files := make(map[string][]byte, manyFiles)
	for i := range manyFiles {
		files[fmt.Sprintf("shots/f%04d/still.png", i)] = generatedPNG
	}
	writeFiles(t, root, files)
	return root
}

// checkMany checks that every card of a long report can be reached: by the
// search, by scrolling to the end, and by the keyboard past the first screen.
func checkMany(t *testing.T, p *browserPage, rep *htmlJSONReport) {
	t.Helper()
	if gs := rep.groups(); len(gs) != manyFiles {
		t.Fatalf("%d groups in the JSON report, want %d", len(gs), manyFiles)
	}
	if n := evalIn[int](t, p, `window.provscanVisible()`); n != manyFiles {
		t.Errorf("provscanVisible() = %d, want %d", n, manyFiles)
	}
	last := fmt.Sprintf("shots/f%04d/still.png", manyFiles-1)
	if n, shown := setControl(t, p, "input#search", last, "data-path", 1); n != 1 || !slices.Equal(shown, []string{last}) {
		t.Errorf("search %q: provscanVisible() = %d, cards shown %q", last, n, shown)
	}
	setControl(t, p, "input#search", "", "data-path", manyFiles)
	setControl(t, p, "select#sort", "path", "data-path", manyFiles)
	// Scroll to the end (the window and any scrolling box) until the last card is rendered.
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`(() => {
		for (const e of [document.scrollingElement, document.getElementById("cards"), ...document.querySelectorAll("#cards *")].filter(Boolean)) {
			if (e.scrollHeight > e.clientHeight) { e.scrollTop = e.scrollHeight; e.dispatchEvent(new Event("scroll")); }
		}
		window.dispatchEvent(new Event("scroll"));
		return Array.from(document.querySelectorAll("main#cards article.card")).some(c => c.getAttribute("data-path") === %q && !c.hidden);
	})()`, last), chromedp.WithPollingInterval(100*time.Millisecond)))
	if err != nil {
		t.Errorf("scrolled to the end, the last card %s is never rendered: %v", last, err)
	}
	n := evalIn[int](t, p, `document.querySelectorAll("main#cards article.card").length`)
	t.Logf("%d cards in the DOM for %d findings", n, manyFiles)
	// The keyboard walks past the first screen.
	// Back to the top until the first card is rendered, then focus it.
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](`(() => {
		for (const e of [document.scrollingElement, document.getElementById("cards"), ...document.querySelectorAll("#cards *")].filter(Boolean)) {
			if (e.scrollTop > 0) { e.scrollTop = 0; e.dispatchEvent(new Event("scroll")); }
		}
		window.dispatchEvent(new Event("scroll"));
		const c = Array.from(document.querySelectorAll("main#cards article.card")).find(c => c.getAttribute("data-path") === "shots/f0000/still.png" && !c.hidden);
		if (c) c.focus();
		return !!c && document.activeElement === c;
	})()`, chromedp.WithPollingInterval(100*time.Millisecond)))
	if err != nil {
		t.Fatalf("scrolled back to the top, the first card is never rendered and focused: %v", err)
	}
	const steps = 60
	for range steps {
		p.do(t, chromedp.KeyEvent("j"))
	}
	want := fmt.Sprintf("shots/f%04d/still.png", steps)
	if got := evalIn[string](t, p, `document.activeElement.getAttribute("data-path") || document.activeElement.tagName`); got != want {
		t.Errorf("after %d presses of j the focus is on %q, want %q", steps, got, want)
	}
}

// TestHTMLReportManyFiles opens the HTML report of 3,000 flagged files: the
// windowed list keeps every card reachable.
func TestHTMLReportManyFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts a browser")
	}
	chromiumPath(t)
	requireHTMLWriter(t)
	file, rep := scanReports(t, buildBinary(t), manyTree(t))
	checkMany(t, openReport(t, file), rep)
}
