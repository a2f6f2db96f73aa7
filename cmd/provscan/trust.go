package main

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"github.com/provscan/provscan/provenance"
)

// c2paFlags are the C2PA validation flags shared by scan and inspect.
type c2paFlags struct {
	verifyContent  bool
	trustAnchors   string
	allowedSigners string
}

func (c *c2paFlags) register(fl *pflag.FlagSet) {
	fl.BoolVar(&c.verifyContent, "verify-content", false, "check C2PA content hashes (data, BMFF, boxes): reads whole files")
	fl.StringVar(&c.trustAnchors, "trust-anchors", "", "PEM `FILE` of root certificates whose C2PA signers are trusted")
	fl.StringVar(&c.allowedSigners, "allowed-signers", "", "PEM `FILE` of C2PA signing certificates trusted whatever their chain")
}

// options turns the flags into provenance options, reading the PEM files.
func (c *c2paFlags) options() (provenance.Options, error) {
	o := provenance.Options{VerifyContent: c.verifyContent}
	if c.trustAnchors != "" {
		certs, err := readPEMCertificates(c.trustAnchors)
		if err != nil {
			return o, fmt.Errorf("--trust-anchors: %w", err)
		}
		o.TrustAnchors = x509.NewCertPool()
		for _, cert := range certs {
			o.TrustAnchors.AddCert(cert)
		}
	}
	if c.allowedSigners != "" {
		certs, err := readPEMCertificates(c.allowedSigners)
		if err != nil {
			return o, fmt.Errorf("--allowed-signers: %w", err)
		}
		for _, cert := range certs {
			o.AllowedSigners = append(o.AllowedSigners, cert.Raw)
		}
	}
	return o, nil
}

// readPEMCertificates reads every CERTIFICATE block of a PEM file; a file
// with none is an error, so that a wrong path never silently trusts nothing.
func readPEMCertificates(path string) ([]*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, cert)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no PEM certificate found", path)
	}
	return out, nil
}
