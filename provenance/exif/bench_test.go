package exif

import (
	"os"
	"testing"

	"github.com/provscan/provscan/provenance/internal/corpustest"
)

// BenchmarkParseCanon measures Parse on a camera EXIF block with a maker note
// and a thumbnail (skipped without the corpus).
func BenchmarkParseCanon(b *testing.B) {
	data, err := os.ReadFile(corpustest.Dir(b, "negative", "Canon_40D.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	raw := jpegExif(data)
	if raw == nil {
		b.Fatal("no EXIF")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(raw); err != nil {
			b.Fatal(err)
		}
	}
}
