package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSIGTERMWritesEveryReport sends SIGTERM, as a CI runner or Kubernetes
// does, to the built binary while it hashes a large flagged file: every
// requested report is written, each marked incomplete in its own way, and
// the exit code is 2.
func TestSIGTERMWritesEveryReport(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	deliv := t.TempDir()
	writeFiles(t, deliv, map[string][]byte{"a/plate.png": stillPNG(), "b/master.png": generatedPNG})
	// An 8 GiB flagged file (sparse: zeros after the PNG's end), hashed whole with --hash.
	if err := os.Truncate(filepath.Join(deliv, "b", "master.png"), 8<<30); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	cmd := exec.Command(bin, "scan", "--hash", "--workers", "1", "--file-timeout", "0",
		"--report", "json="+filepath.Join(out, "r.json"), "--report", "sarif="+filepath.Join(out, "r.sarif"),
		"--report", "junit="+filepath.Join(out, "r.xml"), deliv)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond) // the walk is done and the hash under way
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- cmd.Wait() }()
	var err error
	select {
	case err = <-errc:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("still running a minute after SIGTERM")
	}
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 2 {
		t.Fatalf("exit %v, want 2; stderr %q", err, stderr.String())
	}
	var rep struct {
		Incomplete bool `json:"incomplete"`
	}
	if b, err := os.ReadFile(filepath.Join(out, "r.json")); err != nil || json.Unmarshal(b, &rep) != nil || !rep.Incomplete {
		t.Errorf("JSON report not marked incomplete: %v %s", err, b)
	}
	var sarif struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful bool `json:"executionSuccessful"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if b, err := os.ReadFile(filepath.Join(out, "r.sarif")); err != nil || json.Unmarshal(b, &sarif) != nil ||
		len(sarif.Runs) != 1 || len(sarif.Runs[0].Invocations) != 1 || sarif.Runs[0].Invocations[0].ExecutionSuccessful {
		t.Errorf("SARIF report not marked as an unsuccessful execution: %v %s", err, b)
	}
	if b, err := os.ReadFile(filepath.Join(out, "r.xml")); err != nil || !strings.Contains(string(b), `<property name="incomplete" value="true">`) ||
		!strings.Contains(string(b), `type="incomplete"`) {
		t.Errorf("JUnit report not marked incomplete: %v %s", err, b)
	}
	if !strings.Contains(stdout.String(), "incomplete") && !strings.Contains(stdout.String(), "INCOMPLETE") && !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("nothing says the scan was interrupted: stdout %q stderr %q", stdout.String(), stderr.String())
	}
}
