package c2pa

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/provscan/provscan/provenance/internal/seg"
	"github.com/provscan/provscan/provenance/readerr"
)

const (
	dstTrained   = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
	dstComposite = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"
)

// sampleStore builds a store with an ingredient manifest (v1 claim) and an
// active manifest (v2 claim) that references it.
func sampleStore() []byte {
	ingredient := &testManifest{
		label: "urn:c2pa:ingredient-1",
		claim: map[string]any{
			"claim_generator": "Gen One/1.0",
			"claim_generator_info": []any{
				map[string]any{"name": "Gen One", "version": "1.0"},
				map[string]any{"name": "c2pa-rs"},
			},
			"dc:title":   "in.png",
			"dc:format":  "image/png",
			"instanceID": "xmp:iid:1",
		},
		assertions: [][]byte{
			cborAssertion("c2pa.actions", map[string]any{"actions": []any{
				map[string]any{"action": "c2pa.created", "softwareAgent": "Firefly", "digitalSourceType": dstTrained},
			}}),
			cborAssertion("com.adobe.generative-ai", map[string]any{"description": "x"}),
		},
	}
	active := &testManifest{
		label:   "urn:c2pa:active-2",
		claimV2: true,
		claim: map[string]any{
			"claim_generator_info": map[string]any{"name": "Editor", "version": "2.5"},
			"dc:title":             "out.jpg",
			"instanceID":           "xmp:iid:2",
		},
		assertions: [][]byte{
			cborAssertion("c2pa.actions.v2", map[string]any{
				"softwareAgents": []any{map[string]any{"name": "Agent", "version": "9"}},
				"actions": []any{
					map[string]any{"action": "c2pa.opened", "parameters": map[string]any{
						"ingredients": []any{map[string]any{"url": "self#jumbf=c2pa.assertions/c2pa.ingredient.v3"}},
					}},
					map[string]any{"action": "c2pa.edited", "description": "fill",
						"softwareAgent": map[string]any{"name": "Photoshop", "version": "26.0"},
						"parameters":    map[string]any{"com.adobe.digitalSourceType": dstComposite, "n": uint64(3)}},
					map[string]any{"action": "c2pa.resized", "softwareAgentIndex": uint64(0)},
				},
			}),
			cborAssertion("c2pa.actions.v2__1", map[string]any{"actions": []any{
				map[string]any{"action": "c2pa.published"},
			}}),
			cborAssertion("c2pa.ingredient.v3", map[string]any{
				"title": "in.png", "format": "image/png", "relationship": "parentOf",
				"activeManifest": map[string]any{"url": "self#jumbf=/c2pa/urn:c2pa:ingredient-1", "hash": []byte{1, 2}},
			}),
			cborAssertion("c2pa.training-mining", map[string]any{"entries": map[string]any{
				"c2pa.ai_generative_training": map[string]any{"use": "notAllowed"},
			}}),
			cborAssertion("cawg.training-mining", map[string]any{"entries": map[string]any{
				"cawg.ai_inference": map[string]any{"use": "allowed"},
			}}),
			jsonAssertion("stds.iptc", map[string]any{
				"@context":                      map[string]any{"Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"},
				"Iptc4xmpExt:DigitalSourceType": "https://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
			}),
		},
	}
	return storeOf(ingredient.build(nil), active.build(nil))
}

func TestParseStore(t *testing.T) {
	s, err := Parse(sampleStore())
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Manifests) != 2 || s.Active != "urn:c2pa:active-2" {
		t.Fatalf("manifests %d, active %q", len(s.Manifests), s.Active)
	}
	in, act := s.Manifests[0], s.ActiveManifest()
	if in.ClaimVersion != 1 || act.ClaimVersion != 2 {
		t.Errorf("claim versions %d %d", in.ClaimVersion, act.ClaimVersion)
	}
	if in.ClaimGenerator != "Gen One/1.0" || len(in.ClaimGeneratorInfo) != 2 || in.ClaimGeneratorInfo[0] != (GeneratorInfo{"Gen One", "1.0"}) {
		t.Errorf("ingredient generator %q %+v", in.ClaimGenerator, in.ClaimGeneratorInfo)
	}
	if in.Title != "in.png" || in.Format != "image/png" || in.InstanceID != "xmp:iid:1" || !in.GenerativeAI {
		t.Errorf("ingredient manifest fields %+v", in)
	}
	if len(in.Actions) != 1 || in.Actions[0].DigitalSourceType != dstTrained || in.Actions[0].SoftwareAgent != "Firefly" {
		t.Errorf("ingredient actions %+v", in.Actions)
	}
	if len(act.ClaimGeneratorInfo) != 1 || act.ClaimGeneratorInfo[0].Name != "Editor" || act.Title != "out.jpg" {
		t.Errorf("active claim %+v", act)
	}
	if len(act.Actions) != 4 {
		t.Fatalf("active actions %+v", act.Actions)
	}
	if a := act.Actions[1]; a.DigitalSourceType != dstComposite || a.SoftwareAgent != "Photoshop/26.0" || a.Description != "fill" || a.Parameters["n"] != "3" {
		t.Errorf("edited action %+v", a)
	}
	if a := act.Actions[0]; a.Parameters["ingredients.0.url"] != "self#jumbf=c2pa.assertions/c2pa.ingredient.v3" {
		t.Errorf("flattened parameters %+v", a.Parameters)
	}
	if act.Actions[2].SoftwareAgent != "Agent/9" {
		t.Errorf("softwareAgentIndex: %+v", act.Actions[2])
	}
	if act.Actions[3].Action != "c2pa.published" {
		t.Errorf("second actions assertion (__1) not read: %+v", act.Actions[3])
	}
	if len(act.Ingredients) != 1 {
		t.Fatalf("ingredients %+v", act.Ingredients)
	}
	ing := act.Ingredients[0]
	if ing.Manifest != "urn:c2pa:ingredient-1" || ing.Relationship != "parentOf" || ing.Title != "in.png" || ing.Format != "image/png" {
		t.Errorf("ingredient %+v", ing)
	}
	if s.Manifest(ing.Manifest) != in {
		t.Error("ingredient manifest does not resolve in the store")
	}
	if act.TrainingMining["c2pa.ai_generative_training"] != "notAllowed" || act.TrainingMining["cawg.ai_inference"] != "allowed" {
		t.Errorf("training-mining %+v", act.TrainingMining)
	}
	if len(act.IPTCSourceTypes) != 1 || act.IPTCSourceTypes[0] != "https://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia" {
		t.Errorf("iptc %+v", act.IPTCSourceTypes)
	}
	if act.GenerativeAI {
		t.Error("active manifest has no generative-ai assertion")
	}
	if len(act.Assertions) != 6 || act.Assertions[1] != "c2pa.actions.v2__1" {
		t.Errorf("assertion labels %v", act.Assertions)
	}
}

func TestParseUpdateManifestAndV1Ingredient(t *testing.T) {
	m := &testManifest{
		label: "urn:c2pa:upd", update: true,
		claim: map[string]any{"claim_generator": "x"},
		assertions: [][]byte{cborAssertion("c2pa.ingredient", map[string]any{
			"dc:title": "a.jpg", "dc:format": "image/jpeg", "relationship": "parentOf",
			"c2pa_manifest": map[string]any{"url": "self#jumbf=/c2pa/urn:c2pa:missing", "hash": []byte{1}},
		})},
	}
	s, err := Parse(storeOf(m.build(nil)))
	if err != nil {
		t.Fatal(err)
	}
	am := s.ActiveManifest()
	if !am.Update || len(am.Ingredients) != 1 || am.Ingredients[0].Manifest != "urn:c2pa:missing" || am.Ingredients[0].Title != "a.jpg" {
		t.Fatalf("%+v", am)
	}
}

func TestBaseLabel(t *testing.T) {
	for in, want := range map[string]string{
		"c2pa.actions__2": "c2pa.actions", "c2pa.ingredient.v3__10": "c2pa.ingredient.v3",
		"c2pa.actions": "c2pa.actions", "a__b": "a__b",
	} {
		if got := BaseLabel(in); got != want {
			t.Errorf("BaseLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseJUMBFDescription(t *testing.T) {
	// A description with label, ID, hash and a private salt box.
	p := append([]byte{}, TypeCBOR[:]...)
	p = append(p, toggleRequestable|toggleLabel|toggleID|toggleHash|togglePrivate)
	p = append(p, "c2pa.x"...)
	p = append(p, 0, 0, 0, 0, 7)
	hash := make([]byte, 32)
	hash[0] = 0xAB
	p = append(p, hash...)
	p = append(p, box(BoxSalt, []byte{9, 9, 9})...)
	sb := box(BoxSuperbox, append(box(BoxDescription, p), box(BoxCBOR, []byte{0xA0})...))
	boxes, err := ParseJUMBF(sb)
	if err != nil {
		t.Fatal(err)
	}
	d := boxes[0].Desc
	if d.Label != "c2pa.x" || !d.HasID || d.ID != 7 || d.Hash[0] != 0xAB || d.Private == nil || d.Private.Type != BoxSalt || len(d.Private.Payload()) != 3 {
		t.Fatalf("description %+v", d)
	}
	if d.Type != TypeCBOR || d.Type.String() != "63626f72-0011-0010-8000-00aa00389b71" {
		t.Errorf("type %s", d.Type)
	}
	if c := boxes[0].Content(); c == nil || c.Type != BoxCBOR {
		t.Errorf("content %+v", c)
	}
}

func TestParseJUMBFXLBoxAndZeroLength(t *testing.T) {
	// XLBox form.
	x := make([]byte, 16)
	binary.BigEndian.PutUint32(x, 1)
	copy(x[4:], "json")
	binary.BigEndian.PutUint64(x[8:], 18)
	x = append(x, '{', '}')
	// LBox 0: to the end.
	z := []byte{0, 0, 0, 0, 'c', 'b', 'o', 'r', 0xA0}
	boxes, err := ParseJUMBF(append(x, z...))
	if err != nil {
		t.Fatal(err)
	}
	if len(boxes) != 2 || string(boxes[0].Payload()) != "{}" || boxes[1].Size != 9 || len(boxes[1].Payload()) != 1 {
		t.Fatalf("%+v", boxes)
	}
}

func TestParseMalformed(t *testing.T) {
	good := sampleStore()
	cases := map[string][]byte{
		"empty":        nil,
		"short":        good[:5],
		"truncated":    good[:len(good)-10],
		"bad length":   append([]byte{0, 0, 0, 3}, good[4:]...),
		"huge length":  append([]byte{0xFF, 0xFF, 0xFF, 0xFF}, good[4:]...),
		"no jumd":      box(BoxSuperbox, box(BoxCBOR, []byte{0xA0})),
		"not a store":  superbox(TypeCBOR, "other", box(BoxCBOR, []byte{0xA0})),
		"bad xlbox":    append([]byte{0, 0, 0, 1, 'j', 'u', 'm', 'b', 0xFF, 0, 0, 0, 0, 0, 0, 0}, good[8:]...),
		"label no nul": box(BoxSuperbox, box(BoxDescription, append(append([]byte{}, TypeManifestStore[:]...), toggleLabel, 'c', '2'))),
	}
	for name, b := range cases {
		s, err := Parse(b)
		if err == nil {
			t.Errorf("%s: no error", name)
		}
		if !errors.Is(err, readerr.ErrTruncated) && !errors.Is(err, readerr.ErrMalformed) && !errors.Is(err, ErrNoStore) && !errors.Is(err, readerr.ErrLimit) {
			t.Errorf("%s: error %v wraps no sentinel", name, err)
		}
		_ = s
	}
	// Truncation inside the last manifest still yields the first one.
	s, err := Parse(good[:len(good)-10])
	if s == nil || len(s.Manifests) == 0 || s.Manifests[0].Label != "urn:c2pa:ingredient-1" {
		t.Errorf("no partial store on truncation: %v %v", s, err)
	}
}

func TestParseDepthLimit(t *testing.T) {
	b := box(BoxCBOR, []byte{0xA0})
	for i := 0; i < seg.MaxDepth+5; i++ {
		b = superbox(TypeCBOR, "n", b)
	}
	if _, err := ParseJUMBF(b); !errors.Is(err, readerr.ErrLimit) {
		t.Fatalf("deep nesting: %v", err)
	}
}

func TestParseBadCBOR(t *testing.T) {
	// Deeply nested CBOR arrays in an actions assertion: rejected with a warning, no panic.
	deep := make([]byte, 0, 200)
	for i := 0; i < 100; i++ {
		deep = append(deep, 0x81)
	}
	deep = append(deep, 0x00)
	m := &testManifest{label: "urn:c2pa:x", claim: map[string]any{"claim_generator": "g"}}
	m.assertions = [][]byte{superbox(TypeCBOR, "c2pa.actions", box(BoxCBOR, deep))}
	s, err := Parse(storeOf(m.build(nil)))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Manifests[0].Warnings) == 0 {
		t.Fatal("no warning for over-nested CBOR")
	}
	// Huge declared array length.
	m.assertions = [][]byte{superbox(TypeCBOR, "c2pa.actions", box(BoxCBOR, []byte{0x9B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}))}
	s, _ = Parse(storeOf(m.build(nil)))
	if len(s.Manifests[0].Warnings) == 0 {
		t.Fatal("no warning for huge array")
	}
}

func TestParseJSONAssertions(t *testing.T) {
	m := &testManifest{label: "urn:c2pa:json", claim: map[string]any{"claim_generator": "old/0.1"},
		assertions: [][]byte{
			jsonAssertion("c2pa.actions", map[string]any{"actions": []any{
				map[string]any{"action": "c2pa.created", "softwareAgent": "Old Tool 1.0", "digitalSourceType": dstTrained},
			}}),
			jsonAssertion("c2pa.ingredient", map[string]any{"dc:title": "x.png", "relationship": "componentOf"}),
		}}
	s, err := Parse(storeOf(m.build(nil)))
	if err != nil {
		t.Fatal(err)
	}
	am := s.ActiveManifest()
	if len(am.Actions) != 1 || am.Actions[0].SoftwareAgent != "Old Tool 1.0" || am.Actions[0].DigitalSourceType != dstTrained {
		t.Errorf("actions %+v", am.Actions)
	}
	if len(am.Ingredients) != 1 || am.Ingredients[0].Relationship != "componentOf" {
		t.Errorf("ingredients %+v", am.Ingredients)
	}
}
