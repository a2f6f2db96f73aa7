package rules

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/provscan/provscan/provenance/evidence"
)

// Match is one rule that fired on a file, with the evidence behind it.
type Match struct {
	Rule *Rule
	// Severity is the finding's severity when it is not the rule's (the
	// genai-label rule follows the label's level); zero means the rule's.
	Severity   Severity
	Generator  string
	Confidence string
	Message    string
	Evidence   []evidence.Item
}

// Media kinds that the talent rule cares about.
const (
	MediaAudio = "audio"
	MediaVideo = "video"
)

// Evaluate applies the rule table to the evidence of one file: each rule's
// Decide function, in table order. media is the file's media kind ("image",
// "audio", "video", ...). The result is sorted by rule ID, then generator.
func Evaluate(items []evidence.Item, media string) []Match {
	if len(items) == 0 {
		return nil
	}
	s := sortSigns(items, media)
	var out []Match
	for i := range Table {
		r := &Table[i]
		if r.Decide == nil {
			continue
		}
		for _, m := range r.Decide(s) {
			m.Rule = r
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Rule.ID != out[j].Rule.ID {
			return out[i].Rule.ID < out[j].Rule.ID
		}
		return out[i].Generator < out[j].Generator
	})
	return out
}

// Signs is the evidence of one file sorted by what each item shows: the
// input of every rule's Decide function.
type Signs struct {
	media     string // the file's media kind
	generator string // the first generator named, for matches of other rules
	// Source types: declared by the file itself (or by an ingredient it was
	// derived from through actions that add no content), by another
	// ingredient, or that may or may not involve GenAI.
	genai, edit, ingredient, review []evidence.Item
	gens                            []evidence.Item // generator signatures
	labels                          []evidence.Item // GenAI labels (GB 45438, platform flags)
	prompts, remote, stripped       []evidence.Item
	training, invalid, untrusted    []evidence.Item
	performances                    []evidence.Item // talent techniques named in generation inputs
}

// sortSigns sorts the evidence of one file for the rules.
func sortSigns(items []evidence.Item, media string) *Signs {
	s := &Signs{media: media}
	var ingredientGens []evidence.Item
	for _, it := range items {
		switch it.Kind {
		case evidence.SourceType:
			// What a derived ingredient (reached only through actions that
			// add no content) declares, the file declares.
			own := !it.Ingredient || it.Derived
			switch {
			case it.Class == evidence.ClassGenAI && own:
				s.genai = append(s.genai, it)
			case it.Class == evidence.ClassEdit && own:
				s.edit = append(s.edit, it)
			case it.Class == evidence.ClassGenAI || it.Class == evidence.ClassEdit:
				s.ingredient = append(s.ingredient, it)
			case it.Class == evidence.ClassReview:
				s.review = append(s.review, it)
			}
		case evidence.Generator:
			if it.Ingredient && !it.Derived {
				ingredientGens = append(ingredientGens, it)
			} else {
				s.gens = append(s.gens, it)
			}
		case evidence.Label:
			s.labels = append(s.labels, it)
		case evidence.Prompt:
			s.prompts = append(s.prompts, it)
		case evidence.RemoteManifest:
			s.remote = append(s.remote, it)
		case evidence.StrippedManifest:
			s.stripped = append(s.stripped, it)
		case evidence.TrainingMining:
			s.training = append(s.training, it)
		case evidence.InvalidC2PA:
			s.invalid = append(s.invalid, it)
		case evidence.UntrustedC2PA:
			s.untrusted = append(s.untrusted, it)
		case evidence.Performance:
			s.performances = append(s.performances, it)
		}
	}
	// A generator seen only in an ingredient's manifest names a GenAI
	// ingredient; beside GenAI in the active manifest it is a generator finding.
	if len(s.genai)+len(s.edit)+len(s.gens) == 0 {
		s.ingredient = append(s.ingredient, ingredientGens...)
	} else {
		s.gens = append(s.gens, ingredientGens...)
	}
	s.generator = generatorOf(s.gens, s.genai, s.edit, s.ingredient, s.prompts)
	return s
}

// own reports whether the file itself declares or carries GenAI: a source
// type of its own, a generator signature or a label saying it was generated.
func (s *Signs) own() bool { return len(s.genai)+len(s.edit)+len(s.gens)+len(s.generated()) > 0 }

// flagged reports whether any GenAI marker was found, an ingredient's included.
func (s *Signs) flagged() bool {
	return len(s.genai)+len(s.edit)+len(s.ingredient)+len(s.gens)+len(s.generated()) > 0
}

// generated lists the labels that say the file was generated (not those
// that say it possibly was, or is suspected to be).
func (s *Signs) generated() []evidence.Item {
	var out []evidence.Item
	for _, it := range s.labels {
		if it.Level == evidence.LevelGenerated {
			out = append(out, it)
		}
	}
	return out
}

// one is the match of a rule that fires on ev (none when ev is empty). The
// message is built only then: most files fire no rule.
func (s *Signs) one(ev []evidence.Item, msg func() string) []Match {
	if len(ev) == 0 {
		return nil
	}
	return []Match{{Generator: s.generator, Confidence: confidenceOf(ev), Message: msg(), Evidence: ev}}
}

// declared describes source type evidence: what the file declares itself
// or, when it declares nothing, what it inherits from an ingredient it was
// derived from through actions that add no content, naming those actions.
func declared(items []evidence.Item, own, inherited string) string {
	var direct, derived []evidence.Item
	for _, it := range items {
		if it.Ingredient && it.Derived {
			derived = append(derived, it)
		} else {
			direct = append(direct, it)
		}
	}
	var parts []string
	if len(direct) > 0 {
		parts = append(parts, fmt.Sprintf("%s (%s)", own, terms(direct)))
	}
	if len(derived) > 0 && len(direct) == 0 {
		var via []string
		for _, it := range derived {
			for _, a := range strings.Split(it.Via, ", ") {
				if a != "" && !slices.Contains(via, a) {
					via = append(via, a)
				}
			}
		}
		parts = append(parts, fmt.Sprintf("%s (%s) through only %s actions, which add no content", inherited, terms(derived), strings.Join(via, ", ")))
	}
	return strings.Join(parts, "; ")
}

func generatorOf(groups ...[]evidence.Item) string {
	for _, g := range groups {
		for _, it := range g {
			if it.Generator != "" {
				return it.Generator
			}
		}
	}
	return ""
}

func families(items []evidence.Item) []string {
	seen := map[string]bool{}
	var out []string
	for _, it := range items {
		if !seen[it.Generator] {
			seen[it.Generator] = true
			out = append(out, it.Generator)
		}
	}
	sort.Strings(out)
	return out
}

var confidenceRank = map[string]int{evidence.Inferred: 1, evidence.Declared: 2, evidence.Verified: 3}

func confidenceOf(items []evidence.Item) string {
	best := ""
	for _, it := range items {
		if confidenceRank[it.Confidence] > confidenceRank[best] {
			best = it.Confidence
		}
	}
	if best == "" {
		best = evidence.Inferred
	}
	return best
}

func uniqJoin(items []evidence.Item, f func(evidence.Item) string) string {
	seen := map[string]bool{}
	var out []string
	for _, it := range items {
		s := f(it)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if len(out) > 4 {
		out = append(out[:4], fmt.Sprintf("+%d more", len(out)-4))
	}
	return strings.Join(out, ", ")
}

func terms(items []evidence.Item) string {
	return uniqJoin(items, func(it evidence.Item) string { return it.Term })
}

func fields(items []evidence.Item) string {
	return uniqJoin(items, func(it evidence.Item) string { return it.Field })
}

// codes joins the validation status codes of C2PA evidence, each once.
func codes(items []evidence.Item) string {
	var out []string
	for _, it := range items {
		for _, c := range strings.Split(it.Value, ", ") {
			if c != "" && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return strings.Join(out, ", ")
}

func values(items []evidence.Item) string {
	return uniqJoin(items, func(it evidence.Item) string { return it.Value })
}
