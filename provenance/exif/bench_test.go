package exif

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParseCanon measures Parse on a camera EXIF block with a maker note
// and a thumbnail (skipped without the corpus).
func BenchmarkParseCanon(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "corpus", "negative", "Canon_40D.jpg"))
	if err != nil {
		b.Skip("corpus not present")
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
