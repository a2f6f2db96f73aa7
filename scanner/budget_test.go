package scanner

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/provscan/provscan/provenance"
)

// greedyInspect reads the whole file in 1 MiB steps, pausing between reads.
func greedyInspect(pause time.Duration) InspectFunc {
	return func(r io.ReaderAt, size int64, name string, _ provenance.Options) (*provenance.Provenance, error) {
		buf := make([]byte, 1<<20)
		for off := int64(0); off < size; off += int64(len(buf)) {
			if _, err := r.ReadAt(buf[:min(int64(len(buf)), size-off)], off); err != nil && err != io.EOF {
				return &provenance.Provenance{Name: name, Format: "GREEDY"}, err
			}
			time.Sleep(pause)
		}
		return &provenance.Provenance{Name: name, Format: "GREEDY"}, nil
	}
}

func TestFileBudgets(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.bin")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 64<<20); err != nil {
		t.Fatal(err)
	}
	writeTree(t, dir, map[string]string{"small.bin": "tiny"})
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"read budget", Options{FileReadBudget: 8 << 20, Inspect: greedyInspect(0)}, "more than 8388608 bytes"},
		{"time budget", Options{FileTimeout: 50 * time.Millisecond, Inspect: greedyInspect(20 * time.Millisecond)}, "still reading after 50ms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Workers = 2
			r, err := Scan(context.Background(), []string{dir}, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if r.Summary.Files != 2 {
				t.Fatalf("scanned %d files, want 2: the scan must go on", r.Summary.Files)
			}
			var big, small bool
			for _, f := range r.Findings {
				if f.Rule != "unreadable" {
					continue
				}
				switch f.Path {
				case "big.bin":
					big = strings.Contains(f.Message, "over the per-file budget") && strings.Contains(f.Message, tc.want)
				case "small.bin":
					small = true
				}
			}
			if !big {
				t.Errorf("big.bin is not unreadable for its budget (%q): %+v", tc.want, r.Findings)
			}
			if small {
				t.Errorf("small.bin, within budget, was reported unreadable")
			}
			if r.Summary.BytesRead > 40<<20 {
				t.Errorf("read %d bytes although the budget stopped the reader", r.Summary.BytesRead)
			}
		})
	}
}
