package scanner

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/provscan/provscan/scanner/policy"
	"github.com/provscan/provscan/scanner/report"
	"github.com/provscan/provscan/scanner/rules"
)

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func write(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func ptr[T any](v T) *T { return &v }

func byPath(r *report.Report) map[string]report.Finding {
	m := map[string]report.Finding{}
	for _, f := range r.Findings {
		m[f.Path+" "+f.Rule] = f
	}
	return m
}

var testNow = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a.png": "GENAI\n", "p.png": "PROMPT\n", "tmp/x.png": "GENAI\n"})
	write(t, filepath.Join(dir, policy.ConfigFile), "fail_on: medium\nstrict: true\nworkers: 3\nexclude: [\"tmp/**\"]\n")
	base := Options{Inspect: fakeInspect, Now: func() time.Time { return testNow }}

	// defaults: no config anywhere
	empty := t.TempDir()
	o, err := Resolve([]string{empty}, policy.Settings{}, base)
	if err != nil || o.FailOn != rules.High || o.AllowUnreadable || o.Workers != 0 || o.Config != nil {
		t.Fatalf("defaults: %+v %v", o, err)
	}
	// config over defaults
	o, err = Resolve([]string{dir}, policy.Settings{}, base)
	if err != nil || o.FailOn != rules.Medium || o.AllowUnreadable || o.Workers != 3 || len(o.Exclude) != 1 {
		t.Fatalf("config: fail_on=%v allow_unreadable=%v workers=%d exclude=%v err=%v", o.FailOn, o.AllowUnreadable, o.Workers, o.Exclude, err)
	}
	r, err := runScan(t, dir, o)
	if err != nil || !r.Gate.Failed || r.Gate.FailOn != "medium" || r.Summary.Excluded != 1 {
		t.Fatalf("config scan: %+v %v", r.Gate, err)
	}
	// flags over config
	o, err = Resolve([]string{dir}, policy.Settings{FailOn: ptr("critical"), Strict: ptr(false), Workers: ptr(1), Exclude: []string{"p.png"}}, base)
	if err != nil || o.FailOn != rules.Critical || !o.AllowUnreadable || o.Workers != 1 || strings.Join(o.Exclude, ",") != "tmp/**,p.png" {
		t.Fatalf("flags: %+v %v", o, err)
	}
	r, _ = runScan(t, dir, o)
	if r.Gate.Failed || len(r.Findings) != 1 {
		t.Errorf("flags over config: gate %+v findings %v", r.Gate, paths(r.Findings))
	}
	// --config FILE instead of the root's
	other := write(t, filepath.Join(t.TempDir(), "policy.yaml"), "fail_on: none\n")
	o, _ = Resolve([]string{dir}, policy.Settings{Config: other}, base)
	if o.FailOn != rules.None || o.AllowUnreadable {
		t.Errorf("--config: %+v", o)
	}
	// errors are reported, not ignored
	bad := write(t, filepath.Join(t.TempDir(), "bad.yaml"), "fail_on: high\nfial_on: low\n")
	if _, err := Resolve([]string{dir}, policy.Settings{Config: bad}, base); err == nil || !strings.Contains(err.Error(), "fial_on") {
		t.Errorf("unknown key: %v", err)
	}
	if _, err := Resolve([]string{dir}, policy.Settings{FailOn: ptr("severe")}, base); err == nil {
		t.Error("bad --fail-on accepted")
	}
	if _, err := Resolve([]string{dir}, policy.Settings{Config: filepath.Join(dir, "missing.yaml")}, base); err == nil {
		t.Error("missing --config accepted")
	}
}

func runScan(t *testing.T, dir string, o Options) (*report.Report, error) {
	t.Helper()
	return Scan(t.Context(), []string{dir}, o)
}

func TestPolicy(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"final/a.png":            "GENAI\n",
		"final/p.png":            "PROMPT\n",
		"work-in-progress/b.png": "GENAI\n",
		"final/c.png":            "BROKEN\n",
	})
	cfg := write(t, filepath.Join(t.TempDir(), "p.yaml"), `
rules:
  prompt-embedded: {severity: high}
  unreadable: {disabled: true}
paths:
  - path: "work-in-progress/**"
    severity: info
    allow: true
    reason: work in progress is not delivered
`)
	o, err := Resolve([]string{dir}, policy.Settings{Config: cfg}, Options{Inspect: fakeInspect})
	if err != nil {
		t.Fatal(err)
	}
	r, err := runScan(t, dir, o)
	if err != nil {
		t.Fatal(err)
	}
	m := byPath(r)
	if _, ok := m["final/c.png unreadable"]; ok || len(r.Findings) != 3 {
		t.Errorf("disabled rule still reported: %v", paths(r.Findings))
	}
	p := m["final/p.png prompt-embedded"]
	if p.Severity != rules.High || p.OriginalSeverity == nil || *p.OriginalSeverity != rules.Medium || !p.FailsGate || p.Status != report.StatusOpen {
		t.Errorf("severity override: %+v", p)
	}
	w := m["work-in-progress/b.png genai-generator"]
	if w.Severity != rules.Info || w.Status != report.StatusAllowed || w.FailsGate || w.Reason != "work in progress is not delivered" {
		t.Errorf("path policy: %+v", w)
	}
	if r.Gate.Failing != 2 || r.Gate.Allowed != 1 || r.Summary.BySeverity["high"] != 2 || r.Summary.BySeverity["info"] != 1 {
		t.Errorf("gate %+v by_severity %v", r.Gate, r.Summary.BySeverity)
	}

	// An allowed generator turns its findings to info, with the reason, and
	// the gate passes (the unreadable c.png is allowed by allow_unreadable).
	cfg2 := write(t, filepath.Join(t.TempDir(), "p.yaml"), "allow_unreadable: true\nallowed_generators:\n  - name: testgen\n    reason: enterprise licence, legal ticket L-7\n")
	o, _ = Resolve([]string{dir}, policy.Settings{Config: cfg2}, Options{Inspect: fakeInspect})
	r, _ = runScan(t, dir, o)
	a := byPath(r)["final/a.png genai-generator"]
	if a.Severity != rules.Info || a.Status != report.StatusAllowed || !strings.Contains(a.Reason, "legal ticket L-7") || a.FailsGate {
		t.Errorf("allowed generator: %+v", a)
	}
	if r.Gate.Failed {
		t.Errorf("gate should pass: %+v %v", r.Gate, paths(r.Findings))
	}
}

func TestApprovals(t *testing.T) {
	dir := t.TempDir()
	a := write(t, filepath.Join(dir, "a.png"), "GENAI\n")
	write(t, filepath.Join(dir, "b.png"), "GENAI\nv2\n")
	write(t, filepath.Join(dir, "c.png"), "GENAI\nc\n")
	write(t, filepath.Join(dir, "d.png"), "GENAI\nd\n")
	file := filepath.Join(t.TempDir(), "approvals.yaml")
	write(t, file, "# approvals of the pilot\napprovals:\n"+
		"  - {sha256: "+sha("GENAI\n")+", path: a.png, rule: genai-generator, reference: LEGAL-1, approved_by: Ana, expires: 2026-12-31}\n"+
		// b.png was approved in an earlier version
		"  - {sha256: "+sha("GENAI\nv1\n")+", path: "+filepath.ToSlash(filepath.Join(dir, "b.png"))+", rule: \"*\", reference: LEGAL-2, approved_by: Ben}\n"+
		// c.png: the approval expired the day before testNow
		"  - {sha256: "+sha("GENAI\nc\n")+", path: c.png, rule: \"*\", reference: LEGAL-3, approved_by: Cy, expires: 2026-06-14}\n"+
		// d.png: wildcard rule, expires on testNow's day (still valid through that day)
		"  - {sha256: "+sha("GENAI\nd\n")+", rule: \"*\", reference: LEGAL-4, approved_by: Di, expires: 2026-06-15}\n")
	o, err := Resolve([]string{dir}, policy.Settings{Approvals: file}, Options{Inspect: fakeInspect, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	r, err := runScan(t, dir, o)
	if err != nil {
		t.Fatal(err)
	}
	m := byPath(r)
	if f := m["a.png genai-generator"]; f.Status != report.StatusApproved || f.Approval.Reference != "LEGAL-1" || f.FailsGate {
		t.Errorf("matching approval: %+v", f)
	}
	if f := m["b.png genai-generator"]; f.Status != report.StatusOpen || !f.FailsGate || !strings.Contains(f.Note, "LEGAL-2 covers an earlier version") {
		t.Errorf("edited file: %+v", f)
	}
	if f := m["c.png genai-generator"]; f.Status != report.StatusExpired || !f.FailsGate || !strings.Contains(f.Note, "LEGAL-3") || !strings.Contains(f.Note, "expired on 2026-06-14") {
		t.Errorf("expired approval: %+v", f)
	}
	if f := m["d.png genai-generator"]; f.Status != report.StatusApproved || f.Approval.Rule != "*" {
		t.Errorf("wildcard approval: %+v", f)
	}
	if g := r.Gate; !g.Failed || g.Failing != 2 || g.Approved != 2 || g.Expired != 1 {
		t.Errorf("gate %+v", g)
	}

	// A rule-specific approval does not cover another rule of the same file.
	writeTree(t, dir, map[string]string{"a.png": "PROMPT\n"})
	app := &policy.Approvals{Entries: []policy.ApprovalEntry{{SHA256: sha("PROMPT\n"), Rule: rules.GenAIGenerator, Reference: "X", ApprovedBy: "Y"}}}
	r, _ = runScan(t, dir, Options{Inspect: fakeInspect, Approvals: app, FailOn: rules.Medium})
	if f := byPath(r)["a.png prompt-embedded"]; f.Status != report.StatusOpen || !f.FailsGate {
		t.Errorf("approval for another rule applied: %+v", f)
	}
	_ = a
}

func TestApproveAppends(t *testing.T) {
	dir := t.TempDir()
	a := write(t, filepath.Join(dir, "a.png"), "GENAI\n")
	b := write(t, filepath.Join(dir, "b.png"), "PROMPT\n")
	file := filepath.Join(t.TempDir(), policy.ApprovalsFile)
	write(t, file, "# keep this comment\napprovals:\n  - sha256: "+sha("old")+"\n    rule: '*'\n    reference: OLD-1 # inline\n    approved_by: Zoe\n")
	entries, err := NewApprovals([]string{a, b}, "", "LEGAL-9", "Ana", "2027-01-31")
	if err != nil {
		t.Fatal(err)
	}
	if entries[0].SHA256 != sha("GENAI\n") || entries[0].Rule != "*" || entries[1].Path != filepath.ToSlash(b) ||
		entries[0].Size == nil || *entries[0].Size != int64(len("GENAI\n")) {
		t.Errorf("entries %+v", entries)
	}
	n, err := policy.AppendApprovals(file, entries)
	if err != nil || n != 2 {
		t.Fatalf("append: %d %v", n, err)
	}
	if n, _ := policy.AppendApprovals(file, entries); n != 0 {
		t.Errorf("duplicates appended: %d", n)
	}
	got, _ := os.ReadFile(file)
	if !strings.Contains(string(got), "# keep this comment") || !strings.Contains(string(got), "# inline") {
		t.Errorf("comments lost:\n%s", got)
	}
	loaded, err := policy.LoadApprovals(file)
	if err != nil || len(loaded.Entries) != 3 || loaded.Entries[2].Expires != "2027-01-31" || loaded.Entries[1].Reference != "LEGAL-9" ||
		loaded.Entries[0].Size != nil || loaded.Entries[2].Size == nil || *loaded.Entries[2].Size != int64(len("PROMPT\n")) {
		t.Fatalf("reloaded %+v %v\n%s", loaded, err, got)
	}
	// a new file gets a header
	fresh := filepath.Join(t.TempDir(), "new.yaml")
	if _, err := policy.AppendApprovals(fresh, entries[:1]); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(fresh); !strings.HasPrefix(string(got), "# provscan written approvals") {
		t.Errorf("new file:\n%s", got)
	}
	if _, err := NewApprovals([]string{a}, "no-such-rule", "R", "B", ""); err == nil {
		t.Error("unknown rule accepted")
	}
	for _, bad := range []string{"approvals:\n  - {sha256: abc, rule: '*', reference: R, approved_by: B}\n",
		"approvals:\n  - {sha256: " + sha("x") + ", rule: '*', reference: '', approved_by: B}\n",
		"approvals:\n  - {sha256: " + sha("x") + ", rule: '*', reference: R, approved_by: B, expires: soon}\n",
		"approvals:\n  - {sha256: " + sha("x") + ", rule: '*', reference: R, approved_by: B, colour: red}\n",
		"approvals:\n  - {sha256: " + sha("x") + ", size: -1, rule: '*', reference: R, approved_by: B}\n",
		"approvals:\n  - {sha256: " + sha("x") + ", size: big, rule: '*', reference: R, approved_by: B}\n"} {
		if _, err := policy.LoadApprovals(write(t, filepath.Join(t.TempDir(), "a.yaml"), bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestBaseline(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"same.png": "GENAI\n", "move-me.png": "GENAI\nm\n", "edit-me.png": "GENAI\ne\n"})
	old, err := Scan(t.Context(), []string{dir}, Options{Inspect: fakeInspect})
	if err != nil {
		t.Fatal(err)
	}
	oldFile := filepath.Join(t.TempDir(), "old.json")
	f, _ := os.Create(oldFile)
	if err := report.WriteJSON(f, old); err != nil {
		t.Fatal(err)
	}
	f.Close()

	if err := os.Rename(filepath.Join(dir, "move-me.png"), filepath.Join(dir, "moved.png")); err != nil {
		t.Fatal(err)
	}
	writeTree(t, dir, map[string]string{"edit-me.png": "GENAI\nedited\n", "new.png": "GENAI\nnew\n"})
	o, err := Resolve([]string{dir}, policy.Settings{Baseline: oldFile}, Options{Inspect: fakeInspect})
	if err != nil {
		t.Fatal(err)
	}
	r, err := runScan(t, dir, o)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(paths(r.Findings), ",")
	if got != "edit-me.png genai-generator,new.png genai-generator" {
		t.Errorf("new findings: %s", got)
	}
	if b := r.Baseline; b == nil || b.New != 2 || b.Unchanged != 1 || b.Moved != 1 {
		t.Errorf("baseline summary %+v", r.Baseline)
	}
	if _, err := policy.LoadBaseline(write(t, filepath.Join(t.TempDir(), "x.json"), `{"schema":"other"}`)); err == nil {
		t.Error("a foreign JSON file accepted as baseline")
	}
}

func TestUnreadableFailsClosed(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"bad.jpg": "BROKEN\n", "ok.png": "CLEAN\n"})
	r, _ := runScan(t, dir, Options{Inspect: fakeInspect})
	if !r.Gate.Failed || !r.Findings[0].FailsGate || r.Gate.NotInspected != 1 || len(r.Gate.Reasons) != 1 {
		t.Errorf("default: an unreadable file must fail the gate: %+v %+v", r.Gate, r.Findings[0])
	}
	r, _ = runScan(t, dir, Options{Inspect: fakeInspect, AllowUnreadable: true})
	if r.Gate.Failed || r.Findings[0].FailsGate || r.Gate.NotInspected != 1 || r.Findings[0].SHA256 != "" {
		t.Errorf("--allow-unreadable: %+v %+v", r.Gate, r.Findings[0])
	}
	// An unreadable file is hashed like any flagged file: with --hash (or
	// an approval of its size), not because it fails the gate.
	r, _ = runScan(t, dir, Options{Inspect: fakeInspect, Hash: true})
	if r.Findings[0].SHA256 != sha("BROKEN\n") {
		t.Errorf("--hash: %+v", r.Findings[0])
	}
}
