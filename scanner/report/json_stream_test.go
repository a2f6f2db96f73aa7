package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/provscan/provscan/scanner/rules"
)

// TestWriteJSONStreamsTheSameBytes: the streamed report is byte for byte the
// report encoded at once, for no finding or sequence, one, and many with
// awkward values.
func TestWriteJSONStreamsTheSameBytes(t *testing.T) {
	for _, n := range []int{0, 1, 3, 500} {
		r := &Report{Schema: SchemaVersion, Tool: Tool{Name: "provscan", Version: "t"}, Roots: []string{"a<b>&c"},
			Summary: Summary{Files: n, ByRule: map[string]int{"genai-generator": n}}, Incomplete: n == 3}
		for i := 0; i < n; i++ {
			f := Finding{Path: fmt.Sprintf("dir/<%d>&.png", i), Rule: "genai-generator", Severity: rules.High,
				Message: "value \u2028 with \"quotes\" and <html>", Confidence: "declared"}
			if i%2 == 0 {
				f.Evidence = []Evidence{{Container: "PNG tEXt", Field: "parameters", Value: "Steps: 20\n\t\x01"}}
			}
			r.Findings = append(r.Findings, f)
			r.Objects = append(r.Objects, ObjectStats{Root: "s3://b<>", Path: fmt.Sprintf("dir/<%d>&.png", i), Size: int64(i), Requests: 1})
			r.Sequences = append(r.Sequences, Sequence{Path: fmt.Sprintf("<%d>/sh010.####.exr", i), Pattern: "sh010.####.exr", Padding: 4,
				First: 1001, Last: 1240, Count: 237, Missing: []FrameRange{{First: 1101, Last: 1103}}, MissingFrames: 3, Outliers: []Outlier{}})
		}
		if n == 3 {
			r.Shard = &Shard{Index: 1, Count: 3, Scanned: []ScannedFile{{Path: "a"}}} // a field after objects
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(normalized(r)); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := WriteJSON(&got, r); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%d findings and sequences: streamed JSON differs:\n%s\nwant:\n%s", n, got.String(), want.String())
		}
	}
}
