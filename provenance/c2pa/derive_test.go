package c2pa

import (
	"reflect"
	"testing"
)

func acts(names ...string) []Action {
	var out []Action
	for _, n := range names {
		out = append(out, Action{Action: n})
	}
	return out
}

func parent(label string) Ingredient { return Ingredient{Relationship: "parentOf", Manifest: label} }

func TestDerivations(t *testing.T) {
	gen := &Manifest{Label: "gen", Actions: acts("c2pa.created")}
	for _, tc := range []struct {
		name  string
		chain []*Manifest // ingredient manifests first, active last
		want  map[string][]string
	}{
		{"re-encode of a generated image", []*Manifest{gen,
			{Label: "a", Actions: acts("c2pa.opened", "c2pa.transcoded"), Ingredients: []Ingredient{parent("gen")}}},
			map[string][]string{"gen": {"c2pa.opened", "c2pa.transcoded"}}},
		{"two re-encodes", []*Manifest{gen,
			{Label: "b", Actions: acts("c2pa.opened", "c2pa.converted"), Ingredients: []Ingredient{parent("gen")}},
			{Label: "a", Actions: acts("c2pa.opened", "c2pa.watermarked", "c2pa.published"), Ingredients: []Ingredient{parent("b")}}},
			map[string][]string{"b": {"c2pa.opened", "c2pa.watermarked", "c2pa.published"}, "gen": {"c2pa.opened", "c2pa.watermarked", "c2pa.published", "c2pa.converted"}}},
		{"an edit on the way stops the chain", []*Manifest{gen,
			{Label: "b", Actions: acts("c2pa.opened", "c2pa.edited", "c2pa.converted"), Ingredients: []Ingredient{parent("gen")}},
			{Label: "a", Actions: acts("c2pa.opened", "c2pa.transcoded"), Ingredients: []Ingredient{parent("b")}}},
			map[string][]string{"b": {"c2pa.opened", "c2pa.transcoded"}}},
		{"a generator's own visible watermark, recorded as c2pa.edited", []*Manifest{gen,
			{Label: "b", Actions: []Action{{Action: "c2pa.opened"}, {Action: "c2pa.edited", Description: "Added visible watermark"}, {Action: "c2pa.converted"}}, Ingredients: []Ingredient{parent("gen")}},
			{Label: "a", Actions: acts("c2pa.opened", "c2pa.transcoded"), Ingredients: []Ingredient{parent("b")}}},
			map[string][]string{"b": {"c2pa.opened", "c2pa.transcoded"}, "gen": {"c2pa.opened", "c2pa.transcoded", "c2pa.edited (watermark)", "c2pa.converted"}}},
		{"an edit that brings in an ingredient is not a watermark", []*Manifest{gen,
			{Label: "a", Actions: []Action{{Action: "c2pa.opened"}, {Action: "c2pa.edited", Description: "watermark logo placed", Parameters: map[string]string{"ingredients.0.url": "self#jumbf=x"}}}, Ingredients: []Ingredient{parent("gen")}}},
			map[string][]string{}},
		{"an edit in the active manifest", []*Manifest{gen,
			{Label: "a", Actions: acts("c2pa.opened", "c2pa.color_adjustments"), Ingredients: []Ingredient{parent("gen")}}},
			map[string][]string{}},
		{"a component is a composite", []*Manifest{gen, {Label: "photo"},
			{Label: "a", Actions: acts("c2pa.opened"), Ingredients: []Ingredient{parent("photo"), {Relationship: "componentOf", Manifest: "gen"}}}},
			map[string][]string{}},
		{"an input is not a parent", []*Manifest{gen,
			{Label: "a", Actions: acts("c2pa.opened"), Ingredients: []Ingredient{{Relationship: "inputTo", Manifest: "gen"}}}},
			map[string][]string{}},
		{"no actions: nothing known", []*Manifest{gen,
			{Label: "a", Ingredients: []Ingredient{parent("gen")}}},
			map[string][]string{}},
		{"an update manifest changes no content", []*Manifest{gen,
			{Label: "a", Update: true, Ingredients: []Ingredient{parent("gen")}}},
			map[string][]string{"gen": nil}},
		{"two parents", []*Manifest{gen, {Label: "other"},
			{Label: "a", Actions: acts("c2pa.opened"), Ingredients: []Ingredient{parent("gen"), parent("other")}}},
			map[string][]string{}},
		{"a parent without a manifest", []*Manifest{gen,
			{Label: "a", Actions: acts("c2pa.opened"), Ingredients: []Ingredient{{Relationship: "parentOf"}}}},
			map[string][]string{}},
		{"the active label used twice", []*Manifest{
			{Label: "a", Actions: acts("c2pa.created")},
			{Label: "a", Actions: acts("c2pa.opened"), Ingredients: []Ingredient{parent("a")}}},
			map[string][]string{}},
		{"a loop", []*Manifest{
			{Label: "b", Actions: acts("c2pa.opened"), Ingredients: []Ingredient{parent("a")}},
			{Label: "a", Actions: acts("c2pa.opened"), Ingredients: []Ingredient{parent("b")}}},
			map[string][]string{"b": {"c2pa.opened"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Store{Manifests: tc.chain, Active: tc.chain[len(tc.chain)-1].Label}
			got := s.Derivations()
			if len(got) != len(tc.want) {
				t.Fatalf("Derivations() = %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if g, ok := got[k]; !ok || (len(v) > 0 && !reflect.DeepEqual(g, v)) || (len(v) == 0 && len(g) != 0) {
					t.Errorf("Derivations()[%s] = %v, want %v", k, g, v)
				}
			}
		})
	}
}

func TestContentPreserving(t *testing.T) {
	for _, a := range []string{"c2pa.opened", "c2pa.converted", "c2pa.transcoded", "c2pa.repackaged", "c2pa.watermarked", "c2pa.published"} {
		if !ContentPreserving(a) {
			t.Errorf("%s adds no content", a)
		}
	}
	for _, a := range []string{"c2pa.edited", "c2pa.created", "c2pa.placed", "c2pa.drawing", "c2pa.filtered", "c2pa.color_adjustments", "c2pa.unknown", "com.example.opened", ""} {
		if ContentPreserving(a) {
			t.Errorf("%s may add content", a)
		}
	}
}
