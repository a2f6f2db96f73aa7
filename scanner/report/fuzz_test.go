package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/provscan/provscan/scanner/rules"
)

// FuzzWriters feeds hostile strings (as file paths and values read from
// files) to every writer: each must succeed and produce a document that
// parses, the text report must never carry a raw control character, and
// the HTML report must hold its data island, one script and no raw control
// or bidi character (checkSafe).
func FuzzWriters(f *testing.F) {
	f.Add("stills/a.png", "signature of ComfyUI", "{\"prompt\": 1}", "root")
	f.Add("a b/%20#?.png", "\x1b]0;x\x07", "\x00\xff\xfe", "C:/x")
	f.Add("", "", "", "")
	f.Add("x.zip!/in/ner.png", "line\nbreak\ttab", "\u202eevil", ".")
	f.Fuzz(func(t *testing.T, path, msg, value, root string) {
		r := &Report{
			Schema: SchemaVersion, Tool: Tool{Name: "provscan", Version: "fuzz"}, Roots: []string{root}, RootDirs: []string{"/" + root},
			Findings: []Finding{{Path: path, Root: root, Rule: rules.GenAIGenerator, Severity: rules.High, Generator: value,
				Message: msg, Status: StatusOpen, FailsGate: true, Fingerprint: "x:" + path, LinkTarget: value,
				Evidence: []Evidence{{Container: value, Location: msg, Field: path, Value: value}}}},
			Errors:      []Error{{Path: path, Error: value, Root: root}},
			Scanned:     []ScannedFile{{Root: root, Path: path}},
			Gate:        &Gate{FailOn: "high", Strict: true, Unsupported: UnsupportedFail, Failed: true, Failing: 1, Reasons: []string{msg, value}},
			Unsupported: []UnsupportedFile{{Path: path, Root: root, Size: 1, Head: value, LooksLike: msg}},
			Links:       []Link{{Path: path, Root: root, Target: value, Resolved: msg, Outcome: LinkOutside}},
			Policy: &Policy{Files: []PolicyFile{{Kind: msg, Path: value, Source: "root", SHA256: value}},
				NotApplied: []PolicyFile{{Kind: "ignore", Path: path, Source: "root"}}, Excluded: []Excluded{{Path: path, Root: root, By: value}}},
		}
		// The groups: a sequence and a package named by hostile values, and
		// two frames' findings collapsed on one line.
		one, two := 1, 2
		seq := path + "/" + value + ".#.exr"
		r.Sequences = []Sequence{{Path: seq, Root: root, Folder: path, Pattern: value + ".#.exr", First: 1, Last: 9, Count: 2, MissingFrames: 7,
			Missing: []FrameRange{{First: 3, Last: 9}}, Outliers: []Outlier{{Frame: 2, Path: path, Differs: msg}}, OutlierFrames: 1,
			Sidecars: []string{value}, Formats: []string{msg}, Findings: []SequenceFindings{{Rule: msg, Count: 2, Frames: []FrameRange{{First: 1, Last: 2}}}}}}
		ref := &PackageRef{AssetMap: path, ID: value, Annotation: msg, Title: value, AssetID: msg}
		g1, g2 := Grouping{Sequence: seq, Frame: &one, Package: ref}, Grouping{Sequence: seq, Frame: &two}
		f2 := r.Findings[0]
		r.Findings[0].Grouping, f2.Grouping = g1, g2
		r.Findings = append(r.Findings, f2)
		r.Packages = []Package{{AssetMap: path, Root: root, ID: value, Annotation: msg, Titles: []string{value}, Assets: 2,
			Missing: []PackageAsset{{ID: value, Path: msg}}, Unlisted: []string{path}, Error: value}}
		r.Coverage = &Coverage{Files: 1, Bytes: 1, ByMedia: []FormatCount{{Name: msg, Files: 1}}, ByFormat: []FormatCount{{Name: value, Media: msg, Files: 1}}}
		var b bytes.Buffer
		if err := WriteJSON(&b, r); err != nil || !json.Valid(b.Bytes()) {
			t.Fatalf("json: %v", err)
		}
		b.Reset()
		if err := WriteSARIF(&b, r); err != nil || !json.Valid(b.Bytes()) {
			t.Fatalf("sarif: %v", err)
		}
		var log struct {
			Runs []struct {
				Results []struct {
					Locations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct{ URI string } `json:"artifactLocation"`
						} `json:"physicalLocation"`
					} `json:"locations"`
				} `json:"results"`
			} `json:"runs"`
		}
		json.Unmarshal(b.Bytes(), &log)
		if u := log.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI; strings.HasPrefix(u, "/") || strings.ContainsAny(u, " \x00") {
			t.Fatalf("SARIF uri %q is not a relative URI reference", u)
		}
		b.Reset()
		if err := WriteJUnit(&b, r); err != nil {
			t.Fatalf("junit: %v", err)
		}
		var suites struct {
			Tests int `xml:"tests,attr"`
		}
		if err := xml.Unmarshal(b.Bytes(), &suites); err != nil || suites.Tests != 1 {
			t.Fatalf("junit does not parse (%v, tests=%d):\n%s", err, suites.Tests, b.String())
		}
		b.Reset()
		if err := WriteText(&b, r, TextOptions{Evidence: true}); err != nil {
			t.Fatal(err)
		}
		if err := WriteText(&b, r, TextOptions{Width: 60}); err != nil {
			t.Fatal(err)
		}
		for _, c := range b.String() {
			if c < 0x20 && c != '\n' || c == 0x7f || c >= 0x80 && c < 0xa0 {
				t.Fatalf("raw control character %U in the text report", c)
			}
		}
		b.Reset()
		r.Thumbnails = map[string]Thumbnail{path: {MIME: "image/png", Data: []byte(value), Source: msg}}
		if err := WriteHTML(&b, r); err != nil {
			t.Fatal(err)
		}
		if cards := checkSafe(t, parseHTML(t, b.Bytes())); len(cards) == 0 {
			t.Fatal("html: no card in the data island")
		}
	})
}
