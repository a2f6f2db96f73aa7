package rules

import (
	"testing"

	"github.com/provscan/provscan/provenance/evidence"
)

func ids(ms []Match) map[string]Match {
	out := map[string]Match{}
	for _, m := range ms {
		out[m.Rule.ID] = m
	}
	return out
}

func TestTableIsConsistent(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Table {
		if seen[r.ID] {
			t.Errorf("duplicate rule %s", r.ID)
		}
		seen[r.ID] = true
		if r.Title == "" || r.Help == "" {
			t.Errorf("rule %s lacks a title or help", r.ID)
		}
		if r.ID != Unreadable && r.Principle == "" {
			t.Errorf("rule %s serves no principle", r.ID)
		}
	}
	for _, id := range []string{GenAISourceType, GenAIGenerator, GenAIEdit, GenAIIngredient, PromptEmbedded, ProvenanceRemoteOnly, Unreadable, SyntheticPerformance, ProvenanceInvalid} {
		if Lookup(id) == nil {
			t.Errorf("rule %s missing from the table", id)
		}
	}
}

func TestEvaluate(t *testing.T) {
	genai := evidence.Item{Kind: evidence.SourceType, Class: evidence.ClassGenAI, Term: "trainedAlgorithmicMedia", Confidence: evidence.Declared, Generator: "Google"}
	edit := evidence.Item{Kind: evidence.SourceType, Class: evidence.ClassEdit, Term: "compositeWithTrainedAlgorithmicMedia", Confidence: evidence.Declared}
	review := evidence.Item{Kind: evidence.SourceType, Class: evidence.ClassReview, Term: "composite", Confidence: evidence.Declared}
	gen := evidence.Item{Kind: evidence.Generator, Generator: "ComfyUI", Confidence: evidence.Inferred, Field: "prompt"}
	prompt := evidence.Item{Kind: evidence.Prompt, Generator: "ComfyUI", Confidence: evidence.Inferred, Field: "prompt"}
	ingredientGen := evidence.Item{Kind: evidence.Generator, Generator: "Adobe Firefly", Confidence: evidence.Declared, Ingredient: true}
	ingredientDST := genai
	ingredientDST.Ingredient = true

	for _, tc := range []struct {
		name  string
		items []evidence.Item
		media string
		want  []string
		not   []string
	}{
		{"source type", []evidence.Item{genai}, "image", []string{GenAISourceType}, []string{GenAIIngredient, SyntheticPerformance}},
		{"edit", []evidence.Item{edit}, "image", []string{GenAIEdit}, []string{GenAISourceType}},
		{"review alone", []evidence.Item{review}, "image", []string{GenAIReview}, nil},
		{"review hidden by stronger evidence", []evidence.Item{review, genai}, "image", []string{GenAISourceType}, []string{GenAIReview}},
		{"generator and prompt", []evidence.Item{gen, prompt}, "image", []string{GenAIGenerator, PromptEmbedded}, nil},
		{"ingredient only", []evidence.Item{ingredientDST}, "image", []string{GenAIIngredient}, []string{GenAISourceType}},
		{"ingredient generator only", []evidence.Item{ingredientGen}, "image", []string{GenAIIngredient}, []string{GenAIGenerator}},
		{"ingredient beside active GenAI", []evidence.Item{genai, ingredientDST, ingredientGen}, "image", []string{GenAISourceType, GenAIGenerator}, []string{GenAIIngredient}},
		{"video", []evidence.Item{genai}, MediaVideo, []string{GenAISourceType, SyntheticPerformance}, nil},
		{"audio generator", []evidence.Item{gen}, MediaAudio, []string{GenAIGenerator, SyntheticPerformance}, nil},
		{"audio prompt only", []evidence.Item{prompt}, MediaAudio, []string{PromptEmbedded}, []string{SyntheticPerformance}},
		{"remote", []evidence.Item{{Kind: evidence.RemoteManifest}}, "image", []string{ProvenanceRemoteOnly}, nil},
		{"training", []evidence.Item{{Kind: evidence.TrainingMining, Field: "training-mining.c2pa.ai_training", Value: "notAllowed"}}, "image", []string{TrainingMining}, []string{GenAISourceType}},
		{"invalid", []evidence.Item{{Kind: evidence.InvalidC2PA, Value: "claimSignature.mismatch"}}, "image", []string{ProvenanceInvalid}, nil},
		{"nothing", nil, "image", nil, []string{GenAISourceType, GenAIGenerator, PromptEmbedded}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(Evaluate(tc.items, tc.media))
			for _, id := range tc.want {
				if _, ok := got[id]; !ok {
					t.Errorf("missing %s; got %v", id, keys(got))
				}
			}
			for _, id := range tc.not {
				if _, ok := got[id]; ok {
					t.Errorf("unexpected %s", id)
				}
			}
		})
	}
}

func TestEvaluateNamesGeneratorAndConfidence(t *testing.T) {
	ms := Evaluate([]evidence.Item{
		{Kind: evidence.SourceType, Class: evidence.ClassGenAI, Term: "trainedAlgorithmicMedia", Confidence: evidence.Declared},
		{Kind: evidence.Generator, Generator: "OpenAI Sora", Confidence: evidence.Declared},
	}, "image")
	m := ids(ms)[GenAISourceType]
	if m.Generator != "OpenAI Sora" || m.Confidence != evidence.Declared {
		t.Fatalf("source type finding = %+v", m)
	}
	// Sorted by rule ID.
	for i := 1; i < len(ms); i++ {
		if ms[i-1].Rule.ID > ms[i].Rule.ID {
			t.Fatalf("not sorted: %s before %s", ms[i-1].Rule.ID, ms[i].Rule.ID)
		}
	}
}

func TestParseSeverity(t *testing.T) {
	for in, want := range map[string]Severity{"info": Info, "LOW": Low, " medium ": Medium, "high": High, "critical": Critical, "none": Critical + 1} {
		got, err := ParseSeverity(in)
		if err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("ParseSeverity accepted an unknown name")
	}
}

func keys(m map[string]Match) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
