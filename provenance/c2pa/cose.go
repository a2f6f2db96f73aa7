package c2pa

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"

	"github.com/veraison/go-cose"
)

// maxCOSESize caps the COSE_Sign1 bytes handed to the COSE decoder.
const maxCOSESize = 1 << 20

// maxChain caps the certificates of an x5chain.
const maxChain = 16

// Signature is a decoded claim signature (COSE_Sign1 with a detached payload).
type Signature struct {
	Alg   cose.Algorithm
	Chain []*x509.Certificate // x5chain: the signing certificate first
	// Timestamps holds the DER RFC 3161 TimeStampTokens of sigTst / sigTst2.
	Timestamps [][]byte
	// TimestampV2 is true when the tokens come from sigTst2 (v2 time-stamps,
	// over the signature), false for sigTst (v1, over the payload).
	TimestampV2 bool

	msg *cose.Sign1Message
}

// ErrCOSE wraps every failure to decode a claim signature.
var ErrCOSE = errors.New("c2pa: malformed COSE_Sign1")

// ParseCOSE decodes a C2PA claim signature: a tagged (or untagged)
// COSE_Sign1 with its certificate chain in the x5chain header (label 33,
// protected or unprotected) and optional sigTst/sigTst2 time-stamps.
func ParseCOSE(b []byte) (*Signature, error) {
	if len(b) > maxCOSESize {
		return nil, fmt.Errorf("%w: %d bytes", ErrCOSE, len(b))
	}
	// Reject over-deep or oversized CBOR before the COSE library sees it.
	if _, err := decodeCBOR(b); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCOSE, err)
	}
	msg := &cose.Sign1Message{}
	if len(b) > 0 && b[0] == 0xD2 {
		if err := msg.UnmarshalCBOR(b); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCOSE, err)
		}
	} else {
		var um cose.UntaggedSign1Message
		if err := um.UnmarshalCBOR(b); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCOSE, err)
		}
		msg = (*cose.Sign1Message)(&um)
	}
	sig := &Signature{msg: msg}
	alg, err := msg.Headers.Protected.Algorithm()
	if err != nil {
		return sig, fmt.Errorf("%w: algorithm: %v", ErrCOSE, err)
	}
	sig.Alg = alg
	raw := headerValue(msg.Headers.Protected, cose.HeaderLabelX5Chain, "x5chain")
	if raw == nil {
		raw = headerValue(msg.Headers.Unprotected, cose.HeaderLabelX5Chain, "x5chain")
	}
	var ders [][]byte
	switch t := raw.(type) {
	case []byte:
		ders = [][]byte{t}
	case []any:
		for _, x := range t {
			if d, ok := x.([]byte); ok {
				ders = append(ders, d)
			}
		}
	}
	if len(ders) == 0 {
		return sig, fmt.Errorf("%w: no x5chain", ErrCOSE)
	}
	for i, d := range ders {
		if i >= maxChain {
			break
		}
		c, err := x509.ParseCertificate(d)
		if err != nil {
			return sig, fmt.Errorf("%w: x5chain certificate %d: %v", ErrCOSE, i, err)
		}
		if c.PublicKey == nil {
			c.PublicKey = pssPublicKey(c.RawSubjectPublicKeyInfo)
		}
		sig.Chain = append(sig.Chain, c)
	}
	for _, key := range []string{"sigTst2", "sigTst"} {
		tst := asMap(normalize(headerValue(msg.Headers.Unprotected, nil, key), 0))
		if tst == nil {
			tst = asMap(normalize(headerValue(msg.Headers.Protected, nil, key), 0))
		}
		for i, x := range asSlice(tst["tstTokens"]) {
			if i >= 4 {
				break
			}
			if v, ok := asMap(x)["val"].([]byte); ok {
				sig.Timestamps = append(sig.Timestamps, v)
			}
		}
		if len(sig.Timestamps) > 0 {
			sig.TimestampV2 = key == "sigTst2"
			break
		}
	}
	return sig, nil
}

// oidRSAPSS is id-RSASSA-PSS, a key algorithm crypto/x509 does not parse.
var oidRSAPSS = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}

// pssPublicKey extracts the RSA key of an id-RSASSA-PSS SubjectPublicKeyInfo
// (used by PS256/384/512 signing certificates), or returns nil.
func pssPublicKey(spki []byte) any {
	var info struct {
		Algorithm struct {
			Algorithm  asn1.ObjectIdentifier
			Parameters asn1.RawValue `asn1:"optional"`
		}
		PublicKey asn1.BitString
	}
	if rest, err := asn1.Unmarshal(spki, &info); err != nil || len(rest) != 0 || !info.Algorithm.Algorithm.Equal(oidRSAPSS) {
		return nil
	}
	k, err := x509.ParsePKCS1PublicKey(info.PublicKey.RightAlign())
	if err != nil {
		return nil
	}
	return k
}

// headerValue returns a COSE header by integer label (when label is not nil) or text label.
func headerValue(h map[any]any, label any, text string) any {
	if label != nil {
		if v, ok := h[label]; ok {
			return v
		}
	}
	if v, ok := h[text]; ok {
		return v
	}
	return nil
}

// Verify checks the signature over the detached payload (the claim bytes).
func (s *Signature) Verify(payload []byte) error {
	if len(s.Chain) == 0 {
		return fmt.Errorf("%w: no signing certificate", ErrCOSE)
	}
	v, err := cose.NewVerifier(s.Alg, s.Chain[0].PublicKey)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnsupportedAlg, err)
	}
	s.msg.Payload = payload
	defer func() { s.msg.Payload = nil }()
	return s.msg.Verify(nil, v)
}

// ErrUnsupportedAlg reports a signature algorithm provscan cannot check.
var ErrUnsupportedAlg = errors.New("c2pa: unsupported signature algorithm")

// rawSignature returns the signature bytes of the COSE_Sign1.
func (s *Signature) rawSignature() []byte { return s.msg.Signature }

// signature validates the claim signature of m and its certificate.
func (v *validator) signature(m *Manifest) {
	if len(m.sigBytes) == 0 {
		m.status(CodeClaimSignatureMissing)
		return
	}
	// The claim must point at this signature box.
	if ref := str(m.claim, "signature"); ref != "" {
		if b := v.resolve(m, ref); b == nil || b.Content() == nil || !bytes.Equal(b.Content().Payload(), m.sigBytes) {
			m.status(CodeClaimSignatureMissing)
			return
		}
	}
	sig, err := ParseCOSE(m.sigBytes)
	if sig != nil && len(sig.Chain) > 0 {
		m.Signer = signerOf(sig)
	}
	if err != nil {
		m.errorf("%v", err)
		if sig != nil && sig.Alg == 0 {
			m.status(CodeAlgorithmUnsupported)
		} else {
			m.status(CodeClaimSignatureMismatch)
		}
		return
	}
	if err := sig.Verify(m.claimBytes); err != nil {
		m.errorf("signature: %v", err)
		if errors.Is(err, ErrUnsupportedAlg) {
			m.status(CodeAlgorithmUnsupported)
			return
		}
		m.status(CodeClaimSignatureMismatch)
	} else {
		m.status(CodeClaimSignatureValidated)
		// A time-stamp dates a good signature only.
		if len(sig.Timestamps) > 0 {
			v.timestamp(m, sig)
		}
	}
	v.credential(m, sig)
}

// signerOf describes the signing certificate.
func signerOf(sig *Signature) *Signer {
	c := sig.Chain[0]
	s := &Signer{CommonName: c.Subject.CommonName, Algorithm: sig.Alg.String()}
	if len(c.Subject.Organization) > 0 {
		s.Organization = c.Subject.Organization[0]
	}
	s.Issuer = c.Issuer.CommonName
	if s.Issuer == "" && len(c.Issuer.Organization) > 0 {
		s.Issuer = c.Issuer.Organization[0]
	}
	return s
}
