//go:build !unix

package scanner

import "path/filepath"

// resolve returns the absolute path p names with every link resolved; no
// kernel file systems to watch for here.
func resolve(p string) (string, bool, error) {
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", false, err
	}
	r, err = filepath.Abs(r)
	return r, false, err
}
