package scanner

import (
	"github.com/provscan/provscan/scanner/report"
	"github.com/provscan/provscan/scanner/rules"
)

// Failing returns the findings that fail the gate: those at or above
// threshold. ParseSeverity("none") is above every severity, so nothing fails.
func Failing(r *report.Report, threshold rules.Severity) []report.Finding {
	var out []report.Finding
	for _, f := range r.Findings {
		if f.Severity >= threshold {
			out = append(out, f)
		}
	}
	return out
}
