package scanner

import "path/filepath"

// controlSet holds the files that configure or receive a scan (policy,
// approvals, baseline, reports being written), so that the walk never scans
// them as deliverables. Most files differ by base name, so the full path is
// resolved only for a name that matches.
type controlSet struct {
	names map[string]bool
	paths map[string]bool // absolute, links resolved
}

func newControlSet(files []string) *controlSet {
	c := &controlSet{names: map[string]bool{}, paths: map[string]bool{}}
	for _, f := range files {
		if f == "" {
			continue
		}
		c.names[filepath.Base(f)] = true
		c.paths[canonical(f)] = true
	}
	return c
}

// has reports whether p names one of the control files.
func (c *controlSet) has(p string) bool {
	if c == nil || !c.names[filepath.Base(p)] {
		return false
	}
	return c.paths[canonical(p)]
}

// canonical returns p absolute, with its links resolved when it exists.
func canonical(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	if r, err := filepath.EvalSymlinks(a); err == nil {
		return r
	}
	return a
}

// with returns c with the file p added (c itself when it is nil: a new set).
func (c *controlSet) with(p string) *controlSet {
	if c == nil {
		c = newControlSet(nil)
	}
	c.names[filepath.Base(p)] = true
	c.paths[canonical(p)] = true
	return c
}
