package genai

import (
	"strings"

	"github.com/provscan/provscan/provenance/evidence"
)

// Topaz Video AI (Topaz Labs' AI upscaling, frame interpolation and
// enhancement) writes a "videoai" metadata key into the files it renders
// (issue 14; av/MARKERS.md notes its ffmpeg build with tvai_* filters). Its
// models regenerate the picture from the source: captured material edited
// with generative AI, as compositeWithTrainedAlgorithmicMedia declares it.

// topazEdit returns the evidence of a Topaz Video AI "videoai" key, or
// false when f is not one.
func topazEdit(f Fact, item evidence.Item) (evidence.Item, bool) {
	if f.Source != Text || !strings.EqualFold(strings.TrimSpace(f.Field), "videoai") || strings.TrimSpace(f.Value) == "" {
		return item, false
	}
	item.Kind, item.Class, item.Term = evidence.SourceType, evidence.ClassEdit, "AI enhancement by Topaz Video AI (videoai)"
	item.Generator, item.Confidence = "Topaz Video AI", evidence.Declared
	return item, true
}
