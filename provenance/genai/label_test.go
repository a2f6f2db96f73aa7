package genai

import (
	"strings"
	"testing"

	"github.com/provscan/provscan/provenance/evidence"
)

const gbLabel = `{"Label":"1","ContentProducer":"001191330106MA2CFLDG4R10001","ProduceID":"a1b2","ReservedCode1":"c2ln","ContentPropagator":"","PropagateID":"","ReservedCode2":""}`

// GB 45438-2025 labels in every shape and field name a carrier gives them,
// and TikTok's aigc_info, are read as values.
func TestLabelOf(t *testing.T) {
	for _, tc := range []struct {
		f        Fact
		level    string
		term     string
		producer string
	}{
		{Fact{Source: Text, Field: "AIGC", Value: gbLabel}, evidence.LevelGenerated, "AIGC Label 1 (GB 45438-2025)", "001191330106MA2CFLDG4R10001"},
		{Fact{Source: Text, Field: "TXXX:AIGC", Value: `{"Label":"2","ContentProducer":"001191340000711771143J00000"}`}, evidence.LevelPossible, "AIGC Label 2 (GB 45438-2025)", "001191340000711771143J00000"},
		{Fact{Source: Text, Field: "aigc", Value: ` {"label":3} `}, evidence.LevelSuspected, "AIGC Label 3 (GB 45438-2025)", ""},
		{Fact{Source: XMP, Field: "TC260:AIGC", Value: gbLabel}, evidence.LevelGenerated, "AIGC Label 1 (GB 45438-2025)", "001191330106MA2CFLDG4R10001"},
		{Fact{Source: XMP, Field: TC260NS + ":AIGC", Value: gbLabel}, evidence.LevelGenerated, "AIGC Label 1 (GB 45438-2025)", "001191330106MA2CFLDG4R10001"},
		{Fact{Source: EXIF, Field: "UserComment", Value: `{"AIGC":` + gbLabel + `}`}, evidence.LevelGenerated, "AIGC Label 1 (GB 45438-2025)", "001191330106MA2CFLDG4R10001"},
		{Fact{Source: EXIF, Field: "UserComment", Value: `{"AIGC":"{\"Label\":\"2\",\"ContentProducer\":\"X\"}"}`}, evidence.LevelPossible, "AIGC Label 2 (GB 45438-2025)", "X"},
		{Fact{Source: EXIF, Field: "UserComment", Value: gbLabel}, evidence.LevelGenerated, "AIGC Label 1 (GB 45438-2025)", "001191330106MA2CFLDG4R10001"},
		{Fact{Source: Text, Field: "aigc_info", Value: `{"aigc_label_type":2}`}, evidence.LevelGenerated, "TikTok aigc_label_type 2: detected by the platform", ""},
		{Fact{Source: Text, Field: "aigc_info", Value: `{"aigc_label_type":"1"}`}, evidence.LevelGenerated, "TikTok aigc_label_type 1: labelled by the creator", ""},
		{Fact{Source: Text, Field: "AIGC", Value: `{"Label":"1","ContentProducer":"` + strings.Repeat("9", 200) + `"}`}, evidence.LevelGenerated, "AIGC Label 1 (GB 45438-2025)", strings.Repeat("9", maxProducer) + "…"},
	} {
		lb, ok := LabelOf(tc.f)
		if !ok || lb.Level != tc.level || lb.Term != tc.term || lb.Producer != tc.producer {
			t.Errorf("%s %s=%q: %+v %v; want %s %q %q", tc.f.Source, tc.f.Field, tc.f.Value, lb, ok, tc.level, tc.term, tc.producer)
		}
		items := Detect([]Fact{tc.f})
		if len(items) != 1 || items[0].Kind != evidence.Label || items[0].Level != tc.level || items[0].Producer != tc.producer {
			t.Errorf("Detect(%s=%q) = %+v", tc.f.Field, tc.f.Value, items)
		}
	}
	// Not labels: a TikTok video not labelled AI, the reference code's
	// placeholders, labels out of range, a "Label" that is not the
	// standard's, the JSON in a C2PA or tool fact, malformed JSON.
	for _, f := range []Fact{
		{Source: Text, Field: "aigc_info", Value: `{"aigc_label_type":0}`},
		{Source: Text, Field: "aigc_info", Value: `{"aigc_label_type":3}`},
		{Source: Text, Field: "aigc_info", Value: `{}`},
		{Source: Text, Field: "AIGC", Value: `{"Label":"value1","ContentProducer":"value2"}`},
		{Source: Text, Field: "AIGC", Value: `{"Label":"0"}`},
		{Source: Text, Field: "AIGC", Value: `{"Label":"4"}`},
		{Source: Text, Field: "AIGC", Value: `{"Label":"1"`},
		{Source: Text, Field: "AIGC", Value: `Label 1`},
		{Source: Text, Field: "comment", Value: `{"Label":"1","color":"red"}`},
		{Source: Text, Field: "workflow", Value: `{"nodes":[{"type":"Note","properties":{"Label":"1"}}]}`},
		{Source: EXIF, Field: "UserComment", Value: `{"AIGC":{"Label":"9"}}`},
		{Source: C2PA, Field: FieldDescription, Value: gbLabel},
		{Source: Tool, Field: "AIGC", Value: gbLabel},
	} {
		if lb, ok := LabelOf(f); ok {
			t.Errorf("%s %s=%q read as label %+v", f.Source, f.Field, f.Value, lb)
		}
		for _, it := range Detect([]Fact{f}) {
			if it.Kind == evidence.Label {
				t.Errorf("%s=%q gave label evidence %+v", f.Field, f.Value, it)
			}
		}
	}
}

func FuzzLabelOf(f *testing.F) {
	for _, s := range []string{gbLabel, `{"AIGC":` + gbLabel + `}`, `{"aigc_label_type":2}`, `{"AIGC":"{\"Label\":1}"}`} {
		f.Add("AIGC", s)
		f.Add("aigc_info", s)
	}
	f.Fuzz(func(t *testing.T, field, value string) {
		lb, ok := LabelOf(Fact{Source: Text, Field: field, Value: value})
		if ok && (lb.Level == "" || lb.Term == "" || len([]rune(lb.Producer)) > maxProducer+1) {
			t.Fatalf("bad label %+v", lb)
		}
	})
}
