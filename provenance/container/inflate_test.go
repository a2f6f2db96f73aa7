package container

import (
	"bytes"
	"compress/flate"
	"errors"
	"testing"
)

func TestInflateBounded(t *testing.T) {
	text := bytes.Repeat([]byte("provenance "), 1000)
	z := id3Zlib(text)
	if got, err := inflateZlibBounded(z, 1<<20); err != nil || !bytes.Equal(got, text) {
		t.Fatalf("zlib: %d bytes, err %v", len(got), err)
	}
	if _, err := inflateZlibBounded(z, int64(len(text))-1); !errors.Is(err, ErrLimit) {
		t.Errorf("one byte over the limit: err = %v", err)
	}
	if got, err := inflateZlibBounded(z, int64(len(text))); err != nil || len(got) != len(text) {
		t.Errorf("exactly at the limit: %d bytes, err %v", len(got), err)
	}
	if _, err := inflateZlibBounded(z[:len(z)/2], 1<<20); !errors.Is(err, ErrTruncated) {
		t.Errorf("cut stream: err = %v", err)
	}
	if _, err := inflateZlibBounded([]byte("not zlib"), 1<<20); !errors.Is(err, ErrMalformed) {
		t.Errorf("bad header: err = %v", err)
	}
	var raw bytes.Buffer
	w, _ := flate.NewWriter(&raw, flate.BestCompression)
	w.Write(text)
	w.Close()
	if got, err := inflateRawBounded(raw.Bytes(), 0); err != nil || !bytes.Equal(got, text) { // 0: maxBlockSize
		t.Errorf("raw: %d bytes, err %v", len(got), err)
	}
}
