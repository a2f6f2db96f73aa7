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

func TestBoxesHashJPEG(t *testing.T) {
	p := newPKI(t)
	soi := []byte{0xFF, 0xD8}
	app0 := []byte{0xFF, 0xE0, 0, 6, 'J', 'F', 'I', 'F'}
	dqt := []byte{0xFF, 0xDB, 0, 4, 1, 2}
	sos := append([]byte{0xFF, 0xDA, 0, 3, 9}, bytes.Repeat([]byte{0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD3}, 500)...)
	eoi := []byte{0xFF, 0xD9}
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	build := func(sosPart []byte, extra []byte) []byte {
		m, _ := p.signedManifest(t, "urn:c2pa:boxes", cose.AlgorithmES256, nil, signOpts{})
		m.assertions = append(m.assertions, cborAssertion("c2pa.hash.boxes", map[string]any{
			"alg": "sha256",
			"boxes": []any{
				map[string]any{"names": []any{"SOI", "APP0"}, "hash": sha256Of(cat(soi, app0)), "pad": []byte{}},
				map[string]any{"names": []any{"C2PA"}, "hash": []byte{0}, "pad": []byte{}},
				map[string]any{"names": []any{"DQT", "SOS"}, "hash": sha256Of(cat(dqt, sos)), "pad": []byte{}},
				map[string]any{"names": []any{"EOI"}, "hash": sha256Of(eoi), "pad": []byte{}},
			},
		}))
		return cat(soi, app0, app11(storeOf(m.build(sha256Of))), extra, dqt, sosPart, eoi)
	}
	am := validateAsset(t, build(sos, nil))
	wantCodes(t, am, StateValid, CodeSigningCredentialUntrusted)
	if !bytesContains(am.ValidationSuccess, CodeAssertionBoxesHashMatch) {
		t.Errorf("success %v warnings %v", am.ValidationSuccess, am.Warnings)
	}
	edited := bytes.Clone(sos)
	edited[len(edited)-3] ^= 0x10
	wantCodes(t, validateAsset(t, build(edited, nil)), StateInvalid, CodeAssertionBoxesHashMismatch, CodeSigningCredentialUntrusted)
	// A segment inserted after signing: the box list no longer lines up.
	wantCodes(t, validateAsset(t, build(sos, []byte{0xFF, 0xFE, 0, 4, 'h', 'i'})), StateInvalid, CodeAssertionBoxesHashUnknown, CodeSigningCredentialUntrusted)
	// A boxes hash in a format with no box map (a Matroska attachment, say):
	// the binding is not checked, and that is a cut, never a pass.
	m, _ := p.signedManifest(t, "urn:c2pa:boxes-other", cose.AlgorithmES256, nil, signOpts{})
	m.assertions = append(m.assertions, cborAssertion("c2pa.hash.boxes", map[string]any{
		"alg": "sha256", "boxes": []any{map[string]any{"names": []any{"EBML"}, "hash": make([]byte, 32)}},
	}))
	am = validateAsset(t, cat([]byte("\x1a\x45\xdf\xa3 not a JPEG "), storeOf(m.build(sha256Of))))
	if !strings.Contains(strings.Join(am.Cuts, ";"), "hard binding was not checked") {
		t.Errorf("unchecked boxes hash: cuts %v, warnings %v", am.Cuts, am.Warnings)
	}
}

// bmffBoxBytes builds an ISO BMFF box.
func bmffBoxBytes(typ string, payload ...[]byte) []byte {
	p := bytes.Join(payload, nil)
	b := make([]byte, 8, 8+len(p))
	binary.BigEndian.PutUint32(b, uint32(8+len(p)))
	copy(b[4:], typ)
	return append(b, p...)
}

var c2paUUIDBox = []byte{0xD8, 0xFE, 0xC3, 0xD6, 0x1B, 0x0E, 0x48, 0x3C, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7E, 0xC4, 0x81}

func TestBMFFHash(t *testing.T) {
	p := newPKI(t)
	ftyp := bmffBoxBytes("ftyp", []byte("isom\x00\x00\x02\x00isomiso2"))
	moov := bmffBoxBytes("moov", bmffBoxBytes("mvhd", make([]byte, 100)), bmffBoxBytes("trak", bmffBoxBytes("tkhd", make([]byte, 84))))
	mdat := bmffBoxBytes("mdat", bytes.Repeat([]byte("frame-data"), 2000))
	for _, label := range []string{"c2pa.hash.bmff", "c2pa.hash.bmff.v2", "c2pa.hash.bmff.v3"} {
		t.Run(label, func(t *testing.T) {
			m, _ := p.signedManifest(t, "urn:c2pa:bmff", cose.AlgorithmES256, nil, signOpts{})
			base := m.assertions
			build := func(hash []byte, mdat []byte) []byte {
				m.assertions = append(slices.Clone(base), cborAssertion(label, map[string]any{
					"exclusions": []any{
						map[string]any{"xpath": "/uuid", "data": []any{map[string]any{"offset": uint64(8), "value": c2paUUIDBox}}},
						map[string]any{"xpath": "/ftyp"},
						map[string]any{"xpath": "/mfra"},
					},
					"alg": "sha256", "hash": hash, "name": "jumbf manifest",
				}))
				uuid := bmffBoxBytes("uuid", c2paUUIDBox, []byte{0, 0, 0, 0}, []byte("manifest\x00"), make([]byte, 8), storeOf(m.build(sha256Of)))
				return bytes.Join([][]byte{ftyp, uuid, moov, mdat}, nil)
			}
			layout := build(make([]byte, 32), mdat)
			moovAt := int64(bytes.Index(layout, moov))
			mdatAt := moovAt + int64(len(moov))
			// The expected hash, computed here by the rule: from v2 on, the
			// offset of each hashed top-level box precedes its bytes.
			var stream []byte
			off := func(n int64) []byte { b := make([]byte, 8); binary.BigEndian.PutUint64(b, uint64(n)); return b }
			if label != "c2pa.hash.bmff" {
				stream = append(stream, off(moovAt)...)
			}
			stream = append(stream, moov...)
			if label != "c2pa.hash.bmff" {
				stream = append(stream, off(mdatAt)...)
			}
			stream = append(stream, mdat...)
			asset := build(sha256Of(stream), mdat)
			if len(asset) != len(layout) {
				t.Fatal("layout moved")
			}
			am := validateAsset(t, asset)
			wantCodes(t, am, StateValid, CodeSigningCredentialUntrusted)
			if !bytesContains(am.ValidationSuccess, CodeAssertionBMFFHashMatch) {
				t.Errorf("success %v warnings %v", am.ValidationSuccess, am.Warnings)
			}
			edited := bytes.Clone(mdat)
			edited[100] ^= 1
			wantCodes(t, validateAsset(t, build(sha256Of(stream), edited)), StateInvalid, CodeAssertionBMFFHashMismatch, CodeSigningCredentialUntrusted)
		})
	}
}
