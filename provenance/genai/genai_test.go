package genai

import (
	"bytes"
	"flag"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/provscan/provscan/provenance/evidence"
)

// Every catalogue row has an example that it matches, and that no earlier
// row captures first.
func TestCatalogueRows(t *testing.T) {
	seen := map[string]bool{}
	for _, row := range Catalogue {
		t.Run(row.ID, func(t *testing.T) {
			if seen[row.ID] {
				t.Fatalf("duplicate row id %q", row.ID)
			}
			seen[row.ID] = true
			if row.Generator == "" || row.Confidence == "" {
				t.Fatalf("row %q lacks a generator or a confidence", row.ID)
			}
			got := Match(row.Example)
			if got == nil {
				t.Fatalf("example %+v matches no row", row.Example)
			}
			if got.ID != row.ID {
				t.Fatalf("example of %q is captured by the earlier row %q", row.ID, got.ID)
			}
			items := Detect([]Fact{row.Example})
			if row.Attribution {
				if len(items) != 0 {
					t.Fatalf("attribution row made evidence on its own: %+v", items)
				}
				return
			}
			want := row.Generator
			if row.Named {
				want, _ = namedGenerator([]Fact{row.Example}, row.Example)
			}
			var gen, anyGen, prompt bool
			for _, it := range items {
				switch it.Kind {
				case evidence.Generator:
					anyGen = true
					gen = it.Generator == want
				case evidence.Prompt:
					prompt = true
				}
			}
			if row.PromptOnly {
				if anyGen {
					t.Errorf("prompt-only row made generator evidence: %+v", items)
				}
			} else if !gen {
				t.Errorf("no generator evidence naming %q: %+v", want, items)
			}
			if prompt != row.Prompt {
				t.Errorf("prompt evidence = %v, want %v", prompt, row.Prompt)
			}
		})
	}
}

// Values that look close to generator signatures but are not (CATALOGUE.md section 4).
func TestCatalogueNegatives(t *testing.T) {
	for _, f := range []Fact{
		{Source: EXIF, Field: "Software", Value: "GIMP 2.4.5"},
		{Source: EXIF, Field: "Software", Value: "Picasa"},
		{Source: XMP, Field: "xmp:CreatorTool", Value: "Adobe Photoshop CS2 Windows"},
		{Source: XMP, Field: "xmp:CreatorTool", Value: "Adobe Photoshop Lightroom Classic 13.0"},
		{Source: Text, Field: "Comment", Value: "Created with GIMP"},
		{Source: Text, Field: "Software", Value: "Adobe ImageReady"},
		{Source: C2PA, Field: FieldClaimGenerator, Value: "Adobe_Photoshop/26.11.0 adobe_c2pa/0.13.3 c2pa-rs/0.58.0"},
		{Source: C2PA, Field: FieldClaimGenerator, Value: "make_test_images/0.33.1 c2pa-rs/0.33.1"},
		{Source: C2PA, Field: FieldGeneratorInfo, Value: "Nikon Z 9"},
		{Source: C2PA, Field: FieldTrainingMining + "cawg.ai_generative_training", Value: "notAllowed"},
		{Source: Text, Field: "Title", Value: "Sunset over the bay"},
		{Source: EXIF, Field: "UserComment", Value: "Steps: photographed on a tripod"},
	} {
		for _, it := range Detect([]Fact{f}) {
			if it.Kind == evidence.Generator || it.Kind == evidence.SourceType {
				t.Errorf("%s %s=%q gave GenAI evidence %+v", f.Source, f.Field, f.Value, it)
			}
		}
	}
}

func TestSourceType(t *testing.T) {
	for _, tc := range []struct {
		in    string
		term  string
		class evidence.Class
		ok    bool
	}{
		{"http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia", "trainedAlgorithmicMedia", evidence.ClassGenAI, true},
		{"https://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia", "trainedAlgorithmicMedia", evidence.ClassGenAI, true},
		{"http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", evidence.ClassEdit, true},
		{"http://cv.iptc.org/newscodes/digitalsourcetype/compositeSynthetic", "compositeSynthetic", evidence.ClassGenAI, true},
		{"http://cv.iptc.org/newscodes/digitalsourcetype/composite", "composite", evidence.ClassReview, true},
		{"http://cv.iptc.org/newscodes/digitalsourcetype/compositeCapture", "compositeCapture", evidence.ClassNone, true},
		{"http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia", "algorithmicMedia", evidence.ClassNone, true},
		{"http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicallyEnhanced", "algorithmicallyEnhanced", evidence.ClassNone, true},
		{"http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture", "digitalCapture", evidence.ClassNone, true},
		{"http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMediaX", "trainedAlgorithmicMediaX", evidence.ClassNone, true},
		{"http://c2pa.org/digitalsourcetype/trainedAlgorithmicData", "c2pa:trainedAlgorithmicData", evidence.ClassGenAI, true},
		{"http://c2pa.org/digitalsourcetype/empty", "c2pa:empty", evidence.ClassNone, true},
		{" trainedAlgorithmicMedia ", "trainedAlgorithmicMedia", evidence.ClassGenAI, true},
		{"http://example.com/trainedAlgorithmicMedia", "", evidence.ClassNone, false},
	} {
		term, class, ok := SourceType(tc.in)
		if term != tc.term || class != tc.class || ok != tc.ok {
			t.Errorf("SourceType(%q) = %q, %q, %v; want %q, %q, %v", tc.in, term, class, ok, tc.term, tc.class, tc.ok)
		}
	}
}

func TestDetectAttributionAndRemote(t *testing.T) {
	facts := []Fact{
		{Source: C2PA, Field: FieldGeneratorInfo, Value: "Google C2PA Core Generator Library", Manifest: "urn:c2pa:a", Store: 0, Offset: 10},
		{Source: C2PA, Field: FieldSourceType, Value: "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia", Manifest: "urn:c2pa:a", Store: 0, Offset: 10},
	}
	items := Detect(facts)
	if len(items) != 1 || items[0].Kind != evidence.SourceType || items[0].Generator != "Google" {
		t.Fatalf("want one Google source type, got %+v", items)
	}
	// A Google-signed camera photo: no GenAI term, so no finding and no generator.
	if items := Detect(facts[:1]); len(items) != 0 {
		t.Fatalf("attribution alone made evidence: %+v", items)
	}
	remote := []Fact{{Source: XMP, Field: "dcterms:provenance", Value: "https://cai-manifests.adobe.com/manifests/adobe-urn-uuid-1"}}
	if items := Detect(remote); len(items) != 1 || items[0].Kind != evidence.RemoteManifest {
		t.Fatalf("remote manifest not reported: %+v", items)
	}
	if items := Detect(append(remote, facts[0])); len(items) != 0 {
		t.Fatalf("remote reference reported although an embedded store exists: %+v", items)
	}
}

// A manifest reference is remote only as an http(s) URL; a JUMBF URI into
// the file itself, with no store left, is a stripped manifest.
func TestManifestReferences(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  evidence.Kind
	}{
		{"https://cai-manifests.adobe.com/manifests/adobe-urn-uuid-1", evidence.RemoteManifest},
		{"  HTTP://localhost:5000/libpng-test.c2pa", evidence.RemoteManifest},
		{"self#jumbf=/c2pa/urn:uuid:54281c07-ad34-430e-bea5-112a18facf0b/c2pa.claim", evidence.StrippedManifest},
		{"self#jumbf=c2pa/urn:uuid:1", evidence.StrippedManifest},
		{"urn:uuid:54281c07-ad34-430e-bea5-112a18facf0b", evidence.StrippedManifest},
		{"httpx://example.com/m.c2pa", evidence.StrippedManifest},
	} {
		facts := []Fact{{Source: XMP, Field: "dcterms:provenance", Value: tc.value}}
		items := Detect(facts)
		if len(items) != 1 || items[0].Kind != tc.want {
			t.Errorf("%q: got %+v, want one %s", tc.value, items, tc.want)
		}
		// With a store in the file, the reference points at it: nothing to report.
		store := Fact{Source: C2PA, Field: FieldClaimGenerator, Value: "c2patool", Manifest: "m"}
		if items := Detect(append(facts, store)); len(items) != 0 {
			t.Errorf("%q beside an embedded store: got %+v", tc.value, items)
		}
	}
}

func TestPromptKeysWithoutGenerator(t *testing.T) {
	items := Detect([]Fact{{Source: Text, Field: "prompt", Value: "a red car on a beach"}})
	if len(items) != 1 || items[0].Kind != evidence.Prompt || items[0].Generator != "" {
		t.Fatalf("want one prompt item without generator, got %+v", items)
	}
}

func TestAdobePartnerModel(t *testing.T) {
	loc := "manifest m, action 0 (c2pa.opened)"
	items := Detect([]Fact{
		{Source: C2PA, Manifest: "m", Location: loc, Field: FieldParameter + "com.adobe.type", Value: "remoteProvider.3rdParty"},
		{Source: C2PA, Manifest: "m", Location: loc, Field: FieldParameter + "com.adobe.details", Value: "FLUX.1 Kontext"},
		{Source: C2PA, Manifest: "m", Location: loc, Field: FieldParameter + "com.adobe.digitalSourceType", Value: "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"},
	})
	var gen, edit bool
	for _, it := range items {
		gen = gen || it.Kind == evidence.Generator && it.Generator == "Adobe partner model: FLUX.1 Kontext"
		edit = edit || it.Kind == evidence.SourceType && it.Class == evidence.ClassEdit
	}
	if !gen || !edit {
		t.Fatalf("partner model not named or edit not seen: %+v", items)
	}
}

func TestIsA1111(t *testing.T) {
	for v, want := range map[string]bool{
		"a cat\nNegative prompt: x\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1": true,
		"a cat\n  Steps: 20, Size: 512x512, Sampler: DDIM":                              true,
		"Steps: 30, Seed: 5":                             true,
		"a cat\r\nSteps: 28, CFG Scale: 8.0":             true,
		"a cat Steps: 20, Sampler: Euler":                false, // not at a line start
		"a cat\nSteps: twenty, Sampler: Euler":           false,
		"a cat\nSteps: 20 Sampler: Euler":                false,
		"a cat\nSteps: 20, Size: 512x512":                false,
		"Steps: photographed on a tripod":                false,
		"":                                               false,
		"a cat\nSteps: 20, x\nStrange Steps: 3, Seed: 4": true,
	} {
		if got := IsA1111(v); got != want {
			t.Errorf("IsA1111(%q) = %v, want %v", v, got, want)
		}
	}
}

// BenchmarkMatchA1111 measures the catalogue on a typical parameters text.
func BenchmarkMatchA1111(b *testing.B) {
	f := Fact{Source: Text, Field: "parameters", Value: "general, masterpiece, best quality, 1girl, solo\nNegative prompt: bad quality, worst quality\nSteps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 3782896554, Size: 1024x1024, Model hash: 45a21ea00a, Model: waiIllustriousSDXL_v160, Version: v1.10.1"}
	for b.Loop() {
		if Match(f) == nil {
			b.Fatal("no match")
		}
	}
}

// matchLinear is Match without the index: every row in catalogue order.
func matchLinear(f Fact) *Signature {
	for i := range Catalogue {
		s := &Catalogue[i]
		if s.matchesField(f) && (!s.A1111 || IsA1111(f.Value)) && s.matchesValue(f.Value) {
			return s
		}
	}
	return nil
}

// TestMatchIndex checks that the index of catalogue rows by source and field
// changes no answer: every example value under every source and every field
// name of the catalogue (in three spellings) and a few others.
func TestMatchIndex(t *testing.T) {
	var fields []string
	for _, s := range Catalogue {
		for _, f := range s.Fields {
			fields = append(fields, f, strings.ToUpper(f), strings.ToLower(f))
		}
		fields = append(fields, s.Example.Field)
	}
	fields = append(fields, "", "Make", "xmp:CreatorTool", "unknown-field", "parameterſ", "PARAMETERſ", "Ünknown")
	n, hits := 0, 0
	for _, s := range Catalogue {
		for _, src := range []Source{EXIF, XMP, Text, IPTC, C2PA, "id3"} {
			for _, field := range fields {
				f := s.Example
				f.Source, f.Field = src, field
				got, want := Match(f), matchLinear(f)
				if got != want {
					t.Fatalf("%s/%s %q: index gives %v, every row %v", src, field, f.Value, got, want)
				}
				n++
				if got != nil {
					hits++
				}
			}
		}
	}
	t.Logf("%d facts compared, %d matched a row", n, hits)
}

// generatorsOf lists the generator names of the Generator items, each once.
func generatorsOf(items []evidence.Item) []string {
	var out []string
	for _, it := range items {
		if it.Kind == evidence.Generator && !slices.Contains(out, it.Generator) {
			out = append(out, it.Generator)
		}
	}
	return out
}

// firstRowOf returns the first catalogue row naming generator g.
func firstRowOf(g string) *Signature {
	for i := range Catalogue {
		if Catalogue[i].Generator == g && !Catalogue[i].Attribution {
			return &Catalogue[i]
		}
	}
	return nil
}

// Each "more specific than" relation of the catalogue: a file carrying the
// signatures of both gets one generator, the specific one.
func TestRefinedGenerators(t *testing.T) {
	n := 0
	for _, row := range Catalogue {
		for _, base := range row.Refines {
			n++
			t.Run(row.ID+" refines "+base, func(t *testing.T) {
				b := firstRowOf(base)
				if b == nil {
					t.Fatalf("no catalogue row names %q", base)
				}
				for _, facts := range [][]Fact{{b.Example, row.Example}, {row.Example, b.Example}} {
					if got := generatorsOf(Detect(facts)); !slices.Equal(got, []string{row.Generator}) {
						t.Errorf("generators %v, want only %s", got, row.Generator)
					}
				}
				// Alone, the broader family keeps its name.
				if got := generatorsOf(Detect([]Fact{b.Example})); !slices.Equal(got, []string{base}) {
					t.Errorf("alone: generators %v, want %s", got, base)
				}
			})
		}
	}
	if n < 10 {
		t.Errorf("only %d relations: were rows dropped?", n)
	}
}

func TestMostSpecificGenerator(t *testing.T) {
	ex := func(id string) Fact {
		for _, r := range Catalogue {
			if r.ID == id {
				return r.Example
			}
		}
		t.Fatalf("no row %s", id)
		return Fact{}
	}
	for _, tc := range []struct {
		name  string
		facts []Fact
		want  []string
	}{
		{"OpenAI and OpenAI GPT image", []Fact{ex("openai-claim-generator"), ex("openai-gpt-image")}, []string{"OpenAI GPT image"}},
		{"ComfyUI and SwarmUI", []Fact{ex("comfyui-graph"), ex("swarmui-params")}, []string{"SwarmUI"}},
		{"Stability Matrix over ComfyUI and AUTOMATIC1111", []Fact{ex("comfyui-graph"), ex("a1111-parameters"), ex("stabilitymatrix-project")}, []string{"Stability Matrix"}},
		// Two front ends over one back end: neither is more specific; each keeps its name.
		{"SwarmUI and TensorArt over ComfyUI", []Fact{ex("comfyui-graph"), ex("swarmui-params"), ex("tensorart-generation-data")}, []string{"ComfyUI", "SwarmUI", "TensorArt"}},
		{"unrelated generators", []Fact{ex("novelai-software"), ex("comfyui-graph")}, []string{"NovelAI", "ComfyUI"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := generatorsOf(Detect(tc.facts))
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tc.want))
			if !slices.Equal(got, want) {
				t.Errorf("generators %v, want %v", got, want)
			}
		})
	}
}

// TestToolNames: a GenAI tool named in a tool field of any container is
// found by one row, and the finishing, mastering and encoding tools of real
// deliveries (../shared/corpus/pro) raise nothing.
func TestToolNames(t *testing.T) {
	found := map[string]string{
		"ComfyUI":                 "ComfyUI",
		"comfyui v0.3.44":         "ComfyUI",
		"Runway Gen-4 Turbo":      "Runway",
		"Sora":                    "OpenAI Sora",
		"Veo 3.1":                 "Google Veo",
		"Adobe Firefly":           "Adobe Firefly",
		"Kling AI":                "Kling",
		"ElevenLabs Eleven v3":    "ElevenLabs",
		"Stable Diffusion 3.5":    "Stable Diffusion",
		"Midjourney v7":           "Midjourney",
		"BytePlus_ModelArk 1.0.0": "ByteDance Seedance",
	}
	for v, gen := range found {
		for _, field := range []string{"Identification ProductName", "software", "creator", "WritingApp", "©too"} {
			s := Match(Fact{Source: Tool, Field: field, Value: v})
			if s == nil || s.Generator != gen {
				t.Errorf("tool %s=%q: got %v, want %s", field, v, s, gen)
			}
		}
		// The same value as plain text of no tool field is not a tool name.
		if s := Match(Fact{Source: Text, Field: "title", Value: v}); s != nil && s.Source == Tool {
			t.Errorf("text title %q matched tool row %s", v, s.ID)
		}
	}
	for _, v := range []string{
		"DaVinci Resolve Studio", "DaVinci Resolve", "Blackmagic Design", "Clipster 5.9.3.0 (build 87795)",
		"Clipster", "Transkoder", "Colorfront", "Nuke", "bmx", "libMXF (Win64)", "as-02-wrap", "as-02-wrap-iab",
		"IMF-Tool 1.8.364", "Sandflow Consulting LLC", "mkvmerge v89.0 ('Ich bin ein Pirat') 64-bit",
		"libebml v0.7.8 + libmatroska v0.8.1", "Kakadu-v4.2.1", "Lavf60.16.100", "Lavc60.31.102 h264_slapi",
		"Lavc57.107.100", "Google", "PyAAF", "SPIRIT-4K", "ExifTool", "Adobe Premiere Pro (Beta) (Macintosh)",
		"Adobe Photoshop 26.0", "#Mainconcept MP4 Sound Media Handler", "Rohde und Schwarz DVS GmbH", "WidgetCo",
		"Avid Media Composer", "Baselight", "Flame", "Pro Tools", "MainConcept", "FFmpeg", "x264 core 164",
	} {
		if s := Match(Fact{Source: Tool, Field: "Identification ProductName", Value: v}); s != nil {
			t.Errorf("finishing tool %q matched row %s (%s)", v, s.ID, s.Generator)
		}
	}
}

// TestTechniques: every talent technique row matches its example, and Detect
// names the technique of a face swap or voice clone node in a workflow left
// in a still, but not a look-alike outside the generation inputs.
func TestTechniques(t *testing.T) {
	for _, tq := range Techniques {
		if !tq.Value.MatchString(tq.Example) || !containsAny(tq.Example, techniqueLiterals) {
			t.Errorf("technique %s does not match its example %q", tq.ID, tq.Example)
		}
	}
	graph := `{"3": {"inputs": {"seed": 1}, "class_type": "KSampler"}, "7": {"inputs": {"swap_model": "inswapper_128.onnx", "input_image": ["3", 0]}, "class_type": "ReActorFaceSwap"}, "9": {"inputs": {"speaker_wav": "lead_actor.wav"}, "class_type": "XTTS_v2"}}`
	items := Detect([]Fact{{Source: Text, Container: "PNG tEXt", Field: "prompt", Value: graph}})
	got := map[string]string{}
	for _, it := range items {
		if it.Kind == evidence.Performance {
			got[it.Generator] = it.Term
		}
	}
	want := map[string]string{"ReActor": "face swap", "InsightFace inswapper": "face swap", "XTTS": "voice clone"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("technique of %s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	// Outside generation inputs, or in words only: nothing.
	for _, f := range []Fact{
		{Source: Text, Container: "PNG tEXt", Field: "Title", Value: "ReActorFaceSwap test plate"},
		{Source: XMP, Container: "XMP", Field: "dc:description", Value: "Wav2Lip comparison, shot on set"},
		{Source: Text, Container: "PNG tEXt", Field: "prompt", Value: `{"3": {"inputs": {"text": "a nuclear reactor at dusk"}, "class_type": "CLIPTextEncode"}}`},
		{Source: Text, Container: "PNG tEXt", Field: "parameters", Value: "a portrait, face swap style\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1"},
	} {
		for _, it := range Detect([]Fact{f}) {
			if it.Kind == evidence.Performance {
				t.Errorf("%s=%q: technique %s (%s)", f.Field, f.Value, it.Term, it.Generator)
			}
		}
	}
}

// TestTechniquesAnyCase: a row that matches in any case finds its example
// upper cased (the prefilter once skipped "WAV2LIP" or "FACEFUSION").
func TestTechniquesAnyCase(t *testing.T) {
	for _, tq := range Techniques {
		v := strings.ToUpper(tq.Example)
		if !tq.Value.MatchString(v) {
			continue // a row of one case
		}
		prompts := []evidence.Item{{Kind: evidence.Prompt, Container: "PNG tEXt", Field: "prompt"}}
		found := false
		for _, it := range performances([]Fact{{Source: Text, Container: "PNG tEXt", Field: "prompt", Value: v}}, prompts) {
			found = found || it.Term == tq.Name && it.Generator == tq.Tool
		}
		if !found {
			t.Errorf("technique %s: not found in %q", tq.ID, v)
		}
	}
}

// TestSunoCommentAnyCase: the Suno comment matches in any case (a
// prefilter of one case once skipped "MADE WITH SUNO").
func TestSunoCommentAnyCase(t *testing.T) {
	for _, v := range []string{"made with suno; id=1", "Made with Suno", "MADE WITH SUNO; created=2025-11-02", "made with SuNo"} {
		if sig := Match(Fact{Source: Text, Field: "COMM", Value: v}); sig == nil || sig.ID != "suno-comment" {
			t.Errorf("%q: %v", v, sig)
		}
	}
}

// TestComfyGraphCutShort: a ComfyUI prompt graph cut before its first
// "class_type" (a comment field truncated at 255 bytes) is still ComfyUI,
// plain or escaped inside a {"prompt": ...} comment; JSON of another shape
// is not.
func TestComfyGraphCutShort(t *testing.T) {
	for v, want := range map[string]bool{
		`{"3": {"inputs": {"seed": 156680208700286, "steps": 20, "cfg": 8, "sampler_name": "eu`: true,
		`{"prompt": "{\"10\": {\"inputs\": {\"vae_name\": \"hunyuan_video_vae_bf16.safetensors`: true,
		`{"1": {"name": "shot 1", "inputs": ["a", "b"]}}`:                                       false,
		`{"shots": {"inputs": {"camera": "A"}}}`:                                                false,
		`inputs: 3`:                                                                             false,
	} {
		s := Match(Fact{Source: Text, Field: "comment", Value: v})
		if got := s != nil && s.Generator == "ComfyUI"; got != want {
			t.Errorf("%q: matched %v, want %v", v, s, want)
		}
	}
}

var updateDoc = flag.Bool("update", false, "rewrite docs/catalogue.md from the catalogue")

// TestEveryRowHasASource: every catalogue row says where what it matches
// was learnt, and no source is left for a row that is gone.
func TestEveryRowHasASource(t *testing.T) {
	ids := map[string]bool{}
	for _, s := range Catalogue {
		if ids[s.ID] {
			t.Errorf("row %s twice", s.ID)
		}
		ids[s.ID] = true
		if strings.TrimSpace(Sources[s.ID]) == "" {
			t.Errorf("row %s has no source in Sources", s.ID)
		}
	}
	for id := range Sources {
		if !ids[id] {
			t.Errorf("source for %s, which is no row", id)
		}
	}
}

// TestCatalogueDoc: docs/catalogue.md is what WriteCatalogue writes (run
// with -update after changing the catalogue).
func TestCatalogueDoc(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCatalogue(&b); err != nil {
		t.Fatal(err)
	}
	const path = "../../docs/catalogue.md"
	if *updateDoc {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, b.Bytes()) {
		t.Errorf("docs/catalogue.md is out of date: go test ./provenance/genai -run TestCatalogueDoc -update")
	}
}

// IPTC 2025.1: AI System Used names the generator (a known tool by its
// family, anything else by the value itself), AI System Version Used goes
// with it, and the prompt and its writer are generation inputs only.
func TestIPTCAISystem(t *testing.T) {
	xmpFact := func(field, value string) Fact {
		return Fact{Source: XMP, Container: "JPEG APP1 XMP", Field: "Iptc4xmpExt:" + field, Value: value}
	}
	for _, tc := range []struct {
		facts []Fact
		gens  []string
	}{
		{[]Fact{xmpFact("AISystemUsed", "Midjourney"), xmpFact("AISystemVersionUsed", "7.0")}, []string{"Midjourney"}},
		{[]Fact{xmpFact("AISystemUsed", "Sora")}, []string{"OpenAI Sora"}},
		{[]Fact{xmpFact("AISystemUsed", "  Acme   ImageGen\n")}, []string{"Acme ImageGen"}},
		{[]Fact{xmpFact("AISystemVersionUsed", "Imagen 4")}, []string{"Imagen 4"}},
		{[]Fact{xmpFact("AISystemUsed", strings.Repeat("x", 300))}, []string{strings.Repeat("x", maxNamed) + "…"}},
		{[]Fact{xmpFact("AISystemUsed", "   ")}, nil},
	} {
		if got := generatorsOf(Detect(tc.facts)); !slices.Equal(got, tc.gens) {
			t.Errorf("%+v: generators %q, want %q", tc.facts, got, tc.gens)
		}
	}
	items := Detect([]Fact{xmpFact("AIPromptInformation", "a lighthouse at dusk"), xmpFact("AIPromptWriterName", "J. Doe")})
	if len(items) != 2 || items[0].Kind != evidence.Prompt || items[1].Kind != evidence.Prompt || items[1].Field != "Iptc4xmpExt:AIPromptWriterName" {
		t.Fatalf("want two prompt items, got %+v", items)
	}
	// The same names in another namespace or as plain text say nothing.
	for _, f := range []Fact{
		{Source: Text, Field: "AISystemUsed", Value: "Midjourney"},
		{Source: XMP, Field: "dc:AISystemUsed", Value: "Midjourney"},
	} {
		if items := Detect([]Fact{f}); len(items) != 0 {
			t.Errorf("%+v gave evidence %+v", f, items)
		}
	}
}

// TestCapCutFlags: CapCut's AI-usage flags are read as values: a flag set to
// 1 names CapCut, a voice or singing-voice clone set to 1 is also a
// performance; flags at 0 (as numbers or strings) are nothing, whatever
// their names say.
func TestCapCutFlags(t *testing.T) {
	kinds := func(v string) map[string]string {
		got := map[string]string{}
		for _, it := range Detect([]Fact{{Source: Text, Container: "MP4 moov/udta/meta/ilst", Field: "com.apple.quicktime.artwork", Value: v}}) {
			got[string(it.Kind)+" "+it.Value] = it.Term
		}
		return got
	}
	got := kinds(CapCutExample)
	want := map[string]string{"generator is_use_ai_video_generation = 1": "", "generator is_use_vc_sing_clone = 1": "", "performance is_use_vc_sing_clone = 1": "singing voice clone"}
	if len(got) != len(want) {
		t.Errorf("flags: %v", got)
	}
	for k, v := range want {
		if term, ok := got[k]; !ok || term != v {
			t.Errorf("%s: %q, %v (all %v)", k, term, ok, got)
		}
	}
	none := `{"data":{"is_ai_lyric":0,"is_use_ai_video_generation":"0","is_use_voice_clone":"0","product":"vicut"},"source_type":"vicut"}`
	if got := kinds(none); len(got) != 0 {
		t.Errorf("all flags at 0: %v", got)
	}
	other := `{"data":{"is_use_voice_clone":1,"product":"someapp"},"source_type":"someapp"}`
	if got := kinds(other); len(got) != 0 {
		t.Errorf("another product's flags: %v", got)
	}
}

// FuzzDetectValues feeds hostile values to the detectors that parse a value
// (CapCut's flags, the talent techniques, Topaz's key, the catalogue):
// no panic, and every evidence item names its kind and stays within
// MaxValue.
func FuzzDetectValues(f *testing.F) {
	f.Add("com.apple.quicktime.artwork", CapCutExample)
	f.Add("prompt", `{"7": {"inputs": {"swap_model": "inswapper_128.onnx"}, "class_type": "ReActorFaceSwap"}}`)
	f.Add("videoai", "Proteus v4")
	f.Add("©cmt", `{"prompt": "{\"1\": {\"inputs\": {\"save_mode\": t`)
	f.Fuzz(func(t *testing.T, field, value string) {
		for _, it := range Detect([]Fact{{Source: Text, Container: "fuzz", Field: field, Value: value}}) {
			if it.Kind == "" || len([]rune(it.Value)) > evidence.MaxValue+1 {
				t.Fatalf("bad evidence %+v", it)
			}
		}
	})
}

// TestA1111ConfigJSON: the webui's settings file, read as a JSON document,
// names AUTOMATIC1111; one of its keys alone, or in another field, does not.
func TestA1111ConfigJSON(t *testing.T) {
	cfg := `{"outdir_txt2img_samples": "outputs/txt2img-images", "sd_model_checkpoint": "v1-5-pruned-emaonly.safetensors"}`
	if s := Match(Fact{Source: Text, Field: "json", Value: cfg}); s == nil || s.ID != "a1111-config-json" {
		t.Errorf("config.json: %v", s)
	}
	for _, f := range []Fact{
		{Source: Text, Field: "json", Value: `{"sd_model_checkpoint": "x"}`},
		{Source: Text, Field: "comment", Value: cfg},
	} {
		if s := Match(f); s != nil && s.ID == "a1111-config-json" {
			t.Errorf("%s=%q matched", f.Field, f.Value)
		}
	}
}
