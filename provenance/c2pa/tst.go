package c2pa

import (
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
			if certs, err := x509.ParseCertificates(e.Bytes); err == nil {
				ts.Certificates = certs
			}
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

// timestamp reads the signing time from the signature's first valid token.
func (v *validator) timestamp(m *Manifest, sig *Signature) {
	for _, der := range sig.Timestamps {
		ts, err := ParseTimestamp(der)
		if err != nil {
			m.errorf("%v", err)
			continue
		}
		t := ts.GenTime.UTC()
		m.SigningTime = &t
		return
	}
	m.status(CodeTimeStampMalformed)
}
