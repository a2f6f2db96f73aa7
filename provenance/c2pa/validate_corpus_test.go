package c2pa

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/provscan/provscan/provenance/readerr"
)

// TestCorpusValidation compares Validate (with VerifyContent) with the
// official SDK's validation of every corpus file it read a manifest from:
// validation state, the set of failure codes of the active manifest, and
// each manifest's signer and signing time. It prints an agreement table;
// disagreements must be listed in testdata/known-differences.md.
func TestCorpusValidation(t *testing.T) {
	dir := corpusDir(t)
	refs := loadReference(t, dir)
	ag := newAgreement(knownDifferences(t), "state", "failures", "hard_binding", "signer", "signing_time")
	for _, r := range refs {
		if !r.HasManifest {
			continue
		}
		path := filepath.Join(dir, filepath.FromSlash(r.Path))
		data, err := storeBytes(path)
		if errors.Is(err, readerr.ErrUnknownFormat) {
			ag.unread = append(ag.unread, r.Path)
			continue
		}
		if err != nil {
			ag.record(r.Path, "state", false, fmt.Sprintf("no store: %v", err))
			continue
		}
		s, _ := Parse(data)
		if s == nil || len(s.Manifests) == 0 {
			ag.record(r.Path, "state", false, "no manifest")
			continue
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := f.Stat()
		opts := Options{VerifyContent: !strings.HasSuffix(path, ".c2pa")}
		Validate(s, opts, f, st.Size())
		f.Close()
		am := s.ActiveManifest()
		ag.record(r.Path, "state", s.ValidationState == deref(r.ValidationState),
			fmt.Sprintf("reference %s, provscan %s (%v; warnings %v)", deref(r.ValidationState), s.ValidationState, am.ValidationStatus, am.Warnings))
		want := slices.Clone(r.ValidationFailures)
		got := slices.Clone(am.ValidationStatus)
		sort.Strings(want)
		sort.Strings(got)
		want, got = slices.Compact(want), slices.Compact(got)
		ag.record(r.Path, "failures", slices.Equal(want, got), fmt.Sprintf("reference %v, provscan %v (warnings %v)", want, got, am.Warnings))
		// The hard binding: where the reference finds no hash mismatch,
		// provscan must have checked the hash and found it to match.
		if opts.VerifyContent {
			var refMismatch, gotMismatch, gotMatch []string
			for _, c := range r.ValidationFailures {
				if strings.HasSuffix(c, "Hash.mismatch") {
					refMismatch = append(refMismatch, c)
				}
			}
			for _, c := range am.ValidationStatus {
				if strings.HasSuffix(c, "Hash.mismatch") {
					gotMismatch = append(gotMismatch, c)
				}
			}
			for _, c := range am.ValidationSuccess {
				if strings.HasSuffix(c, "Hash.match") {
					gotMatch = append(gotMatch, c)
				}
			}
			ok := slices.Equal(refMismatch, gotMismatch) && (len(refMismatch) > 0 || len(gotMatch) > 0 || am.Update)
			ag.record(r.Path, "hard_binding", ok, fmt.Sprintf("reference mismatch %v; provscan mismatch %v, match %v (warnings %v)", refMismatch, gotMismatch, gotMatch, am.Warnings))
		}
		signerOK, timeOK := true, true
		var sd, td []string
		for label, rm := range r.Readers.Wasm.Manifests {
			m := s.Manifest(label)
			if m == nil {
				continue
			}
			var o, cn string
			if m.Signer != nil {
				o, cn = m.Signer.Organization, m.Signer.CommonName
			}
			if o != deref(rm.SignatureIssuer) || cn != deref(rm.SignatureCN) {
				signerOK = false
				sd = append(sd, fmt.Sprintf("%s: reference %q/%q, provscan %q/%q", label, deref(rm.SignatureIssuer), deref(rm.SignatureCN), o, cn))
			}
			var wantT, gotT time.Time
			if rm.SignatureTime != nil {
				wantT, _ = time.Parse(time.RFC3339, *rm.SignatureTime)
				wantT = wantT.Truncate(time.Second)
			}
			if m.SigningTime != nil {
				gotT = m.SigningTime.Truncate(time.Second)
			}
			if !wantT.Equal(gotT) {
				timeOK = false
				td = append(td, fmt.Sprintf("%s: reference %v, provscan %v", label, wantT, gotT))
			}
		}
		ag.record(r.Path, "signer", signerOK, strings.Join(sd, "; "))
		ag.record(r.Path, "signing_time", timeOK, strings.Join(td, "; "))
	}
	ag.report(t, "files with a manifest")
}
