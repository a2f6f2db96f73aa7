package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

var build struct {
	once sync.Once
	dir  string // removed by TestMain
	bin  string
	err  error
}

// buildBinary builds provscan as a CI job would, with a version stamped in,
// once per test process; every end-to-end test runs the same binary.
func buildBinary(t *testing.T) string {
	t.Helper()
	build.once.Do(func() {
		goBin, err := exec.LookPath("go")
		if err != nil {
			goBin = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
		}
		if build.dir, build.err = os.MkdirTemp("", "provscan-e2e-"); build.err != nil {
			return
		}
		build.bin = filepath.Join(build.dir, "provscan")
		cmd := exec.Command(goBin, "build", "-ldflags", "-X main.version=v0.0.0-e2e", "-o", build.bin, ".")
		if out, err := cmd.CombinedOutput(); err != nil {
			build.err = fmt.Errorf("%v\n%s", err, out)
		}
	})
	if build.err != nil {
		t.Fatalf("go build: %v", build.err)
	}
	return build.bin
}

type result struct {
	code           int
	stdout, stderr string
}

func runBinary(t *testing.T, bin, dir string, args ...string) result {
	t.Helper()
	return runCmd(t, exec.Command(bin, args...), dir, args)
}

// runWithin is runBinary with a time limit: ok is false when the binary is
// still running after limit (it is then killed).
func runWithin(t *testing.T, limit time.Duration, bin, dir string, args ...string) (r result, ok bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	r = runCmd(t, exec.CommandContext(ctx, bin, args...), dir, args)
	return r, ctx.Err() == nil
}

// runCmd runs cmd in dir and returns its exit code and output; an error other
// than a non-zero exit fails the test.
func runCmd(t *testing.T, cmd *exec.Cmd, dir string, args []string) result {
	t.Helper()
	cmd.Dir = dir // never the source tree: no stray ./provscan-approvals.yaml
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return result{code, o.String(), e.String()}
}

// deliverablesTree returns testdata/deliverables, or, when the sample tree
// does not exist (or PROVSCAN_E2E_BUILTIN_TREE is set), a small tree of PNGs made here (one clean, one carrying
// AUTOMATIC1111 "parameters" text).
func deliverablesTree(t *testing.T) string {
	t.Helper()
	if abs, err := filepath.Abs("../../testdata/deliverables"); err == nil && os.Getenv("PROVSCAN_E2E_BUILTIN_TREE") == "" {
		if fi, err := os.Stat(abs); err == nil && fi.IsDir() {
			return abs
		}
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"stills/generated.png": generatedPNG, "stills/plate.png": stillPNG()})
	return dir
}

func treeDigest(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, _ := d.Info()
		sum := ""
		if d.Type().IsRegular() {
			b, _ := os.ReadFile(p)
			sum = hexSHA(b)
		}
		lines = append(lines, p+" "+fi.ModTime().String()+" "+sum)
		return nil
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// TestEndToEnd runs the built binary on the sample deliverables with a policy
// file and an approvals file, as a CI job would: unapproved findings (1), all
// approved (0), an expired approval (1), usage errors (2).
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	deliv := deliverablesTree(t)
	work := t.TempDir()
	before := treeDigest(t, deliv)

	if r := runBinary(t, bin, work, "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "provscan v0.0.0-e2e (go") {
		t.Errorf("version: %+v", r)
	}
	cfg := filepath.Join(work, "policy.yaml")
	os.WriteFile(cfg, []byte("# CI policy\nfail_on: high\nexclude: [\"clean/**\"]\nrules:\n  provenance-remote-only: {severity: info}\n"), 0o644)

	// 1. unapproved findings
	sarifOut := filepath.Join(work, "provscan.sarif")
	r := runBinary(t, bin, work, "scan", "--config", cfg, "--format", "json", "--report", "sarif="+sarifOut, deliv)
	if r.code != 1 {
		t.Fatalf("unapproved findings: exit %d, want 1\n%s%s", r.code, r.stderr, r.stdout)
	}
	if r.stderr != "" {
		t.Errorf("stderr is not a terminal, yet got %q", r.stderr)
	}
	var rep struct {
		Summary struct {
			Files, Excluded int
		} `json:"summary"`
		Findings []struct {
			Path, Rule, Severity, SHA256, Status string
			FailsGate                            bool `json:"fails_gate"`
		} `json:"findings"`
		Gate struct {
			Failed            bool
			Failing, Approved int
		} `json:"gate"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	var failing []string
	seen := map[string]bool{}
	for _, f := range rep.Findings {
		if strings.HasPrefix(f.Path, "clean/") {
			t.Errorf("excluded by the policy but reported: %s", f.Path)
		}
		if f.Rule == "provenance-remote-only" && f.Severity != "info" {
			t.Errorf("policy severity override not applied: %+v", f)
		}
		if f.FailsGate && !seen[f.Path] {
			seen[f.Path] = true
			failing = append(failing, f.Path)
		}
	}
	if len(failing) == 0 || !rep.Gate.Failed {
		t.Fatalf("nothing fails the gate: %+v", rep.Gate)
	}
	if b, err := os.ReadFile(sarifOut); err != nil || !bytes.Contains(b, []byte(`"version": "2.1.0"`)) {
		t.Errorf("SARIF report not written: %v", err)
	}

	// 2. every failing file approved: the gate passes
	approvals := filepath.Join(work, "provscan-approvals.yaml")
	args := []string{"approve"}
	for _, p := range failing {
		args = append(args, filepath.Join(deliv, filepath.FromSlash(p)))
	}
	args = append(args, "--reference", "LEGAL-2026-114", "--by", "Post supervisor", "--expires", "2099-12-31", "--approvals", approvals)
	if r := runBinary(t, bin, work, args...); r.code != 0 {
		t.Fatalf("approve: exit %d %s", r.code, r.stderr)
	}
	r = runBinary(t, bin, work, "scan", "--config", cfg, "--approvals", approvals, "--format", "json", deliv)
	if r.code != 0 {
		t.Fatalf("all approved: exit %d, want 0\n%s", r.code, r.stdout)
	}
	json.Unmarshal([]byte(r.stdout), &rep)
	if rep.Gate.Failed || rep.Gate.Failing != 0 || rep.Gate.Approved == 0 {
		t.Errorf("all approved: gate %+v", rep.Gate)
	}
	// the default approvals file in the working folder is found without
	// --approvals, unless --config (or --no-tree-policy) says that only the
	// files named apply
	if r := runBinary(t, bin, work, "scan", deliv); r.code != 0 {
		t.Errorf("default ./provscan-approvals.yaml: exit %d\n%s", r.code, r.stdout)
	}
	if r := runBinary(t, bin, work, "scan", "--config", cfg, deliv); r.code != 1 {
		t.Errorf("--config: the default ./provscan-approvals.yaml must not apply: exit %d\n%s", r.code, r.stdout)
	}

	// 3. the approvals expired
	b, _ := os.ReadFile(approvals)
	expired := filepath.Join(work, "expired.yaml")
	os.WriteFile(expired, bytes.ReplaceAll(b, []byte("2099-12-31"), []byte("2001-01-01")), 0o644)
	r = runBinary(t, bin, work, "scan", "--config", cfg, "--approvals", expired, deliv)
	if r.code != 1 || !strings.Contains(r.stdout, "LEGAL-2026-114 expired 2001-01-01") {
		t.Errorf("expired approval: exit %d, want 1\n%s", r.code, r.stdout)
	}

	// 4. usage errors
	for _, bad := range [][]string{
		{"scan", "--config", cfg, "--fail-on", "sometimes", deliv},
		{"scan", "--config", cfg, filepath.Join(work, "no-such-folder")},
		{"scan", "--config", cfg, "--format", "pdf", deliv},
		{"scna", deliv},
	} {
		if r := runBinary(t, bin, work, bad...); r.code != 2 || r.stderr == "" {
			t.Errorf("%v: exit %d, want 2 with a message (stderr %q)", bad, r.code, r.stderr)
		}
	}

	if after := treeDigest(t, deliv); after != before {
		t.Errorf("the scanned tree changed")
	}
}
