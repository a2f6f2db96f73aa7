package scanner

import (
	"bytes"
	"sync/atomic"
	"testing"
)

func TestHeadReaderAt(t *testing.T) {
	data := make([]byte, headSize+1000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	var n atomic.Int64
	h := newHeadReaderAt(&countingReaderAt{r: bytes.NewReader(data), n: &n}, int64(len(data)))
	defer h.release()
	p := make([]byte, 100)
	for _, off := range []int64{0, 5000, headSize - 100} {
		if k, err := h.ReadAt(p, off); k != 100 || err != nil || !bytes.Equal(p, data[off:off+100]) {
			t.Fatalf("read at %d: %d %v", off, k, err)
		}
	}
	if n.Load() != headSize {
		t.Fatalf("read %d bytes for reads inside the head, want one read of %d", n.Load(), headSize)
	}
	// Across the end of the head (its first part from memory) and past it
	// (from the file): the right bytes.
	for _, off := range []int64{headSize - 50, headSize + 10} {
		if k, err := h.ReadAt(p, off); k != 100 || err != nil || !bytes.Equal(p, data[off:off+100]) {
			t.Fatalf("read at %d: %d %v", off, k, err)
		}
	}
	if n.Load() != headSize+150 {
		t.Fatalf("read %d bytes, want %d (50 + 100 past the head)", n.Load(), headSize+150)
	}
	// A file shorter than the head: one read of the whole file, EOF past it.
	small := newHeadReaderAt(bytes.NewReader([]byte("tiny")), 4)
	defer small.release()
	q := make([]byte, 4)
	if k, err := small.ReadAt(q, 0); k != 4 || err != nil || string(q) != "tiny" {
		t.Fatalf("small: %d %v %q", k, err, q)
	}
	if k, _ := small.ReadAt(q, 2); k != 2 || string(q[:2]) != "ny" {
		t.Fatalf("small past the end: %d %q", k, q[:k])
	}
}
