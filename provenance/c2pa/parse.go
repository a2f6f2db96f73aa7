package c2pa

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Well-known labels of the manifest store.
const (
	LabelStore          = "c2pa"
	LabelAssertionStore = "c2pa.assertions"
	LabelClaimV1        = "c2pa.claim"
	LabelClaimV2        = "c2pa.claim.v2"
	LabelSignature      = "c2pa.signature"
)

// ErrNoStore is returned when the JUMBF holds no C2PA manifest store.
var ErrNoStore = errors.New("no C2PA manifest store")

// hashedURI is a C2PA hashed URI: a JUMBF URI, an optional hash algorithm
// and the expected hash.
type hashedURI struct {
	URL  string
	Alg  string
	Hash []byte
}

func parseHashedURI(v any) *hashedURI {
	m := asMap(v)
	if m == nil {
		return nil
	}
	u := &hashedURI{URL: str(m, "url"), Alg: str(m, "alg")}
	u.Hash, _ = m["hash"].([]byte)
	if u.URL == "" {
		return nil
	}
	return u
}

// instanceSuffix matches the "__N" suffix of repeated assertion labels.
var instanceSuffix = regexp.MustCompile(`__[0-9]+$`)

// BaseLabel strips the "__N" instance suffix from an assertion label.
func BaseLabel(label string) string {
	return instanceSuffix.ReplaceAllString(label, "")
}

// Parse decodes a C2PA manifest store from a JUMBF buffer (the payload of a
// KindC2PA block, or a .c2pa sidecar). Every manifest of the store is read.
// Parts that cannot be decoded are listed in the Warnings of the store or
// manifest; an error is returned only when no store could be found at all,
// or together with a partial store when the JUMBF itself is malformed.
func Parse(jumbf []byte) (*Store, error) {
	boxes, jerr := ParseJUMBF(jumbf)
	var root *Box
	for _, b := range boxes {
		if b.Type == BoxSuperbox && b.Desc != nil && (b.Desc.Type == TypeManifestStore || b.Desc.Label == LabelStore) {
			root = b
			break
		}
	}
	if root == nil {
		if jerr != nil {
			return nil, fmt.Errorf("c2pa: %w", jerr)
		}
		return nil, fmt.Errorf("c2pa: %w", ErrNoStore)
	}
	s := &Store{root: root}
	if jerr != nil {
		s.Warnings = append(s.Warnings, jerr.Error())
	}
	for _, mb := range root.Children {
		if mb.Type != BoxSuperbox || mb.Desc == nil {
			continue
		}
		if mb.Desc.Type != TypeManifest && mb.Desc.Type != TypeUpdateManifest {
			continue
		}
		m := parseManifest(mb)
		s.Manifests = append(s.Manifests, m)
	}
	if len(s.Manifests) > 0 {
		s.Active = s.Manifests[len(s.Manifests)-1].Label
	}
	// Resolve ingredient manifests to labels of this store.
	for _, m := range s.Manifests {
		for i := range m.Ingredients {
			in := &m.Ingredients[i]
			if in.manifestRef != nil {
				in.Manifest = manifestLabelOf(in.manifestRef.URL)
			}
		}
	}
	if jerr != nil {
		return s, fmt.Errorf("c2pa: %w", jerr)
	}
	return s, nil
}

// Manifest returns the manifest with the given label, or nil.
func (s *Store) Manifest(label string) *Manifest {
	if s == nil {
		return nil
	}
	for _, m := range s.Manifests {
		if m.Label == label {
			return m
		}
	}
	return nil
}

// ActiveManifest returns the active manifest (the last one), or nil.
func (s *Store) ActiveManifest() *Manifest {
	if s == nil || len(s.Manifests) == 0 {
		return nil
	}
	return s.Manifests[len(s.Manifests)-1]
}

// Root returns the JUMBF superbox of the manifest store.
func (s *Store) Root() *Box { return s.root }

// jumbfPath returns the JUMBF path of a C2PA URI ("self#jumbf=/c2pa/x/y" -> "/c2pa/x/y").
func jumbfPath(uri string) string {
	if i := strings.Index(uri, "jumbf="); i >= 0 {
		return uri[i+len("jumbf="):]
	}
	return uri
}

// manifestLabelOf returns the manifest label named by an absolute JUMBF URI
// (self#jumbf=/c2pa/<label>[/...]), or "".
func manifestLabelOf(uri string) string {
	p := strings.TrimPrefix(jumbfPath(uri), "/")
	parts := strings.SplitN(p, "/", 3)
	if len(parts) >= 2 && parts[0] == LabelStore {
		return parts[1]
	}
	return ""
}

func (m *Manifest) warn(format string, args ...any) {
	if len(m.Warnings) < 64 {
		m.Warnings = append(m.Warnings, fmt.Sprintf(format, args...))
	}
}

// cut records that a limit left part of the manifest unread.
func (m *Manifest) cut(format string, args ...any) {
	if c := fmt.Sprintf(format, args...); len(m.Cuts) < 64 && !slices.Contains(m.Cuts, c) {
		m.Cuts = append(m.Cuts, c)
	}
}

// parseManifest decodes one manifest superbox.
func parseManifest(mb *Box) *Manifest {
	m := &Manifest{Label: mb.Label(), box: mb, Update: mb.Desc.Type == TypeUpdateManifest}
	// The claim.
	if cb := mb.Child(LabelClaimV2); cb != nil {
		m.ClaimVersion = 2
		m.claimBox = cb
	} else if cb := mb.Child(LabelClaimV1); cb != nil {
		m.ClaimVersion = 1
		m.claimBox = cb
	}
	if m.claimBox == nil {
		m.warn("no claim box")
	} else if c := m.claimBox.Content(); c == nil || c.Type != BoxCBOR {
		m.warn("claim has no CBOR content box")
	} else {
		m.claimBytes = c.Payload()
		v, err := decodeCBOR(m.claimBytes)
		if err != nil {
			m.warn("claim: %v", err)
		} else if cm := asMap(v); cm == nil {
			m.warn("claim is not a CBOR map")
		} else {
			m.claim = cm
			m.readClaim(cm)
		}
	}
	// The signature.
	if sb := mb.Child(LabelSignature); sb != nil {
		if c := sb.Content(); c != nil && c.Type == BoxCBOR {
			m.sigBytes = c.Payload()
		}
	}
	// The assertion store.
	as := mb.Child(LabelAssertionStore)
	if as == nil {
		m.warn("no assertion store")
		return m
	}
	for i, ab := range as.Children {
		if i >= maxAssertions {
			m.cut("more than %d assertions", maxAssertions)
			break
		}
		if ab.Type != BoxSuperbox || ab.Desc == nil {
			continue
		}
		m.Assertions = append(m.Assertions, ab.Label())
		m.readAssertion(ab)
	}
	return m
}

// readClaim copies the claim fields of a v1 or v2 claim.
func (m *Manifest) readClaim(c map[string]any) {
	m.ClaimGenerator = truncate(str(c, "claim_generator"))
	m.Title = truncate(firstStr(c, "dc:title", "title"))
	m.Format = truncate(firstStr(c, "dc:format", "format"))
	m.InstanceID = truncate(firstStr(c, "instanceID", "instance_id"))
	switch g := c["claim_generator_info"].(type) {
	case map[string]any:
		m.ClaimGeneratorInfo = append(m.ClaimGeneratorInfo, generatorInfo(g))
	case []any:
		for i, x := range g {
			if i >= 64 {
				m.cut("more than 64 claim_generator_info entries")
				break
			}
			if gm := asMap(x); gm != nil {
				m.ClaimGeneratorInfo = append(m.ClaimGeneratorInfo, generatorInfo(gm))
			} else if s, ok := x.(string); ok {
				m.ClaimGeneratorInfo = append(m.ClaimGeneratorInfo, GeneratorInfo{Name: truncate(s)})
			}
		}
	}
	for _, key := range []string{"assertions", "created_assertions", "gathered_assertions"} {
		for i, x := range asSlice(c[key]) {
			if i >= maxAssertions {
				m.cut("more than %d %s in the claim", maxAssertions, key)
				break
			}
			if u := parseHashedURI(x); u != nil {
				m.refs = append(m.refs, *u)
			}
		}
	}
}

func generatorInfo(g map[string]any) GeneratorInfo {
	gi := GeneratorInfo{Name: truncate(str(g, "name"))}
	if v, ok := scalarString(g["version"]); ok {
		gi.Version = v
	}
	return gi
}

// assertionData decodes the content box of an assertion superbox.
func assertionData(ab *Box) (any, error) {
	c := ab.Content()
	if c == nil {
		return nil, nil
	}
	switch c.Type {
	case BoxCBOR:
		return decodeCBOR(c.Payload())
	case BoxJSON:
		return decodeJSON(c.Payload())
	}
	return nil, nil
}

// readAssertion interprets the assertions provscan cares about.
func (m *Manifest) readAssertion(ab *Box) {
	label := ab.Label()
	base := BaseLabel(label)
	interesting := base == "c2pa.actions" || base == "c2pa.actions.v2" ||
		strings.HasPrefix(base, "c2pa.ingredient") ||
		base == "c2pa.training-mining" || base == "cawg.training-mining" ||
		base == "stds.iptc" || base == "stds.iptc.photo-metadata" || strings.HasPrefix(base, "stds.iptc.") ||
		base == "com.adobe.generative-ai"
	if base == "com.adobe.generative-ai" {
		m.GenerativeAI = true
	}
	if !interesting {
		return
	}
	v, err := assertionData(ab)
	if err != nil {
		if overLimit(err) {
			m.cut("assertion %s: %v", label, err)
		}
		m.warn("assertion %s: %v", label, err)
		return
	}
	if v == nil {
		return
	}
	switch {
	case base == "c2pa.actions" || base == "c2pa.actions.v2":
		m.readActions(asMap(v))
	case base == "c2pa.ingredient" || base == "c2pa.ingredient.v2" || base == "c2pa.ingredient.v3":
		m.readIngredient(label, asMap(v))
	case base == "c2pa.training-mining" || base == "cawg.training-mining":
		m.readTraining(asMap(v))
	case strings.HasPrefix(base, "stds.iptc"):
		var out []string
		findKeys(v, "digitalsourcetype", &out, 0)
		m.IPTCSourceTypes = append(m.IPTCSourceTypes, out...)
	}
}

// readActions reads a c2pa.actions or c2pa.actions.v2 assertion.
func (m *Manifest) readActions(a map[string]any) {
	if a == nil {
		return
	}
	agents := asSlice(a["softwareAgents"])
	for i, x := range asSlice(a["actions"]) {
		if i >= maxElements || len(m.Actions) >= maxElements {
			m.cut("more than %d actions", maxElements)
			break
		}
		am := asMap(x)
		if am == nil {
			continue
		}
		m.rawActions = append(m.rawActions, am)
		act := Action{
			Action:            truncate(str(am, "action")),
			DigitalSourceType: truncate(str(am, "digitalSourceType")),
			Description:       truncate(str(am, "description")),
		}
		params := asMap(am["parameters"])
		if act.DigitalSourceType == "" && params != nil {
			act.DigitalSourceType = truncate(str(params, "com.adobe.digitalSourceType"))
		}
		act.SoftwareAgent = softwareAgent(am["softwareAgent"])
		if act.SoftwareAgent == "" {
			if idx, ok := asInt(am["softwareAgentIndex"]); ok && idx >= 0 && idx < int64(len(agents)) {
				act.SoftwareAgent = softwareAgent(agents[idx])
			}
		}
		if params != nil {
			act.Parameters = map[string]string{}
			flatten("", params, act.Parameters, 0)
		}
		m.Actions = append(m.Actions, act)
	}
}

// softwareAgent reads a softwareAgent: a string (v1) or a generator-info
// map (v2), rendered "name/version" as the C2PA SDK does.
func softwareAgent(v any) string {
	switch t := v.(type) {
	case string:
		return truncate(t)
	case map[string]any:
		g := generatorInfo(t)
		if g.Version != "" {
			return truncate(g.Name + "/" + g.Version)
		}
		return g.Name
	}
	return ""
}

// readIngredient reads a c2pa.ingredient assertion (v1 to v3).
func (m *Manifest) readIngredient(label string, a map[string]any) {
	if a == nil {
		return
	}
	in := Ingredient{
		Label:        label,
		Title:        truncate(firstStr(a, "dc:title", "title")),
		Format:       truncate(firstStr(a, "dc:format", "format")),
		Relationship: truncate(str(a, "relationship")),
		InstanceID:   truncate(str(a, "instanceID")),
	}
	for _, x := range asSlice(a["validationStatus"]) {
		if c := str(asMap(x), "code"); c != "" && len(in.ValidationStatus) < 64 {
			in.ValidationStatus = append(in.ValidationStatus, truncate(c))
		}
	}
	in.hasResults = asMap(a["validationResults"]) != nil
	for _, x := range asSlice(asMap(asMap(a["validationResults"])["activeManifest"])["failure"]) {
		if c := str(asMap(x), "code"); c != "" && len(in.ValidationStatus) < 64 {
			in.ValidationStatus = append(in.ValidationStatus, truncate(c))
		}
	}
	in.manifestRef = parseHashedURI(a["activeManifest"])
	if in.manifestRef == nil {
		in.manifestRef = parseHashedURI(a["c2pa_manifest"])
	}
	m.Ingredients = append(m.Ingredients, in)
}

// readTraining reads the entries of a training-mining assertion.
func (m *Manifest) readTraining(a map[string]any) {
	entries := asMap(a["entries"])
	for k, v := range entries {
		if m.TrainingMining == nil {
			m.TrainingMining = map[string]string{}
		}
		if len(m.TrainingMining) >= maxParams {
			m.cut("more than %d training-mining entries", maxParams)
			break
		}
		use := ""
		if em := asMap(v); em != nil {
			use = str(em, "use")
		}
		m.TrainingMining[truncate(k)] = truncate(use)
	}
}
