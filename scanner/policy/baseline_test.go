package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/provscan/provscan/scanner/report"
	"github.com/provscan/provscan/scanner/rules"
)

// writeBaseline writes a JSON report holding fs and loads it as a baseline.
func writeBaseline(t *testing.T, fs []report.Finding) *Baseline {
	t.Helper()
	for i := range fs {
		fs[i].Fingerprint = Fingerprint(fs[i].Rule, fs[i].Size, fs[i].Evidence, fs[i].Message, fs[i].Path)
	}
	b, err := json.Marshal(report.Report{Schema: report.SchemaVersion, Findings: fs})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "old.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	bl, err := LoadBaseline(p)
	if err != nil {
		t.Fatal(err)
	}
	return bl
}

func finding(path, status string, ev ...report.Evidence) report.Finding {
	f := report.Finding{Path: path, Rule: rules.GenAIGenerator, Severity: rules.High, Size: 100, Status: status, Evidence: ev, Message: "signature of X"}
	f.Fingerprint = Fingerprint(f.Rule, f.Size, f.Evidence, f.Message, f.Path)
	return f
}

// TestBaselineKeepsWhatFailsNow: a baseline hides what was known, never a
// finding that did not count towards the gate then and does now.
func TestBaselineKeepsWhatFailsNow(t *testing.T) {
	ev := report.Evidence{Container: "PNG tEXt", Field: "parameters", Value: "a cat, Steps: 20"}
	for _, tc := range []struct {
		name     string
		then     report.Finding
		now      report.Finding
		reported bool
	}{
		{"known and still open", finding("a.png", report.StatusOpen, ev), finding("a.png", report.StatusOpen, ev), false},
		{"approved then, approved now", finding("a.png", report.StatusApproved, ev), finding("a.png", report.StatusApproved, ev), false},
		{"approved then, the approval expired", finding("a.png", report.StatusApproved, ev), finding("a.png", report.StatusExpired, ev), true},
		{"approved then, the approval withdrawn", finding("a.png", report.StatusApproved, ev), finding("a.png", report.StatusOpen, ev), true},
		{"allowed in work-in-progress, moved to the deliverables", finding("wip/a.png", report.StatusAllowed, ev), finding("stills/a.png", report.StatusOpen, ev), true},
		{"open then, moved", finding("old/a.png", report.StatusOpen, ev), finding("new/a.png", report.StatusOpen, ev), false},
		{"unreadable then for one reason, now for another", report.Finding{Path: "b.png", Rule: rules.Unreadable, Severity: rules.Info, Size: 9, Status: report.StatusOpen, Message: "could not be read: truncated"},
			report.Finding{Path: "b.png", Rule: rules.Unreadable, Severity: rules.Info, Size: 9, Status: report.StatusOpen, Message: "could not be read: bad CRC"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bl := writeBaseline(t, []report.Finding{tc.then})
			now := tc.now
			now.Fingerprint = Fingerprint(now.Rule, now.Size, now.Evidence, now.Message, now.Path)
			out, _ := bl.Filter([]report.Finding{now})
			if got := len(out) == 1; got != tc.reported {
				t.Errorf("reported %v, want %v", got, tc.reported)
			}
		})
	}
}

func TestParseExpiryRefusesAncientDates(t *testing.T) {
	for _, s := range []string{"0000-12-31", "0001-01-01T00:00:00Z", "1999-12-31"} {
		if _, err := ParseExpiry(s); err == nil {
			t.Errorf("%s accepted: it would read as no expiry, or as long past", s)
		}
	}
	if d, err := ParseExpiry("2026-12-31"); err != nil || d.IsZero() {
		t.Errorf("a real date: %v %v", d, err)
	}
}
