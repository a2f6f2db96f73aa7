package policy

import (
	"fmt"

	"github.com/provscan/provscan/scanner/report"
	"github.com/provscan/provscan/scanner/rules"
)

// Gate is what the gate is asked to refuse, resolved from the options.
type Gate struct {
	FailOn          rules.Severity
	AllowUnreadable bool
	AllowEmpty      bool
	Unsupported     string // report.UnsupportedReport or report.UnsupportedFail
}

// ApplyGate marks the findings that fail the gate and records the decision.
// The gate fails closed: "passed" means every file under the roots was
// inspected (or excluded by the policy in force) and no open finding is at
// or above failOn. So, unless relaxed, it fails on
//   - an open (or expired-approval) finding at or above failOn;
//   - a file that could not be inspected: an unreadable finding, or a scan
//     error (permission denied, vanished, unreadable folder);
//   - a scan that inspected no file at all;
//   - with unsupported "fail", a file of a format provscan does not read.
func ApplyGate(r *report.Report, gp Gate) {
	g := &report.Gate{
		FailOn:          gp.FailOn.String(),
		Strict:          !gp.AllowUnreadable,
		AllowUnreadable: gp.AllowUnreadable,
		AllowEmpty:      gp.AllowEmpty,
		Unsupported:     gp.Unsupported,
		Reasons:         []string{},
	}
	if g.Unsupported == "" {
		g.Unsupported = report.UnsupportedReport
	}
	unreadable := 0
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
		if f.Rule == rules.Unreadable {
			unreadable++
		}
		f.FailsGate = gating(f.Status) && (f.Severity >= gp.FailOn || !gp.AllowUnreadable && f.Rule == rules.Unreadable)
		if f.FailsGate {
			g.Failing++
		}
	}
	g.NotInspected = unreadable + len(r.Errors)
	if g.Failing > 0 {
		g.Reasons = append(g.Reasons, fmt.Sprintf("%s failing the gate (open, at or above %s%s)",
			plural(g.Failing, "finding"), g.FailOn, map[bool]string{true: "", false: ", or unreadable"}[gp.AllowUnreadable]))
	}
	if !gp.AllowUnreadable && len(r.Errors) > 0 {
		g.Reasons = append(g.Reasons, fmt.Sprintf("%s could not be scanned (see errors; --allow-unreadable relaxes this)", plural(len(r.Errors), "path")))
	}
	if g.Unsupported == report.UnsupportedFail && len(r.Unsupported) > 0 {
		g.Reasons = append(g.Reasons, fmt.Sprintf("%s of a format provscan does not read (policy unsupported: fail)", plural(len(r.Unsupported), "file")))
	}
	if !gp.AllowEmpty && r.Summary.Inspected == 0 && !r.Incomplete {
		g.Reasons = append(g.Reasons, "no file was inspected (nothing under the roots, or nothing provscan reads); --allow-empty accepts that")
	}
	g.Failed = len(g.Reasons) > 0
	r.Gate = g
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// Failed reports whether the scan fails the gate (exit code 1).
func Failed(r *report.Report) bool { return r.Gate != nil && r.Gate.Failed }
