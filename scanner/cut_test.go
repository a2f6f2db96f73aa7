package scanner

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/provenance/evidence"
)

// TestCutShort: a limit a reader met is a report error for the file, which
// fails the gate unless unreadable files are allowed; a file whose time
// budget ran out after a finding keeps the finding beside its unreadable one.
func TestCutShort(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"cut.png": "bytes", "slow.png": "bytes"})
	inspect := func(r io.ReaderAt, size int64, name string, _ provenance.Options) (*provenance.Provenance, error) {
		p := &provenance.Provenance{Name: name, Format: "FAKE", Media: "image",
			Evidence: []evidence.Item{{Kind: evidence.Generator, Generator: "TestGen", Container: "fake block",
				Field: "Software", Value: "TestGen 1.0", Confidence: evidence.Declared}}}
		if strings.HasSuffix(name, "cut.png") {
			p.Evidence = nil
			p.Incomplete = []string{"PNG iTXt at offset 33: xmp: limit exceeded: more than 100000 properties"}
			return p, nil
		}
		time.Sleep(60 * time.Millisecond)
		var b [1]byte
		for range clockEvery { // over the time budget: a read fails, the finding made before stays
			r.ReadAt(b[:], 0)
		}
		return p, nil
	}
	for _, allow := range []bool{false, true} {
		r, err := Scan(context.Background(), []string{dir}, Options{Workers: 2, FileTimeout: 20 * time.Millisecond, Inspect: inspect, AllowUnreadable: allow})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Errors) != 1 || r.Errors[0].Path != "cut.png" || r.Errors[0].Error != notFully+"PNG iTXt at offset 33: xmp: limit exceeded: more than 100000 properties" {
			t.Fatalf("errors %+v: want cut.png not fully inspected", r.Errors)
		}
		rules := map[string]bool{}
		for _, f := range r.Findings {
			if f.Path == "slow.png" {
				rules[f.Rule] = true
			}
			if f.Rule == "unreadable" && f.FailsGate == allow {
				t.Errorf("allow-unreadable %v: unreadable finding fails the gate: %v", allow, f.FailsGate)
			}
		}
		if !rules["unreadable"] || !rules["genai-generator"] {
			t.Errorf("slow.png findings %v: want the finding kept beside the unreadable one", rules)
		}
		if notInspected := strings.Contains(strings.Join(r.Gate.Reasons, "\n"), "could not be scanned"); notInspected == allow {
			t.Errorf("allow-unreadable %v: gate %+v", allow, r.Gate)
		}
	}
}
