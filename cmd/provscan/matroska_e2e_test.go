package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/provscan/provscan/bench/synth"
)

// mkvTagged is a Matroska or WebM file (by doctype) whose Info names the
// writing app and whose Tags hold the given SimpleTags (name, value), with a
// small Cluster of media between them.
func mkvTagged(doctype, writingApp string, tags ...[2]string) []byte {
	el := synth.EBMLElement
	var simple [][]byte
	for _, t := range tags {
		simple = append(simple, el(0x67C8, el(0x45A3, []byte(t[0])), el(0x4487, []byte(t[1]))))
	}
	header := el(0x1A45DFA3, el(0x4282, []byte(doctype)))
	segment := el(0x18538067,
		el(0x1549A966, el(0x4D80, []byte("libebml v1.4.5 + libmatroska v1.7.1")), el(0x5741, []byte(writingApp))),
		el(0x1F43B675, el(0xE7, []byte{0}), el(0xA3, bytes.Repeat([]byte{0x5A}, 512))),
		el(0x1254C367, el(0x7373, simple...)))
	return append(header, segment...)
}

// TestGateMatroskaComfyUI: a ComfyUI workflow graph in the COMMENT tag of a
// WebM (what ComfyUI's video save nodes write) and of a Matroska file fails
// the default gate, naming ComfyUI, as does a GenAI tool named as the
// writing app or in an ENCODER tag; an mkvmerge remux with its statistics
// tags and an ffmpeg WebM pass it.
func TestGateMatroskaComfyUI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	workflow := `{"3": {"inputs": {"seed": 42, "steps": 20, "cfg": 7.5, "sampler_name": "euler"}, "class_type": "KSampler"}, "8": {"inputs": {"samples": ["3", 0]}, "class_type": "VAEDecode"}}`
	deliv := t.TempDir()
	writeFiles(t, deliv, map[string][]byte{
		"web/teaser.webm":   mkvTagged("webm", "Lavf61.7.100", [2]string{"COMMENT", workflow}, [2]string{"ENCODER", "Lavf61.7.100"}),
		"masters/reel1.mkv": mkvTagged("matroska", "Lavf61.7.100", [2]string{"COMMENT", workflow}),
		// A GenAI tool named as the writing app, or in an ENCODER tag.
		"web/kling.webm":   mkvTagged("webm", "Kling AI 2.1"),
		"masters/luma.mkv": mkvTagged("matroska", "Lavf61.7.100", [2]string{"ENCODER", "Luma Dream Machine"}),
	})
	r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", deliv)
	rep := parseReport(t, r)
	failing := rep.failingPaths()
	if r.code != 1 || !failing["web/teaser.webm"] || !failing["masters/reel1.mkv"] || !failing["web/kling.webm"] || !failing["masters/luma.mkv"] ||
		len(rep.Unsupported) != 0 || len(rep.Errors) != 0 {
		t.Errorf("exit %d, failing %v, unsupported %+v, errors %+v\n%s", r.code, failing, rep.Unsupported, rep.Errors, r.stdout)
	}
	var raw struct {
		Findings []json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil {
		t.Fatal(err)
	}
	named := 0
	for _, f := range raw.Findings {
		if strings.Contains(string(f), "ComfyUI") {
			named++
		}
	}
	if named < 2 || !strings.Contains(r.stdout, "Kling") || !strings.Contains(r.stdout, "Luma") {
		t.Errorf("ComfyUI named by %d findings, want one per file; Kling and Luma named:\n%s", named, r.stdout)
	}

	clean := t.TempDir()
	stats := "mkvmerge v89.0 ('And the Melody Still Lingers On (Night in Tunisia)') 64-bit"
	writeFiles(t, clean, map[string][]byte{"masters/reel1.mkv": mkvTagged("matroska", stats,
		[2]string{"_STATISTICS_WRITING_APP", stats}, [2]string{"DURATION", "00:00:10.803000000"}),
		"web/teaser.webm": mkvTagged("webm", "Lavf61.7.100", [2]string{"ENCODER", "Lavf61.7.100"})})
	if r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", clean); r.code != 0 {
		t.Errorf("an mkvmerge remux: exit %d, want 0\n%s", r.code, r.stdout)
	}
}
