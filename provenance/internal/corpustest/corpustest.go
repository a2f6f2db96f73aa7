// Package corpustest locates the shared corpus of real files (../shared/corpus
// beside the repository) for tests, and skips a test cleanly when it is absent.
package corpustest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Dir returns the corpus path joined with parts (a folder or a file), or
// skips t when that path does not exist, as in a checkout without ../shared.
func Dir(t testing.TB, parts ...string) string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Skipf("corpus not located: %v", err)
	}
	p := filepath.Join(append([]string{root, "..", "shared", "corpus"}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("corpus not present: %v", err)
	}
	return p
}

// repoRoot is the nearest folder above the working directory holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

// EachJPEG calls fn with the path and bytes of every JPEG of the corpus (by
// extension, at most 64 MiB), or skips t when the corpus is absent.
func EachJPEG(t testing.TB, fn func(path string, data []byte)) {
	t.Helper()
	_ = filepath.Walk(Dir(t), func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || info.Size() > 64<<20 {
			return nil
		}
		ext := strings.ToLower(filepath.Ext(path))
		if ext != ".jpg" && ext != ".jpeg" {
			return nil
		}
		if data, err := os.ReadFile(path); err == nil {
			fn(path, data)
		}
		return nil
	})
}
