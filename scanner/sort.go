package scanner

import (
	"sort"

	"github.com/provscan/provscan/scanner/report"
)

// SortReport puts findings in path, rule, generator order (then root and
// message, so that the order is total) and errors in path order.
func SortReport(r *report.Report) {
	sort.SliceStable(r.Findings, func(i, j int) bool {
		a, b := &r.Findings[i], &r.Findings[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Generator != b.Generator {
			return a.Generator < b.Generator
		}
		if a.Root != b.Root {
			return a.Root < b.Root
		}
		if a.Message != b.Message {
			return a.Message < b.Message
		}
		return a.Fingerprint < b.Fingerprint
	})
	sort.SliceStable(r.Errors, func(i, j int) bool {
		a, b := r.Errors[i], r.Errors[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Error != b.Error {
			return a.Error < b.Error
		}
		return a.Root < b.Root
	})
	sortByPathRoot(r.Unsupported, func(u *report.UnsupportedFile) (string, string) { return u.Path, u.Root })
	sortByPathRoot(r.Links, func(l *report.Link) (string, string) { return l.Path, l.Root })
	if r.Policy != nil {
		sortByPathRoot(r.Policy.Excluded, func(e *report.Excluded) (string, string) { return e.Path, e.Root })
	}
	sortByPathRoot(r.Scanned, func(f *report.ScannedFile) (string, string) { return f.Path, f.Root })
}

// sortByPathRoot sorts s stably by path, then root.
func sortByPathRoot[T any](s []T, key func(*T) (path, root string)) {
	sort.SliceStable(s, func(i, j int) bool {
		pi, ri := key(&s[i])
		pj, rj := key(&s[j])
		if pi != pj {
			return pi < pj
		}
		return ri < rj
	})
}
