package container

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/provscan/provscan/provenance/internal/reader"
	"github.com/provscan/provscan/provenance/internal/seg"
)

// JPEG 2000 (ISO/IEC 15444): a JP2, JPX or JPH file is a sequence of boxes
// (the ISO BMFF box header: a big-endian 32-bit size, a type, a 64-bit size
// when the 32-bit one is 1) that starts with the signature box "jP  ". The
// metadata lives in xml boxes (an XMP packet, or other XML such as the JPX
// imageCreation and contentDescription documents), uuid boxes (XMP, EXIF as
// exiftool and Photoshop write it, IPTC, GeoJP2's TIFF, C2PA as in ISO
// BMFF), Exif boxes, a top-level jumb superbox (the C2PA manifest store),
// asoc boxes of JPX that nest them, and the COM markers of each codestream's
// main header (the encoder's name: "Kakadu-v4.2.1"). A raw codestream
// (.j2c, .j2k) starts with the SOC and SIZ markers (FF4F FF51) and holds
// only the COM markers. The coded image data is never read: a codestream is
// read from SOC to its first tile-part (SOT), marker headers only.

// Bounds of the JPEG 2000 reader, on top of the package limits.
const (
	j2kMaxMarkers   = 4096 // marker segments of one codestream main header
	jp2MaxDepth     = 8    // nesting of JPX asoc boxes
	xmlMaxFields    = 256  // text fields of one XML document
	xmlMaxFieldPath = 16   // elements named in a field's key
)

var (
	jp2Signature  = []byte{0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A}
	j2kSignature  = []byte{0xFF, 0x4F, 0xFF, 0x51} // SOC then SIZ
	jp2EXIFUUID   = []byte("JpgTiffExif->JP2")
	jp2EXIF2UUID  = []byte{0x05, 0x37, 0xcd, 0xab, 0x9d, 0x0c, 0x44, 0x31, 0xa7, 0x2a, 0xfa, 0x56, 0x1f, 0x2a, 0x11, 0x3e}
	jp2IPTCUUID   = []byte{0x33, 0xc7, 0xa4, 0xd2, 0xb8, 0x1d, 0x47, 0x23, 0xa0, 0xba, 0xf1, 0xa3, 0xe0, 0x97, 0xad, 0x38}
	jp2GeoJP2UUID = []byte{0xb1, 0x4b, 0xf8, 0xbd, 0x08, 0x3d, 0x4b, 0x43, 0xa5, 0xae, 0x8c, 0xd7, 0xd5, 0xa6, 0xce, 0x03}
)

// matchJP2 reports whether head starts a JPEG 2000 file: the JP2 signature
// box or a raw codestream.
func matchJP2(head []byte) bool {
	return bytes.HasPrefix(head, jp2Signature) || bytes.HasPrefix(head, j2kSignature)
}

// readJP2 reads the metadata of a JP2/JPX/JPH file or of a raw codestream.
func readJP2(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatJP2, Budget: b}
	head := make([]byte, min(size, int64(len(jp2Signature))))
	if err := readAt(r, head, 0); err != nil {
		return res, err
	}
	if bytes.HasPrefix(head, j2kSignature) {
		res.Format = formatJ2K
		return res, J2KComments(r, 0, size, res, "JPEG 2000 codestream")
	}
	if len(head) < len(jp2Signature) && bytes.HasPrefix(jp2Signature, head) {
		return res, fmt.Errorf("%w: JPEG 2000 signature box cut short", errTruncated)
	}
	if !bytes.Equal(head, jp2Signature) {
		return res, fmt.Errorf("%w: no JPEG 2000 signature box", ErrMalformed)
	}
	w := &bmffWalker{r: r, size: size, res: res}
	w.jp2Boxes(int64(len(jp2Signature)), size, 0, "")
	return res, w.errs
}

// jp2Boxes reads the boxes between start and end; path is the superbox
// they are in ("" at the top level, "asoc/").
func (w *bmffWalker) jp2Boxes(start, end int64, depth int, path string) {
	if depth > jp2MaxDepth {
		w.fail(fmt.Errorf("%w: JPEG 2000 asoc boxes nested deeper than %d", errLimit, jp2MaxDepth))
		return
	}
	w.boxes(start, end, w.fail, func(b bmffBox) {
		if b.typ == "jp2c" || b.typ == "mdat" {
			// Image data cut short: only its main header is read.
			w.res.Warn("JPEG 2000 %s box at offset %d runs past the end of the file", seg.FourCC(b.typ), b.off)
			return
		}
		w.note(fmt.Errorf("%w: JPEG 2000 box %q at offset %d runs past the end of its container", errTruncated, seg.FourCC(b.typ), b.off))
	}, func(b bmffBox) bool {
		where := "JPEG 2000 " + path + seg.FourCC(b.typ) + " box"
		switch b.typ {
		case "jp2c":
			if err := J2KComments(w.r, b.start, b.end, w.res, "JPEG 2000 "+path+"jp2c"); err != nil {
				w.note(err)
			}
		case "asoc":
			w.jp2Boxes(b.start, b.end, depth+1, path+"asoc/")
		case "xml ", "XML ":
			if d, ok := w.read(b.start, b.end); ok {
				d = bytes.TrimRight(d, "\x00")
				if holdsXMPPacket(d) {
					w.add(Block{Kind: KindXMP, Container: where, Offset: b.start, Size: int64(len(d)), Data: d})
				} else if len(d) > 0 {
					w.add(Block{Kind: KindText, Container: where, Offset: b.start, Size: int64(len(d)), Key: "xml", Data: d})
					w.xmlFields(d, b.start, where)
				}
			}
		case "jumb":
			if path != "" {
				break // C2PA puts its manifest store at the top level
			}
			// The block is the whole superbox, header included.
			if d, ok := w.read(b.off, b.end); ok {
				w.add(Block{Kind: KindC2PA, Container: where, Offset: b.off, Size: b.end - b.off, Data: d})
			}
		case "Exif":
			if d, ok := w.read(b.start, b.end); ok {
				w.jp2TIFF(d, b.start, where, "Exif")
			}
		case "uuid":
			w.jp2UUID(b, where)
		}
		return !w.halted
	})
}

// jp2UUID reads a uuid box: XMP and C2PA as in ISO BMFF, EXIF, IPTC and
// GeoJP2; other uuid boxes are not metadata this reader knows.
func (w *bmffWalker) jp2UUID(b bmffBox, where string) {
	switch {
	case bytes.Equal(b.uuid, bmffXMPUUID), bytes.Equal(b.uuid, bmffC2PAUUID):
		w.uuidBox(b, "uuid")
	case bytes.Equal(b.uuid, jp2EXIFUUID), bytes.Equal(b.uuid, jp2EXIF2UUID):
		if d, ok := w.read(b.start, b.end); ok {
			w.jp2TIFF(d, b.start, where+" (EXIF)", "EXIF")
		}
	case bytes.Equal(b.uuid, jp2GeoJP2UUID):
		if d, ok := w.read(b.start, b.end); ok {
			w.jp2TIFF(d, b.start, where+" (GeoJP2)", "GeoJP2")
		}
	case bytes.Equal(b.uuid, jp2IPTCUUID):
		if d, ok := w.read(b.start, b.end); ok {
			w.add(Block{Kind: KindIPTC, Container: where + " (IPTC)", Offset: b.start, Size: int64(len(d)), Data: d})
		}
	}
}

// jp2TIFF adds d, read at off, as an EXIF block when it holds a TIFF header:
// at its start, after "Exif\0\0", or after a 4-byte offset to it (the Exif
// box of JPEG XL and later JPX writers).
func (w *bmffWalker) jp2TIFF(d []byte, off int64, where, what string) {
	skip := -1
	switch {
	case jp2IsTIFF(d):
		skip = 0
	case bytes.HasPrefix(d, []byte("Exif\x00\x00")) && jp2IsTIFF(d[6:]):
		skip = 6
	case len(d) >= 4:
		if s := binary.BigEndian.Uint32(d); s <= uint32(len(d)-4) && jp2IsTIFF(d[4+s:]) {
			skip = 4 + int(s)
		}
	}
	if skip < 0 {
		w.res.Warn("%s at offset %d: %s data without a TIFF header", where, off, what)
		return
	}
	w.add(Block{Kind: KindEXIF, Container: where, Offset: off + int64(skip), Size: int64(len(d) - skip), Data: d[skip:]})
}

// jp2IsTIFF reports whether d starts with a TIFF header.
func jp2IsTIFF(d []byte) bool {
	return bytes.HasPrefix(d, []byte("II*\x00")) || bytes.HasPrefix(d, []byte("MM\x00*"))
}

// J2KComments reads the main header of the JPEG 2000 codestream that
// starts at off in r and ends at end (at most): the marker segments from
// SOC to the first tile-part (SOT), their headers only. Each COM marker of
// Latin-1 text (Rcom 1) becomes a text block marked as naming the tool (an
// encoder writes its name there), located at its offset in r, with where
// naming its container ("JPEG 2000 jp2c", "MXF frame 1"). The coded data
// after the main header is never read. Errors wrap ErrMalformed,
// ErrTruncated or ErrLimit; the blocks found before one are kept in res.
func J2KComments(r io.ReaderAt, off, end int64, res *Result, where string) error {
	var m [6]byte
	if end-off < 2 {
		return fmt.Errorf("%w: %s: codestream of %d bytes", errTruncated, where, end-off)
	}
	if err := readAt(r, m[:2], off); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	if m[0] != 0xFF || m[1] != 0x4F {
		return fmt.Errorf("%w: %s at offset %d does not start with SOC", ErrMalformed, where, off)
	}
	pos := off + 2
	for i := 0; ; i++ {
		if i >= j2kMaxMarkers {
			return fmt.Errorf("%w: %s: more than %d marker segments in the main header", errLimit, where, j2kMaxMarkers)
		}
		if end-pos < 2 {
			return fmt.Errorf("%w: %s ends in its main header at offset %d", errTruncated, where, pos)
		}
		if err := readAt(r, m[:2], pos); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if m[0] != 0xFF || m[1] < 0x30 {
			return fmt.Errorf("%w: %s: no marker at offset %d", ErrMalformed, where, pos)
		}
		switch marker := m[1]; {
		case marker == 0x90 || marker == 0x93 || marker == 0xD9:
			return nil // SOT, SOD, EOC: the end of the main header
		case marker >= 0x30 && marker <= 0x3F:
			pos += 2 // markers without a segment
			continue
		}
		if end-pos < 4 {
			return fmt.Errorf("%w: %s ends in a marker segment at offset %d", errTruncated, where, pos)
		}
		if err := readAt(r, m[2:4], pos+2); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		n := int64(binary.BigEndian.Uint16(m[2:4]))
		if n < 2 {
			return fmt.Errorf("%w: %s: marker segment at offset %d of length %d", ErrMalformed, where, pos, n)
		}
		if n > end-pos-2 {
			return fmt.Errorf("%w: %s: marker segment at offset %d runs past the end of the codestream", errTruncated, where, pos)
		}
		if m[1] == 0x64 && n >= 4 { // COM: Rcom, then the comment
			if err := readAt(r, m[4:6], pos+4); err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
			if binary.BigEndian.Uint16(m[4:6]) == 1 && n > 4 {
				p, err := readBlockBudget(res, r, pos+6, n-4, end)
				if err != nil {
					return fmt.Errorf("%s COM: %w", where, err)
				}
				if v := riffText(p); len(v) > 0 {
					if err := res.Add(Block{Kind: KindText, Container: where + " COM marker", Offset: pos + 6, Size: n - 4, Key: "COM", Data: v, Tool: true}); err != nil {
						return err
					}
				}
			}
		}
		pos += 2 + n
	}
}

// xmlFields adds the text of each element of the XML document d (not an
// XMP packet; read at off) as a text block keyed by the element's path
// ("CONTENT_DESCRIPTION/THING/NAME"), so that values deep in a document
// (the JPX contentDescription, a caption, a creator) are entries of their
// own, as short as a report shows. The document itself is a block too: a
// document that does not parse, or has more than xmlMaxFields texts, keeps
// the fields found before, with a warning.
func (w *bmffWalker) xmlFields(d []byte, off int64, where string) {
	dec := xml.NewDecoder(bytes.NewReader(d))
	dec.Strict = false
	var path []string
	deep := 0 // elements below the last one named in path
	n := 0
	for !w.halted {
		start := dec.InputOffset()
		tok, err := dec.RawToken()
		if err == io.EOF {
			return
		}
		if err != nil {
			w.res.Warn("%s at offset %d: XML not read past offset %d: %v", where, off, off+start, err)
			return
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(path) < xmlMaxFieldPath {
				path = append(path, t.Name.Local)
			} else {
				deep++
			}
		case xml.EndElement:
			if deep > 0 {
				deep--
			} else if len(path) > 0 {
				path = path[:len(path)-1]
			}
		case xml.CharData:
			v := bytes.TrimSpace(t)
			if len(v) == 0 || len(path) == 0 {
				break
			}
			if n++; n > xmlMaxFields {
				w.res.Warn("%s at offset %d: more than %d XML text fields, the rest only in the document", where, off, xmlMaxFields)
				return
			}
			end := dec.InputOffset()
			w.add(Block{Kind: KindText, Container: where, Offset: off + start, Size: end - start, Key: strings.Join(path, "/"), Data: bytes.Clone(v)})
		}
	}
}
