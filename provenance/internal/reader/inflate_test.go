package reader

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"errors"
	"testing"

	"github.com/provscan/provscan/provenance/readerr"
)

func TestInflateBounded(t *testing.T) {
	text := bytes.Repeat([]byte("provenance "), 1000)
	var zb bytes.Buffer
	zw := zlib.NewWriter(&zb)
	zw.Write(text)
	zw.Close()
	z := zb.Bytes()
	if got, err := InflateZlib(z, 1<<20); err != nil || !bytes.Equal(got, text) {
		t.Fatalf("zlib: %d bytes, err %v", len(got), err)
	}
	if _, err := InflateZlib(z, int64(len(text))-1); !errors.Is(err, readerr.ErrLimit) {
		t.Errorf("one byte over the limit: err = %v", err)
	}
	if got, err := InflateZlib(z, int64(len(text))); err != nil || len(got) != len(text) {
		t.Errorf("exactly at the limit: %d bytes, err %v", len(got), err)
	}
	if _, err := InflateZlib(z[:len(z)/2], 1<<20); !errors.Is(err, readerr.ErrTruncated) {
		t.Errorf("cut stream: err = %v", err)
	}
	if _, err := InflateZlib([]byte("not zlib"), 1<<20); !errors.Is(err, readerr.ErrMalformed) {
		t.Errorf("bad header: err = %v", err)
	}
	var raw bytes.Buffer
	w, _ := flate.NewWriter(&raw, flate.BestCompression)
	w.Write(text)
	w.Close()
	if got, err := readBounded(flate.NewReader(bytes.NewReader(raw.Bytes())), 0); err != nil || !bytes.Equal(got, text) { // 0: MaxBlockSize
		t.Errorf("raw: %d bytes, err %v", len(got), err)
	}
}

func TestInflate(t *testing.T) {
	text := bytes.Repeat([]byte("provenance "), 1000)
	var zb, raw bytes.Buffer
	zw := zlib.NewWriter(&zb)
	zw.Write(text)
	zw.Close()
	fw, _ := flate.NewWriter(&raw, flate.BestCompression)
	fw.Write(text)
	fw.Close()
	for name, data := range map[string][]byte{"zlib": zb.Bytes(), "raw": raw.Bytes()} {
		if out, over, err := Inflate(data, 1<<20); over || err != nil || !bytes.Equal(out, text) {
			t.Errorf("%s: %d bytes, over %v, err %v", name, len(out), over, err)
		}
		if _, over, _ := Inflate(data, int64(len(text))-1); !over {
			t.Errorf("%s: one byte over the limit not reported", name)
		}
	}
	if out, _, err := Inflate(zb.Bytes()[:zb.Len()/2], 1<<20); err == nil || len(out) == 0 {
		t.Errorf("cut stream: %d bytes, err %v", len(out), err)
	}
}
