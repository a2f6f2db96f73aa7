package container

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"github.com/provscan/provscan/provenance/internal/reader"
	"io"
	"strings"
	"unicode/utf16"
)

// Bounds of the font reader.
const (
	fontMaxFonts  = 64   // fonts read from a collection
	fontMaxTables = 1024 // table records read per font
	fontMaxNames  = 4096 // name records read per name table
)

// fontNameIDs are the name table entries the reader returns, by nameID.
var fontNameIDs = map[uint16]string{
	0:  "Copyright",
	5:  "Version",
	8:  "Manufacturer",
	9:  "Designer",
	10: "Description",
	11: "VendorURL",
	12: "DesignerURL",
}

// fontIsSFNT reports whether v is an sfnt version tag.
func fontIsSFNT(v []byte) bool {
	s := string(v)
	return s == "\x00\x01\x00\x00" || s == "OTTO" || s == "true" || s == "typ1"
}

// matchFont reports whether head starts an OpenType or TrueType font, a
// font collection ("ttcf") or a WOFF 1.0 web font ("wOFF").
func matchFont(head []byte) bool {
	if len(head) < 12 {
		return false
	}
	if string(head[:4]) == "ttcf" || string(head[:4]) == "wOFF" {
		return true
	}
	n := binary.BigEndian.Uint16(head[4:])
	return fontIsSFNT(head[:4]) && n > 0 && n <= fontMaxTables
}

// fontTable is one table record.
type fontTable struct {
	tag       string
	off, size int64
}

// readFont reads an OpenType/TrueType font or collection: the table
// directory of each font, the C2PA table (its manifest store becomes a
// KindC2PA block, its active manifest URI a text block) and the name table
// entries of interest (copyright, version, manufacturer, designer,
// description, URLs) as text blocks. Glyph data is never read. WOFF 1.0
// fonts are read through their own table directory, inflating the two
// tables of interest when they are compressed.
func readFont(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatFont, Budget: b}
	var h [12]byte
	if err := readAt(r, h[:], 0); err != nil {
		return res, fmt.Errorf("font header: %w", err)
	}
	if string(h[:4]) == "wOFF" {
		return res, fontWOFF(r, size, res)
	}
	fonts := []int64{0}
	if string(h[:4]) == "ttcf" {
		n := int64(binary.BigEndian.Uint32(h[8:]))
		if n > fontMaxFonts {
			res.Cut("font collection declares %d fonts; reading the first %d", n, fontMaxFonts)
			n = fontMaxFonts
		}
		if n > (size-12)/4 {
			return res, fmt.Errorf("%w: font collection offsets run past the end of the file", errTruncated)
		}
		offs := make([]byte, 4*n)
		if err := readAt(r, offs, 12); err != nil {
			return res, err
		}
		fonts = fonts[:0]
		for i := int64(0); i < n; i++ {
			fonts = append(fonts, int64(binary.BigEndian.Uint32(offs[4*i:])))
		}
	}
	seen := map[int64]bool{} // tables shared by the fonts of a collection are read once
	var firstErr error
	for i, fo := range fonts {
		where := "Font"
		if len(fonts) > 1 || string(h[:4]) == "ttcf" {
			where = fmt.Sprintf("Font %d", i)
		}
		tables, err := fontDirectory(r, fo, size, res)
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("%s: %w", where, err)
			}
			continue
		}
		for _, t := range tables {
			if (t.tag != "C2PA" && t.tag != "name") || seen[t.off] {
				continue
			}
			seen[t.off] = true
			if t.size > size-t.off || t.off < 0 {
				if firstErr == nil {
					firstErr = fmt.Errorf("%w: %s table %q (%d bytes at %d) runs past the end of the file", errTruncated, where, t.tag, t.size, t.off)
				}
				continue
			}
			var err error
			if t.tag == "C2PA" {
				err = fontC2PA(r, t, size, where, res)
			} else {
				err = fontNames(r, t, size, where, res)
			}
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}
	}
	return res, firstErr
}

// fontDirectory reads the table records of the sfnt font at off.
func fontDirectory(r io.ReaderAt, off, size int64, res *Result) ([]fontTable, error) {
	var h [12]byte
	if err := readAt(r, h[:], off); err != nil {
		return nil, fmt.Errorf("sfnt header: %w", err)
	}
	if !fontIsSFNT(h[:4]) {
		return nil, fmt.Errorf("%w: sfnt version %q at offset %d", ErrMalformed, h[:4], off)
	}
	n := int64(binary.BigEndian.Uint16(h[4:]))
	if n > fontMaxTables {
		res.Cut("font declares %d tables; reading the first %d", n, fontMaxTables)
		n = fontMaxTables
	}
	recs := make([]byte, 16*n)
	if err := readAt(r, recs, off+12); err != nil {
		return nil, fmt.Errorf("table directory: %w", err)
	}
	tables := make([]fontTable, 0, n)
	for i := int64(0); i < n; i++ {
		rec := recs[16*i:]
		tables = append(tables, fontTable{tag: string(rec[:4]), off: int64(binary.BigEndian.Uint32(rec[8:])), size: int64(binary.BigEndian.Uint32(rec[12:]))})
	}
	return tables, nil
}

// fontC2PA reads a C2PA table: version, the active manifest URI and the
// manifest store, both located by offsets from the start of the table.
func fontC2PA(r io.ReaderAt, t fontTable, size int64, where string, res *Result) error {
	if t.size < 18 {
		return fmt.Errorf("%w: %s C2PA table of %d bytes", ErrMalformed, where, t.size)
	}
	var h [20]byte
	if err := readAt(r, h[:min(t.size, 20)], t.off); err != nil {
		return err
	}
	major, minor := binary.BigEndian.Uint16(h[0:]), binary.BigEndian.Uint16(h[2:])
	uriOff, uriLen := int64(binary.BigEndian.Uint32(h[4:])), int64(binary.BigEndian.Uint16(h[8:]))
	// The current layout has a 16-bit reserved field before the store's
	// offset and length; early writers left it out (an 18-byte header).
	fits := func(o, l int64) bool { return o >= 0 && l >= 0 && o <= t.size && l <= t.size-o }
	storeOff, storeLen := int64(binary.BigEndian.Uint32(h[12:])), int64(binary.BigEndian.Uint32(h[16:]))
	if t.size < 20 || !fits(storeOff, storeLen) {
		o, l := int64(binary.BigEndian.Uint32(h[10:])), int64(binary.BigEndian.Uint32(h[14:]))
		if !fits(o, l) {
			return fmt.Errorf("%w: %s C2PA table: manifest store (%d bytes at %d) outside the table (%d bytes)", ErrMalformed, where, storeLen, storeOff, t.size)
		}
		storeOff, storeLen = o, l
	}
	container := fmt.Sprintf("%s C2PA table (version %d.%d)", where, major, minor)
	if uriLen > 0 && fits(uriOff, uriLen) {
		uri, err := readBlockBudget(res, r, t.off+uriOff, uriLen, size)
		if err != nil {
			return err
		}
		if err := res.Add(Block{Kind: KindText, Container: container, Offset: t.off + uriOff, Size: uriLen, Key: "activeManifestUri", Data: uri}); err != nil {
			return err
		}
	}
	if storeLen == 0 {
		return nil
	}
	store, err := readBlockBudget(res, r, t.off+storeOff, storeLen, size)
	if err != nil {
		return err
	}
	return res.Add(Block{Kind: KindC2PA, Container: container, Offset: t.off + storeOff, Size: storeLen, Data: store})
}

// fontNames reads the name table entries listed in fontNameIDs, each
// distinct value once.
func fontNames(r io.ReaderAt, t fontTable, size int64, where string, res *Result) error {
	if t.size > maxBlockSize {
		return fmt.Errorf("%w: %s name table of %d bytes", errLimit, where, t.size)
	}
	b, err := readBlockBudget(res, r, t.off, t.size, size)
	if err != nil {
		return err
	}
	if len(b) < 6 {
		return fmt.Errorf("%w: %s name table header", errTruncated, where)
	}
	count, strOff := int(binary.BigEndian.Uint16(b[2:])), int(binary.BigEndian.Uint16(b[4:]))
	if count > fontMaxNames {
		count = fontMaxNames
	}
	if 6+12*count > len(b) {
		res.Warn("%s name table: %d records do not fit", where, count)
		count = (len(b) - 6) / 12
	}
	seen := map[string]bool{}
	for i := 0; i < count; i++ {
		rec := b[6+12*i:]
		platform, enc := binary.BigEndian.Uint16(rec[0:]), binary.BigEndian.Uint16(rec[2:])
		id := binary.BigEndian.Uint16(rec[6:])
		l, o := int(binary.BigEndian.Uint16(rec[8:])), int(binary.BigEndian.Uint16(rec[10:]))
		key, ok := fontNameIDs[id]
		if !ok {
			continue
		}
		start := strOff + o
		if start+l > len(b) {
			res.Warn("%s name record %d runs past the name table", where, i)
			continue
		}
		var v string
		switch {
		case platform == 0 || platform == 3:
			v = fontUTF16BE(b[start : start+l])
		case platform == 1 && enc == 0:
			v = id3Decode(b[start:start+l], 0) // Mac Roman, read as Latin-1
		default:
			continue
		}
		v = strings.TrimSpace(strings.TrimRight(v, "\x00"))
		if v == "" || seen[key+"\x00"+v] {
			continue
		}
		seen[key+"\x00"+v] = true
		if err := res.Add(Block{Kind: KindText, Container: fmt.Sprintf("%s name table (nameID %d)", where, id),
			Offset: t.off + int64(start), Size: int64(l), Key: key, Data: []byte(v)}); err != nil {
			return err
		}
	}
	return nil
}

// fontUTF16BE decodes UTF-16BE text.
func fontUTF16BE(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.BigEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// fontWOFF reads a WOFF 1.0 font: its table directory gives each table's
// offset, stored length and original length; a table whose stored length is
// smaller than its original one is zlib-compressed.
func fontWOFF(r io.ReaderAt, size int64, res *Result) error {
	var h [44]byte
	if err := readAt(r, h[:], 0); err != nil {
		return fmt.Errorf("WOFF header: %w", err)
	}
	n := int64(binary.BigEndian.Uint16(h[12:]))
	if n > fontMaxTables {
		res.Cut("WOFF font declares %d tables; reading the first %d", n, fontMaxTables)
		n = fontMaxTables
	}
	recs := make([]byte, 20*n)
	if err := readAt(r, recs, 44); err != nil {
		return fmt.Errorf("WOFF table directory: %w", err)
	}
	var firstErr error
	for i := int64(0); i < n; i++ {
		rec := recs[20*i:]
		tag := string(rec[:4])
		if tag != "C2PA" && tag != "name" {
			continue
		}
		off := int64(binary.BigEndian.Uint32(rec[4:]))
		comp, orig := int64(binary.BigEndian.Uint32(rec[8:])), int64(binary.BigEndian.Uint32(rec[12:]))
		read := fontC2PA
		if tag == "name" {
			read = fontNames
		}
		var err error
		switch {
		case comp > size-off:
			err = fmt.Errorf("%w: WOFF table %q (%d bytes at %d) runs past the end of the file", errTruncated, tag, comp, off)
		case comp >= orig:
			err = read(r, fontTable{tag: tag, off: off, size: comp}, size, "WOFF", res)
		default:
			var packed, data []byte
			if packed, err = readBlockBudget(res, r, off, comp, size); err != nil {
				break
			}
			if data, err = inflateZlibBounded(packed, min(orig, maxBlockSize)); err != nil {
				break
			}
			before := len(res.Blocks)
			err = read(bytes.NewReader(data), fontTable{tag: tag, size: int64(len(data))}, int64(len(data)), "WOFF", res)
			for j := before; j < len(res.Blocks); j++ { // locate the blocks by their compressed table
				res.Blocks[j].Offset, res.Blocks[j].Size = off, comp
				res.Blocks[j].Note = "inside a zlib-compressed WOFF table: offset and size are the table's"
			}
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}
