package scanner_test

import (
	"bytes"
	"context"
	"flag"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/provscan/provscan/scanner"
	"github.com/provscan/provscan/scanner/report"
)

var update = flag.Bool("update", false, "rewrite the golden report of testdata/deliverables")

const (
	deliverables = "../testdata/deliverables"
	goldenReport = "../testdata/deliverables.golden.json"
)

// goldenJSON scans the sample deliverables and returns the JSON report with
// its timing fields zeroed.
func goldenJSON(t *testing.T, workers int) []byte {
	t.Helper()
	r, err := scanner.Scan(context.Background(), []string{deliverables}, scanner.Options{Workers: workers, Version: "golden"})
	if err != nil {
		t.Fatal(err)
	}
	r.Started = ""
	r.Summary.DurationMS = 0
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGoldenDeliverables pins the JSON report of testdata/deliverables. Run
// `go test ./scanner -run Golden -update` after a deliberate change, and
// review the diff of testdata/deliverables.golden.json.
func TestGoldenDeliverables(t *testing.T) {
	got := goldenJSON(t, 4)
	if *update {
		if err := os.WriteFile(goldenReport, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(goldenReport)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("report of %s differs from %s; run with -update and review the diff:\n%s", deliverables, goldenReport, got)
	}
	if again := goldenJSON(t, 1); !bytes.Equal(got, again) {
		t.Errorf("report differs between 4 workers and 1 worker")
	}
}

// TestDeliverablesMatchGenerator: the committed sample tree is exactly what
// testdata/gen writes, so the fixtures are reproducible from source.
func TestDeliverablesMatchGenerator(t *testing.T) {
	out := t.TempDir()
	cmd := exec.Command("go", "run", "./testdata/gen", "-o", out)
	cmd.Dir = ".."
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run ./testdata/gen: %v\n%s", err, b)
	}
	want := map[string][]byte{}
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		want[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	err = filepath.WalkDir(deliverables, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(deliverables, p)
		rel = filepath.ToSlash(rel)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		got++
		if w, ok := want[rel]; !ok {
			t.Errorf("%s is committed but not generated", rel)
		} else if !bytes.Equal(b, w) {
			t.Errorf("%s differs from the generator's output; run make testdata", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != len(want) {
		t.Errorf("%d files committed, %d generated", got, len(want))
	}
}
