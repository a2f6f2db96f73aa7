// Package provenance is provscan's public API for one file: it sniffs the
// container, reads its metadata blocks, interprets them (EXIF, XMP, IPTC,
// C2PA, text chunks) and returns the GenAI evidence found.
package provenance

import (
	"github.com/provscan/provscan/provenance/c2pa"
	"github.com/provscan/provscan/provenance/container"
	"github.com/provscan/provscan/provenance/evidence"
	"github.com/provscan/provscan/provenance/exif"
	"github.com/provscan/provscan/provenance/xmp"
)

// TextEntry is one key/value text entry (PNG text chunk, RIFF INFO item, ID3 frame ...).
type TextEntry struct {
	Container string `json:"container"`
	Offset    int64  `json:"offset"`
	Key       string `json:"key"`
	Value     string `json:"value"`
	// Tool marks a value naming the software that wrote or processed the
	// file (see container.Block.Tool).
	Tool bool `json:"tool,omitempty"`
}

// XMPProperty is an XMP property with the block it came from.
type XMPProperty struct {
	Container string `json:"container"`
	Offset    int64  `json:"offset"`
	xmp.Property
}

// EXIFField is an EXIF field with the block it came from.
type EXIFField struct {
	Container string `json:"container"`
	Offset    int64  `json:"offset"`
	exif.Field
}

// C2PAStore is a C2PA manifest store with the block it came from.
type C2PAStore struct {
	Container string `json:"container"`
	Offset    int64  `json:"offset"`
	*c2pa.Store
}

// Provenance is everything provscan sees in one file.
type Provenance struct {
	Name   string `json:"name"`
	Format string `json:"format"`
	Media  string `json:"media,omitempty"` // "image", "video", "audio", "document", "package", "" when unknown
	// Family is the format family of the reader that read the file ("MXF",
	// "OpenEXR", "ISOBMFF" ...): several formats share one.
	Family string            `json:"family,omitempty"`
	Blocks []container.Block `json:"blocks"`
	XMP    []XMPProperty     `json:"xmp,omitempty"`
	EXIF   []EXIFField       `json:"exif,omitempty"`
	Text   []TextEntry       `json:"text,omitempty"`
	IPTC   []TextEntry       `json:"iptc,omitempty"` // IPTC-IIM datasets (Key is the dataset name)
	C2PA   []C2PAStore       `json:"-"`              // every manifest store found (a file normally has one)
	// Store is the first manifest store, shown as "c2pa" in JSON; Stores holds any further ones.
	Store    *C2PAStore         `json:"c2pa,omitempty"`
	Stores   []C2PAStore        `json:"c2pa_more_stores,omitempty"`
	Evidence []evidence.Item    `json:"evidence"`
	Warnings []string           `json:"warnings,omitempty"` // non-fatal: a block that did not decode, an anomaly in the container
	Members  []container.Member `json:"-"`
	// Skipped lists archive members that were not inspected, with the reason.
	Skipped []container.Skipped `json:"skipped,omitempty"`
	// Incomplete lists what a limit or a budget stopped in this file (a
	// count, a depth, a size cap, the memory or hashing budget): the reader
	// or interpreter kept what it found before. The scan reports the file
	// as not fully inspected for each, which fails the gate.
	Incomplete []string `json:"incomplete,omitempty"`
}
