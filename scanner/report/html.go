package report

import (
	"bufio"
	"cmp"
	"crypto/rand"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/provscan/provscan/scanner/rules"
)

//go:embed html_assets/report.css
var htmlCSS string

//go:embed html_assets/report.js
var htmlJS string

func init() {
	Register(Format{Name: "html", Rank: 4, Write: func(w io.Writer, r *Report, _ TextOptions) error { return WriteHTML(w, r) }})
}

// Caps on what the HTML report shows of values from files, and on its lists.
const (
	htmlCapPath    = 1024 // runes of a path
	htmlCapText    = 1024 // runes of a message or generator
	htmlCapValue   = 512  // runes of an evidence value (an excerpt)
	htmlCapField   = 256  // runes of a container, location or field
	htmlListed     = 1000 // rows of a server-rendered list (errors, unsupported, links, excluded)
	htmlFirstPage  = 50   // cards rendered in the document before the script runs
	htmlCardFinds  = 100  // findings listed in one card (a sequence of many frames)
	htmlThumbBytes = 96 << 10
)

// htmlEvidence is one marker as the page shows it.
type htmlEvidence struct {
	Container string `json:"c"`
	Location  string `json:"l,omitempty"`
	Offset    int64  `json:"o"`
	Field     string `json:"f"`
	Value     string `json:"v"`
}

// htmlManifest is one C2PA manifest named by the evidence, with the claims
// of it the evidence cites.
type htmlManifest struct {
	Label      string   `json:"m"`
	Items      []string `json:"i"`
	Ingredient bool     `json:"g,omitempty"` // an ingredient's manifest, shown under the active one
	Via        string   `json:"v,omitempty"` // the actions adding no content that reach it
}

// htmlFinding is one finding of a card.
type htmlFinding struct {
	Path      string         `json:"p"`
	Rule      string         `json:"r"`
	Severity  string         `json:"s"`
	Principle string         `json:"pr,omitempty"`
	Generator string         `json:"g,omitempty"`
	Message   string         `json:"msg"`
	Status    string         `json:"st"`
	Approval  string         `json:"a,omitempty"`
	Evidence  []htmlEvidence `json:"ev"`
	Chain     []htmlManifest `json:"ch,omitempty"`
}

// htmlCard is one finding group: a file, a sequence, an IMF package or an
// archive, with its members' findings.
type htmlCard struct {
	Path       string        `json:"p"`
	Group      string        `json:"g"`
	Rules      []string      `json:"r"`
	Severity   string        `json:"s"`
	Rank       int           `json:"sr"`
	Principles []string      `json:"pr"`
	Files      int           `json:"n"`
	Summary    string        `json:"sum,omitempty"`
	Thumb      string        `json:"t,omitempty"`
	ThumbAlt   string        `json:"ta,omitempty"`
	Icon       string        `json:"i"`
	Findings   []htmlFinding `json:"f"`
	More       int           `json:"more,omitempty"`
	Approve    string        `json:"cmd"`
	Gate       bool          `json:"gate"`
	paths      []string
	seen       map[string]bool
	remote     bool // files in object storage: named by URLs without their query
}

// hv escapes a value from a file for the page: control characters and
// format characters (bidirectional overrides U+202A-202E, U+2066-2069, zero
// widths) become visible escapes, cut to max runes. The result is still
// markup-unsafe: it is set as text (escaped by esc, or textContent).
func hv(s string, max int) string {
	if len(s) <= max {
		plain := true
		for i := 0; i < len(s) && plain; i++ {
			plain = s[i] >= 0x20 && s[i] < 0x7f
		}
		if plain { // printable ASCII, short: nothing to escape or cut
			return s
		}
	}
	return Clean(s, max)
}

// esc is hv, then escaped for HTML text and attribute values.
func esc(s string, max int) string { return html.EscapeString(hv(s, max)) }

// WriteHTML writes r as one self-contained HTML document: the gate's verdict
// and reasons, counts by rule, severity and principle, coverage, what was
// not inspected, the policy in force, and a card per finding group (a file,
// an image sequence, an IMF package or a zip archive) with the evidence, the
// C2PA manifests it cites, the approval state and the `provscan approve`
// command. The cards are held in a JSON data island and drawn by the inline
// script a window at a time (filters, search, sort, keyboard navigation);
// the first page is also written as markup, for a reader with scripts off.
// The Content-Security-Policy forbids every load but data: images and the
// one inline script, whose nonce is drawn for each report. Every value from
// a file is escaped and shown as inert text.
func WriteHTML(w io.Writer, r *Report) error {
	nonce, err := htmlNonce()
	if err != nil {
		return err
	}
	cards := htmlCards(r)
	bw := bufio.NewWriterSize(w, 64<<10)
	ew := &ErrWriter{W: bw}
	p := func(format string, a ...any) { fmt.Fprintf(ew, format, a...) }
	s := func(str string) { io.WriteString(ew, str) }

	s("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	p("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'nonce-%s'\">\n", nonce)
	s("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"referrer\" content=\"no-referrer\">\n")
	p("<title>provscan report: %s</title>\n", esc(strings.Join(r.Roots, ", "), htmlCapPath))
	s("<style>\n" + htmlCSS + "</style>\n</head>\n<body>\n")

	htmlVerdict(ew, r)
	s("<nav class=\"toc\" aria-label=\"Sections\"><a href=\"#counts\">Counts</a> <a href=\"#coverage\">Coverage</a> <a href=\"#not-inspected\">Not inspected</a> <a href=\"#groups\">Sequences and packages</a> <a href=\"#policy\">Policy</a> <a href=\"#findings\">Findings</a></nav>\n")
	htmlCounts(ew, r)
	htmlCoverage(ew, r)
	htmlNotInspected(ew, r)
	htmlGroups(ew, r)
	htmlPolicy(ew, r)
	htmlControls(ew, r, len(cards))

	s("<main id=\"cards\" aria-live=\"polite\">\n")
	for i := range min(len(cards), htmlFirstPage) {
		htmlCardMarkup(ew, cards[i])
	}
	if len(cards) > htmlFirstPage {
		p("<p class=\"more-static\">%d more finding groups: the page's script lists them (the JSON report holds them all).</p>\n", len(cards)-htmlFirstPage)
	}
	if len(cards) == 0 {
		s("<p class=\"empty\">No findings.</p>\n")
	}
	s("</main>\n")

	htmlFooter(ew, r)

	// The data island: json.Marshal escapes <, > and & (and U+2028, U+2029),
	// so no value can close the element or open a comment in it.
	s("<script type=\"application/json\" id=\"report-data\">{\"cards\":[")
	for i := range cards {
		if i > 0 {
			s(",\n")
		}
		b, err := json.Marshal(cards[i])
		if err != nil {
			return err
		}
		ew.Write(b)
	}
	s("]}</script>\n")
	p("<script nonce=\"%s\">\n%s</script>\n</body>\n</html>\n", nonce, htmlJS)
	if ew.Err != nil {
		return ew.Err
	}
	return bw.Flush()
}

// htmlNonce draws the nonce of the page's one script.
func htmlNonce() (string, error) {
	var b [18]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// gateState is the verdict the page shows: failed, passed or incomplete.
func gateState(r *Report) string {
	switch {
	case r.Incomplete || r.Gate == nil:
		return "incomplete"
	case r.Gate.Failed:
		return "failed"
	}
	return "passed"
}

func htmlVerdict(w io.Writer, r *Report) {
	state := gateState(r)
	fmt.Fprintf(w, "<header id=\"verdict\" data-gate=\"%s\" class=\"gate-%s\">\n<h1>provscan: ", state, state)
	switch {
	case r.Incomplete:
		io.WriteString(w, "INCOMPLETE (the scan was interrupted; the gate fails)")
	case r.Gate == nil:
		io.WriteString(w, "no gate decision in this report")
	case r.Gate.Failed:
		io.WriteString(w, "gate FAILED")
	default:
		io.WriteString(w, "gate passed")
	}
	io.WriteString(w, "</h1>\n")
	fmt.Fprintf(w, "<p class=\"roots\">Roots: %s</p>\n", esc(strings.Join(r.Roots, ", "), htmlCapPath*4))
	if g := r.Gate; g != nil {
		fmt.Fprintf(w, "<p class=\"gate-settings\">Fails on %s and above; %d failing findings, %d not inspected, %d approved, %d allowed by policy, %d with an expired approval; unreadable files %s; unsupported formats: %s.</p>\n",
			esc(g.FailOn, 20), g.Failing, g.NotInspected, g.Approved, g.Allowed, g.Expired,
			map[bool]string{true: "fail the gate", false: "allowed"}[g.Strict && !g.AllowUnreadable], esc(g.Unsupported, 20))
		if len(g.Reasons) > 0 {
			io.WriteString(w, "<ul class=\"reasons\">\n")
			for _, reason := range g.Reasons {
				fmt.Fprintf(w, "<li>%s</li>\n", esc(reason, htmlCapText))
			}
			io.WriteString(w, "</ul>\n")
		}
	}
	fmt.Fprintf(w, "<p class=\"summary\">%s</p>\n", esc(SummaryLine(r), htmlCapText*2))
	io.WriteString(w, "</header>\n")
}

// htmlPrinciples lists the principles of the rule table, then any other a
// finding names.
func htmlPrinciples(r *Report) []string {
	var ps []string
	for _, rule := range rules.Table {
		if rule.Principle != "" && !slices.Contains(ps, rule.Principle) {
			ps = append(ps, rule.Principle)
		}
	}
	for _, f := range r.Findings {
		if f.Principle != "" && !slices.Contains(ps, f.Principle) {
			ps = append(ps, f.Principle)
		}
	}
	return ps
}

// htmlSeverities lists the severities, highest first.
var htmlSeverities = []rules.Severity{rules.Critical, rules.High, rules.Medium, rules.Low, rules.Info}

// htmlRules lists the rule IDs of the table, then any other a finding names.
func htmlRules(r *Report) []string {
	var ids []string
	for _, rule := range rules.Table {
		ids = append(ids, rule.ID)
	}
	for _, f := range r.Findings {
		if !slices.Contains(ids, f.Rule) {
			ids = append(ids, f.Rule)
		}
	}
	return ids
}

func htmlCounts(w io.Writer, r *Report) {
	byRule, bySev, byPrin := map[string]int{}, map[string]int{}, map[string]int{}
	for _, f := range r.Findings {
		byRule[f.Rule]++
		bySev[f.Severity.String()]++
		if f.Principle != "" {
			byPrin[f.Principle]++
		}
	}
	io.WriteString(w, "<section id=\"counts\" aria-labelledby=\"counts-h\">\n<h2 id=\"counts-h\">Findings by severity, principle and rule</h2>\n<div class=\"count-grid\">\n")
	io.WriteString(w, "<table class=\"counts\"><caption>Severity</caption><tbody>\n")
	for _, sev := range htmlSeverities {
		name := sev.String()
		fmt.Fprintf(w, "<tr class=\"sev-%s\"><th scope=\"row\">%s</th><td data-count-severity=\"%s\">%d</td></tr>\n", name, name, name, bySev[name])
	}
	io.WriteString(w, "</tbody></table>\n<table class=\"counts\"><caption>Principle</caption><tbody>\n")
	for _, pr := range htmlPrinciples(r) {
		e := esc(pr, htmlCapField)
		fmt.Fprintf(w, "<tr><th scope=\"row\">%s</th><td data-count-principle=\"%s\">%d</td></tr>\n", e, e, byPrin[pr])
	}
	io.WriteString(w, "</tbody></table>\n<table class=\"counts\"><caption>Rule</caption><tbody>\n")
	for _, id := range htmlRules(r) {
		e := esc(id, htmlCapField)
		title := ""
		if rule := rules.Lookup(id); rule != nil {
			title = " <span class=\"title\">" + html.EscapeString(rule.Title) + "</span>"
		}
		fmt.Fprintf(w, "<tr><th scope=\"row\"><code>%s</code>%s</th><td data-count-rule=\"%s\">%d</td></tr>\n", e, title, e, byRule[id])
	}
	io.WriteString(w, "</tbody></table>\n</div>\n</section>\n")
}

func htmlCoverage(w io.Writer, r *Report) {
	io.WriteString(w, "<section id=\"coverage\" aria-labelledby=\"coverage-h\">\n<h2 id=\"coverage-h\">Coverage</h2>\n")
	s := r.Summary
	fmt.Fprintf(w, "<p>%d files scanned (%s), %d archive members, %d inspected to the end; %s read.</p>\n",
		s.Files, HumanBytes(s.Bytes), s.Members, s.Inspected, HumanBytes(s.BytesRead))
	c := r.Coverage
	if c == nil {
		io.WriteString(w, "<p>No coverage in this report.</p>\n</section>\n")
		return
	}
	fmt.Fprintf(w, "<p>Inspected: %d of %d files (%s of %s).</p>\n", c.Inspected.Files, c.Files, HumanBytes(c.Inspected.Bytes), HumanBytes(c.Bytes))
	n := c.NotRead
	fmt.Fprintf(w, "<p class=\"not-read\">Not read: %d unsupported (%s), %d unreadable (%s), %d errors, %d excluded.</p>\n",
		n.Unsupported.Files, HumanBytes(n.Unsupported.Bytes), n.Unreadable.Files, HumanBytes(n.Unreadable.Bytes), n.Errors, n.Excluded)
	for _, t := range []struct {
		caption string
		rows    []FormatCount
	}{{"By media", c.ByMedia}, {"By format", c.ByFormat}, {"By family", c.ByFamily}} {
		if len(t.rows) == 0 {
			continue
		}
		fmt.Fprintf(w, "<table class=\"coverage\"><caption>%s</caption><thead><tr><th scope=\"col\">name</th><th scope=\"col\">media</th><th scope=\"col\">files</th><th scope=\"col\">inspected</th><th scope=\"col\">bytes</th></tr></thead><tbody>\n", t.caption)
		for i, row := range t.rows {
			if i == htmlListed {
				fmt.Fprintf(w, "<tr><td colspan=\"5\">%d more</td></tr>\n", len(t.rows)-i)
				break
			}
			fmt.Fprintf(w, "<tr><td>%s</td><td>%s</td><td>%d</td><td>%d</td><td>%s</td></tr>\n",
				esc(row.Name, htmlCapField), esc(row.Media, htmlCapField), row.Files, row.Inspected, HumanBytes(row.Bytes))
		}
		io.WriteString(w, "</tbody></table>\n")
	}
	io.WriteString(w, "</section>\n")
}

// htmlList writes a capped list of rows.
func htmlList(w io.Writer, class string, n int, row func(i int) string) {
	fmt.Fprintf(w, "<ul class=\"%s\">\n", class)
	for i := range n {
		if i == htmlListed {
			fmt.Fprintf(w, "<li class=\"more\">%d more (the JSON report lists them all)</li>\n", n-i)
			break
		}
		fmt.Fprintf(w, "<li>%s</li>\n", row(i))
	}
	io.WriteString(w, "</ul>\n")
}

func htmlNotInspected(w io.Writer, r *Report) {
	io.WriteString(w, "<section id=\"not-inspected\" aria-labelledby=\"ni-h\">\n<h2 id=\"ni-h\">Not inspected</h2>\n")
	unreadable := 0
	for _, f := range r.Findings {
		if f.Rule == rules.Unreadable {
			unreadable++
		}
	}
	if len(r.Errors) == 0 && len(r.Unsupported) == 0 && unreadable == 0 && !r.Incomplete {
		io.WriteString(w, "<p>Every file found was inspected or excluded by the policy.</p>\n")
	}
	if r.Incomplete {
		io.WriteString(w, "<p class=\"warn\">The scan was interrupted: files not reached are not in this report.</p>\n")
	}
	if unreadable > 0 {
		fmt.Fprintf(w, "<p class=\"warn\">%d files could not be read (unreadable findings, listed with the findings).</p>\n", unreadable)
	}
	if len(r.Errors) > 0 {
		fmt.Fprintf(w, "<h3>Errors (%d)</h3>\n", len(r.Errors))
		htmlList(w, "errors", len(r.Errors), func(i int) string {
			e := r.Errors[i]
			return "<code>" + esc(e.Path, htmlCapPath) + "</code>: " + esc(e.Error, htmlCapText)
		})
	}
	if len(r.Unsupported) > 0 {
		fmt.Fprintf(w, "<h3>Unsupported formats (%d)</h3>\n", len(r.Unsupported))
		htmlList(w, "unsupported", len(r.Unsupported), func(i int) string {
			u := r.Unsupported[i]
			s := "<code>" + esc(u.Path, htmlCapPath) + "</code> " + HumanBytes(u.Size) + ", first bytes <code>" + esc(u.Head, 64) + "</code>"
			if u.LooksLike != "" {
				s += ", looks like " + esc(u.LooksLike, htmlCapField)
			}
			return s
		})
	}
	if len(r.Links) > 0 {
		fmt.Fprintf(w, "<h3>Symbolic links (%d)</h3>\n", len(r.Links))
		htmlList(w, "links", len(r.Links), func(i int) string {
			l := r.Links[i]
			return "<code>" + esc(l.Path, htmlCapPath) + "</code> → <code>" + esc(l.Target, htmlCapPath) + "</code>: " + esc(l.Outcome, htmlCapField)
		})
	}
	io.WriteString(w, "</section>\n")
}

func htmlGroups(w io.Writer, r *Report) {
	if len(r.Sequences) == 0 && len(r.Packages) == 0 {
		return
	}
	io.WriteString(w, "<section id=\"groups\" aria-labelledby=\"groups-h\">\n<h2 id=\"groups-h\">Sequences and packages</h2>\n")
	if len(r.Sequences) > 0 {
		fmt.Fprintf(w, "<h3>Image sequences (%d)</h3>\n", len(r.Sequences))
		htmlList(w, "sequences", len(r.Sequences), func(i int) string { return esc(SequenceLine(&r.Sequences[i]), htmlCapText*4) })
	}
	if len(r.Packages) > 0 {
		fmt.Fprintf(w, "<h3>IMF packages (%d)</h3>\n", len(r.Packages))
		htmlList(w, "packages", len(r.Packages), func(i int) string { return esc(packageLine(&r.Packages[i]), htmlCapText*4) })
	}
	io.WriteString(w, "</section>\n")
}

// packageLine describes an IMF package in one line (values from files: escape it).
func packageLine(p *Package) string {
	s := fmt.Sprintf("%s %s (%d of %d assets present)", p.AssetMap, p.Annotation, p.Present, p.Assets)
	if len(p.Titles) > 0 {
		s += ", titles: " + strings.Join(p.Titles, "; ")
	}
	for i, m := range p.Missing {
		if i == 20 {
			s += fmt.Sprintf(", %d more missing", len(p.Missing)-i)
			break
		}
		s += ", missing: " + m.Path + " (" + m.ID + ")"
	}
	if len(p.Unlisted) > 0 {
		s += fmt.Sprintf(", %d files not listed", len(p.Unlisted))
	}
	if p.Error != "" {
		s += ", not read in full: " + p.Error
	}
	return s
}

func htmlPolicy(w io.Writer, r *Report) {
	io.WriteString(w, "<section id=\"policy\" aria-labelledby=\"policy-h\">\n<h2 id=\"policy-h\">Policy and approvals in force</h2>\n")
	if r.Policy == nil {
		io.WriteString(w, "<p>No policy files applied: the defaults decided the gate.</p>\n")
	} else {
		pf := func(files []PolicyFile) func(int) string {
			return func(i int) string {
				f := files[i]
				s := esc(f.Kind, htmlCapField) + " <code>" + esc(f.Path, htmlCapPath) + "</code> (" + esc(f.Source, htmlCapField) + ")"
				if f.SHA256 != "" {
					s += " sha256 <code class=\"hash\">" + esc(f.SHA256, 80) + "</code>"
				}
				return s
			}
		}
		if len(r.Policy.Files) == 0 {
			io.WriteString(w, "<p>No policy files applied: the defaults decided the gate.</p>\n")
		} else {
			htmlList(w, "policy-files", len(r.Policy.Files), pf(r.Policy.Files))
		}
		if !r.Policy.TreePolicy {
			io.WriteString(w, "<p>Files inside the scanned tree were not allowed to set the policy (--config or --no-tree-policy).</p>\n")
		}
		if len(r.Policy.NotApplied) > 0 {
			io.WriteString(w, "<h3>Found in the tree, not applied</h3>\n")
			htmlList(w, "policy-not-applied", len(r.Policy.NotApplied), pf(r.Policy.NotApplied))
		}
		if r.Summary.Excluded > 0 || len(r.Policy.Excluded) > 0 {
			fmt.Fprintf(w, "<h3>Excluded (%d)</h3>\n", r.Summary.Excluded)
			htmlList(w, "excluded", len(r.Policy.Excluded), func(i int) string {
				e := r.Policy.Excluded[i]
				return "<code>" + esc(e.Path, htmlCapPath) + "</code> by " + esc(e.By, htmlCapText)
			})
		}
	}
	if b := r.Baseline; b != nil {
		fmt.Fprintf(w, "<p>Baseline <code>%s</code>: %d new, %d unchanged, %d moved (only new findings are listed).</p>\n", esc(b.File, htmlCapPath), b.New, b.Unchanged, b.Moved)
	}
	io.WriteString(w, "</section>\n")
}

func htmlControls(w io.Writer, r *Report, cards int) {
	present := func(get func(f *Finding) string) map[string]bool {
		m := map[string]bool{}
		for i := range r.Findings {
			m[get(&r.Findings[i])] = true
		}
		return m
	}
	opts := func(id, label string, values []string, has map[string]bool) {
		fmt.Fprintf(w, "<label>%s <select id=\"%s\"><option value=\"\">all</option>", label, id)
		for _, v := range values {
			if has[v] {
				e := esc(v, htmlCapField)
				fmt.Fprintf(w, "<option value=\"%s\">%s</option>", e, e)
			}
		}
		io.WriteString(w, "</select></label>\n")
	}
	fmt.Fprintf(w, "<section id=\"findings\" aria-labelledby=\"findings-h\">\n<h2 id=\"findings-h\">Findings (%d groups, %d findings)</h2>\n<form class=\"controls\" role=\"search\">\n", cards, len(r.Findings))
	opts("filter-rule", "Rule", htmlRules(r), present(func(f *Finding) string { return f.Rule }))
	var sevs []string
	for _, s := range htmlSeverities {
		sevs = append(sevs, s.String())
	}
	opts("filter-severity", "Severity", sevs, present(func(f *Finding) string { return f.Severity.String() }))
	opts("filter-principle", "Principle", htmlPrinciples(r), present(func(f *Finding) string { return f.Principle }))
	io.WriteString(w, "<label>Path <input id=\"search\" type=\"search\" placeholder=\"path contains\" autocomplete=\"off\"></label>\n")
	io.WriteString(w, "<label>Sort <select id=\"sort\"><option value=\"severity\">severity</option><option value=\"path\">path</option><option value=\"rule\">rule</option></select></label>\n")
	fmt.Fprintf(w, "<output id=\"shown\" aria-live=\"polite\">%d groups</output>\n<p class=\"hint\">Keys: j / k or the arrow keys move between cards.</p>\n</form>\n</section>\n", cards)
}

func htmlFooter(w io.Writer, r *Report) {
	fmt.Fprintf(w, "<footer id=\"about\">\n<p>Written by %s %s, schema %s. Scan started %s, took %d ms.</p>\n",
		esc(cmp.Or(r.Tool.Name, "provscan"), 64), esc(r.Tool.Version, 64), esc(r.Schema, 64), esc(r.Started, 64), r.Summary.DurationMS)
	io.WriteString(w, "<p>Every value read from a file is shown as text; control and bidirectional characters as escapes (\\u202e).</p>\n</footer>\n")
}

// severityRank orders severities for a card's highest.
func severityRank(s rules.Severity) int { return int(s) }

// htmlGroupOf names the group of a finding: its kind, key and path.
func htmlGroupOf(f *Finding) (kind, key, path string) {
	switch {
	case f.Sequence != "":
		return "sequence", "s\x00" + f.Root + "\x00" + f.Sequence, f.Sequence
	case f.Package != nil:
		return "package", "p\x00" + f.Root + "\x00" + f.Package.AssetMap, f.Package.AssetMap
	}
	if outer, _, ok := strings.Cut(f.Path, "!/"); ok {
		if f.File != "" && f.File != f.Path {
			outer = f.File
		}
		return "archive", "a\x00" + f.Root + "\x00" + outer, outer
	}
	return "file", "f\x00" + f.Root + "\x00" + f.Path, f.Path
}

// htmlCards groups the findings into cards, in the report's order (by path).
func htmlCards(r *Report) []*htmlCard {
	var cards []*htmlCard
	index := map[string]int{}
	seqs := map[string]*Sequence{}
	for i := range r.Sequences {
		seqs[r.Sequences[i].Root+"\x00"+r.Sequences[i].Path] = &r.Sequences[i]
	}
	pkgs := map[string]*Package{}
	for i := range r.Packages {
		pkgs[r.Packages[i].Root+"\x00"+r.Packages[i].AssetMap] = &r.Packages[i]
	}
	// An archive flagged itself shares the card of its members.
	archives := map[string]bool{}
	for i := range r.Findings {
		if kind, key, _ := htmlGroupOf(&r.Findings[i]); kind == "archive" {
			archives[key] = true
		}
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		kind, key, path := htmlGroupOf(f)
		if akey := "a\x00" + f.Root + "\x00" + f.Path; kind == "file" && archives[akey] {
			kind, key = "archive", akey
		}
		ci, ok := index[key]
		if !ok {
			ci = len(cards)
			index[key] = ci
			c := &htmlCard{Path: hv(path, htmlCapPath), Group: kind, Rules: []string{}, Principles: []string{}, seen: map[string]bool{}}
			switch kind {
			case "sequence":
				if s := seqs[f.Root+"\x00"+f.Sequence]; s != nil {
					c.Summary = hv(SequenceLine(s), htmlCapText*2)
				}
			case "package":
				if p := pkgs[f.Root+"\x00"+f.Package.AssetMap]; p != nil {
					c.Summary = hv(packageLine(p), htmlCapText*2)
				} else {
					c.Summary = hv(f.Package.Annotation+" "+f.Package.Title, htmlCapText)
				}
			}
			cards = append(cards, c)
		}
		c := cards[ci]
		if !c.seen[f.Path] {
			c.seen[f.Path] = true
			c.Files++
		}
		if !slices.Contains(c.Rules, f.Rule) {
			c.Rules = append(c.Rules, hv(f.Rule, htmlCapField))
		}
		if f.Principle != "" && !slices.Contains(c.Principles, f.Principle) {
			c.Principles = append(c.Principles, hv(f.Principle, htmlCapField))
		}
		if sr := severityRank(f.Severity); sr > c.Rank {
			c.Rank, c.Severity = sr, f.Severity.String()
		}
		c.Gate = c.Gate || f.FailsGate
		if c.Thumb == "" {
			if t, ok := r.Thumbnails[f.Path]; ok && (t.MIME == "image/jpeg" || t.MIME == "image/png") && len(t.Data) > 0 && len(t.Data) <= htmlThumbBytes {
				c.Thumb = "data:" + t.MIME + ";base64," + base64.StdEncoding.EncodeToString(t.Data)
				c.ThumbAlt = hv("Preview of "+f.Path+" ("+cmp.Or(t.Source, "thumbnail")+")", htmlCapPath)
			}
		}
		if f.Rule != rules.SymlinkUnchecked && f.Rule != rules.Unreadable && f.Status != StatusApproved && f.Status != StatusAllowed {
			c.remote = c.remote || IsObjectRoot(f.Root)
			p := shellQuote(clean(approvePath(r, f.Root, f.Path)))
			if !slices.Contains(c.paths, p) {
				c.paths = append(c.paths, p)
			}
		}
		if len(c.Findings) >= htmlCardFinds {
			c.More++
			continue
		}
		c.Findings = append(c.Findings, htmlFindingOf(f))
	}
	approvals := ""
	if r.Policy != nil {
		for _, f := range r.Policy.Files {
			if f.Kind == "approvals" && f.Path != "" && f.Path != ApprovalsFileDefault {
				approvals = " --approvals " + shellQuote(clean(f.Path))
				break
			}
		}
	}
	for _, c := range cards {
		c.Icon = htmlIcon(c)
		if len(c.paths) == 0 {
			c.Approve = "# nothing to approve here: " + htmlNoApprove(c)
		} else {
			c.Approve = "provscan approve --reference REF --by NAME" + approvals + " -- " + strings.Join(c.paths, " ")
			if c.remote {
				c.Approve += "   # add the bucket's query parameters where the URL needs them"
			}
		}
		c.paths, c.seen = nil, nil
	}
	return cards
}

// htmlNoApprove says why a card has no approve command.
func htmlNoApprove(c *htmlCard) string {
	switch {
	case slices.Contains(c.Rules, rules.SymlinkUnchecked):
		return "replace the link with the file it names, inside the delivery, or remove it"
	case slices.Contains(c.Rules, rules.Unreadable) && len(c.Rules) == 1:
		return "the file could not be read; inspect it by hand"
	}
	return "every finding is approved or allowed by the policy"
}

// htmlIcon is the label of the icon a card shows without a thumbnail.
func htmlIcon(c *htmlCard) string {
	switch c.Group {
	case "sequence":
		return "image sequence"
	case "package":
		return "IMF package"
	case "archive":
		return "archive"
	}
	return "file without a preview"
}

// htmlFindingOf is a finding as a card shows it.
func htmlFindingOf(f *Finding) htmlFinding {
	h := htmlFinding{
		Path: hv(f.Path, htmlCapPath), Rule: hv(f.Rule, htmlCapField), Severity: f.Severity.String(), Principle: hv(f.Principle, htmlCapField),
		Generator: hv(f.Generator, htmlCapText), Message: hv(f.Message, htmlCapText), Status: hv(cmp.Or(f.Status, StatusOpen), htmlCapField),
		Evidence: make([]htmlEvidence, 0, len(f.Evidence)),
	}
	var a []string
	if f.FailsGate {
		a = append(a, "fails the gate")
	}
	if f.OriginalSeverity != nil {
		a = append(a, "severity changed by the policy from "+f.OriginalSeverity.String())
	}
	if f.Reason != "" {
		a = append(a, f.Reason)
	}
	if ap := f.Approval; ap != nil {
		s := "approval " + ap.Reference + " by " + ap.ApprovedBy
		if ap.Expires != "" {
			s += ", expires " + ap.Expires
		}
		a = append(a, s)
	}
	if f.Note != "" {
		a = append(a, f.Note)
	}
	if f.LinkTarget != "" {
		a = append(a, "reached through a link to "+f.LinkTarget)
	}
	h.Approval = hv(strings.Join(a, "; "), htmlCapText)
	var chain []htmlManifest
	for i, e := range f.Evidence {
		if i == htmlCardFinds {
			break
		}
		h.Evidence = append(h.Evidence, htmlEvidence{Container: hv(e.Container, htmlCapField), Location: hv(e.Location, htmlCapField),
			Offset: e.Offset, Field: hv(e.Field, htmlCapField), Value: hv(e.Value, htmlCapValue)})
		rest, ok := strings.CutPrefix(e.Location, "manifest ")
		if !ok {
			continue
		}
		label, claim, _ := strings.Cut(rest, ", ")
		label = hv(label, htmlCapField)
		item := hv(e.Field+" = "+e.Value, htmlCapValue)
		if claim != "" {
			item = hv(claim, htmlCapField) + ": " + item
		}
		j := slices.IndexFunc(chain, func(m htmlManifest) bool { return m.Label == label })
		if j < 0 {
			chain = append(chain, htmlManifest{Label: label, Ingredient: e.Ingredient, Via: hv(e.Via, htmlCapField)})
			j = len(chain) - 1
		}
		if !slices.Contains(chain[j].Items, item) {
			chain[j].Items = append(chain[j].Items, item)
		}
	}
	// The active manifests first, then the ingredients' (drawn under them).
	slices.SortStableFunc(chain, func(a, b htmlManifest) int {
		switch {
		case a.Ingredient == b.Ingredient:
			return 0
		case a.Ingredient:
			return 1
		}
		return -1
	})
	h.Chain = chain
	return h
}

// htmlCardMarkup writes a card as markup (the first page, for scripts off);
// the script draws the same structure.
func htmlCardMarkup(w io.Writer, c *htmlCard) {
	a := html.EscapeString
	fmt.Fprintf(w, "<article class=\"card sev-%s\" tabindex=\"0\" data-path=\"%s\" data-rules=\"%s\" data-severity=\"%s\" data-principles=\"%s\" data-group=\"%s\">\n",
		c.Severity, a(c.Path), a(strings.Join(c.Rules, " ")), c.Severity, a(strings.Join(c.Principles, " ")), c.Group)
	if c.Thumb != "" {
		fmt.Fprintf(w, "<img class=\"thumb\" src=\"%s\" alt=\"%s\">\n", a(c.Thumb), a(c.ThumbAlt))
	} else {
		fmt.Fprintf(w, "<span class=\"icon icon-%s\" role=\"img\" aria-label=\"%s\"></span>\n", c.Group, a(c.Icon))
	}
	fmt.Fprintf(w, "<h2>%s</h2>\n<p class=\"meta\"><span class=\"severity\">%s</span> <span class=\"group\">%s", a(c.Path), c.Severity, c.Group)
	if c.Files > 1 {
		fmt.Fprintf(w, ", %d files", c.Files)
	}
	io.WriteString(w, "</span></p>\n")
	if c.Summary != "" {
		fmt.Fprintf(w, "<p class=\"group-summary\">%s</p>\n", a(c.Summary))
	}
	for _, f := range c.Findings {
		io.WriteString(w, "<div class=\"finding\">\n")
		if c.Group != "file" {
			fmt.Fprintf(w, "<h3>%s</h3>\n", a(f.Path))
		}
		fmt.Fprintf(w, "<p><span class=\"rule\">%s</span> <span class=\"severity\">%s</span>", a(f.Rule), a(f.Severity))
		if f.Principle != "" {
			fmt.Fprintf(w, " <span class=\"principle\">%s</span>", a(f.Principle))
		}
		if f.Generator != "" {
			fmt.Fprintf(w, " <span class=\"generator\">%s</span>", a(f.Generator))
		}
		fmt.Fprintf(w, "</p>\n<p class=\"message\">%s</p>\n<ul class=\"evidence\">\n", a(f.Message))
		for _, e := range f.Evidence {
			loc := e.Container
			if e.Location != "" {
				loc += " › " + e.Location
			}
			fmt.Fprintf(w, "<li><span class=\"container\">%s</span> <span class=\"offset\">@%s</span> <span class=\"field\">%s</span> <code class=\"value\">%s</code></li>\n",
				a(loc), strconv.FormatInt(e.Offset, 10), a(e.Field), a(e.Value))
		}
		io.WriteString(w, "</ul>\n")
		if len(f.Chain) > 0 {
			io.WriteString(w, "<ul class=\"chain\" aria-label=\"C2PA manifests\">\n")
			nested := false // ingredients drawn as a list inside the last active manifest
			for i, m := range f.Chain {
				if m.Ingredient && !nested && i > 0 {
					io.WriteString(w, "<ul class=\"ingredients\" aria-label=\"ingredients\">\n")
					nested = true
				}
				kind := "manifest"
				if m.Ingredient {
					kind = "ingredient manifest"
				}
				fmt.Fprintf(w, "<li>%s <code>%s</code>", kind, a(m.Label))
				if m.Via != "" {
					fmt.Fprintf(w, " <span class=\"via\">(reached through %s)</span>", a(m.Via))
				}
				io.WriteString(w, "<ul>\n")
				for _, it := range m.Items {
					fmt.Fprintf(w, "<li>%s</li>\n", a(it))
				}
				io.WriteString(w, "</ul></li>\n")
			}
			if nested {
				io.WriteString(w, "</ul>\n")
			}
			io.WriteString(w, "</ul>\n")
		}
		st := f.Status
		if f.Approval != "" {
			st += ": " + f.Approval
		}
		fmt.Fprintf(w, "<p class=\"approval status-%s\">%s</p>\n</div>\n", a(f.Status), a(st))
	}
	if c.More > 0 {
		fmt.Fprintf(w, "<p class=\"more\">%d more findings in this group (the JSON report lists them all).</p>\n", c.More)
	}
	fmt.Fprintf(w, "<pre><code class=\"approve\">%s</code></pre>\n</article>\n", a(c.Approve))
}
