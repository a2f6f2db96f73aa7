package report

import (
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/term"

	"github.com/provscan/provscan/scanner/rules"
)

// TextOptions tune the text report.
type TextOptions struct {
	// Color adds ANSI colours to headings and the verdict (see ColorFor).
	Color bool
	// Evidence lists the evidence under each finding, every unsupported
	// file, every symbolic link and every excluded path (-v).
	Evidence bool
	// Width is the width of the terminal in columns: tables are fitted to
	// it, long values cut with an ellipsis. 0 means no limit.
	Width int
}

// ColorFor reports whether output to w may use colour: w is a terminal and
// NO_COLOR is not set (https://no-color.org).
func ColorFor(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// WidthFor returns the width of the terminal w writes to, or 0 (no limit)
// when w is not a terminal.
func WidthFor(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	cols, _, err := term.GetSize(int(f.Fd()))
	if err != nil || cols <= 0 {
		return 0
	}
	return cols
}

var severityColor = map[rules.Severity]string{
	rules.Critical: "\x1b[1;35m",
	rules.High:     "\x1b[1;31m",
	rules.Medium:   "\x1b[33m",
	rules.Low:      "\x1b[36m",
	rules.Info:     "\x1b[2m",
}

const (
	colorReset = "\x1b[0m"
	colorBold  = "\x1b[1m"
	colorRed   = "\x1b[1;31m"
	colorGreen = "\x1b[1;32m"
	colorLoud  = "\x1b[1;33m"
)

// Caps on cell widths when the width is not limited (a report piped to a
// file or a CI log): values from files can be as long as they like.
const (
	capPath      = 120
	capGenerator = 40
	capMessage   = 160
	capValue     = 240
	// maxListed is how many unsupported extensions, failing files of the
	// approve command and excluded paths are listed without -v.
	maxListed = 10
)

func init() {
	Register(Format{Name: "text", Rank: 0, Write: WriteText, TextOptions: true})
}

// WriteText writes r for a person at a terminal: the findings grouped by
// severity (highest first) in aligned columns, what was not inspected,
// the files of unsupported formats grouped by extension, the symbolic links
// (with Evidence), the policy in force, the summary, the gate's verdict with
// its reasons, and, when the gate failed, the next steps.
func WriteText(w io.Writer, r *Report, opts TextOptions) error {
	t := &textWriter{ew: &ErrWriter{W: w}, r: r, o: opts}
	t.findings()
	t.sequences()
	t.notInspected()
	t.unsupported()
	t.packages()
	t.links()
	t.policy()
	t.coverage()
	t.summary()
	t.nextSteps()
	return t.ew.Err
}

type textWriter struct {
	ew *ErrWriter
	r  *Report
	o  TextOptions
}

func (t *textWriter) line(s string) { fmt.Fprintln(t.ew, s) }

// paint wraps s in colour when colour is on.
func (t *textWriter) paint(color, s string) string {
	if !t.o.Color || s == "" {
		return s
	}
	return color + s + colorReset
}

// heading prints a section heading.
func (t *textWriter) heading(color, s string) {
	if color == "" {
		color = colorBold
	}
	t.line(t.paint(color, s))
}

// wrap prints text (escaped, space-separated words) wrapped at the width
// (one line when unlimited): the first line starts with first, the next
// ones with rest. A word wider than a line is cut.
func (t *textWriter) wrap(first, rest, text string) {
	for _, l := range t.wrapLines(first, rest, text) {
		t.line(l)
	}
}

func (t *textWriter) wrapLines(first, rest, text string) []string {
	lineW := t.limit(1 << 30)
	var lines []string
	cur, empty := first, true
	for _, word := range strings.Fields(text) {
		if !empty && displayWidth(cur)+1+displayWidth(word) > lineW {
			lines = append(lines, cur)
			cur, empty = rest, true
		}
		if !empty {
			cur += " "
		}
		cur += cutRight(word, lineW-displayWidth(cur))
		empty = false
	}
	if !empty {
		lines = append(lines, cur)
	}
	return lines
}

// limit returns the width a line may take, or fallback when unlimited.
func (t *textWriter) limit(fallback int) int {
	if t.o.Width > 0 {
		return t.o.Width
	}
	return fallback
}

// findings prints the severity groups: a '*' column marks the findings that
// fail the gate, then the file, the rule, the generator and the message.
func (t *textWriter) findings() {
	r := t.r
	if len(r.Findings) == 0 {
		return
	}
	type row struct {
		f                          *Finding
		path, rule, gen, msg, stat string
	}
	rows := make([]row, 0, len(r.Findings))
	nat := []int{0, 0, 0, 0} // path, rule, generator, message
	collapsed := t.collapseFrames()
	for i := range r.Findings {
		f := &r.Findings[i]
		gen := f.Generator
		if gen == "" {
			gen = "-"
		}
		rw := row{f: f, path: t.displayPath(f.Root, f.Path), rule: clean(f.Rule), gen: clean(gen), msg: clean(f.Message), stat: statusText(*f)}
		if c, ok := collapsed[i]; ok {
			if c == nil {
				continue // shown on the line of its sequence
			}
			rw.path = t.displayPath(f.Root, c.display)
			rw.msg += " (" + plural(len(c.frames), "frame") + ": " + RangesText(frameRangesOf(c.frames), c.padding, false) + ")"
		}
		if f.LinkTarget != "" {
			rw.msg += " (through a link to " + clean(f.LinkTarget) + ")"
		}
		rows = append(rows, rw)
		nat[0] = max(nat[0], min(capPath, displayWidth(rw.path)))
		nat[1] = max(nat[1], min(capGenerator, displayWidth(rw.rule)))
		nat[2] = max(nat[2], min(capGenerator, displayWidth(rw.gen)))
		nat[3] = max(nat[3], min(capMessage, displayWidth(rw.msg))+displayWidth(rw.stat))
	}
	// On a narrow terminal the generator column goes first (the message of
	// a generator finding names it; -v and the JSON report keep it), then
	// long paths give way (their end stays), then the message.
	showGen := true
	if t.o.Width > 0 && 2+nat[0]+2+nat[1]+2+nat[2]+2+min(nat[3], 40) > t.o.Width {
		showGen, nat[2] = false, 0
	}
	widths := fitColumns(t.o.Width, 2, 2, nat, shrink{0, 28}, shrink{3, 24}, shrink{0, 16}, shrink{3, 12})
	if !showGen {
		widths[3] += 2 // no gap for the generator column
	}
	haveFailing := false
	for sev := rules.Critical; sev >= rules.Info; sev-- {
		var group []row
		for _, rw := range rows {
			if rw.f.Severity == sev {
				group = append(group, rw)
			}
		}
		if len(group) == 0 {
			continue
		}
		n := 0
		for _, rw := range r.Findings {
			if rw.Severity == sev {
				n++
			}
		}
		t.heading(severityColor[sev], fmt.Sprintf("%s (%d)", strings.ToUpper(sev.String()), n))
		for _, rw := range group {
			lead := "  "
			if rw.f.FailsGate {
				lead, haveFailing = "* ", true
			}
			// The status ([approved: REF]) is kept whole when it fits, the message cut.
			stat := cutRight(rw.stat, max(0, widths[3]-8))
			msgW := max(8, widths[3]-displayWidth(stat))
			gen := ""
			if showGen {
				gen = padRight(cutRight(rw.gen, widths[2]), widths[2]) + "  "
			}
			t.line(strings.TrimRight(lead+
				padRight(cutLeft(rw.path, widths[0]), widths[0])+"  "+
				padRight(cutRight(rw.rule, widths[1]), widths[1])+"  "+gen+
				cutRight(rw.msg, min(msgW, capMessage))+stat, " "))
			if t.o.Evidence {
				for _, e := range rw.f.Evidence {
					loc := e.Container
					if e.Location != "" {
						loc += " > " + e.Location
					}
					ev := fmt.Sprintf("%s @%d: %s = %s", clean(loc), e.Offset, clean(e.Field), clean(e.Value))
					t.line("      " + cutRight(ev, t.limit(capValue+80)-6))
				}
			}
		}
		t.line("")
	}
	if haveFailing {
		t.line("* fails the gate")
		t.line("")
	}
}

// notInspected names the files whose metadata was not checked: scan errors
// and unreadable findings.
func (t *textWriter) notInspected() {
	r := t.r
	type item struct{ path, why string }
	var items []item
	for _, e := range r.Errors {
		items = append(items, item{t.displayPath(e.Root, e.Path), clean(e.Error)})
	}
	for _, f := range r.Findings {
		if f.Rule == rules.Unreadable {
			items = append(items, item{t.displayPath(f.Root, f.Path), clean(f.Message)})
		}
	}
	if len(items) == 0 {
		return
	}
	head := fmt.Sprintf("NOT INSPECTED (%s", plural(len(items), "file"))
	if g := r.Gate; g != nil {
		if g.Strict && !g.AllowUnreadable {
			head += ", failing the gate"
		} else {
			head += ", allowed by --allow-unreadable"
		}
	}
	t.heading(colorBold, head+")")
	nat := []int{0, 0}
	for _, it := range items {
		nat[0] = max(nat[0], min(capPath, displayWidth(it.path)))
		nat[1] = max(nat[1], min(capMessage, displayWidth(it.why)))
	}
	widths := fitColumns(t.o.Width, 2, 2, nat, shrink{1, 24}, shrink{0, 20})
	for _, it := range items {
		t.line("  " + padRight(cutLeft(it.path, widths[0]), widths[0]) + "  " + cutRight(it.why, min(widths[1], capMessage)))
	}
	t.line("")
}

// unsupported lists the files of formats provscan does not read, grouped
// by extension; with Evidence, every file and what its first bytes look like.
func (t *textWriter) unsupported() {
	r := t.r
	if len(r.Unsupported) == 0 {
		return
	}
	type group struct {
		ext   string
		files []UnsupportedFile
		size  int64
	}
	byExt := map[string]*group{}
	var total int64
	for _, u := range r.Unsupported {
		ext := strings.ToLower(path.Ext(path.Base(u.Path)))
		if ext == "" || ext == "." {
			ext = "(no extension)"
		}
		g := byExt[ext]
		if g == nil {
			g = &group{ext: ext}
			byExt[ext] = g
		}
		g.files = append(g.files, u)
		g.size += u.Size
		total += u.Size
	}
	groups := make([]*group, 0, len(byExt))
	for _, g := range byExt {
		groups = append(groups, g)
	}
	sort.Slice(groups, func(i, j int) bool {
		if len(groups[i].files) != len(groups[j].files) {
			return len(groups[i].files) > len(groups[j].files)
		}
		return groups[i].ext < groups[j].ext
	})
	head := fmt.Sprintf("UNSUPPORTED FORMATS (%s, %s, not inspected", plural(len(r.Unsupported), "file"), HumanBytes(total))
	if g := r.Gate; g != nil && g.Unsupported == UnsupportedFail {
		head += ", failing the gate"
	}
	t.heading(colorBold, head+")")
	extW, countW := 0, 0
	for _, g := range groups {
		extW = max(extW, min(24, displayWidth(clean(g.ext))))
		countW = max(countW, len(plural(len(g.files), "file")))
	}
	for i, g := range groups {
		if i == maxListed && !t.o.Evidence {
			t.line(fmt.Sprintf("  ... and %d more extensions (-v lists every file)", len(groups)-maxListed))
			break
		}
		t.line("  " + padRight(cutRight(clean(g.ext), extW), extW) + "  " + padLeft(plural(len(g.files), "file"), countW) + "  " + HumanBytes(g.size))
		if !t.o.Evidence {
			continue
		}
		for _, u := range g.files {
			looks := "unknown"
			if u.LooksLike != "" {
				looks = clean(u.LooksLike)
			}
			what := fmt.Sprintf("%s  looks like: %s (%s)", HumanBytes(u.Size), looks, spacedHex(clean(u.Head)))
			p := t.displayPath(u.Root, u.Path)
			room := t.limit(capPath+displayWidth(what)+6) - 6 - displayWidth(what)
			t.line("    " + cutLeft(p, max(16, room)) + "  " + what)
		}
	}
	t.line("")
}

// links lists, with Evidence, the symbolic links met and what became of
// each (links out of the roots or dangling are findings already).
func (t *textWriter) links() {
	r := t.r
	if !t.o.Evidence || len(r.Links) == 0 {
		return
	}
	t.heading(colorBold, fmt.Sprintf("SYMBOLIC LINKS (%d)", len(r.Links)))
	nat := []int{0, 0, 0}
	type row struct{ p, target, outcome string }
	rows := make([]row, len(r.Links))
	for i, l := range r.Links {
		out := clean(l.Outcome)
		if l.Resolved != "" {
			out += ": " + clean(l.Resolved)
		}
		rows[i] = row{t.displayPath(l.Root, l.Path), "-> " + clean(l.Target), out}
		nat[0] = max(nat[0], min(capPath, displayWidth(rows[i].p)))
		nat[1] = max(nat[1], min(capPath, displayWidth(rows[i].target)))
		nat[2] = max(nat[2], min(capPath, displayWidth(rows[i].outcome)))
	}
	widths := fitColumns(t.o.Width, 2, 2, nat, shrink{1, 16}, shrink{0, 16}, shrink{2, 12})
	for _, rw := range rows {
		t.line("  " + padRight(cutLeft(rw.p, widths[0]), widths[0]) + "  " + padRight(cutRight(rw.target, widths[1]), widths[1]) + "  " + cutRight(rw.outcome, min(widths[2], capPath)))
	}
	t.line("")
}

// policy names the policy, ignore, approvals and baseline files applied,
// with a short SHA-256, and says loudly when a file from inside the
// delivery decided the gate, or was found there and not applied.
func (t *textWriter) policy() {
	p := t.r.Policy
	if p == nil {
		return
	}
	if len(p.Files) == 0 && len(p.NotApplied) == 0 && len(p.Excluded) == 0 && t.r.Summary.Excluded == 0 {
		t.line("policy: the defaults (no policy, ignore or approvals file)")
		t.line("")
		return
	}
	t.heading(colorBold, "POLICY")
	if len(p.Files) == 0 {
		t.line("  the defaults (no policy, ignore or approvals file)")
	}
	nat := []int{0, 0, 0, 0}
	for _, f := range p.Files {
		nat[0] = max(nat[0], displayWidth(clean(f.Kind)))
		nat[1] = max(nat[1], min(capPath, displayWidth(clean(f.Path))))
		nat[2] = max(nat[2], displayWidth(clean(f.Source)))
	}
	nat[3] = len("sha256 ") + 12
	widths := fitColumns(t.o.Width, 2, 2, nat, shrink{1, 16})
	for _, f := range p.Files {
		sum := ""
		if f.SHA256 != "" {
			sum = clean(f.SHA256)
			if rs := []rune(sum); len(rs) > 12 {
				sum = string(rs[:12])
			}
			sum = "sha256 " + sum
		}
		t.line(strings.TrimRight("  "+padRight(clean(f.Kind), widths[0])+"  "+padRight(cutLeft(clean(f.Path), widths[1]), widths[1])+"  "+
			padRight(clean(f.Source), widths[2])+"  "+sum, " "))
	}
	if n := t.r.Summary.Excluded; n > 0 || len(p.Excluded) > 0 {
		n = max(n, len(p.Excluded))
		s := fmt.Sprintf("  excluded: %s", plural(n, "path"))
		if !t.o.Evidence && len(p.Excluded) > 0 {
			s += " (-v lists them)"
		}
		t.line(s)
		if t.o.Evidence {
			for _, e := range p.Excluded {
				by := "by " + clean(e.By)
				room := t.limit(capPath+displayWidth(by)+6) - 6 - displayWidth(by)
				t.line("    " + cutLeft(t.displayPath(e.Root, e.Path), max(16, room)) + "  " + by)
			}
		}
	}
	for _, f := range p.Files {
		if f.Source == "root" {
			t.loud(fmt.Sprintf("the %s file %s comes from inside the delivery: the delivery decides what its own gate checks (give --config, or --no-tree-policy, to apply yours)",
				clean(f.Kind), clean(f.Path)))
		}
	}
	for _, f := range p.NotApplied {
		t.loud(fmt.Sprintf("not applied: the %s file %s inside the delivery (--config or --no-tree-policy is in force); check what it would have changed",
			clean(f.Kind), clean(f.Path)))
	}
	t.line("")
}

// wrapSegments is wrap for a list: lines break only after ", " or "; ", so
// that "12 high" stays together.
func (t *textWriter) wrapSegments(first, rest, text string) {
	lineW := t.limit(1 << 30)
	var segs []string
	from := 0
	for i := 0; i+1 < len(text); i++ {
		if (text[i] == ',' || text[i] == ';') && text[i+1] == ' ' {
			segs = append(segs, text[from:i+2])
			from = i + 2
		}
	}
	if from < len(text) {
		segs = append(segs, text[from:])
	}
	cur, empty := first, true
	for _, s := range segs {
		if !empty && displayWidth(cur)+displayWidth(strings.TrimRight(s, " ")) > lineW {
			t.line(strings.TrimRight(cur, " "))
			cur, empty = rest, true
		}
		cur += s
		empty = false
	}
	if !empty {
		t.line(strings.TrimRight(cur, " "))
	}
}

// loud prints a warning wrapped at the width, in colour.
func (t *textWriter) loud(text string) {
	for _, l := range t.wrapLines("! ", "  ", text) {
		t.line(t.paint(colorLoud, l))
	}
}

// summary prints the counts, then the gate's verdict and its reasons.
func (t *textWriter) summary() {
	t.wrapSegments("", "  ", SummaryLine(t.r))
	g := t.r.Gate
	if g == nil {
		return
	}
	cfg := "fail-on " + g.FailOn
	if g.AllowUnreadable || !g.Strict {
		cfg += ", unreadable allowed"
	}
	if g.Unsupported == UnsupportedFail {
		cfg += ", unsupported fail"
	}
	if g.AllowEmpty {
		cfg += ", empty allowed"
	}
	if !g.Failed {
		t.line(t.paint(colorGreen, "gate passed") + " (" + cfg + ")")
		return
	}
	t.line(t.paint(colorRed, "gate FAILED") + " (" + cfg + "):")
	reasons := g.Reasons
	if len(reasons) == 0 && g.Failing > 0 { // a report without reasons
		verb := "fail"
		if g.Failing == 1 {
			verb = "fails"
		}
		reasons = []string{fmt.Sprintf("%s %s the gate", plural(g.Failing, "finding"), verb)}
	}
	for _, s := range reasons {
		t.wrap("  - ", "    ", clean(s))
	}
}

// nextSteps tells, after a failing gate, where to read about the rules that
// fired and how to record an approval for the files that fail it.
func (t *textWriter) nextSteps() {
	r := t.r
	if r.Gate == nil || !r.Gate.Failed {
		return
	}
	fired := map[string]bool{}
	var files []string
	seen := map[string]bool{}
	links, remote := 0, 0
	for _, f := range r.Findings {
		fired[f.Rule] = true
		if f.FailsGate && f.Rule == rules.SymlinkUnchecked {
			links++ // a link is replaced or removed, not approved
			continue
		}
		if f.FailsGate && (f.Status == "" || f.Status == StatusOpen || f.Status == StatusExpired) {
			if IsObjectRoot(f.Root) {
				remote++
			}
			p := clean(approvePath(r, f.Root, f.Path))
			if !seen[p] {
				seen[p] = true
				files = append(files, p)
			}
		}
	}
	var ids []string
	for _, rule := range rules.Table {
		if fired[rule.ID] {
			ids = append(ids, rule.ID)
		}
	}
	g := r.Gate
	errorsFail := len(r.Errors) > 0 && g.Strict && !g.AllowUnreadable
	unsupportedFail := len(r.Unsupported) > 0 && g.Unsupported == UnsupportedFail
	if len(ids) == 0 && len(files) == 0 && !errorsFail && !unsupportedFail {
		return
	}
	t.line("")
	t.heading(colorBold, "Next steps")
	if len(ids) > 0 {
		t.line("  What a rule means and what to do: provscan rules RULE")
		t.wrap("    rules that fired: ", "      ", strings.Join(ids, ", "))
	}
	if errorsFail {
		t.wrap("  ", "    ", "Files that could not be read: make them readable and scan again, or accept them unread with --allow-unreadable.")
	}
	if unsupportedFail {
		t.wrap("  ", "    ", "Files of unsupported formats: check them by hand, then exclude them (--exclude, .provscanignore) or set unsupported: report in the policy.")
	}
	if links > 0 {
		t.wrap("  ", "    ", "Symbolic links out of the delivery or dangling: replace each with the file it names, inside the delivery, or remove it.")
	}
	if len(files) == 0 {
		return
	}
	t.line("  To record a written approval of the failing files:")
	if remote > 0 {
		t.wrap("    ", "    ", "(objects are named by their URLs without the query: add the bucket's query parameters where your URLs need them)")
	}
	shown := files
	if len(files) > maxListed && !t.o.Evidence {
		shown = files[:maxListed]
	}
	// The flags first, then "--": a file named like a flag stays a file.
	args := []string{"--reference REF --by NAME"}
	if a := t.approvalsFile(); a != "" {
		args = append(args, "--approvals "+shellQuote(a))
	}
	args = append(args, "--")
	for _, f := range shown {
		args = append(args, shellQuote(f))
	}
	one := "    provscan approve " + strings.Join(args, " ")
	if t.o.Width == 0 || displayWidth(one) <= t.o.Width {
		t.line(one)
	} else { // one argument a line, ready to paste
		t.line("    provscan approve \\")
		for _, a := range args[:len(args)-1] {
			t.line("      " + a + " \\")
		}
		t.line("      " + args[len(args)-1])
	}
	if len(shown) < len(files) {
		t.line(fmt.Sprintf("    (%d more failing files: -v lists them all in this command)", len(files)-len(shown)))
	}
}

// approvalsFile returns the approvals file the scan applied when it is not
// the one `provscan approve` writes by default.
func (t *textWriter) approvalsFile() string {
	if t.r.Policy == nil {
		return ""
	}
	for _, f := range t.r.Policy.Files {
		if f.Kind == "approvals" && f.Path != "" && filepath.Clean(f.Path) != filepath.Clean(ApprovalsFileDefault) {
			return clean(f.Path)
		}
	}
	return ""
}

// ApprovalsFileDefault is the approvals file `provscan approve` writes by
// default (policy.ApprovalsFile is this constant: report cannot import
// policy, which imports report).
const ApprovalsFileDefault = "provscan-approvals.yaml"

// displayPath is how the text report names a file: relative to the root
// when there is one root; otherwise the root joined with the path, and a
// root that is a file printed once.
func (t *textWriter) displayPath(root, p string) string {
	if len(t.r.Roots) <= 1 {
		return clean(p)
	}
	return clean(filepath.ToSlash(approvePath(t.r, root, p)))
}

// approvePath is the path of a file as the user can name it: its root joined
// with its path (a root that is a file is that file).
func approvePath(r *Report, root, p string) string {
	if IsObjectRoot(root) {
		return ObjectURL(root, p)
	}
	for i, given := range r.Roots {
		if given != root {
			continue
		}
		if rootIsFile(r, i) {
			base := path.Base(filepath.ToSlash(filepath.Clean(root)))
			return root + strings.TrimPrefix(p, base)
		}
		return filepath.Join(root, filepath.FromSlash(p))
	}
	if root == "" {
		return p
	}
	return filepath.Join(root, filepath.FromSlash(p))
}

// rootIsFile tells whether the i-th root is a file: its folder (RootDirs)
// is then the folder holding it, whose name differs from the root's.
func rootIsFile(r *Report, i int) bool {
	if i >= len(r.RootDirs) {
		return false
	}
	base := path.Base(filepath.ToSlash(filepath.Clean(r.Roots[i])))
	if base == "." || base == ".." || base == "/" {
		return false
	}
	return base != path.Base(r.RootDirs[i])
}

// SummaryLine is the line of counts at the end of the text report: files
// and findings counted apart.
func SummaryLine(r *Report) string {
	s := r.Summary
	var b strings.Builder
	b.WriteString("provscan: ")
	if r.Incomplete {
		b.WriteString("INCOMPLETE (interrupted): ")
	}
	fmt.Fprintf(&b, "%s scanned", plural(s.Files, "file"))
	if s.Members > 0 {
		fmt.Fprintf(&b, " (+%s)", plural(s.Members, "archive member"))
	}
	var parts []string
	if s.Inspected > 0 {
		parts = append(parts, fmt.Sprintf("%d inspected", s.Inspected))
	}
	if s.Unsupported > 0 {
		parts = append(parts, fmt.Sprintf("%d unsupported", s.Unsupported))
	}
	if len(parts) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, "; %s with findings, %s", plural(s.Flagged, "file"), plural(len(r.Findings), "finding"))
	var sev []string
	for v := rules.Critical; v >= rules.Info; v-- {
		n := 0
		for _, f := range r.Findings {
			if f.Severity == v {
				n++
			}
		}
		if n > 0 {
			sev = append(sev, fmt.Sprintf("%d %s", n, v))
		}
	}
	if len(sev) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(sev, ", "))
	}
	if g := r.Gate; g != nil {
		fmt.Fprintf(&b, ", %d failing the gate", g.Failing)
		for _, x := range []struct {
			n    int
			what string
		}{{g.Approved, "approved"}, {g.Allowed, "allowed by policy"}, {g.Expired, "with an expired approval"}} {
			if x.n > 0 {
				fmt.Fprintf(&b, ", %d %s", x.n, x.what)
			}
		}
	}
	fmt.Fprintf(&b, "; %s; read %s of %s in %d ms",
		plural(len(r.Errors), "error"), HumanBytes(s.BytesRead), HumanBytes(s.Bytes), s.DurationMS)
	return b.String()
}

// statusText marks findings that do not simply count towards the gate.
func statusText(f Finding) string {
	var s string
	switch f.Status {
	case StatusApproved:
		s = " [approved: " + Clean(approvalRef(f), 60) + "]"
	case StatusAllowed:
		s = " [allowed: " + Clean(f.Reason, 100) + "]"
	case StatusExpired:
		s = " [approval " + Clean(approvalRef(f), 60) + " expired"
		if f.Approval != nil {
			s += " " + Clean(f.Approval.Expires, 30)
		}
		s += "]"
	}
	if f.Note != "" && f.Status != StatusExpired {
		s += " [" + Clean(f.Note, 160) + "]"
	}
	return s
}

func approvalRef(f Finding) string {
	if f.Approval == nil {
		return "?"
	}
	return f.Approval.Reference
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// HumanBytes formats a byte count with a binary unit (1.5 MiB).
func HumanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// Clean makes a value from a file safe to print on a terminal: control
// characters (escape sequences, newlines, tabs) become visible escapes, and
// the result is cut to max runes with an ellipsis.
func Clean(s string, max int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n >= max {
			b.WriteString("…")
			break
		}
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == unicode.ReplacementChar:
			b.WriteRune('?')
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		n++
	}
	return b.String()
}

// maxClean bounds what clean keeps of a value before it is fitted to a
// column (a value may be megabytes long).
const maxClean = 4096

// clean escapes a value for the text report, keeping at most maxClean runes.
func clean(s string) string { return Clean(s, maxClean) }

// shellQuote quotes a (cleaned) path for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_./:@%+=,-", r)))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// spacedHex groups a hex string by bytes: "89504e47" -> "89 50 4e 47".
func spacedHex(h string) string {
	var b strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(h[i:min(i+2, len(h))])
	}
	return b.String()
}

// shrink is one step of fitColumns: column col may shrink down to min.
type shrink struct{ col, min int }

// fitColumns returns the widths of a table's columns so that a line (indent,
// the columns and the gaps between them) fits in width: the steps shrink
// columns in turn, each down to its minimum. width 0 keeps the natural
// widths. A line that cannot fit keeps the minimums: the terminal wraps it,
// but the columns stay aligned.
func fitColumns(width, indent, gap int, natural []int, steps ...shrink) []int {
	w := append([]int(nil), natural...)
	if width <= 0 {
		return w
	}
	total := indent + gap*(len(w)-1)
	for _, x := range w {
		total += x
	}
	for _, st := range steps {
		if total <= width {
			break
		}
		if d := min(total-width, w[st.col]-st.min); d > 0 {
			w[st.col] -= d
			total -= d
		}
	}
	return w
}

// displayWidth is the number of terminal columns s takes.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// runeWidth is the number of terminal columns r takes: 0 for combining
// marks, 2 for East Asian wide and full-width characters and emoji, else 1.
func runeWidth(r rune) int {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me) || r == 0x200b:
		return 0
	case r >= 0x1100 && r <= 0x115f, r >= 0x2e80 && r <= 0xa4cf && r != 0x303f,
		r >= 0xac00 && r <= 0xd7a3, r >= 0xf900 && r <= 0xfaff, r >= 0xfe30 && r <= 0xfe4f,
		r >= 0xff00 && r <= 0xff60, r >= 0xffe0 && r <= 0xffe6,
		r >= 0x1f300 && r <= 0x1f64f, r >= 0x1f900 && r <= 0x1f9ff, r >= 0x20000 && r <= 0x3fffd:
		return 2
	}
	return 1
}

// cutRight cuts s to at most w columns, ending with "…" when cut.
func cutRight(s string, w int) string {
	if displayWidth(s) <= w {
		return s
	}
	if w <= 0 {
		return ""
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		rw := runeWidth(r)
		if n+rw > w-1 {
			break
		}
		b.WriteRune(r)
		n += rw
	}
	return b.String() + "…"
}

// cutLeft cuts s to at most w columns, starting with "…" when cut: the end
// of a path (the file name) is what tells it apart.
func cutLeft(s string, w int) string {
	if displayWidth(s) <= w {
		return s
	}
	if w <= 0 {
		return ""
	}
	rs := []rune(s)
	n, i := 0, len(rs)
	for i > 0 && n+runeWidth(rs[i-1]) <= w-1 {
		i--
		n += runeWidth(rs[i])
	}
	return "…" + string(rs[i:])
}

// padRight pads s with spaces to w columns.
func padRight(s string, w int) string {
	if d := w - displayWidth(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}

// padLeft right-aligns s in w columns.
func padLeft(s string, w int) string {
	if d := w - displayWidth(s); d > 0 {
		return strings.Repeat(" ", d) + s
	}
	return s
}
