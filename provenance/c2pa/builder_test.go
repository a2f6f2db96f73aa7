package c2pa

import (
	"encoding/binary"
	"encoding/json"

	"github.com/fxamacker/cbor/v2"
)

// Test builders for JUMBF boxes and C2PA stores.

func box(typ string, payload []byte) []byte {
	b := make([]byte, 8, 8+len(payload))
	binary.BigEndian.PutUint32(b, uint32(8+len(payload)))
	copy(b[4:], typ)
	return append(b, payload...)
}

func jumd(t UUID, label string) []byte {
	p := append([]byte{}, t[:]...)
	toggles := byte(toggleRequestable)
	if label != "" {
		toggles |= toggleLabel
	}
	p = append(p, toggles)
	if label != "" {
		p = append(p, label...)
		p = append(p, 0)
	}
	return box(BoxDescription, p)
}

func superbox(t UUID, label string, children ...[]byte) []byte {
	p := jumd(t, label)
	for _, c := range children {
		p = append(p, c...)
	}
	return box(BoxSuperbox, p)
}

func mustCBOR(v any) []byte {
	em, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(err)
	}
	b, err := em.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func cborAssertion(label string, v any) []byte {
	return superbox(TypeCBOR, label, box(BoxCBOR, mustCBOR(v)))
}

func jsonAssertion(label string, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return superbox(TypeJSON, label, box(BoxJSON, b))
}

// testManifest is a manifest under construction: its assertions and claim.
type testManifest struct {
	label      string
	update     bool
	claimV2    bool
	claim      map[string]any
	assertions [][]byte // assertion superboxes
	signature  []byte   // COSE_Sign1 bytes, if any
	// sign, when set, makes the signature from the claim's CBOR bytes.
	sign func(claim []byte) []byte
	// tamperClaim, when set, edits the claim bytes after signing.
	tamperClaim func(claim []byte) []byte
}

// build returns the manifest superbox. The claim lists hashed URIs of the
// assertions (hash computed by hashFn when given).
func (m *testManifest) build(hashFn func(box []byte) []byte) []byte {
	claim := map[string]any{}
	for k, v := range m.claim {
		claim[k] = v
	}
	var refs []any
	for _, a := range m.assertions {
		bs, _ := ParseJUMBF(a)
		ref := map[string]any{"url": "self#jumbf=c2pa.assertions/" + bs[0].Label()}
		if hashFn != nil {
			ref["hash"] = hashFn(bs[0].Payload())
		} else {
			ref["hash"] = []byte{0}
		}
		refs = append(refs, ref)
	}
	claimLabel := LabelClaimV1
	if m.claimV2 {
		claimLabel = LabelClaimV2
		claim["created_assertions"] = refs
	} else {
		claim["assertions"] = refs
	}
	claim["signature"] = "self#jumbf=" + LabelSignature
	claimBytes := mustCBOR(claim)
	if m.sign != nil {
		m.signature = m.sign(claimBytes)
	}
	if m.tamperClaim != nil {
		claimBytes = m.tamperClaim(claimBytes)
	}
	var kids [][]byte
	kids = append(kids, superbox(TypeAssertionStore, LabelAssertionStore, m.assertions...))
	kids = append(kids, superbox(TypeClaim, claimLabel, box(BoxCBOR, claimBytes)))
	if m.signature != nil {
		kids = append(kids, superbox(TypeSignature, LabelSignature, box(BoxCBOR, m.signature)))
	}
	t := TypeManifest
	if m.update {
		t = TypeUpdateManifest
	}
	return superbox(t, m.label, kids...)
}

func storeOf(manifests ...[]byte) []byte {
	return superbox(TypeManifestStore, LabelStore, manifests...)
}
