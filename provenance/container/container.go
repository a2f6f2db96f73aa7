// Package container reads the metadata blocks of a file's container format.
//
// A reader knows bytes, boxes, chunks and segments, and nothing of GenAI.
// Every reader works on an io.ReaderAt with the file size, follows the
// lengths it finds and seeks past media data. Every length read from a file
// is treated as hostile: allocations, counts, nesting and decompressed sizes
// are capped. The format registry (sniff.go) has one row per format: its
// magic bytes, family, media kind and reader; one file here per container
// family, or a sub-package for a big world (pdf). What the readers share
// lives in internal packages: the result model, limits and bounded inflate
// (internal/reader), the JPEG segment and box iterators (internal/seg).
package container

import (
	"io"

	"github.com/provscan/provscan/provenance/internal/reader"
	"github.com/provscan/provscan/provenance/internal/seg"
	"github.com/provscan/provscan/provenance/readerr"
)

// Kind names the metadata language carried by a Block.
type Kind = reader.Kind

// The kinds of metadata block a container reader can return.
const (
	KindEXIF      = reader.KindEXIF      // a TIFF-structured EXIF block ("II*\0" or "MM\0*" header)
	KindXMP       = reader.KindXMP       // an XMP packet (RDF/XML)
	KindC2PA      = reader.KindC2PA      // a JUMBF C2PA manifest store (starts with a jumb superbox)
	KindIPTC      = reader.KindIPTC      // IPTC-IIM records
	KindPhotoshop = reader.KindPhotoshop // Photoshop image resources (8BIM)
	KindText      = reader.KindText      // one key/value text entry (PNG text chunk, RIFF INFO, ID3 frame, PDF Info, ilst tag ...)
	KindComment   = reader.KindComment   // a free comment (JPEG COM, GIF comment)
)

// Block is one metadata block found in a file.
type Block = reader.Block

// Member is one entry of a package container (a zip entry, an embedded file)
// that the scanner reads as a file of its own.
type Member = reader.Member

// Result is what a container reader found in one file.
type Result = reader.Result

// Skipped is an archive member that is not inspected, and why.
type Skipped = reader.Skipped

// Limits on what any reader allocates or follows.
const (
	maxBlockSize   = reader.MaxBlockSize   // largest single block payload, after decompression and reassembly
	maxTotalBlocks = reader.MaxTotalBlocks // total payload bytes of all blocks of one file
	maxBlocks      = reader.MaxBlocks      // blocks per file
	maxDepth       = seg.MaxDepth          // nesting of boxes, IFDs, sub-containers
	maxSteps       = seg.MaxSteps          // segments, chunks or boxes walked per file
)

// Errors returned by readers, the values of package readerr (errors.Is
// matches either name); wrap them with context.
var (
	ErrUnknownFormat = readerr.ErrUnknownFormat // no reader knows the bytes
	ErrMalformed     = readerr.ErrMalformed     // the bytes break the format's rules
	errTruncated     = readerr.ErrTruncated     // the bytes end before a length read from them
	errLimit         = readerr.ErrLimit         // a cap on allocation, count, depth or size was reached
)

// readFunc reads one container format.
type readFunc func(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error)

// Budget is the budget readers draw on (see reader.Budget).
type Budget = reader.Budget

// readAt reads exactly len(p) bytes at off, reporting a short read as
// errTruncated.
func readAt(r io.ReaderAt, p []byte, off int64) error { return seg.ReadAt(r, p, off) }

// readBlock reads n bytes at off for a block payload, refusing sizes over
// maxBlockSize or beyond the end of the file.
func readBlock(r io.ReaderAt, off, n, size int64) ([]byte, error) {
	return reader.ReadBlock(r, off, n, size)
}

// inflateZlibBounded decompresses a zlib stream, refusing more than limit
// bytes (clamped to maxBlockSize).
func inflateZlibBounded(data []byte, limit int64) ([]byte, error) {
	return reader.InflateZlib(data, limit)
}
