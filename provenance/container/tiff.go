package container

import (
	"encoding/binary"
	"fmt"
	"github.com/provscan/provscan/provenance/internal/reader"
	"io"
	"sort"
)

// TIFF tags the TIFF reader acts on.
const (
	tiffTagSubIFDs    = 0x014A
	tiffTagXMP        = 700
	tiffTagIPTC       = 33723
	tiffTagPhotoshop  = 34377
	tiffTagExifIFD    = 0x8769
	tiffTagGPSIFD     = 0x8825
	tiffTagInteropIFD = 0xA005
	tiffTagDNGVersion = 0xC612
	tiffTagC2PA       = 0xCD41
)

// Bounds of the TIFF walk, on top of the package limits.
const (
	tiffMaxIFDs        = 1024     // IFDs visited per file
	tiffMaxSubIFDs     = 64       // offsets followed per SubIFDs-like tag
	tiffMaxFollows     = 4096     // IFD offsets followed per file, visited or not
	tiffMaxEntries     = 4096     // entries read per IFD (BigTIFF counts are 64-bit)
	tiffMaxExifValue   = 64 << 10 // largest entry value copied into the synthesized EXIF block
	tiffMaxExifTotal   = 1 << 20  // largest synthesized EXIF block
	tiffMaxExifEntries = 1024     // entries copied into the synthesized EXIF block
)

// tiffTypeSize is the byte size of one value of each TIFF field type (0: unknown).
var tiffTypeSize = [...]int64{0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4, 0, 0, 8, 8, 8}

// matchTIFF reports whether head starts a TIFF file: it recognises classic TIFF ("II*\0", "MM\0*") and BigTIFF ("II+\0", "MM\0+").
func matchTIFF(head []byte) bool {
	if len(head) < 4 {
		return false
	}
	h := string(head[:4])
	return h == "II*\x00" || h == "MM\x00*" || h == "II+\x00" || h == "MM\x00+"
}

// tiffOrder is a byte order that can also append.
type tiffOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// tiffRaw is one IFD entry kept for the synthesized EXIF block.
type tiffRaw struct {
	tag, typ uint16
	count    uint32
	data     []byte
}

// tiffWalker holds the state of one TIFF walk.
type tiffWalker struct {
	r       io.ReaderAt
	size    int64
	bo      tiffOrder
	big     bool
	res     *Result
	visited map[int64]bool
	ifds    int
	steps   int
	follows int
	dng     bool
	err     error // first error met; the walk goes on where it can
	subCut  bool  // a list of sub-IFDs was cut to tiffMaxSubIFDs (said once)

	ifd0Off    int64
	ifd0Size   int64
	collect    map[string][]tiffRaw // "IFD0", "ExifIFD", "GPSIFD" entries for the EXIF block
	collectLen int
}

// readTIFF reads a TIFF, DNG or BigTIFF file: the IFD chain and its
// sub-IFDs (SubIFDs, Exif, GPS, Interoperability), and in any IFD the XMP
// (700), IPTC (33723), Photoshop (34377) and C2PA (0xCD41) tags. The file's
// own EXIF is returned as one synthesized classic TIFF block holding the
// entries of IFD0 and its Exif and GPS IFDs, so that an EXIF interpreter can
// read it even when the IFDs sit after gigabytes of strips or in a BigTIFF.
func readTIFF(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatTIFF, Budget: b}
	head := make([]byte, 16)
	if size < 8 {
		return res, fmt.Errorf("%w: TIFF header", errTruncated)
	}
	if err := readAt(r, head[:min(size, 16)], 0); err != nil {
		return res, err
	}
	if !matchTIFF(head) {
		return res, fmt.Errorf("%w: not a TIFF header", ErrMalformed)
	}
	t := &tiffWalker{r: r, size: size, res: res, visited: map[int64]bool{}, collect: map[string][]tiffRaw{}}
	if head[0] == 'I' {
		t.bo = binary.LittleEndian
	} else {
		t.bo = binary.BigEndian
	}
	var first int64
	if t.bo.Uint16(head[2:]) == 43 {
		t.big = true
		if size < 16 {
			return res, fmt.Errorf("%w: BigTIFF header", errTruncated)
		}
		if t.bo.Uint16(head[4:]) != 8 || t.bo.Uint16(head[6:]) != 0 {
			return res, fmt.Errorf("%w: BigTIFF offset size is not 8", ErrMalformed)
		}
		first = tiffOffset64(t.bo.Uint64(head[8:]))
	} else {
		first = int64(t.bo.Uint32(head[4:]))
	}
	t.chain(first, 0, "IFD", true, "IFD0")
	if t.dng {
		res.Format = formatDNG
	}
	if ifd0 := t.collect["IFD0"]; len(ifd0) > 0 {
		data := tiffSynthesize(t.bo, ifd0, t.collect["ExifIFD"], t.collect["GPSIFD"])
		if err := res.Add(Block{Kind: KindEXIF, Container: "TIFF IFD0", Offset: t.ifd0Off, Size: t.ifd0Size, Data: data,
			Note: "synthesized classic TIFF holding the entries of IFD0 and its Exif and GPS IFDs (strip and tile data left out)"}); err != nil && t.err == nil {
			t.err = err
		}
	}
	return res, t.err
}

// tiffOffset64 converts a 64-bit file offset, mapping values too large to be
// real to -1 (outside every file).
func tiffOffset64(v uint64) int64 {
	if v > 1<<62 {
		return -1
	}
	return int64(v)
}

// fail records the first error of the walk.
func (t *tiffWalker) fail(err error) {
	if t.err == nil {
		t.err = err
	}
}

// chain walks an IFD chain starting at off. main is true for the file's
// top-level chain (IFD0, IFD1, ...). keep names the collection ("IFD0",
// "ExifIFD", "GPSIFD") that the first IFD's entries go to, or "".
func (t *tiffWalker) chain(off int64, depth int, name string, main bool, keep string) {
	for i := 0; off != 0; i++ {
		label := name
		if main || i > 0 {
			label = fmt.Sprintf("%s%d", name, i)
		}
		if i > 0 {
			keep = ""
		}
		next, err := t.ifd(off, depth, label, keep)
		if err != nil {
			t.fail(err)
			return
		}
		off = next
	}
}

// ifd reads one IFD at off and returns the offset of the next one (0 at the end).
func (t *tiffWalker) ifd(off int64, depth int, label, keep string) (int64, error) {
	if depth > maxDepth {
		return 0, fmt.Errorf("%w: TIFF IFDs nested deeper than %d", errLimit, maxDepth)
	}
	if off < 8 || off >= t.size {
		return 0, fmt.Errorf("%w: TIFF %s offset %d outside the file", ErrMalformed, label, off)
	}
	if t.visited[off] {
		t.res.Warn("TIFF %s at offset %d already visited (loop)", label, off)
		return 0, nil
	}
	t.visited[off] = true
	t.ifds++
	if t.ifds > tiffMaxIFDs {
		return 0, fmt.Errorf("%w: more than %d TIFF IFDs", errLimit, tiffMaxIFDs)
	}
	countLen, entryLen, valLen := int64(2), int64(12), int64(4)
	if t.big {
		countLen, entryLen, valLen = 8, 20, 8
	}
	cb := make([]byte, countLen)
	if err := readAt(t.r, cb, off); err != nil {
		return 0, fmt.Errorf("TIFF %s entry count: %w", label, err)
	}
	var count uint64
	if t.big {
		count = t.bo.Uint64(cb)
	} else {
		count = uint64(t.bo.Uint16(cb))
	}
	if count > tiffMaxEntries {
		t.res.Cut("TIFF %s declares %d entries; reading the first %d", label, count, tiffMaxEntries)
		count = tiffMaxEntries
	}
	tableOff := off + countLen
	truncated := false
	if avail := (t.size - tableOff) / entryLen; int64(count) > avail {
		truncated = true
		count = uint64(max(avail, 0))
	}
	t.steps += int(count)
	if t.steps > maxSteps {
		return 0, fmt.Errorf("%w: more than %d TIFF entries", errLimit, maxSteps)
	}
	table := make([]byte, int64(count)*entryLen+valLen)
	n, _ := t.r.ReadAt(table, tableOff)
	table = table[:n]
	if keep == "IFD0" {
		t.ifd0Off, t.ifd0Size = off, countLen+int64(len(table))
	}
	if keep != "" && t.collect[keep] == nil {
		t.collect[keep] = []tiffRaw{}
	}
	for i := int64(0); i < int64(count); i++ {
		t.entry(table[i*entryLen:(i+1)*entryLen], tableOff+i*entryLen, valLen, depth, label, keep)
	}
	if truncated {
		return 0, fmt.Errorf("%w: TIFF %s entry table runs past the end of the file", errTruncated, label)
	}
	if int64(len(table)) < int64(count)*entryLen+valLen {
		return 0, nil // no room for the next-IFD offset: the end of the chain
	}
	nb := table[int64(count)*entryLen:]
	if t.big {
		return tiffOffset64(t.bo.Uint64(nb)), nil
	}
	return int64(t.bo.Uint32(nb)), nil
}

// entry handles one IFD entry e found at file offset eoff.
func (t *tiffWalker) entry(e []byte, eoff, valLen int64, depth int, label, keep string) {
	tag, typ := t.bo.Uint16(e), t.bo.Uint16(e[2:])
	var count uint64
	var field []byte
	if t.big {
		count, field = t.bo.Uint64(e[4:]), e[12:20]
	} else {
		count, field = uint64(t.bo.Uint32(e[4:])), e[8:12]
	}
	if tag == tiffTagDNGVersion {
		t.dng = true
	}
	if int(typ) >= len(tiffTypeSize) || tiffTypeSize[typ] == 0 {
		return
	}
	if count > 1<<40 {
		t.fail(fmt.Errorf("%w: TIFF %s tag %d count %d", ErrMalformed, label, tag, count))
		return
	}
	n := int64(count) * tiffTypeSize[typ]
	valOff := eoff + int64(len(e)) - valLen
	if n > valLen {
		if t.big {
			valOff = tiffOffset64(t.bo.Uint64(field))
		} else {
			valOff = int64(t.bo.Uint32(field))
		}
	}
	var kind Kind
	var what string
	switch tag {
	case tiffTagXMP:
		kind, what = KindXMP, "XMP"
	case tiffTagIPTC:
		kind, what = KindIPTC, "IPTC"
	case tiffTagPhotoshop:
		kind, what = KindPhotoshop, "Photoshop"
	case tiffTagC2PA:
		kind, what = KindC2PA, "C2PA"
	case tiffTagSubIFDs, tiffTagExifIFD, tiffTagGPSIFD, tiffTagInteropIFD:
		t.subIFDs(tag, typ, count, valOff, field, valLen, depth, label, keep)
		return
	}
	if kind == "" {
		if keep != "" {
			t.keep(keep, tag, typ, count, field, valOff, n, valLen)
		}
		return
	}
	data, err := t.value(field, valOff, n, valLen)
	if err != nil {
		t.fail(fmt.Errorf("TIFF %s %s tag: %w", label, what, err))
		return
	}
	if err := t.res.Add(Block{Kind: kind, Container: fmt.Sprintf("TIFF %s %s (tag %d)", label, what, tag),
		Offset: valOff, Size: n, Data: data}); err != nil {
		t.fail(err)
	}
}

// value returns the n value bytes of an entry: inline in field or at valOff.
func (t *tiffWalker) value(field []byte, valOff, n, valLen int64) ([]byte, error) {
	if n <= valLen {
		return append([]byte(nil), field[:n]...), nil
	}
	return readBlockBudget(t.res, t.r, valOff, n, t.size)
}

// subIFDs follows the IFD offsets of a SubIFDs, Exif, GPS or Interop tag.
func (t *tiffWalker) subIFDs(tag, typ uint16, count uint64, valOff int64, field []byte, valLen int64, depth int, label, keep string) {
	size := tiffTypeSize[typ]
	if size != 4 && size != 8 {
		t.res.Warn("TIFF %s tag %d has type %d, not an IFD offset", label, tag, typ)
		return
	}
	if count > tiffMaxSubIFDs {
		if !t.subCut {
			t.subCut = true
			t.res.Cut("TIFF %s tag %d lists %d IFDs; following the first %d of this and any other such list", label, tag, count, tiffMaxSubIFDs)
		}
		count = tiffMaxSubIFDs
	}
	vals, err := t.value(field, valOff, int64(count)*size, valLen)
	if err != nil {
		t.fail(fmt.Errorf("TIFF %s tag %d: %w", label, tag, err))
		return
	}
	name := map[uint16]string{tiffTagSubIFDs: "SubIFD", tiffTagExifIFD: "ExifIFD", tiffTagGPSIFD: "GPSIFD", tiffTagInteropIFD: "InteropIFD"}[tag]
	for i := int64(0); i+size <= int64(len(vals)); i += size {
		var off int64
		if size == 8 {
			off = tiffOffset64(t.bo.Uint64(vals[i:]))
		} else {
			off = int64(t.bo.Uint32(vals[i:]))
		}
		if off == 0 {
			continue
		}
		t.follows++
		if t.follows > tiffMaxFollows {
			t.fail(fmt.Errorf("%w: more than %d TIFF IFD offsets followed", errLimit, tiffMaxFollows))
			return
		}
		sub := name
		if tag == tiffTagSubIFDs && count > 1 {
			sub = fmt.Sprintf("%s%d", name, i/size)
		}
		subKeep := ""
		if keep == "IFD0" && (tag == tiffTagExifIFD || tag == tiffTagGPSIFD) && t.collect[name] == nil {
			subKeep = name
		}
		t.chain(off, depth+1, sub, false, subKeep)
	}
}

// keep copies one entry into the named collection for the synthesized EXIF block.
func (t *tiffWalker) keep(coll string, tag, typ uint16, count uint64, field []byte, valOff, n, valLen int64) {
	if typ > 13 || n > tiffMaxExifValue || len(t.collect[coll]) >= tiffMaxExifEntries || t.collectLen+int(n) > tiffMaxExifTotal {
		return // not expressible in classic TIFF, or over the budget
	}
	data, err := t.value(field, valOff, n, valLen)
	if err != nil {
		t.res.Warn("TIFF %s tag %d: %v", coll, tag, err)
		return
	}
	t.collectLen += int(n) + 12
	t.collect[coll] = append(t.collect[coll], tiffRaw{tag: tag, typ: typ, count: uint32(count), data: data})
}

// tiffSynthesize writes a classic TIFF in byte order bo with IFD0 and, when
// present, an Exif IFD and a GPS IFD linked from it.
func tiffSynthesize(bo tiffOrder, ifd0, exif, gps []tiffRaw) []byte {
	ifd0 = append([]tiffRaw(nil), ifd0...)
	if exif != nil {
		ifd0 = append(ifd0, tiffRaw{tag: tiffTagExifIFD, typ: 4, count: 1, data: make([]byte, 4)})
	}
	if gps != nil {
		ifd0 = append(ifd0, tiffRaw{tag: tiffTagGPSIFD, typ: 4, count: 1, data: make([]byte, 4)})
	}
	off0 := int64(8)
	offExif := off0 + tiffIFDLen(ifd0)
	offGPS := offExif + tiffIFDLen(exif)
	for i := range ifd0 {
		switch ifd0[i].tag {
		case tiffTagExifIFD:
			bo.PutUint32(ifd0[i].data, uint32(offExif))
		case tiffTagGPSIFD:
			bo.PutUint32(ifd0[i].data, uint32(offGPS))
		}
	}
	out := make([]byte, 8, offGPS+tiffIFDLen(gps))
	if bo == tiffOrder(binary.LittleEndian) {
		copy(out, "II*\x00")
	} else {
		copy(out, "MM\x00*")
	}
	bo.PutUint32(out[4:], uint32(off0))
	out = tiffWriteIFD(out, bo, ifd0)
	if exif != nil {
		out = tiffWriteIFD(out, bo, exif)
	}
	if gps != nil {
		out = tiffWriteIFD(out, bo, gps)
	}
	return out
}

// tiffIFDLen is the byte length of an IFD written by tiffWriteIFD (0 for nil).
func tiffIFDLen(es []tiffRaw) int64 {
	if es == nil {
		return 0
	}
	n := int64(2 + 12*len(es) + 4)
	for _, e := range es {
		if len(e.data) > 4 {
			n += int64(len(e.data)+1) &^ 1
		}
	}
	return n
}

// tiffWriteIFD appends one IFD, sorted by tag, followed by its out-of-line values.
func tiffWriteIFD(out []byte, bo tiffOrder, es []tiffRaw) []byte {
	es = append([]tiffRaw(nil), es...)
	sort.SliceStable(es, func(i, j int) bool { return es[i].tag < es[j].tag })
	base := int64(len(out))
	dataOff := base + int64(2+12*len(es)+4)
	out = bo.AppendUint16(out, uint16(len(es)))
	var data []byte
	for _, e := range es {
		out = bo.AppendUint16(out, e.tag)
		out = bo.AppendUint16(out, e.typ)
		out = bo.AppendUint32(out, e.count)
		if len(e.data) <= 4 {
			var f [4]byte
			copy(f[:], e.data)
			out = append(out, f[:]...)
			continue
		}
		out = bo.AppendUint32(out, uint32(dataOff+int64(len(data))))
		data = append(data, e.data...)
		if len(data)%2 == 1 {
			data = append(data, 0)
		}
	}
	out = bo.AppendUint32(out, 0)
	return append(out, data...)
}
