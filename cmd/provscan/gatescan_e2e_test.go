package main

import (
	"path/filepath"
	"testing"
)

// scanFailing scans dir with the default gate and returns the exit code,
// the failing rules per file name and the report's text.
func scanFailing(t *testing.T, bin, dir string) (int, map[string]string, string) {
	t.Helper()
	r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", dir)
	rep := parseReport(t, r)
	got := map[string]string{}
	for _, f := range rep.Findings {
		if f.FailsGate {
			got[filepath.Base(f.Path)] += f.Rule + " "
		}
	}
	return r.code, got, r.stdout
}

// failingPaths returns the paths of the files with a finding that fails the
// gate.
func (rep jsonReport) failingPaths() map[string]bool {
	failing := map[string]bool{}
	for _, f := range rep.Findings {
		if f.FailsGate {
			failing[f.Path] = true
		}
	}
	return failing
}
