package c2pa

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"testing"
	"time"

	"github.com/veraison/go-cose"
)

// FuzzJUMBF feeds arbitrary bytes to the JUMBF box parser.
func FuzzJUMBF(f *testing.F) {
	f.Add(sampleStore())
	f.Add(box(BoxCBOR, []byte{0xA0}))
	f.Add([]byte{0, 0, 0, 1, 'j', 'u', 'm', 'b', 0, 0, 0, 0, 0, 0, 0, 20})
	f.Add(superbox(TypeCBOR, "x", box(BoxCBOR, nil)))
	f.Fuzz(func(t *testing.T, b []byte) {
		boxes, _ := ParseJUMBF(b)
		var walk func(bs []*Box, depth int)
		walk = func(bs []*Box, depth int) {
			for _, x := range bs {
				if x.Size < 8 || x.Offset < 0 || x.Offset+x.Size > int64(len(b)) || len(x.Payload()) > len(x.Raw()) {
					t.Fatalf("box out of bounds: %+v", x)
				}
				walk(x.Children, depth+1)
			}
		}
		walk(boxes, 0)
	})
}

// FuzzParse feeds arbitrary CBOR to the claim and assertion decoders, inside
// a well-formed store, and arbitrary bytes to Parse.
func FuzzParse(f *testing.F) {
	f.Add(mustCBOR(map[string]any{"actions": []any{map[string]any{"action": "c2pa.created", "digitalSourceType": dstTrained,
		"softwareAgent": map[string]any{"name": "n", "version": "1"}, "parameters": map[string]any{"a": []any{uint64(1), "b"}}}}}), false)
	f.Add(mustCBOR(map[string]any{"claim_generator": "g", "claim_generator_info": []any{map[string]any{"name": "x"}},
		"assertions": []any{map[string]any{"url": "self#jumbf=c2pa.assertions/c2pa.actions", "hash": []byte{1}}}}), true)
	f.Add([]byte{0x9F, 0x9F, 0xFF, 0xFF}, true)
	f.Add(sampleStore(), false)
	f.Fuzz(func(t *testing.T, data []byte, asClaim bool) {
		// Arbitrary bytes as a whole store.
		if s, _ := Parse(data); s != nil {
			if _, err := json.Marshal(s); err != nil {
				t.Fatal(err)
			}
			checkDerivations(t, s)
			for _, m := range s.Manifests {
				if _, th := m.Thumbnail(); len(th) > MaxThumbnail || len(th) > len(data) {
					t.Fatalf("thumbnail of %d bytes", len(th))
				}
			}
		}
		// Arbitrary CBOR as a claim, or as each interpreted assertion.
		var mb []byte
		if asClaim {
			mb = superbox(TypeManifest, "urn:m", superbox(TypeClaim, LabelClaimV2, box(BoxCBOR, data)),
				superbox(TypeAssertionStore, LabelAssertionStore))
		} else {
			var as [][]byte
			for _, l := range []string{"c2pa.actions", "c2pa.actions.v2__1", "c2pa.ingredient.v3", "c2pa.ingredient",
				"c2pa.training-mining", "cawg.training-mining", "stds.iptc"} {
				as = append(as, superbox(TypeCBOR, l, box(BoxCBOR, data)))
			}
			as = append(as, superbox(TypeJSON, "stds.iptc.photo-metadata", box(BoxJSON, data)))
			m := &testManifest{label: "urn:m", claim: map[string]any{"claim_generator": "g"}, assertions: as}
			mb = m.build(nil)
		}
		s, err := Parse(storeOf(mb))
		if err != nil || len(s.Manifests) != 1 {
			t.Fatalf("well-formed JUMBF rejected: %v", err)
		}
		if _, err := json.Marshal(s); err != nil {
			t.Fatal(err)
		}
		checkDerivations(t, s)
	})
}

// checkDerivations follows a store's derivation chain: it must end, name
// only manifests of the store other than the active one, and cross only
// actions that add no content.
func checkDerivations(t *testing.T, s *Store) {
	for label, via := range s.Derivations() {
		if s.Manifest(label) == nil || label == s.ActiveManifest().Label {
			t.Fatalf("derivation names %q, not an ingredient manifest of the store", label)
		}
		for _, a := range via {
			if !ContentPreserving(a) {
				t.Fatalf("derivation crosses %q", a)
			}
		}
	}
}

// FuzzCOSE feeds arbitrary bytes to the claim-signature decoder and
// verifier, and to the RFC 3161 token parser.
func FuzzCOSE(f *testing.F) {
	p := newPKI(f)
	key := keyFor(f, cose.AlgorithmES256)
	leaf := newLeaf(f, p.inter, p.interKey, key.Public(), nil)
	claim := mustCBOR(map[string]any{"claim_generator": "g"})
	f.Add(coseSigner(f, cose.AlgorithmES256, key, []*x509.Certificate{leaf, p.inter}, signOpts{})(claim))
	tsa := p.newTSA(f)
	f.Add(coseSigner(f, cose.AlgorithmES256, key, []*x509.Certificate{leaf}, signOpts{unprotectedChain: true, tsa: tsa, tstAt: time.Now()})(claim))
	f.Add(coseSigner(f, cose.AlgorithmES256, key, []*x509.Certificate{leaf}, signOpts{tsa: tsa, tstAt: time.Now(), tstV2: true})(claim))
	f.Add(tsa.token(f, time.Now(), claim))
	f.Add([]byte{0xD2, 0x84, 0x40, 0xA0, 0xF6, 0x40})
	f.Fuzz(func(t *testing.T, b []byte) {
		sig, err := ParseCOSE(b)
		if err == nil {
			if len(sig.Chain) == 0 {
				t.Fatal("no chain without error")
			}
			_ = sig.Verify(claim)
			_ = CheckProfile(sig.Chain[0])
			for _, tok := range sig.Timestamps {
				if ts, err := ParseTimestamp(tok); err == nil {
					_, _ = ts.VerifySignature()
				}
			}
		}
		if ts, err := ParseTimestamp(b); err == nil {
			_ = ts.CheckImprint(claim)
			_, _ = ts.VerifySignature()
		}
		// Through the validator, as a signature box of a store.
		m := &testManifest{label: "urn:f", claim: map[string]any{"claim_generator": "g", "dc:format": "x", "instanceID": "i"}, signature: b}
		s, err := Parse(storeOf(m.build(sha256Of)))
		if err != nil {
			t.Fatal(err)
		}
		Validate(s, Options{}, nil, 0)
		if s.ActiveManifest().ValidationState == "" {
			t.Fatal("no state")
		}
	})
}

// FuzzHardBinding feeds arbitrary content to the hard-binding checks (data
// hash exclusions, the BMFF box walker, the JPEG box map) of a fixed store.
func FuzzHardBinding(f *testing.F) {
	p := newPKI(f)
	m, _ := p.signedManifest(f, "urn:c2pa:hb", cose.AlgorithmES256, nil, signOpts{})
	m.assertions = append(m.assertions,
		cborAssertion("c2pa.hash.data", map[string]any{"exclusions": []any{map[string]any{"start": uint64(2), "length": uint64(10)}}, "hash": make([]byte, 32)}),
		cborAssertion("c2pa.hash.bmff.v2", map[string]any{"exclusions": []any{
			map[string]any{"xpath": "/uuid", "data": []any{map[string]any{"offset": uint64(8), "value": c2paUUIDBox}}},
			map[string]any{"xpath": "/moov/trak", "subset": []any{map[string]any{"offset": uint64(4), "length": uint64(0)}}},
			map[string]any{"xpath": "/meta", "version": uint64(0), "flags": []byte{0, 0, 1}, "exact": false},
		}, "hash": make([]byte, 32)}),
		cborAssertion("c2pa.hash.boxes", map[string]any{"boxes": []any{map[string]any{"names": []any{"SOI", "APP0"}, "hash": make([]byte, 32)}}}))
	store, err := Parse(storeOf(m.build(sha256Of)))
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xDA, 0, 2, 1, 0xFF, 0, 0xFF, 0xD9})
	f.Add(bmffBoxBytes("moov", bmffBoxBytes("trak", make([]byte, 20)), bmffBoxBytes("meta", make([]byte, 12))))
	f.Add(append(bmffBoxBytes("uuid", c2paUUIDBox), 0, 0, 0, 1, 'm', 'd', 'a', 't', 0, 0, 0, 0, 0, 0, 0, 16))
	f.Fuzz(func(t *testing.T, content []byte) {
		s := *store
		s.Manifests = append([]*Manifest(nil), store.Manifests...)
		for i := range s.Manifests {
			c := *s.Manifests[i]
			s.Manifests[i] = &c
		}
		Validate(&s, Options{VerifyContent: true}, bytes.NewReader(content), int64(len(content)))
		if s.ValidationState != StateInvalid {
			t.Fatalf("zero hashes matched: %v", s.ActiveManifest().ValidationSuccess)
		}
	})
}
