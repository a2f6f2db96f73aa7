package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProgressNeverOnANonTerminal(t *testing.T) {
	dir := tree(t, map[string]string{"a.png": "GENAI\n", "b.png": "CLEAN\n"})
	// a real *os.File that is not a terminal
	errFile, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer errFile.Close()
	r, w, _ := os.Pipe()
	defer r.Close()
	for _, stderr := range []io.Writer{errFile, w} {
		if progressOn(stderr, false) {
			t.Errorf("%T counted as a terminal", stderr)
		}
	}
	w.Close()
	var out strings.Builder
	code := run(t.Context(), []string{"scan", dir}, &out, errFile)
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	if b, _ := os.ReadFile(errFile.Name()); len(b) != 0 {
		t.Errorf("stderr is not a terminal but got %q", b)
	}

	// The negative result means something: on a "terminal" the bar is drawn,
	// and --quiet still hides it.
	saved := isTerminal
	isTerminal = func(io.Writer) bool { return true }
	defer func() { isTerminal = saved }()
	var fake strings.Builder
	run(t.Context(), []string{"scan", dir}, io.Discard, &fake)
	if !strings.Contains(fake.String(), "scanning") {
		t.Errorf("no progress drawn on a terminal: %q", fake.String())
	}
	fake.Reset()
	run(t.Context(), []string{"scan", "--quiet", dir}, io.Discard, &fake)
	if fake.Len() != 0 {
		t.Errorf("--quiet drew %q", fake.String())
	}
}

func TestSeveralReports(t *testing.T) {
	dir := tree(t, map[string]string{"a.png": "GENAI\n", "b.png": "CLEAN\n", "p.png": "PROMPT\n"})
	out := t.TempDir()
	j, s, x := filepath.Join(out, "r.json"), filepath.Join(out, "r.sarif"), filepath.Join(out, "r.xml")
	code, stdout, stderr := runCLI("scan", "--report", "json="+j, "--report", "sarif="+s, "--report", "junit="+x, dir)
	if code != 1 || stderr != "" {
		t.Fatalf("exit %d stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, "HIGH (1)") {
		t.Errorf("standard output should still get the text report:\n%s", stdout)
	}
	var rep struct {
		Findings []any `json:"findings"`
	}
	if b, _ := os.ReadFile(j); json.Unmarshal(b, &rep) != nil || len(rep.Findings) != 2 {
		t.Errorf("json report: %d findings", len(rep.Findings))
	}
	var sarif struct {
		Version string `json:"version"`
	}
	if b, _ := os.ReadFile(s); json.Unmarshal(b, &sarif) != nil || sarif.Version != "2.1.0" {
		t.Errorf("sarif report version %q", sarif.Version)
	}
	var junit struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if b, _ := os.ReadFile(x); xml.Unmarshal(b, &junit) != nil || junit.Tests != 3 || junit.Failures != 1 {
		t.Errorf("junit report: %+v", junit)
	}
	code, stdout, _ = runCLI("scan", "--format", "sarif", dir)
	if code != 1 || !strings.Contains(stdout, `"version": "2.1.0"`) {
		t.Errorf("--format sarif: %d", code)
	}
	for _, bad := range [][]string{
		{"--report", "xml=" + j}, {"--report", "json"}, {"--report", "json="}, {"--report", "json=" + j, "--report", "sarif=" + j},
		{"--report", "json=" + filepath.Join(out, "no", "such", "dir.json")},
	} {
		if code, _, _ := runCLI(append(append([]string{"scan"}, bad...), dir)...); code != 2 {
			t.Errorf("scan %v: exit %d, want 2", bad, code)
		}
	}
}

func TestApproveCommand(t *testing.T) {
	dir := tree(t, map[string]string{"a.png": "GENAI\n", "b.png": "CLEAN\n"})
	file := filepath.Join(t.TempDir(), "approvals.yaml")
	a := filepath.Join(dir, "a.png")
	if code, _, _ := runCLI("scan", "--approvals", file, dir); code != 2 {
		t.Errorf("a missing --approvals file: exit %d, want 2", code)
	}
	for _, bad := range [][]string{
		{"approve", a, "--by", "Ana", "--approvals", file},
		{"approve", a, "--reference", "L-1", "--approvals", file},
		{"approve", "--reference", "L-1", "--by", "Ana", "--approvals", file},
		{"approve", a, "--reference", "L-1", "--by", "Ana", "--expires", "2001-01-01", "--approvals", file},
		{"approve", a, "--reference", "L-1", "--by", "Ana", "--expires", "tomorrow", "--approvals", file},
		{"approve", a, "--reference", "L-1", "--by", "Ana", "--rule", "nope", "--approvals", file},
		{"approve", filepath.Join(dir, "missing.png"), "--reference", "L-1", "--by", "Ana", "--approvals", file},
	} {
		if code, _, _ := runCLI(bad...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
	if _, err := os.Stat(file); err == nil {
		t.Error("a failed approve wrote the approvals file")
	}
	code, stdout, _ := runCLI("approve", a, "--reference", "L-1", "--by", "Ana", "--expires", "2099-12-31", "--approvals", file)
	if code != 0 || !strings.Contains(stdout, "1 approval(s) added") {
		t.Fatalf("approve: %d %q", code, stdout)
	}
	code, stdout, _ = runCLI("scan", "--approvals", file, "--format", "json", dir)
	if code != 0 || !strings.Contains(stdout, `"status": "approved"`) || !strings.Contains(stdout, `"reference": "L-1"`) {
		t.Errorf("scan after approve: exit %d\n%s", code, stdout)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("approve wrote into the approved folder: %v", entries)
	}
	// edit the file: the approval no longer covers it
	os.WriteFile(a, []byte("GENAI\nedited\n"), 0o644)
	code, stdout, _ = runCLI("scan", "--approvals", file, dir)
	if code != 1 || !strings.Contains(stdout, "covers an earlier version") {
		t.Errorf("edited file: exit %d\n%s", code, stdout)
	}
}

func TestConfigAndBaselineErrorsExit2(t *testing.T) {
	dir := tree(t, map[string]string{"a.png": "GENAI\n", ".provscan.yaml": "fail_on: hgih\n"})
	if code, _, stderr := runCLI("scan", dir); code != 2 || !strings.Contains(stderr, "fail_on") {
		t.Errorf("bad config at the root: exit %d %q", code, stderr)
	}
	clean := tree(t, map[string]string{"a.png": "GENAI\n"})
	if code, _, _ := runCLI("scan", "--baseline", filepath.Join(clean, "none.json"), clean); code != 2 {
		t.Errorf("missing baseline: exit %d", code)
	}
	if code, _, _ := runCLI("scan", "--config", filepath.Join(clean, "none.yaml"), clean); code != 2 {
		t.Errorf("missing config: exit %d", code)
	}
	if code, _, _ := runCLI("scan", "--config", filepath.Join(dir, ".provscan.yaml"), "--fail-on", "high", clean); code != 2 {
		t.Errorf("a broken --config is an error even when flags override it: exit %d", code)
	}
}

func TestInterruptedScanExits2(t *testing.T) {
	dir := tree(t, map[string]string{"a.png": "CLEAN\n"})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var o, e strings.Builder
	if code := run(ctx, []string{"scan", dir}, &o, &e); code != 2 || !strings.Contains(e.String(), "interrupted") {
		t.Errorf("interrupted scan: exit %d, stderr %q", code, e.String())
	}
}

func TestTrustFlagsNeedCertificates(t *testing.T) {
	dir := tree(t, map[string]string{"a.png": "CLEAN\n", "empty.pem": "no certificate here\n"})
	for _, args := range [][]string{
		{"scan", "--trust-anchors", dir + "/missing.pem", dir},
		{"scan", "--allowed-signers", dir + "/empty.pem", dir},
		{"inspect", "--trust-anchors", dir + "/empty.pem", dir + "/a.png"},
	} {
		if code, _, stderr := runCLI(args...); code != 2 || !strings.Contains(stderr, "--") {
			t.Errorf("%v: exit %d, stderr %q; want a usage error (2)", args, code, stderr)
		}
	}
	if code, _, stderr := runCLI("scan", "--verify-content", dir); code != 0 {
		t.Errorf("--verify-content on a clean tree: exit %d, %s", code, stderr)
	}
}
