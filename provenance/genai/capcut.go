package genai

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/provscan/provscan/provenance/evidence"
)

// CapCut (and its Chinese edition's "vicut") writes per-feature AI-usage
// flags into the exports it makes, as JSON in a QuickTime metadata key
// (com.apple.quicktime.artwork): {"data": {"is_use_ai_video_generation": 0,
// "is_use_voice_clone": "0", "is_use_vc_sing_clone": 1, ..., "product":
// "vicut"}, "source_type": "vicut"}. The flags are read as values: only a
// flag set to 1 counts, whatever its name says. A clone of a voice, a
// singing voice or a face is a synthetic performance; any other AI feature
// names CapCut as the generator. Source: corpus av/MARKERS.md section 3.

// capcutClone maps the flags that replace a performance to the technique.
var capcutClone = map[string]string{
	"is_use_voice_clone":   "voice clone",
	"is_use_vc_sing_clone": "singing voice clone",
	"is_use_face_swap":     "face swap",
	"is_use_ai_face_swap":  "face swap",
}

// maxCapCutJSON is the longest value parsed as CapCut's flags.
const maxCapCutJSON = 256 << 10

// capcutFlags returns the evidence of the AI features a CapCut export says
// it used, or nil when f holds no such JSON.
func capcutFlags(f Fact, item evidence.Item) []evidence.Item {
	v := f.Value
	if f.Source == C2PA || f.Source == Tool || len(v) > maxCapCutJSON || !strings.Contains(v, `"is_`) ||
		!strings.Contains(v, "vicut") && !strings.Contains(v, "capcut") && !strings.Contains(v, "CapCut") {
		return nil
	}
	var doc struct {
		Data       map[string]any `json:"data"`
		SourceType string         `json:"source_type"`
	}
	if json.Unmarshal([]byte(v), &doc) != nil || doc.Data == nil {
		return nil
	}
	product, _ := doc.Data["product"].(string)
	if !isCapCut(product) && !isCapCut(doc.SourceType) {
		return nil
	}
	var out []evidence.Item
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range doc.Data {
			if !yield(k) {
				return
			}
		}
	}) {
		if !strings.HasPrefix(k, "is_") || !flagSet(doc.Data[k]) {
			continue
		}
		it := item
		it.Location, it.Value, it.Confidence = strings.TrimSpace(it.Location+" data."+k), k+" = 1", evidence.Declared
		if tech, ok := capcutClone[k]; ok || strings.Contains(k, "clone") {
			if !ok {
				tech = "clone (" + k + ")"
			}
			p := it
			p.Kind, p.Term, p.Generator = evidence.Performance, tech, "CapCut"
			out = append(out, p)
		}
		it.Kind, it.Generator = evidence.Generator, "CapCut"
		out = append(out, it)
	}
	return out
}

func isCapCut(s string) bool {
	s = strings.ToLower(s)
	return s == "vicut" || s == "capcut" || strings.HasPrefix(s, "capcut")
}

// flagSet reports whether a flag's value is 1 (a number or a string).
func flagSet(v any) bool {
	switch x := v.(type) {
	case float64:
		return x == 1
	case string:
		return strings.TrimSpace(x) == "1"
	case bool:
		return x
	}
	return false
}

// CapCutExample is a CapCut export's flags with one AI feature (video
// generation) and one clone (a singing voice) set, for tests.
const CapCutExample = `{"data":{"is_ai_lyric":0,"is_aimusic_mv":0,"is_use_ai_image_generation":0,"is_use_ai_video_generation":1,"is_use_aimusic_bgm":0,"is_use_voice_clone":"0","is_use_vc_sing_clone":1,"product":"vicut"},"source_type":"vicut"}`
