package c2pa

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"time"
)

// Extended key usages accepted for claim signing (C2PA 2.x, the
// "Certificate profile" of the trust model): e-mail protection, document signing and the C2PA
// claim-signing purpose.
var (
	oidEKUDocumentSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36}
	oidEKUC2PAClaim       = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 62558, 2, 1}
)

var oidKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 15}

// extensionCritical reports whether c has the extension id, marked critical.
func extensionCritical(c *x509.Certificate, id asn1.ObjectIdentifier) bool {
	for _, e := range c.Extensions {
		if e.Id.Equal(id) {
			return e.Critical
		}
	}
	return false
}

// CheckProfile checks a signing certificate against the C2PA certificate
// profile: X.509 v3, a modern signature algorithm and key, not a CA, the
// digitalSignature key usage, and an extended key usage that allows claim
// signing (without anyExtendedKeyUsage). The key usage extension must be
// marked critical, as the C2PA SDK requires of end-entity certificates.
func CheckProfile(c *x509.Certificate) error {
	if c.Version != 3 {
		return fmt.Errorf("certificate version %d, want 3", c.Version)
	}
	switch c.SignatureAlgorithm {
	case x509.SHA256WithRSA, x509.SHA384WithRSA, x509.SHA512WithRSA,
		x509.SHA256WithRSAPSS, x509.SHA384WithRSAPSS, x509.SHA512WithRSAPSS,
		x509.ECDSAWithSHA256, x509.ECDSAWithSHA384, x509.ECDSAWithSHA512, x509.PureEd25519:
	default:
		return fmt.Errorf("certificate signature algorithm %v not allowed", c.SignatureAlgorithm)
	}
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 {
			return fmt.Errorf("RSA key of %d bits", k.N.BitLen())
		}
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() && k.Curve != elliptic.P384() && k.Curve != elliptic.P521() {
			return fmt.Errorf("EC curve %s not allowed", k.Curve.Params().Name)
		}
	}
	if c.BasicConstraintsValid && c.IsCA {
		return fmt.Errorf("signing certificate is a CA")
	}
	if !extensionCritical(c, oidKeyUsage) {
		return fmt.Errorf("key usage extension missing or not critical")
	}
	if c.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		return fmt.Errorf("key usage lacks digitalSignature")
	}
	if c.KeyUsage&x509.KeyUsageCertSign != 0 {
		return fmt.Errorf("end-entity key usage has keyCertSign")
	}
	if len(c.ExtKeyUsage) == 0 && len(c.UnknownExtKeyUsage) == 0 {
		return fmt.Errorf("no extended key usage")
	}
	ok := false
	for _, u := range c.ExtKeyUsage {
		switch u {
		case x509.ExtKeyUsageAny:
			return fmt.Errorf("anyExtendedKeyUsage")
		case x509.ExtKeyUsageEmailProtection:
			ok = true
		}
	}
	for _, u := range c.UnknownExtKeyUsage {
		if u.Equal(oidEKUDocumentSigning) || u.Equal(oidEKUC2PAClaim) {
			ok = true
		}
	}
	if !ok {
		return fmt.Errorf("extended key usage allows no claim signing")
	}
	return nil
}

// credential checks the signing certificate: validity at the signing time,
// the certificate profile, and trust.
func (v *validator) credential(m *Manifest, sig *Signature) {
	leaf := sig.Chain[0]
	at := v.validityTime(m)
	if at.Before(leaf.NotBefore) || at.After(leaf.NotAfter) {
		m.status(CodeSigningCredentialExpired)
	} else if err := CheckProfile(leaf); err != nil {
		m.errorf("signing certificate: %v", err)
		m.status(CodeSigningCredentialInvalid)
	}
	if v.trusted(sig, at) {
		m.status(CodeSigningCredentialTrusted)
	} else {
		m.status(CodeSigningCredentialUntrusted)
	}
}

// trusted reports whether the chain ends at a trust anchor, or the
// signing certificate is on the allowed list.
func (v *validator) trusted(sig *Signature, at time.Time) bool {
	leaf := sig.Chain[0]
	for _, a := range v.opts.Allowed {
		if bytes.Equal(a, leaf.Raw) {
			return true
		}
	}
	if v.opts.TrustAnchors == nil {
		return false
	}
	inter := x509.NewCertPool()
	for _, c := range sig.Chain[1:] {
		inter.AddCert(c)
	}
	_, err := leaf.Verify(x509.VerifyOptions{
		Roots:         v.opts.TrustAnchors,
		Intermediates: inter,
		CurrentTime:   at,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	return err == nil
}
