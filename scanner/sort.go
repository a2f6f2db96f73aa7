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
		return a.Message < b.Message
	})
	sort.SliceStable(r.Errors, func(i, j int) bool {
		a, b := r.Errors[i], r.Errors[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Error < b.Error
	})
	sort.SliceStable(r.Unsupported, func(i, j int) bool {
		a, b := r.Unsupported[i], r.Unsupported[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Root < b.Root
	})
	sort.SliceStable(r.Links, func(i, j int) bool {
		a, b := r.Links[i], r.Links[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Root < b.Root
	})
	if r.Policy != nil {
		ex := r.Policy.Excluded
		sort.SliceStable(ex, func(i, j int) bool {
			if ex[i].Path != ex[j].Path {
				return ex[i].Path < ex[j].Path
			}
			return ex[i].Root < ex[j].Root
		})
	}
	sort.SliceStable(r.Scanned, func(i, j int) bool {
		a, b := r.Scanned[i], r.Scanned[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Root < b.Root
	})
}
