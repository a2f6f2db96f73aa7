package provenance_test

import (
	"crypto/x509"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/provenance/evidence"
	"github.com/provscan/provscan/provenance/internal/corpustest"
)

// countingReaderAt counts the bytes read through it.
type countingReaderAt struct {
	r io.ReaderAt
	n atomic.Int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

// inspectWith inspects the file at path with opts, failing t on an error,
// and returns the bytes the inspection read.
func inspectWith(t *testing.T, path string, opts provenance.Options) (*provenance.Provenance, int64) {
	t.Helper()
	p, n, err := inspectCounted(t, path, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p, n
}

func c2paEvidence(p *provenance.Provenance) (kinds []evidence.Kind, values []string) {
	for _, it := range p.Evidence {
		if it.Kind == evidence.InvalidC2PA || it.Kind == evidence.UntrustedC2PA {
			kinds = append(kinds, it.Kind)
			values = append(values, it.Value)
		}
	}
	return kinds, values
}

// A credential that fails only on its standing (expired, outside the
// profile, outside the trust list) over intact content is untrusted; a
// failed hash or signature is invalid.
func TestCredentialVerdicts(t *testing.T) {
	byDefault := provenance.Options{VerifyContentMax: provenance.DefaultVerifyContentMax}
	for _, tc := range []struct {
		path      []string
		opts      provenance.Options
		want      evidence.Kind
		wantCodes []string
	}{
		{[]string{"c2pa", "public-testfiles", "image", "jpeg", "nikon-20221019-building.jpeg"}, byDefault, evidence.UntrustedC2PA,
			[]string{"signingCredential.expired", "assertion.dataHash.match"}},
		{[]string{"c2pa", "c2pa-extension-validator", "cards_invalid.jpg"}, byDefault, evidence.InvalidC2PA,
			[]string{"assertion.dataHash.mismatch"}},
		// Without the content check the tampered file only shows its expired credential.
		{[]string{"c2pa", "c2pa-extension-validator", "cards_invalid.jpg"}, provenance.Options{}, evidence.UntrustedC2PA,
			[]string{"signingCredential.expired"}},
		{[]string{"c2pa", "c2pa-extension-validator", "cards_trusted.jpg"}, byDefault, evidence.UntrustedC2PA,
			[]string{"signingCredential.invalid", "assertion.dataHash.match"}},
		{[]string{"c2pa", "public-testfiles", "image", "jpeg", "adobe-20220124-E-sig-CA.jpg"}, byDefault, evidence.InvalidC2PA,
			[]string{"claimSignature.mismatch"}},
		// A good signature outside the given trust list.
		{[]string{"genai", "google", "gemini_3.1pro.png"}, provenance.Options{TrustAnchors: x509.NewCertPool()}, evidence.UntrustedC2PA,
			[]string{"signingCredential.untrusted"}},
	} {
		name := strings.Join(tc.path, "/")
		t.Run(name, func(t *testing.T) {
			p, _ := inspectWith(t, corpustest.Dir(t, tc.path...), tc.opts)
			kinds, values := c2paEvidence(p)
			if len(kinds) == 0 || slices.ContainsFunc(kinds, func(k evidence.Kind) bool { return k != tc.want }) {
				t.Fatalf("C2PA evidence %v %v, want only %s", kinds, values, tc.want)
			}
			all := strings.Join(values, ", ")
			for _, c := range tc.wantCodes {
				if !strings.Contains(all, c) {
					t.Errorf("evidence %q lacks %s", all, c)
				}
			}
		})
	}
	// Without a trust list, a good signature is no finding.
	p, _ := inspectWith(t, corpustest.Dir(t, "genai", "google", "gemini_3.1pro.png"), byDefault)
	if kinds, values := c2paEvidence(p); len(kinds) != 0 {
		t.Errorf("gemini_3.1pro.png without a trust list: %v %v", kinds, values)
	}
}

// Hard bindings are checked for files up to VerifyContentMax, and a file
// above it is not read beyond its metadata.
func TestVerifyContentMax(t *testing.T) {
	src := corpustest.Dir(t, "genai", "sora", "videotest2.mp4")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	byDefault := provenance.Options{VerifyContentMax: provenance.DefaultVerifyContentMax}
	p, read := inspectWith(t, src, byDefault)
	if _, values := c2paEvidence(p); !strings.Contains(strings.Join(values, ","), "assertion.bmffHash.match") || read < int64(len(data)) {
		t.Errorf("small file: evidence %v after reading %d of %d bytes; want its BMFF hash checked", values, read, len(data))
	}
	if p, read := inspectWith(t, src, provenance.Options{}); read >= int64(len(data))/2 {
		_, values := c2paEvidence(p)
		t.Errorf("zero options: read %d of %d bytes (%v), want the metadata only", read, len(data), values)
	}

	// The same file made a 4 GiB master by a sparse tail: over the limit.
	big := filepath.Join(t.TempDir(), "master.mp4")
	if err := os.WriteFile(big, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 4<<30); err != nil {
		t.Skipf("no sparse file: %v", err)
	}
	p, read = inspectWith(t, big, byDefault)
	if read >= 1<<20 {
		t.Errorf("4 GiB master over the limit: read %d bytes, want < 1 MiB", read)
	}
	_, values := c2paEvidence(p)
	if strings.Contains(strings.Join(values, ","), "bmffHash") {
		t.Errorf("4 GiB master over the limit: content checked (%v)", values)
	}
	if !(provenance.Options{VerifyContent: true}).VerifiesContent(4<<30) || byDefault.VerifiesContent(4<<30) || !byDefault.VerifiesContent(provenance.DefaultVerifyContentMax) {
		t.Error("VerifiesContent disagrees with its options")
	}
}
