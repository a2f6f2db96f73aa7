package report

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"unicode"

	"golang.org/x/term"

	"github.com/provscan/provscan/scanner/rules"
)

// TextOptions tune the text report.
type TextOptions struct {
	// Color adds ANSI colours to the severity headings (see ColorFor).
	Color bool
	// Evidence lists the evidence under each finding.
	Evidence bool
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

var severityColor = map[rules.Severity]string{
	rules.Critical: "\x1b[1;35m",
	rules.High:     "\x1b[1;31m",
	rules.Medium:   "\x1b[33m",
	rules.Low:      "\x1b[36m",
	rules.Info:     "\x1b[2m",
}

const colorReset = "\x1b[0m"

// WriteText writes r as a table of findings grouped by severity (highest
// first), then the errors, then a one-line summary.
func WriteText(w io.Writer, r *Report, opts TextOptions) error {
	ew := &errWriter{w: w}
	for sev := rules.Critical; sev >= rules.Info; sev-- {
		var group []Finding
		for _, f := range r.Findings {
			if f.Severity == sev {
				group = append(group, f)
			}
		}
		if len(group) == 0 {
			continue
		}
		head := fmt.Sprintf("%s (%d)", strings.ToUpper(sev.String()), len(group))
		if opts.Color {
			head = severityColor[sev] + head + colorReset
		}
		fmt.Fprintln(ew, head)
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		for _, f := range group {
			gen := f.Generator
			if gen == "" {
				gen = "-"
			}
			path := f.Path
			if f.Root != "" && len(r.Roots) > 1 {
				path = f.Root + ": " + path
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s%s\n", Clean(path, 120), f.Rule, Clean(gen, 40), Clean(f.Message, 160), statusText(f))
			if opts.Evidence {
				for _, e := range f.Evidence {
					loc := e.Container
					if e.Location != "" {
						loc += " > " + e.Location
					}
					fmt.Fprintf(tw, "  \t  %s @%d\t%s\t%s\n", Clean(loc, 80), e.Offset, Clean(e.Field, 40), Clean(e.Value, 120))
				}
			}
		}
		tw.Flush()
		fmt.Fprintln(ew)
	}
	for _, f := range r.Findings {
		if f.FailsGate {
			fmt.Fprintln(ew, "* fails the gate")
			fmt.Fprintln(ew)
			break
		}
	}
	if len(r.Errors) > 0 {
		head := fmt.Sprintf("ERRORS (%d)", len(r.Errors))
		if opts.Color {
			head = "\x1b[1m" + head + colorReset
		}
		fmt.Fprintln(ew, head)
		for _, e := range r.Errors {
			fmt.Fprintf(ew, "  %s: %s\n", Clean(e.Path, 160), Clean(e.Error, 200))
		}
		fmt.Fprintln(ew)
	}
	fmt.Fprintln(ew, SummaryLine(r))
	return ew.err
}

// SummaryLine is the one-line summary at the end of the text report.
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
	if s.Unsupported > 0 {
		fmt.Fprintf(&b, ", %d unsupported", s.Unsupported)
	}
	fmt.Fprintf(&b, ", %d flagged, %s", s.Flagged, plural(len(r.Findings), "finding"))
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
	fmt.Fprintf(&b, ", %s; read %s of %s in %d ms",
		plural(len(r.Errors), "error"), HumanBytes(s.BytesRead), HumanBytes(s.Bytes), s.DurationMS)
	if g := r.Gate; g != nil {
		var extra []string
		for _, x := range []struct {
			n    int
			what string
		}{{g.Approved, "approved"}, {g.Allowed, "allowed by policy"}, {g.Expired, "with an expired approval"}} {
			if x.n > 0 {
				extra = append(extra, fmt.Sprintf("%d %s", x.n, x.what))
			}
		}
		verdict := "passed"
		if g.Failed {
			verdict = "FAILED"
		}
		fmt.Fprintf(&b, "; gate %s (fail-on %s", verdict, g.FailOn)
		if g.Strict {
			b.WriteString(", strict")
		}
		fmt.Fprintf(&b, ": %d failing", g.Failing)
		if len(extra) > 0 {
			b.WriteString(", " + strings.Join(extra, ", "))
		}
		b.WriteString(")")
	}
	return b.String()
}

// statusText marks findings that do not simply count towards the gate.
func statusText(f Finding) string {
	var s string
	switch f.Status {
	case StatusApproved:
		s = " [approved: " + Clean(f.Approval.Reference, 60) + "]"
	case StatusAllowed:
		s = " [allowed: " + Clean(f.Reason, 100) + "]"
	case StatusExpired:
		s = " [approval " + Clean(f.Approval.Reference, 60) + " expired " + f.Approval.Expires + "]"
	}
	if f.Note != "" && f.Status != StatusExpired {
		s += " [" + Clean(f.Note, 160) + "]"
	}
	if f.FailsGate {
		s += " *"
	}
	return s
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

// errWriter remembers the first write error so that writers can check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
