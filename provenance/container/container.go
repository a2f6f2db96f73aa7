// Package container reads the metadata blocks of a file's container format.
//
// A reader knows bytes, boxes, chunks and segments, and nothing of GenAI.
// Every reader works on an io.ReaderAt with the file size, follows the
// lengths it finds and seeks past media data. Every length read from a file
// is treated as hostile: allocations, counts, nesting and decompressed sizes
// are capped by the limits below.
package container

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

// Block is one metadata block found in a file.
type Block struct {
	Kind      Kind   `json:"kind"`
	Container string `json:"container"`     // where it lives, human-readable: "JPEG APP1 Exif", "PNG iTXt", "WebP EXIF chunk"
	Offset    int64  `json:"offset"`        // byte offset of the block's payload in the file (first segment for reassembled blocks)
	Size      int64  `json:"size"`          // bytes the block occupies in the file
	Key       string `json:"key,omitempty"` // the keyword of a key/value text entry
	Data      []byte `json:"-"`             // the payload: decompressed and reassembled, never larger than maxBlockSize
	Note      string `json:"note,omitempty"`
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
	Format  Format   `json:"format"`
	Blocks  []Block  `json:"blocks"`
	Members []Member `json:"-"`
	// Skipped lists the members of an archive that are not inspected
	// (encrypted, an unknown method, over a limit), with the reason: a
	// scan reports each as not inspected, never silently.
	Skipped  []Skipped `json:"skipped,omitempty"`
	Warnings []string  `json:"warnings,omitempty"` // anomalies that did not stop the reader
	total    int64     // payload bytes of Blocks, bounded by maxTotalBlocks
}

// Add appends a block to the result, enforcing maxBlocks and maxTotalBlocks.
func (r *Result) Add(b Block) error {
	if len(r.Blocks) >= maxBlocks {
		return fmt.Errorf("%w: more than %d metadata blocks", ErrLimit, maxBlocks)
	}
	if r.total+int64(len(b.Data)) > maxTotalBlocks {
		return fmt.Errorf("%w: metadata blocks over %d bytes in all", ErrLimit, maxTotalBlocks)
	}
	r.total += int64(len(b.Data))
	r.Blocks = append(r.Blocks, b)
	return nil
}

// Warn records a non-fatal anomaly.
func (r *Result) Warn(format string, args ...any) {
	if len(r.Warnings) < 64 {
		r.Warnings = append(r.Warnings, fmt.Sprintf(format, args...))
	}
}

// Skipped is an archive member that is not inspected, and why.
type Skipped struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// Limits on what any reader allocates or follows.
const (
	maxBlockSize   = 32 << 20     // largest single block payload, after decompression and reassembly
	maxTotalBlocks = 96 << 20     // total payload bytes of all blocks of one file
	maxBlocks      = 4096         // blocks per file
	maxDepth       = seg.MaxDepth // nesting of boxes, IFDs, sub-containers
	maxSteps       = seg.MaxSteps // segments, chunks or boxes walked per file
)

// Errors returned by readers, the values of package readerr (errors.Is
// matches either name); wrap them with context.
var (
	ErrUnknownFormat = readerr.ErrUnknownFormat // no reader knows the bytes
	ErrTruncated     = readerr.ErrTruncated     // the bytes end before a length read from them
	ErrMalformed     = readerr.ErrMalformed     // the bytes break the format's rules
	ErrLimit         = readerr.ErrLimit         // a cap on allocation, count, depth or size was reached
)

// readFunc reads one container format.
type readFunc func(r io.ReaderAt, size int64) (*Result, error)

// readAt reads exactly len(p) bytes at off, reporting a short read as
// ErrTruncated.
func readAt(r io.ReaderAt, p []byte, off int64) error { return seg.ReadAt(r, p, off) }

// readBlock reads n bytes at off for a block payload, refusing sizes over
// maxBlockSize or beyond the end of the file.
func readBlock(r io.ReaderAt, off, n, size int64) ([]byte, error) {
	if n < 0 || off < 0 || off > size || n > size-off {
		return nil, fmt.Errorf("%w: block of %d bytes at offset %d runs past the end of the file (%d bytes)", ErrTruncated, n, off, size)
	}
	if n > maxBlockSize {
		return nil, fmt.Errorf("%w: block of %d bytes at offset %d is larger than %d", ErrLimit, n, off, maxBlockSize)
	}
	p := make([]byte, n)
	if err := readAt(r, p, off); err != nil {
		return nil, err
	}
	return p, nil
}
