package exif

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"
	"sync"

	goexif "github.com/dsoprea/go-exif/v3"
	exifcommon "github.com/dsoprea/go-exif/v3/common"

	"github.com/provscan/provscan/provenance/readerr"
)

// Limits of Parse.
const (
	MaxValue   = 1 << 20 // bytes kept of one decoded value (ComfyUI puts whole workflows in Make/Model)
	maxIFDs    = 16      // IFDs read per block
	maxEntries = 4096    // entries read per IFD
)

// Tag numbers of the fields Parse returns.
const (
	TagDocumentName     = 0x010D
	TagImageDescription = 0x010E
	TagMake             = 0x010F
	TagModel            = 0x0110
	TagSoftware         = 0x0131
	TagArtist           = 0x013B
	TagHostComputer     = 0x013C
	TagCopyright        = 0x8298
	TagMakerNote        = 0x927C
	TagUserComment      = 0x9286
	TagImageUniqueID    = 0xA420
	TagXPTitle          = 0x9C9B
	TagXPComment        = 0x9C9C
	TagXPAuthor         = 0x9C9D
	TagXPKeywords       = 0x9C9E
	TagXPSubject        = 0x9C9F

	tagExifIFD = 0x8769
	tagGPSIFD  = 0x8825
)

// tagNames names the tags Parse returns; other tags are not read.
var tagNames = map[uint16]string{
	TagDocumentName:     "DocumentName",
	TagImageDescription: "ImageDescription",
	TagMake:             "Make",
	TagModel:            "Model",
	TagSoftware:         "Software",
	TagArtist:           "Artist",
	TagHostComputer:     "HostComputer",
	TagCopyright:        "Copyright",
	TagMakerNote:        "MakerNote",
	TagUserComment:      "UserComment",
	TagImageUniqueID:    "ImageUniqueID",
	TagXPTitle:          "XPTitle",
	TagXPComment:        "XPComment",
	TagXPAuthor:         "XPAuthor",
	TagXPKeywords:       "XPKeywords",
	TagXPSubject:        "XPSubject",
}

// Get returns the value of the first field named name, or "".
func Get(fields []Field, name string) string {
	for _, f := range fields {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// ifdRef is one IFD to read: its name in Field.IFD and its offset in the block.
type ifdRef struct {
	name   string
	offset uint32
}

// Parse reads the text fields of a raw EXIF block: a TIFF structure starting
// "II*\0" or "MM\0*", optionally preceded by "Exif\0\0". It walks IFD0, the
// Exif IFD, the GPS IFD and IFD1 and returns the fields named in tagNames
// (plus ASCII values misplaced in numeric IFD0 tags, named "Tag0x010C"), in
// IFD order then entry order. The IFD tree is found by a bounded walk of
// our own, with go-exif's reading merged in where that walk fails; the
// values are read from the raw entries (go-exif's
// UserComment codec drops values without a charset prefix and does not
// know the upper-case "UNICODE" prefix). A malformed block returns the fields read so
// far and an error wrapping readerr.ErrMalformed or ErrTruncated.
func Parse(raw []byte) (fields []Field, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: exif: internal error: %v", readerr.ErrMalformed, r)
		}
	}()
	if bytes.HasPrefix(raw, []byte("Exif\x00")) && len(raw) >= 6 {
		raw = raw[6:]
	}
	if len(raw) < 8 {
		return nil, fmt.Errorf("%w: exif: %d bytes, no TIFF header", readerr.ErrTruncated, len(raw))
	}
	var bo binary.ByteOrder
	switch {
	case bytes.HasPrefix(raw, []byte("II*\x00")):
		bo = binary.LittleEndian
	case bytes.HasPrefix(raw, []byte("MM\x00*")):
		bo = binary.BigEndian
	default:
		return nil, fmt.Errorf("%w: exif: no TIFF header (% x)", readerr.ErrMalformed, raw[:4])
	}
	b := block{raw: raw, bo: bo}
	// Our own bounded walk finds the IFD tree. go-exif is asked too when that
	// walk stops part-way on a broken link and every entry it saw is sane
	// (safeForLibrary): go-exif costs a panic and a stack capture per
	// tag (about 140 us per camera block, 15 % of a scan), and on every
	// well-formed block of the corpus it finds no IFD the walk misses
	// (TestLibraryFindsNoMoreIFDs). It also refuses whole blocks for one bad
	// link (piexif, used by A1111, writes an Exif IFD without a next-IFD
	// pointer), so its IFDs are merged with ours, never used alone.
	ifds, werr := b.walk()
	if werr != nil && len(ifds) > 0 && b.safeForLibrary(ifds) {
		if lib, lerr := libraryIFDs(raw); lerr == nil {
			ifds = merge(lib, ifds)
		}
	}
	for _, ref := range ifds {
		fs, ferr := b.fields(ref)
		fields = append(fields, fs...)
		if ferr != nil && err == nil {
			err = ferr
		}
	}
	if err == nil && werr != nil && len(fields) == 0 {
		err = werr
	}
	return fields, err
}

// lib holds go-exif's IFD mapping and tag index, built once (loading the
// standard tags parses a YAML table) and only read afterwards.
var lib struct {
	once    sync.Once
	mapping *exifcommon.IfdMapping
	index   *goexif.TagIndex
	err     error
}

// libraryIFDs lists the IFDs of raw as go-exif's Collect finds them.
// go-exif logs through go-logging, which prints nothing unless an adapter
// is registered; provscan registers none.
func libraryIFDs(raw []byte) (refs []ifdRef, err error) {
	defer func() {
		if r := recover(); r != nil {
			refs, err = nil, fmt.Errorf("%w: exif: go-exif: %v", readerr.ErrMalformed, r)
		}
	}()
	lib.once.Do(func() {
		lib.mapping, lib.err = exifcommon.NewIfdMappingWithStandard()
		if lib.err == nil {
			lib.index = goexif.NewTagIndex()
			lib.err = goexif.LoadStandardTags(lib.index)
		}
	})
	if lib.err != nil {
		return nil, fmt.Errorf("%w: exif: go-exif setup: %v", readerr.ErrMalformed, lib.err)
	}
	_, index, err := goexif.Collect(lib.mapping, lib.index, raw)
	if err != nil {
		return nil, fmt.Errorf("%w: exif: go-exif: %v", readerr.ErrMalformed, err)
	}
	seen := map[uint32]bool{}
	for _, ifd := range index.Ifds {
		if ifd == nil || ifd.IfdIdentity() == nil || len(refs) >= maxIFDs {
			continue
		}
		ii := ifd.IfdIdentity()
		name := ifdName(ii.UnindexedString(), ii.Index())
		if name == "" || seen[ifd.Offset()] {
			continue
		}
		seen[ifd.Offset()] = true
		refs = append(refs, ifdRef{name: name, offset: ifd.Offset()})
	}
	sort.SliceStable(refs, func(i, j int) bool { return ifdOrder(refs[i].name) < ifdOrder(refs[j].name) })
	return refs, nil
}

// safeForLibrary reports whether go-exif may be given the block: go-exif
// allocates an entry's value (count times type size) and an IFD1 thumbnail
// (JPEGInterchangeFormatLength) before checking them against the block, so
// a hostile count costs it gigabytes. Every entry of the IFDs our walk found
// must fit in the block.
func (b *block) safeForLibrary(refs []ifdRef) bool {
	for _, r := range refs {
		es, err := b.entries(r.offset)
		if err != nil {
			return false
		}
		for _, e := range es {
			size := uint64(e.count) * uint64(max(typeSize(e.typ), 1))
			if size > uint64(len(b.raw)) {
				return false
			}
			if e.tag == 0x0202 && len(e.value) == 4 && uint64(b.bo.Uint32(e.value)) > uint64(len(b.raw)) {
				return false // JPEGInterchangeFormatLength
			}
		}
	}
	return true
}

// merge appends to a the IFDs of b at offsets a does not hold, in IFD order.
func merge(a, b []ifdRef) []ifdRef {
	seen := map[uint32]bool{}
	for _, r := range a {
		seen[r.offset] = true
	}
	for _, r := range b {
		if !seen[r.offset] {
			seen[r.offset] = true
			a = append(a, r)
		}
	}
	sort.SliceStable(a, func(i, j int) bool { return ifdOrder(a[i].name) < ifdOrder(a[j].name) })
	return a
}

// ifdName turns a go-exif IFD path into the Field.IFD name.
func ifdName(path string, index int) string {
	switch path {
	case "IFD":
		return fmt.Sprintf("IFD%d", index)
	case "IFD/Exif":
		return "ExifIFD"
	case "IFD/GPSInfo":
		return "GPSIFD"
	case "IFD/Exif/Iop":
		return "InteropIFD"
	}
	return ""
}

func ifdOrder(name string) int {
	switch name {
	case "IFD0":
		return 0
	case "ExifIFD":
		return 1
	case "GPSIFD":
		return 2
	case "InteropIFD":
		return 3
	}
	return 4 // IFD1 and later
}

// block is a TIFF-structured EXIF block.
type block struct {
	raw []byte
	bo  binary.ByteOrder
}

// entry is one raw 12-byte IFD entry.
type entry struct {
	tag, typ uint16
	count    uint32
	value    []byte // the 4 value/offset bytes
}

// entries reads the entry table of the IFD at off.
func (b *block) entries(off uint32) ([]entry, error) {
	if uint64(off)+2 > uint64(len(b.raw)) {
		return nil, fmt.Errorf("%w: exif: IFD offset %d past the end (%d bytes)", readerr.ErrTruncated, off, len(b.raw))
	}
	n := int(b.bo.Uint16(b.raw[off:]))
	var err error
	if n > maxEntries {
		n = maxEntries
		err = fmt.Errorf("%w: exif: IFD at %d has more than %d entries", readerr.ErrLimit, off, maxEntries)
	}
	avail := (len(b.raw) - int(off) - 2) / 12
	if n > avail {
		n = avail
		err = fmt.Errorf("%w: exif: IFD at %d runs past the end", readerr.ErrTruncated, off)
	}
	out := make([]entry, 0, n)
	for i := 0; i < n; i++ {
		p := b.raw[int(off)+2+12*i:]
		out = append(out, entry{
			tag:   b.bo.Uint16(p),
			typ:   b.bo.Uint16(p[2:]),
			count: b.bo.Uint32(p[4:]),
			value: p[8:12],
		})
	}
	return out, err
}

// next returns the next-IFD offset of the IFD at off, or 0.
func (b *block) next(off uint32) uint32 {
	if uint64(off)+2 > uint64(len(b.raw)) {
		return 0
	}
	n := uint64(b.bo.Uint16(b.raw[off:]))
	p := uint64(off) + 2 + 12*n
	if p+4 > uint64(len(b.raw)) {
		return 0
	}
	return b.bo.Uint32(b.raw[p:])
}

// walk finds IFD0, its chain (IFD1...), the Exif and GPS IFDs without go-exif,
// with loop and count limits.
func (b *block) walk() ([]ifdRef, error) {
	var refs []ifdRef
	seen := map[uint32]bool{}
	var err error
	add := func(name string, off uint32) bool {
		if off < 8 || seen[off] || len(refs) >= maxIFDs || uint64(off)+2 > uint64(len(b.raw)) {
			return false
		}
		seen[off] = true
		refs = append(refs, ifdRef{name: name, offset: off})
		return true
	}
	off := b.bo.Uint32(b.raw[4:])
	for i := 0; i < maxIFDs && add(fmt.Sprintf("IFD%d", i), off); i++ {
		es, eerr := b.entries(off)
		if eerr != nil && err == nil {
			err = eerr
		}
		if i == 0 {
			for _, e := range es {
				switch e.tag {
				case tagExifIFD:
					add("ExifIFD", b.bo.Uint32(e.value))
				case tagGPSIFD:
					add("GPSIFD", b.bo.Uint32(e.value))
				}
			}
		}
		off = b.next(off)
	}
	if len(refs) == 0 {
		return nil, fmt.Errorf("%w: exif: no readable IFD0", readerr.ErrMalformed)
	}
	sort.SliceStable(refs, func(i, j int) bool { return ifdOrder(refs[i].name) < ifdOrder(refs[j].name) })
	return refs, err
}

// misusedASCII reports an ASCII entry in IFD0 at a tag number below Make
// that the TIFF standard gives a numeric type: ComfyUI's SaveAnimatedWEBP
// writes one "key:{json}" entry per extra metadata key counting down from
// 0x010F (Make), 0x010E, 0x010D, 0x010C...
func misusedASCII(ifd string, e entry) bool {
	return ifd == "IFD0" && e.typ == 2 && e.tag >= 0x0100 && e.tag < TagMake
}

// typeSize gives the byte size of one unit of a TIFF field type.
func typeSize(t uint16) int {
	switch t {
	case 1, 2, 6, 7:
		return 1
	case 3, 8:
		return 2
	case 4, 9, 11, 13:
		return 4
	case 5, 10, 12:
		return 8
	}
	return 0
}

// data returns the value bytes of e, clipped to the block.
func (b *block) data(e entry) ([]byte, error) {
	size := typeSize(e.typ)
	if size == 0 {
		return nil, fmt.Errorf("%w: exif: tag 0x%04x has unknown type %d", readerr.ErrMalformed, e.tag, e.typ)
	}
	n := uint64(e.count) * uint64(size)
	if n <= 4 {
		return e.value[:n], nil
	}
	off := uint64(b.bo.Uint32(e.value))
	if off >= uint64(len(b.raw)) {
		return nil, fmt.Errorf("%w: exif: tag 0x%04x value at %d past the end", readerr.ErrTruncated, e.tag, off)
	}
	end := off + n
	if end > uint64(len(b.raw)) {
		return b.raw[off:], fmt.Errorf("%w: exif: tag 0x%04x value runs past the end", readerr.ErrTruncated, e.tag)
	}
	return b.raw[off:end], nil
}

// fields decodes the wanted entries of one IFD.
func (b *block) fields(ref ifdRef) ([]Field, error) {
	if ref.name == "GPSIFD" || ref.name == "InteropIFD" {
		// Tag numbers there mean other things; nothing textual we report.
		_, err := b.entries(ref.offset)
		return nil, err
	}
	es, err := b.entries(ref.offset)
	var out []Field
	for _, e := range es {
		name, ok := tagNames[e.tag]
		if !ok {
			if !misusedASCII(ref.name, e) {
				continue
			}
			name = fmt.Sprintf("Tag0x%04X", e.tag)
		}
		d, derr := b.data(e)
		if derr != nil && err == nil {
			err = derr
		}
		if len(d) == 0 {
			continue
		}
		f := Field{IFD: ref.name, Tag: e.tag, Name: name}
		switch e.tag {
		case TagUserComment:
			f.Value, f.Encoding = DecodeUserComment(d, b.bo)
		case TagMakerNote:
			v, ok := printable(d)
			if !ok {
				continue
			}
			f.Value = v
		case TagXPTitle, TagXPComment, TagXPAuthor, TagXPKeywords, TagXPSubject:
			f.Value = clip(trimEnd(utf16String(d, binary.LittleEndian)))
		default:
			if e.typ != 1 && e.typ != 2 && e.typ != 7 {
				continue
			}
			f.Value = clip(trimEnd(text(d)))
		}
		if f.Value == "" && e.tag != TagUserComment {
			continue
		}
		out = append(out, f)
	}
	return out, err
}
