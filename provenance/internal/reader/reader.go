// Package reader is what every container reader shares, whether it lives in
// package container or in a sub-package of its own (container/pdf): the
// result a reader fills (Result, Block, Member, Skipped), the per-file limits
// on blocks, bounded block reads and bounded inflation. It knows bytes and
// nothing of GenAI.
package reader

import (
	"fmt"
	"io"

	"github.com/provscan/provscan/provenance/internal/seg"
	"github.com/provscan/provscan/provenance/readerr"
)

// Kind names the metadata language carried by a Block.
type Kind string

// The kinds of metadata block a container reader can return.
const (
	KindEXIF      Kind = "exif"      // a TIFF-structured EXIF block ("II*\0" or "MM\0*" header)
	KindXMP       Kind = "xmp"       // an XMP packet (RDF/XML)
	KindC2PA      Kind = "c2pa"      // a JUMBF C2PA manifest store (starts with a jumb superbox)
	KindIPTC      Kind = "iptc"      // IPTC-IIM records
	KindPhotoshop Kind = "photoshop" // Photoshop image resources (8BIM)
	KindText      Kind = "text"      // one key/value text entry (PNG text chunk, RIFF INFO, ID3 frame, PDF Info, ilst tag ...)
	KindComment   Kind = "comment"   // a free comment (JPEG COM, GIF comment)
)

// Format is a container format, by the name reports show (the JSON report's
// "format"); package container holds the registry of formats.
type Format string

// Media is the kind of content a format carries ("image", "video", ...).
type Media string

// Block is one metadata block found in a file.
type Block struct {
	Kind      Kind   `json:"kind"`
	Container string `json:"container"`     // where it lives, human-readable: "JPEG APP1 Exif", "PNG iTXt", "WebP EXIF chunk"
	Offset    int64  `json:"offset"`        // byte offset of the block's payload in the file (first segment for reassembled blocks)
	Size      int64  `json:"size"`          // bytes the block occupies in the file
	Key       string `json:"key,omitempty"` // the keyword of a key/value text entry
	Data      []byte `json:"-"`             // the payload: decompressed and reassembled, never larger than MaxBlockSize
	Note      string `json:"note,omitempty"`
	// Tool marks a text block whose value names the software that wrote or
	// processed the file (MXF ProductName, EXR software, DPX creator,
	// Matroska WritingApp, IMF Creator ...): every such value becomes a tool
	// fact, which the generator catalogue matches the same way whatever the
	// container.
	Tool bool `json:"tool,omitempty"`
}

// Member is one entry of a package container (a zip entry, an embedded file)
// that the scanner reads as a file of its own.
type Member struct {
	Name string
	Size int64
	// Open returns the member's bytes. It is called at most once.
	Open func() (io.ReaderAt, error)
}

// Result is what a container reader found in one file.
type Result struct {
	Format Format `json:"format"`
	Media  Media  `json:"media,omitempty"` // from the format's registry row, set by container.Read
	// Family is the reader's format family (the registry row's: "MXF",
	// "OpenEXR", "ISOBMFF" ...), set by container.Read.
	Family  string   `json:"family,omitempty"`
	Blocks  []Block  `json:"blocks"`
	Members []Member `json:"-"`
	// Skipped lists the members of an archive that are not inspected
	// (encrypted, an unknown method, over a limit), with the reason: a
	// scan reports each as not inspected, never silently.
	Skipped  []Skipped `json:"skipped,omitempty"`
	Warnings []string  `json:"warnings,omitempty"` // anomalies that did not stop the reader
	// Incomplete lists what a budget stopped while the reader went on or
	// kept what it had (members not listed, a directory not read): the scan
	// reports the file as "not fully inspected" for each.
	Incomplete []string `json:"incomplete,omitempty"`
	// Budget is what the reader draws on (blocks, bytes, inflated bytes,
	// held memory); nil: a fresh budget under DefaultLimits, made on first
	// use.
	Budget *Budget `json:"-"`
	held   int64   // memory reserved by Hold for blocks not yet added
}

// Hold reserves n bytes of memory before the reader allocates a payload it
// will add as a block: Add then counts the block against what was held
// instead of reserving again.
func (r *Result) Hold(n int64) error {
	if err := r.Reserve(Memory, n); err != nil {
		return err
	}
	r.held += n
	return nil
}

// Reserve takes n units of res from the result's budget (see Budget.Reserve).
func (r *Result) Reserve(res Resource, n int64) error {
	if r.Budget == nil {
		r.Budget = NewBudget(Limits{}, nil)
	}
	return r.Budget.Reserve(res, n)
}

// DecodeCost is the memory that decoding a block of kind k and n payload
// bytes holds beyond the payload: three times the payload for the structured
// kinds (a 24 MiB XMP packet peaks at about 3.4 times its size, the block
// included, measured by the scanner's TestScanMemoryHostileShapes), nothing
// for text kept as it is. A block's memory is reserved with it, so that a
// file is admitted whole or not at all rather than waiting half-way.
func DecodeCost(k Kind, n int64) int64 {
	switch k {
	case KindText, KindComment:
		return 0
	}
	return 3 * n
}

// Add appends a block to the result, within the budget's blocks, metadata
// bytes and held memory (the payload and its DecodeCost).
func (r *Result) Add(b Block) error {
	n := int64(len(b.Data))
	if err := r.Reserve(Blocks, 1); err != nil {
		return err
	}
	if err := r.Reserve(BlockBytes, n); err != nil {
		return err
	}
	need := n + DecodeCost(b.Kind, n)
	prepaid := min(need, r.held)
	if err := r.Reserve(Memory, need-prepaid); err != nil {
		return err
	}
	r.held -= prepaid
	r.Blocks = append(r.Blocks, b)
	return nil
}

// Warn records a non-fatal anomaly, within readerr.MaxWarnings.
func (r *Result) Warn(format string, args ...any) {
	readerr.Warn(&r.Warnings, format, args...)
}

// Cut records that a limit stopped the reader short of the end of what it
// reads, where the reader goes on without returning the error: a cut is
// not a warning, it makes the file not fully inspected. A reader that
// returns an error wrapping readerr.ErrLimit needs no Cut: Inspect counts
// every such error as one.
func (r *Result) Cut(format string, args ...any) {
	readerr.Warn(&r.Incomplete, format, args...)
}

// Skipped is an archive member that is not inspected, and why.
type Skipped struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// Limits on what any reader allocates.
const (
	MaxBlockSize   = 32 << 20 // largest single block payload, after decompression and reassembly
	MaxTotalBlocks = 96 << 20 // total payload bytes of all blocks of one file
	MaxBlocks      = 4096     // blocks per file
)

// ReadBlock reads n bytes at off for a block payload, refusing sizes over
// MaxBlockSize or beyond the end of the file.
func ReadBlock(r io.ReaderAt, off, n, size int64) ([]byte, error) {
	if n < 0 || off < 0 || off > size || n > size-off {
		return nil, fmt.Errorf("%w: block of %d bytes at offset %d runs past the end of the file (%d bytes)", readerr.ErrTruncated, n, off, size)
	}
	if n > MaxBlockSize {
		return nil, fmt.Errorf("%w: block of %d bytes at offset %d is larger than %d", readerr.ErrLimit, n, off, MaxBlockSize)
	}
	p := make([]byte, n)
	if err := seg.ReadAt(r, p, off); err != nil {
		return nil, err
	}
	return p, nil
}
