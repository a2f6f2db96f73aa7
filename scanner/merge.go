package scanner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/provscan/provscan/scanner/policy"
	"github.com/provscan/provscan/scanner/report"
	"github.com/provscan/provscan/scanner/rules"
)

// MergeOptions tune Merge.
type MergeOptions struct {
	// Baseline, when set, drops the findings of an earlier report, as a
	// scan's --baseline does (a sharded scan applies it here, to the whole).
	Baseline *policy.Baseline
	// RequireScanID makes Merge refuse shards whose scan id is not ScanID.
	RequireScanID bool
	ScanID        string
}

// Merge combines the JSON reports of the N shards of one scan (scan --shard
// K/N, read back with report.ReadJSON) into the report a scan of the whole
// would have written: the same findings, errors, lists, summary, sequences,
// packages, coverage and gate, apart from the timing fields. It refuses
// (an error wrapping errShard) reports that are not shards, shards of
// different scans or counts, a shard given twice or missing, and shards
// whose walks listed different trees.
func Merge(shards []*report.Report, mo MergeOptions) (*report.Report, error) {
	if len(shards) == 0 {
		return nil, fmt.Errorf("%w: no report given", errShard)
	}
	first := shards[0]
	if first.Shard == nil {
		return nil, fmt.Errorf("%w: report 1 is not the report of a shard (scan --shard K/N writes one)", errShard)
	}
	n := first.Shard.Count
	if n < 1 || n > MaxShards {
		return nil, fmt.Errorf("%w: report 1 names %d shards", errShard, n)
	}
	byIndex := make([]*report.Report, n)
	for i, r := range shards {
		sh := r.Shard
		switch {
		case sh == nil:
			return nil, fmt.Errorf("%w: report %d is not the report of a shard", errShard, i+1)
		case r.Schema != report.SchemaVersion:
			return nil, fmt.Errorf("%w: report %d has schema %q, not %q", errShard, i+1, report.Clean(r.Schema, 80), report.SchemaVersion)
		case mo.RequireScanID && sh.ScanID != mo.ScanID:
			return nil, fmt.Errorf("%w: report %d is a shard of the run %q, not %q", errShard, i+1, report.Clean(sh.ScanID, 80), report.Clean(mo.ScanID, 80))
		case sh.Scan != first.Shard.Scan || sh.Count != n:
			return nil, fmt.Errorf("%w: report %d is shard %d/%d of another scan (%s) than report 1 (%d/%d of %s): a different tree, version, policy or settings",
				errShard, i+1, sh.Index, sh.Count, short(sh.Scan), first.Shard.Index, n, short(first.Shard.Scan))
		case sh.Index < 0 || sh.Index >= n:
			return nil, fmt.Errorf("%w: report %d names shard %d of %d", errShard, i+1, sh.Index, n)
		case byIndex[sh.Index] != nil:
			return nil, fmt.Errorf("%w: shard %d/%d is given twice (reports %d and %d)", errShard, sh.Index, n, slices.Index(shards, byIndex[sh.Index])+1, i+1)
		case sh.Listing != first.Shard.Listing:
			return nil, fmt.Errorf("%w: shard %d listed %d files, shard %d listed %d (or other ones): the tree changed between the shards' walks; scan it again",
				errShard, sh.Index, sh.Listing.Files, first.Shard.Index, first.Shard.Listing.Files)
		}
		byIndex[sh.Index] = r
	}
	var missing []string
	for k, r := range byIndex {
		if r == nil {
			missing = append(missing, fmt.Sprint(k))
		}
	}
	if len(missing) > 0 {
		if len(missing) > 20 {
			missing = append(missing[:20], "...")
		}
		return nil, fmt.Errorf("%w: %d of %d shards missing (%s): a merge of some shards would pass files nobody read",
			errShard, n-len(shards), n, strings.Join(missing, ", "))
	}

	b := &reportBuilder{Report: &report.Report{
		Schema: first.Schema, Tool: first.Tool, Started: first.Started,
		Roots: first.Roots, Findings: []report.Finding{}, Errors: []report.Error{},
	}}
	var pol *report.Policy
	var excluded []report.Excluded
	var gate policy.Gate
	for _, r := range byIndex {
		if r.Started < b.Started {
			b.Started = r.Started
		}
		b.Incomplete = b.Incomplete || r.Incomplete
		sm, rs := &b.Summary, &r.Summary
		sm.Files += rs.Files
		sm.Members += rs.Members
		sm.Inspected += rs.Inspected
		sm.Bytes += rs.Bytes
		sm.BytesRead += rs.BytesRead
		sm.Unsupported += rs.Unsupported
		sm.SkippedSymlinks += rs.SkippedSymlinks
		sm.SkippedSpecial += rs.SkippedSpecial
		sm.Excluded += rs.Excluded
		sm.ListRequests = max(sm.ListRequests, rs.ListRequests) // every shard lists the whole tree
		sm.Requests += rs.Requests
		sm.Transferred += rs.Transferred
		sm.DurationMS = max(sm.DurationMS, rs.DurationMS)
		b.Findings = append(b.Findings, r.Findings...)
		b.Errors = append(b.Errors, r.Errors...)
		b.Unsupported = append(b.Unsupported, r.Unsupported...)
		b.Links = append(b.Links, r.Links...)
		b.Objects = append(b.Objects, r.Objects...)
		b.Scanned = append(b.Scanned, r.Shard.Scanned...)
		b.imf = append(b.imf, imfDocs(r.Shard.IMF)...)
		if r.Policy != nil {
			if pol == nil {
				cp := *r.Policy
				pol = &cp
			}
			excluded = append(excluded, r.Policy.Excluded...)
		}
		if r.Gate == nil {
			return nil, fmt.Errorf("%w: shard %d has no gate", errShard, r.Shard.Index)
		}
		gate = gateOf(r.Gate)
	}
	if pol != nil {
		pol.Excluded = firstExcluded(excluded)
	}
	b.Policy = pol
	sortObjects(b.Objects)
	files := map[fileKey]bool{}
	for _, f := range b.Scanned {
		if !f.Member {
			files[fileKey{f.Root, f.Path}] = true
		}
	}
	for i := range b.Findings {
		f := &b.Findings[i]
		f.File = findingFile(f, files)
		f.Grouping = report.Grouping{} // computed again over the whole
		f.FailsGate = false
	}
	for i := range b.Errors {
		b.Errors[i].Grouping = report.Grouping{}
	}
	for i := range b.Unsupported {
		b.Unsupported[i].Grouping = report.Grouping{}
	}
	b.conclude(mo.Baseline, gate)
	b.group()
	return b.Report, nil
}

// findingFile returns the file on disk a finding read back from JSON is
// about (File is not part of the JSON report): its path, or for an archive
// member the path before the first "!/" that names a file the scan read (a
// folder may be named "x!", so the first "!/" is not always the one).
func findingFile(f *report.Finding, files map[fileKey]bool) string {
	if f.File != "" || files[fileKey{f.Root, f.Path}] {
		return f.Path
	}
	for i := 0; ; {
		j := strings.Index(f.Path[i:], "!/")
		if j < 0 {
			return f.Path
		}
		if p := f.Path[:i+j]; files[fileKey{f.Root, p}] {
			return p
		}
		i += j + 2
	}
}

// gateOf returns the gate settings a report was decided under.
func gateOf(g *report.Gate) policy.Gate {
	var sev rules.Severity
	if err := sev.UnmarshalText([]byte(g.FailOn)); err != nil {
		sev = rules.DefaultFailOn
	}
	return policy.Gate{FailOn: sev, AllowUnreadable: g.AllowUnreadable, AllowEmpty: g.AllowEmpty, Unsupported: g.Unsupported}
}

// sortObjects sorts the object statistics by path and root.
func sortObjects(o []report.ObjectStats) {
	sortByPathRoot(o, func(s *report.ObjectStats) (string, string) { return s.Path, s.Root })
}

func short(id string) string { return id[:min(len(id), 12)] }

// imfRecords converts the IMF documents read into their JSON form.
func imfRecords(ds []*imfDoc) []report.IMFDoc {
	out := make([]report.IMFDoc, 0, len(ds))
	for _, d := range ds {
		r := report.IMFDoc{Root: d.root, Path: d.path, AssetMap: d.assetMap, ID: d.id, Annotation: d.annotation,
			Title: d.title, Err: d.err, Assets: make([]report.IMFAsset, 0, len(d.assets))}
		for _, a := range d.assets {
			r.Assets = append(r.Assets, report.IMFAsset{ID: a.id, Paths: slices.Clone(a.paths)})
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(x, y report.IMFDoc) int {
		return strings.Compare(x.Root+"\x00"+x.Path, y.Root+"\x00"+y.Path)
	})
	return out
}

// imfDocs converts IMF documents back from their JSON form.
func imfDocs(rs []report.IMFDoc) []*imfDoc {
	out := make([]*imfDoc, 0, len(rs))
	for _, r := range rs {
		d := &imfDoc{root: r.Root, path: r.Path, assetMap: r.AssetMap, id: r.ID, annotation: r.Annotation, title: r.Title, err: r.Err}
		for _, a := range r.Assets {
			d.assets = append(d.assets, imfAsset{id: a.ID, paths: a.Paths})
		}
		out = append(out, d)
	}
	return out
}
