package scanner

import (
	"context"
	"github.com/provscan/provscan/scanner/policy"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A pattern over the glob complexity cap is refused before any work, by
// Scan, Count and the policy loader alike.
func TestExcludeTooComplex(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a.png": "GENAI\n"})
	bad := strings.Repeat("{*,**/}", 20) + "z" // takes doublestar a second per path
	_, err := Scan(context.Background(), []string{dir}, Options{Inspect: fakeInspect, Exclude: []string{bad}})
	if err == nil || !strings.Contains(err.Error(), "wildcards and alternatives") {
		t.Errorf("Scan with %q: %v, want the complexity cap", bad, err)
	}
	if n := Count(context.Background(), []string{dir}, Options{Exclude: []string{bad}}); n != 0 {
		t.Errorf("Count with a refused pattern = %d, want 0", n)
	}
	cfg := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(cfg, []byte("exclude:\n  - '"+bad+"'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := policy.LoadConfig(cfg); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Errorf("LoadConfig: %v, want the complexity cap", err)
	}
}

// A pattern within the cap that makes doublestar backtrack excludes as
// doublestar would, without the cost.
func TestExcludeBacktrackingPattern(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"a.png":             "GENAI\n",
		"deep/er/still/fz":  "GENAI\n",
		"deep/er/still/b.c": "GENAI\n",
	})
	pat := strings.Repeat("{*,**/,*/*,?*,**/*/}", 4) + "z"
	r := scanWithin(t, []string{dir}, Options{Exclude: []string{pat}})
	if r.Summary.Excluded != 1 {
		t.Errorf("excluded %d, want 1 (deep/er/still/fz)", r.Summary.Excluded)
	}
	for _, f := range r.Findings {
		if strings.HasSuffix(f.Path, "fz") {
			t.Errorf("finding on excluded %s", f.Path)
		}
	}
}
