package objstore

import (
	"context"
	"io"
	"testing"
	"time"

	"gocloud.dev/blob/memblob"
)

// benchSource writes size bytes to a memblob bucket and returns a Source
// and the object's listed attributes.
func benchSource(b *testing.B, size int) (*Source, int64) {
	ctx := context.Background()
	bk := memblob.OpenBucket(nil)
	b.Cleanup(func() { _ = bk.Close() })
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i * 7)
	}
	if err := bk.WriteAll(ctx, "f", data, nil); err != nil {
		b.Fatal(err)
	}
	return NewSource(bk, "", "mem://bench"), int64(size)
}

// BenchmarkObjectHead is a still's scan: open, the 64 KiB head, a few
// small reads inside it, close.
func BenchmarkObjectHead(b *testing.B) {
	s, size := benchSource(b, 3_000_000)
	ctx := context.Background()
	head := make([]byte, 64<<10)
	small := make([]byte, 16)
	b.SetBytes(int64(len(head)))
	b.ReportAllocs()
	for b.Loop() {
		o := s.Open(ctx, "f", size, time.Time{})
		if _, err := o.ReadAt(head, 0); err != nil {
			b.Fatal(err)
		}
		for _, off := range []int64{2, 100, 4000, 60000} {
			if _, err := o.ReadAt(small, off); err != nil {
				b.Fatal(err)
			}
		}
		_ = o.Close()
	}
}

// BenchmarkObjectSequential reads a 16 MiB object whole in 32 KiB reads,
// as the scanner hashes a flagged file.
func BenchmarkObjectSequential(b *testing.B) {
	s, size := benchSource(b, 16<<20)
	ctx := context.Background()
	p := make([]byte, 32<<10)
	b.SetBytes(size)
	b.ReportAllocs()
	var reqs int64
	for b.Loop() {
		o := s.Open(ctx, "f", size, time.Time{})
		for off := int64(0); off < size; off += int64(len(p)) {
			if _, err := o.ReadAt(p, off); err != nil && err != io.EOF {
				b.Fatal(err)
			}
		}
		reqs = o.Requests()
		_ = o.Close()
	}
	b.ReportMetric(float64(reqs), "requests/op")
}
