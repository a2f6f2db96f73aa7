package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/provscan/provscan/scanner/policy"
)

// a1111PNG is a PNG carrying AUTOMATIC1111 generation parameters (flagged by
// genai-generator and prompt-embedded), or a clean PNG for an empty prompt.
func a1111PNG(prompt string) []byte {
	if prompt == "" {
		return stillPNG()
	}
	return stillPNG("parameters\x00" + prompt + "\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 512x512, Model: sd15")
}

// zipOf builds a zip archive: entries stored, or deflated when the name
// starts with "+" (the + dropped).
func zipOf(t *testing.T, files [][2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		name, method := f[0], zip.Store
		if strings.HasPrefix(name, "+") {
			name, method = name[1:], zip.Deflate
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type approveReport struct {
	Findings []struct {
		Path, Rule, SHA256, Status, Note string
		Size                             int64
		Approval                         *struct {
			Reference string
			Size      *int64
		}
	}
	Gate struct{ Failed bool }
}

func scanJSON(t *testing.T, bin, work string, args ...string) (result, approveReport) {
	t.Helper()
	r := runBinary(t, bin, work, append([]string{"scan", "--format", "json"}, args...)...)
	var rep approveReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("scan %v: exit %d: %v\n%s%s", args, r.code, err, r.stdout, r.stderr)
	}
	return r, rep
}

// TestApproveEndToEnd runs provscan approve, built, on folders, archive
// members and files without findings, and checks what a scan then says.
func TestApproveEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	work := t.TempDir()
	deliv := filepath.Join(work, "delivery")
	gen, gen2, plate := a1111PNG("a castle at dawn"), a1111PNG("a lighthouse in a storm, wide"), a1111PNG("")
	notes := "delivery notes, not a format provscan reads\n"
	member, deep := a1111PNG("a boat on a lake, long lens, dusk"), a1111PNG("a deep member")
	inner := zipOf(t, [][2]string{{"deep.png", string(deep)}})
	pkg := zipOf(t, [][2]string{{"art/gen.png", string(member)}, {"+art/notes.txt", notes}, {"nested.zip", string(inner)}})
	writeFiles(t, deliv, map[string][]byte{"stills/gen.png": gen, "stills/gen2.png": gen2, "stills/plate.png": plate, "pkg.zip": pkg})
	approve := func(file string, args ...string) result {
		t.Helper()
		return runBinary(t, bin, work, append(append([]string{"approve"}, args...), "--reference", "LEGAL-9", "--by", "Post supervisor", "--approvals", file)...)
	}
	flagged := []string{"delivery/pkg.zip!/art/gen.png", "delivery/pkg.zip!/nested.zip!/deep.png", "delivery/stills/gen.png", "delivery/stills/gen2.png"}

	t.Run("folder dry run", func(t *testing.T) {
		file := filepath.Join(work, "dry.yaml")
		r := approve(file, "delivery", "--dry-run")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		var listed []string
		for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
			if p, ok := strings.CutPrefix(l, "would approve "); ok {
				listed = append(listed, strings.Fields(p)[0])
			}
		}
		if strings.Join(listed, ",") != strings.Join(flagged, ",") {
			t.Errorf("listed %v, want the flagged files %v\n%s", listed, flagged, r.stdout)
		}
		if !strings.Contains(r.stdout, "delivery/stills/gen.png ("+strconv.Itoa(len(gen))+" bytes, sha256 "+hexSHA(gen)) {
			t.Errorf("no size and hash in\n%s", r.stdout)
		}
		if _, err := os.Stat(file); err == nil {
			t.Error("--dry-run wrote the approvals file")
		}
	})

	t.Run("folder", func(t *testing.T) {
		file := filepath.Join(work, "folder.yaml")
		if r := approve(file, "delivery"); r.code != 0 || !strings.Contains(r.stdout, "4 approval(s) added") {
			t.Fatalf("exit %d: %s%s", r.code, r.stdout, r.stderr)
		}
		loaded, err := policy.LoadApprovals(file)
		if err != nil || len(loaded.Entries) != 4 {
			t.Fatalf("%v %+v", err, loaded)
		}
		for _, e := range loaded.Entries {
			if e.Size == nil || *e.Size == 0 {
				t.Errorf("no size recorded: %+v", e)
			}
			if e.Path == "delivery/pkg.zip!/art/gen.png" && (e.SHA256 != hexSHA(member) || *e.Size != int64(len(member))) {
				t.Errorf("member entry %+v, want the member's hash and size", e)
			}
		}
		r, rep := scanJSON(t, bin, work, "--approvals", file, "delivery")
		if r.code != 0 || rep.Gate.Failed {
			t.Fatalf("all flagged files approved, yet exit %d\n%s", r.code, r.stdout)
		}
		for _, f := range rep.Findings {
			if f.Status != "approved" || f.SHA256 == "" || f.Approval == nil || f.Approval.Size == nil || *f.Approval.Size != f.Size {
				t.Errorf("%s %s: %+v", f.Path, f.Rule, f)
			}
		}
	})

	t.Run("zip member", func(t *testing.T) {
		file := filepath.Join(work, "member.yaml")
		if r := approve(file, "delivery/pkg.zip!/art/gen.png"); r.code != 0 || r.stderr != "" {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		loaded, _ := policy.LoadApprovals(file)
		if len(loaded.Entries) != 1 || loaded.Entries[0].SHA256 != hexSHA(member) || *loaded.Entries[0].Size != int64(len(member)) ||
			loaded.Entries[0].Path != "delivery/pkg.zip!/art/gen.png" {
			t.Fatalf("entries %+v", loaded.Entries)
		}
		r, rep := scanJSON(t, bin, work, "--approvals", file, "delivery")
		if r.code != 1 {
			t.Errorf("other flagged files are not approved, yet exit %d", r.code)
		}
		for _, f := range rep.Findings {
			isMember := f.Path == "pkg.zip!/art/gen.png"
			if isMember != (f.Status == "approved") {
				t.Errorf("%s %s: status %s", f.Path, f.Rule, f.Status)
			}
			// Only the file of the approved size is read whole.
			if isMember != (f.SHA256 != "") {
				t.Errorf("%s: sha256 %q (an approval of its size: %v)", f.Path, f.SHA256, isMember)
			}
		}
		// nested member
		file2 := filepath.Join(work, "nested.yaml")
		if r := approve(file2, "delivery/pkg.zip!/nested.zip!/deep.png"); r.code != 0 {
			t.Fatalf("nested member: exit %d: %s", r.code, r.stderr)
		}
		if loaded, _ := policy.LoadApprovals(file2); len(loaded.Entries) != 1 || loaded.Entries[0].SHA256 != hexSHA(deep) {
			t.Errorf("nested member entries %+v", loaded.Entries)
		}
	})

	t.Run("no finding", func(t *testing.T) {
		file := filepath.Join(work, "clean.yaml")
		r := approve(file, "delivery/stills/plate.png", "delivery/pkg.zip!/art/notes.txt", "delivery/stills/gen.png")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		for _, p := range []string{"delivery/stills/plate.png: has no finding", "delivery/pkg.zip!/art/notes.txt: has no finding"} {
			if !strings.Contains(r.stderr, "provscan: warning: "+p) {
				t.Errorf("no warning %q in stderr %q", p, r.stderr)
			}
		}
		if strings.Contains(r.stderr, "gen.png") {
			t.Errorf("warning for a flagged file: %q", r.stderr)
		}
		loaded, _ := policy.LoadApprovals(file)
		if len(loaded.Entries) != 3 || loaded.Entries[0].SHA256 != hexSHA(plate) ||
			loaded.Entries[1].SHA256 != hexSHA([]byte(notes)) || *loaded.Entries[1].Size != int64(len(notes)) {
			t.Errorf("entries %+v", loaded.Entries)
		}
		// A rule no file has: nothing under the folder, a warning, nothing written.
		file2 := filepath.Join(work, "rule.yaml")
		r = approve(file2, "delivery", "--rule", "synthetic-performance")
		if r.code != 0 || !strings.Contains(r.stderr, "no flagged file with a synthetic-performance finding") || !strings.Contains(r.stdout, "nothing to approve") {
			t.Errorf("exit %d: %s%s", r.code, r.stdout, r.stderr)
		}
		if _, err := os.Stat(file2); err == nil {
			t.Error("an approvals file was written with nothing to approve")
		}
	})

	t.Run("errors write nothing", func(t *testing.T) {
		file := filepath.Join(work, "errors.yaml")
		for _, args := range [][]string{
			{"delivery/stills/gen.png", "delivery/pkg.zip!/no-such.png"},
			{"delivery/stills/gen.png", "delivery/no-such.png"},
			{"delivery/stills/gen.png!/x.png"},
			{"delivery", "--rule", "no-such-rule"},
		} {
			if r := approve(file, args...); r.code != 2 || !strings.HasPrefix(r.stderr, "provscan: ") {
				t.Errorf("%v: exit %d, want 2 with a message: %q", args, r.code, r.stderr)
			}
		}
		if _, err := os.Stat(file); err == nil {
			t.Error("approvals written despite an error")
		}
	})

	t.Run("scan --hash", func(t *testing.T) {
		_, rep := scanJSON(t, bin, work, "delivery")
		for _, f := range rep.Findings {
			if f.SHA256 != "" {
				t.Errorf("no approvals, no --hash, yet %s hashed", f.Path)
			}
		}
		_, rep = scanJSON(t, bin, work, "--hash", "delivery")
		for _, f := range rep.Findings {
			if f.SHA256 == "" {
				t.Errorf("--hash: %s not hashed", f.Path)
			}
			if f.Path == "stills/gen.png" && f.SHA256 != hexSHA(gen) {
				t.Errorf("--hash: %s sha256 %s", f.Path, f.SHA256)
			}
		}
	})
}

// TestApproveErrorsAreNotUsageErrors: a file that cannot be approved is exit
// 2 with the reason, without the "Run --help" hint that only a mistake on
// the command line gets.
func TestApproveErrorsAreNotUsageErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.png")
	code, _, stderr := runCLI("approve", missing, "--reference", "R", "--by", "B", "--approvals", filepath.Join(t.TempDir(), "a.yaml"))
	if code != 2 || !strings.Contains(stderr, "no such file") || strings.Contains(stderr, "--help") {
		t.Errorf("missing file: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = runCLI("approve", missing, "--by", "B")
	if code != 2 || !strings.Contains(stderr, "Run 'provscan approve --help'") {
		t.Errorf("missing --reference: exit %d, stderr %q", code, stderr)
	}
}
