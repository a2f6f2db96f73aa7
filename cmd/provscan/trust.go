package main

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/scanner/policy"
)

// c2paFlags are the C2PA validation flags shared by scan and inspect.
type c2paFlags struct {
	verifyContent    bool
	verifyContentMax sizeFlag
	trustAnchors     string
	allowedSigners   string
	// identity lists the SHA-256 of every certificate read, for the
	// identity of a sharded scan (set by options).
	identity []string
}

func (c *c2paFlags) register(fl *pflag.FlagSet) {
	c.verifyContentMax = provenance.DefaultVerifyContentMax
	fl.BoolVar(&c.verifyContent, "verify-content", false, "check C2PA content hashes (data, BMFF, boxes) of every file, whatever its size: reads whole files")
	fl.Var(&c.verifyContentMax, "verify-content-max", "check C2PA content hashes of files up to `SIZE` (KiB, MiB, GiB; 0: only with --verify-content)")
	fl.StringVar(&c.trustAnchors, "trust-anchors", "", "PEM `FILE` of root certificates whose C2PA signers are trusted")
	fl.StringVar(&c.allowedSigners, "allowed-signers", "", "PEM `FILE` of C2PA signing certificates trusted whatever their chain")
}

// options turns the flags into provenance options, reading the PEM files.
func (c *c2paFlags) options() (provenance.Options, error) {
	o := provenance.Options{VerifyContent: c.verifyContent, VerifyContentMax: int64(c.verifyContentMax)}
	if c.trustAnchors != "" {
		certs, err := readPEMCertificates(c.trustAnchors)
		if err != nil {
			return o, fmt.Errorf("--trust-anchors: %w", err)
		}
		o.TrustAnchors = x509.NewCertPool()
		for _, cert := range certs {
			c.identity = append(c.identity, fmt.Sprintf("anchor %x", sha256.Sum256(cert.Raw)))
			o.TrustAnchors.AddCert(cert)
		}
	}
	if c.allowedSigners != "" {
		certs, err := readPEMCertificates(c.allowedSigners)
		if err != nil {
			return o, fmt.Errorf("--allowed-signers: %w", err)
		}
		for _, cert := range certs {
			c.identity = append(c.identity, fmt.Sprintf("signer %x", sha256.Sum256(cert.Raw)))
			o.AllowedSigners = append(o.AllowedSigners, cert.Raw)
		}
	}
	return o, nil
}

// readPEMCertificates reads every CERTIFICATE block of a PEM file; a file
// with none is an error, so that a wrong path never silently trusts nothing.
func readPEMCertificates(path string) ([]*x509.Certificate, error) {
	data, err := policy.ReadControlFile(path, policy.MaxPolicyFile*16)
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

// sizeFlag is a byte count given as 1048576, 512KiB, 256MiB, 2GiB (K, M, G,
// T, with or without "iB" or "B", are all powers of 1024).
type sizeFlag int64

func (s *sizeFlag) String() string { return formatSize(int64(*s)) }

func (s *sizeFlag) Type() string { return "SIZE" }

func (s *sizeFlag) Set(v string) error {
	n, err := parseSize(v)
	if err != nil {
		return err
	}
	*s = sizeFlag(n)
	return nil
}

var sizeUnits = []struct {
	suffix string
	shift  uint
}{{"T", 40}, {"G", 30}, {"M", 20}, {"K", 10}}

// parseSize parses a byte count with an optional binary unit.
func parseSize(v string) (int64, error) {
	t := strings.TrimSpace(v)
	num, shift := t, uint(0)
	upper := strings.ToUpper(t)
units:
	for _, u := range sizeUnits {
		for _, suf := range []string{u.suffix + "IB", u.suffix + "B", u.suffix} {
			if strings.HasSuffix(upper, suf) {
				num, shift = strings.TrimSpace(t[:len(t)-len(suf)]), u.shift
				break units
			}
		}
	}
	if shift == 0 && strings.HasSuffix(upper, "B") {
		num = strings.TrimSpace(t[:len(t)-1])
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64>>shift {
		return 0, fmt.Errorf("invalid size %q (want a number of bytes, or KiB, MiB, GiB, TiB)", v)
	}
	return n << shift, nil
}

// formatSize writes n with the largest binary unit that divides it.
func formatSize(n int64) string {
	for _, u := range sizeUnits {
		if n != 0 && n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + u.suffix + "iB"
		}
	}
	return strconv.FormatInt(n, 10)
}
