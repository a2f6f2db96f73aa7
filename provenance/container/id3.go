package container

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"github.com/provscan/provscan/provenance/internal/reader"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Bounds of the ID3 reader, on top of the package limits.
const (
	id3MaxTags        = 16       // ID3v2 tags read per file (prepended, repeated, appended)
	id3MaxInMemoryTag = 16 << 20 // largest tag-level-unsynchronised tag decoded in memory
	id3MaxTextFrame   = 1 << 20  // largest decompressed text, comment, URL or PRIV frame
)

// id3v22IDs maps the ID3v2.2 three-letter frame IDs the reader keeps to
// their ID3v2.3 names, so that keys do not depend on the tag version.
var id3v22IDs = map[string]string{
	"TT1": "TIT1", "TT2": "TIT2", "TT3": "TIT3", "TP1": "TPE1", "TP2": "TPE2", "TP3": "TPE3", "TP4": "TPE4",
	"TCM": "TCOM", "TXT": "TEXT", "TAL": "TALB", "TYE": "TYER", "TCO": "TCON", "TCR": "TCOP", "TEN": "TENC",
	"TSS": "TSSE", "TPB": "TPUB", "TOA": "TOPE", "TOT": "TOAL", "TRK": "TRCK", "TPA": "TPOS", "TLA": "TLAN",
	"TDA": "TDAT", "TIM": "TIME", "TRD": "TRDA", "TMT": "TMED", "TFT": "TFLT", "TBP": "TBPM", "TCP": "TCMP",
	"TKE": "TKEY", "TLE": "TLEN", "TOF": "TOFN", "TOL": "TOLY", "TOR": "TORY", "TRC": "TSRC", "TSI": "TSIZ",
	"TXX": "TXXX", "COM": "COMM", "GEO": "GEOB", "WXX": "WXXX", "WAR": "WOAR", "WAS": "WOAS", "WAF": "WOAF",
	"WCM": "WCOM", "WCP": "WCOP", "WPB": "WPUB",
}

// id3C2PAMIME are the GEOB MIME types that carry a C2PA manifest store.
var id3C2PAMIME = map[string]bool{"application/c2pa": true, "application/x-c2pa-manifest-store": true}

// matchMP3 reports whether head starts an MP3 file: an ID3v2 tag, or an
// MPEG audio frame header with a valid version, layer, bitrate and sample
// rate (so JPEG's FF D8 and AAC's ADTS FF F1 do not match).
func matchMP3(head []byte) bool {
	if len(head) >= 10 && string(head[:3]) == "ID3" && head[3] >= 2 && head[3] <= 4 && head[4] != 0xFF {
		return true
	}
	return id3FrameSync(head)
}

// id3FrameSync reports whether b starts with a plausible MPEG audio frame header.
func id3FrameSync(b []byte) bool {
	if len(b) < 4 || b[0] != 0xFF || b[1]&0xE0 != 0xE0 {
		return false
	}
	version, layer := (b[1]>>3)&3, (b[1]>>1)&3
	bitrate, rate := b[2]>>4, (b[2]>>2)&3
	return version != 1 && layer != 0 && bitrate != 0 && bitrate != 15 && rate != 3 && b[3]&3 != 2
}

// readMP3 reads the metadata of an MP3 file: the ID3v2 tags at the start
// (and a repeated or appended one found through its footer), and the ID3v1
// trailer. Audio frames are never read. A FLAC stream found after the ID3v2
// tags is read as FLAC (Format "FLAC").
func readMP3(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatMP3, Budget: b}
	d := &id3Reader{r: r, size: size, res: res}
	off, err := d.tags(0)
	if err != nil {
		return res, err
	}
	if size-off >= 4 {
		var m [4]byte
		if err := readAt(r, m[:], off); err == nil && string(m[:]) == "fLaC" {
			return res, flacBlocks(r, off, size, res) // a FLAC file behind an ID3v2 tag
		}
	}
	end := size
	if size-off >= 128 {
		var v1 [128]byte
		if err := readAt(r, v1[:], size-128); err != nil {
			return res, err
		}
		if string(v1[:3]) == "TAG" {
			end -= 128
			if err := id3v1(v1[:], size-128, res); err != nil {
				return res, err
			}
		}
	}
	// an ID3v2.4 tag appended at the end ends with a "3DI" footer
	if end-off >= 20 {
		var f [10]byte
		if err := readAt(r, f[:], end-10); err != nil {
			return res, err
		}
		if string(f[:3]) == "3DI" && f[3] == 4 {
			n, ok := id3Syncsafe(f[6:10])
			start := end - 20 - int64(n)
			if ok && start >= off {
				if _, err := d.tags(start); err != nil {
					return res, err
				}
			}
		}
	}
	return res, nil
}

// id3Tags reads the ID3v2 tags that start at off (for readers of other
// containers that embed one, such as a RIFF "id3 " chunk or an AIFF "ID3 "
// chunk) into res, and returns the offset after the last tag.
func id3Tags(r io.ReaderAt, off, size int64, res *Result) (int64, error) {
	return (&id3Reader{r: r, size: size, res: res}).tags(off)
}

// id3Reader reads ID3v2 tags from one file.
type id3Reader struct {
	r     io.ReaderAt
	size  int64
	res   *Result
	ntags int
	steps int
}

// tags reads the consecutive ID3v2 tags starting at off and returns the
// offset after the last one (off itself when there is none).
func (d *id3Reader) tags(off int64) (int64, error) {
	for {
		var h [10]byte
		if d.size-off < 10 {
			return off, nil
		}
		if err := readAt(d.r, h[:], off); err != nil {
			return off, err
		}
		if string(h[:3]) != "ID3" {
			return off, nil
		}
		d.ntags++
		if d.ntags > id3MaxTags {
			return off, fmt.Errorf("%w: more than %d ID3v2 tags", errLimit, id3MaxTags)
		}
		n, ok := id3Syncsafe(h[6:10])
		if !ok {
			return off, fmt.Errorf("%w: ID3v2 tag size at offset %d is not syncsafe", ErrMalformed, off)
		}
		end := off + 10 + int64(n)
		if h[3] == 4 && h[5]&0x10 != 0 {
			end += 10 // footer
		}
		if err := d.tag(off, h, int64(n)); err != nil {
			return off, err
		}
		if end > d.size {
			return d.size, nil
		}
		off = end
	}
}

// tag reads one ID3v2 tag whose 10-byte header h is at off and whose body is n bytes.
func (d *id3Reader) tag(off int64, h [10]byte, n int64) error {
	major, flags := h[3], h[5]
	where := fmt.Sprintf("ID3v2.%d", major)
	if major < 2 || major > 4 {
		d.res.Warn("%s tag at offset %d: unknown version, skipped", where, off)
		return nil
	}
	body := off + 10
	var truncErr error
	if n > d.size-body {
		truncErr = fmt.Errorf("%w: %s tag at offset %d declares %d bytes, the file ends first", errTruncated, where, off, n)
		n = d.size - body
	}
	var src io.ReaderAt = d.r
	base := body // offset of the frames in src
	approx := false
	if flags&0x80 != 0 && major < 4 {
		// tag-level unsynchronisation: undo it over the whole tag, in memory
		if n > id3MaxInMemoryTag {
			d.res.Cut("%s tag at offset %d: unsynchronised tag of %d bytes, reading the first %d", where, off, n, id3MaxInMemoryTag)
			n = id3MaxInMemoryTag
		}
		raw, err := readBlockBudget(d.res, d.r, body, n, d.size)
		if err != nil {
			return err
		}
		dec := id3Unsync(raw)
		src, base, n, approx = bytes.NewReader(dec), 0, int64(len(dec)), true
	}
	pos := int64(0)
	if flags&0x40 != 0 {
		switch major {
		case 2:
			d.res.Warn("%s tag at offset %d uses the undefined v2.2 compression, skipped", where, off)
			return nil
		case 3:
			var e [4]byte
			if err := readAt(src, e[:], base); err != nil {
				return fmt.Errorf("%s extended header: %w", where, err)
			}
			pos = 4 + int64(binary.BigEndian.Uint32(e[:]))
		case 4:
			var e [4]byte
			if err := readAt(src, e[:], base); err != nil {
				return fmt.Errorf("%s extended header: %w", where, err)
			}
			v, ok := id3Syncsafe(e[:])
			if !ok || v < 6 {
				return fmt.Errorf("%w: %s extended header size", ErrMalformed, where)
			}
			pos = int64(v)
		}
	}
	for pos < n {
		d.steps++
		if d.steps > maxSteps {
			return fmt.Errorf("%w: more than %d ID3 frames", errLimit, maxSteps)
		}
		next, err := d.frame(src, base, pos, n, major, flags&0x80 != 0, approx, body, where)
		if err != nil {
			return err
		}
		if next <= pos {
			break // padding or the end of the frames
		}
		pos = next
	}
	return truncErr
}

// frame reads the frame at pos (relative to base in src, within n bytes) and
// returns the position after it, or pos itself at padding.
func (d *id3Reader) frame(src io.ReaderAt, base, pos, n int64, major byte, tagUnsync, approx bool, fileBody int64, where string) (int64, error) {
	hlen := int64(10)
	if major == 2 {
		hlen = 6
	}
	if n-pos < hlen {
		return pos, nil
	}
	var h [10]byte
	if err := readAt(src, h[:hlen], base+pos); err != nil {
		return pos, err
	}
	if h[0] == 0 {
		return pos, nil // padding
	}
	var id string
	var size int64
	var fflags uint16
	if major == 2 {
		id, size = string(h[:3]), int64(h[3])<<16|int64(h[4])<<8|int64(h[5])
	} else {
		id = string(h[:4])
		if major == 4 {
			plain := int64(binary.BigEndian.Uint32(h[4:8]))
			v, ok := id3Syncsafe(h[4:8])
			size = int64(v)
			// Some writers (old iTunes) store plain sizes in v2.4: take the
			// plain size when the syncsafe one does not land on a frame.
			if !ok || (plain != size && !id3FrameAt(src, base, pos+hlen+size, n) && id3FrameAt(src, base, pos+hlen+plain, n)) {
				size = plain
			}
		} else {
			size = int64(binary.BigEndian.Uint32(h[4:8]))
		}
		fflags = binary.BigEndian.Uint16(h[8:10])
	}
	for _, c := range []byte(id) {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			d.res.Warn("%s: invalid frame ID %q at offset %d, frames end here", where, id, fileBody+pos)
			return pos, nil
		}
	}
	dataPos := pos + hlen
	if size > n-dataPos {
		return pos, fmt.Errorf("%w: %s frame %s of %d bytes runs past its tag", errTruncated, where, id, size)
	}
	next := dataPos + size
	if major == 2 {
		if v3, ok := id3v22IDs[id]; ok {
			id = v3
		} else {
			id = "v2.2:" + id
		}
	}
	if !id3Wanted(id) {
		return next, nil
	}
	data, err := readBlockBudget(d.res, src, base+dataPos, size, base+n)
	if err != nil {
		return next, err
	}
	data, ok, err := d.frameData(data, id, fflags, major, tagUnsync, where)
	if err != nil || !ok {
		return next, err
	}
	fileOff := fileBody + dataPos
	note := ""
	if approx {
		note = "offset approximate: the tag is unsynchronised"
	}
	return next, d.decode(id, data, where, fileOff, size, note)
}

// id3FrameAt reports whether pos (relative to base, in a tag body of n
// bytes) is a plausible place for the next frame: the end of the tag,
// padding, or a frame ID.
func id3FrameAt(src io.ReaderAt, base, pos, n int64) bool {
	if pos == n {
		return true
	}
	if pos > n || n-pos < 4 {
		return false
	}
	var id [4]byte
	if err := readAt(src, id[:], base+pos); err != nil {
		return false
	}
	if id[0] == 0 {
		return true
	}
	for _, c := range id {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// id3Wanted reports whether the frame id is one the reader decodes.
func id3Wanted(id string) bool {
	return id == "TXXX" || id == "COMM" || id == "PRIV" || id == "GEOB" || id == "WXXX" ||
		(len(id) == 4 && (id[0] == 'T' || id[0] == 'W'))
}

// frameData undoes the frame-level encodings of a v2.3 or v2.4 frame:
// grouping, encryption (such frames are skipped), unsynchronisation,
// data length indicator and zlib compression. ok is false for a skipped frame.
func (d *id3Reader) frameData(data []byte, id string, fflags uint16, major byte, tagUnsync bool, where string) ([]byte, bool, error) {
	var compressed, encrypted, unsync bool
	switch major {
	case 3:
		compressed, encrypted = fflags&0x0080 != 0, fflags&0x0040 != 0
		var skip int
		if compressed {
			skip += 4 // decompressed size
		}
		if encrypted {
			skip++
		}
		if fflags&0x0020 != 0 {
			skip++ // group
		}
		if skip > len(data) {
			return nil, false, fmt.Errorf("%w: %s frame %s flags", ErrMalformed, where, id)
		}
		data = data[skip:]
	case 4:
		compressed, encrypted = fflags&0x0008 != 0, fflags&0x0004 != 0
		unsync = fflags&0x0002 != 0 || tagUnsync
		var skip int
		if fflags&0x0040 != 0 {
			skip++ // group
		}
		if encrypted {
			skip++
		}
		if fflags&0x0001 != 0 {
			skip += 4 // data length indicator
		}
		if skip > len(data) {
			return nil, false, fmt.Errorf("%w: %s frame %s flags", ErrMalformed, where, id)
		}
		data = data[skip:]
	}
	if encrypted {
		d.res.Warn("%s frame %s is encrypted, skipped", where, id)
		return nil, false, nil
	}
	if unsync {
		data = id3Unsync(data)
	}
	if compressed {
		budget := d.res.Left(reader.Payload)
		if budget <= 0 {
			return nil, false, fmt.Errorf("%w: ID3 decompressed frames exceed %d bytes", errLimit, maxTotalBlocks)
		}
		limit := int64(id3MaxTextFrame) // text frames: no honest one is larger
		if id == "GEOB" {
			limit = maxBlockSize
		}
		out, err := inflateZlibBounded(data, min(budget, limit))
		if err != nil {
			d.res.Warn("%s frame %s: %v", where, id, err)
			return nil, false, nil
		}
		if err := d.res.Reserve(reader.Payload, int64(len(out))); err != nil {
			return nil, false, err
		}
		data = out
	}
	return data, true, nil
}

// decode turns the data of a wanted frame into blocks.
func (d *id3Reader) decode(id string, data []byte, where string, off, size int64, note string) error {
	container := where + " " + id + " frame"
	text := func(key, value string) error {
		if value == "" {
			return nil
		}
		return d.res.Add(Block{Kind: KindText, Container: container, Offset: off, Size: size, Key: key, Data: []byte(value), Note: note, Tool: key == "TSSE" || key == "TENC"})
	}
	switch {
	case id == "TXXX" || id == "WXXX":
		if len(data) < 1 {
			return nil
		}
		enc := data[0]
		desc, rest := id3Split(data[1:], enc)
		value := id3Text(rest, enc)
		if id == "WXXX" {
			value = id3Text(rest, 0)
		}
		return text(id3Key(id, id3Text(desc, enc)), value)
	case id == "COMM":
		if len(data) < 4 {
			return nil
		}
		enc := data[0]
		desc, rest := id3Split(data[4:], enc)
		return text(id3Key("COMM", id3Text(desc, enc)), id3Text(rest, enc))
	case id == "PRIV":
		owner, rest := id3Split(data, 0)
		if !id3Printable(rest) {
			return nil
		}
		return text(id3Key("PRIV", id3Text(owner, 0)), strings.TrimRight(string(rest), "\x00"))
	case id == "GEOB":
		if len(data) < 1 {
			return nil
		}
		enc := data[0]
		mime, rest := id3Split(data[1:], 0)
		_, rest = id3Split(rest, enc) // file name
		_, rest = id3Split(rest, enc) // content description
		if !id3C2PAMIME[strings.ToLower(strings.TrimSpace(string(mime)))] {
			return nil
		}
		return d.res.Add(Block{Kind: KindC2PA, Container: container + " (" + string(mime) + ")", Offset: off, Size: size, Data: rest, Note: note})
	case id[0] == 'W':
		return text(id, id3Text(data, 0))
	default: // text information frames
		if len(data) < 1 {
			return nil
		}
		return text(id, id3Text(data[1:], data[0]))
	}
}

// id3Key is the key of a frame with a description or owner: "TXXX:desc",
// or the bare frame ID when the description is empty.
func id3Key(id, desc string) string {
	if desc == "" {
		return id
	}
	return id + ":" + desc
}

// id3Syncsafe decodes a 4-byte syncsafe integer (7 bits per byte).
func id3Syncsafe(b []byte) (uint32, bool) {
	var v uint32
	for _, c := range b[:4] {
		if c&0x80 != 0 {
			return 0, false
		}
		v = v<<7 | uint32(c)
	}
	return v, true
}

// id3Unsync undoes unsynchronisation: every 0xFF 0x00 becomes 0xFF.
func id3Unsync(b []byte) []byte {
	if !bytes.Contains(b, []byte{0xFF, 0x00}) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		out = append(out, b[i])
		if b[i] == 0xFF && i+1 < len(b) && b[i+1] == 0 {
			i++
		}
	}
	return out
}

// id3Split cuts b at the first terminator of encoding enc (one zero byte for
// ISO-8859-1 and UTF-8, two aligned zero bytes for UTF-16) and returns the
// part before it and the rest after it.
func id3Split(b []byte, enc byte) ([]byte, []byte) {
	if enc == 1 || enc == 2 {
		for i := 0; i+1 < len(b); i += 2 {
			if b[i] == 0 && b[i+1] == 0 {
				return b[:i], b[i+2:]
			}
		}
		return b, nil
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i], b[i+1:]
	}
	return b, nil
}

// id3Text decodes text in encoding enc; several null-separated values (ID3v2.4)
// are joined with " / ".
func id3Text(b []byte, enc byte) string {
	var parts []string
	for len(b) > 0 && len(parts) < 64 {
		var s []byte
		s, b = id3Split(b, enc)
		if v := id3Decode(s, enc); v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, " / ")
}

// id3Decode decodes one string of encoding enc.
func id3Decode(b []byte, enc byte) string {
	switch enc {
	case 1, 2:
		be := enc == 2
		if len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF {
			be, b = true, b[2:]
		} else if len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE {
			be, b = false, b[2:]
		} else if enc == 1 {
			// no BOM: guess from where the zero bytes of ASCII text fall
			var evenZero, oddZero int
			for i := 0; i+1 < len(b); i += 2 {
				if b[i] == 0 {
					evenZero++
				}
				if b[i+1] == 0 {
					oddZero++
				}
			}
			be = evenZero > oddZero
		}
		u := make([]uint16, len(b)/2)
		for i := range u {
			if be {
				u[i] = binary.BigEndian.Uint16(b[2*i:])
			} else {
				u[i] = binary.LittleEndian.Uint16(b[2*i:])
			}
		}
		return string(utf16.Decode(u))
	case 3:
		return strings.ToValidUTF8(string(b), "\uFFFD")
	default: // ISO-8859-1
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		return string(r)
	}
}

// id3Printable reports whether b is valid UTF-8 text, mostly printable.
func id3Printable(b []byte) bool {
	b = bytes.TrimRight(b, "\x00")
	if len(b) == 0 || !utf8.Valid(b) {
		return false
	}
	bad := 0
	for _, r := range string(b) {
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' {
			bad++
		}
	}
	return bad*20 <= len(b)
}

// id3v1 reads the 128-byte ID3v1 (or v1.1) trailer found at off.
func id3v1(b []byte, off int64, res *Result) error {
	field := func(key string, at, n int) error {
		v := strings.TrimRight(id3Decode(bytes.TrimRight(b[at:at+n], "\x00 "), 0), "\x00 ")
		if i := strings.IndexByte(v, 0); i >= 0 {
			v = v[:i]
		}
		if v == "" {
			return nil
		}
		return res.Add(Block{Kind: KindText, Container: "ID3v1 trailer", Offset: off + int64(at), Size: int64(n), Key: "ID3v1:" + key, Data: []byte(v)})
	}
	for _, f := range []struct {
		key   string
		at, n int
	}{{"Title", 3, 30}, {"Artist", 33, 30}, {"Album", 63, 30}, {"Year", 93, 4}, {"Comment", 97, 30}} {
		if err := field(f.key, f.at, f.n); err != nil {
			return err
		}
	}
	return nil
}
