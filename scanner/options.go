// Package scanner walks files and folders, reads the metadata of every file
// through the provenance package with a bounded pool of workers, applies the
// rule table and builds the report. It never writes to the scanned tree.
package scanner

import (
	"context"
	"io"
	"runtime"
	"time"

	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/scanner/objstore"
	"github.com/provscan/provscan/scanner/policy"
	"github.com/provscan/provscan/scanner/report"
	"github.com/provscan/provscan/scanner/rules"
)

// InspectFunc reads the provenance of one file; provenance.Inspect by default.
type InspectFunc func(r io.ReaderAt, size int64, name string, opts provenance.Options) (*provenance.Provenance, error)

// MaxArchiveDepth is how deep archives inside archives are opened: a member
// of a top-level zip is at depth 1.
const MaxArchiveDepth = 3

// IgnoreFile is the name of the gitignore-syntax file read at a scanned root.
const IgnoreFile = ".provscanignore"

// Options tune a scan. The zero value scans with one worker per CPU.
type Options struct {
	// Workers is the number of files read at once; <= 0 means runtime.NumCPU()
	// (at least ObjectWorkers when a root is in object storage).
	Workers int
	// Exclude holds doublestar globs ("**/*.tmp", "renders/**") matched
	// against the path relative to the root, with '/' separators.
	Exclude []string
	// FollowSymlinks is deprecated and has no effect: links inside the
	// roots are always resolved, links out of them are symlink-unchecked
	// findings (see walker). Kept so that callers setting it still build.
	FollowSymlinks bool
	// Inspect reads one file; nil means provenance.Inspect.
	Inspect InspectFunc
	// InspectOptions are passed to Inspect.
	InspectOptions provenance.Options
	// FileTimeout is the time budget of one file (0: DefaultFileTimeout; < 0: none).
	FileTimeout time.Duration
	// FileReadBudget is how many bytes one file's inspection may read
	// (0: DefaultFileReadBudget, and a content hash may read the file once
	// more in full; > 0: the inspection and the hash together; < 0: no limit).
	FileReadBudget int64
	// MaxMemory caps the memory held by the inspections in flight, all
	// workers and nested archives together (0: DefaultMaxMemory; < 0: no
	// cap). What the cap stops makes a file "not fully inspected".
	MaxMemory int64
	// Hash computes the SHA-256 of every file with a finding (--hash). Without it a
	// flagged file is hashed only when an approval of its size could match it.
	Hash bool
	// Thumbnails makes a small preview of every flagged file that carries
	// one (a C2PA claim thumbnail, an EXIF thumbnail) or is a JPEG, PNG,
	// GIF or WebP still, into Report.Thumbnails, for the HTML report (see
	// thumbs.go for the budgets). Off, nothing is decoded.
	Thumbnails bool
	// Shard, when set, makes the scan one part of a sharded scan: only the
	// paths it owns are read and reported, and the report carries what
	// Merge needs (report.Shard). A baseline is then refused: it applies
	// at the merge.
	Shard Shard
	// OpenBucket opens a root in object storage (a URL objstore.IsURL
	// accepts); nil means objstore.OpenURL. Tests give buckets in memory.
	OpenBucket func(ctx context.Context, url string) (*objstore.Source, error)
	// Version is the tool version written into the report.
	Version string
	// Progress, if set, is called from a single goroutine after each file
	// with the running totals.
	Progress func(Progress)
	// FailOn is the lowest severity that fails the gate (zero:
	// rules.DefaultFailOn; rules.None never fails).
	FailOn rules.Severity
	// AllowUnreadable lets files that could not be inspected (unreadable
	// findings, scan errors) pass the gate. Off by default: the gate fails
	// closed.
	AllowUnreadable bool
	// AllowEmpty lets a scan that inspected no file pass the gate.
	AllowEmpty bool
	// Unsupported is what files of formats provscan does not read do to the
	// gate: report.UnsupportedReport ("" too) or report.UnsupportedFail.
	Unsupported string
	// NoTreePolicy keeps a .provscanignore at a scanned root from applying.
	// Resolve sets it with --config or --no-tree-policy.
	NoTreePolicy bool
	// ControlFiles are files that configure or receive the scan (policy,
	// approvals, baseline, reports being written): never scanned as
	// deliverables even when they lie under a root.
	ControlFiles []string
	// Policy describes the policy files applied, for the report; Resolve fills it.
	Policy *report.Policy
	// Config is the policy (severity overrides, path policies, allowed generators).
	Config *policy.Config
	// Approvals are the written approvals matched by content hash.
	Approvals *policy.Approvals
	// Baseline holds the findings of an earlier report that are not reported again.
	Baseline *policy.Baseline
	// Now is the clock for approval expiry; nil means time.Now.
	Now func() time.Time
	// Log, if set, receives one line per notable event (skipped links and
	// special files, excluded paths, reader warnings). Used by --verbose; it
	// is called from several goroutines.
	Log func(msg string)
}

// Progress is the running state of a scan.
type Progress struct {
	Files     int   // files done
	Bytes     int64 // total size of the files done
	BytesRead int64 // bytes read so far
}

// ObjectWorkers is the number of files read at once by default when a root
// is in object storage: each read waits a round trip on the network, so
// more reads in flight than CPUs keep the scan busy (each worker holds at
// most a 64 KiB head and a 1 MiB block cache besides the inspection's
// budgeted memory).
const ObjectWorkers = 32

// MaxWorkers bounds Options.Workers: each worker holds a file open and a
// head buffer, and past a few hundred more workers only add contention.
const MaxWorkers = 256

func (o *Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.NumCPU()
}

func (o *Options) inspect() InspectFunc {
	if o.Inspect != nil {
		return o.Inspect
	}
	return provenance.Inspect
}

func (o *Options) logf(msg string) {
	if o.Log != nil {
		o.Log(msg)
	}
}
