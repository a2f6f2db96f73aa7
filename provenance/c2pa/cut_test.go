package c2pa

import (
	"strings"
	"testing"
)

// TestCapsAreCuts: actions past maxElements are not read, and the manifest
// says so in its Cuts, not only in a warning.
func TestCapsAreCuts(t *testing.T) {
	actions := make([]any, maxElements+1)
	for i := range actions {
		actions[i] = map[string]any{"action": "c2pa.edited"}
	}
	actions[maxElements] = map[string]any{"action": "c2pa.created", "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"}
	m := &testManifest{label: "urn:cut", claim: map[string]any{"claim_generator": "g"},
		assertions: [][]byte{cborAssertion("c2pa.actions", map[string]any{"actions": actions})}}
	st, err := Parse(storeOf(m.build(nil)))
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Manifests) != 1 || !strings.Contains(strings.Join(st.Manifests[0].Cuts, ","), "16384") {
		t.Fatalf("cuts %q", st.Manifests[0].Cuts)
	}
	small := &testManifest{label: "urn:ok", claim: map[string]any{"claim_generator": "g"},
		assertions: [][]byte{cborAssertion("c2pa.actions", map[string]any{"actions": actions[:3]})}}
	if st, err := Parse(storeOf(small.build(nil))); err != nil || len(st.Manifests[0].Cuts) != 0 {
		t.Fatalf("a manifest within the limits: cuts %q, err %v", st.Manifests[0].Cuts, err)
	}
}
