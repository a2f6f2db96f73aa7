package report

// Sequence is one image sequence: frame files of one folder with one
// prefix, padding and extension ("sh010_comp.1001.exr" ...), at least two.
type Sequence struct {
	// Path is the folder and pattern relative to the root
	// ("renders/sh010_comp.####.exr"): the files' "sequence".
	Path string `json:"path"`
	Root string `json:"root"`
	// Folder is the folder holding the frames, relative to the root ("" for
	// the root itself).
	Folder string `json:"folder"`
	// Pattern names the frames: one '#' per digit of a zero-padded frame
	// number, a single '#' for numbers of varying width.
	Pattern string `json:"pattern"`
	Padding int    `json:"padding"` // digits of a padded frame number; 0 for unpadded numbers
	First   int    `json:"first"`
	Last    int    `json:"last"`
	Count   int    `json:"count"` // frames present
	// Missing lists the gaps between First and Last (at most
	// MaxRangesListed; MissingFrames counts them all).
	Missing       []FrameRange `json:"missing"`
	MissingFrames int          `json:"missing_frames"`
	// Outliers lists the frames whose metadata differs from the metadata
	// most frames share (at most MaxOutliersListed; OutlierFrames counts
	// them all). Mixed is true when no metadata is shared by more than half
	// of the frames: then no frame is named an outlier.
	Outliers      []Outlier `json:"outliers"`
	OutlierFrames int       `json:"outlier_frames"`
	Mixed         bool      `json:"mixed"`
	// Formats lists the formats of the frames, sorted.
	Formats []string `json:"formats"`
	// Sidecars lists the files beside the sequence that go with it: per-frame
	// sidecars as a pattern ("sh010_comp.####.xmp (48 files)"), and
	// "sh010_comp.c2pa" or "sh010_comp.json"; paths relative to the root.
	Sidecars []string `json:"sidecars"`
	// Findings counts the findings of the frames by rule, with the frames
	// they are on.
	Findings []SequenceFindings `json:"findings"`
}

// FrameRange is a run of frame numbers, both ends included.
type FrameRange struct {
	First int `json:"first"`
	Last  int `json:"last"`
}

// FrameRanges turns sorted frame numbers into runs, at most limit of them
// (limit 0: all).
func FrameRanges(frames []int, limit int) []FrameRange {
	out := []FrameRange{}
	for i := 0; i < len(frames); {
		j := i
		for j+1 < len(frames) && frames[j+1] <= frames[j]+1 {
			j++
		}
		if limit > 0 && len(out) == limit {
			break
		}
		out = append(out, FrameRange{First: frames[i], Last: frames[j]})
		i = j + 1
	}
	return out
}

// Outlier is a frame whose metadata differs from the rest of its sequence.
type Outlier struct {
	Frame int    `json:"frame"`
	Path  string `json:"path"`
	// Differs says how: "tool: X (most frames: Y)", "findings: ai-generated",
	// "not inspected", "metadata" (values read from files: escape them).
	Differs string `json:"differs"`
}

// SequenceFindings is one rule's findings on the frames of a sequence.
type SequenceFindings struct {
	Rule   string       `json:"rule"`
	Count  int          `json:"count"`
	Frames []FrameRange `json:"frames"`
}

// Caps on what a sequence lists.
const (
	MaxRangesListed   = 1000
	MaxOutliersListed = 1000
)

// Package is one IMF package: an ASSETMAP (SMPTE ST 429-9) and the assets
// it lists.
type Package struct {
	AssetMap   string `json:"assetmap"` // the ASSETMAP's path relative to the root
	Root       string `json:"root"`
	ID         string `json:"id"`
	Annotation string `json:"annotation,omitempty"`
	// Titles lists the ContentTitle of each composition playlist (CPL) the
	// ASSETMAP lists and the scan read (at most 16).
	Titles  []string `json:"titles"`
	Assets  int      `json:"assets"`  // assets listed
	Present int      `json:"present"` // listed assets found by the scan
	// Missing lists the assets listed but not found under the roots.
	Missing []PackageAsset `json:"missing"`
	// Unlisted lists the files of the ASSETMAP's folder it does not list
	// (relative to the root; at most MaxRangesListed).
	Unlisted []string `json:"unlisted"`
	// Error says why the ASSETMAP could not be read in full ("" when it was).
	Error string `json:"error,omitempty"`
}

// PackageAsset is one asset of an ASSETMAP.
type PackageAsset struct {
	ID   string `json:"id"`
	Path string `json:"path"` // relative to the root
}

// PackageRef names the package a file belongs to.
type PackageRef struct {
	AssetMap   string `json:"assetmap"` // relative to the root
	ID         string `json:"id"`
	Annotation string `json:"annotation,omitempty"`
	Title      string `json:"title,omitempty"` // the CPL ContentTitles, "; "-joined
	AssetID    string `json:"asset_id"`
}

// Coverage counts what the scan read and what it did not, for files on
// disk (archive members are counted in Members).
type Coverage struct {
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"`
	// Inspected counts the files whose metadata a reader checked to the end.
	Inspected Count `json:"inspected"`
	// ByFamily, ByFormat and ByMedia count the files a reader knows, by
	// format family (the reader: "ISOBMFF" holds MP4, MOV ...), by format
	// and by media kind (image, video, audio, document, package, other),
	// sorted by name.
	ByFamily []FormatCount `json:"by_family"`
	ByFormat []FormatCount `json:"by_format"`
	ByMedia  []FormatCount `json:"by_media"`
	Members  int           `json:"members"`
	NotRead  NotRead       `json:"not_read"`
}

// Count is a number of files and their bytes.
type Count struct {
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"`
}

// FormatCount counts the files of one format family, format or media kind.
type FormatCount struct {
	Name      string `json:"name"`
	Family    string `json:"family,omitempty"` // of a format
	Media     string `json:"media,omitempty"`  // of a format or family
	Files     int    `json:"files"`
	Bytes     int64  `json:"bytes"`
	Inspected int    `json:"inspected"` // of Files, read to the end
}

// NotRead counts what the scan did not inspect.
type NotRead struct {
	Unsupported Count `json:"unsupported"` // files of formats no reader knows
	Unreadable  Count `json:"unreadable"`  // files a reader failed on or a budget stopped
	Errors      int   `json:"errors"`      // report errors (files not opened, not fully inspected, members not opened)
	Excluded    int   `json:"excluded"`    // files and folders excluded by the policy
}
