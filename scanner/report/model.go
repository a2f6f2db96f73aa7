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
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Summary counts what the scan saw.
type Summary struct {
	Files       int            `json:"files"`       // files scanned (including unsupported formats)
	Bytes       int64          `json:"bytes"`       // total size of the files scanned
	BytesRead   int64          `json:"bytes_read"`  // bytes provscan read from files, hashing included
	Flagged     int            `json:"flagged"`     // files with at least one finding other than unreadable
	Unsupported int            `json:"unsupported"` // files of a format provscan does not read
	ByRule      map[string]int `json:"by_rule"`
	BySeverity  map[string]int `json:"by_severity"`
	Errors      int            `json:"errors"`
	DurationMS  int64          `json:"duration_ms"` // a timing field

	Members         int `json:"members"`          // archive members scanned as files of their own (not counted in files)
	SkippedSymlinks int `json:"skipped_symlinks"` // links not followed (or leading to a folder already visited)
	SkippedSpecial  int `json:"skipped_special"`  // FIFOs, sockets and devices, never opened
	Excluded        int `json:"excluded"`         // files and folders matched by --exclude or .provscanignore
}

// Evidence is one marker behind a finding.
type Evidence struct {
	Container string `json:"container"`
	Location  string `json:"location"`
	Offset    int64  `json:"offset"`
	Field     string `json:"field"`
	Value     string `json:"value"`
}

// Finding is one rule that fired on one file.
type Finding struct {
	Path       string         `json:"path"` // relative to the root it was found under, with '/' separators
	Root       string         `json:"-"`
	Format     string         `json:"format"`
	Size       int64          `json:"size"`
	SHA256     string         `json:"sha256,omitempty"` // of the whole file; computed only for flagged files
	Rule       string         `json:"rule"`
	Severity   rules.Severity `json:"severity"`
	Principle  string         `json:"principle"`
	Generator  string         `json:"generator,omitempty"`
	Confidence string         `json:"confidence"`
	Message    string         `json:"message"`
	Evidence   []Evidence     `json:"evidence"`
}

// Error is a file that could not be scanned (walk errors: permission denied, vanished files).
type Error struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}
