package c2pa

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Options controls Validate.
type Options struct {
	// TrustAnchors are the root certificates whose chains are Trusted. With
	// none, a good signature is signingCredential.untrusted and its manifest
	// is Valid, as in the C2PA SDK without a trust list.
	TrustAnchors *x509.CertPool
	// Allowed is an allowed list of end-entity signing certificates (DER):
	// a manifest signed by one of them is Trusted whatever its chain.
	Allowed [][]byte
	// VerifyContent checks the hard binding (c2pa.hash.data, c2pa.hash.bmff,
	// c2pa.hash.boxes) of the active manifest against the content. It reads
	// the whole file, through a bounded buffer.
	VerifyContent bool
	// Now is the time used for certificate validity when a signature carries
	// no time-stamp; time.Now when nil.
	Now func() time.Time
	// Context, when set, stops the hashing of a validation once cancelled;
	// what was not checked is then a cut of the manifest.
	Context context.Context
}

// Signer describes the signing certificate of a manifest.
type Signer struct {
	Organization string `json:"organization,omitempty"` // subject O
	CommonName   string `json:"common_name,omitempty"`  // subject CN
	Issuer       string `json:"issuer,omitempty"`       // issuer CN (or O)
	Algorithm    string `json:"algorithm,omitempty"`    // COSE algorithm: ES256, PS256, EdDSA ...
}

// String renders the signer as "O, CN".
func (s *Signer) String() string {
	if s == nil {
		return ""
	}
	switch {
	case s.Organization != "" && s.CommonName != "":
		return s.Organization + ", " + s.CommonName
	case s.Organization != "":
		return s.Organization
	}
	return s.CommonName
}

// validator holds the state of one Validate call.
type validator struct {
	s       *Store
	opts    Options
	content io.ReaderAt
	size    int64
	done    map[*Manifest]bool
	memo    map[memoKey][]byte // digests of the store's byte ranges (see sum)
	files   map[string][]byte  // data hashes of the content, by algorithm and exclusions
	stopped error              // why hashing stopped (context, budgets), or nil
	spender Spender            // the content's budgets, when it has them
}

// Validate checks every manifest of s following the C2PA 2.x validation
// rules: the hashed URIs of the claim's assertions, the claim signature
// (COSE_Sign1) and its certificate, the time-stamp, trust, the ingredients'
// manifests (recursively) and, with opts.VerifyContent and a non-nil
// content of the given size, the hard binding of the active manifest.
// It fills each manifest's Signer, SigningTime, ValidationState and
// ValidationStatus, and the store's ValidationState: the active manifest's
// state, made Invalid when an ingredient manifest it relies on has a
// failure that its ingredient assertion did not record.
// Validate never reads the content unless opts.VerifyContent is set.
func Validate(s *Store, opts Options, content io.ReaderAt, size int64) {
	if s == nil {
		return
	}
	v := &validator{s: s, opts: opts, content: content, size: size, done: map[*Manifest]bool{}}
	v.spender, _ = content.(Spender)
	if opts.Context != nil && content != nil {
		v.content = ctxReaderAt{opts.Context, content} // a hard binding's reads stop when cancelled
	}
	for _, m := range s.Manifests {
		v.manifest(m, m == s.ActiveManifest())
	}
	am := s.ActiveManifest()
	if am == nil {
		s.ValidationState = ""
		return
	}
	s.ValidationState = am.ValidationState
	if v.ingredientInvalid(am, map[*Manifest]bool{}) {
		s.ValidationState = StateInvalid
	}
}

// ingredientInvalid reports whether an ingredient manifest reachable from m
// has a failure that the ingredient assertion did not record. A claim
// generator that took in an ingredient with a known failure records it in
// the ingredient's validationStatus (v1, v2) or validationResults (v3);
// such a failure does not make the new manifest Invalid, a new or
// different one does. When v3 validationResults are present they also
// settle the ingredient credential's validity in time: a certificate that
// expired after the ingredient was taken in does not count, while
// failures that time cannot cause (hashes, signature, structure) do.
func (v *validator) ingredientInvalid(m *Manifest, seen map[*Manifest]bool) bool {
	if seen[m] {
		return false
	}
	seen[m] = true
	for _, in := range m.Ingredients {
		im := v.s.Manifest(in.Manifest)
		if im == nil || im == m {
			continue
		}
		for _, c := range im.ValidationStatus {
			if !IsFailure(c) || slices.Contains(in.ValidationStatus, c) {
				continue
			}
			if in.hasResults && c == CodeSigningCredentialExpired {
				continue
			}
			return true
		}
		if v.ingredientInvalid(im, seen) {
			return true
		}
	}
	return false
}

func (m *Manifest) status(code string) {
	if informationalCodes[code] {
		if !slices.Contains(m.ValidationInformational, code) {
			m.ValidationInformational = append(m.ValidationInformational, code)
		}
		return
	}
	if IsFailure(code) || code == CodeSigningCredentialUntrusted {
		if !slices.Contains(m.ValidationStatus, code) {
			m.ValidationStatus = append(m.ValidationStatus, code)
		}
		return
	}
	if !slices.Contains(m.ValidationSuccess, code) {
		m.ValidationSuccess = append(m.ValidationSuccess, code)
	}
}

// manifest validates one manifest.
func (v *validator) manifest(m *Manifest, active bool) {
	if v.done[m] {
		return
	}
	v.done[m] = true
	m.ValidationStatus, m.ValidationSuccess, m.ValidationInformational = nil, nil, nil
	m.Signer, m.SigningTime, m.tstTrusted = nil, nil, false
	defer func() {
		m.ValidationState = StateValid
		for _, c := range m.ValidationStatus {
			if IsFailure(c) {
				m.ValidationState = StateInvalid
				return
			}
		}
		if slices.Contains(m.ValidationSuccess, CodeSigningCredentialTrusted) {
			m.ValidationState = StateTrusted
		}
	}()
	switch {
	case m.claimBox == nil:
		m.status(CodeClaimMissing)
		return
	case m.claim == nil:
		m.status(CodeClaimMalformed)
		return
	}
	if !v.claimWellFormed(m) {
		m.status(CodeClaimMalformed)
	}
	v.signature(m)
	v.assertionURIs(m)
	v.checkActions(m)
	v.ingredients(m)
	if active && !m.Update && v.opts.VerifyContent && v.content != nil {
		v.hardBinding(m)
	}
}

// claimWellFormed checks that the fields a claim must have are present
// (C2PA 2.x claims: claim-map for v1, claim-map-v2 for v2).
func (v *validator) claimWellFormed(m *Manifest) bool {
	c := m.claim
	has := func(k string) bool { _, ok := c[k]; return ok }
	if str(c, "signature") == "" || !has("instanceID") {
		return false
	}
	if m.ClaimVersion == 2 {
		if _, ok := c["created_assertions"].([]any); !ok {
			return false
		}
		if asMap(c["claim_generator_info"]) == nil {
			return false
		}
		return !has("assertions") // a v1 field in a v2 claim
	}
	if _, ok := c["assertions"].([]any); !ok {
		return false
	}
	return has("claim_generator") && has("dc:format")
}

// hashAlg returns the hash named by a C2PA alg string ("" means the claim's default, else sha256).
func hashAlg(name, def string) (crypto.Hash, bool) {
	if name == "" {
		name = def
	}
	switch strings.ToLower(name) {
	case "", "sha256":
		return crypto.SHA256, true
	case "sha384":
		return crypto.SHA384, true
	case "sha512":
		return crypto.SHA512, true
	}
	return 0, false
}

func digest(h crypto.Hash, b []byte) []byte {
	d := h.New()
	d.Write(b)
	return d.Sum(nil)
}

// resolve finds the superbox a JUMBF URI names, relative to manifest m.
func (v *validator) resolve(m *Manifest, uri string) *Box {
	p := jumbfPath(uri)
	var cur *Box
	if strings.HasPrefix(p, LabelStore+"/") {
		p = "/" + p // "c2pa/<label>/..." written without its leading slash
	}
	if strings.HasPrefix(p, "/") {
		parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
		if len(parts) == 0 || parts[0] != LabelStore {
			return nil
		}
		cur = v.s.root
		parts = parts[1:]
		for _, part := range parts {
			if cur = cur.Child(part); cur == nil {
				return nil
			}
		}
		return cur
	}
	cur = m.box
	for _, part := range strings.Split(p, "/") {
		if cur = cur.Child(part); cur == nil {
			return nil
		}
	}
	return cur
}

// assertionURIs checks the hashed URI of every assertion the claim references.
func (v *validator) assertionURIs(m *Manifest) {
	def := str(m.claim, "alg")
	for _, r := range m.refs {
		b := v.resolve(m, r.URL)
		if b == nil {
			m.status(CodeAssertionMissing)
			continue
		}
		h, ok := hashAlg(r.Alg, def)
		if !ok {
			m.status(CodeAlgorithmUnsupported)
			continue
		}
		got, err := v.sum(h, b.Payload())
		if err != nil {
			m.cut("hashed URIs not all checked: %v", err)
			return
		}
		if bytes.Equal(got, r.Hash) {
			m.status(CodeAssertionHashedURIMatch)
		} else {
			m.status(CodeAssertionHashedURIMismatch)
		}
	}
}

// ingredients checks each ingredient's reference to its manifest and
// validates that manifest, recursively.
func (v *validator) ingredients(m *Manifest) {
	def := str(m.claim, "alg")
	for _, in := range m.Ingredients {
		if in.manifestRef == nil {
			continue
		}
		im := v.s.Manifest(in.Manifest)
		if im == nil || im == m {
			m.status(CodeIngredientManifestMissing)
			continue
		}
		h, ok := hashAlg(in.manifestRef.Alg, def)
		if !ok {
			m.status(CodeAlgorithmUnsupported)
		} else {
			// The hash covers the manifest superbox; claims made before
			// C2PA 1.3 hashed the ingredient's claim instead (both accepted).
			box, err1 := v.sum(h, im.box.Payload())
			claim, err2 := v.sum(h, im.claimBytes)
			switch {
			case err1 != nil || err2 != nil:
				m.cut("ingredient manifests not all checked: %v", v.stopped)
			case !bytes.Equal(box, in.manifestRef.Hash) && !bytes.Equal(claim, in.manifestRef.Hash):
				m.status(CodeIngredientManifestMismatch)
			}
		}
		v.manifest(im, false)
	}
}

// validityTime is the time at which the signing certificate must be valid:
// the time-stamp's time when the signature carries a verified one, or the
// validation time. For v2 claims the time-stamp must also come from a
// trusted time-stamp authority, as the C2PA SDK requires; v1 claims keep
// the earlier rule (any verified time-stamp).
func (v *validator) validityTime(m *Manifest) time.Time {
	if m.SigningTime != nil && (m.ClaimVersion < 2 || m.tstTrusted) {
		return *m.SigningTime
	}
	if v.opts.Now != nil {
		return v.opts.Now()
	}
	return time.Now()
}

// errorf is a tiny helper for warnings during validation.
func (m *Manifest) errorf(format string, args ...any) {
	m.warn("validation: %s", fmt.Sprintf(format, args...))
}
