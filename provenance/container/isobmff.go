package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/provscan/provscan/provenance/internal/reader"
	"github.com/provscan/provscan/provenance/internal/seg"
)

// The extended types of the uuid boxes that carry provenance metadata.
var (
	bmffC2PAUUID = []byte{0xD8, 0xFE, 0xC3, 0xD6, 0x1B, 0x0E, 0x48, 0x3C, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7E, 0xC4, 0x81}
	bmffXMPUUID  = []byte{0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC}
)

// Limits specific to ISO BMFF item tables.
const (
	bmffMaxItems   = 1 << 16 // items listed in iinf/iloc
	bmffMaxExtents = 1024    // extents of one item
	bmffMaxChild   = 1 << 14 // children of one meta box
)

// matchISOBMFF reports whether head starts with an ISO base media file box:
// ftyp (MP4, MOV, HEIF, AVIF, M4A, 3GP ...), styp (media segments) or, for
// old QuickTime files without ftyp, a moov, mdat, wide or free atom.
func matchISOBMFF(head []byte) bool {
	if len(head) < 8 {
		return false
	}
	switch string(head[4:8]) {
	case "ftyp", "styp":
		return true
	case "moov", "mdat", "wide", "free", "pnot":
		n := binary.BigEndian.Uint32(head)
		return n == 1 || n >= 8
	}
	return false
}

// bmffFormat maps an ftyp major brand (and its compatible brands) to the
// format name reported in Result.Format.
func bmffFormat(major string, compat []string) Format {
	has := func(b ...string) bool {
		for _, c := range compat {
			for _, x := range b {
				if c == x {
					return true
				}
			}
		}
		return false
	}
	switch major {
	case "qt  ":
		return formatMOV
	case "avif", "avis":
		return formatAVIF
	case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "mif2", "MiHE":
		if (major == "mif1" || major == "msf1") && has("avif", "avis") {
			return formatAVIF
		}
		return formatHEIF
	case "M4A ", "M4B ", "M4P ":
		return formatM4A
	case "M4V ", "M4VH", "M4VP":
		return formatM4V
	}
	if strings.HasPrefix(major, "3g") {
		return format3GP
	}
	return formatMP4
}

// bmffWalker holds the state of one walk over an ISO BMFF file.
type bmffWalker struct {
	r      io.ReaderAt
	size   int64
	res    *Result
	steps  int
	errs   error
	halted bool
	hbuf   [16]byte // where the box iterators read headers
}

// readISOBMFF reads the metadata boxes of an ISO base media file (MP4, MOV,
// M4A, 3GP, HEIF, AVIF, fragmented MP4). It follows box headers only, never
// reads mdat or moof, and returns the C2PA and XMP uuid boxes, the
// udta/meta/ilst tags (classic and keys-based), QuickTime udta text atoms,
// meta/xml XMP and the Exif and XMP items of HEIF/AVIF images.
func readISOBMFF(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatMP4, Budget: b}
	w := &bmffWalker{r: r, size: size, res: res}
	var head [8]byte
	if err := readAt(r, head[:], 0); err != nil {
		return res, err
	}
	if string(head[4:8]) != "ftyp" {
		if string(head[4:8]) == "styp" {
			res.Format = formatMP4
		} else {
			res.Format = formatMOV
		}
	}
	w.walk(0, size, 0, "")
	return res, w.errs
}

// fail records an error and stops the walk.
func (w *bmffWalker) fail(err error) {
	w.errs = errors.Join(w.errs, err)
	w.halted = true
}

// note records an error that does not stop the walk: a warning, and an
// error for a file in which nothing else is found.
func (w *bmffWalker) note(err error) {
	w.res.Warn("%v", err)
	w.errs = errors.Join(w.errs, reader.Noted(err))
}

// bmffBox is one box header.
type bmffBox struct {
	typ   string
	off   int64 // offset of the box header
	start int64 // offset of the payload (after the header and any uuid)
	end   int64 // end of the box
	uuid  []byte
}

// bmffKey renders the box type as a tag name: the 0xA9 byte of QuickTime
// and iTunes tags is shown as ©.
func bmffKey(typ string) string { return seg.Printable(typ) }

// header completes the header the box iterator read: the 16-byte extended
// type of a uuid box comes before its payload.
func (w *bmffWalker) header(sb seg.Box) (bmffBox, error) {
	b := bmffBox{typ: sb.Type, off: sb.Off, start: sb.Start, end: sb.End}
	if b.typ == "uuid" {
		if b.end-b.start < 16 {
			return b, fmt.Errorf("%w: uuid box at offset %d is too short", ErrMalformed, b.off)
		}
		b.uuid = make([]byte, 16)
		if err := readAt(w.r, b.uuid, b.start); err != nil {
			return b, err
		}
		b.start += 16
	}
	return b, nil
}

// boxes calls f with each box between start and end, its end clamped to
// end, until f returns false or the walk halts; each box is a step of the
// walk. A box that runs past end is first given to past (only its type and
// offset are set); a header that cannot be read (or is malformed, such as a
// uuid box without room for its 16-byte type) goes to bad and ends the loop.
func (w *bmffWalker) boxes(start, end int64, bad func(error), past func(b bmffBox), f func(b bmffBox) bool) {
	it := seg.NewBoxes(w.r, start, end, &w.hbuf)
	for !w.halted && it.Next() {
		if w.steps++; w.steps > maxSteps {
			w.fail(fmt.Errorf("%w: more than %d boxes", errLimit, maxSteps))
			return
		}
		sb := it.Box()
		if sb.End > end {
			past(bmffBox{typ: sb.Type, off: sb.Off})
			sb.End = end // before the uuid is read: it must fit in what is left
		}
		b, err := w.header(sb)
		if err != nil {
			bad(err)
			return
		}
		if !f(b) {
			return
		}
	}
	if err := it.Err(); err != nil && !w.halted {
		bad(err)
	}
}

// children lists the boxes between start and end, stopping at the first
// malformed header.
func (w *bmffWalker) children(start, end int64, max int) []bmffBox {
	var out []bmffBox
	w.boxes(start, end, w.note, func(b bmffBox) {
		if b.typ != "mdat" {
			w.note(fmt.Errorf("%w: box %q at offset %d runs past the end of its container", errTruncated, bmffKey(b.typ), b.off))
		} else {
			w.res.Warn("mdat at offset %d runs past the end of the file", b.off)
		}
	}, func(b bmffBox) bool {
		if len(out) >= max {
			w.note(fmt.Errorf("%w: more than %d boxes in one container at offset %d", errLimit, max, start))
			return false
		}
		out = append(out, b)
		return true
	})
	return out
}

// read reads the payload bytes [off, end), enforcing the per-file total.
func (w *bmffWalker) read(off, end int64) ([]byte, bool) {
	n := end - off
	if w.res.Reserve(reader.Payload, n) != nil {
		w.fail(fmt.Errorf("%w: metadata boxes exceed %d bytes", errLimit, maxTotalBlocks))
		return nil, false
	}
	p, err := readBlock(w.r, off, n, w.size)
	if err != nil {
		w.note(err)
		return nil, false
	}
	return p, true
}

func (w *bmffWalker) add(b Block) {
	if err := w.res.Add(b); err != nil {
		w.fail(err)
	}
}

func (w *bmffWalker) where(path string) string { return string(w.res.Format) + " " + path }

// walk reads the boxes between start and end.
func (w *bmffWalker) walk(start, end int64, depth int, path string) {
	if depth > maxDepth {
		w.fail(fmt.Errorf("%w: boxes nested deeper than %d", errLimit, maxDepth))
		return
	}
	w.boxes(start, end, w.fail, func(b bmffBox) {
		if b.typ == "mdat" || b.typ == "moof" || b.typ == "free" || b.typ == "skip" {
			w.res.Warn("box %q at offset %d runs past the end of the file", b.typ, b.off)
		} else {
			w.note(fmt.Errorf("%w: box %q at offset %d runs past the end of its container", errTruncated, bmffKey(b.typ), b.off))
		}
	}, func(b bmffBox) bool {
		w.box(b, depth, path)
		return true
	})
}

// box handles one box.
func (w *bmffWalker) box(b bmffBox, depth int, path string) {
	p := b.typ
	if path != "" {
		p = path + "/" + bmffKey(b.typ)
	}
	switch b.typ {
	case "ftyp":
		if depth == 0 {
			w.ftyp(b)
		}
	case "moov", "trak":
		w.walk(b.start, b.end, depth+1, p)
	case "udta":
		w.udta(b, depth+1, p)
	case "meta":
		w.meta(b, depth+1, p)
	case "uuid":
		w.uuidBox(b, p)
	}
	// mdat, moof, free and everything else: skipped by size.
}

func (w *bmffWalker) ftyp(b bmffBox) {
	if b.end-b.start < 8 {
		w.res.Warn("ftyp box at offset %d is too short", b.off)
		return
	}
	p, ok := w.read(b.start, min(b.end, b.start+4096))
	if !ok {
		return
	}
	var compat []string
	for q := p[8:]; len(q) >= 4; q = q[4:] {
		compat = append(compat, string(q[:4]))
	}
	w.res.Format = bmffFormat(string(p[:4]), compat)
}

// uuidBox reads the C2PA and XMP uuid boxes.
func (w *bmffWalker) uuidBox(b bmffBox, path string) {
	switch {
	case bytes.Equal(b.uuid, bmffXMPUUID):
		if d, ok := w.read(b.start, b.end); ok {
			w.add(Block{Kind: KindXMP, Container: w.where("uuid XMP box"), Offset: b.start, Size: b.end - b.start, Data: d})
		}
	case bytes.Equal(b.uuid, bmffC2PAUUID):
		// version/flags, purpose (NUL-terminated), then for a manifest an
		// 8-byte offset to the merkle data and the JUMBF manifest store.
		head := make([]byte, min(b.end-b.start, 4+64+8))
		if err := readAt(w.r, head, b.start); err != nil {
			w.note(err)
			return
		}
		if len(head) < 5 {
			w.note(fmt.Errorf("%w: C2PA uuid box at offset %d is too short", ErrMalformed, b.off))
			return
		}
		i := bytes.IndexByte(head[4:], 0)
		if i < 0 {
			w.note(fmt.Errorf("%w: C2PA uuid box at offset %d has no purpose string", ErrMalformed, b.off))
			return
		}
		purpose := string(head[4 : 4+i])
		switch purpose {
		case "manifest", "original", "update":
		case "merkle":
			w.res.Warn("C2PA uuid box at offset %d holds merkle data (%d bytes), no manifest", b.off, b.end-b.off)
			return
		default:
			w.res.Warn("C2PA uuid box at offset %d has unknown purpose %q", b.off, seg.FourCC(purpose))
			return
		}
		start := b.start + 4 + int64(i) + 1 + 8
		if start > b.end {
			w.note(fmt.Errorf("%w: C2PA uuid box at offset %d is too short", ErrMalformed, b.off))
			return
		}
		if d, ok := w.read(start, b.end); ok {
			w.add(Block{Kind: KindC2PA, Container: w.where("uuid C2PA box (" + purpose + ")"), Offset: start, Size: b.end - start, Data: d})
		}
	}
}

// udta reads a user data box: meta, QuickTime text atoms (©xxx) and XMP_.
func (w *bmffWalker) udta(b bmffBox, depth int, path string) {
	if depth > maxDepth {
		w.fail(fmt.Errorf("%w: boxes nested deeper than %d", errLimit, maxDepth))
		return
	}
	for _, c := range w.children(b.start, b.end, bmffMaxChild) {
		switch {
		case c.typ == "meta":
			w.meta(c, depth+1, path+"/meta")
		case c.typ == "XMP_":
			if d, ok := w.read(c.start, c.end); ok {
				w.add(Block{Kind: KindXMP, Container: w.where(path + "/XMP_"), Offset: c.start, Size: c.end - c.start, Data: d})
			}
		case c.typ[0] == 0xA9:
			w.qtText(c, path)
		case c.typ == "AIGC":
			w.udtaLabel(c, path)
		}
		if w.halted {
			return
		}
	}
}

// udtaLabel reads a user data atom named AIGC, where writers that use no
// metadata keys put the GB 45438-2025 implicit label: the JSON as is, a
// data box or a QuickTime text entry. It becomes a text block keyed AIGC.
func (w *bmffWalker) udtaLabel(c bmffBox, path string) {
	var h [1]byte
	if c.end > c.start {
		if err := readAt(w.r, h[:], c.start); err != nil {
			w.note(err)
			return
		}
	}
	if h[0] != '{' {
		w.qtText(c, path)
		return
	}
	if p, ok := w.read(c.start, c.end); ok {
		w.add(Block{Kind: KindText, Container: w.where(path), Offset: c.start, Size: c.end - c.start, Key: "AIGC", Data: bmffText(p)})
	}
}

// qtText reads a QuickTime user data text atom: a list of (16-bit length,
// 16-bit language, text) entries, or, as some writers do, a data box.
func (w *bmffWalker) qtText(c bmffBox, path string) {
	var h [8]byte
	if c.end-c.start >= 8 {
		if err := readAt(w.r, h[:], c.start); err != nil {
			w.note(err)
			return
		}
		if string(h[4:8]) == "data" {
			w.item(c, bmffKey(c.typ), path)
			return
		}
	}
	p, ok := w.read(c.start, c.end)
	if !ok {
		return
	}
	off := c.start
	for len(p) >= 4 {
		n := int(binary.BigEndian.Uint16(p))
		if n > len(p)-4 {
			w.res.Warn("QuickTime text atom %s at offset %d runs past its box", bmffKey(c.typ), c.off)
			n = len(p) - 4
		}
		w.add(Block{Kind: KindText, Container: w.where(path), Offset: off + 4, Size: int64(n), Key: bmffKey(c.typ), Data: bmffText(p[4 : 4+n])})
		p = p[4+n:]
		off += int64(4 + n)
	}
}

// bmffText returns text as UTF-8: valid UTF-8 as is (trailing NULs
// removed), UTF-16 with a byte order mark converted, anything else read as
// Mac Roman's ASCII subset with other bytes as Latin-1.
func bmffText(p []byte) []byte {
	if len(p) >= 2 && (p[0] == 0xFE && p[1] == 0xFF || p[0] == 0xFF && p[1] == 0xFE) {
		return bmffUTF16(p)
	}
	p = bytes.TrimRight(p, "\x00")
	if utf8.Valid(p) {
		return p
	}
	return []byte(pngLatin1(p))
}

// bmffUTF16 decodes UTF-16 text, big-endian unless a BOM says otherwise.
func bmffUTF16(p []byte) []byte {
	var order binary.ByteOrder = binary.BigEndian
	if len(p) >= 2 {
		if p[0] == 0xFF && p[1] == 0xFE {
			order, p = binary.LittleEndian, p[2:]
		} else if p[0] == 0xFE && p[1] == 0xFF {
			p = p[2:]
		}
	}
	u := make([]uint16, 0, len(p)/2)
	for ; len(p) >= 2; p = p[2:] {
		u = append(u, order.Uint16(p))
	}
	for len(u) > 0 && u[len(u)-1] == 0 {
		u = u[:len(u)-1]
	}
	return []byte(string(utf16.Decode(u)))
}

// meta reads a meta box: hdlr, keys, ilst, xml, and the HEIF item tables
// iinf and iloc. ISO meta is a full box; QuickTime meta is not.
func (w *bmffWalker) meta(b bmffBox, depth int, path string) {
	if depth > maxDepth {
		w.fail(fmt.Errorf("%w: boxes nested deeper than %d", errLimit, maxDepth))
		return
	}
	start := b.start
	var h [8]byte
	if b.end-b.start >= 8 {
		if err := readAt(w.r, h[:], b.start); err != nil {
			w.note(err)
			return
		}
		// A full box starts with version 0 and no flags; a QuickTime meta
		// atom starts with the size of its first child.
		if binary.BigEndian.Uint32(h[:4]) == 0 && string(h[4:8]) != "hdlr" {
			start += 4
		}
	}
	kids := w.children(start, b.end, bmffMaxChild)
	var keys []string
	for _, c := range kids {
		if c.typ == "keys" {
			keys = w.keys(c)
		}
	}
	var iinf, iloc, idat *bmffBox
	for i := range kids {
		if w.halted {
			return
		}
		c := kids[i]
		switch c.typ {
		case "ilst":
			w.ilst(c, keys, path+"/ilst")
		case "xml ":
			if d, ok := w.read(min(c.start+4, c.end), c.end); ok {
				if bmffLooksXMP(d) {
					w.add(Block{Kind: KindXMP, Container: w.where(path + "/xml"), Offset: c.start + 4, Size: c.end - c.start - 4, Data: d})
				} else {
					w.add(Block{Kind: KindText, Container: w.where(path + "/xml"), Offset: c.start + 4, Size: c.end - c.start - 4, Key: "xml", Data: d})
				}
			}
		case "iinf":
			iinf = &kids[i]
		case "iloc":
			iloc = &kids[i]
		case "idat":
			idat = &kids[i]
		}
	}
	if iinf != nil {
		w.items(*iinf, iloc, idat, path)
	}
}

// bmffLooksXMP reports whether an XML document is an XMP packet.
func bmffLooksXMP(d []byte) bool {
	head := d[:min(len(d), 4096)]
	return bytes.Contains(head, []byte("<x:xmpmeta")) || bytes.Contains(head, []byte("<?xpacket")) ||
		bytes.Contains(head, []byte("adobe:ns:meta")) || bytes.Contains(head, []byte("http://ns.adobe.com/xap/1.0/"))
}

// keys reads a QuickTime keys box: the names of the indexed ilst items.
func (w *bmffWalker) keys(c bmffBox) []string {
	p, ok := w.read(c.start, c.end)
	if !ok || len(p) < 8 {
		return nil
	}
	count := binary.BigEndian.Uint32(p[4:8])
	var out []string
	q := p[8:]
	for i := uint32(0); i < count && len(q) >= 8 && len(out) < bmffMaxItems; i++ {
		n := int(binary.BigEndian.Uint32(q))
		if n < 8 || n > len(q) {
			w.res.Warn("keys box at offset %d: entry %d has size %d", c.off, i, n)
			break
		}
		out = append(out, string(bmffText(q[8:n])))
		q = q[n:]
	}
	return out
}

// ilst reads the items of a metadata item list.
func (w *bmffWalker) ilst(c bmffBox, keys []string, path string) {
	for _, it := range w.children(c.start, c.end, bmffMaxChild) {
		key := bmffKey(it.typ)
		if len(keys) > 0 {
			idx := binary.BigEndian.Uint32([]byte(it.typ))
			if idx >= 1 && int(idx) <= len(keys) {
				key = keys[idx-1]
			}
		}
		w.item(it, key, path)
		if w.halted {
			return
		}
	}
}

// item reads the data boxes of one ilst item (or data-style udta atom). A
// freeform "----" item takes its key from its name box.
func (w *bmffWalker) item(it bmffBox, key, path string) {
	kids := w.children(it.start, it.end, 64)
	if it.typ == "----" {
		for _, k := range kids {
			if k.typ == "name" && k.end-k.start > 4 && k.end-k.start < 1024 {
				if d, ok := w.read(k.start+4, k.end); ok {
					key = string(bmffText(d))
				}
			}
		}
	}
	for _, k := range kids {
		if k.typ != "data" || k.end-k.start < 8 {
			continue
		}
		var h [8]byte
		if err := readAt(w.r, h[:], k.start); err != nil {
			w.note(err)
			return
		}
		typ := binary.BigEndian.Uint32(h[:4]) & 0xFFFFFF
		off, n := k.start+8, k.end-k.start-8
		var v []byte
		switch typ {
		case 1, 4: // UTF-8
			d, ok := w.read(off, k.end)
			if !ok {
				return
			}
			v = bmffText(d)
		case 2, 5: // UTF-16
			d, ok := w.read(off, k.end)
			if !ok {
				return
			}
			v = bmffUTF16(d)
		case 21, 22, 65, 66, 67, 74, 75, 76, 77, 78: // integers
			if n < 1 || n > 8 {
				continue
			}
			d, ok := w.read(off, k.end)
			if !ok {
				return
			}
			v = bmffInt(d, typ == 21 || typ == 65 || typ == 66 || typ == 67 || typ == 74)
		case 0: // implicit: text for the few tags known to hold text, else skipped
			if n > 64<<10 {
				continue
			}
			d, ok := w.read(off, k.end)
			if !ok {
				return
			}
			if !utf8.Valid(d) || bytes.ContainsAny(d, "\x00\x01\x02\x03") {
				continue
			}
			v = d
		default:
			continue // cover art and other binary data: never read
		}
		w.add(Block{Kind: KindText, Container: w.where(path), Offset: off, Size: n, Key: key, Data: v})
	}
}

// bmffInt renders a big-endian integer of 1 to 8 bytes as decimal text.
func bmffInt(d []byte, signed bool) []byte {
	var u uint64
	for _, c := range d {
		u = u<<8 | uint64(c)
	}
	if signed && len(d) < 8 && d[0]&0x80 != 0 {
		u |= ^uint64(0) << (8 * len(d))
	}
	if signed {
		return []byte(fmt.Sprint(int64(u)))
	}
	return []byte(fmt.Sprint(u))
}

// bmffItem is one HEIF item: its type, MIME content type and location.
type bmffItem struct {
	id          uint32
	typ         string
	contentType string
	method      uint16
	base        uint64
	extents     [][2]uint64 // offset, length
	located     bool
}

// items reads the item information and location boxes of a HEIF meta box
// and emits its Exif and XMP items.
func (w *bmffWalker) items(iinf bmffBox, iloc, idat *bmffBox, path string) {
	list := w.iinf(iinf)
	if len(list) == 0 {
		return
	}
	if iloc == nil {
		w.res.Warn("meta at %s has items but no iloc box", path)
		return
	}
	byID := map[uint32]*bmffItem{}
	for i := range list {
		byID[list[i].id] = &list[i]
	}
	w.iloc(*iloc, byID)
	for i := range list {
		it := &list[i]
		var kind Kind
		switch {
		case it.typ == "Exif":
			kind = KindEXIF
		case it.typ == "mime" && (strings.Contains(it.contentType, "rdf+xml") || strings.Contains(it.contentType, "xmp")):
			kind = KindXMP
		default:
			continue
		}
		if !it.located {
			w.res.Warn("%s item %d has no location", it.typ, it.id)
			continue
		}
		// Construction method 0: offsets in the file; 1: offsets in idat.
		lo, hi := uint64(0), uint64(w.size)
		switch {
		case it.method == 1 && idat != nil:
			lo, hi = uint64(idat.start), uint64(idat.end)
		case it.method != 0:
			w.res.Warn("%s item %d uses construction method %d, not read", it.typ, it.id, it.method)
			continue
		}
		var data []byte
		var first, size int64 = -1, 0
		ok := true
		for _, e := range it.extents {
			off, n := lo+it.base+e[0], e[1] // no overflow once base and e[0] are checked below
			if it.base > hi || e[0] > hi || off > hi || n > hi-off || n == 0 {
				w.note(fmt.Errorf("%w: %s item %d extent %d+%d is outside the file", ErrMalformed, it.typ, it.id, off, n))
				ok = false
				break
			}
			if int64(len(data))+int64(n) > maxBlockSize {
				w.note(fmt.Errorf("%w: %s item %d is larger than %d bytes", errLimit, it.typ, it.id, maxBlockSize))
				ok = false
				break
			}
			d, rok := w.read(int64(off), int64(off+n))
			if !rok {
				ok = false
				break
			}
			if first < 0 {
				first = int64(off)
			}
			size += int64(n)
			data = append(data, d...)
		}
		if !ok || first < 0 {
			continue
		}
		where := w.where(path + " item " + it.typ)
		if kind == KindEXIF {
			if len(data) < 4 {
				w.note(fmt.Errorf("%w: Exif item %d is too short", ErrMalformed, it.id))
				continue
			}
			skip := uint64(binary.BigEndian.Uint32(data))
			if skip > uint64(len(data)-4) {
				w.note(fmt.Errorf("%w: Exif item %d has TIFF header offset %d past its %d bytes", ErrMalformed, it.id, skip, len(data)))
				continue
			}
			data = data[4+skip:]
			first += int64(4 + skip)
			size -= int64(4 + skip)
		}
		w.add(Block{Kind: kind, Container: where, Offset: first, Size: size, Data: data})
	}
}

// iinf reads the item information box.
func (w *bmffWalker) iinf(b bmffBox) []bmffItem {
	var h [8]byte
	if b.end-b.start < 6 {
		return nil
	}
	if err := readAt(w.r, h[:min(8, b.end-b.start)], b.start); err != nil {
		w.note(err)
		return nil
	}
	start := b.start + 6 // version/flags, 16-bit count
	if h[0] != 0 {
		start = b.start + 8 // 32-bit count
	}
	var out []bmffItem
	for _, c := range w.children(start, b.end, bmffMaxItems) {
		if c.typ != "infe" || c.end-c.start < 4 {
			continue
		}
		p, ok := w.read(c.start, min(c.end, c.start+4096))
		if !ok {
			return out
		}
		it, err := bmffInfe(p)
		if err != nil {
			w.res.Warn("infe box at offset %d: %v", c.off, err)
			continue
		}
		out = append(out, it)
	}
	return out
}

// bmffInfe parses an item info entry.
func bmffInfe(p []byte) (bmffItem, error) {
	var it bmffItem
	version := p[0]
	q := p[4:]
	cstr := func() string {
		i := bytes.IndexByte(q, 0)
		if i < 0 {
			s := string(q)
			q = nil
			return s
		}
		s := string(q[:i])
		q = q[i+1:]
		return s
	}
	switch {
	case version < 2:
		if len(q) < 4 {
			return it, fmt.Errorf("%w: too short", ErrMalformed)
		}
		it.id = uint32(binary.BigEndian.Uint16(q))
		q = q[4:]
		cstr() // name
		it.typ = "mime"
		it.contentType = cstr()
	default:
		idLen := 2
		if version >= 3 {
			idLen = 4
		}
		if len(q) < idLen+6 {
			return it, fmt.Errorf("%w: too short", ErrMalformed)
		}
		if idLen == 2 {
			it.id = uint32(binary.BigEndian.Uint16(q))
		} else {
			it.id = binary.BigEndian.Uint32(q)
		}
		q = q[idLen+2:] // item_protection_index
		it.typ = string(q[:4])
		q = q[4:]
		cstr() // name
		if it.typ == "mime" {
			it.contentType = cstr()
		}
	}
	return it, nil
}

// iloc reads the item location box into the items it names.
func (w *bmffWalker) iloc(b bmffBox, byID map[uint32]*bmffItem) {
	p, ok := w.read(b.start, b.end)
	if !ok {
		return
	}
	bad := func() { w.note(fmt.Errorf("%w: iloc box at offset %d is truncated", ErrMalformed, b.off)) }
	if len(p) < 8 {
		bad()
		return
	}
	version := p[0]
	if version > 2 {
		w.res.Warn("iloc box version %d not known", version)
		return
	}
	offSize, lenSize := int(p[4]>>4), int(p[4]&15)
	baseSize, idxSize := int(p[5]>>4), int(p[5]&15)
	if version == 0 {
		idxSize = 0
	}
	for _, s := range []int{offSize, lenSize, baseSize, idxSize} {
		if s != 0 && s != 4 && s != 8 {
			w.note(fmt.Errorf("%w: iloc field size %d", ErrMalformed, s))
			return
		}
	}
	q := p[6:]
	field := func(n int) (uint64, bool) {
		if len(q) < n {
			return 0, false
		}
		var v uint64
		for _, c := range q[:n] {
			v = v<<8 | uint64(c)
		}
		q = q[n:]
		return v, true
	}
	idSize := 2
	if version == 2 {
		idSize = 4
	}
	count, ok := field(idSize)
	if !ok {
		bad()
		return
	}
	for i := uint64(0); i < count && i < bmffMaxItems; i++ {
		id, ok := field(idSize)
		if !ok {
			bad()
			return
		}
		var method uint64
		if version >= 1 {
			if method, ok = field(2); !ok {
				bad()
				return
			}
			method &= 15
		}
		if _, ok = field(2); !ok { // data_reference_index
			bad()
			return
		}
		base, ok := field(baseSize)
		if !ok {
			bad()
			return
		}
		n, ok := field(2)
		if !ok {
			bad()
			return
		}
		it := byID[uint32(id)]
		if it != nil {
			it.method, it.base, it.located = uint16(method), base, true
		}
		for e := uint64(0); e < n; e++ {
			if _, ok = field(idxSize); !ok {
				bad()
				return
			}
			eo, ok1 := field(offSize)
			el, ok2 := field(lenSize)
			if !ok1 || !ok2 {
				bad()
				return
			}
			if it != nil {
				if len(it.extents) >= bmffMaxExtents {
					w.note(fmt.Errorf("%w: item %d has more than %d extents", errLimit, id, bmffMaxExtents))
					it.located = false
					continue
				}
				it.extents = append(it.extents, [2]uint64{eo, el})
			}
		}
	}
}
