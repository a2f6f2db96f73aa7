package report

import (
	"path"
	"strings"
)

// Shard is the part of a sharded scan's JSON report (scan --shard K/N) that
// `provscan merge` needs besides the findings: which shard of which scan it
// is, the listing every shard walked, and the per-file records from which the
// merge rebuilds the sequences, packages, coverage and summary of the whole.
// A full scan's report, and a merged one, have none.
type Shard struct {
	Index int `json:"index"` // 0-based: this report holds the paths whose hash is Index modulo Count
	Count int `json:"count"`
	// Scan identifies the scan: a digest of the roots, the tool version,
	// the gate, the walk settings, the policy files applied, the inspection
	// settings, the shard count and --scan-id. Shards of one scan share it.
	Scan string `json:"scan"`
	// ScanID is --scan-id as given (a name for a run, e.g. a Job's name).
	ScanID string `json:"scan_id,omitempty"`
	// Listing describes every file the walk met under the roots, in every
	// shard: shards that listed different trees are not merged.
	Listing Listing `json:"listing"`
	// Scanned lists the files and archive members this shard read.
	Scanned []ScannedFile `json:"scanned"`
	// IMF lists the IMF ASSETMAPs and CPLs this shard read, for packages[].
	IMF []IMFDoc `json:"imf"`
}

// Listing is a digest of the files a walk met: their count, total size and
// a SHA-256 over each one's root, path and size in walk order.
type Listing struct {
	Files  int    `json:"files"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// IMFDoc is an IMF ASSETMAP or CPL as a shard read it.
type IMFDoc struct {
	Root       string     `json:"root"`
	Path       string     `json:"path"`
	AssetMap   bool       `json:"assetmap,omitempty"`
	ID         string     `json:"id"`
	Annotation string     `json:"annotation,omitempty"`
	Title      string     `json:"title,omitempty"`
	Assets     []IMFAsset `json:"assets"`
	Err        string     `json:"error,omitempty"`
}

// IMFAsset is one asset an ASSETMAP lists, with the paths of its chunks.
type IMFAsset struct {
	ID    string   `json:"id"`
	Paths []string `json:"paths"`
}

// ObjectStats counts what reading one object of object storage cost.
type ObjectStats struct {
	Root        string `json:"root"`
	Path        string `json:"path"`
	Size        int64  `json:"size"`
	BytesRead   int64  `json:"bytes_read"`  // bytes the readers asked for, at most the size
	Requests    int64  `json:"requests"`    // ranged GET requests
	Transferred int64  `json:"transferred"` // bytes received in their bodies
}

// MaxReadJSON bounds the size of a JSON report ReadJSON accepts.
const MaxReadJSON = 4 << 30

// WithoutSource clears the fields of r that name where its files were read
// from and when: the roots, each entry's root, the object statistics, the
// request counters and the timing fields. Two reports of the same files,
// one read from disk and one from a bucket, are then equal.
func WithoutSource(r *Report) {
	r.Started, r.Summary.DurationMS, r.Roots, r.Objects = "", 0, nil, nil
	r.Summary.ListRequests, r.Summary.Requests, r.Summary.Transferred = 0, 0, 0
	for i := range r.Findings {
		r.Findings[i].Root = ""
	}
	for i := range r.Errors {
		r.Errors[i].Root = ""
	}
	for i := range r.Unsupported {
		r.Unsupported[i].Root = ""
	}
	for i := range r.Sequences {
		r.Sequences[i].Root = ""
	}
	for i := range r.Packages {
		r.Packages[i].Root = ""
	}
	if r.Policy != nil {
		for i := range r.Policy.Excluded {
			r.Policy.Excluded[i].Root = ""
		}
	}
}

// IsObjectRoot reports whether a report root names object storage (a URL
// such as s3://bucket/prefix) rather than a path on disk.
func IsObjectRoot(root string) bool { return strings.Contains(root, "://") }

// ObjectURL returns the URL (without query) of the object at path p under
// the object storage root: root/p, or root itself when the root names that
// one object (its path is then the object's base name).
func ObjectURL(root, p string) string {
	root = strings.TrimSuffix(root, "/")
	if !strings.Contains(p, "/") && path.Base(root) == p && strings.Count(root, "/") > 2 {
		return root
	}
	return root + "/" + p
}
