package scanner_test

import (
	"path/filepath"
	"testing"

	"github.com/provscan/provscan/bench/synth"
)

// TestHugeRF64ReadsLittle: a sparse 5 GiB RF64 whose data chunk (sized by
// ds64) fills the file, with an ADM axml chunk and a bext chunk after it,
// reads kilobytes.
func TestHugeRF64ReadsLittle(t *testing.T) {
	size := int64(5) << 30
	pieces := map[int64][]byte{}
	for _, p := range synth.RF64Master(size, "Sparse RF64 tail", "Pyramix") {
		pieces[p.Off] = p.Data
	}
	path := filepath.Join(t.TempDir(), "master.wav")
	sparseFile(t, path, size, pieces)
	sparseReadsLittle(t, path, size, "RF64", "Sparse RF64 tail", "Pyramix")
}
