//go:build unix

package scanner

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/provscan/provscan/provenance"
)

// TestSwapToLinkDuringScan swaps a file and a folder of the delivery for
// symbolic links to content outside it after the walk listed their folder
// and before either is opened (a hook of the walker, so the race is won
// every time): the content outside is never read, and both paths are
// errors that fail the gate.
func TestSwapToLinkDuringScan(t *testing.T) {
	outside := t.TempDir()
	writeTree(t, outside, map[string]string{"secret.png": "GENAI\nOUTSIDE\n", "dir/inner.png": "GENAI\nOUTSIDE\n"})
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"stills/hero.png": "CLEAN\n", "stills/sub/a.png": "CLEAN\n", "stills/z.png": "CLEAN\n"})
	stills := filepath.Join(dir, "stills")
	swapped := false
	walkHookListed = func(p string) {
		if p != stills || swapped {
			return
		}
		swapped = true
		must(t, os.Remove(filepath.Join(stills, "hero.png")))
		must(t, os.Symlink(filepath.Join(outside, "secret.png"), filepath.Join(stills, "hero.png")))
		must(t, os.RemoveAll(filepath.Join(stills, "sub")))
		must(t, os.Symlink(filepath.Join(outside, "dir"), filepath.Join(stills, "sub")))
	}
	t.Cleanup(func() { walkHookListed = nil })
	inspect, read := recordReads()
	for _, workers := range []int{1, 4} {
		swapped = false
		os.Remove(filepath.Join(stills, "hero.png"))
		os.Remove(filepath.Join(stills, "sub"))
		writeTree(t, dir, map[string]string{"stills/hero.png": "CLEAN\n", "stills/sub/a.png": "CLEAN\n"})
		*read = nil
		r := scanWithin(t, []string{dir}, Options{Workers: workers, Inspect: inspect})
		if !swapped {
			t.Fatal("the hook never ran")
		}
		for _, c := range *read {
			if strings.Contains(c, "OUTSIDE") {
				t.Errorf("workers=%d: read content outside the delivery through a link swapped in: %q", workers, c)
			}
		}
		errs := map[string]string{}
		for _, e := range r.Errors {
			errs[e.Path] = e.Error
		}
		if !strings.Contains(errs["stills/hero.png"], "symbolic link, not followed") || !strings.Contains(errs["stills/sub"], "symbolic link, not followed") {
			t.Errorf("workers=%d: errors %+v, want stills/hero.png and stills/sub named as links not followed", workers, r.Errors)
		}
		if len(r.Findings) != 0 || r.Summary.Files != 1 || !r.Gate.Failed {
			t.Errorf("workers=%d: findings %v, files %d, gate %+v", workers, paths(r.Findings), r.Summary.Files, r.Gate)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestCancelledScanDropsFolders: a scan cancelled with jobs queued leaves
// no folder open.
func TestCancelledScanDropsFolders(t *testing.T) {
	files := map[string]string{}
	for i := range 300 {
		files[filepath.Join("d"+string(rune('a'+i%20)), "f"+string(rune('a'+i/20))+".png")] = "CLEAN\n"
	}
	dir := t.TempDir()
	writeTree(t, dir, files)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	inspect := func(r io.ReaderAt, size int64, name string, o provenance.Options) (*provenance.Provenance, error) {
		if n++; n == 5 {
			cancel()
		}
		return fakeInspect(r, size, name, o)
	}
	Scan(ctx, []string{dir}, Options{Workers: 1, Inspect: inspect})
	if c := openFolders(); c != 0 {
		t.Errorf("%d folders left open after a cancelled scan", c)
	}
	Count(context.Background(), []string{dir}, Options{})
	if c := openFolders(); c != 0 {
		t.Errorf("%d folders left open after Count", c)
	}
}

// TestDeepFolders: folders nested past maxDirDepth are an error for the
// first folder not walked (each level holds a descriptor), not a silent stop.
func TestDeepFolders(t *testing.T) {
	dir := t.TempDir()
	p := strings.Repeat("d/", maxDirDepth+10) + "x.png"
	writeTree(t, dir, map[string]string{"a.png": "CLEAN\n", p: "GENAI\n"})
	r := scanWithin(t, []string{dir}, Options{})
	want := strings.Repeat("d/", maxDirDepth-1) + "d"
	if len(r.Errors) != 1 || r.Errors[0].Path != want || !strings.Contains(r.Errors[0].Error, "nested more than") || !r.Gate.Failed {
		t.Errorf("errors %+v, gate %+v", r.Errors, r.Gate)
	}
	if c := openFolders(); c != 0 {
		t.Errorf("%d folders left open", c)
	}
}

// TestSwapAfterLinkResolved: what a link inside the root resolved to is
// swapped for a link to content outside before it is opened: a file (then
// the worker's openat refuses it) and a folder on the way (then the walk's
// open beneath the root refuses it). Nothing outside is read.
func TestSwapAfterLinkResolved(t *testing.T) {
	outside := t.TempDir()
	writeTree(t, outside, map[string]string{"a.png": "GENAI\nOUTSIDE\n", "b.png": "GENAI\nOUTSIDE\n", "c.png": "GENAI\nOUTSIDE\n"})
	dir := symlinkTree(t, map[string]string{"x/a.png": "CLEAN\n", "y/b.png": "CLEAN\n", "z/c.png": "CLEAN\n"},
		map[string]string{"la.png": "x/a.png", "lb.png": "y/b.png", "lz": "z"})
	walkHookResolved = func(p string) {
		switch filepath.Base(p) {
		case "la.png": // the file itself
			must(t, os.Remove(filepath.Join(dir, "x", "a.png")))
			must(t, os.Symlink(filepath.Join(outside, "a.png"), filepath.Join(dir, "x", "a.png")))
		case "lb.png": // the folder that holds it
			must(t, os.RemoveAll(filepath.Join(dir, "y")))
			must(t, os.Symlink(outside, filepath.Join(dir, "y")))
		case "lz": // the folder linked to
			must(t, os.RemoveAll(filepath.Join(dir, "z")))
			must(t, os.Symlink(outside, filepath.Join(dir, "z")))
		}
	}
	t.Cleanup(func() { walkHookResolved = nil })
	inspect, read := recordReads()
	// Only the links are walked as they come first: exclude the real paths.
	r := scanWithin(t, []string{dir}, Options{Inspect: inspect, Exclude: []string{"x", "y", "z"}})
	for _, c := range *read {
		if strings.Contains(c, "OUTSIDE") {
			t.Errorf("read content outside the delivery: %q", c)
		}
	}
	errs := map[string]string{}
	for _, e := range r.Errors {
		errs[e.Path] = e.Error
	}
	for _, p := range []string{"la.png", "lb.png", "lz"} {
		if !strings.Contains(errs[p], "symbolic link, not followed") {
			t.Errorf("%s: error %q; errors %+v", p, errs[p], r.Errors)
		}
	}
	if !r.Gate.Failed || len(r.Findings) != 0 {
		t.Errorf("findings %v, gate %+v", paths(r.Findings), r.Gate)
	}
}

// recordReads returns fakeInspect that also records, as "name=content", each
// file it reads, and the list of those records.
func recordReads() (InspectFunc, *[]string) {
	var read []string
	var mu sync.Mutex
	return func(r io.ReaderAt, size int64, name string, o provenance.Options) (*provenance.Provenance, error) {
		b := make([]byte, size)
		r.ReadAt(b, 0)
		mu.Lock()
		read = append(read, name+"="+string(b))
		mu.Unlock()
		return fakeInspect(r, size, name, o)
	}, &read
}
