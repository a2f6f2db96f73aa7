package container

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/provscan/provscan/provenance/container/pdf"
	"github.com/provscan/provscan/provenance/internal/reader"
)

// The MXF metadata the reader keeps: header metadata local sets (2-byte
// local tags and lengths, tags resolved to universal labels by the
// primer pack of the same metadata).

// mxfValue is how a property's value is decoded.
type mxfValue int

const (
	mxfUTF16     mxfValue = iota // a UTF-16BE string, maybe NUL-terminated
	mxfASCII                     // an 8-bit string (older labels)
	mxfVersion                   // a ProductVersion: five 16-bit numbers
	mxfTimestamp                 // a Timestamp: year, month, day, hour, minute, second, quarter-millisecond
)

// mxfProp is a property the reader keeps, by its label.
type mxfProp struct {
	name string
	typ  mxfValue
	tool bool // the value names the writing software
}

// mxfProps are the properties kept, by bytes 8-15 of their label.
var mxfProps = map[[8]byte]mxfProp{
	{0x05, 0x20, 0x07, 0x01, 0x02, 0x01, 0x00, 0x00}: {"CompanyName", mxfUTF16, true},
	{0x05, 0x20, 0x07, 0x01, 0x02, 0x00, 0x00, 0x00}: {"CompanyName", mxfASCII, true},
	{0x05, 0x20, 0x07, 0x01, 0x03, 0x01, 0x00, 0x00}: {"ProductName", mxfUTF16, true},
	{0x05, 0x20, 0x07, 0x01, 0x03, 0x00, 0x00, 0x00}: {"ProductName", mxfASCII, true},
	{0x05, 0x20, 0x07, 0x01, 0x04, 0x00, 0x00, 0x00}: {"ProductVersion", mxfVersion, true},
	{0x05, 0x20, 0x07, 0x01, 0x05, 0x01, 0x00, 0x00}: {"VersionString", mxfUTF16, true},
	{0x05, 0x20, 0x07, 0x01, 0x05, 0x00, 0x00, 0x00}: {"VersionString", mxfASCII, true},
	{0x05, 0x20, 0x07, 0x01, 0x06, 0x01, 0x00, 0x00}: {"Platform", mxfUTF16, true},
	{0x05, 0x20, 0x07, 0x01, 0x06, 0x00, 0x00, 0x00}: {"Platform", mxfASCII, true},
	{0x05, 0x20, 0x07, 0x01, 0x0a, 0x00, 0x00, 0x00}: {"ToolkitVersion", mxfVersion, true},
	{0x05, 0x20, 0x07, 0x01, 0x0f, 0x00, 0x00, 0x00}: {"ApplicationEnvironmentID", mxfUTF16, true},
	{0x07, 0x02, 0x01, 0x10, 0x02, 0x03, 0x00, 0x00}: {"ModificationDate", mxfTimestamp, false},
	{0x01, 0x03, 0x03, 0x02, 0x01, 0x00, 0x00, 0x00}: {"Name", mxfUTF16, false},
}

// mxfStaticTags are the labels of the static local tags the reader keeps,
// for a primer pack that does not list them.
var mxfStaticTags = map[uint16][8]byte{
	0x3c01: {0x05, 0x20, 0x07, 0x01, 0x02, 0x01, 0x00, 0x00},
	0x3c02: {0x05, 0x20, 0x07, 0x01, 0x03, 0x01, 0x00, 0x00},
	0x3c03: {0x05, 0x20, 0x07, 0x01, 0x04, 0x00, 0x00, 0x00},
	0x3c04: {0x05, 0x20, 0x07, 0x01, 0x05, 0x01, 0x00, 0x00},
	0x3c06: {0x07, 0x02, 0x01, 0x10, 0x02, 0x03, 0x00, 0x00},
	0x3c07: {0x05, 0x20, 0x07, 0x01, 0x0a, 0x00, 0x00, 0x00},
	0x3c08: {0x05, 0x20, 0x07, 0x01, 0x06, 0x01, 0x00, 0x00},
	0x4402: {0x01, 0x03, 0x03, 0x02, 0x01, 0x00, 0x00, 0x00},
}

// mxfReleases names the release types of a ProductVersion.
var mxfReleases = []string{"unknown", "released", "debug", "patched", "beta", "private build"}

// mxfSetName names a local set by its key ("" for a set the reader
// ignores).
func mxfSetName(key []byte) string {
	switch {
	case bytes.Equal(key[8:12], []byte{0x0d, 0x01, 0x04, 0x01}):
		return "Descriptive metadata"
	case !bytes.Equal(key[8:14], []byte{0x0d, 0x01, 0x01, 0x01, 0x01, 0x01}):
		return "Set"
	}
	switch key[14] {
	case 0x30:
		return "Identification"
	case 0x36:
		return "Material package"
	case 0x37:
		return "Source package"
	}
	return "Set"
}

// metadata reads the header metadata of partition p (none when its
// HeaderByteCount is 0).
func (m *mxfReader) metadata(p mxfPartition, container string) error {
	if p.headerBytes == 0 {
		return nil
	}
	start, err := m.skipFill(p.packEnd, m.size)
	if err != nil {
		return fmt.Errorf("%s: %w", container, err)
	}
	if p.headerBytes > uint64(m.size-start) {
		return fmt.Errorf("%w: %s of %d bytes at offset %d runs past the end of the file", errTruncated, container, p.headerBytes, start)
	}
	end := start + int64(p.headerBytes)
	m.primer = nil
	for steps, off := 0, start; off < end; steps++ {
		if steps >= maxSteps {
			return fmt.Errorf("%w: %s of more than %d KLVs", errLimit, container, maxSteps)
		}
		k, err := m.klv(off, m.size)
		if err != nil {
			return fmt.Errorf("%s: %w", container, err)
		}
		key := k.key[:]
		if mxfIsPartition(key) {
			m.res.Warn("%s ends at a partition pack at offset %d, before its byte count", container, off)
			return nil
		}
		if k.end() > end && !mxfULEqual(key, mxfFillUL) {
			return fmt.Errorf("%w: %s: KLV at offset %d of %d bytes runs past the metadata (%d bytes)", ErrMalformed, container, off, k.size, p.headerBytes)
		}
		off = k.end()
		switch {
		case mxfULEqual(key, mxfPrimerUL):
			if err := m.readPrimer(k); err != nil {
				return fmt.Errorf("%s: %w", container, err)
			}
		case key[4] == 0x02 && key[5] == 0x53:
			if err := m.set(k, container); err != nil {
				return err
			}
		}
	}
	return nil
}

// readPrimer reads the primer pack: a batch of local tag and label pairs.
func (m *mxfReader) readPrimer(k mxfKLV) error {
	if k.size < 8 || k.size > mxfMaxSet {
		return fmt.Errorf("%w: primer pack of %d bytes", ErrMalformed, k.size)
	}
	buf, err := m.payload(k.val, k.size)
	if err != nil {
		return fmt.Errorf("primer pack: %w", err)
	}
	n, l := binary.BigEndian.Uint32(buf), binary.BigEndian.Uint32(buf[4:])
	if l != 18 || uint64(n)*18 > uint64(len(buf)-8) {
		return fmt.Errorf("%w: primer pack of %d entries of %d bytes in %d bytes", ErrMalformed, n, l, k.size)
	}
	m.primer = make(map[uint16][16]byte, n)
	for i := 0; i < int(n); i++ {
		e := buf[8+i*18:]
		var ul [16]byte
		copy(ul[:], e[2:18])
		m.primer[binary.BigEndian.Uint16(e)] = ul
	}
	return nil
}

// payload reads n bytes at off into memory, counted as metadata payload.
func (m *mxfReader) payload(off, n int64) ([]byte, error) {
	if err := m.res.Reserve(reader.Payload, n); err != nil {
		return nil, err
	}
	return readBlock(m.r, off, n, m.size)
}

// prop returns the property local tag t names in the current metadata.
func (m *mxfReader) prop(t uint16) (mxfProp, bool) {
	var tail [8]byte
	if ul, ok := m.primer[t]; ok {
		if !bytes.Equal(ul[:4], mxfPartitionUL[:4]) || ul[4] != 0x01 {
			return mxfProp{}, false
		}
		copy(tail[:], ul[8:])
	} else if s, ok := mxfStaticTags[t]; ok {
		tail = s
	} else {
		return mxfProp{}, false
	}
	p, ok := mxfProps[tail]
	return p, ok
}

// set reads one local set and adds the properties it keeps as text blocks.
func (m *mxfReader) set(k mxfKLV, container string) error {
	name := mxfSetName(k.key[:])
	if k.size > mxfMaxSet {
		m.res.Cut("%s: %s set of %d bytes at offset %d not read (limit %d)", container, name, k.size, k.off, mxfMaxSet)
		return nil
	}
	buf, err := m.payload(k.val, k.size)
	if err != nil {
		return fmt.Errorf("%s: %s set at offset %d: %w", container, name, k.off, err)
	}
	dm := name == "Descriptive metadata"
	for i := 0; i < len(buf); {
		if len(buf)-i < 4 {
			m.res.Warn("%s: %s set at offset %d ends inside an item", container, name, k.off)
			return nil
		}
		tag, l := binary.BigEndian.Uint16(buf[i:]), int(binary.BigEndian.Uint16(buf[i+2:]))
		v := i + 4
		if l > len(buf)-v {
			return fmt.Errorf("%w: %s: item %04x of %d bytes runs past its %s set at offset %d", ErrMalformed, container, tag, l, name, k.off)
		}
		i = v + l
		val := buf[v : v+l]
		text, key, tool := "", "", false
		if p, ok := m.prop(tag); ok {
			text, key, tool = mxfDecode(p.typ, val), name+" "+p.name, p.tool
		} else if dm {
			text, key = mxfDMText(val), fmt.Sprintf("%s %04x", name, tag)
		}
		if text == "" {
			continue
		}
		blk := Block{Kind: KindText, Container: container, Key: key, Offset: k.val + int64(v), Size: int64(l), Data: []byte(text), Tool: tool}
		if err := m.res.Add(blk); err != nil {
			return err
		}
		if holdsXMPPacket(blk.Data) {
			blk.Kind, blk.Key, blk.Tool = KindXMP, "", false
			blk.Container = container + " > " + key
			if err := m.res.Add(blk); err != nil {
				return err
			}
		}
	}
	return nil
}

// mxfDecode decodes a property value of type t to text ("" when empty).
func mxfDecode(t mxfValue, v []byte) string {
	switch t {
	case mxfUTF16:
		return mxfUTF16String(v)
	case mxfASCII:
		if i := bytes.IndexByte(v, 0); i >= 0 {
			v = v[:i]
		}
		return strings.ToValidUTF8(string(v), "\uFFFD")
	case mxfVersion:
		if len(v) != 10 {
			return ""
		}
		var n [5]uint16
		for i := range n {
			n[i] = binary.BigEndian.Uint16(v[2*i:])
		}
		if n == [5]uint16{} {
			return ""
		}
		s := fmt.Sprintf("%d.%d.%d.%d", n[0], n[1], n[2], n[3])
		if int(n[4]) < len(mxfReleases) && n[4] != 0 {
			s += " " + mxfReleases[n[4]]
		}
		return s
	case mxfTimestamp:
		if len(v) != 8 {
			return ""
		}
		y := binary.BigEndian.Uint16(v)
		if y == 0 {
			return ""
		}
		return fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d.%03d", y, v[2], v[3], v[4], v[5], v[6], int(v[7])*4)
	}
	return ""
}

// mxfUTF16String decodes a UTF-16BE string, up to its first NUL.
func mxfUTF16String(v []byte) string {
	u := make([]uint16, 0, len(v)/2)
	for i := 0; i+1 < len(v); i += 2 {
		c := binary.BigEndian.Uint16(v[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}

// mxfDMText returns the text a descriptive metadata property holds: a
// UTF-16BE string of mostly printable ASCII, or inline XML in UTF-8; ""
// for anything else (references, numbers, labels).
func mxfDMText(v []byte) string {
	if t := bytes.TrimLeft(bytes.TrimPrefix(v, []byte("\xef\xbb\xbf")), " \t\r\n"); len(t) > 0 && t[0] == '<' && utf8.Valid(v) {
		return string(v)
	}
	if len(v) < 2 || len(v)%2 != 0 {
		return ""
	}
	s := mxfUTF16String(v)
	ascii, n := 0, 0
	for _, r := range s {
		n++
		switch {
		case r == utf8.RuneError || r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f:
			return ""
		case r < 0x7f:
			ascii++
		}
	}
	if n == 0 || ascii*2 < n {
		return ""
	}
	return s
}

// mxfStream is one generic stream: its data elements, in file order, from
// every partition of its stream ID.
type mxfStream struct {
	sid   uint32
	parts []mxfKLV
	total int64
	over  bool // more than mxfMaxStreamKLVs data elements
}

// genericStream gathers the data elements of the generic-stream partition
// p, which ends by next, into the stream of its stream ID.
func (m *mxfReader) genericStream(p mxfPartition, next int64) error {
	st := m.streams[p.bodySID]
	if st == nil {
		if m.streams == nil {
			m.streams = map[uint32]*mxfStream{}
		}
		st = &mxfStream{sid: p.bodySID}
		m.streams[p.bodySID] = st
		m.streamOrder = append(m.streamOrder, st)
	}
	for off, steps := p.packEnd, 0; off < next && off < m.size; steps++ {
		if steps >= maxSteps {
			return fmt.Errorf("%w: MXF generic stream partition at offset %d of more than %d KLVs", errLimit, p.off-m.base, maxSteps)
		}
		k, err := m.klv(off, m.size)
		if err != nil {
			return fmt.Errorf("MXF generic stream partition at offset %d: %w", p.off-m.base, err)
		}
		if mxfIsPartition(k.key[:]) || mxfULEqual(k.key[:], mxfRIPUL) {
			break
		}
		off = k.end()
		if k.key[4] != 0x01 || mxfULEqual(k.key[:], mxfFillUL) || k.size == 0 {
			continue
		}
		if len(st.parts) >= mxfMaxStreamKLVs {
			st.over = true
			return nil
		}
		st.parts = append(st.parts, k)
		st.total += k.size
	}
	return nil
}

// streamMembers makes a member of each generic stream: its one data
// element read in place, or several reassembled within the budget when it
// is opened.
func (m *mxfReader) streamMembers() error {
	for _, st := range m.streamOrder {
		if len(st.parts) == 0 {
			continue
		}
		name := fmt.Sprintf("generic stream %d", st.sid)
		ext, ok := m.sniffPayload(st.parts[0], true)
		if !ok {
			ext = ".bin"
		}
		name += ext
		switch {
		case st.over:
			m.res.Skipped = append(m.res.Skipped, Skipped{Name: name, Reason: fmt.Sprintf("more than %d data elements", mxfMaxStreamKLVs)})
			continue
		case len(st.parts) == 1:
			if err := m.member(name, st.parts[0].val, st.parts[0].size); err != nil {
				return err
			}
			continue
		case st.total > maxBlockSize:
			m.res.Skipped = append(m.res.Skipped, Skipped{Name: name,
				Reason: fmt.Sprintf("%d data elements of %d bytes in all, over %d to reassemble", len(st.parts), st.total, maxBlockSize)})
			continue
		}
		if err := m.res.Reserve(reader.Members, 1); err != nil {
			m.res.Cut("MXF generic stream %d and those after it: %v", st.sid, err)
			return nil
		}
		r, b, parts, total := m.r, m.res.Budget, st.parts, st.total
		m.res.Members = append(m.res.Members, Member{Name: name, Size: total, Open: func() (io.ReaderAt, error) {
			if b != nil {
				if err := b.Reserve(reader.Memory, total); err != nil {
					return nil, err
				}
			}
			buf := make([]byte, total)
			at := int64(0)
			for _, k := range parts {
				if err := readAt(r, buf[at:at+k.size], k.val); err != nil {
					return nil, err
				}
				at += k.size
			}
			return bytes.NewReader(buf), nil
		}})
	}
	return nil
}

// member adds the n bytes at off as a member read in place.
func (m *mxfReader) member(name string, off, n int64) error {
	if err := m.res.Reserve(reader.Members, 1); err != nil {
		m.res.Cut("MXF member %q and those after it: %v", name, err)
		return nil
	}
	r := m.r
	m.res.Members = append(m.res.Members, Member{Name: name, Size: n, Open: func() (io.ReaderAt, error) {
		return io.NewSectionReader(r, off, n), nil
	}})
	return nil
}

// mxfPayloadFormats are the formats a generic-stream payload or an essence
// element is named by (and, for an essence element, made a member of when
// essence is set: other essence, sound and video bitstreams, is not read).
var mxfPayloadFormats = []struct {
	ext     string
	match   func([]byte) bool
	essence bool
}{
	{".exr", matchEXR, true}, {".dpx", matchDPX, true}, {".png", matchPNG, true},
	{".tif", matchTIFF, true}, {".jpg", matchJPEG, true}, {".font", matchFont, false},
	{".xmp", matchXMPSidecar, false}, {".zip", matchZIP, false}, {".pdf", pdf.Match, false},
}

// sniffPayload names the format of the value of k by its first bytes: a
// file name extension (with a label for XML documents), and whether it is
// a format worth reading (any known one for a generic stream, an image or
// document for an essence element).
func (m *mxfReader) sniffPayload(k mxfKLV, stream bool) (string, bool) {
	head := make([]byte, min(k.size, mxfSniffBytes))
	if err := readAt(m.r, head, k.val); err != nil {
		return "", false
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case bytes.HasPrefix(head, []byte("\xff\x4f\xff\x51")):
		return ".j2c", true
	case bytes.HasPrefix(head, []byte("\x00\x00\x00\x0cjP  \r\n\x87\n")):
		return ".jp2", true
	case len(t) > 0 && t[0] == '<':
		switch {
		case bytes.Contains(head, []byte("<tt")) || bytes.Contains(head, []byte("/ttml")):
			return " (TTML).xml", true
		case bytes.Contains(head, []byte("DolbyLabsMDF")) || bytes.Contains(head, []byte("dolby.com")):
			return " (Dolby Vision).xml", true
		case bytes.Contains(head, []byte("ebuCoreMain")):
			return " (EBUCore).xml", true
		}
		return ".xml", true
	}
	for _, f := range mxfPayloadFormats {
		if f.match(head) && (stream || f.essence) {
			return f.ext, true
		}
	}
	return "", false
}

// firstFrame makes a member of the first essence element of partition p
// that is of a format provscan reads (a JPEG 2000 codestream, an OpenEXR
// frame, an XML document ...), looking at the first mxfEssenceSteps KLVs
// (sound elements interleaved before a picture are passed), and reports
// whether p held essence.
func (m *mxfReader) firstFrame(p mxfPartition) (bool, error) {
	off, err := m.skipFill(p.packEnd, m.size)
	if err != nil {
		return false, fmt.Errorf("MXF body partition at offset %d: %w", p.off-m.base, err)
	}
	if p.headerBytes > uint64(m.size-off) {
		return false, fmt.Errorf("%w: MXF partition at offset %d: header metadata of %d bytes runs past the end of the file", errTruncated, p.off-m.base, p.headerBytes)
	}
	off += int64(p.headerBytes)
	seen := false // an essence element of a format not read
	for steps := 0; off < m.size; steps++ {
		if steps >= mxfEssenceSteps {
			if !seen {
				m.res.Cut("MXF body partition at offset %d: no essence element in its first %d KLVs", p.off-m.base, mxfEssenceSteps)
			}
			return true, nil
		}
		k, err := m.klv(off, m.size)
		if err != nil {
			return false, fmt.Errorf("MXF body partition at offset %d: %w", p.off-m.base, err)
		}
		if mxfIsPartition(k.key[:]) || mxfULEqual(k.key[:], mxfRIPUL) {
			return seen, nil
		}
		off = k.end()
		if !mxfIsEssence(k.key[:]) || k.size == 0 {
			continue
		}
		if ext, ok := m.sniffPayload(k, false); ok {
			return true, m.member("frame 1"+ext, k.val, k.size)
		}
		seen = true
	}
	return seen, nil
}
