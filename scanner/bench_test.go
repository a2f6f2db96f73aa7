package scanner_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/provscan/provscan/bench/synth"
	"github.com/provscan/provscan/scanner"
)

// BenchmarkScan scans a generated tree of 1,000 small stills and sidecars
// (about a fifth with GenAI markers) and three sparse 4 GiB masters, with 1
// and 2 workers. It reports files/s and bytes read per scan. The tree is
// written once, outside the timed loop; the page cache is warm after the
// first iteration. Run with
//
//	go test -run '^$' -bench Scan -benchmem ./scanner
func BenchmarkScan(b *testing.B) {
	dir := b.TempDir() + "/tree"
	st, err := synth.Tree(dir, synth.TreeConfig{Files: 1000, Masters: 1, Seed: 1, MaxPayload: 64 << 10})
	if err != nil {
		b.Fatal(err)
	}
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.ReportAllocs()
			var read int64
			for b.Loop() {
				rep, err := scanner.Scan(context.Background(), []string{dir}, scanner.Options{Workers: workers})
				if err != nil {
					b.Fatal(err)
				}
				if rep.Summary.Files != st.Files || rep.Summary.Flagged != st.Marked {
					b.Fatalf("scanned %d files, %d flagged; the tree has %d files, %d with markers",
						rep.Summary.Files, rep.Summary.Flagged, st.Files, st.Marked)
				}
				read = rep.Summary.BytesRead
			}
			b.ReportMetric(float64(st.Files)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
			b.ReportMetric(float64(read), "read-B/scan")
		})
	}
}
