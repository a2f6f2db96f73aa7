package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/provscan/provscan/provenance"
)

// TestSIGINTWritesPartialReport sends a real SIGINT to the process in the
// middle of a scan: the scan stops, the JSON report holds the files done so
// far and is marked incomplete, and the exit code is 2.
func TestSIGINTWritesPartialReport(t *testing.T) {
	files := map[string]string{"a.png": "GENAI\n"}
	for i := 0; i < 50; i++ {
		files[fmt.Sprintf("z%02d.png", i)] = "SLOW\n"
	}
	dir := tree(t, files)

	started, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	inspector = func(r io.ReaderAt, size int64, name string, o provenance.Options) (*provenance.Provenance, error) {
		p, err := fakeInspect(r, size, name, o)
		if strings.HasPrefix(name, "z") {
			once.Do(func() { close(started) })
			<-release
		}
		return p, err
	}
	defer func() { inspector = fakeInspect }()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var out, errOut strings.Builder
	done := make(chan int)
	go func() { done <- run(ctx, []string{"scan", "--workers", "1", "--format", "json", dir}, &out, &errOut) }()

	select {
	case <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("the scan never reached the slow files")
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("SIGINT did not cancel the scan's context")
	}
	close(release)
	var code int
	select {
	case code = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the scan did not stop after SIGINT")
	}
	if code != exitFailure {
		t.Errorf("exit %d after SIGINT, want %d; stderr %q", code, exitFailure, errOut.String())
	}
	var rep struct {
		Incomplete bool `json:"incomplete"`
		Summary    struct {
			Files int `json:"files"`
		} `json:"summary"`
		Findings []struct {
			Path string `json:"path"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out.String()), &rep); err != nil {
		t.Fatalf("no JSON report after SIGINT: %v\n%s", err, out.String())
	}
	if !rep.Incomplete {
		t.Error("the partial report is not marked incomplete")
	}
	if rep.Summary.Files < 1 || rep.Summary.Files >= len(files) {
		t.Errorf("partial report counts %d files of %d", rep.Summary.Files, len(files))
	}
	if len(rep.Findings) == 0 || rep.Findings[0].Path != "a.png" {
		t.Errorf("the finding of the file done before SIGINT is missing: %+v", rep.Findings)
	}
	if !strings.Contains(errOut.String(), "interrupted") {
		t.Errorf("stderr does not say the scan was interrupted: %q", errOut.String())
	}
}
