package c2pa

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// manyRefsStore is a manifest whose claim lists refs hashed URIs (in each
// of its three lists) to one assertion of size bytes, as in issue 12.
func manyRefsStore(t testing.TB, refs, size int) (store []byte, payload int) {
	big := cborAssertion("big.data", map[string]any{"blob": bytes.Repeat([]byte{7}, size)})
	bs, err := ParseJUMBF(big)
	if err != nil {
		t.Fatal(err)
	}
	ref := map[string]any{"url": "self#jumbf=c2pa.assertions/big.data", "alg": "sha256", "hash": sha256Of(bs[0].Payload())}
	list := make([]any, refs)
	for i := range list {
		list[i] = ref
	}
	claim := map[string]any{"claim_generator": "g", "dc:format": "image/jpeg", "instanceID": "i", "signature": "self#jumbf=" + LabelSignature,
		"assertions": list, "created_assertions": list, "gathered_assertions": list}
	m := superbox(TypeManifest, "urn:many",
		superbox(TypeAssertionStore, LabelAssertionStore, big),
		superbox(TypeClaim, LabelClaimV1, box(BoxCBOR, mustCBOR(claim))))
	return storeOf(m), len(bs[0].Payload())
}

// spendLimit is content whose budget allows left bytes.
type spendLimit struct {
	bytes.Reader
	left int64
}

func (s *spendLimit) Spend(n int64) error {
	if s.left -= n; s.left < 0 {
		return errors.New("over the per-file budget")
	}
	return nil
}

// TestHashedURIsHashedOnce: 12,288 hashed URIs naming one 8 MiB assertion
// hash its bytes once (96 GiB before the memo); a cancelled context or a
// spent budget stops the hashing, and the manifest says it was cut.
func TestHashedURIsHashedOnce(t *testing.T) {
	raw, payload := manyRefsStore(t, maxAssertions, 8<<20)
	parse := func() *Store {
		st, err := Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	st := parse()
	Validate(st, Options{}, nil, 0)
	m := st.Manifests[0]
	if len(m.refs) != 3*maxAssertions || st.hashed != int64(payload) {
		t.Fatalf("%d refs: hashed %d bytes, want %d (once)", len(m.refs), st.hashed, payload)
	}
	if !slices.Contains(m.ValidationSuccess, CodeAssertionHashedURIMatch) || len(m.Cuts) > 0 {
		t.Fatalf("success %v, status %v, cuts %v", m.ValidationSuccess, m.ValidationStatus, m.Cuts)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	st = parse()
	Validate(st, Options{Context: ctx}, nil, 0)
	if st.hashed != 0 || !strings.Contains(strings.Join(st.Manifests[0].Cuts, ","), "context canceled") {
		t.Errorf("cancelled: hashed %d bytes, cuts %v", st.hashed, st.Manifests[0].Cuts)
	}

	st = parse()
	content := &spendLimit{left: 3 << 20}
	Validate(st, Options{}, content, 0)
	if st.hashed > 3<<20 || !strings.Contains(strings.Join(st.Manifests[0].Cuts, ","), "over the per-file budget") {
		t.Errorf("budget of 3 MiB: hashed %d bytes, cuts %v", st.hashed, st.Manifests[0].Cuts)
	}
}
