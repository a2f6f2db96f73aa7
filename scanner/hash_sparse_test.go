package scanner_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provscan/provscan/scanner"
	"github.com/provscan/provscan/scanner/policy"
)

// xmpGenAI is an XMP packet declaring the asset generated.
const xmpGenAI = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
	`<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" ` +
	`Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/>` +
	`</rdf:RDF></x:xmpmeta>`

// flaggedMaster writes a sparse 4 GiB MP4 whose movie box, behind the media
// data, carries an XMP packet declaring generated content.
func flaggedMaster(t *testing.T, path string) {
	t.Helper()
	ftyp := box("ftyp", []byte("isom\x00\x00\x02\x00isomiso2mp41"))
	moov := box("moov", box("mvhd", make([]byte, 100)), box("udta", box("XMP_", []byte(xmpGenAI))))
	mdatSize := fourGiB - int64(len(ftyp)) - int64(len(moov)) - 16
	sparseFile(t, path, fourGiB, map[int64][]byte{
		0:                          append(append([]byte{}, ftyp...), largeMdatHeader(mdatSize)...),
		fourGiB - int64(len(moov)): moov,
	})
}

// TestThreeFlaggedMastersReadLittle: three flagged 4 GiB masters, with no
// approvals and no --hash, are not read whole: under 1 MiB each, from
// summary.bytes_read. Nor are they with an approval of another size.
func TestThreeFlaggedMastersReadLittle(t *testing.T) {
	dir := t.TempDir()
	for i := range 3 {
		flaggedMaster(t, filepath.Join(dir, fmt.Sprintf("reel%d.mp4", i+1)))
	}
	other := int64(12345)
	approvals := &policy.Approvals{Entries: []policy.ApprovalEntry{{
		SHA256: strings.Repeat("ab", 32), Size: &other, Rule: "*", Reference: "LEGAL-1", ApprovedBy: "Ana",
	}}}
	for name, opts := range map[string]scanner.Options{
		"no approvals":                {Workers: 2},
		"an approval of another size": {Workers: 2, Approvals: approvals},
	} {
		r, err := scanner.Scan(context.Background(), []string{dir}, opts)
		if err != nil {
			t.Fatal(err)
		}
		if r.Summary.Files != 3 || r.Summary.Bytes != 3*fourGiB || r.Summary.Flagged != 3 {
			t.Fatalf("%s: %d files, %d bytes, %d flagged; want 3 flagged masters of 4 GiB", name, r.Summary.Files, r.Summary.Bytes, r.Summary.Flagged)
		}
		for _, f := range r.Findings {
			if f.SHA256 != "" || f.Rule == "unreadable" || f.Status != "open" {
				t.Errorf("%s: %s %s: sha256 %q status %s (%s)", name, f.Path, f.Rule, f.SHA256, f.Status, f.Message)
			}
		}
		if r.Summary.ByRule["genai-source-type"] != 3 {
			t.Errorf("%s: by rule %v, want genai-source-type on each master", name, r.Summary.ByRule)
		}
		if !r.Gate.Failed {
			t.Errorf("%s: the gate passed", name)
		}
		if r.Summary.BytesRead >= 3<<20 {
			t.Errorf("%s: read %d bytes of three 4 GiB masters, want < 1 MiB each", name, r.Summary.BytesRead)
		}
		t.Logf("%s: %d bytes read of %d (%d per master)", name, r.Summary.BytesRead, r.Summary.Bytes, r.Summary.BytesRead/3)
	}
}
