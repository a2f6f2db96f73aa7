package genai

import (
	"slices"
	"strings"
	"sync"

	"github.com/provscan/provscan/provenance/evidence"
)

// TermCutShort marks generator evidence from the opening of a prompt graph
// cut short (row comfyui-graph-cut-short): a weaker signature than a whole
// graph, which findings say.
const TermCutShort = "prompt graph cut short"

// sourceTypeFields are the fields that hold a digital source type.
var sourceTypeFields = map[string]bool{
	"Iptc4xmpExt:DigitalSourceType":                true,
	"Iptc4xmpExt:DigitalSourceFileType":            true,
	FieldSourceType:                                true,
	FieldIPTCSourceType:                            true,
	FieldParameter + "com.adobe.digitalSourceType": true,
}

// Match returns the first catalogue row that matches f, or nil.
func Match(f Fact) *Signature {
	a1111 := -1 // unknown; 0 no, 1 yes: tested once per fact
	rows, indexed := candidates(f)
	for _, s := range rows {
		if !indexed && !s.matchesField(f) {
			continue
		}
		if s.A1111 {
			if a1111 < 0 {
				a1111 = 0
				if IsA1111(f.Value) {
					a1111 = 1
				}
			}
			if a1111 == 0 {
				continue
			}
		}
		if s.matchesValue(f.Value) {
			return s
		}
	}
	return nil
}

// catalogueIndex lists, for each source and field name, the catalogue rows
// that can match a fact of that source and field, in catalogue order: most
// facts of a file (camera fields, editor history) are ruled out by one map
// lookup instead of fifty rows.
type catalogueIndex struct {
	byField  map[Source]map[string][]*Signature // field lowercased
	anyField map[Source][]*Signature            // rows without a field list
}

var index = sync.OnceValue(func() *catalogueIndex {
	ix := &catalogueIndex{byField: map[Source]map[string][]*Signature{}, anyField: map[Source][]*Signature{}}
	sources := []Source{EXIF, XMP, Text, IPTC, C2PA, Tool}
	fields := map[string]bool{}
	for i := range Catalogue {
		for _, name := range Catalogue[i].Fields {
			fields[strings.ToLower(name)] = true
		}
	}
	for _, src := range sources {
		ix.anyField[src] = []*Signature{}
		ix.byField[src] = map[string][]*Signature{}
		for i := range Catalogue {
			s := &Catalogue[i]
			if s.forSource(src) && s.Fields == nil {
				ix.anyField[src] = append(ix.anyField[src], s)
			}
		}
		for field := range fields {
			var rows []*Signature
			for i := range Catalogue {
				s := &Catalogue[i]
				if !s.forSource(src) {
					continue
				}
				if s.Fields == nil || slices.ContainsFunc(s.Fields, func(n string) bool { return strings.ToLower(n) == field }) {
					rows = append(rows, s)
				}
			}
			ix.byField[src][field] = rows
		}
	}
	return ix
})

// candidates returns the catalogue rows that may match f, in catalogue
// order. indexed reports that they all match f's source and field already;
// otherwise (a source the index does not know) they are every row, for
// matchesField to decide.
func candidates(f Fact) (rows []*Signature, indexed bool) {
	ix := index()
	fields, ok := ix.byField[f.Source]
	if !ok {
		return all(), false
	}
	if rows, ok := fields[f.Field]; ok {
		return rows, true
	}
	var buf [64]byte
	lower, ascii := asciiLower(buf[:0], f.Field)
	if !ascii {
		// strings.EqualFold folds more than ASCII letters ("ſ" is an
		// "s"): leave such names to matchesField.
		return all(), false
	}
	if rows, ok := fields[string(lower)]; ok {
		return rows, true
	}
	return ix.anyField[f.Source], true
}

// all lists every catalogue row.
func all() []*Signature {
	rows := make([]*Signature, len(Catalogue))
	for i := range Catalogue {
		rows[i] = &Catalogue[i]
	}
	return rows
}

// asciiLower appends s in lower case to b; ok is false if s is not ASCII.
func asciiLower(b []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return b, false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b, true
}

// forSource reports whether the row looks at facts of src: a row of no
// source looks at every source but C2PA and Tool (a tool fact repeats a
// value also read as a fact of its own source).
func (s *Signature) forSource(src Source) bool {
	if s.Source == "" {
		return src != C2PA && src != Tool
	}
	return s.Source == src
}

// IsA1111 reports whether v is an AUTOMATIC1111-style parameters text: a
// line starting "Steps: N," whose settings name a sampler, a seed or a CFG
// scale. Written with plain string searches: it runs on every text value.
func IsA1111(v string) bool {
	for i := 0; ; {
		j := strings.Index(v[i:], "Steps: ")
		if j < 0 {
			return false
		}
		j += i
		k := j
		for k > 0 && (v[k-1] == ' ' || v[k-1] == '\t') {
			k--
		}
		if k == 0 || v[k-1] == '\n' || v[k-1] == '\r' {
			rest := v[j+len("Steps: "):]
			d := 0
			for d < len(rest) && rest[d] >= '0' && rest[d] <= '9' {
				d++
			}
			if d > 0 && d < len(rest) && rest[d] == ',' {
				tail := rest[d:]
				for _, key := range []string{"Sampler: ", "Seed: ", "CFG scale: ", "CFG Scale: "} {
					if strings.Contains(tail, key) {
						return true
					}
				}
			}
		}
		i = j + len("Steps: ")
	}
}

// matchesValue applies the literal prefilter, then the value pattern.
func (s *Signature) matchesValue(v string) bool {
	if len(s.Literals) > 0 {
		found := false
		for _, l := range s.Literals {
			if strings.Contains(v, l) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if s.Value == nil {
		return strings.TrimSpace(v) != ""
	}
	return s.Value.MatchString(v)
}

// matchesField checks the row's source and field names.
func (s *Signature) matchesField(f Fact) bool {
	if s.Source == "" {
		if f.Source == C2PA {
			return false
		}
	} else if s.Source != f.Source {
		return false
	}
	if s.Fields != nil {
		ok := false
		for _, name := range s.Fields {
			if strings.EqualFold(name, f.Field) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// Detect turns the facts of one file into evidence: digital source types,
// generator signatures, GenAI labels, embedded prompts, remote manifests and
// training-and-mining assertions. The order of the result follows the facts.
func Detect(facts []Fact) []evidence.Item {
	var out, remote []evidence.Item
	hasC2PA := false
	attribution := map[int]string{}  // store index -> generator named by an attribution row
	refines := map[string][]string{} // generator found -> the broader families it refines
	for _, f := range facts {
		if f.Source == C2PA {
			hasC2PA = true
		}
		item := evidence.Item{
			Container:  f.Container,
			Location:   f.Location,
			Offset:     f.Offset,
			Field:      f.Field,
			Value:      evidence.Truncate(f.Value),
			Manifest:   f.Manifest,
			Ingredient: f.Ingredient,
			Derived:    f.Derived,
			Via:        f.Via,
			Store:      f.Store,
		}
		if sourceTypeFields[f.Field] {
			if term, class, ok := SourceType(f.Value); ok && class != evidence.ClassNone {
				item.Kind, item.Class, item.Term, item.Confidence = evidence.SourceType, class, term, evidence.Declared
				out = append(out, item)
			}
			continue
		}
		if f.Source == XMP && f.Field == "dcterms:provenance" && strings.TrimSpace(f.Value) != "" {
			// Only an http(s) URL names a manifest stored elsewhere; any
			// other reference (self#jumbf=/c2pa/...) names one that was
			// embedded, and is reported only when no store is left.
			item.Kind, item.Confidence = evidence.StrippedManifest, evidence.Declared
			if IsRemoteReference(f.Value) {
				item.Kind = evidence.RemoteManifest
			}
			remote = append(remote, item)
			continue
		}
		if f.Source == C2PA && strings.HasPrefix(f.Field, FieldTrainingMining) {
			item.Kind, item.Confidence = evidence.TrainingMining, evidence.Declared
			out = append(out, item)
			continue
		}
		if it, ok := topazEdit(f, item); ok {
			out = append(out, it)
			continue
		}
		if cc := capcutFlags(f, item); cc != nil {
			out = append(out, cc...)
			continue
		}
		if lb, ok := LabelOf(f); ok {
			item.Kind, item.Level, item.Term, item.Producer, item.Confidence = evidence.Label, lb.Level, lb.Term, lb.Producer, evidence.Declared
			out = append(out, item)
			continue
		}
		if sig := Match(f); sig != nil {
			if sig.Attribution {
				if _, ok := attribution[f.Store]; !ok {
					attribution[f.Store] = sig.Generator
				}
				continue
			}
			if sig.PromptOnly {
				p := item
				p.Kind, p.Confidence = evidence.Prompt, sig.Confidence
				out = append(out, p)
				continue
			}
			it := item
			it.Kind, it.Generator, it.Confidence = evidence.Generator, sig.Generator, sig.Confidence
			if sig.ID == "adobe-third-party-model" {
				if model := modelOf(facts, f); model != "" {
					it.Generator = "Adobe partner model: " + model
				}
			}
			if sig.ID == "comfyui-graph-cut-short" {
				it.Term = TermCutShort // a weaker signature: the rules say so
			}
			refined := sig.Refines
			if sig.Named {
				it.Generator, refined = namedGenerator(facts, f)
			}
			for _, b := range refined {
				if !slices.Contains(refines[it.Generator], b) {
					refines[it.Generator] = append(refines[it.Generator], b)
				}
			}
			out = append(out, it)
			if sig.Prompt {
				p := item
				p.Kind, p.Generator, p.Confidence = evidence.Prompt, sig.Generator, sig.Confidence
				out = append(out, p)
			}
			continue
		}
		if f.Source == Text && promptKeys[strings.ToLower(f.Field)] && strings.TrimSpace(f.Value) != "" {
			item.Kind, item.Confidence = evidence.Prompt, evidence.Inferred
			out = append(out, item)
		}
	}
	// Name the generator of C2PA source types from their store's attribution row.
	for i := range out {
		if out[i].Kind == evidence.SourceType && out[i].Generator == "" && out[i].Manifest != "" {
			if gen, ok := attribution[out[i].Store]; ok {
				out[i].Generator = gen
			}
		}
	}
	if !hasC2PA {
		out = append(out, remote...)
	}
	var prompts []evidence.Item
	for _, it := range out {
		if it.Kind == evidence.Prompt {
			prompts = append(prompts, it)
		}
	}
	out = append(out, performances(facts, prompts)...)
	mostSpecific(out, refines)
	return out
}

// mostSpecific renames the items of a generator family after the more
// specific generator found in the same file that refines it (OpenAI ->
// OpenAI GPT image, ComfyUI -> SwarmUI), so that a file gets one generator
// finding with the most specific name. A family refined by two unrelated
// generators of the file (SwarmUI and TensorArt over ComfyUI) keeps its
// name: neither is the more specific one.
func mostSpecific(items []evidence.Item, refines map[string][]string) {
	if len(refines) == 0 {
		return
	}
	found := map[string]bool{}
	for _, it := range items {
		if it.Kind == evidence.Generator {
			found[it.Generator] = true
		}
	}
	// above[b] lists the generators of the file that refine b, directly or not.
	above := map[string][]string{}
	for g := range found {
		seen := map[string]bool{g: true}
		queue := slices.Clone(refines[g])
		for len(queue) > 0 {
			b := queue[0]
			queue = queue[1:]
			if seen[b] {
				continue
			}
			seen[b] = true
			above[b] = append(above[b], g)
			queue = append(queue, refines[b]...)
		}
	}
	rename := map[string]string{}
	for b, gens := range above {
		if !found[b] {
			continue
		}
		// The most specific: refined by no other candidate.
		var top []string
		for _, g := range gens {
			if !slices.ContainsFunc(gens, func(h string) bool { return h != g && slices.Contains(above[g], h) }) {
				top = append(top, g)
			}
		}
		if len(top) == 1 {
			rename[b] = top[0]
		}
	}
	for i := range items {
		if g, ok := rename[items[i].Generator]; ok {
			items[i].Generator = g
		}
	}
}

// IsRemoteReference reports whether a manifest reference (XMP
// dcterms:provenance) is an http or https URL: a manifest stored elsewhere,
// as opposed to a JUMBF URI into the file itself (self#jumbf=...).
func IsRemoteReference(ref string) bool {
	v := strings.ToLower(strings.TrimSpace(ref))
	return strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "http://")
}

// aiSystemFields are the IPTC 2025.1 properties that name the AI system.
const (
	aiSystemUsed    = "Iptc4xmpExt:AISystemUsed"
	aiSystemVersion = "Iptc4xmpExt:AISystemVersionUsed"
)

// maxNamed is the longest generator name taken from a file's value.
const maxNamed = 64

// namedGenerator names the generator of a row whose value names it: the
// family of the GenAI tool the value names (a tool row), else the value
// itself, cleaned and cut short. A version (AI System Version Used) is
// named after the system of the same block when there is one, so that the
// file gets one generator finding.
func namedGenerator(facts []Fact, f Fact) (string, []string) {
	if strings.EqualFold(f.Field, aiSystemVersion) {
		for _, g := range facts {
			if g.Source == f.Source && g.Container == f.Container && strings.EqualFold(g.Field, aiSystemUsed) && strings.TrimSpace(g.Value) != "" {
				return namedGenerator(facts, g)
			}
		}
	}
	if sig := Match(Fact{Source: Tool, Field: f.Field, Value: strings.TrimSpace(f.Value)}); sig != nil && !sig.Attribution {
		return sig.Generator, sig.Refines
	}
	return oneLine(f.Value, maxNamed), nil
}

// oneLine is s on one line, as a name: invalid UTF-8 replaced, runs of
// white space made one space, cut to max runes (an ellipsis marks a cut).
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
	if r := []rune(s); len(r) > max {
		s = string(r[:max]) + "…"
	}
	return s
}

// modelOf returns the com.adobe.details parameter of the same action as f.
func modelOf(facts []Fact, f Fact) string {
	for _, g := range facts {
		if g.Source == C2PA && g.Store == f.Store && g.Manifest == f.Manifest && g.Location == f.Location && g.Field == FieldParameter+"com.adobe.details" {
			return g.Value
		}
	}
	return ""
}
