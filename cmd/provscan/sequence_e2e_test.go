package main

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// cleanDPX is a DPX frame written by Nuke with no user data.
func cleanDPX() []byte {
	b := make([]byte, 2048+256)
	copy(b, "SDPX")
	copy(b[160:], "Nuke")
	binary.BigEndian.PutUint32(b[32:], 0)
	return b
}

// TestSequenceE2E: a DPX sequence where three frames declare GenAI (an AI
// fix on a few frames) fails the default gate; the text report shows the
// sequence on one line with the three frames first and their findings
// collapsed; the JSON report keeps one finding per frame, naming sequence
// and frame.
func TestSequenceE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	deliv := t.TempDir()
	files := map[string][]byte{}
	for f := 1001; f <= 1024; f++ {
		if f == 1005 {
			continue
		}
		b := cleanDPX()
		if f >= 1010 && f <= 1012 {
			b = dpxWithXMP()
		}
		files[fmt.Sprintf("scans/sh010_comp.%d.dpx", f)] = b
	}
	writeFiles(t, deliv, files)
	r := runBinary(t, bin, t.TempDir(), "scan", deliv)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (GenAI frames fail the gate):\n%s", r.code, r.stdout)
	}
	lines := strings.Split(r.stdout, "\n")
	seqLine := -1
	for i, l := range lines {
		if strings.Contains(l, "scans/sh010_comp.1001-1024#.dpx (23 frames, missing 1005)") {
			seqLine = i
		}
		if strings.Contains(l, "sh010_comp.1011.dpx") && !strings.Contains(l, "provscan approve") {
			t.Errorf("a frame on a line of its own: %q", l)
		}
	}
	if seqLine < 0 || seqLine+1 >= len(lines) || !strings.Contains(lines[seqLine+1], "differs on 3 frames 1010-1012") {
		t.Fatalf("no sequence line followed by its differing frames:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "genai-source-type x 3 on frames 1010-1012") {
		t.Errorf("the frames' findings are not collapsed in the sequence:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "scans/sh010_comp.1001-1024#.dpx") || !strings.Contains(r.stdout, "(3 frames: 1010-1012)") {
		t.Errorf("the findings are not collapsed to one row:\n%s", r.stdout)
	}

	j := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", deliv)
	var rep struct {
		Findings []struct {
			Path, Rule, Sequence string
			Frame                *int
		}
		Sequences []struct {
			Path     string
			Count    int
			Outliers []struct{ Frame int }
		}
		Coverage struct {
			Files    int
			ByFormat []struct {
				Name  string
				Files int
			} `json:"by_format"`
		}
	}
	if err := json.Unmarshal([]byte(j.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 3 {
		t.Fatalf("findings: %+v", rep.Findings)
	}
	for _, f := range rep.Findings {
		if f.Sequence != "scans/sh010_comp.####.dpx" || f.Frame == nil || filepath.Base(f.Path) != fmt.Sprintf("sh010_comp.%d.dpx", *f.Frame) {
			t.Errorf("finding %+v", f)
		}
	}
	if len(rep.Sequences) != 1 || rep.Sequences[0].Count != 23 || len(rep.Sequences[0].Outliers) != 3 {
		t.Errorf("sequences: %+v", rep.Sequences)
	}
	if rep.Coverage.Files != 23 || len(rep.Coverage.ByFormat) != 1 || rep.Coverage.ByFormat[0].Name != "DPX" {
		t.Errorf("coverage: %+v", rep.Coverage)
	}
}

// TestInspectPackageE2E: inspect names the IMF package of a track file its
// sibling ASSETMAP lists.
func TestInspectPackageE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	deliv := t.TempDir()
	writeFiles(t, deliv, map[string][]byte{
		"ASSETMAP.xml": []byte(`<?xml version="1.0"?><AssetMap xmlns="http://www.smpte-ra.org/schemas/429-9/2007/AM"><Id>urn:uuid:1</Id>` +
			`<AnnotationText>Show_IMF</AnnotationText><AssetList><Asset><Id>urn:uuid:2</Id><ChunkList><Chunk><Path>video.mxf</Path></Chunk></ChunkList></Asset></AssetList></AssetMap>`),
		"video.mxf": []byte("a track file provscan need not read to place it in its package\n"),
	})
	r := runBinary(t, bin, t.TempDir(), "inspect", filepath.Join(deliv, "video.mxf"))
	if !strings.Contains(r.stdout, "package") || !strings.Contains(r.stdout, "Show_IMF (IMF, "+filepath.Join(deliv, "ASSETMAP.xml")+" lists it as urn:uuid:2)") {
		t.Errorf("inspect does not name the package (exit %d):\n%s", r.code, r.stdout)
	}
}
