package c2pa

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// RFC 3161 time-stamp tokens: a CMS ContentInfo holding SignedData whose
// encapsulated content is a TSTInfo.

var (
	oidSignedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidTSTInfo    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}
)

// ErrTimestamp wraps every failure to decode a time-stamp token.
var ErrTimestamp = errors.New("c2pa: malformed time-stamp token")

// Timestamp is the useful content of an RFC 3161 TimeStampToken.
type Timestamp struct {
	GenTime       time.Time
	ImprintAlg    asn1.ObjectIdentifier
	ImprintDigest []byte
	Serial        *big.Int
	Certificates  []*x509.Certificate // the TSA certificates carried in the token

	tstInfo     []byte        // the DER TSTInfo (the signed content)
	signerInfos asn1.RawValue // the SignerInfos SET
}

type asnContentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,tag:0"`
}

type asnAlgorithmIdentifier struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

type asnMessageImprint struct {
	HashAlgorithm asnAlgorithmIdentifier
	HashedMessage []byte
}

// ParseTimestamp decodes a DER TimeStampToken, or a TimeStampResp
// (status, token) as some signers store the whole response.
func ParseTimestamp(der []byte) (*Timestamp, error) {
	if elems, err := seqElements(der); err == nil && len(elems) == 2 && elems[0].Tag == asn1.TagSequence && elems[1].Tag == asn1.TagSequence {
		der = elems[1].FullBytes // TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken }
	}
	var ci asnContentInfo
	if _, err := asn1.Unmarshal(der, &ci); err != nil {
		return nil, fmt.Errorf("%w: content info: %v", ErrTimestamp, err)
	}
	if !ci.ContentType.Equal(oidSignedData) {
		return nil, fmt.Errorf("%w: content type %v", ErrTimestamp, ci.ContentType)
	}
	// SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo, [0] certificates, [1] crls, signerInfos }
	elems, err := seqElements(ci.Content.Bytes)
	if err != nil || len(elems) < 4 {
		return nil, fmt.Errorf("%w: signed data: %v", ErrTimestamp, err)
	}
	ts := &Timestamp{}
	for _, e := range elems[3:] {
		if e.Class == asn1.ClassContextSpecific && e.Tag == 0 && e.IsCompound {
			if certs, err := x509.ParseCertificates(e.Bytes); err == nil && len(certs) <= maxChain {
				ts.Certificates = certs
			}
		}
		if e.Class == asn1.ClassUniversal && e.Tag == asn1.TagSet {
			ts.signerInfos = e
		}
	}
	// EncapsulatedContentInfo ::= SEQUENCE { eContentType, [0] EXPLICIT OCTET STRING }
	enc, err := seqElements(elems[2].FullBytes)
	if err != nil || len(enc) < 2 {
		return nil, fmt.Errorf("%w: encapsulated content: %v", ErrTimestamp, err)
	}
	var ctype asn1.ObjectIdentifier
	if _, err := asn1.Unmarshal(enc[0].FullBytes, &ctype); err != nil || !ctype.Equal(oidTSTInfo) {
		return nil, fmt.Errorf("%w: content type %v", ErrTimestamp, ctype)
	}
	var octets []byte
	if _, err := asn1.Unmarshal(enc[1].Bytes, &octets); err != nil {
		return nil, fmt.Errorf("%w: eContent: %v", ErrTimestamp, err)
	}
	// TSTInfo ::= SEQUENCE { version, policy, messageImprint, serialNumber, genTime, ... }
	ts.tstInfo = octets
	info, err := seqElements(octets)
	if err != nil || len(info) < 5 {
		return nil, fmt.Errorf("%w: TSTInfo: %v", ErrTimestamp, err)
	}
	var mi asnMessageImprint
	if _, err := asn1.Unmarshal(info[2].FullBytes, &mi); err != nil {
		return nil, fmt.Errorf("%w: message imprint: %v", ErrTimestamp, err)
	}
	ts.ImprintAlg, ts.ImprintDigest = mi.HashAlgorithm.Algorithm, mi.HashedMessage
	ts.Serial = new(big.Int)
	if _, err := asn1.Unmarshal(info[3].FullBytes, &ts.Serial); err != nil {
		return nil, fmt.Errorf("%w: serial: %v", ErrTimestamp, err)
	}
	if _, err := asn1.UnmarshalWithParams(info[4].FullBytes, &ts.GenTime, "generalized"); err != nil {
		return nil, fmt.Errorf("%w: genTime: %v", ErrTimestamp, err)
	}
	return ts, nil
}

// seqElements returns the elements of a DER SEQUENCE (given with its header).
func seqElements(der []byte) ([]asn1.RawValue, error) {
	var seq asn1.RawValue
	if _, err := asn1.Unmarshal(der, &seq); err != nil {
		return nil, err
	}
	if seq.Tag != asn1.TagSequence || !seq.IsCompound {
		return nil, fmt.Errorf("not a SEQUENCE (tag %d)", seq.Tag)
	}
	var out []asn1.RawValue
	rest := seq.Bytes
	for len(rest) > 0 && len(out) < 64 {
		var e asn1.RawValue
		r, err := asn1.Unmarshal(rest, &e)
		if err != nil {
			return out, err
		}
		out = append(out, e)
		rest = r
	}
	return out, nil
}

// Object identifiers of the digests and signatures a TSA may use.
var (
	oidSHA256        = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384        = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512        = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	oidMessageDigest = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidRSA           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidRSASHA256     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidRSASHA384     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	oidRSASHA512     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}
	oidECPublicKey   = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidECDSASHA256   = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidECDSASHA384   = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	oidECDSASHA512   = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}
	oidEd25519       = asn1.ObjectIdentifier{1, 3, 101, 112}
)

func hashOf(oid asn1.ObjectIdentifier) (crypto.Hash, bool) {
	switch {
	case oid.Equal(oidSHA256):
		return crypto.SHA256, true
	case oid.Equal(oidSHA384):
		return crypto.SHA384, true
	case oid.Equal(oidSHA512):
		return crypto.SHA512, true
	}
	return 0, false
}

// signatureAlgorithm maps a CMS digest and signature algorithm to crypto/x509's.
func signatureAlgorithm(digestAlg, sigAlg asn1.ObjectIdentifier) x509.SignatureAlgorithm {
	h, _ := hashOf(digestAlg)
	pick := func(a256, a384, a512 x509.SignatureAlgorithm) x509.SignatureAlgorithm {
		switch h {
		case crypto.SHA256:
			return a256
		case crypto.SHA384:
			return a384
		case crypto.SHA512:
			return a512
		}
		return x509.UnknownSignatureAlgorithm
	}
	switch {
	case sigAlg.Equal(oidRSASHA256):
		return x509.SHA256WithRSA
	case sigAlg.Equal(oidRSASHA384):
		return x509.SHA384WithRSA
	case sigAlg.Equal(oidRSASHA512):
		return x509.SHA512WithRSA
	case sigAlg.Equal(oidECDSASHA256):
		return x509.ECDSAWithSHA256
	case sigAlg.Equal(oidECDSASHA384):
		return x509.ECDSAWithSHA384
	case sigAlg.Equal(oidECDSASHA512):
		return x509.ECDSAWithSHA512
	case sigAlg.Equal(oidEd25519):
		return x509.PureEd25519
	case sigAlg.Equal(oidRSA):
		return pick(x509.SHA256WithRSA, x509.SHA384WithRSA, x509.SHA512WithRSA)
	case sigAlg.Equal(oidRSAPSS):
		return pick(x509.SHA256WithRSAPSS, x509.SHA384WithRSAPSS, x509.SHA512WithRSAPSS)
	case sigAlg.Equal(oidECPublicKey):
		return pick(x509.ECDSAWithSHA256, x509.ECDSAWithSHA384, x509.ECDSAWithSHA512)
	}
	return x509.UnknownSignatureAlgorithm
}

// CheckImprint reports whether the token's message imprint is the digest of data.
func (ts *Timestamp) CheckImprint(data []byte) bool {
	h, ok := hashOf(ts.ImprintAlg)
	return ok && bytes.Equal(digest(h, data), ts.ImprintDigest)
}

// VerifySignature checks the CMS signature of the token (RFC 5652 5.4: the
// messageDigest signed attribute is the digest of the TSTInfo, and the
// signature covers the DER signed attributes) and returns the TSA
// certificate that made it.
func (ts *Timestamp) VerifySignature() (*x509.Certificate, error) {
	if ts.signerInfos.Tag != asn1.TagSet {
		return nil, fmt.Errorf("%w: no signer infos", ErrTimestamp)
	}
	rest := ts.signerInfos.Bytes
	for i := 0; len(rest) > 0 && i < 4; i++ {
		var si asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &si); err != nil {
			return nil, fmt.Errorf("%w: signer info: %v", ErrTimestamp, err)
		}
		if c, err := ts.verifySignerInfo(si.FullBytes); err == nil {
			return c, nil
		}
	}
	return nil, fmt.Errorf("%w: no signer info verifies", ErrTimestamp)
}

func (ts *Timestamp) verifySignerInfo(der []byte) (*x509.Certificate, error) {
	// SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, [0] signedAttrs OPTIONAL,
	//                           signatureAlgorithm, signature, [1] unsignedAttrs OPTIONAL }
	el, err := seqElements(der)
	if err != nil || len(el) < 5 {
		return nil, fmt.Errorf("signer info: %v", err)
	}
	var digestAlg, sigAlg asnAlgorithmIdentifier
	if _, err := asn1.Unmarshal(el[2].FullBytes, &digestAlg); err != nil {
		return nil, err
	}
	i := 3
	var signed []byte
	if el[3].Class == asn1.ClassContextSpecific && el[3].Tag == 0 {
		// The signature covers the attributes encoded as a SET OF.
		signed = append([]byte{0x31}, el[3].FullBytes[1:]...)
		h, ok := hashOf(digestAlg.Algorithm)
		if !ok {
			return nil, fmt.Errorf("digest %v", digestAlg.Algorithm)
		}
		if !bytes.Equal(messageDigestAttr(el[3].Bytes), digest(h, ts.tstInfo)) {
			return nil, fmt.Errorf("messageDigest does not match the TSTInfo")
		}
		i++
	} else {
		signed = ts.tstInfo
	}
	if len(el) < i+2 {
		return nil, fmt.Errorf("signer info too short")
	}
	if _, err := asn1.Unmarshal(el[i].FullBytes, &sigAlg); err != nil {
		return nil, err
	}
	var sigBytes []byte
	if _, err := asn1.Unmarshal(el[i+1].FullBytes, &sigBytes); err != nil {
		return nil, err
	}
	alg := signatureAlgorithm(digestAlg.Algorithm, sigAlg.Algorithm)
	for _, c := range ts.Certificates {
		if c.CheckSignature(alg, signed, sigBytes) == nil {
			return c, nil
		}
	}
	return nil, fmt.Errorf("signature does not verify with the token's certificates")
}

// messageDigestAttr returns the value of the messageDigest attribute.
func messageDigestAttr(attrs []byte) []byte {
	for len(attrs) > 0 {
		var a struct {
			Type   asn1.ObjectIdentifier
			Values asn1.RawValue `asn1:"set"`
		}
		var err error
		if attrs, err = asn1.Unmarshal(attrs, &a); err != nil {
			return nil
		}
		if a.Type.Equal(oidMessageDigest) {
			var v []byte
			if _, err := asn1.Unmarshal(a.Values.Bytes, &v); err == nil {
				return v
			}
		}
	}
	return nil
}

// tstPayload returns the bytes a C2PA time-stamp covers: a COSE
// Sig_structure with the context "CounterSignature", the signature's
// protected header, an empty external AAD and, as payload, the claim
// (sigTst, v1) or the CBOR byte string of the signature (sigTst2, v2).
func tstPayload(sig *Signature, claim []byte) []byte {
	var prot []byte
	if err := decMode.Unmarshal(sig.msg.Headers.RawProtected, &prot); err != nil {
		prot = sig.msg.Headers.RawProtected
	}
	payload := claim
	if sig.TimestampV2 {
		payload, _ = encMode.Marshal(sig.rawSignature())
	}
	b, _ := encMode.Marshal([]any{"CounterSignature", prot, []byte{}, payload})
	return b
}

// timestamp checks the signature's time-stamp tokens. The first token
// whose message imprint covers this signature gives the signing time; its
// CMS signature, when the token carries the TSA certificate, makes it
// timeStamp.validated, and a TSA that chains to a trust anchor makes it
// timeStamp.trusted.
func (v *validator) timestamp(m *Manifest, sig *Signature) {
	payload := tstPayload(sig, m.claimBytes)
	malformed := true
	for _, der := range sig.Timestamps {
		ts, err := ParseTimestamp(der)
		if err != nil {
			m.errorf("%v", err)
			continue
		}
		malformed = false
		if !ts.CheckImprint(payload) {
			m.errorf("time-stamp imprint does not match the signature")
			continue
		}
		t := ts.GenTime.UTC()
		m.SigningTime = &t
		tsa, err := ts.VerifySignature()
		switch {
		case err != nil:
			m.errorf("time-stamp: %v", err)
			m.status(CodeTimeStampUntrusted)
		case v.tsaTrusted(ts, tsa):
			m.status(CodeTimeStampValidated)
			m.status(CodeTimeStampTrusted)
			m.tstTrusted = true
		default:
			m.status(CodeTimeStampValidated)
			m.status(CodeTimeStampUntrusted)
		}
		return
	}
	if malformed {
		m.status(CodeTimeStampMalformed)
	} else {
		m.status(CodeTimeStampMismatch)
	}
}

// tsaTrusted reports whether the TSA certificate chains to a trust anchor.
func (v *validator) tsaTrusted(ts *Timestamp, tsa *x509.Certificate) bool {
	if v.opts.TrustAnchors == nil {
		return false
	}
	inter := x509.NewCertPool()
	for _, c := range ts.Certificates {
		if c != tsa {
			inter.AddCert(c)
		}
	}
	_, err := tsa.Verify(x509.VerifyOptions{Roots: v.opts.TrustAnchors, Intermediates: inter,
		CurrentTime: ts.GenTime, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}})
	return err == nil
}
