package rules

import (
	"strings"
	"testing"

	"github.com/provscan/provscan/provenance/evidence"
	"github.com/provscan/provscan/provenance/genai"
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
	for _, id := range []string{GenAISourceType, GenAIGenerator, GenAIEdit, GenAIIngredient, PromptEmbedded, ProvenanceRemoteOnly, ProvenanceStripped, ProvenanceUntrusted, Unreadable, SyntheticPerformance, ProvenanceInvalid, GenAILabel} {
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
	swap := evidence.Item{Kind: evidence.Performance, Term: "face swap", Generator: "ReActor", Confidence: evidence.Inferred, Field: "prompt", Value: "ReActorFaceSwap"}

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
		{"remote", []evidence.Item{{Kind: evidence.RemoteManifest}}, "image", []string{ProvenanceRemoteOnly}, []string{ProvenanceStripped}},
		{"stripped", []evidence.Item{{Kind: evidence.StrippedManifest, Value: "self#jumbf=/c2pa/urn:uuid:1/c2pa.claim"}}, MediaVideo, []string{ProvenanceStripped}, []string{ProvenanceRemoteOnly, SyntheticPerformance}},
		{"training", []evidence.Item{{Kind: evidence.TrainingMining, Field: "training-mining.c2pa.ai_training", Value: "notAllowed"}}, "image", []string{TrainingMining}, []string{GenAISourceType}},
		{"invalid", []evidence.Item{{Kind: evidence.InvalidC2PA, Value: "claimSignature.mismatch"}}, "image", []string{ProvenanceInvalid}, nil},
		{"nothing", nil, "image", nil, []string{GenAISourceType, GenAIGenerator, PromptEmbedded}},
		{"face swap in a still's workflow", []evidence.Item{gen, prompt, swap}, "image", []string{SyntheticPerformance, GenAIGenerator, PromptEmbedded}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(Evaluate(tc.items, tc.media))
			checkIDs(t, got, tc.want, tc.not)
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

// An ingredient reached from the active manifest only through actions that
// add no content speaks for the file; any other GenAI ingredient is high too.
func TestEvaluateDerivedIngredients(t *testing.T) {
	derived := evidence.Item{Kind: evidence.SourceType, Class: evidence.ClassGenAI, Term: "trainedAlgorithmicMedia", Confidence: evidence.Declared,
		Generator: "Google", Ingredient: true, Derived: true, Via: "c2pa.opened, c2pa.transcoded", Manifest: "gen"}
	deeper := derived
	deeper.Via, deeper.Manifest = "c2pa.opened, c2pa.transcoded, c2pa.converted", "gen2"
	derivedEdit := derived
	derivedEdit.Class, derivedEdit.Term = evidence.ClassEdit, "compositeWithTrainedAlgorithmicMedia"
	derivedGen := evidence.Item{Kind: evidence.Generator, Generator: "OpenAI GPT image", Confidence: evidence.Declared, Ingredient: true, Derived: true, Via: "c2pa.opened"}
	composite := derived
	composite.Derived, composite.Via = false, ""

	got := ids(Evaluate([]evidence.Item{derived, deeper}, "image"))
	m, ok := got[GenAISourceType]
	if !ok || m.Rule.Severity != High {
		t.Fatalf("derived GenAI ingredient: got %v", keys(got))
	}
	if _, ok := got[GenAIIngredient]; ok {
		t.Error("a derived ingredient is the file itself, not an ingredient finding")
	}
	const want = "derived from a GenAI-created ingredient (trainedAlgorithmicMedia) through only c2pa.opened, c2pa.transcoded, c2pa.converted actions"
	if !strings.Contains(m.Message, want) {
		t.Errorf("message = %q, want it to contain %q", m.Message, want)
	}

	got = ids(Evaluate([]evidence.Item{derivedEdit}, "image"))
	if m, ok := got[GenAIEdit]; !ok || !strings.Contains(m.Message, "through only c2pa.opened, c2pa.transcoded actions") {
		t.Errorf("derived GenAI edit: got %v %q", keys(got), m.Message)
	}
	got = ids(Evaluate([]evidence.Item{derivedGen}, "image"))
	if _, ok := got[GenAIGenerator]; !ok {
		t.Errorf("derived generator: got %v", keys(got))
	}

	got = ids(Evaluate([]evidence.Item{composite}, "image"))
	if m, ok := got[GenAIIngredient]; !ok || m.Rule.Severity != High {
		t.Errorf("GenAI ingredient of a composite: got %v, want %s high", keys(got), GenAIIngredient)
	}
	if _, ok := got[GenAISourceType]; ok {
		t.Error("an ingredient of a composite is not the file")
	}

	// The file's own declaration comes first in the message.
	own := derived
	own.Ingredient, own.Derived, own.Via = false, false, ""
	m = ids(Evaluate([]evidence.Item{own, derived}, "image"))[GenAISourceType]
	if m.Message != "declared as generated by AI (trainedAlgorithmicMedia)" {
		t.Errorf("message = %q", m.Message)
	}
}

// A failed signature or hash is high; a credential that is only expired,
// invalid or untrusted over intact content is low, and names its codes.
func TestEvaluateCredentials(t *testing.T) {
	invalid := evidence.Item{Kind: evidence.InvalidC2PA, Value: "signingCredential.expired, assertion.dataHash.mismatch"}
	untrusted := evidence.Item{Kind: evidence.UntrustedC2PA, Value: "signingCredential.expired, signingCredential.untrusted, assertion.dataHash.match"}
	unchecked := evidence.Item{Kind: evidence.UntrustedC2PA, Value: "signingCredential.expired, signingCredential.untrusted"}

	m, ok := ids(Evaluate([]evidence.Item{invalid}, "image"))[ProvenanceInvalid]
	if !ok || m.Rule.Severity != High || !strings.Contains(m.Message, "assertion.dataHash.mismatch") {
		t.Errorf("invalid: %+v", m)
	}
	got := ids(Evaluate([]evidence.Item{untrusted, unchecked}, "image"))
	m, ok = got[ProvenanceUntrusted]
	if !ok || m.Rule.Severity != Low || m.Message != "C2PA credential not trusted (signingCredential.expired, signingCredential.untrusted, assertion.dataHash.match); signature and content hash check out" {
		t.Errorf("untrusted: %+v", m)
	}
	if _, ok := got[ProvenanceInvalid]; ok {
		t.Error("an untrusted credential is not invalid")
	}
	m = ids(Evaluate([]evidence.Item{unchecked}, "image"))[ProvenanceUntrusted]
	if !strings.Contains(m.Message, "content hash was not checked") {
		t.Errorf("unchecked content: %q", m.Message)
	}
	got = ids(Evaluate([]evidence.Item{invalid, untrusted}, "image"))
	if _, ok := got[ProvenanceUntrusted]; ok || got[ProvenanceInvalid].Rule == nil {
		t.Errorf("invalid beside untrusted: want the invalid finding only, got %v", keys(got))
	}
}

func TestParseSeverity(t *testing.T) {
	for in, want := range map[string]Severity{"info": Info, "LOW": Low, " medium ": Medium, "high": High, "critical": Critical, "none": None} {
		got, err := ParseSeverity(in)
		if err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("ParseSeverity accepted an unknown name")
	}
}

// checkIDs asserts that got holds every rule of want and none of not.
func checkIDs(t *testing.T, got map[string]Match, want, not []string) {
	t.Helper()
	for _, id := range want {
		if _, ok := got[id]; !ok {
			t.Errorf("missing %s; got %v", id, keys(got))
		}
	}
	for _, id := range not {
		if _, ok := got[id]; ok {
			t.Errorf("unexpected %s", id)
		}
	}
}

func keys(m map[string]Match) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestEveryRuleIsDecided: each row of the table carries its Decide function,
// except the rules the scanner raises itself.
func TestEveryRuleIsDecided(t *testing.T) {
	for _, r := range Table {
		scanner := r.ID == Unreadable || r.ID == SymlinkUnchecked
		if (r.Decide == nil) != scanner {
			t.Errorf("rule %s: Decide set %v, raised by the scanner %v", r.ID, r.Decide != nil, scanner)
		}
	}
}

// TestSyntheticPerformanceNamesTheTechnique: a technique named in a still's
// workflow is a synthetic performance, whose message names the technique and
// the tool.
func TestSyntheticPerformanceNamesTheTechnique(t *testing.T) {
	ms := Evaluate([]evidence.Item{
		{Kind: evidence.Performance, Term: "face swap", Generator: "ReActor", Confidence: evidence.Inferred},
		{Kind: evidence.Performance, Term: "voice clone", Generator: "XTTS", Confidence: evidence.Inferred},
	}, "image")
	m, ok := ids(ms)[SyntheticPerformance]
	if !ok || m.Message != "face swap (ReActor), voice clone (XTTS) in the generation inputs: a synthetic performance" {
		t.Fatalf("synthetic performance = %+v", m)
	}
}

// A GenAI label gives one genai-label finding of the severity of its
// strongest level, naming the label and the producer; only a label saying
// "generated" counts as the file's own GenAI (synthetic performance on
// video, no ingredient finding).
func TestLabel(t *testing.T) {
	label := func(level, term, producer string) evidence.Item {
		return evidence.Item{Kind: evidence.Label, Level: level, Term: term, Producer: producer, Field: "AIGC", Confidence: evidence.Declared}
	}
	gen := label(evidence.LevelGenerated, "AIGC Label 1 (GB 45438-2025)", "001191330106MA2CFLDG4R10001")
	possible := label(evidence.LevelPossible, "AIGC Label 2 (GB 45438-2025)", "001191340000711771143J00000")
	suspected := label(evidence.LevelSuspected, "AIGC Label 3 (GB 45438-2025)", "")
	tiktok := label(evidence.LevelGenerated, "TikTok aigc_label_type 2: detected by the platform", "")
	ingredient := evidence.Item{Kind: evidence.SourceType, Class: evidence.ClassGenAI, Term: "trainedAlgorithmicMedia", Ingredient: true, Confidence: evidence.Declared}
	for _, tc := range []struct {
		name  string
		items []evidence.Item
		media string
		sev   Severity
		msg   string
		want  []string
		not   []string
	}{
		{"generated", []evidence.Item{gen}, "image", High, "labelled as generated by AI (AIGC Label 1 (GB 45438-2025)), content producer 001191330106MA2CFLDG4R10001", nil, []string{SyntheticPerformance}},
		{"generated video", []evidence.Item{gen}, MediaVideo, High, "", []string{SyntheticPerformance}, nil},
		{"possibly", []evidence.Item{possible}, MediaAudio, Medium, "labelled as possibly generated by AI (AIGC Label 2 (GB 45438-2025)), content producer 001191340000711771143J00000", nil, []string{SyntheticPerformance}},
		{"suspected", []evidence.Item{suspected}, MediaVideo, Low, "labelled as suspected to be generated by AI (AIGC Label 3 (GB 45438-2025))", nil, []string{SyntheticPerformance, GenAIReview}},
		{"strongest wins", []evidence.Item{suspected, possible, tiktok}, MediaVideo, High, "labelled as generated by AI (AIGC Label 3 (GB 45438-2025), AIGC Label 2 (GB 45438-2025), TikTok aigc_label_type 2: detected by the platform), content producer 001191340000711771143J00000", []string{SyntheticPerformance}, nil},
		{"label hides the ingredient finding", []evidence.Item{gen, ingredient}, "image", High, "", nil, []string{GenAIIngredient}},
		{"possible label leaves the ingredient finding", []evidence.Item{possible, ingredient}, "image", Medium, "", []string{GenAIIngredient}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(Evaluate(tc.items, tc.media))
			m, ok := got[GenAILabel]
			if !ok {
				t.Fatalf("no %s; got %v", GenAILabel, keys(got))
			}
			if m.Severity != tc.sev || m.Rule.Severity != High {
				t.Errorf("severity %v (rule %v), want %v", m.Severity, m.Rule.Severity, tc.sev)
			}
			if tc.msg != "" && m.Message != tc.msg {
				t.Errorf("message %q\nwant    %q", m.Message, tc.msg)
			}
			checkIDs(t, got, tc.want, tc.not)
		})
	}
}

// TestGeneratorCutShort: a generator found only by the opening of a prompt
// graph cut short is still a generator finding, whose message says it is the
// weaker signature; beside a whole graph it is not.
func TestGeneratorCutShort(t *testing.T) {
	cut := evidence.Item{Kind: evidence.Generator, Generator: "ComfyUI", Term: genai.TermCutShort, Field: "©cmt", Confidence: evidence.Inferred}
	whole := evidence.Item{Kind: evidence.Generator, Generator: "ComfyUI", Field: "prompt", Confidence: evidence.Inferred}
	m := ids(Evaluate([]evidence.Item{cut}, "video"))[GenAIGenerator]
	if !strings.Contains(m.Message, "cut short") {
		t.Errorf("cut short alone: %q", m.Message)
	}
	m = ids(Evaluate([]evidence.Item{cut, whole}, "video"))[GenAIGenerator]
	if strings.Contains(m.Message, "cut short") {
		t.Errorf("beside a whole graph: %q", m.Message)
	}
}
