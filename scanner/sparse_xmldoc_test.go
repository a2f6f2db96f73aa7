package scanner_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provscan/provscan/scanner"
)

// TestHugeXMLReadsLittle: a sparse 4 GiB file that starts as an IMF CPL
// naming a GenAI tool as its Creator and runs on as zero bytes inside a
// comment is read up to the first zero byte, not to the read cap: less than
// 1 MiB read, and the Creator read before the fault still fails the gate.
func TestHugeXMLReadsLittle(t *testing.T) {
	path := filepath.Join(t.TempDir(), "CPL_huge.xml")
	head := `<?xml version="1.0" encoding="UTF-8"?>
<CompositionPlaylist xmlns="http://www.smpte-ra.org/schemas/2067-3/2016">
  <Id>urn:uuid:b2e1ace2-9c7d-4c12-b2f7-24bde303869e</Id>
  <Creator>Runway Gen-4</Creator>
  <!-- `
	sparseFile(t, path, fourGiB, map[int64][]byte{0: []byte(head)})
	r, err := scanner.Scan(context.Background(), []string{path}, scanner.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary.Files != 1 || r.Summary.Bytes != fourGiB {
		t.Fatalf("scanned %d files of %d bytes", r.Summary.Files, r.Summary.Bytes)
	}
	if r.Summary.BytesRead >= 1<<20 {
		t.Errorf("read %d bytes of a %d-byte XML document, want < 1 MiB", r.Summary.BytesRead, fourGiB)
	}
	t.Logf("%d bytes read of %d", r.Summary.BytesRead, fourGiB)
	found := false
	for _, f := range r.Findings {
		found = found || f.Rule == "genai-generator" && strings.Contains(f.Message, "Runway")
	}
	if !found {
		t.Errorf("no genai-generator finding naming Runway: %+v", r.Findings)
	}
}

// TestHugeWebVTTReadsLittle: a sparse 4 GiB WebVTT file is refused at its
// first zero byte (a text format has none), not read to the line cap.
func TestHugeWebVTTReadsLittle(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.vtt")
	sparseFile(t, path, fourGiB, map[int64][]byte{0: []byte("WEBVTT\n\nNOTE dubbed\n\n00:00.000 --> 00:01.000\nHello ")})
	r, err := scanner.Scan(context.Background(), []string{path}, scanner.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary.BytesRead >= 1<<20 {
		t.Errorf("read %d bytes of a %d-byte WebVTT file, want < 1 MiB", r.Summary.BytesRead, fourGiB)
	}
	t.Logf("%d bytes read of %d", r.Summary.BytesRead, fourGiB)
}
