package c2pa

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/provscan/provscan/provenance/internal/seg"
	"github.com/provscan/provscan/provenance/readerr"
)

// JUMBF (ISO/IEC 19566-5) box types used by C2PA.
const (
	BoxSuperbox    = "jumb" // a superbox: a description box followed by content boxes
	BoxDescription = "jumd" // the description box of a superbox
	BoxCBOR        = "cbor" // CBOR content
	BoxJSON        = "json" // JSON content
	BoxCodestream  = "jp2c" // a JPEG 2000 codestream
	BoxFileDesc    = "bfdb" // embedded file description (media type, file name)
	BoxFileData    = "bidb" // embedded file data
	BoxUUID        = "uuid" // a UUID box: 16-byte UUID then data
	BoxSalt        = "c2sh" // the private salt box of a C2PA description
)

// UUID is a 16-byte JUMBF content type.
type UUID [16]byte

// String formats u in the usual 8-4-4-4-12 form.
func (u UUID) String() string {
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// c2paUUID builds the C2PA form of a JUMBF type: a four-character code
// followed by the ISO suffix 0011-0010-8000-00AA00389B71.
func c2paUUID(code string) UUID {
	var u UUID
	copy(u[:4], code)
	copy(u[4:], []byte{0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71})
	return u
}

// JUMBF superbox content types defined by C2PA and ISO 19566-5.
var (
	TypeManifestStore  = c2paUUID("c2pa") // the manifest store
	TypeManifest       = c2paUUID("c2ma") // a standard manifest
	TypeUpdateManifest = c2paUUID("c2um") // an update manifest
	TypeAssertionStore = c2paUUID("c2as") // the assertion store of a manifest
	TypeClaim          = c2paUUID("c2cl") // the claim
	TypeSignature      = c2paUUID("c2cs") // the claim signature
	TypeCredentials    = c2paUUID("c2vc") // the W3C verifiable credential store
	TypeDataboxes      = c2paUUID("c2db") // the databox store
	TypeCBOR           = c2paUUID("cbor") // CBOR content
	TypeJSON           = c2paUUID("json") // JSON content
	TypeUUIDContent    = c2paUUID("uuid") // UUID content
	TypeEmbeddedFile   = UUID{0x40, 0xCB, 0x0C, 0x32, 0xBB, 0x8A, 0x48, 0x9D, 0xA7, 0x0B, 0x2A, 0xD6, 0xF4, 0x7F, 0x43, 0x69}
	TypeCodestream     = UUID{0x65, 0x79, 0xD6, 0xFB, 0xDB, 0xA2, 0x44, 0x6B, 0xB2, 0xAC, 0x1B, 0x82, 0xFE, 0xEB, 0x89, 0xD1}
)

// Limits of the JUMBF parser, on top of seg.MaxDepth.
const (
	MaxJUMBFBoxes = 1 << 16 // boxes per parsed buffer
	maxLabelLen   = 1024    // bytes of a description label
)

// Description is the content of a jumd description box.
type Description struct {
	Type    UUID   `json:"type"`
	Toggles byte   `json:"toggles"`
	Label   string `json:"label,omitempty"`
	HasID   bool   `json:"-"`
	ID      uint32 `json:"id,omitempty"`
	Hash    []byte `json:"hash,omitempty"` // SHA-256 of the superbox content, when toggled on
	Private *Box   `json:"private,omitempty"`
}

// Description toggle bits.
const (
	toggleRequestable = 1 << 0
	toggleLabel       = 1 << 1
	toggleID          = 1 << 2
	toggleHash        = 1 << 3
	togglePrivate     = 1 << 4
)

// Box is one JUMBF box. For a superbox (Type "jumb"), Desc is its
// description and Children its content boxes (the jumd box excluded).
type Box struct {
	Type     string       `json:"type"`
	Offset   int64        `json:"offset"` // offset of the box header in the parsed buffer
	Size     int64        `json:"size"`   // whole box, header included
	Desc     *Description `json:"description,omitempty"`
	Children []*Box       `json:"children,omitempty"`

	raw     []byte // the whole box, header included (a slice of the input)
	payload []byte // the box without its header
}

// Raw returns the whole box, header included.
func (b *Box) Raw() []byte { return b.raw }

// Payload returns the box content without its LBox/TBox(/XLBox) header.
func (b *Box) Payload() []byte { return b.payload }

// Label returns the label of a superbox's description, or "".
func (b *Box) Label() string {
	if b == nil || b.Desc == nil {
		return ""
	}
	return b.Desc.Label
}

// Child returns the first child superbox whose label is label, or nil.
func (b *Box) Child(label string) *Box {
	if b == nil {
		return nil
	}
	for _, c := range b.Children {
		if c.Type == BoxSuperbox && c.Label() == label {
			return c
		}
	}
	return nil
}

// Content returns the first non-superbox child: the content box of a
// simple superbox (cbor, json, uuid, ...), or nil.
func (b *Box) Content() *Box {
	if b == nil {
		return nil
	}
	for _, c := range b.Children {
		if c.Type != BoxSuperbox {
			return c
		}
	}
	return nil
}

// jumbfParser parses boxes with a shared step budget.
type jumbfParser struct {
	buf   []byte
	count int
}

// ParseJUMBF parses the boxes of buf (a JUMBF stream: usually one jumb
// superbox). It returns the boxes read so far together with any error: a
// malformed buffer is never a panic.
func ParseJUMBF(buf []byte) ([]*Box, error) {
	p := &jumbfParser{buf: buf}
	return p.seq(0, int64(len(buf)), 0)
}

// header reads a box header at off within [off, end). It returns the box
// type, the header length and the total box length. A box that claims more
// bytes than are left is clamped to end and reported with ErrTruncated
// alongside a usable length, so that a cut-off store still yields what it has.
func (p *jumbfParser) header(off, end int64) (typ string, hdr, n int64, err error) {
	if end-off < 8 {
		return "", 0, 0, fmt.Errorf("%w: box header at %d needs 8 bytes, %d left", readerr.ErrTruncated, off, end-off)
	}
	typ, hdr, lbox, ok := seg.BoxHeader(p.buf[off:end], off, end)
	if !ok {
		return "", 0, 0, fmt.Errorf("%w: XLBox of box %q at %d", readerr.ErrTruncated, typ, off)
	}
	if lbox < uint64(hdr) {
		return "", 0, 0, fmt.Errorf("%w: box %q at %d has length %d", readerr.ErrMalformed, typ, off, lbox)
	}
	if lbox > uint64(end-off) {
		return typ, hdr, end - off, fmt.Errorf("%w: box %q at %d claims %d bytes, %d left", readerr.ErrTruncated, typ, off, lbox, end-off)
	}
	return typ, hdr, int64(lbox), nil
}

// seq parses consecutive boxes in [off, end).
func (p *jumbfParser) seq(off, end int64, depth int) ([]*Box, error) {
	var out []*Box
	for off < end {
		b, err := p.box(off, end, depth)
		if b != nil {
			out = append(out, b)
		}
		if err != nil {
			return out, err
		}
		off += b.Size
	}
	return out, nil
}

// box parses one box at off.
func (p *jumbfParser) box(off, end int64, depth int) (*Box, error) {
	if depth > seg.MaxDepth {
		return nil, fmt.Errorf("%w: JUMBF nesting deeper than %d", readerr.ErrLimit, seg.MaxDepth)
	}
	p.count++
	if p.count > MaxJUMBFBoxes {
		return nil, fmt.Errorf("%w: more than %d JUMBF boxes", readerr.ErrLimit, MaxJUMBFBoxes)
	}
	typ, hdr, n, terr := p.header(off, end)
	if n == 0 {
		return nil, terr
	}
	b := &Box{Type: typ, Offset: off, Size: n, raw: p.buf[off : off+n], payload: p.buf[off+hdr : off+n]}
	if typ != BoxSuperbox {
		return b, terr
	}
	err := p.superbox(b, off+hdr, off+n, depth)
	if err == nil {
		err = terr
	}
	return b, err
}

// superbox parses the description and content boxes of b in [start, stop).
func (p *jumbfParser) superbox(b *Box, start, stop int64, depth int) error {
	dtyp, dhdr, dn, err := p.header(start, stop)
	if dn == 0 || (err != nil && dtyp != BoxDescription) {
		return fmt.Errorf("superbox at %d: %w", b.Offset, err)
	}
	if dtyp != BoxDescription {
		return fmt.Errorf("%w: superbox at %d starts with %q, not jumd", readerr.ErrMalformed, b.Offset, dtyp)
	}
	desc, derr := p.description(start+dhdr, start+dn, depth)
	b.Desc = desc
	if derr != nil {
		return fmt.Errorf("description of superbox at %d: %w", b.Offset, derr)
	}
	if err != nil {
		return fmt.Errorf("description of superbox at %d: %w", b.Offset, err)
	}
	kids, err := p.seq(start+dn, stop, depth+1)
	b.Children = kids
	if err != nil {
		return fmt.Errorf("superbox %q: %w", desc.Label, err)
	}
	return nil
}

// description parses the payload of a jumd box in [off, end).
func (p *jumbfParser) description(off, end int64, depth int) (*Description, error) {
	d := &Description{}
	if end-off < 17 {
		return d, fmt.Errorf("%w: description box of %d bytes", readerr.ErrTruncated, end-off)
	}
	copy(d.Type[:], p.buf[off:off+16])
	d.Toggles = p.buf[off+16]
	pos := off + 17
	if d.Toggles&toggleLabel != 0 {
		i := pos
		for i < end && p.buf[i] != 0 {
			i++
		}
		if i >= end {
			return d, fmt.Errorf("%w: unterminated label", readerr.ErrMalformed)
		}
		if i-pos > maxLabelLen {
			return d, fmt.Errorf("%w: label of %d bytes", readerr.ErrLimit, i-pos)
		}
		d.Label = string(p.buf[pos:i])
		pos = i + 1
	}
	if d.Toggles&toggleID != 0 {
		if end-pos < 4 {
			return d, fmt.Errorf("%w: description ID", readerr.ErrTruncated)
		}
		d.HasID = true
		d.ID = binary.BigEndian.Uint32(p.buf[pos:])
		pos += 4
	}
	if d.Toggles&toggleHash != 0 {
		if end-pos < 32 {
			return d, fmt.Errorf("%w: description hash", readerr.ErrTruncated)
		}
		d.Hash = p.buf[pos : pos+32]
		pos += 32
	}
	if d.Toggles&togglePrivate != 0 && pos < end {
		priv, err := p.box(pos, end, depth+1)
		d.Private = priv
		if err != nil {
			return d, fmt.Errorf("private box: %w", err)
		}
	}
	return d, nil
}
