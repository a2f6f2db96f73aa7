package provenance_test

import (
	"testing"

	"github.com/provscan/provscan/bench/synth"
	"github.com/provscan/provscan/provenance"
)

// BenchmarkInspect measures provenance.Inspect end to end (sniff, container
// reader, EXIF/XMP/C2PA/text interpreters, GenAI catalogue) on one typical
// file per format. Run with
//
//	go test -run '^$' -bench Inspect -benchmem ./provenance
func BenchmarkInspect(b *testing.B) {
	for _, s := range synth.Samples() {
		b.Run(s.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := provenance.Inspect(s.R, s.Size, s.Name, provenance.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestInspectSamplesFindEvidence keeps BenchmarkInspect honest: the samples
// that carry GenAI markers must produce evidence, the camera-only ones none.
func TestInspectSamplesFindEvidence(t *testing.T) {
	// Samples whose metadata names a generator or a GenAI source type.
	marked := map[string]bool{"JPEG": true, "PNG": true, "WebP": true, "TIFF": true, "GIF": true,
		"PDF": true, "SVG": true, "XMPSidecar": true, "PSD": true, "JXL": true}
	clean := map[string]bool{"MP4_4GiB_moov_at_end": true, "MOV_4GiB": true, "WAV_4GiB": true}
	for _, s := range synth.Samples() {
		p, err := provenance.Inspect(s.R, s.Size, s.Name, provenance.Options{})
		if err != nil {
			t.Errorf("%s: %v", s.Name, err)
			continue
		}
		if marked[s.Name] && len(p.Evidence) == 0 {
			t.Errorf("%s: no evidence from a file with GenAI markers", s.Name)
		}
		if clean[s.Name] && len(p.Evidence) != 0 {
			t.Errorf("%s: evidence %+v from a file with only an encoder tag", s.Name, p.Evidence)
		}
	}
}
