package scanner

import (
	"os"
	"path/filepath"
	"testing"
)

// TestInspectFileCountsEachByteOnce: inspect reads a file as a scan does,
// the head once, so bytes_read never exceeds the file's size (it used to
// count the sniffed head on top of a whole small file).
func TestInspectFileCountsEachByteOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "doc.xml")
	doc := []byte(`<?xml version="1.0"?><CompositionPlaylist xmlns="http://www.smpte-ra.org/schemas/2067-3/2016"><Creator>IMF-Tool</Creator></CompositionPlaylist>`)
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := InspectFile(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if in.BytesRead <= 0 || in.BytesRead > in.Size {
		t.Errorf("bytes_read %d of a %d-byte file", in.BytesRead, in.Size)
	}
}
