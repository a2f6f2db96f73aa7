package provenance_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/provscan/provscan/scanner/rules"
)

// hostileFiles are corpus files made to break readers (see c2pa/SOURCES.md).
// Those absent from this corpus copy are skipped; a test that reads none fails.
var hostileFiles = []string{
	"c2pa/c2pa-rs/riff_bomb_1000.wav",
	"c2pa/c2pa-rs/tiff_poc.tiff",
	"c2pa/c2pa-rs/sample3.invalid.wav",
	"c2pa/c2pa-rs/sample3.svg",
	"c2pa/c2pa-rs/sample4.svg",
	"c2pa/c2pa-rs/nested_moov_1000.mp4",
	"c2pa/c2pa-rs/id3v23_compression_underflow.mp3",
	"c2pa/c2pa-rs/prerelease.jpg",
	"c2pa/c2pa-rs/no_alg.jpg",
}

// TestCorpusHostile: each hostile file ends with a result or an error, never a
// panic or a hang, and allocates a bounded amount of memory. The deadline is a
// hang detector, not a speed measurement.
func TestCorpusHostile(t *testing.T) {
	needCorpus(t)
	read := 0
	for _, rel := range hostileFiles {
		path := filepath.Join(corpusDir, rel)
		if _, err := os.Stat(path); err != nil {
			continue
		}
		read++
		t.Run(filepath.Base(rel), func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			done := make(chan string, 1)
			go func() {
				p, err := inspectFile(t, path)
				outcome := "result"
				if err != nil {
					outcome = "error: " + err.Error()
				} else if len(p.Warnings) > 0 {
					outcome = "result with warnings: " + strings.Join(p.Warnings, "; ")
				}
				done <- outcome
			}()
			select {
			case outcome := <-done:
				t.Logf("%s: %.200s", rel, outcome)
			case <-time.After(30 * time.Second):
				t.Fatalf("%s: no answer after 30 s", rel)
			}
			runtime.ReadMemStats(&after)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<20 {
				t.Errorf("%s: allocated %d MiB", rel, alloc>>20)
			}
		})
	}
	if read == 0 {
		t.Fatal("none of the hostile files is in the corpus")
	}
}

// TestCorpusSyntheticPerformance: every corpus audio or video file with a
// GenAI finding also gets synthetic-performance, and the Sora video is among them.
func TestCorpusSyntheticPerformance(t *testing.T) {
	needCorpus(t)
	flaggedAV := map[string]bool{}
	err := filepath.WalkDir(corpusDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		p, ierr := inspectFile(t, path)
		if ierr != nil || (p.Media != rules.MediaAudio && p.Media != rules.MediaVideo) {
			return nil
		}
		genAI, talent := false, false
		for _, m := range rules.Evaluate(p.Evidence, p.Media) {
			genAI = genAI || genaiRules[m.Rule.ID]
			talent = talent || m.Rule.ID == rules.SyntheticPerformance
		}
		rel, _ := filepath.Rel(corpusDir, path)
		if genAI {
			flaggedAV[filepath.ToSlash(rel)] = true
			if !talent {
				t.Errorf("%s: GenAI %s without synthetic-performance", rel, p.Media)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !flaggedAV["genai/sora/videotest2.mp4"] {
		t.Errorf("the Sora video is not flagged; flagged audio/video: %v", flaggedAV)
	}
	t.Logf("GenAI audio/video in the corpus: %v", flaggedAV)
}
