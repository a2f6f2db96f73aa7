package container

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/provscan/provscan/provenance/internal/reader"
)

// Limits of the ZIP reader.
const (
	// zipMaxEntries is the most entries an archive may declare.
	zipMaxEntries = 100000
	// zipMaxDirectory is the largest central directory read, in bytes.
	zipMaxDirectory = 64 << 20
	// zipMaxInflate is the largest entry inflated into memory.
	zipMaxInflate = 64 << 20
	// zipMaxRatio is the largest uncompressed/compressed ratio accepted for
	// entries larger than zipRatioFloor bytes.
	zipMaxRatio = 100
	// zipRatioFloor is the uncompressed size above which zipMaxRatio applies.
	zipRatioFloor = 1 << 20
	// zipEntryMemory is what the directory record of one entry is counted
	// as in held memory (archive/zip's File and the Member built from it).
	zipEntryMemory = 512
)

// The bytes inflated from all the entries of one file on disk, its nested
// archives included, are bounded by Limits.Inflate (1 GiB by default)
// against many small entries of high ratio; an inflated entry is held
// memory until the scanner is done with it.

// matchZIP matches a local file header, or the end record of an empty archive.
func matchZIP(head []byte) bool {
	return bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06"))
}

// readZIP reads a ZIP archive (and so DOCX, XLSX, EPUB, JAR ...): the
// archive comment becomes a KindComment block and every file entry becomes a
// Member that the scanner reads as a file of its own, named by its sanitised
// path inside the archive. Only the end record and the central directory are
// read here; an entry's bytes are read when its Member is opened. Stored
// entries are served in place; deflated entries are inflated into memory up
// to zipMaxInflate bytes. Entries that are encrypted, use another method, or
// whose declared sizes break zipMaxInflate or zipMaxRatio are skipped with a
// warning.
//
// Central directory records that point at data already listed (the same
// data offset, method and sizes: overlapping entries of a hostile archive)
// are listed once, under the first name, and counted in a warning: an entry
// is read once however many records point at it.
//
// The reader does not recurse: a zip inside a zip is a Member like any other,
// and the scanner enforces the nesting depth (maxDepth) when it reads members
// of members. Members, inflated bytes and held memory are drawn from b, the
// budget of the file on disk the archive came from.
func readZIP(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatZIP, Budget: b}
	eocdOff, entries, dirSize, err := zipEnd(r, size)
	if err != nil {
		return res, err
	}
	if entries > zipMaxEntries {
		return res, fmt.Errorf("%w: archive declares %d entries (limit %d)", errLimit, entries, zipMaxEntries)
	}
	if dirSize > zipMaxDirectory {
		return res, fmt.Errorf("%w: central directory of %d bytes (limit %d)", errLimit, dirSize, zipMaxDirectory)
	}
	// archive/zip holds the directory and a File per entry.
	if err := res.Reserve(reader.Memory, int64(dirSize)+int64(entries)*zipEntryMemory); err != nil {
		res.Cut("central directory: %v", err)
		return res, nil
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return res, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if zr.Comment != "" {
		if err := res.Add(Block{
			Kind: KindComment, Container: "ZIP comment",
			Offset: eocdOff + 22, Size: int64(len(zr.Comment)), Data: []byte(zr.Comment),
		}); err != nil {
			return res, err
		}
	}
	if len(zr.File) > zipMaxEntries {
		return res, fmt.Errorf("%w: archive has %d entries (limit %d)", errLimit, len(zr.File), zipMaxEntries)
	}
	type dataKey struct {
		off          int64
		method       uint16
		csize, usize uint64
	}
	seen := map[dataKey]string{}
	dups, dupExample := 0, ""
	for _, f := range zr.File {
		// A folder is an entry whose name ends with '/': extractors go by
		// the name, so an entry that only says "folder" in its mode bits but
		// has a name and data is extracted as a file, and read as one here.
		if strings.HasSuffix(f.Name, "/") || f.FileInfo().IsDir() && f.UncompressedSize64 == 0 {
			continue
		}
		raw := f.Name
		if !utf8.ValidString(raw) {
			raw = decodeCP437(raw) // names without the UTF-8 flag are IBM PC code page 437
		}
		name, changed := sanitizeZIPName(raw)
		if changed {
			res.Warn("zip entry %q reported as %q", truncName(f.Name), name)
		}
		m, why := zipMember(r, size, f, name, res.Budget)
		if why != "" {
			res.Skipped = append(res.Skipped, Skipped{Name: name, Reason: why})
			continue
		}
		if off, err := f.DataOffset(); err == nil {
			k := dataKey{off, f.Method, f.CompressedSize64, f.UncompressedSize64}
			if first, ok := seen[k]; ok {
				if dups++; dups == 1 {
					dupExample = fmt.Sprintf("%q is the data of %q", truncName(name), truncName(first))
				}
				continue
			}
			seen[k] = name
		}
		if err := res.Reserve(reader.Members, 1); err != nil {
			res.Cut("zip entry %q and those after it: %v", truncName(name), err)
			break
		}
		res.Members = append(res.Members, m)
	}
	if dups > 0 {
		res.Warn("%d central directory records point at entries already listed (%s); each entry is read once, under its first name", dups, dupExample)
	}
	return res, nil
}

// zipMember builds the Member of one entry, or says why it is refused.
func zipMember(r io.ReaderAt, size int64, f *zip.File, name string, b *reader.Budget) (Member, string) {
	if f.Flags&1 != 0 {
		return Member{}, "encrypted"
	}
	if f.Mode()&fs.ModeSymlink != 0 {
		// Extracted as a link to wherever its data says: content nobody
		// checked, as a symbolic link in the delivery would be.
		return Member{}, "a symbolic link entry: an extractor makes it a link to content outside the archive"
	}
	usize, csize := f.UncompressedSize64, f.CompressedSize64
	switch f.Method {
	case zip.Store:
		if csize != usize {
			return Member{}, fmt.Sprintf("stored entry with compressed size %d and size %d", csize, usize)
		}
		if csize > uint64(size) {
			return Member{}, fmt.Sprintf("stored entry of %d bytes in an archive of %d", csize, size)
		}
		return Member{Name: name, Size: int64(usize), Open: func() (io.ReaderAt, error) {
			off, err := f.DataOffset()
			if err != nil {
				return nil, fmt.Errorf("%w: zip entry %q: %v", ErrMalformed, name, err)
			}
			if off < 0 || off > size || int64(csize) > size-off {
				return nil, fmt.Errorf("%w: zip entry %q runs past the end of the archive", errTruncated, name)
			}
			return io.NewSectionReader(r, off, int64(csize)), nil
		}}, ""
	case zip.Deflate:
		if usize > zipMaxInflate {
			return Member{}, fmt.Sprintf("inflates to %d bytes (limit %d)", usize, zipMaxInflate)
		}
		if usize > zipRatioFloor && (csize == 0 || usize/csize > zipMaxRatio) {
			return Member{}, fmt.Sprintf("compression ratio %d:%d is over %d:1", usize, csize, zipMaxRatio)
		}
		return Member{Name: name, Size: int64(usize), Open: func() (io.ReaderAt, error) {
			if err := b.Reserve(reader.ZIPInflate, int64(usize)); err != nil {
				return nil, fmt.Errorf("zip entry %q: %w", name, err)
			}
			if err := b.Reserve(reader.Memory, int64(usize)); err != nil {
				return nil, fmt.Errorf("zip entry %q: %w", name, err)
			}
			rc, err := f.Open()
			if err != nil {
				return nil, fmt.Errorf("%w: zip entry %q: %v", ErrMalformed, name, err)
			}
			defer rc.Close()
			// archive/zip refuses to produce more than the declared size, which
			// is already within zipMaxInflate; the limit is a second fence.
			// One buffer of the declared size (reserved above): no growth.
			data := make([]byte, usize)
			n, err := io.ReadFull(rc, data)
			if err == nil { // the end of the stream, where archive/zip checks the CRC
				var one [1]byte
				switch m, rerr := io.ReadFull(rc, one[:]); {
				case m > 0:
					n, err = n+m, io.ErrUnexpectedEOF // longer than declared
				case rerr != io.EOF:
					err = rerr
				}
			}
			if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
				return nil, fmt.Errorf("%w: zip entry %q: %v", ErrMalformed, name, err)
			}
			if uint64(n) != usize {
				return nil, fmt.Errorf("%w: zip entry %q inflated to %d bytes, declared %d", ErrMalformed, name, n, usize)
			}
			return bytes.NewReader(data), nil
		}}, ""
	default:
		return Member{}, fmt.Sprintf("compression method %d not supported", f.Method)
	}
}

// zipEnd finds the end of central directory record and returns its offset,
// the declared entry count and central directory size (from the ZIP64 end
// record when the classic fields overflow).
func zipEnd(r io.ReaderAt, size int64) (off int64, entries, dirSize uint64, err error) {
	const recLen = 22
	if size < recLen {
		return 0, 0, 0, fmt.Errorf("%w: %d bytes is too short for a zip archive", errTruncated, size)
	}
	// a short tail first: most archives have no long comment
	var buf []byte
	var tail int64
	i := -1
	for _, want := range []int64{1024, recLen + 0xFFFF} {
		tail = min(size, want)
		buf = make([]byte, tail)
		if err := readAt(r, buf, size-tail); err != nil {
			return 0, 0, 0, err
		}
		for j := len(buf) - recLen; j >= 0; j-- {
			if buf[j] == 'P' && buf[j+1] == 'K' && buf[j+2] == 5 && buf[j+3] == 6 {
				// the comment must fit in what follows
				if clen := int(binary.LittleEndian.Uint16(buf[j+20:])); j+recLen+clen <= len(buf) {
					i = j
					break
				}
			}
		}
		if i >= 0 || tail == size {
			break
		}
	}
	if i < 0 {
		return 0, 0, 0, fmt.Errorf("%w: no zip end of central directory record", ErrMalformed)
	}
	off = size - tail + int64(i)
	rec := buf[i:]
	entries = uint64(binary.LittleEndian.Uint16(rec[10:]))
	dirSize = uint64(binary.LittleEndian.Uint32(rec[12:]))
	if entries != 0xFFFF && dirSize != 0xFFFFFFFF {
		return off, entries, dirSize, nil
	}
	// ZIP64: the locator sits just before the end record.
	if off < 20 {
		return off, entries, dirSize, nil
	}
	loc := make([]byte, 20)
	if err := readAt(r, loc, off-20); err != nil || !bytes.HasPrefix(loc, []byte("PK\x06\x07")) {
		return off, entries, dirSize, nil
	}
	z64 := int64(binary.LittleEndian.Uint64(loc[8:]))
	rec64 := make([]byte, 56)
	if z64 < 0 || z64 > size-56 {
		return off, 0, 0, fmt.Errorf("%w: zip64 end record offset %d out of range", ErrMalformed, z64)
	}
	if err := readAt(r, rec64, z64); err != nil {
		return off, 0, 0, err
	}
	if !bytes.HasPrefix(rec64, []byte("PK\x06\x06")) {
		return off, 0, 0, fmt.Errorf("%w: bad zip64 end record", ErrMalformed)
	}
	return off, binary.LittleEndian.Uint64(rec64[32:]), binary.LittleEndian.Uint64(rec64[40:]), nil
}

// sanitizeZIPName turns an entry name into a relative slash path with no
// "..", no leading slash or drive letter and no control characters. It
// reports whether the name had to change.
func sanitizeZIPName(name string) (string, bool) {
	s := strings.Map(func(c rune) rune {
		switch {
		case c == '\\':
			return '/'
		case c < 0x20 || c == 0x7f:
			return '_'
		}
		return c
	}, name)
	if len(s) >= 2 && s[1] == ':' {
		s = s[2:]
	}
	var parts []string
	for _, p := range strings.Split(s, "/") {
		if p == "" || p == "." || p == ".." {
			continue
		}
		parts = append(parts, p)
	}
	out := path.Join(parts...)
	if out == "" {
		out = "_"
	}
	return out, out != name
}

// truncName shortens a name for a warning.
func truncName(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

// cp437High maps the bytes 0x80-0xFF of code page 437 to Unicode.
var cp437High = []rune("ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0")

// decodeCP437 decodes a code page 437 string.
func decodeCP437(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x80 {
			b.WriteByte(c)
		} else {
			b.WriteRune(cp437High[c-0x80])
		}
	}
	return b.String()
}
