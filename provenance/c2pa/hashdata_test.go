package c2pa

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strings"
	"testing"

	"github.com/veraison/go-cose"
)

// assetWithStore lays out an asset: head, then the store (wrapped by wrap),
// then tail, and a signed manifest whose c2pa.hash.data excludes exactly
// the wrapped store (or the range excl returns, when set).
func assetWithStore(t *testing.T, p *pki, head, tail []byte, wrap func([]byte) []byte, excl func(start, n int) (int, int)) []byte {
	t.Helper()
	m, _ := p.signedManifest(t, "urn:c2pa:asset", cose.AlgorithmES256, nil, signOpts{})
	base := m.assertions
	build := func(start, n int) []byte {
		es, en := start, n
		if excl != nil {
			es, en = excl(start, n)
		}
		content := append(append([]byte{}, head...), tail...)
		if excl != nil { // the hash covers whatever the exclusion leaves
			full := append(append(append([]byte{}, head...), wrap(make([]byte, n-len(wrap(nil))))...), tail...)
			content = append(append([]byte{}, full[:es]...), full[es+en:]...)
		}
		m.assertions = append(slices.Clone(base), cborAssertion("c2pa.hash.data", map[string]any{
			"exclusions": []any{map[string]any{"start": uint64(es), "length": uint64(en)}},
			"alg":        "sha256", "name": "jumbf manifest", "hash": sha256Of(content),
		}))
		return wrap(storeOf(m.build(sha256Of)))
	}
	// Two passes: the store's size feeds its own exclusion.
	n := len(build(len(head), 4000))
	w := build(len(head), n)
	if len(w) != n {
		t.Fatalf("store size moved: %d then %d", n, len(w))
	}
	return append(append(append([]byte{}, head...), w...), tail...)
}

func validateAsset(t *testing.T, asset []byte) *Manifest {
	t.Helper()
	s, err := Parse(findStore(t, asset))
	if err != nil {
		t.Fatal(err)
	}
	Validate(s, Options{VerifyContent: true}, bytes.NewReader(asset), int64(len(asset)))
	return s.ActiveManifest()
}

// findStore returns the JUMBF of the test asset (its first jumb box).
func findStore(t *testing.T, asset []byte) []byte {
	i := bytes.Index(asset, []byte("jumb"))
	if i < 4 {
		t.Fatal("no store in asset")
	}
	n := binary.BigEndian.Uint32(asset[i-4:])
	return asset[i-4 : i-4+int(n)]
}

func TestDataHash(t *testing.T) {
	p := newPKI(t)
	head, tail := []byte("HEADER-BYTES-OF-A-MADE-UP-FORMAT"), bytes.Repeat([]byte("pixels"), 5000)
	asset := assetWithStore(t, p, head, tail, func(b []byte) []byte { return b }, nil)
	am := validateAsset(t, asset)
	wantCodes(t, am, StateValid, CodeSigningCredentialUntrusted)
	if !bytesContains(am.ValidationSuccess, CodeAssertionDataHashMatch) {
		t.Errorf("success %v", am.ValidationSuccess)
	}
	// One changed pixel.
	asset[len(asset)-3] ^= 1
	wantCodes(t, validateAsset(t, asset), StateInvalid, CodeAssertionDataHashMismatch, CodeSigningCredentialUntrusted)
	// Without VerifyContent the content is never read.
	s, _ := Parse(findStore(t, asset))
	Validate(s, Options{}, bytes.NewReader(asset), int64(len(asset)))
	wantCodes(t, s.ActiveManifest(), StateValid, CodeSigningCredentialUntrusted)
}

func bytesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// app11 wraps a store in one JPEG APP11 JUMBF segment.
func app11(store []byte) []byte {
	seg := []byte{0xFF, 0xEB, 0, 0, 'J', 'P', 0, 1, 0, 0, 0, 1}
	seg = append(seg, store...)
	binary.BigEndian.PutUint16(seg[2:], uint16(len(seg)-2))
	return seg
}

func TestDataHashJPEGExclusions(t *testing.T) {
	p := newPKI(t)
	head := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 6, 'J', 'F', 'I', 'F'}
	tail := append([]byte{0xFF, 0xDA, 0, 2}, append(bytes.Repeat([]byte{0x55}, 3000), 0xFF, 0xD9)...)
	asset := assetWithStore(t, p, head, tail, app11, nil)
	wantCodes(t, validateAsset(t, asset), StateValid, CodeSigningCredentialUntrusted)
	// An exclusion that also hides the JFIF segment (and the hash is made
	// to agree with it): refused, as the C2PA SDK does.
	asset = assetWithStore(t, p, head, tail, app11, func(start, n int) (int, int) { return 0, start + n })
	am := validateAsset(t, asset)
	wantCodes(t, am, StateInvalid, CodeAssertionDataHashMismatch, CodeSigningCredentialUntrusted)
	if !strings.Contains(strings.Join(am.Warnings, ";"), "not the manifest store") {
		t.Errorf("mismatch for another reason: %v", am.Warnings)
	}
	// In another format, an exclusion much larger than the store is refused too.
	asset = assetWithStore(t, p, bytes.Repeat([]byte("h"), 20000), tail, func(b []byte) []byte { return b }, func(start, n int) (int, int) { return 0, start + n })
	am = validateAsset(t, asset)
	wantCodes(t, am, StateInvalid, CodeAssertionDataHashMismatch, CodeSigningCredentialUntrusted)
	if !strings.Contains(strings.Join(am.Warnings, ";"), "exclusions cover") {
		t.Errorf("mismatch for another reason: %v", am.Warnings)
	}
}
