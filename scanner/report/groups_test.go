package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// groupsReport is a report with a sequence, a package and the coverage.
func groupsReport() *Report {
	return &Report{Schema: SchemaVersion, Tool: Tool{Name: "provscan", Version: "t"}, Roots: []string{"deliv"}, RootDirs: []string{"/deliv"},
		Sequences: []Sequence{{Path: "r/sh010.####.exr", Root: "deliv", Folder: "r", Pattern: "sh010.####.exr", Padding: 4, First: 1001, Last: 1240,
			Count: 237, MissingFrames: 3, Missing: []FrameRange{{First: 1101, Last: 1103}},
			Outliers: []Outlier{{Frame: 1150, Path: "r/sh010.1150.exr", Differs: "tool: X"}, {Frame: 1151, Path: "r/sh010.1151.exr", Differs: "tool: X"}}, OutlierFrames: 2,
			Findings: []SequenceFindings{{Rule: "genai-generator", Count: 2, Frames: []FrameRange{{First: 1150, Last: 1151}}}}, Sidecars: []string{"r/sh010.c2pa"}}},
		Packages: []Package{{AssetMap: "imf/ASSETMAP.xml", Root: "deliv", ID: "urn:uuid:1", Annotation: "Show", Titles: []string{"Show Ep1"}, Assets: 3, Present: 2,
			Missing: []PackageAsset{{ID: "urn:uuid:9", Path: "imf/audio.mxf"}}, Unlisted: []string{"imf/notes.txt"}}},
		Coverage: &Coverage{Files: 240, Bytes: 1 << 30, Inspected: Count{Files: 239, Bytes: 1<<30 - 10},
			ByMedia:  []FormatCount{{Name: "image", Files: 237, Bytes: 1<<30 - 100, Inspected: 237}},
			ByFormat: []FormatCount{{Name: "OpenEXR", Media: "image", Files: 237, Bytes: 1<<30 - 100, Inspected: 237}},
			NotRead:  NotRead{Unsupported: Count{Files: 1, Bytes: 10}, Errors: 0, Excluded: 4}},
		Gate: &Gate{FailOn: "high", Strict: true, Unsupported: UnsupportedReport},
	}
}

func TestGroupsInEveryWriter(t *testing.T) {
	r := groupsReport()
	var b bytes.Buffer
	if err := WriteText(&b, r, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	for _, want := range []string{
		"SEQUENCES (1)\n  r/sh010.1001-1240#.exr (237 frames, missing 1101-1103 (3))\n    ! differs on 2 frames 1150-1151: tool: X\n    genai-generator x 2 on frames 1150-1151\n    sidecars: r/sh010.c2pa\n",
		`imf/ASSETMAP.xml  Show "Show Ep1" (2 of 3 assets present)`, "missing: imf/audio.mxf (urn:uuid:9)", "not listed: notes.txt",
		"COVERAGE\n  inspected  239 files of 240", "formats    OpenEXR 237", "not read   1 unsupported (10 B), 0 unreadable (0 B), 0 errors, 4 excluded",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	b.Reset()
	if err := WriteSARIF(&b, r); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Properties struct {
				Coverage  Coverage   `json:"coverage"`
				Sequences []Sequence `json:"sequences"`
				Packages  []Package  `json:"packages"`
			} `json:"properties"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	p := log.Runs[0].Properties
	if p.Coverage.Files != 240 || p.Coverage.NotRead.Excluded != 4 || len(p.Sequences) != 1 || p.Sequences[0].Count != 237 || len(p.Packages) != 1 {
		t.Errorf("SARIF run properties: %+v", p)
	}
	b.Reset()
	if err := WriteJUnit(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`name="coverage_files" value="240 files, 1073741824 bytes; 239 inspected, 1073741814 bytes"`,
		`name="coverage_by_format" value="OpenEXR: 237 files, 1073741724 bytes, 237 inspected"`,
		`name="not_read" value="1 unsupported (10 bytes), 0 unreadable (0 bytes), 0 errors, 4 excluded"`,
		`name="sequences" value="r/sh010.1001-1240#.exr (237 frames, missing 1101-1103 (3))"`,
		`name="imf_packages" value="imf/ASSETMAP.xml Show (2 of 3 assets present)"`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("JUnit lacks %s:\n%s", want, b.String())
		}
	}
}

func TestSequenceDisplay(t *testing.T) {
	for _, c := range []struct {
		s    Sequence
		want string
	}{
		{Sequence{Pattern: "a.####.exr", Padding: 4, First: 1001, Last: 1240}, "a.1001-1240#.exr"},
		{Sequence{Pattern: "a_######.dpx", Padding: 6, First: 1, Last: 48, Folder: "f"}, "f/a_000001-000048@@@@@@.dpx"},
		{Sequence{Pattern: "a########.tif", Padding: 8, First: 1, Last: 2}, "a00000001-00000002##.tif"},
		{Sequence{Pattern: "u#.png", First: 1, Last: 11}, "u1-11@.png"},
		{Sequence{Pattern: "noext.####", Padding: 4, First: 1, Last: 2}, "noext.0001-0002#"},
		{Sequence{Pattern: "a.####.####", Padding: 4, First: 1, Last: 2}, "a.0001-0002#.####"},
		{Sequence{Pattern: "odd", Padding: 4, First: 1, Last: 2}, "odd"},
	} {
		if got := SequenceDisplay(&c.s); got != c.want {
			t.Errorf("%+v: %q, want %q", c.s, got, c.want)
		}
	}
}
