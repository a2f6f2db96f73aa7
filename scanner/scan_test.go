package scanner

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/provscan/provscan/scanner/policy"
	"github.com/provscan/provscan/scanner/report"
	"github.com/provscan/provscan/scanner/rules"
)

// writeTree creates files (path -> content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// scanWithin runs Scan and fails the test if it does not finish in time
// (a FIFO opened for reading or a symlink loop would hang it).
func scanWithin(t *testing.T, roots []string, opts Options) *report.Report {
	t.Helper()
	if opts.Inspect == nil {
		opts.Inspect = fakeInspect
	}
	type res struct {
		r   *report.Report
		err error
	}
	ch := make(chan res, 1)
	go func() {
		r, err := Scan(context.Background(), roots, opts)
		ch <- res{r, err}
	}()
	select {
	case got := <-ch:
		if got.err != nil {
			t.Fatalf("Scan: %v", got.err)
		}
		return got.r
	case <-time.After(2 * time.Minute):
		// A hang guard, not a speed check: generous enough for the race
		// detector on a loaded 2-core runner (the link fan-out test takes
		// about 4 s without it).
		t.Fatal("Scan did not finish in 2 minutes")
		return nil
	}
}

func paths(fs []report.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Path+" "+f.Rule)
	}
	return out
}

func TestScanTree(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"a.png":             "GENAI\n",
		"clean.jpg":         "CLEAN\n",
		"notes.txt":         "just text\n",
		"broken.jpg":        "BROKEN\n",
		"skip/x.png":        "GENAI\n",
		"tmp/y.png":         "GENAI\n",
		"deep/down/z.tmp":   "GENAI\n",
		"deep/down/p.png":   "PROMPT\n",
		"shots/photo.jpg":   "CLEAN\n",
		"shots/photo.xmp":   "GENAI\n",
		"shots/other.c2pa":  "GENAI\n",
		IgnoreFile:          "# ignore scratch\ntmp/\n",
		"pkg/archive.zip":   "ZIP2\n",
		"pkg/x/a.panic.png": "PANIC\n",
	})
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.png", filepath.Join(dir, "link.png")); err != nil {
		t.Fatal(err)
	}
	r := scanWithin(t, []string{dir}, Options{Workers: 3, Exclude: []string{"skip/**", "*.tmp"}})

	want := []string{
		"a.png genai-generator",
		"broken.jpg unreadable",
		"deep/down/p.png prompt-embedded",
		"link.png genai-generator", // link.png -> a.png: read once, reported at both paths
		"pkg/archive.zip!/a.png genai-generator",
		"pkg/x/a.panic.png unreadable",
		"shots/other.c2pa genai-generator",
		"shots/photo.xmp genai-generator",
	}
	if got := paths(r.Findings); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	s := r.Summary
	// a.png clean.jpg notes.txt broken.jpg p.png photo.jpg photo.xmp other.c2pa archive.zip a.panic.png
	if s.Files != 10 || s.Members != 2 || s.Unsupported != 2 || s.Flagged != 6 {
		t.Errorf("summary files=%d members=%d unsupported=%d flagged=%d, want 10 2 2 6", s.Files, s.Members, s.Unsupported, s.Flagged)
	}
	if s.SkippedSpecial != 1 || s.SkippedSymlinks != 1 || s.Excluded != 3 {
		t.Errorf("skipped special=%d symlinks=%d excluded=%d, want 1 1 3", s.SkippedSpecial, s.SkippedSymlinks, s.Excluded)
	}
	if s.ByRule[rules.GenAIGenerator] != 5 || s.BySeverity["high"] != 5 || s.BySeverity["info"] != 2 || s.BySeverity["medium"] != 1 {
		t.Errorf("by_rule/by_severity wrong: %v %v", s.ByRule, s.BySeverity)
	}
	for _, f := range r.Findings {
		switch f.Path {
		case "shots/photo.xmp":
			if !strings.Contains(f.Message, "sidecar of shots/photo.jpg") {
				t.Errorf("sidecar message %q does not name the media file", f.Message)
			}
		case "shots/other.c2pa":
			if strings.Contains(f.Message, "sidecar") {
				t.Errorf("other.c2pa has no media file next to it, got %q", f.Message)
			}
		case "broken.jpg":
			if !strings.Contains(f.Message, "bad segment length") || f.Severity != rules.Info {
				t.Errorf("unreadable finding should carry the reason at info: %+v", f)
			}
		case "pkg/x/a.panic.png":
			if !strings.Contains(f.Message, "reader bug") {
				t.Errorf("panic reason missing: %q", f.Message)
			}
		}
		if f.SHA256 != "" {
			t.Errorf("%s: hashed without --hash or an approval of its size", f.Path)
		}
		if f.Format == "" && f.Path != "pkg/x/a.panic.png" || f.Size == 0 || f.Principle == "" && f.Rule != rules.Unreadable {
			t.Errorf("%s: incomplete finding %+v", f.Path, f)
		}
	}
	if len(r.Errors) != 0 {
		t.Errorf("unexpected errors: %+v", r.Errors)
	}
}

func TestSHA256OnlyWhenAsked(t *testing.T) {
	dir := t.TempDir()
	big := "GENAI\n" + strings.Repeat("x", 100<<10) // larger than the head read
	writeTree(t, dir, map[string]string{"a.png": big, "b.png": "CLEAN\n"})
	// No approvals, no --hash: each file's first 64 KiB are read once up
	// front, the fake reads a.png whole (the rest past the head from the
	// file), nothing is hashed.
	r := scanWithin(t, []string{dir}, Options{Workers: 1})
	want := int64(len(big) + len("CLEAN\n"))
	if r.Summary.BytesRead != want || r.Findings[0].SHA256 != "" {
		t.Errorf("bytes_read = %d, want %d; sha256 %q, want none", r.Summary.BytesRead, want, r.Findings[0].SHA256)
	}
	if r.Summary.Bytes != int64(len(big)+len("CLEAN\n")) {
		t.Errorf("bytes = %d", r.Summary.Bytes)
	}
	// --hash: a.png is hashed after the fake read it whole; bytes_read
	// counts it once (at most its size), and b.png (clean) is not hashed.
	r = scanWithin(t, []string{dir}, Options{Workers: 1, Hash: true})
	if r.Summary.BytesRead != want {
		t.Errorf("--hash: bytes_read = %d, want %d (each file counted at most once in full)", r.Summary.BytesRead, want)
	}
	sum := sha256.Sum256([]byte(big))
	if r.Findings[0].SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("sha256 = %q", r.Findings[0].SHA256)
	}
}

// symlinkTree writes files and links (name -> target) under a new folder.
func symlinkTree(t *testing.T, files map[string]string, links map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	for name, target := range links {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func linkOutcomes(r *report.Report) map[string]string {
	m := map[string]string{}
	for _, l := range r.Links {
		m[l.Path] = l.Outcome + " " + l.Resolved
	}
	return m
}

func TestSymlinks(t *testing.T) {
	outside := t.TempDir()
	writeTree(t, outside, map[string]string{"o.png": "GENAI\n"})
	dir := symlinkTree(t,
		map[string]string{"a/x.png": "GENAI\n", "b/y.png": "CLEAN\n", "proxies/p.png": "GENAI\n", "proxies/q.png": "CLEAN\n"},
		map[string]string{
			"a/up":            "..",                            // back to a folder that holds it: a loop
			"b/toA":           "../a",                          // a second way into a: its files are inspected at their own paths
			"a/x-link.png":    "x.png",                         // a file reached at its own path: read once, reported at both
			"a/dangling.png":  "missing.png",                   // nowhere
			"a/loop.png":      "loop.png",                      // a link to itself
			"b/out.png":       filepath.Join(outside, "o.png"), // outside every root
			"b/outdir":        outside,                         // a folder outside every root
			"b/proc.png":      "/proc/self/cwd/a/x.png",        // resolves against provscan, not the delivery
			"final/proxy.png": "../proxies/p.png",              // into an excluded folder: inspected through the link
			"final/again":     "../proxies",                    // an excluded folder: walked through the link
			"final/proxies":   "../proxies",                    // the same folder a second time: each file read once
		})
	r := scanWithin(t, []string{dir}, Options{Exclude: []string{"proxies/**"}})
	got := strings.Join(paths(r.Findings), ",")
	want := strings.Join([]string{
		"a/dangling.png symlink-unchecked", "a/loop.png symlink-unchecked", "a/up symlink-unchecked",
		"a/x-link.png genai-generator", "a/x.png genai-generator",
		"b/out.png symlink-unchecked", "b/outdir symlink-unchecked", "b/proc.png symlink-unchecked",
		// through b/toA, its links are the delivery's paths too
		"b/toA/dangling.png symlink-unchecked", "b/toA/loop.png symlink-unchecked", "b/toA/up symlink-unchecked",
		"b/toA/x-link.png genai-generator", "b/toA/x.png genai-generator",
		"final/again/p.png genai-generator", "final/proxies/p.png genai-generator", "final/proxy.png genai-generator",
	}, ",")
	if got != want {
		t.Errorf("findings\n got %s\nwant %s", got, want)
	}
	outcome := linkOutcomes(r)
	for p, w := range map[string]string{
		"a/up": "loop .", "b/toA": "inspected a", "a/x-link.png": "inspected a/x.png",
		"a/dangling.png": "dangling ", "a/loop.png": "loop ", "b/out.png": "outside ", "b/outdir": "outside ", "b/proc.png": "outside ",
		"final/proxy.png": "inspected proxies/p.png", "final/again": "inspected proxies", "final/proxies": "inspected proxies",
	} {
		if outcome[p] != w {
			t.Errorf("link %s: %q, want %q", p, outcome[p], w)
		}
	}
	targets := map[string]string{}
	for _, f := range r.Findings {
		targets[f.Path] = f.LinkTarget
		if f.Path == "b/out.png" && (f.Severity != rules.High || !f.FailsGate || len(f.Evidence) != 1 || f.Evidence[0].Value != filepath.Join(outside, "o.png")) {
			t.Errorf("outside link finding: %+v", f)
		}
	}
	for p, w := range map[string]string{"a/x.png": "", "a/x-link.png": "a/x.png", "b/toA/x.png": "a/x.png",
		"final/proxy.png": "proxies/p.png", "final/again/p.png": "proxies/p.png", "final/proxies/p.png": "proxies/p.png"} {
		if targets[p] != w {
			t.Errorf("%s: link_target %q, want %q", p, targets[p], w)
		}
	}
	// Read: a/x.png, b/y.png, final/proxy.png (proxies/p.png through the
	// link), final/again/q.png; final/again/p.png is proxies/p.png again.
	if r.Summary.Files != 4 {
		t.Errorf("files = %d, want 4", r.Summary.Files)
	}
	if !r.Gate.Failed {
		t.Error("links out of the delivery must fail the default gate")
	}
}

// TestSymlinkBypasses holds the ways a delivery tried to get a file past
// the gate through links and control-file names.
func TestSymlinkBypasses(t *testing.T) {
	t.Run("a folder named like a control file is walked", func(t *testing.T) {
		dir := symlinkTree(t, map[string]string{".provscan.yaml/shot.png": "GENAI\n", ".provscanignore/shot.png": "GENAI\n"}, nil)
		for _, o := range []Options{{}, {NoTreePolicy: true}} {
			r := scanWithin(t, []string{dir}, o)
			if got := strings.Join(paths(r.Findings), ","); got != ".provscan.yaml/shot.png genai-generator,.provscanignore/shot.png genai-generator" {
				t.Errorf("NoTreePolicy=%v: %s", o.NoTreePolicy, got)
			}
		}
	})
	t.Run("a link to the applied ignore file is inspected through the link", func(t *testing.T) {
		dir := symlinkTree(t, map[string]string{IgnoreFile: "GENAI\n"}, map[string]string{"stills/key-art.png": "../" + IgnoreFile})
		r := scanWithin(t, []string{dir}, Options{})
		if got := strings.Join(paths(r.Findings), ","); got != "stills/key-art.png genai-generator" {
			t.Errorf("findings %s", got)
		}
	})
	t.Run("a tree control file that is a link out of the delivery", func(t *testing.T) {
		outside := t.TempDir()
		writeTree(t, outside, map[string]string{"x.png": "GENAI\n"})
		dir := symlinkTree(t, map[string]string{"a.png": "CLEAN\n"}, map[string]string{policy.ConfigFile: outside, IgnoreFile: filepath.Join(outside, "x.png")})
		r := scanWithin(t, []string{dir}, Options{NoTreePolicy: true})
		if got := strings.Join(paths(r.Findings), ","); got != ".provscan.yaml symlink-unchecked,.provscanignore symlink-unchecked" {
			t.Errorf("findings %s", got)
		}
	})
	t.Run("a link to the parent of an excluded folder", func(t *testing.T) {
		dir := symlinkTree(t, map[string]string{"editorial/proxies/shot.png": "GENAI\n", "editorial/cut.png": "CLEAN\n"},
			map[string]string{"stills/ed": "../editorial"})
		r := scanWithin(t, []string{dir}, Options{Exclude: []string{"editorial/proxies/**"}})
		if got := strings.Join(paths(r.Findings), ","); got != "stills/ed/proxies/shot.png genai-generator" {
			t.Errorf("findings %s", got)
		}
		if r.Summary.Files != 2 {
			t.Errorf("files %d, want 2 (editorial/cut.png at its path, the proxy through the link)", r.Summary.Files)
		}
	})
	t.Run("two links to an excluded folder, one of them excluding part of it", func(t *testing.T) {
		dir := symlinkTree(t, map[string]string{"old.bak/proxies/shot.png": "GENAI\n"},
			map[string]string{"editorial": "old.bak", "xfer": "old.bak"})
		r := scanWithin(t, []string{dir}, Options{Exclude: []string{"editorial/proxies/**", "*.bak"}})
		if got := strings.Join(paths(r.Findings), ","); got != "xfer/proxies/shot.png genai-generator" {
			t.Errorf("findings %s", got)
		}
	})
	t.Run("a link into an allowed folder carries its findings to the link's path and policy", func(t *testing.T) {
		dir := symlinkTree(t, map[string]string{"work-in-progress/gen.png": "GENAI\n"},
			map[string]string{"stills/final.png": "../work-in-progress/gen.png", "stills/wip": "../work-in-progress"})
		cfg := &policy.Config{Paths: []policy.PathPolicy{{Path: "work-in-progress/**", Severity: "info", Allow: true, Reason: "wip"}}}
		r := scanWithin(t, []string{dir}, Options{Config: cfg})
		status := map[string]string{}
		for _, f := range r.Findings {
			status[f.Path] = f.Status
		}
		if status["work-in-progress/gen.png"] != report.StatusAllowed || status["stills/final.png"] != report.StatusOpen || status["stills/wip/gen.png"] != report.StatusOpen || !r.Gate.Failed {
			t.Errorf("statuses %v, gate %+v", status, r.Gate)
		}
		if r.Summary.Files != 1 {
			t.Errorf("files %d: the target is read once", r.Summary.Files)
		}
	})
	t.Run("links that lead to each other", func(t *testing.T) {
		dir := symlinkTree(t, map[string]string{"A/a.png": "CLEAN\n", "B/b.png": "GENAI\n"},
			map[string]string{"l1": "l2", "l2": "l1", "A/toB": "../B", "B/toA": "../A"})
		r := scanWithin(t, []string{dir}, Options{})
		o := linkOutcomes(r)
		if o["l1"] != "loop " || o["l2"] != "loop " || o["A/toB"] != "inspected B" || o["A/toB/toA"] != "loop A" || o["B/toA/toB"] != "loop B" {
			t.Errorf("outcomes %v", o)
		}
		if got := strings.Join(paths(r.Findings), ","); !strings.Contains(got, "A/toB/b.png genai-generator") || !strings.Contains(got, "l1 symlink-unchecked") {
			t.Errorf("findings %s", got)
		}
	})
	t.Run("a link to a folder that holds it is a finding: what the walk excludes under it is delivered again", func(t *testing.T) {
		dir := symlinkTree(t, map[string]string{"editorial/proxies/shot.png": "GENAI\n", "stills/a.png": "CLEAN\n"},
			map[string]string{"stills/all": ".."})
		r := scanWithin(t, []string{dir}, Options{Exclude: []string{"editorial/proxies/**"}})
		if got := strings.Join(paths(r.Findings), ","); got != "stills/all symlink-unchecked" || !r.Gate.Failed {
			t.Errorf("findings %s", got)
		}
	})
	t.Run("a link to another root folder itself keeps that root's exclusions and policy", func(t *testing.T) {
		del := symlinkTree(t, map[string]string{"plate.png": "CLEAN\n"}, nil)
		ref := symlinkTree(t, map[string]string{"concept/gen.png": "GENAI\n"}, nil)
		os.Symlink(ref, filepath.Join(del, "l"))
		r := scanWithin(t, []string{del, ref}, Options{Exclude: []string{"concept/**"}})
		if got := strings.Join(paths(r.Findings), ","); got != "l/concept/gen.png genai-generator" {
			t.Errorf("exclude: findings %s", got)
		}
		cfg := &policy.Config{Paths: []policy.PathPolicy{{Path: "concept/**", Severity: "info", Allow: true, Reason: "concept art"}}}
		r = scanWithin(t, []string{del, ref}, Options{Config: cfg})
		status := map[string]string{}
		for _, f := range r.Findings {
			status[f.Path] = f.Status
		}
		if status["concept/gen.png"] != report.StatusAllowed || status["l/concept/gen.png"] != report.StatusOpen {
			t.Errorf("allow: %v", status)
		}
	})
	t.Run("links into /proc however they are spelt", func(t *testing.T) {
		dir := symlinkTree(t, map[string]string{"stills/a.png": "CLEAN\n"}, map[string]string{
			"stills/b.png": strings.Repeat("../", 40) + "proc/self/cwd/stills/a.png",
			"stills/c.png": "//proc/self/cwd/stills/a.png",
			"stills/d.png": "/./proc/self/cwd/stills/a.png",
			"stills/via":   "/proc/self",
			"stills/e.png": "via/cwd/stills/a.png",
		})
		r := scanWithin(t, []string{dir}, Options{})
		o := linkOutcomes(r)
		for _, p := range []string{"stills/b.png", "stills/c.png", "stills/d.png", "stills/via", "stills/e.png"} {
			if !strings.HasPrefix(o[p], "outside") {
				t.Errorf("%s: %q, want outside", p, o[p])
			}
		}
	})
	t.Run("a folder named like an archive member path", func(t *testing.T) {
		dir := symlinkTree(t, map[string]string{"work-in-progress!/final.png": "GENAI\n", "work-in-progress/v2!/gen.png": "GENAI\n"},
			map[string]string{"stills/final.png": "../work-in-progress/v2!/gen.png"})
		cfg := &policy.Config{Paths: []policy.PathPolicy{{Path: "work-in-progress/**", Severity: "info", Allow: true, Reason: "wip"}}}
		r := scanWithin(t, []string{dir}, Options{Config: cfg})
		status := map[string]string{}
		for _, f := range r.Findings {
			status[f.Path] = f.Status
		}
		if status["work-in-progress!/final.png"] != report.StatusOpen || status["work-in-progress/v2!/gen.png"] != report.StatusAllowed ||
			status["stills/final.png"] != report.StatusOpen || !r.Gate.Failed {
			t.Errorf("statuses %v", status)
		}
	})
	t.Run("links that fan out are bounded", func(t *testing.T) {
		// Each level links twice to the next: 2^20 paths through links.
		files, links := map[string]string{"d20/x.png": "CLEAN\n"}, map[string]string{}
		for i := 0; i < 20; i++ {
			links[fmt.Sprintf("d%d/a", i)] = fmt.Sprintf("../d%d", i+1)
			links[fmt.Sprintf("d%d/b", i)] = fmt.Sprintf("../d%d", i+1)
			files[fmt.Sprintf("d%d/.keep", i)] = ""
		}
		dir := symlinkTree(t, files, links)
		r := scanWithin(t, []string{dir}, Options{AllowEmpty: true})
		failed := false
		for _, e := range r.Errors {
			failed = failed || strings.Contains(e.Error, "symbolic links lead to more than")
		}
		if !failed || !r.Gate.Failed {
			t.Errorf("no error for the walk cut short: errors %+v", r.Errors)
		}
	})
}

func TestPermissionDenied(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: permissions do not stop root from reading")
	}
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"ok.png": "GENAI\n", "locked/in.png": "GENAI\n", "secret.png": "GENAI\n"})
	if err := os.Chmod(filepath.Join(dir, "secret.png"), 0); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "locked"), 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(dir, "locked"), 0o755) })
	r := scanWithin(t, []string{dir}, Options{})
	if got := paths(r.Findings); len(got) != 1 || got[0] != "ok.png genai-generator" {
		t.Errorf("findings %v", got)
	}
	if len(r.Errors) != 2 || r.Errors[0].Path != "locked" || r.Errors[1].Path != "secret.png" {
		t.Fatalf("errors %+v", r.Errors)
	}
	for _, e := range r.Errors {
		if !strings.Contains(e.Error, "permission denied") || strings.Contains(e.Error, dir) {
			t.Errorf("error %+v should say permission denied without the absolute path", e)
		}
	}
	if r.Summary.Errors != 2 {
		t.Errorf("summary errors = %d", r.Summary.Errors)
	}
}

func TestVanishedFile(t *testing.T) {
	s := &scan{ctx: context.Background(), opts: &Options{}, inspect: fakeInspect}
	fr := s.file(job{root: "r", path: filepath.Join(t.TempDir(), "gone.png"), rel: "gone.png"})
	if len(fr.errors) != 1 || !strings.Contains(fr.errors[0].Error, "vanished") || fr.files != 0 {
		t.Errorf("vanished file: %+v", fr)
	}
}

func TestArchiveDepthCap(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"deep.zip": "ZIPDEEP\n"})
	r := scanWithin(t, []string{dir}, Options{})
	if r.Summary.Members != MaxArchiveDepth {
		t.Errorf("members scanned = %d, want %d", r.Summary.Members, MaxArchiveDepth)
	}
	want := "deep.zip!/inner.zip!/inner.zip!/inner.zip"
	if len(r.Errors) != 1 || r.Errors[0].Path != want || !strings.Contains(r.Errors[0].Error, "nested") {
		t.Errorf("errors %+v, want one for %s", r.Errors, want)
	}
}

func TestMissingRootFailsTheScan(t *testing.T) {
	dir := t.TempDir()
	_, err := Scan(context.Background(), []string{dir, filepath.Join(dir, "nope")}, Options{Inspect: fakeInspect})
	if err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("err = %v", err)
	}
	if _, err := Scan(context.Background(), []string{dir}, Options{Exclude: []string{"[oops"}}); err == nil {
		t.Error("a malformed exclude glob should fail the scan")
	}
}

func TestCancelledScan(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a.png": "GENAI\n", "b.png": "GENAI\n"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Scan(ctx, []string{dir}, Options{Inspect: fakeInspect}); err == nil {
		t.Error("a cancelled scan should return an error")
	}
}

func TestFileRoot(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"sub/a.png": "GENAI\n", "b.png": "PROMPT\n"})
	r := scanWithin(t, []string{filepath.Join(dir, "sub", "a.png"), filepath.Join(dir, "b.png")}, Options{})
	if got := paths(r.Findings); strings.Join(got, ",") != "a.png genai-generator,b.png prompt-embedded" {
		t.Errorf("findings %v", got)
	}
	if len(r.Roots) != 2 || !strings.HasSuffix(r.Roots[0], "sub/a.png") {
		t.Errorf("roots %v", r.Roots)
	}
}

// stripTiming zeroes the fields that legitimately change between runs.
func stripTiming(t *testing.T, r *report.Report) []byte {
	t.Helper()
	c := *r
	c.Started, c.Summary.DurationMS = "", 0
	var b bytes.Buffer
	if err := report.WriteJSON(&b, &c); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDeterministic(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	kinds := []string{"GENAI\n", "CLEAN\n", "PROMPT\n", "BROKEN\n", "other\n", "ZIP2\n"}
	for i := range 60 {
		files[filepath.ToSlash(filepath.Join(string(rune('a'+i%5)), string(rune('k'+i%7)), "f"+string(rune('A'+i))+".png"))] = kinds[i%len(kinds)]
	}
	writeTree(t, dir, files)
	one := stripTiming(t, scanWithin(t, []string{dir}, Options{Workers: 1}))
	four := stripTiming(t, scanWithin(t, []string{dir}, Options{Workers: 4}))
	again := stripTiming(t, scanWithin(t, []string{dir}, Options{Workers: 4}))
	if !bytes.Equal(one, four) || !bytes.Equal(four, again) {
		t.Errorf("reports differ between runs or worker counts:\n%s\n----\n%s", one, four)
	}
	var r report.Report
	if err := json.Unmarshal(one, &r); err != nil {
		t.Fatal(err)
	}
	if r.Summary.Files != 60 || len(r.Findings) == 0 {
		t.Errorf("files=%d findings=%d", r.Summary.Files, len(r.Findings))
	}
}

func TestWorkersDefault(t *testing.T) {
	if (&Options{}).workers() != runtime.NumCPU() || (&Options{Workers: 3}).workers() != 3 {
		t.Error("workers default")
	}
}

func TestSidecarMedia(t *testing.T) {
	sib := map[string]bool{"a.jpg": true, "a.xmp": true, "b.tif.xmp": true, "b.tif": true, "c.xmp": true, "d.png": true, "d.c2pa": true, "d.jpg": true}
	for name, want := range map[string]string{
		"a.xmp": "a.jpg", "b.tif.xmp": "b.tif", "c.xmp": "", "d.c2pa": "d.jpg", "a.jpg": "", "D.XMP": "",
	} {
		if got := sidecarMedia(name, newSiblings(sib)); got != want {
			t.Errorf("sidecarMedia(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestWorkersBounded: a policy's workers value is bounded like the flag's,
// so that a tree policy cannot ask for a hundred million goroutines.
func TestWorkersBounded(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a.png": "CLEAN\n"})
	for _, n := range []int{-1, MaxWorkers + 1, 100000000} {
		if _, err := Scan(context.Background(), []string{dir}, Options{Inspect: fakeInspect, Workers: n}); err == nil || !strings.Contains(err.Error(), "workers") {
			t.Errorf("workers %d: err %v", n, err)
		}
	}
	if _, err := Scan(context.Background(), []string{dir}, Options{Inspect: fakeInspect, Workers: MaxWorkers}); err != nil {
		t.Errorf("workers %d: %v", MaxWorkers, err)
	}
}
