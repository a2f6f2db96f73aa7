package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/provscan/provscan/bench/synth"
)

// TestGateMXF: an MXF whose Identification names a GenAI tool, whose
// descriptive metadata holds an XMP DigitalSourceType, or whose first
// JPEG 2000 frame's COM marker names a GenAI tool, fails the default gate;
// one written by finishing tools passes.
func TestGateMXF(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	for _, tc := range []struct {
		name      string
		mxf       []byte
		code      int
		generator string // named in the report
	}{
		{"genai tool", synth.MXFHeader("Runway AI, Inc.", "Runway Gen-4", "", nil), 1, "Runway"},
		{"genai source type", synth.MXFHeader("Blackmagic Design", "DaVinci Resolve", genaiXMP, nil), 1, ""},
		{"finishing tool", synth.MXFHeader("Blackmagic Design", "DaVinci Resolve", "", nil), 0, ""},
		{"genai tool in the first frame's COM marker", synth.MXFHeader("Blackmagic Design", "DaVinci Resolve", "", j2cWithComment("ComfyUI 0.3.40")), 1, "ComfyUI"},
		{"encoder in the first frame's COM marker", synth.MXFHeader("Blackmagic Design", "DaVinci Resolve", "", j2cWithComment("Kakadu-v8.4")), 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			deliv := t.TempDir()
			writeFiles(t, deliv, map[string][]byte{"reels/reel1.mxf": tc.mxf})
			r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", filepath.Join(deliv))
			rep := parseReport(t, r)
			failing := 0
			for _, f := range rep.Findings {
				if f.FailsGate {
					failing++
				}
				if f.Rule == "unreadable" {
					t.Errorf("unreadable: %+v", f)
				}
			}
			if r.code != tc.code || (failing > 0) != (tc.code == 1) || rep.Summary.Files != 1 || len(rep.Unsupported) != 0 {
				t.Errorf("exit %d (want %d), findings %+v, unsupported %+v, errors %+v", r.code, tc.code, rep.Findings, rep.Unsupported, rep.Errors)
			}
			if tc.generator != "" && !strings.Contains(r.stdout, `"generator": "`+tc.generator) {
				t.Errorf("report names no generator %q\n%s", tc.generator, r.stdout)
			}
		})
	}
}
