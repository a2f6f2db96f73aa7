package c2pa

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/veraison/go-cose"
)

// A test PKI made in the test: a root CA, an intermediate CA and leaves.

var serial int64 = 100

func nextSerial() *big.Int { serial++; return big.NewInt(serial) }

func newCA(t testing.TB, name string, parent *x509.Certificate, parentKey crypto.Signer) (*x509.Certificate, crypto.Signer) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          nextSerial(),
		Subject:               pkix.Name{Organization: []string{"provscan test"}, CommonName: name},
		NotBefore:             time.Now().Add(-10 * 365 * 24 * time.Hour),
		NotAfter:              time.Now().Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c, key
}

// newLeaf issues a claim-signing certificate for key; mod may edit the template.
func newLeaf(t testing.TB, ca *x509.Certificate, caKey crypto.Signer, pub crypto.PublicKey, mod func(*x509.Certificate)) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber:          nextSerial(),
		Subject:               pkix.Name{Organization: []string{"Example Studio"}, CommonName: "Example Signer"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		UnknownExtKeyUsage:    []asn1.ObjectIdentifier{oidEKUDocumentSigning},
		BasicConstraintsValid: true,
	}
	if mod != nil {
		mod(tmpl)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, pub, caKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// testKeys holds one key per COSE algorithm (RSA generated once: it is slow).
var (
	keysOnce sync.Once
	rsaKey   *rsa.PrivateKey
)

func keyFor(t testing.TB, alg cose.Algorithm) crypto.Signer {
	t.Helper()
	var k crypto.Signer
	var err error
	switch alg {
	case cose.AlgorithmES256:
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case cose.AlgorithmES384:
		k, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case cose.AlgorithmES512:
		k, err = ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	case cose.AlgorithmPS256, cose.AlgorithmPS384, cose.AlgorithmPS512:
		keysOnce.Do(func() { rsaKey, err = rsa.GenerateKey(rand.Reader, 2048) })
		k = rsaKey
	case cose.AlgorithmEdDSA:
		_, k, err = ed25519.GenerateKey(rand.Reader)
	}
	if err != nil || k == nil {
		t.Fatalf("key for %v: %v", alg, err)
	}
	return k
}

// signOpts shapes a test signature.
type signOpts struct {
	unprotectedChain bool // put x5chain in the unprotected header
	tsa              *testTSA
	tstAt            time.Time // with tsa: a time-stamp at this time
	tstV2            bool      // sigTst2 (over the signature) instead of sigTst (over the claim)
	tstRaw           []byte    // a raw sigTst token instead
	wrongKey         crypto.Signer
}

// coseSigner returns a sign function for testManifest: a COSE_Sign1 over the
// claim bytes with a detached payload.
func coseSigner(t testing.TB, alg cose.Algorithm, key crypto.Signer, chain []*x509.Certificate, o signOpts) func([]byte) []byte {
	return func(claim []byte) []byte {
		k := key
		if o.wrongKey != nil {
			k = o.wrongKey
		}
		signer, err := cose.NewSigner(alg, k)
		if err != nil {
			t.Fatal(err)
		}
		msg := cose.NewSign1Message()
		msg.Headers.Protected.SetAlgorithm(alg)
		var x5 any
		if len(chain) == 1 {
			x5 = chain[0].Raw
		} else {
			var ders []any
			for _, c := range chain {
				ders = append(ders, c.Raw)
			}
			x5 = ders
		}
		if o.unprotectedChain {
			msg.Headers.Unprotected[cose.HeaderLabelX5Chain] = x5
		} else {
			msg.Headers.Protected[cose.HeaderLabelX5Chain] = x5
		}
		if o.tstRaw != nil {
			msg.Headers.Unprotected["sigTst"] = map[string]any{"tstTokens": []any{map[string]any{"val": o.tstRaw}}}
		}
		wrapped, err := msg.Headers.MarshalProtected() // a CBOR byte string holding the header map
		if err != nil {
			t.Fatal(err)
		}
		var prot []byte
		if err := decMode.Unmarshal(wrapped, &prot); err != nil {
			t.Fatal(err)
		}
		if o.tsa != nil && !o.tstV2 {
			tbs := mustCBOR([]any{"CounterSignature", prot, []byte{}, claim})
			msg.Headers.Unprotected["sigTst"] = map[string]any{"tstTokens": []any{map[string]any{"val": o.tsa.token(t, o.tstAt, tbs)}}}
		}
		msg.Payload = claim
		if err := msg.Sign(rand.Reader, nil, signer); err != nil {
			t.Fatal(err)
		}
		if o.tsa != nil && o.tstV2 {
			tbs := mustCBOR([]any{"CounterSignature", prot, []byte{}, mustCBOR(msg.Signature)})
			msg.Headers.Unprotected["sigTst2"] = map[string]any{"tstTokens": []any{map[string]any{"val": o.tsa.token(t, o.tstAt, tbs)}}}
		}
		msg.Payload = nil
		b, err := msg.MarshalCBOR()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
}

// testTSA is a time-stamp authority of the test PKI.
type testTSA struct {
	cert  *x509.Certificate
	key   *ecdsa.PrivateKey
	chain []byte // the certificates the token carries: the TSA's, then its issuer's
}

func (p *pki) newTSA(t testing.TB) *testTSA {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cert := newLeaf(t, p.inter, p.interKey, key.Public(), func(c *x509.Certificate) {
		c.Subject.CommonName = "Test TSA"
		c.NotBefore = time.Now().Add(-30 * 24 * time.Hour)
		c.ExtKeyUsage, c.UnknownExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}, nil
	})
	return &testTSA{cert, key, append(bytes.Clone(cert.Raw), p.inter.Raw...)}
}

// token builds an RFC 3161 TimeStampToken (CMS SignedData with signed
// attributes) over data at time at.
func (a *testTSA) token(t testing.TB, at time.Time, data []byte) []byte {
	t.Helper()
	must := func(b []byte, err error) []byte {
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	type imprint struct {
		Alg    asnAlgorithmIdentifier
		Digest []byte
	}
	type tstInfo struct {
		Version int
		Policy  asn1.ObjectIdentifier
		Imprint imprint
		Serial  *big.Int
		GenTime time.Time `asn1:"generalized"`
	}
	sha := asnAlgorithmIdentifier{Algorithm: oidSHA256}
	info := must(asn1.Marshal(tstInfo{1, asn1.ObjectIdentifier{1, 2, 3}, imprint{sha, sha256Of(data)}, big.NewInt(7), at.UTC()}))
	type attr struct {
		Type   asn1.ObjectIdentifier
		Values asn1.RawValue
	}
	set := func(b ...[]byte) asn1.RawValue {
		return asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: bytes.Join(b, nil)}
	}
	ctx := func(tag int, b []byte) asn1.RawValue {
		return asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: tag, IsCompound: true, Bytes: b}
	}
	attrs := bytes.Join([][]byte{
		must(asn1.Marshal(attr{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}, set(must(asn1.Marshal(oidTSTInfo)))})),
		must(asn1.Marshal(attr{oidMessageDigest, set(must(asn1.Marshal(sha256Of(info))))})),
	}, nil)
	signedAttrs := must(asn1.Marshal(set(attrs)))
	sig := must(ecdsa.SignASN1(rand.Reader, a.key, sha256Of(signedAttrs)))
	type issuerSerial struct {
		Issuer asn1.RawValue
		Serial *big.Int
	}
	type signerInfo struct {
		Version     int
		SID         issuerSerial
		DigestAlg   asnAlgorithmIdentifier
		SignedAttrs asn1.RawValue
		SigAlg      asnAlgorithmIdentifier
		Signature   []byte
	}
	si := must(asn1.Marshal(signerInfo{1, issuerSerial{asn1.RawValue{FullBytes: a.cert.RawIssuer}, a.cert.SerialNumber},
		sha, ctx(0, attrs), asnAlgorithmIdentifier{Algorithm: oidECDSASHA256}, sig}))
	type encap struct {
		Type    asn1.ObjectIdentifier
		Content asn1.RawValue
	}
	type signedData struct {
		Version    int
		DigestAlgs asn1.RawValue
		Encap      encap
		Certs      asn1.RawValue
		Signers    asn1.RawValue
	}
	sd := must(asn1.Marshal(signedData{3, set(must(asn1.Marshal(sha))), encap{oidTSTInfo, ctx(0, must(asn1.Marshal(info)))},
		ctx(0, a.chain), set(si)}))
	return must(asn1.Marshal(struct {
		Type    asn1.ObjectIdentifier
		Content asn1.RawValue
	}{oidSignedData, ctx(0, sd)}))
}

func sha256Of(b []byte) []byte { h := sha256.Sum256(b); return h[:] }

// pki is a root, an intermediate and a leaf signing key/certificate.
type pki struct {
	root, inter       *x509.Certificate
	rootKey, interKey crypto.Signer
}

func newPKI(t testing.TB) *pki {
	p := &pki{}
	p.root, p.rootKey = newCA(t, "Test Root", nil, nil)
	p.inter, p.interKey = newCA(t, "Test Intermediate", p.root, p.rootKey)
	return p
}

func (p *pki) pool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(p.root)
	return pool
}

// signedManifest returns a signed manifest with an actions assertion.
func (p *pki) signedManifest(t testing.TB, label string, alg cose.Algorithm, mod func(*x509.Certificate), o signOpts) (*testManifest, *x509.Certificate) {
	key := keyFor(t, alg)
	leaf := newLeaf(t, p.inter, p.interKey, key.Public(), mod)
	m := &testManifest{
		label: label,
		claim: map[string]any{"claim_generator": "provscan-test/1.0", "dc:format": "image/jpeg", "instanceID": "xmp:iid:" + label, "alg": "sha256"},
		assertions: [][]byte{
			cborAssertion("c2pa.actions", map[string]any{"actions": []any{map[string]any{"action": "c2pa.created", "digitalSourceType": dstTrained}}}),
		},
	}
	m.sign = coseSigner(t, alg, key, []*x509.Certificate{leaf, p.inter}, o)
	return m, leaf
}

func validateStore(t testing.TB, b []byte, opts Options) *Store {
	t.Helper()
	s, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	Validate(s, opts, nil, 0)
	return s
}

func wantCodes(t testing.TB, m *Manifest, state string, codes ...string) {
	t.Helper()
	got := slices.Clone(m.ValidationStatus)
	slices.Sort(got)
	want := slices.Clone(codes)
	slices.Sort(want)
	if m.ValidationState != state || !slices.Equal(got, want) {
		t.Errorf("%s: state %s status %v (success %v, warnings %v); want %s %v", m.Label, m.ValidationState, m.ValidationStatus, m.ValidationSuccess, m.Warnings, state, want)
	}
}

func TestSignAlgorithms(t *testing.T) {
	p := newPKI(t)
	for _, alg := range []cose.Algorithm{cose.AlgorithmES256, cose.AlgorithmES384, cose.AlgorithmES512,
		cose.AlgorithmPS256, cose.AlgorithmPS384, cose.AlgorithmPS512, cose.AlgorithmEdDSA} {
		t.Run(alg.String(), func(t *testing.T) {
			m, _ := p.signedManifest(t, "urn:c2pa:"+alg.String(), alg, nil, signOpts{})
			b := storeOf(m.build(sha256Of))
			s := validateStore(t, b, Options{})
			am := s.ActiveManifest()
			wantCodes(t, am, StateValid, CodeSigningCredentialUntrusted)
			if s.ValidationState != StateValid || !slices.Contains(am.ValidationSuccess, CodeClaimSignatureValidated) {
				t.Errorf("store %s, success %v", s.ValidationState, am.ValidationSuccess)
			}
			if am.Signer == nil || am.Signer.Organization != "Example Studio" || am.Signer.CommonName != "Example Signer" || am.Signer.Algorithm != alg.String() {
				t.Errorf("signer %+v", am.Signer)
			}
			// The same store with the root as trust anchor is Trusted.
			s = validateStore(t, b, Options{TrustAnchors: p.pool()})
			wantCodes(t, s.ActiveManifest(), StateTrusted)
			if s.ValidationState != StateTrusted || !slices.Contains(s.ActiveManifest().ValidationSuccess, CodeSigningCredentialTrusted) {
				t.Errorf("trusted: store %s, %v", s.ValidationState, s.ActiveManifest().ValidationSuccess)
			}
		})
	}
}

func TestSignUnprotectedChainAndAllowedList(t *testing.T) {
	p := newPKI(t)
	m, leaf := p.signedManifest(t, "urn:c2pa:unprot", cose.AlgorithmES256, nil, signOpts{unprotectedChain: true})
	b := storeOf(m.build(sha256Of))
	wantCodes(t, validateStore(t, b, Options{}).ActiveManifest(), StateValid, CodeSigningCredentialUntrusted)
	// Trusted by the allowed list, without anchors.
	wantCodes(t, validateStore(t, b, Options{Allowed: [][]byte{leaf.Raw}}).ActiveManifest(), StateTrusted)
}

func TestSignUntrustedChain(t *testing.T) {
	p, other := newPKI(t), newPKI(t)
	m, _ := p.signedManifest(t, "urn:c2pa:untrusted", cose.AlgorithmES256, nil, signOpts{})
	s := validateStore(t, storeOf(m.build(sha256Of)), Options{TrustAnchors: other.pool()})
	wantCodes(t, s.ActiveManifest(), StateValid, CodeSigningCredentialUntrusted)
	if s.ValidationState != StateValid {
		t.Errorf("store %s", s.ValidationState)
	}
}

func TestTamperedAssertion(t *testing.T) {
	p := newPKI(t)
	m, _ := p.signedManifest(t, "urn:c2pa:tamper-a", cose.AlgorithmES256, nil, signOpts{})
	b := storeOf(m.build(sha256Of))
	// digitalSourceType trainedAlgorithmicMedia -> trainedAlgorithmicMediX inside the signed store.
	i := bytes.Index(b, []byte("trainedAlgorithmicMedia"))
	b[i+len("trainedAlgorithmicMedi")] = 'X'
	s := validateStore(t, b, Options{})
	wantCodes(t, s.ActiveManifest(), StateInvalid, CodeAssertionHashedURIMismatch, CodeSigningCredentialUntrusted)
	if s.ValidationState != StateInvalid {
		t.Errorf("store %s", s.ValidationState)
	}
}

func TestTamperedClaim(t *testing.T) {
	p := newPKI(t)
	m, _ := p.signedManifest(t, "urn:c2pa:tamper-c", cose.AlgorithmPS256, nil, signOpts{})
	m.tamperClaim = func(c []byte) []byte {
		c = bytes.Clone(c)
		i := bytes.Index(c, []byte("provscan-test"))
		c[i] = 'P'
		return c
	}
	s := validateStore(t, storeOf(m.build(sha256Of)), Options{})
	wantCodes(t, s.ActiveManifest(), StateInvalid, CodeClaimSignatureMismatch, CodeSigningCredentialUntrusted)
	if s.ActiveManifest().ClaimGenerator != "Provscan-test/1.0" {
		t.Errorf("claim not tampered: %q", s.ActiveManifest().ClaimGenerator)
	}
}

func TestWrongSignature(t *testing.T) {
	p := newPKI(t)
	m, _ := p.signedManifest(t, "urn:c2pa:wrong", cose.AlgorithmES256, nil, signOpts{wrongKey: keyFor(t, cose.AlgorithmES256)})
	s := validateStore(t, storeOf(m.build(sha256Of)), Options{})
	wantCodes(t, s.ActiveManifest(), StateInvalid, CodeClaimSignatureMismatch, CodeSigningCredentialUntrusted)
	if s.ActiveManifest().SigningTime != nil {
		t.Error("a bad signature has no signing time")
	}
}

func TestExpiredCertificate(t *testing.T) {
	p := newPKI(t)
	tsa := p.newTSA(t)
	expired := func(c *x509.Certificate) {
		c.NotBefore = time.Now().Add(-48 * time.Hour)
		c.NotAfter = time.Now().Add(-24 * time.Hour)
	}
	m, _ := p.signedManifest(t, "urn:c2pa:expired", cose.AlgorithmES256, expired, signOpts{})
	s := validateStore(t, storeOf(m.build(sha256Of)), Options{})
	wantCodes(t, s.ActiveManifest(), StateInvalid, CodeSigningCredentialExpired, CodeSigningCredentialUntrusted)

	// Signed while the certificate was valid, as a time-stamp shows: Valid.
	at := time.Now().Add(-36 * time.Hour).Truncate(time.Second)
	m, _ = p.signedManifest(t, "urn:c2pa:expired-tst", cose.AlgorithmES256, expired, signOpts{tsa: tsa, tstAt: at})
	s = validateStore(t, storeOf(m.build(sha256Of)), Options{})
	am := s.ActiveManifest()
	wantCodes(t, am, StateValid, CodeSigningCredentialUntrusted)
	if am.SigningTime == nil || !am.SigningTime.Equal(at) || !slices.Contains(am.ValidationSuccess, CodeTimeStampValidated) {
		t.Errorf("signing time %v, want %v; success %v", am.SigningTime, at, am.ValidationSuccess)
	}
	// With the TSA's root as anchor the time-stamp is trusted.
	s = validateStore(t, storeOf(m.build(sha256Of)), Options{TrustAnchors: p.pool()})
	if am := s.ActiveManifest(); !slices.Contains(am.ValidationSuccess, CodeTimeStampTrusted) || am.ValidationState != StateTrusted {
		t.Errorf("trusted TSA: %s %v %v", am.ValidationState, am.ValidationStatus, am.ValidationSuccess)
	}
	// A time-stamp from before the certificate's validity: expired.
	m, _ = p.signedManifest(t, "urn:c2pa:early-tst", cose.AlgorithmES256, expired, signOpts{tsa: tsa, tstAt: at.Add(-72 * time.Hour)})
	wantCodes(t, validateStore(t, storeOf(m.build(sha256Of)), Options{}).ActiveManifest(), StateInvalid, CodeSigningCredentialExpired, CodeSigningCredentialUntrusted)
	// A time-stamp over another claim does not date this one.
	m, _ = p.signedManifest(t, "urn:c2pa:moved-tst", cose.AlgorithmES256, expired, signOpts{tstRaw: tsa.token(t, at, []byte("another claim"))})
	am = validateStore(t, storeOf(m.build(sha256Of)), Options{}).ActiveManifest()
	wantCodes(t, am, StateInvalid, CodeSigningCredentialExpired, CodeSigningCredentialUntrusted)
	if am.SigningTime != nil || !slices.Contains(am.ValidationInformational, CodeTimeStampMismatch) {
		t.Errorf("moved time-stamp: %v %v", am.SigningTime, am.ValidationInformational)
	}
	// A token that is not DER: informational, validity at the current time.
	m, _ = p.signedManifest(t, "urn:c2pa:bad-tst", cose.AlgorithmES256, nil, signOpts{tstRaw: []byte{0x30, 0x03, 1, 2}})
	am = validateStore(t, storeOf(m.build(sha256Of)), Options{}).ActiveManifest()
	wantCodes(t, am, StateValid, CodeSigningCredentialUntrusted)
	if !slices.Contains(am.ValidationInformational, CodeTimeStampMalformed) {
		t.Errorf("informational %v", am.ValidationInformational)
	}
}

// A v2 claim's certificate validity uses the time-stamp (sigTst2) only
// when the time-stamp authority is trusted.
func TestExpiredCertificateV2Claim(t *testing.T) {
	p := newPKI(t)
	tsa := p.newTSA(t)
	expired := func(c *x509.Certificate) {
		c.NotBefore = time.Now().Add(-48 * time.Hour)
		c.NotAfter = time.Now().Add(-24 * time.Hour)
	}
	at := time.Now().Add(-36 * time.Hour).Truncate(time.Second)
	m, _ := p.signedManifest(t, "urn:c2pa:v2", cose.AlgorithmES256, expired, signOpts{tsa: tsa, tstAt: at, tstV2: true})
	m.claimV2 = true
	m.claim = map[string]any{"claim_generator_info": map[string]any{"name": "provscan-test"}, "instanceID": "xmp:iid:v2", "alg": "sha256"}
	b := storeOf(m.build(sha256Of))
	am := validateStore(t, b, Options{}).ActiveManifest()
	wantCodes(t, am, StateInvalid, CodeSigningCredentialExpired, CodeSigningCredentialUntrusted)
	if am.SigningTime == nil || !am.SigningTime.Equal(at) {
		t.Errorf("signing time %v", am.SigningTime)
	}
	am = validateStore(t, b, Options{TrustAnchors: p.pool()}).ActiveManifest()
	wantCodes(t, am, StateTrusted)
	if !slices.Contains(am.ValidationSuccess, CodeTimeStampTrusted) {
		t.Errorf("success %v", am.ValidationSuccess)
	}
}

func TestCertificateProfile(t *testing.T) {
	p := newPKI(t)
	for name, mod := range map[string]func(*x509.Certificate){
		"no EKU": func(c *x509.Certificate) { c.ExtKeyUsage, c.UnknownExtKeyUsage = nil, nil },
		"server EKU": func(c *x509.Certificate) {
			c.ExtKeyUsage, c.UnknownExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, nil
		},
		"any EKU":        func(c *x509.Certificate) { c.ExtKeyUsage = append(c.ExtKeyUsage, x509.ExtKeyUsageAny) },
		"no digitalSig":  func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageKeyEncipherment },
		"CA certificate": func(c *x509.Certificate) { c.IsCA = true; c.KeyUsage |= x509.KeyUsageCertSign },
	} {
		m, _ := p.signedManifest(t, "urn:c2pa:profile", cose.AlgorithmES256, mod, signOpts{})
		s := validateStore(t, storeOf(m.build(sha256Of)), Options{})
		if am := s.ActiveManifest(); !slices.Contains(am.ValidationStatus, CodeSigningCredentialInvalid) || am.ValidationState != StateInvalid {
			t.Errorf("%s: %s %v", name, am.ValidationState, am.ValidationStatus)
		}
	}
}

// ingredientAssertion references manifest mb (a built manifest superbox) by label and hash.
func ingredientAssertion(label, target string, mb []byte, recorded ...string) []byte {
	a := map[string]any{"dc:title": "in.jpg", "dc:format": "image/jpeg", "relationship": "parentOf", "instanceID": "xmp:iid:in",
		"c2pa_manifest": map[string]any{"url": "self#jumbf=/c2pa/" + target, "alg": "sha256", "hash": sha256Of(mb[8:])}}
	if len(recorded) > 0 {
		var st []any
		for _, c := range recorded {
			st = append(st, map[string]any{"code": c})
		}
		a["validationStatus"] = st
	}
	return cborAssertion(label, a)
}

func TestIngredients(t *testing.T) {
	p := newPKI(t)
	in, _ := p.signedManifest(t, "urn:c2pa:ingredient", cose.AlgorithmES256, nil, signOpts{})
	inBox := in.build(sha256Of)

	// A good ingredient: both Valid, the reference resolves.
	act, _ := p.signedManifest(t, "urn:c2pa:active", cose.AlgorithmES256, nil, signOpts{})
	act.assertions = append(act.assertions, ingredientAssertion("c2pa.ingredient", "urn:c2pa:ingredient", inBox))
	s := validateStore(t, storeOf(inBox, act.build(sha256Of)), Options{})
	wantCodes(t, s.ActiveManifest(), StateValid, CodeSigningCredentialUntrusted)
	wantCodes(t, s.Manifests[0], StateValid, CodeSigningCredentialUntrusted)
	if s.ValidationState != StateValid || s.ActiveManifest().Ingredients[0].Manifest != "urn:c2pa:ingredient" {
		t.Errorf("store %s %+v", s.ValidationState, s.ActiveManifest().Ingredients)
	}

	// The ingredient's manifest is not in the store.
	act, _ = p.signedManifest(t, "urn:c2pa:active", cose.AlgorithmES256, nil, signOpts{})
	act.assertions = append(act.assertions, ingredientAssertion("c2pa.ingredient", "urn:c2pa:elsewhere", inBox))
	s = validateStore(t, storeOf(inBox, act.build(sha256Of)), Options{})
	wantCodes(t, s.ActiveManifest(), StateInvalid, CodeIngredientManifestMissing, CodeSigningCredentialUntrusted)

	// The ingredient manifest changed after it was taken in.
	act, _ = p.signedManifest(t, "urn:c2pa:active", cose.AlgorithmES256, nil, signOpts{})
	act.assertions = append(act.assertions, ingredientAssertion("c2pa.ingredient", "urn:c2pa:ingredient", append(bytes.Clone(inBox), 0)))
	s = validateStore(t, storeOf(inBox, act.build(sha256Of)), Options{})
	wantCodes(t, s.ActiveManifest(), StateInvalid, CodeIngredientManifestMismatch, CodeSigningCredentialUntrusted)

	// An ingredient with a bad signature makes the store Invalid, unless
	// the claim generator recorded that failure when taking it in.
	bad, _ := p.signedManifest(t, "urn:c2pa:bad", cose.AlgorithmES256, nil, signOpts{wrongKey: keyFor(t, cose.AlgorithmES256)})
	badBox := bad.build(sha256Of)
	for _, recorded := range [][]string{nil, {CodeClaimSignatureMismatch}} {
		act, _ = p.signedManifest(t, "urn:c2pa:active", cose.AlgorithmES256, nil, signOpts{})
		act.assertions = append(act.assertions, ingredientAssertion("c2pa.ingredient", "urn:c2pa:bad", badBox, recorded...))
		s = validateStore(t, storeOf(badBox, act.build(sha256Of)), Options{})
		wantCodes(t, s.ActiveManifest(), StateValid, CodeSigningCredentialUntrusted)
		wantCodes(t, s.Manifests[0], StateInvalid, CodeClaimSignatureMismatch, CodeSigningCredentialUntrusted)
		want := StateInvalid
		if recorded != nil {
			want = StateValid
		}
		if s.ValidationState != want {
			t.Errorf("recorded %v: store %s, want %s", recorded, s.ValidationState, want)
		}
	}
}

func TestClaimMalformedAndMissingAssertion(t *testing.T) {
	p := newPKI(t)
	m, _ := p.signedManifest(t, "urn:c2pa:malformed", cose.AlgorithmES256, nil, signOpts{})
	delete(m.claim, "instanceID")
	wantCodes(t, validateStore(t, storeOf(m.build(sha256Of)), Options{}).ActiveManifest(), StateInvalid, CodeClaimMalformed, CodeSigningCredentialUntrusted)

	// A claim that references an assertion the store lacks.
	m, _ = p.signedManifest(t, "urn:c2pa:missing", cose.AlgorithmES256, nil, signOpts{})
	mb := m.build(sha256Of)
	i := bytes.Index(mb, []byte("c2pa.actions\x00"))
	copy(mb[i:], "c2pa.actionz")
	s := validateStore(t, storeOf(mb), Options{})
	wantCodes(t, s.ActiveManifest(), StateInvalid, CodeAssertionMissing, CodeSigningCredentialUntrusted)

	// No claim signature box.
	m, _ = p.signedManifest(t, "urn:c2pa:nosig", cose.AlgorithmES256, nil, signOpts{})
	m.sign = nil
	wantCodes(t, validateStore(t, storeOf(m.build(sha256Of)), Options{}).ActiveManifest(), StateInvalid, CodeClaimSignatureMissing)
}

func TestActionRulesV2(t *testing.T) {
	p := newPKI(t)
	v2 := func(label string, actions []any, extra ...[]byte) *Manifest {
		m, _ := p.signedManifest(t, label, cose.AlgorithmES256, nil, signOpts{})
		m.claimV2 = true
		m.claim = map[string]any{"claim_generator_info": map[string]any{"name": "provscan-test"}, "instanceID": "xmp:iid:" + label}
		m.assertions = append([][]byte{cborAssertion("c2pa.actions.v2", map[string]any{"actions": actions})}, extra...)
		return validateStore(t, storeOf(m.build(sha256Of)), Options{}).ActiveManifest()
	}
	ingredient := cborAssertion("c2pa.ingredient.v3", map[string]any{"title": "a.jpg", "relationship": "parentOf"})
	ref := map[string]any{"ingredients": []any{map[string]any{"url": "self#jumbf=c2pa.assertions/c2pa.ingredient.v3", "hash": sha256Of(ingredient[8:])}}}
	wantCodes(t, v2("urn:c2pa:ok", []any{map[string]any{"action": "c2pa.opened", "parameters": ref}}, ingredient), StateValid, CodeSigningCredentialUntrusted)
	wantCodes(t, v2("urn:c2pa:created", []any{map[string]any{"action": "c2pa.created", "digitalSourceType": dstTrained}}), StateValid, CodeSigningCredentialUntrusted)
	wantCodes(t, v2("urn:c2pa:nodst", []any{map[string]any{"action": "c2pa.created"}}), StateInvalid, CodeActionMalformed, CodeSigningCredentialUntrusted)
	wantCodes(t, v2("urn:c2pa:noingr", []any{map[string]any{"action": "c2pa.opened"}}), StateInvalid, CodeActionIngredientMismatch, CodeSigningCredentialUntrusted)
	bad := map[string]any{"ingredients": []any{map[string]any{"url": "self#jumbf=c2pa.assertions/c2pa.thumbnail.claim.jpeg", "hash": []byte{1}}}}
	wantCodes(t, v2("urn:c2pa:badref", []any{map[string]any{"action": "c2pa.placed", "parameters": bad}}, ingredient), StateInvalid, CodeActionIngredientMismatch, CodeSigningCredentialUntrusted)
}

// An ingredient whose certificate expired after it was taken in: its v3
// validationResults settle that; without them the store is Invalid.
func TestIngredientExpiredAfterIngestion(t *testing.T) {
	p := newPKI(t)
	expired := func(c *x509.Certificate) {
		c.NotBefore = time.Now().Add(-48 * time.Hour)
		c.NotAfter = time.Now().Add(-24 * time.Hour)
	}
	in, _ := p.signedManifest(t, "urn:c2pa:old", cose.AlgorithmES256, expired, signOpts{})
	inBox := in.build(sha256Of)
	for _, results := range []bool{true, false} {
		a := map[string]any{"title": "old.jpg", "relationship": "parentOf",
			"activeManifest": map[string]any{"url": "self#jumbf=/c2pa/urn:c2pa:old", "hash": sha256Of(inBox[8:])}}
		if results {
			a["validationResults"] = map[string]any{"activeManifest": map[string]any{"success": []any{}, "informational": []any{}, "failure": []any{}}}
		}
		act, _ := p.signedManifest(t, "urn:c2pa:new", cose.AlgorithmES256, nil, signOpts{})
		act.assertions = append(act.assertions, cborAssertion("c2pa.ingredient.v3", a))
		s := validateStore(t, storeOf(inBox, act.build(sha256Of)), Options{})
		wantCodes(t, s.Manifests[0], StateInvalid, CodeSigningCredentialExpired, CodeSigningCredentialUntrusted)
		want := StateInvalid
		if results {
			want = StateValid
		}
		if s.ValidationState != want {
			t.Errorf("validationResults %v: store %s, want %s", results, s.ValidationState, want)
		}
	}
}
