package scanner

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/provscan/provscan/scanner/report"
)

// Fingerprint identifies a finding for --baseline: rule, content hash and path.
func Fingerprint(rule, sha256, path string) string {
	return rule + ":" + sha256 + ":" + path
}

// Baseline is an earlier JSON report whose findings are not reported again.
//
// A finding is known (and not reported) when the baseline has a finding with
// the same rule and the same file content (SHA-256): at the same path it is
// unchanged, at another path the file was moved or copied. A file whose
// content changed has a new hash, so its findings are new, even at the same
// path. Findings without a hash (the file could not be hashed) match on rule
// and path.
type Baseline struct {
	Path    string
	exact   map[string]bool // fingerprints
	content map[string]bool // rule:sha256
}

// LoadBaseline reads a JSON report written by provscan scan --format json.
func LoadBaseline(path string) (*Baseline, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	var r report.Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("baseline %s: not a provscan JSON report: %w", path, err)
	}
	if !strings.HasPrefix(r.Schema, "provscan.report/") {
		return nil, fmt.Errorf("baseline %s: not a provscan JSON report (schema %q)", path, r.Schema)
	}
	bl := &Baseline{Path: path, exact: map[string]bool{}, content: map[string]bool{}}
	for _, f := range r.Findings {
		bl.exact[Fingerprint(f.Rule, f.SHA256, f.Path)] = true
		if f.SHA256 != "" {
			bl.content[f.Rule+":"+f.SHA256] = true
		}
	}
	return bl, nil
}

// filter drops the known findings and counts them.
func (bl *Baseline) filter(fs []report.Finding) ([]report.Finding, *report.BaselineSummary) {
	sum := &report.BaselineSummary{File: bl.Path}
	out := fs[:0]
	for _, f := range fs {
		switch {
		case bl.exact[f.Fingerprint]:
			sum.Unchanged++
		case f.SHA256 != "" && bl.content[f.Rule+":"+f.SHA256]:
			sum.Moved++
		default:
			sum.New++
			out = append(out, f)
		}
	}
	return out, sum
}
