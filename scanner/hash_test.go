package scanner

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/scanner/policy"
	"github.com/provscan/provscan/scanner/report"
	"github.com/provscan/provscan/scanner/rules"
)

// headInspect is fakeInspect reading only the first line (one small read),
// as a real reader reads the metadata of a big file and seeks past the rest.
func headInspect(r io.ReaderAt, size int64, name string, o provenance.Options) (*provenance.Provenance, error) {
	buf := make([]byte, min(size, 16))
	if _, err := r.ReadAt(buf, 0); err != nil && err != io.EOF {
		return nil, err
	}
	word, _, _ := strings.Cut(string(buf), "\n")
	return fakeInspect(strings.NewReader(word+"\n"), int64(len(word)+1), name, o)
}

func sizeOf(n int) *int64 { v := int64(n); return &v }

func TestHashOnlyForApprovalsOfTheSize(t *testing.T) {
	dir := t.TempDir()
	content := "GENAI\n" + strings.Repeat("m", 200<<10) // past the head read
	writeTree(t, dir, map[string]string{"master.mov": content})
	entry := func(size *int64) *policy.Approvals {
		return &policy.Approvals{Entries: []policy.ApprovalEntry{{SHA256: sha(content), Size: size, Path: "master.mov", Rule: "*", Reference: "LEGAL-5", ApprovedBy: "Ana"}}}
	}
	scan := func(o Options) report.Finding {
		t.Helper()
		o.Inspect, o.Workers = headInspect, 1
		r := scanWithin(t, []string{dir}, o)
		if len(r.Findings) != 1 {
			t.Fatalf("findings %v", paths(r.Findings))
		}
		if r.Summary.BytesRead > r.Summary.Bytes {
			t.Errorf("bytes_read %d > bytes %d", r.Summary.BytesRead, r.Summary.Bytes)
		}
		f := r.Findings[0]
		f.Note += " bytes_read=" + itoa(r.Summary.BytesRead) // checked with the note
		return f
	}
	full := itoa(int64(len(content)))

	// An approval of the file's size: hashed (read once in full, not once
	// more for the head already read) and approved.
	f := scan(Options{Approvals: entry(sizeOf(len(content)))})
	if f.SHA256 != sha(content) || f.Status != report.StatusApproved || f.Approval.Size == nil || !strings.HasSuffix(f.Note, "bytes_read="+full) {
		t.Errorf("approval of the size: %+v", f)
	}
	// An approval of another size: not hashed, open, and the note says the
	// approval was for an earlier version of that path.
	f = scan(Options{Approvals: entry(sizeOf(len(content) + 1))})
	if f.SHA256 != "" || f.Status != report.StatusOpen || !f.FailsGate || !strings.Contains(f.Note, "LEGAL-5 covers an earlier version of this path") ||
		!strings.HasSuffix(f.Note, "bytes_read="+itoa(headSize)) {
		t.Errorf("approval of another size: %+v", f)
	}
	// An approval for another rule only: no hash needed.
	other := entry(sizeOf(len(content)))
	other.Entries[0].Rule = rules.PromptEmbedded
	if f = scan(Options{Approvals: other}); f.SHA256 != "" {
		t.Errorf("approval for another rule hashed the file: %+v", f)
	}
	// An entry without a size (an approvals file from an earlier version)
	// may match any size: hashed, approved.
	if f = scan(Options{Approvals: entry(nil)}); f.SHA256 != sha(content) || f.Status != report.StatusApproved {
		t.Errorf("approval without a size: %+v", f)
	}
	// --hash: hashed, without any approval.
	if f = scan(Options{Hash: true}); f.SHA256 != sha(content) || f.Status != report.StatusOpen || !strings.HasSuffix(f.Note, "bytes_read="+full) {
		t.Errorf("--hash: %+v", f)
	}
	// No approvals, no --hash: the head read only.
	if f = scan(Options{}); f.SHA256 != "" || !strings.HasSuffix(f.Note, "bytes_read="+itoa(headSize)) {
		t.Errorf("no approvals: %+v", f)
	}
}

func TestHashWithinTheFileBudget(t *testing.T) {
	dir := t.TempDir()
	content := "GENAI\n" + strings.Repeat("m", 1<<20)
	writeTree(t, dir, map[string]string{"master.mov": content})
	app := &policy.Approvals{Entries: []policy.ApprovalEntry{{SHA256: sha(content), Size: sizeOf(len(content)), Path: "master.mov", Rule: "*", Reference: "LEGAL-6", ApprovedBy: "Ana"}}}
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		// The metadata fits the read budget, the hash does not.
		{"read budget", Options{FileReadBudget: 512 << 10}, "more than 524288 bytes"},
		// The inspection makes one small read and does not look at the
		// clock; the hash's first 256 KiB read does.
		{"time budget", Options{FileTimeout: time.Nanosecond}, "still reading after 1ns; a longer --file-timeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			{
				o := tc.opts
				o.Inspect, o.Workers, o.Approvals = headInspect, 1, app
				r := scanWithin(t, []string{dir}, o)
				if len(r.Findings) != 1 || len(r.Errors) != 0 {
					t.Fatalf("findings %v errors %v", paths(r.Findings), r.Errors)
				}
				f := r.Findings[0]
				if f.Rule != rules.GenAIGenerator || f.SHA256 != "" || f.Status != report.StatusOpen || !f.FailsGate || !r.Gate.Failed {
					t.Errorf("a hash cut short must leave the finding open: %+v", f)
				}
				if !strings.Contains(f.Note, "sha256 not computed") || !strings.Contains(f.Note, tc.want) ||
					!strings.Contains(f.Note, "no approval can match") || !strings.Contains(f.Note, "approval LEGAL-6 names this path") {
					t.Errorf("note %q", f.Note)
				}
				if r.Summary.BytesRead > r.Summary.Bytes {
					t.Errorf("bytes_read %d > bytes %d", r.Summary.BytesRead, r.Summary.Bytes)
				}
			}
		})
	}
	// Without an approval of its size the same budgets never come into play.
	r := scanWithin(t, []string{dir}, Options{Inspect: headInspect, FileReadBudget: 512 << 10})
	if f := r.Findings[0]; f.Note != "" || f.SHA256 != "" {
		t.Errorf("no approval: %+v", f)
	}
}

// TestBytesReadNeverExceedsBytes: a file shorter than the head read counts
// its own size, and a hashed file whose metadata lies past the head (read
// before the hash reads it all) counts its size once.
func TestBytesReadNeverExceedsBytes(t *testing.T) {
	dir := t.TempDir()
	small := "GENAI\nsmall\n"
	writeTree(t, dir, map[string]string{"small.png": small})
	r := scanWithin(t, []string{dir}, Options{Inspect: headInspect, Hash: true})
	if r.Summary.BytesRead != int64(len(small)) || r.Findings[0].SHA256 != sha(small) {
		t.Errorf("small file: bytes_read %d of %d; %+v", r.Summary.BytesRead, len(small), r.Findings[0])
	}
	// The fake reads the whole file (past its head) and the hash reads it again.
	big := "GENAI\n" + strings.Repeat("b", 300<<10)
	writeTree(t, dir, map[string]string{"big.png": big})
	for _, hash := range []bool{false, true} {
		r = scanWithin(t, []string{dir}, Options{Hash: hash})
		if want := int64(len(small) + len(big)); r.Summary.BytesRead != want || r.Summary.Bytes != want {
			t.Errorf("--hash=%v: bytes_read %d, bytes %d, want %d", hash, r.Summary.BytesRead, r.Summary.Bytes, want)
		}
	}
}

// TestHashZipMember: a member is hashed by its own content and size, and the
// hash of a stored member draws on its archive's budget as well.
func TestHashZipMember(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"pkg.zip": "ZIP2\n"})
	app := &policy.Approvals{Entries: []policy.ApprovalEntry{{SHA256: sha("GENAI\n"), Size: sizeOf(len("GENAI\n")), Rule: "*", Reference: "PKG-1", ApprovedBy: "Ana"}}}
	r := scanWithin(t, []string{dir}, Options{Approvals: app})
	f := byPath(r)["pkg.zip!/a.png genai-generator"]
	if f.SHA256 != sha("GENAI\n") || f.Status != report.StatusApproved || r.Gate.Failed {
		t.Errorf("member approval: %+v", f)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestBaselineWithoutHashes: fingerprints are rule, size, evidence digest and
// path; a baseline finding is matched once, so a copy next to a known file is
// new; hashes, when both reports have them, tell a same-size edit apart; a
// report from an earlier version (fingerprint rule:sha256:path) still works.
func TestBaselineWithoutHashes(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a.png": "GENAI\naaaa\n", "b.png": "GENAI\nbbbb\n", "keep.png": "PROMPT\n"})
	write := func(r *report.Report) string {
		t.Helper()
		p := filepath.Join(t.TempDir(), "old.json")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := report.WriteJSON(f, r); err != nil {
			t.Fatal(err)
		}
		return p
	}
	old := scanWithin(t, []string{dir}, Options{})
	for _, f := range old.Findings {
		if want := f.Rule + ":" + itoa(f.Size) + ":" + policy.EvidenceDigest(f.Evidence) + ":" + f.Path; f.Fingerprint != want || f.SHA256 != "" {
			t.Errorf("fingerprint %q, want %q", f.Fingerprint, want)
		}
	}
	if old.Findings[0].Fingerprint == old.Findings[1].Fingerprint {
		t.Error("two paths, one fingerprint")
	}
	oldFile := write(old)
	hashed := scanWithin(t, []string{dir}, Options{Hash: true})
	hashedFile := write(hashed)
	// The same report as an earlier version wrote it.
	legacy := scanWithin(t, []string{dir}, Options{Hash: true})
	for i := range legacy.Findings {
		f := &legacy.Findings[i]
		f.Fingerprint = f.Rule + ":" + f.SHA256 + ":" + f.Path
	}
	legacyFile := write(legacy)

	// a.png moved to c.png; a copy of b.png as d.png (b.png stays); b.png
	// edited in place keeping its size and metadata.
	if err := os.Rename(filepath.Join(dir, "a.png"), filepath.Join(dir, "c.png")); err != nil {
		t.Fatal(err)
	}
	writeTree(t, dir, map[string]string{"d.png": "GENAI\nbbbb\n", "b.png": "GENAI\nBBBB\n"})
	for _, tc := range []struct {
		name, baseline string
		hash           bool
		want           string
		unchanged      int
	}{
		// Without hashes the in-place edit looks unchanged (the README says so).
		{"no hashes", oldFile, false, "d.png genai-generator", 2},
		{"hashed baseline, no --hash", hashedFile, false, "d.png genai-generator", 2},
		// With hashes on both sides the edit is new; d.png then matches b.png's entry.
		{"hashes on both sides", hashedFile, true, "b.png genai-generator", 1},
		{"earlier version's report", legacyFile, true, "b.png genai-generator", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bl, err := policy.LoadBaseline(tc.baseline)
			if err != nil {
				t.Fatal(err)
			}
			r := scanWithin(t, []string{dir}, Options{Baseline: bl, Hash: tc.hash})
			if got := strings.Join(paths(r.Findings), ","); got != tc.want {
				t.Errorf("new findings %q, want %q", got, tc.want)
			}
			if b := r.Baseline; b.New != 1 || b.Unchanged != tc.unchanged || b.Moved != 3-tc.unchanged {
				t.Errorf("baseline %+v", b)
			}
		})
	}
}
