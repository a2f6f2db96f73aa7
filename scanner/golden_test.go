package scanner_test

import (
	"bytes"
	"context"
	"flag"
	"os"
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
