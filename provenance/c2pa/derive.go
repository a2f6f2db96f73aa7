package c2pa

import (
	"slices"
	"strings"
)

// contentPreserving lists the C2PA actions that add no new content to an
// asset: after them, the asset is still the content of its parentOf
// ingredient, in another form. From the action vocabulary of the C2PA
// specification 2.x (section "Actions"):
//
//   - c2pa.opened: an existing asset was opened as the parentOf ingredient;
//   - c2pa.converted: the format of the asset was changed;
//   - c2pa.transcoded: a direct conversion of one encoding to another
//     (resolution scaling, bit rate, encoding format), "not including any
//     adjustment that would affect the editorial meaning of the content";
//   - c2pa.repackaged: from one container to another, without transcoding,
//     with the same proviso;
//   - c2pa.watermarked (and the 2.2 c2pa.watermarked.bound,
//     c2pa.watermarked.unbound): an invisible watermark inserted for a soft
//     binding;
//   - c2pa.published: the asset was released to a wider audience;
//   - c2pa.edited.metadata: only the asset's metadata changed;
//   - c2pa.resized, c2pa.orientation, c2pa.cropped: the dimensions, the
//     direction or the frame changed; every remaining pixel is one of the
//     ingredient's.
//
// One c2pa.edited passes too: an edit whose description says it added a
// watermark and which names no ingredient (see watermarkEdit). Generators
// record their own visible watermark that way (Google: "Added visible
// watermark"); the content is still the generated image.
//
// Left out, because they may bring in content someone made: c2pa.edited
// otherwise ("generalized actions that affect the editorial meaning"), c2pa.drawing,
// c2pa.filtered, c2pa.color_adjustments, c2pa.placed, c2pa.removed,
// c2pa.redacted, c2pa.created, c2pa.dubbed, c2pa.translated, c2pa.enhanced,
// c2pa.unknown and every action outside the c2pa namespace.
var contentPreserving = map[string]bool{
	"c2pa.opened":              true,
	"c2pa.converted":           true,
	"c2pa.transcoded":          true,
	"c2pa.repackaged":          true,
	"c2pa.watermarked":         true,
	"c2pa.watermarked.bound":   true,
	"c2pa.watermarked.unbound": true,
	"c2pa.published":           true,
	"c2pa.edited.metadata":     true,
	"c2pa.resized":             true,
	"c2pa.orientation":         true,
	"c2pa.cropped":             true,
}

// ContentPreserving reports whether a C2PA action adds no content to the
// asset (see contentPreserving for the list and its reasons).
func ContentPreserving(action string) bool { return contentPreserving[action] }

// preserves reports whether the action a adds no content: one of the
// contentPreserving actions, or a watermarkEdit.
func preserves(a Action) bool { return contentPreserving[a.Action] || watermarkEdit(a) }

// watermarkEdit reports whether a is a c2pa.edited action that says it added
// a watermark (its description) and brings in no ingredient (no parameter
// naming one): a watermark is a mark, not content someone made.
func watermarkEdit(a Action) bool {
	if a.Action != "c2pa.edited" || !strings.Contains(strings.ToLower(a.Description), "watermark") {
		return false
	}
	for k := range a.Parameters {
		if strings.HasPrefix(k, "ingredient") {
			return false
		}
	}
	return true
}

// maxDerivation bounds the length of a derivation chain.
const maxDerivation = 64

// Derivations follows the store from its active manifest down the chain of
// parentOf ingredients for as long as each manifest on the way only
// preserves content: its actions are all ContentPreserving (an update
// manifest, which cannot change content, passes whatever it lists), it has
// exactly one parentOf ingredient with a manifest in the store, and no
// componentOf ingredient. The result maps the label of each manifest so
// reached to the actions crossed on the way from the active manifest, in
// order and without repeats: the asset is that manifest's asset, only
// opened, converted, transcoded and the like. The active manifest itself is
// not in the map.
func (s *Store) Derivations() map[string][]string {
	out := map[string][]string{}
	m := s.ActiveManifest()
	if m == nil {
		return out
	}
	active := m.Label
	var via []string
	seen := map[*Manifest]bool{}
	for range maxDerivation {
		if seen[m] {
			break
		}
		seen[m] = true
		parent, ok := m.preservedParent()
		if !ok {
			break
		}
		next := s.Manifest(parent)
		if next == nil || seen[next] || next.Label == active { // a loop, or a label used twice
			break
		}
		for _, a := range m.Actions {
			name := a.Action
			if watermarkEdit(a) {
				name += " (watermark)"
			}
			if !slices.Contains(via, name) {
				via = append(via, name)
			}
		}
		out[next.Label] = append([]string(nil), via...)
		m = next
	}
	return out
}

// preservedParent returns the label of m's parentOf ingredient manifest when
// m only preserves that parent's content.
func (m *Manifest) preservedParent() (string, bool) {
	if !m.Update {
		if len(m.Actions) == 0 {
			return "", false // no record of what was done
		}
		for _, a := range m.Actions {
			if !preserves(a) {
				return "", false
			}
		}
	}
	parent := ""
	for _, in := range m.Ingredients {
		switch in.Relationship {
		case "componentOf":
			return "", false
		case "parentOf":
			if parent != "" || in.Manifest == "" {
				return "", false
			}
			parent = in.Manifest
		}
	}
	return parent, parent != ""
}
