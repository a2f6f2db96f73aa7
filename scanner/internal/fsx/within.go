package fsx

import (
	"path/filepath"
	"strings"
)

// Within returns path relative to dir and whether path lies under dir (dir
// itself included), by their names alone: links are not resolved, so both
// should be absolute with their links resolved, or both relative.
func Within(dir, path string) (rel string, ok bool) {
	rel, err := filepath.Rel(dir, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return rel, true
}
