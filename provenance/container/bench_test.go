package container

import (
	"io"
	"sync/atomic"
	"testing"

	"github.com/provscan/provscan/bench/synth"
)

// Per-reader benchmarks: ns/op, B/op and allocs/op of Read (sniff
// and read) on one typical file of each format (bench/synth.Samples: stills
// of about 200 KiB, sparse 4 GiB masters), plus the bytes read per file
// ("read-B/op"). Run with
//
//	go test -run '^$' -bench . -benchmem ./provenance/container

// countingReaderAt counts the bytes read through it.
type countingReaderAt struct {
	r io.ReaderAt
	n atomic.Int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

// TestBenchInputs checks that every benchmark input is read by the reader it
// is meant for and yields metadata, so that no benchmark measures an error path.
func TestBenchInputs(t *testing.T) {
	for _, c := range synth.Samples() {
		head := make([]byte, min(c.Size, sniffLen))
		if _, err := c.R.ReadAt(head, 0); err != nil && err != io.EOF {
			t.Fatal(err)
		}
		f := sniff(head)
		if f == nil || string(f.family) != c.Reader {
			t.Errorf("%s: sniffed as %v, want %s", c.Name, f, c.Reader)
			continue
		}
		res, err := Read(c.R, c.Size)
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		if len(res.Blocks)+len(res.Members) == 0 {
			t.Errorf("%s: no metadata blocks or members found", c.Name)
		}
	}
}

// BenchmarkRead measures Read per format.
func BenchmarkRead(b *testing.B) {
	for _, c := range synth.Samples() {
		b.Run(c.Name, func(b *testing.B) {
			cr := &countingReaderAt{r: c.R}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Read(cr, c.Size); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cr.n.Load())/float64(b.N), "read-B/op")
		})
	}
}
