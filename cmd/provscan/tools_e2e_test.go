package main

import (
	"encoding/binary"
	"strings"
	"testing"
)

// exrWithSoftware is an OpenEXR header whose "software" string attribute
// names tool.
func exrWithSoftware(tool string) []byte {
	b := []byte("\x76\x2f\x31\x01\x02\x00\x00\x00")
	b = append(b, "software\x00string\x00"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(tool)))
	b = append(b, tool...)
	return append(b, 0)
}

// dpxWithCreator is a big-endian DPX header whose creator field names tool.
func dpxWithCreator(tool string) []byte {
	b := make([]byte, 2048)
	copy(b, "SDPX")
	binary.BigEndian.PutUint32(b[4:], 2048)
	binary.BigEndian.PutUint32(b[16:], 2048)
	copy(b[160:260], tool)
	return b
}

// TestGateToolNames: a GenAI tool named in the field where a format names
// its writing software (EXR software, DPX creator) fails the default gate
// with the tool as the generator, through the one tool-name mechanism; the
// finishing tools of a real delivery in the same fields pass.
func TestGateToolNames(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	deliv := t.TempDir()
	writeFiles(t, deliv, map[string][]byte{
		"comp/sh010.1001.exr":  exrWithSoftware("ComfyUI 0.3.44"),
		"scans/reel1.0001.dpx": dpxWithCreator("Runway Gen-4 Turbo"),
	})
	code, got, out := scanFailing(t, bin, deliv)
	if code != 1 || !strings.Contains(got["sh010.1001.exr"], "genai-") || !strings.Contains(got["reel1.0001.dpx"], "genai-") {
		t.Errorf("exit %d, failing findings %v\n%s", code, got, out)
	}
	for _, want := range []string{"ComfyUI", "Runway"} {
		if !strings.Contains(out, `"generator": "`+want) {
			t.Errorf("report names no generator %q", want)
		}
	}

	clean := t.TempDir()
	writeFiles(t, clean, map[string][]byte{
		"comp/sh010.1001.exr":  exrWithSoftware("Nuke 15.1v3"),
		"scans/reel1.0001.dpx": dpxWithCreator("DaVinci Resolve Studio"),
	})
	if r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", clean); r.code != 0 {
		t.Errorf("finishing tools: exit %d\n%s", r.code, r.stdout)
	}
}
