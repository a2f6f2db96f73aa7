package scanner

import (
	"fmt"

	"github.com/provscan/provscan/scanner/report"
	"github.com/provscan/provscan/scanner/rules"
)

// gatePolicy is what the gate is asked to refuse, resolved from the options.
type gatePolicy struct {
	failOn          rules.Severity
	allowUnreadable bool
	allowEmpty      bool
	unsupported     string // report.UnsupportedReport or report.UnsupportedFail
}

// applyGate marks the findings that fail the gate and records the decision.
// The gate fails closed: "passed" means every file under the roots was
// inspected (or excluded by the policy in force) and no open finding is at
// or above failOn. So, unless relaxed, it fails on
//   - an open (or expired-approval) finding at or above failOn;
//   - a file that could not be inspected: an unreadable finding, or a scan
//     error (permission denied, vanished, unreadable folder);
//   - a scan that inspected no file at all;
//   - with unsupported "fail", a file of a format provscan does not read.
func applyGate(r *report.Report, gp gatePolicy) {
	g := &report.Gate{
		FailOn:          failOnName(gp.failOn),
		Strict:          !gp.allowUnreadable,
		AllowUnreadable: gp.allowUnreadable,
		AllowEmpty:      gp.allowEmpty,
		Unsupported:     gp.unsupported,
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
		gating := f.Status == report.StatusOpen || f.Status == report.StatusExpired
		if f.Rule == rules.Unreadable {
			unreadable++
		}
		f.FailsGate = gating && (f.Severity >= gp.failOn || !gp.allowUnreadable && f.Rule == rules.Unreadable)
		if f.FailsGate {
			g.Failing++
		}
	}
	g.NotInspected = unreadable + len(r.Errors)
	if g.Failing > 0 {
		g.Reasons = append(g.Reasons, fmt.Sprintf("%s failing the gate (open, at or above %s%s)",
			plural(g.Failing, "finding"), g.FailOn, map[bool]string{true: "", false: ", or unreadable"}[gp.allowUnreadable]))
	}
	if !gp.allowUnreadable && len(r.Errors) > 0 {
		g.Reasons = append(g.Reasons, fmt.Sprintf("%s could not be scanned (see errors; --allow-unreadable relaxes this)", plural(len(r.Errors), "path")))
	}
	if g.Unsupported == report.UnsupportedFail && len(r.Unsupported) > 0 {
		g.Reasons = append(g.Reasons, fmt.Sprintf("%s of a format provscan does not read (policy unsupported: fail)", plural(len(r.Unsupported), "file")))
	}
	if !gp.allowEmpty && r.Summary.Inspected == 0 && !r.Incomplete {
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

func failOnName(s rules.Severity) string {
	if s > rules.Critical {
		return "none"
	}
	return s.String()
}

// Failed reports whether the scan fails the gate (exit code 1).
func Failed(r *report.Report) bool { return r.Gate != nil && r.Gate.Failed }
