package report

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// JUnit XML elements (the de-facto schema read by CI test dashboards).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string         `xml:"name,attr"`
	Classname string         `xml:"classname,attr"`
	Failure   *junitProblem  `xml:"failure,omitempty"`
	Errors    []junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped  `xml:"skipped,omitempty"`
	SystemOut string         `xml:"system-out,omitempty"`

	failing []junitItem // what fails the gate in this file, merged into Failure
}

// junitItem is one reason a test case fails.
type junitItem struct{ head, typ, text string }

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func init() {
	Register(Format{Name: "junit", Rank: 3, Write: func(w io.Writer, r *Report, _ TextOptions) error { return WriteJUnit(w, r) }})
}

// WriteJUnit writes r as JUnit XML: one test suite per scanned root, one test
// case per scanned file (archive members included), with one <failure> when
// findings of the file fail the gate (its message counts them, its text
// lists each), an <error> per file that could not be scanned, and files of
// unsupported formats <skipped> (or failed, when the gate's unsupported is
// "fail"). Other findings (below the threshold, approved, allowed) are listed
// in the test case's system-out. The gate's verdict and reasons are
// properties of each suite.
func WriteJUnit(w io.Writer, r *Report) error {
	type key struct{ root, path string }
	cases := map[key]*junitCase{}
	suites := make([]junitSuite, len(r.Roots))
	suiteOf := map[string]int{}
	for i, root := range r.Roots {
		suites[i] = junitSuite{Name: root, Timestamp: r.Started}
		suiteOf[root] = i
	}
	if len(suites) == 0 {
		suites = []junitSuite{{Name: "provscan"}}
	}
	order := map[int][]key{}
	get := func(root, path string) *junitCase {
		k := key{root, path}
		if c, ok := cases[k]; ok {
			return c
		}
		c := &junitCase{Name: path, Classname: "provscan." + root}
		cases[k] = c
		i := suiteOf[root]
		order[i] = append(order[i], k)
		return c
	}
	for _, s := range r.Scanned {
		get(s.Root, s.Path)
	}
	for _, f := range r.Findings {
		c := get(f.Root, f.Path)
		if f.FailsGate {
			c.failing = append(c.failing, junitItem{fmt.Sprintf("%s (%s): %s", f.Rule, f.Severity, f.Message), f.Rule, junitDetail(f)})
			continue
		}
		line := fmt.Sprintf("%s %s [%s]: %s", f.Severity, f.Rule, f.Status, f.Message)
		if c.SystemOut != "" {
			c.SystemOut += "\n"
		}
		c.SystemOut += line
	}
	for _, e := range r.Errors {
		c := get(e.Root, e.Path)
		c.Errors = append(c.Errors, junitProblem{Message: e.Error, Type: "scan-error", Text: e.Error})
	}
	unsupportedFails := r.Gate != nil && r.Gate.Unsupported == UnsupportedFail
	for _, u := range r.Unsupported {
		c := get(u.Root, u.Path)
		msg := "not inspected: a format provscan does not read"
		if u.LooksLike != "" {
			msg += " (looks like " + u.LooksLike + ")"
		}
		if unsupportedFails {
			c.failing = append(c.failing, junitItem{"unsupported: " + msg + "; the policy's unsupported: fail makes it fail the gate", "unsupported",
				fmt.Sprintf("size: %d\nhead: %s\n", u.Size, u.Head)})
			continue
		}
		if c.Skipped == nil {
			c.Skipped = &junitSkipped{Message: msg}
		}
	}
	for _, c := range cases {
		if len(c.failing) > 0 {
			c.Failure = junitFailure(c.failing)
			c.Skipped = nil // a failed case is not skipped
		}
	}
	top := junitSuites{Name: "provscan"}
	for i := range suites {
		s := &suites[i]
		for _, k := range order[i] {
			c := cases[k]
			s.Cases = append(s.Cases, *c)
			s.Tests++
			switch {
			case c.Failure != nil:
				s.Failures++
			case len(c.Errors) > 0:
				s.Errors++
			case c.Skipped != nil:
				s.Skipped++
			}
		}
		if g := r.Gate; g != nil {
			verdict := "passed"
			if g.Failed {
				verdict = "failed"
			}
			s.Properties = []junitProperty{{"gate", verdict}, {"fail_on", g.FailOn}, {"strict", fmt.Sprint(g.Strict)},
				{"unsupported", g.Unsupported}, {"gate_reasons", strings.Join(g.Reasons, "; ")}}
		}
		if p := r.Policy; p != nil {
			s.Properties = append(s.Properties,
				junitProperty{"policy_files", policyFileList(p.Files)},
				junitProperty{"policy_not_applied", policyFileList(p.NotApplied)},
				junitProperty{"tree_policy", fmt.Sprint(p.TreePolicy)},
				junitProperty{"excluded", fmt.Sprint(r.Summary.Excluded)})
		}
		s.Properties = append(s.Properties, coverageProperties(r, s.Name)...)
		if r.Incomplete {
			// An interrupted scan: the suite says so, and one errored case
			// keeps a CI summary from showing the files done as a pass.
			s.Properties = append(s.Properties, junitProperty{"incomplete", "true"})
			s.Cases = append(s.Cases, junitCase{Name: "provscan: scan complete", Classname: "provscan",
				Errors: []junitProblem{{Message: "scan interrupted: the results hold only the files done so far", Type: "incomplete",
					Text: "the scan was stopped (SIGINT or SIGTERM) before every file was inspected"}}})
			s.Tests++
			s.Errors++
		}
		top.Tests += s.Tests
		top.Failures += s.Failures
		top.Errors += s.Errors
		top.Skipped += s.Skipped
	}
	top.Suites = suites
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(top); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitFailure merges what fails the gate in one file into one failure: its
// message counts the findings, its text lists every one.
func junitFailure(fs []junitItem) *junitProblem {
	if len(fs) == 1 {
		return &junitProblem{Message: fs[0].head, Type: fs[0].typ, Text: fs[0].text}
	}
	var ids []string
	seen := map[string]bool{}
	var b strings.Builder
	for i, f := range fs {
		if !seen[f.typ] {
			seen[f.typ] = true
			ids = append(ids, f.typ)
		}
		fmt.Fprintf(&b, "--- finding %d of %d: %s\n%s", i+1, len(fs), f.head, f.text)
	}
	return &junitProblem{
		Message: fmt.Sprintf("%d findings fail the gate: %s", len(fs), strings.Join(ids, ", ")),
		Type:    strings.Join(ids, ","),
		Text:    b.String(),
	}
}

func junitDetail(f Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "rule: %s\nseverity: %s\nprinciple: %s\n", f.Rule, f.Severity, f.Principle)
	if f.Generator != "" {
		fmt.Fprintf(&b, "generator: %s\n", f.Generator)
	}
	fmt.Fprintf(&b, "confidence: %s\n", f.Confidence)
	if f.SHA256 != "" {
		fmt.Fprintf(&b, "sha256: %s\n", f.SHA256)
	}
	if f.Note != "" {
		fmt.Fprintf(&b, "note: %s\n", f.Note)
	}
	for _, e := range f.Evidence {
		loc := e.Container
		if e.Location != "" {
			loc += " > " + e.Location
		}
		fmt.Fprintf(&b, "evidence: %s @%d %s = %s\n", loc, e.Offset, e.Field, e.Value)
	}
	return b.String()
}

// policyFileList names policy files in one property value: "kind path
// sha256:HEX (source)", separated by "; ".
func policyFileList(fs []PolicyFile) string {
	parts := make([]string, 0, len(fs))
	for _, f := range fs {
		s := f.Kind + " " + f.Path
		if f.SHA256 != "" {
			s += " sha256:" + f.SHA256
		}
		parts = append(parts, s+" ("+f.Source+")")
	}
	return strings.Join(parts, "; ")
}

// maxJUnitSequences bounds the sequences a suite property names.
const maxJUnitSequences = 100

// coverageProperties are the suite properties that say what the scan read
// and what it did not (the whole scan's coverage), and the sequences and
// IMF packages under the suite's root.
func coverageProperties(r *Report, root string) []junitProperty {
	var out []junitProperty
	if c := r.Coverage; c != nil {
		counts := func(fcs []FormatCount) string {
			parts := make([]string, 0, len(fcs))
			for _, fc := range fcs {
				parts = append(parts, fmt.Sprintf("%s: %d files, %d bytes, %d inspected", fc.Name, fc.Files, fc.Bytes, fc.Inspected))
			}
			return strings.Join(parts, "; ")
		}
		n := c.NotRead
		out = append(out,
			junitProperty{"coverage_files", fmt.Sprintf("%d files, %d bytes; %d inspected, %d bytes", c.Files, c.Bytes, c.Inspected.Files, c.Inspected.Bytes)},
			junitProperty{"coverage_by_family", counts(c.ByFamily)},
			junitProperty{"coverage_by_media", counts(c.ByMedia)},
			junitProperty{"coverage_by_format", counts(c.ByFormat)},
			junitProperty{"not_read", fmt.Sprintf("%d unsupported (%d bytes), %d unreadable (%d bytes), %d errors, %d excluded",
				n.Unsupported.Files, n.Unsupported.Bytes, n.Unreadable.Files, n.Unreadable.Bytes, n.Errors, n.Excluded)})
	}
	var seqs, pkgs []string
	more := 0
	for i := range r.Sequences {
		if s := &r.Sequences[i]; s.Root == root {
			if len(seqs) == maxJUnitSequences {
				more++
				continue
			}
			seqs = append(seqs, SequenceLine(s))
		}
	}
	if more > 0 {
		seqs = append(seqs, fmt.Sprintf("and %d more (the JSON report lists them)", more))
	}
	for _, p := range r.Packages {
		if p.Root == root {
			pkgs = append(pkgs, fmt.Sprintf("%s %s (%d of %d assets present)", p.AssetMap, cmp.Or(p.Annotation, p.ID), p.Present, p.Assets))
		}
	}
	if len(seqs) > 0 {
		out = append(out, junitProperty{"sequences", strings.Join(seqs, "; ")})
	}
	if len(pkgs) > 0 {
		out = append(out, junitProperty{"imf_packages", strings.Join(pkgs, "; ")})
	}
	return out
}
