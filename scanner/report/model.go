// Package report holds the scan report model and its writers (json, text,
// and later sarif, junit). Writers know findings, nothing of file formats.
package report

import "github.com/provscan/provscan/scanner/rules"

// SchemaVersion is the version of the JSON report's schema. Changing a field
// name or meaning is a breaking change recorded in CHANGELOG.md.
const SchemaVersion = "provscan.report/v1"

// Report is the result of one scan.
type Report struct {
	Schema   string    `json:"schema"`
	Tool     Tool      `json:"tool"`
	Started  string    `json:"started"` // RFC 3339, a timing field
	Roots    []string  `json:"roots"`
	Summary  Summary   `json:"summary"`
	Findings []Finding `json:"findings"`
	Errors   []Error   `json:"errors"`
	// Incomplete marks a report of a scan that was interrupted (SIGINT):
	// it holds the files done so far and the gate fails with exit 2.
	Incomplete bool `json:"incomplete,omitempty"`

	// Unsupported lists the files and archive members of formats provscan
	// does not read, sorted by path: they were not inspected.
	Unsupported []UnsupportedFile `json:"unsupported"`
	// Links lists the symbolic links met under the roots and what became of
	// each, sorted by path.
	Links []Link `json:"links"`
	// Policy names the policy, ignore, approvals and baseline files applied
	// and what they excluded.
	Policy *Policy `json:"policy,omitempty"`

	Gate     *Gate            `json:"gate,omitempty"`
	Baseline *BaselineSummary `json:"baseline,omitempty"`

	// Sequences lists the image sequences found (frame files of one folder,
	// prefix, padding and extension), sorted by root and path; the files of
	// each keep their own entries, which name it (sequence, frame).
	Sequences []Sequence `json:"sequences"`
	// Packages lists the IMF packages found (an ASSETMAP and what it lists),
	// sorted by root and path.
	Packages []Package `json:"packages"`
	// Coverage counts the files and bytes read per format and media kind,
	// and what was not read.
	Coverage *Coverage `json:"coverage,omitempty"`
	// Objects lists, for the roots in object storage, what reading each
	// object cost, sorted by root and path; absent for files on disk.
	Objects []ObjectStats `json:"objects,omitempty"`
	// Shard is set in the report of one shard of a sharded scan (--shard).
	Shard *Shard `json:"shard,omitempty"`
	// Scanned lists every file read, in order; not part of the JSON report.
	Scanned []ScannedFile `json:"-"`
	// RootDirs holds, for each root, the absolute folder its paths are
	// relative to (a file root's parent folder); not part of the JSON report.
	RootDirs []string `json:"-"`
	// Thumbnails holds small previews of flagged stills, keyed by the
	// finding's path, for the HTML report; not part of the JSON report.
	Thumbnails map[string]Thumbnail `json:"-"`
}

// Thumbnail is a small preview image of a file: an embedded thumbnail (EXIF,
// C2PA) or a small decode of the still itself, already encoded.
type Thumbnail struct {
	MIME   string // "image/jpeg" or "image/png"
	Data   []byte // the encoded image, a few kilobytes
	Source string // where it came from: "EXIF thumbnail", "C2PA thumbnail", "decoded still"
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Summary counts what the scan saw.
type Summary struct {
	Files       int            `json:"files"`       // files scanned (including unsupported formats)
	Inspected   int            `json:"inspected"`   // files and archive members whose metadata a reader checked to the end
	Bytes       int64          `json:"bytes"`       // total size of the files scanned
	BytesRead   int64          `json:"bytes_read"`  // bytes provscan read from files, hashing included, at most each file's size
	Flagged     int            `json:"flagged"`     // files with at least one finding other than unreadable
	Unsupported int            `json:"unsupported"` // files of a format provscan does not read
	ByRule      map[string]int `json:"by_rule"`
	BySeverity  map[string]int `json:"by_severity"`
	Errors      int            `json:"errors"`
	DurationMS  int64          `json:"duration_ms"` // a timing field

	Members         int `json:"members"`          // archive members scanned as files of their own (not counted in files)
	SkippedSymlinks int `json:"skipped_symlinks"` // links whose target is inspected at its own path, or a folder already visited (see Links)
	SkippedSpecial  int `json:"skipped_special"`  // FIFOs, sockets and devices, never opened
	Excluded        int `json:"excluded"`         // files and folders matched by --exclude or .provscanignore

	// Object storage roots only (absent for files on disk): list requests,
	// ranged GET requests and the bytes their bodies carried.
	ListRequests int64 `json:"list_requests,omitempty"`
	Requests     int64 `json:"requests,omitempty"`
	Transferred  int64 `json:"transferred,omitempty"`
}

// Evidence is one marker behind a finding.
type Evidence struct {
	Container string `json:"container"`
	Location  string `json:"location"`
	Offset    int64  `json:"offset"`
	Field     string `json:"field"`
	Value     string `json:"value"`
	// Ingredient marks C2PA evidence of a manifest that is not the active
	// one (an ingredient's); Via lists the actions that add no content
	// through which the active manifest reaches it, when it does only
	// through such actions (the file is that ingredient, re-encoded).
	Ingredient bool   `json:"ingredient,omitempty"`
	Via        string `json:"via,omitempty"`
}

// Finding is one rule that fired on one file.
type Finding struct {
	Path string `json:"path"` // relative to the root it was found under, with '/' separators
	Root string `json:"root"` // the root it was found under, as in roots[]
	// File is the file on disk the finding is about, relative to its root:
	// Path itself, or for an archive member the outermost archive's path
	// (Path cannot be split at "!/": a folder may be named "x!").
	File       string         `json:"-"`
	Format     string         `json:"format"`
	Size       int64          `json:"size"`
	SHA256     string         `json:"sha256,omitempty"` // of the whole file; computed only for flagged files that an approval of their size could match, or with --hash
	Rule       string         `json:"rule"`
	Severity   rules.Severity `json:"severity"`
	Principle  string         `json:"principle"`
	Generator  string         `json:"generator,omitempty"`
	Confidence string         `json:"confidence"`
	Message    string         `json:"message"`
	Evidence   []Evidence     `json:"evidence"`

	// Set by the policy, the approvals and the gate.
	Status           string          `json:"status"`                      // open, approved, allowed or expired (see the Status constants)
	FailsGate        bool            `json:"fails_gate"`                  // this finding makes the scan exit 1
	Fingerprint      string          `json:"fingerprint"`                 // rule:size:evidence digest:path, used by --baseline (see scanner.Fingerprint)
	OriginalSeverity *rules.Severity `json:"original_severity,omitempty"` // the rule's severity, when the policy changed it
	Reason           string          `json:"reason,omitempty"`            // why the policy changed the severity or allowed the finding
	Approval         *Approval       `json:"approval,omitempty"`          // the written approval that covers (or covered) this finding
	Note             string          `json:"note,omitempty"`              // e.g. an approval exists for an earlier version of the file
	// LinkTarget is set when the file was reached through a symbolic link
	// (Path is the link's path): the target, relative to its root.
	LinkTarget string `json:"link_target,omitempty"`
	Grouping
}

// Grouping names the image sequence and the IMF package a file belongs to
// (findings, unsupported files and errors carry it).
type Grouping struct {
	// Sequence is the path of the image sequence the file is a frame of, as
	// in sequences[] ("renders/sh010_comp.####.exr"); Frame its number.
	Sequence string `json:"sequence,omitempty"`
	Frame    *int   `json:"frame,omitempty"`
	// Package is the IMF package whose ASSETMAP lists the file.
	Package *PackageRef `json:"package,omitempty"`
}

// Finding statuses.
const (
	StatusOpen     = "open"     // counts towards the gate
	StatusApproved = "approved" // covered by an unexpired written approval for this exact content
	StatusAllowed  = "allowed"  // allowed by the policy (an allowed generator or a path policy)
	StatusExpired  = "expired"  // the approval for this content has expired; counts towards the gate
)

// Approval is a written approval as reported with a finding.
type Approval struct {
	Reference  string `json:"reference"`
	ApprovedBy string `json:"approved_by"`
	Expires    string `json:"expires,omitempty"` // YYYY-MM-DD, valid through that day (UTC)
	Rule       string `json:"rule"`
	SHA256     string `json:"sha256"`
	Size       *int64 `json:"size,omitempty"` // bytes of the approved file; absent for entries written before approvals recorded it
}

// Gate records the pass/fail decision of a scan.
type Gate struct {
	FailOn string `json:"fail_on"`
	// Strict is true unless --allow-unreadable (or the policy) relaxed the
	// gate: then files that could not be inspected do not fail it.
	Strict          bool   `json:"strict"`
	AllowUnreadable bool   `json:"allow_unreadable"`
	AllowEmpty      bool   `json:"allow_empty"`
	Unsupported     string `json:"unsupported"` // "report" or "fail": what files of unread formats do to the gate
	Failed          bool   `json:"failed"`
	Failing         int    `json:"failing"`       // findings that fail the gate
	NotInspected    int    `json:"not_inspected"` // files that could not be inspected (errors and unreadable findings)
	Approved        int    `json:"approved"`      // findings covered by an approval
	Allowed         int    `json:"allowed"`       // findings allowed by the policy
	Expired         int    `json:"expired"`       // findings whose approval expired
	// Reasons says, one line each, why the gate failed; empty when it passed.
	Reasons []string `json:"reasons"`
}

// Unsupported modes of the gate.
const (
	UnsupportedReport = "report" // listed, does not fail the gate
	UnsupportedFail   = "fail"   // listed, fails the gate
)

// UnsupportedFile is a file or archive member no reader of provscan knows.
type UnsupportedFile struct {
	Path string `json:"path"` // relative to its root, '/' separators
	Root string `json:"root"`
	Size int64  `json:"size"`
	// Head is the first bytes of the file (at most 16), in hex.
	Head string `json:"head"`
	// LooksLike names the format those bytes suggest ("MPEG-TS", "Radiance HDR",
	// "text"), or "" when they suggest nothing known.
	LooksLike string `json:"looks_like,omitempty"`
	Grouping
}

// Link outcomes.
const (
	LinkInspected = "inspected" // the target lies inside a root and was inspected (at its own path, or through the link when the walk does not reach it)
	LinkOutside   = "outside"   // the target lies outside every root: a symlink-unchecked finding
	LinkDangling  = "dangling"  // the target does not exist or loops: a symlink-unchecked finding
	LinkLoop      = "loop"      // a folder already walked: not entered again
	LinkSpecial   = "special"   // the target is a FIFO, socket or device: never opened
)

// Link is one symbolic link under a root.
type Link struct {
	Path string `json:"path"` // the link, relative to its root
	Root string `json:"root"`
	// Target is the link's text as stored (a hostile value: escape it when printing).
	Target string `json:"target"`
	// Resolved is where the target lies, relative to the root holding it,
	// when that is inside a root; "" otherwise.
	Resolved string `json:"resolved,omitempty"`
	Outcome  string `json:"outcome"` // one of the Link constants
}

// Policy names what decided the gate: the files applied and what they excluded.
type Policy struct {
	// Files lists every policy, ignore, approvals and baseline file applied.
	Files []PolicyFile `json:"files"`
	// NotApplied lists policy and ignore files found inside the scanned tree
	// that were not applied (--config or --no-tree-policy).
	NotApplied []PolicyFile `json:"not_applied"`
	// TreePolicy is false when files inside the scanned tree may not apply
	// (--config or --no-tree-policy).
	TreePolicy bool `json:"tree_policy"`
	// Excluded lists the paths the policy excluded (at most MaxExcludedListed;
	// summary.excluded has the count), with what excluded each.
	Excluded []Excluded `json:"excluded"`
}

// MaxExcludedListed is how many excluded paths a report lists.
const MaxExcludedListed = 10000

// PolicyFile is one control file and where it came from.
type PolicyFile struct {
	Kind   string `json:"kind"`   // policy, ignore, approvals or baseline
	Path   string `json:"path"`   // as opened
	Source string `json:"source"` // flag, root, working-directory, policy (named by the policy file), default
	SHA256 string `json:"sha256,omitempty"`
}

// Excluded is one path the policy excluded.
type Excluded struct {
	Path string `json:"path"` // relative to its root; a folder ends with '/'
	Root string `json:"root"`
	By   string `json:"by"` // the pattern and its source: "--exclude **/*.tmp", ".provscanignore: renders/"
}

// BaselineSummary counts how the findings compare with a baseline report.
type BaselineSummary struct {
	File      string `json:"file"`
	New       int    `json:"new"`       // reported
	Unchanged int    `json:"unchanged"` // same rule, content and path: not reported
	Moved     int    `json:"moved"`     // same rule and content at another path: not reported
}

// ScannedFile is one file or archive member the scan read (for JUnit,
// sequences, packages and coverage).
type ScannedFile struct {
	Root string `json:"root"`
	Path string `json:"path"`
	// Member is true for an archive member.
	Member bool  `json:"member,omitempty"`
	Size   int64 `json:"size"`
	// Format, Family and Media as the reader named them ("" when unknown).
	Format string `json:"format,omitempty"`
	Family string `json:"family,omitempty"`
	Media  string `json:"media,omitempty"`
	// Status is ScanInspected, ScanUnreadable or ScanUnsupported.
	Status string `json:"status"`
	// Meta is a digest of the file's metadata values other than per-frame
	// ones (names, dates, times, frame numbers, ids): frames of a sequence
	// written by one process share it. Tool joins the values naming the
	// writing software (cut short).
	Meta uint64 `json:"meta,omitempty"`
	Tool string `json:"tool,omitempty"`
}

// ScannedFile statuses.
const (
	ScanInspected   = "inspected"   // a reader read the metadata to the end
	ScanUnreadable  = "unreadable"  // a reader failed or a budget stopped it
	ScanUnsupported = "unsupported" // no reader knows the format
)

// Error is a file that could not be scanned (walk errors: permission denied, vanished files).
type Error struct {
	Path  string `json:"path"`
	Error string `json:"error"`
	Root  string `json:"root"` // the root it was found under, as in roots[]
	Grouping
}
