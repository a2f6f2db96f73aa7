package scanner_test

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/scanner"
)

// sparseReadsLittle scans the sparse file at path (size bytes) and asserts
// from the report's bytes_read that it read less than 1 MiB, with no
// finding that it was unreadable, and that text entries holding each of
// want were really reached: the metadata after the media data.
func sparseReadsLittle(t *testing.T, path string, size int64, format string, want ...string) {
	t.Helper()
	r, err := scanner.Scan(context.Background(), []string{path}, scanner.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary.Files != 1 || r.Summary.Bytes != size {
		t.Fatalf("scanned %d files of %d bytes, want 1 of %d", r.Summary.Files, r.Summary.Bytes, size)
	}
	for _, f := range r.Findings {
		if f.Rule == "unreadable" {
			t.Errorf("unreadable: %s", f.Message)
		}
	}
	if r.Summary.BytesRead >= 1<<20 {
		t.Errorf("read %d bytes of a %d-byte file, want < 1 MiB", r.Summary.BytesRead, size)
	}
	t.Logf("%s: %d bytes read of %d", filepath.Base(path), r.Summary.BytesRead, size)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := provenance.Inspect(f, size, filepath.Base(path), provenance.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if string(p.Format) != format {
		t.Errorf("format %q, want %q", p.Format, format)
	}
	for _, w := range want {
		found := false
		for _, e := range p.Text {
			found = found || strings.Contains(e.Value, w)
		}
		if !found {
			t.Errorf("%q not reached (text %+v)", w, p.Text)
		}
	}
}

// TestHugeAIFFReadsLittle: a sparse 4 GiB AIFF whose sound data (SSND) fills
// the file, with a NAME and an ID3 chunk after it, reads kilobytes.
func TestHugeAIFFReadsLittle(t *testing.T) {
	chunk := func(id string, data []byte) []byte {
		b := append([]byte(id), binary.BigEndian.AppendUint32(nil, uint32(len(data)))...)
		b = append(b, data...)
		if len(data)%2 == 1 {
			b = append(b, 0)
		}
		return b
	}
	frame := append([]byte("TSSE\x00\x00\x00\x0b\x00\x00\x00"), "Logic Pro"...)
	frame[7] = byte(len(frame) - 10)
	id3 := append([]byte{'I', 'D', '3', 3, 0, 0, 0, 0, 0, byte(len(frame))}, frame...)
	tail := append(chunk("NAME", []byte("Sparse AIFF tail")), chunk("ID3 ", id3)...)
	size := fourGiB - 8
	head := append([]byte("FORM"), binary.BigEndian.AppendUint32(nil, uint32(size-8))...)
	head = append(head, "AIFF"...)
	head = append(head, chunk("COMM", make([]byte, 18))...)
	ssnd := size - int64(len(head)) - 8 - int64(len(tail))
	if ssnd%2 == 1 {
		t.Fatal("odd SSND size")
	}
	head = append(append(head, "SSND"...), binary.BigEndian.AppendUint32(nil, uint32(ssnd))...)
	path := filepath.Join(t.TempDir(), "master.aif")
	sparseFile(t, path, size, map[int64][]byte{0: head, size - int64(len(tail)): tail})
	sparseReadsLittle(t, path, size, "AIFF", "Sparse AIFF tail", "Logic Pro")
}
