// Package genai knows what generative AI leaves in metadata: the IPTC/C2PA
// digital source type vocabulary and the catalogue of generator signatures.
// It works on neutral facts (field, value, where) and knows no file format.
package genai

import (
	"strings"

	"github.com/provscan/provscan/provenance/evidence"
)

// The digital source type vocabularies.
const (
	IPTCVocabulary = "cv.iptc.org/newscodes/digitalsourcetype/"
	C2PAVocabulary = "c2pa.org/digitalsourcetype/"
)

// sourceTypeClass grades every term of CATALOGUE.md section 1. Terms absent
// from this table (and every non-GenAI term) are ClassNone.
var sourceTypeClass = map[string]evidence.Class{
	"trainedAlgorithmicMedia":              evidence.ClassGenAI,
	"compositeSynthetic":                   evidence.ClassGenAI,
	"compositeWithTrainedAlgorithmicMedia": evidence.ClassEdit,
	"virtualRecording":                     evidence.ClassReview,
	"composite":                            evidence.ClassReview,
	"c2pa:trainedAlgorithmicData":          evidence.ClassGenAI,
}

// SourceType parses a digital source type value into its vocabulary term
// (prefixed "c2pa:" for the C2PA vocabulary) and grades it. The whole term
// must match, never a prefix; http and https are both accepted, as are bare
// terms. ok is false when the value is not a digital source type at all.
func SourceType(value string) (term string, class evidence.Class, ok bool) {
	v := strings.TrimSpace(value)
	v = strings.TrimSuffix(v, "/")
	lower := strings.ToLower(v)
	for _, scheme := range []string{"https://", "http://"} {
		if strings.HasPrefix(lower, scheme) {
			v, lower = v[len(scheme):], lower[len(scheme):]
			break
		}
	}
	switch {
	case strings.HasPrefix(lower, IPTCVocabulary):
		term = v[len(IPTCVocabulary):]
	case strings.HasPrefix(lower, C2PAVocabulary):
		term = "c2pa:" + v[len(C2PAVocabulary):]
	case v != "" && !strings.ContainsAny(v, "/: \t"):
		term = v // a bare term
	default:
		return "", evidence.ClassNone, false
	}
	return term, sourceTypeClass[term], true
}
