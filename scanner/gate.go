package scanner

import (
	"github.com/provscan/provscan/scanner/report"
	"github.com/provscan/provscan/scanner/rules"
)

// applyGate marks the findings that fail the gate and records the decision:
// an open (or expired-approval) finding at or above failOn fails; with strict,
// so does every unreadable file and every file that could not be scanned.
func applyGate(r *report.Report, failOn rules.Severity, strict bool) {
	g := &report.Gate{FailOn: failOnName(failOn), Strict: strict}
	for i := range r.Findings {
		f := &r.Findings[i]
		switch f.Status {
		case report.StatusApproved:
			g.Approved++
		case report.StatusAllowed:
			g.Allowed++
		case report.StatusExpired:
			g.Expired++
		}
		gating := f.Status == report.StatusOpen || f.Status == report.StatusExpired
		f.FailsGate = gating && (f.Severity >= failOn || strict && f.Rule == rules.Unreadable)
		if f.FailsGate {
			g.Failing++
		}
	}
	g.Failed = g.Failing > 0 || strict && len(r.Errors) > 0
	r.Gate = g
}

func failOnName(s rules.Severity) string {
	if s > rules.Critical {
		return "none"
	}
	return s.String()
}

// Failed reports whether the scan's findings fail the gate (exit code 1).
func Failed(r *report.Report) bool { return r.Gate != nil && r.Gate.Failed }
