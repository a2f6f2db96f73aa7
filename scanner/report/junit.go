package report

import (
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
	Failures  []junitProblem `xml:"failure,omitempty"`
	Errors    []junitProblem `xml:"error,omitempty"`
	SystemOut string         `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes r as JUnit XML: one test suite per scanned root, one test
// case per scanned file (archive members included), a <failure> per finding
// that fails the gate, an <error> per file that could not be scanned. Other
// findings (below the threshold, approved, allowed) are listed in the test
// case's system-out.
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
			c.Failures = append(c.Failures, junitProblem{
				Message: fmt.Sprintf("%s (%s): %s", f.Rule, f.Severity, f.Message),
				Type:    f.Rule,
				Text:    junitDetail(f),
			})
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
	top := junitSuites{Name: "provscan"}
	for i := range suites {
		s := &suites[i]
		for _, k := range order[i] {
			c := cases[k]
			s.Cases = append(s.Cases, *c)
			s.Tests++
			if len(c.Failures) > 0 {
				s.Failures++
			}
			if len(c.Errors) > 0 {
				s.Errors++
			}
		}
		if r.Gate != nil {
			s.Properties = []junitProperty{{"fail_on", r.Gate.FailOn}, {"strict", fmt.Sprint(r.Gate.Strict)}}
		}
		top.Tests += s.Tests
		top.Failures += s.Failures
		top.Errors += s.Errors
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

func junitDetail(f Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "rule: %s\nseverity: %s\nprinciple: %s\n", f.Rule, f.Severity, f.Principle)
	if f.Generator != "" {
		fmt.Fprintf(&b, "generator: %s\n", f.Generator)
	}
	fmt.Fprintf(&b, "confidence: %s\nsha256: %s\n", f.Confidence, f.SHA256)
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
