package c2pa

// Codes of the action-list rules.
const (
	CodeActionMalformed          = "assertion.action.malformed"
	CodeActionIngredientMismatch = "assertion.action.ingredientMismatch"
)

// checkActions applies the action-list rules of C2PA 2.x to a v2 claim:
// a c2pa.created action states its digitalSourceType, and the actions that
// bring in an ingredient (c2pa.opened, c2pa.placed) name it in
// parameters.ingredients with a hashed URI that resolves to an ingredient
// assertion of the same manifest.
func (v *validator) checkActions(m *Manifest) {
	if m.ClaimVersion < 2 {
		return
	}
	for _, a := range m.rawActions {
		switch str(a, "action") {
		case "c2pa.created":
			if str(a, "digitalSourceType") == "" {
				m.status(CodeActionMalformed)
			}
		case "c2pa.opened", "c2pa.placed":
			params := asMap(a["parameters"])
			refs := asSlice(params["ingredients"])
			if u := parseHashedURI(params["ingredient"]); u != nil {
				refs = append(refs, params["ingredient"])
			}
			if len(refs) == 0 {
				m.status(CodeActionIngredientMismatch)
				continue
			}
			for _, r := range refs {
				u := parseHashedURI(r)
				if u == nil {
					m.status(CodeActionIngredientMismatch)
					continue
				}
				b := v.resolve(m, u.URL)
				if b == nil || BaseLabel(b.Label()) != "c2pa.ingredient" && BaseLabel(b.Label()) != "c2pa.ingredient.v2" && BaseLabel(b.Label()) != "c2pa.ingredient.v3" {
					m.status(CodeActionIngredientMismatch)
				}
			}
		}
	}
}
