package container

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/provscan/provscan/provenance/internal/reader"
)

// Limits of the SVG reader.
const (
	// svgMaxDepth is the deepest element nesting followed.
	svgMaxDepth = 512
)

// XML namespaces the SVG reader looks for.
const (
	nsXMPMeta  = "adobe:ns:meta/"
	nsRDF      = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsC2PASVG  = "http://c2pa.org/manifest"
	nsSVG      = "http://www.w3.org/2000/svg"
	svgTextCap = maxBlockSize
)

// matchSVG matches an SVG document: an <svg> (or <prefix:svg>) root element
// after an optional byte order mark, XML declaration, comments and document
// type declaration, all within the sniffed head, or a document type
// declaration of an svg root that runs past it.
func matchSVG(head []byte) bool {
	p := skipXMLProlog(head)
	if p == nil {
		// a prolog longer than the head: Adobe Illustrator declares its
		// namespaces as entities in an internal DTD subset
		return bytes.Contains(head, []byte("<!DOCTYPE svg"))
	}
	if len(p) < 5 || p[0] != '<' {
		return false
	}
	// the root element's name
	i := 1
	for i < len(p) && !isXMLSpace(p[i]) && p[i] != '>' && p[i] != '/' {
		i++
	}
	if i == len(p) {
		return false
	}
	name := string(p[1:i])
	if j := strings.IndexByte(name, ':'); j >= 0 {
		name = name[j+1:]
	}
	return name == "svg"
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// readSVG reads the metadata of an SVG document: XMP packets (x:xmpmeta or
// rdf:RDF subtrees, re-read byte for byte from the file) as KindXMP,
// base64 c2pa:manifest elements as KindC2PA, and the free text of
// <metadata> elements (ComfyUI writes its prompt and workflow there as
// JSON in CDATA) as KindText with Key "metadata". At most Limits.SVGRead bytes
// are parsed; a malformed document returns what was found before the fault.
func readSVG(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatSVG, Budget: b}
	limit := min(size, b.Limits().SVGRead)
	d := xml.NewDecoder(io.NewSectionReader(r, 0, limit))
	// a Latin-1 document is transcoded: offsets after its XML declaration
	// count UTF-8 bytes, so XMP is taken from the transcoding
	var lat *latin1Reader
	var declEnd int64
	d.CharsetReader = func(charset string, input io.Reader) (io.Reader, error) {
		rd, err := svgCharsetReader(charset, input)
		if lat, _ = rd.(*latin1Reader); lat != nil {
			lat.res = res
		}
		return rd, err
	}
	d.Entity = map[string]string{}

	type frame struct {
		name     xml.Name
		metadata bool          // a <metadata> element
		text     *bytes.Buffer // collected character data, when wanted
		start    int64         // offset of the start tag
	}
	var stack []frame
	xmpDepth := -1 // stack depth of the XMP subtree being skipped, or -1
	doctype := false
	for {
		before := d.InputOffset()
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				if len(stack) > 0 {
					if limit < size {
						res.Cut("stopped reading after %d of %d bytes", limit, size)
						return res, nil
					}
					return res, fmt.Errorf("%w: document ends inside <%s>", errTruncated, stack[len(stack)-1].name.Local)
				}
				return res, nil
			}
			if limit < size && d.InputOffset() >= limit-1 {
				res.Cut("stopped reading after %d of %d bytes", limit, size)
				return res, nil
			}
			if errors.Is(err, errLimit) { // a budget the transcoding ran into
				return res, err
			}
			return res, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			if doctype {
				break // one DOCTYPE: a later one declares nothing
			}
			from := d.InputOffset()
			if lat != nil {
				from = lat.fileOffset(from, declEnd)
			}
			var err error
			if doctype, err = svgEntities(d, t, r, from, limit); err != nil {
				return res, err
			}
		case xml.ProcInst:
			if t.Target == "xml" && declEnd == 0 {
				declEnd = d.InputOffset()
			}
		case xml.StartElement:
			if len(stack) >= svgMaxDepth {
				return res, fmt.Errorf("%w: elements nested deeper than %d", errLimit, svgMaxDepth)
			}
			f := frame{name: t.Name, start: before}
			if xmpDepth < 0 {
				switch {
				case t.Name.Local == "metadata" && (t.Name.Space == nsSVG || t.Name.Space == "" || t.Name.Space == "svg"):
					f.metadata = true
					f.text = &bytes.Buffer{}
				case t.Name.Local == "manifest" && (t.Name.Space == nsC2PASVG || t.Name.Space == "c2pa"):
					f.text = &bytes.Buffer{}
				case isXMPRoot(t.Name):
					xmpDepth = len(stack)
				}
			}
			stack = append(stack, f)
		case xml.CharData:
			if n := len(stack); n > 0 && stack[n-1].text != nil {
				if stack[n-1].text.Len()+len(t) > svgTextCap {
					return res, fmt.Errorf("%w: element text larger than %d bytes", errLimit, svgTextCap)
				}
				stack[n-1].text.Write(t)
			}
		case xml.EndElement:
			if len(stack) == 0 {
				return res, fmt.Errorf("%w: unexpected end element", ErrMalformed)
			}
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if xmpDepth == len(stack) {
				xmpDepth = -1
				end := d.InputOffset()
				b := Block{Kind: KindXMP, Container: "SVG metadata XMP", Offset: f.start, Size: end - f.start}
				if lat != nil {
					s, e := f.start-declEnd, end-declEnd
					if s < 0 || e > int64(len(lat.kept)) || e-s > maxBlockSize {
						return res, fmt.Errorf("%w: XMP outside the transcoded text", ErrMalformed)
					}
					b.Data = bytes.Clone(lat.kept[s:e])
					b.Offset = lat.fileOffset(f.start, declEnd)
					b.Size = lat.fileOffset(end, declEnd) - b.Offset
					b.Note = "transcoded from Latin-1"
				} else {
					data, err := readBlock(r, f.start, end-f.start, size)
					if err != nil {
						return res, err
					}
					b.Data = data
				}
				if err := res.Add(b); err != nil {
					return res, err
				}
				continue
			}
			if f.text == nil {
				continue
			}
			start, end := f.start, d.InputOffset()
			if lat != nil {
				start, end = lat.fileOffset(start, declEnd), lat.fileOffset(end, declEnd)
			}
			if err := svgTextBlock(res, f.metadata, f.text.Bytes(), start, end); err != nil {
				return res, err
			}
		}
	}
}

// svgTextBlock adds the block for the text of a <metadata> or c2pa:manifest
// element that ended at offset end.
func svgTextBlock(res *Result, metadata bool, text []byte, start, end int64) error {
	text = bytes.TrimSpace(text)
	if len(text) == 0 {
		return nil
	}
	if metadata {
		return res.Add(Block{Kind: KindText, Container: "SVG metadata", Key: "metadata", Offset: start, Size: end - start, Data: bytes.Clone(text)})
	}
	data, err := decodeBase64Text(text)
	if err != nil {
		res.Warn("c2pa:manifest at offset %d is not valid base64: %v", start, err)
		return nil
	}
	b := Block{Kind: KindC2PA, Container: "SVG c2pa:manifest", Offset: start, Size: end - start, Data: data}
	if len(data) < 8 || string(data[4:8]) != "jumb" {
		b.Note = "decoded manifest is not a JUMBF box"
	}
	return res.Add(b)
}

// decodeBase64Text decodes the base64 text of an XML element, which may be
// broken into lines and indented.
func decodeBase64Text(text []byte) ([]byte, error) {
	clean := bytes.Map(func(c rune) rune {
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			return -1
		}
		return c
	}, text)
	data := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
	n, err := base64.StdEncoding.Decode(data, clean)
	return data[:n], err
}

// isXMPRoot reports whether an element starts an XMP packet's subtree: an
// x:xmpmeta (or the older x:xapmeta) or rdf:RDF, by namespace or, when it is
// not declared, by the bare prefix.
func isXMPRoot(n xml.Name) bool {
	return (n.Local == "xmpmeta" || n.Local == "xapmeta") && (n.Space == nsXMPMeta || n.Space == "x") ||
		n.Local == "RDF" && (n.Space == nsRDF || n.Space == "rdf")
}

var svgEntityDecl = regexp.MustCompile(`<!ENTITY\s+([A-Za-z_][\w.:-]*)\s+(?:"([^"%&<]*)"|'([^'%&<]*)')`)

// Limits on the internal entities of an SVG document type declaration.
const (
	svgMaxEntities    = 256
	svgMaxEntityName  = 64
	svgMaxEntityValue = 4096
	// svgMaxExpansion caps the bytes that the references to the entities
	// of a document may add to it, counted before any is expanded.
	svgMaxExpansion = 1 << 20
)

// svgEntities records the simple internal entities of a DOCTYPE (Adobe
// Illustrator declares its namespace URIs this way), after counting their
// references in the document's bytes from offset from to limit: a document
// whose references would expand to more than svgMaxExpansion bytes is
// refused with errLimit before any is expanded. Values are plain text (no
// reference inside, so no recursion); external and parameter entities are
// never declared, and a reference to one is a malformed document.
// declared reports whether dir was a DOCTYPE.
func svgEntities(d *xml.Decoder, dir xml.Directive, r io.ReaderAt, from, limit int64) (declared bool, err error) {
	if !bytes.HasPrefix(dir, []byte("DOCTYPE")) {
		return false, nil
	}
	var decls [][][]byte
	ents := map[string]int{}
	for _, m := range svgEntityDecl.FindAllSubmatch(dir, svgMaxEntities) {
		if len(m[1]) > svgMaxEntityName || len(m[2])+len(m[3]) > svgMaxEntityValue {
			break
		}
		decls = append(decls, m)
		ents[string(m[1])] = len(m[2]) + len(m[3])
	}
	if len(ents) == 0 {
		return true, nil
	}
	if n, err := svgExpansion(r, from, limit, ents); err != nil {
		return true, err
	} else if n > svgMaxExpansion {
		return true, fmt.Errorf("%w: entity references would add more than %d bytes", errLimit, svgMaxExpansion)
	}
	for _, m := range decls {
		d.Entity[string(m[1])] = string(m[2]) + string(m[3])
	}
	return true, nil
}

// svgExpansion adds up the lengths of the entities of ents referenced
// ("&name;") in the bytes from off to limit, stopping once the sum passes
// svgMaxExpansion. It reads through one small buffer.
func svgExpansion(r io.ReaderAt, off, limit int64, ents map[string]int) (int64, error) {
	const chunk = 64 << 10
	buf := make([]byte, chunk+svgMaxEntityName+2)
	var total int64
	carry := 0 // bytes kept at the front of buf from the previous chunk
	for off < limit {
		n := int(min(int64(chunk), limit-off))
		if err := readAt(r, buf[carry:carry+n], off); err != nil {
			return total, err
		}
		off += int64(n)
		b := buf[:carry+n]
		carry = 0
		for i := 0; i < len(b); {
			j := bytes.IndexByte(b[i:], '&')
			if j < 0 {
				break
			}
			i += j
			k := bytes.IndexByte(b[i+1:min(len(b), i+2+svgMaxEntityName)], ';')
			if k < 0 {
				if len(b)-i <= svgMaxEntityName+1 && off < limit {
					carry = copy(buf, b[i:]) // a reference split across two reads
					break
				}
				i++
				continue
			}
			if v, ok := ents[string(b[i+1:i+1+k])]; ok {
				if total += int64(v); total > svgMaxExpansion {
					return total, nil
				}
			}
			i += 1 + k
		}
	}
	return total, nil
}

// svgCharsetReader accepts the single-byte Latin encodings besides UTF-8.
func svgCharsetReader(charset string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "iso-8859-1", "latin1", "latin-1", "iso_8859-1", "windows-1252", "cp1252", "us-ascii", "ascii":
		return &latin1Reader{r: input}, nil
	}
	return nil, fmt.Errorf("%w: unsupported XML encoding %q", ErrMalformed, charset)
}

// latin1Reader turns Latin-1 bytes into UTF-8, and keeps what it wrote.
type latin1Reader struct {
	r    io.Reader
	buf  []byte
	out  []byte
	kept []byte
	// res, when set, is charged the memory of what is kept (up to twice
	// the document read): past the file's budget the read stops with the
	// budget's error.
	res *Result
}

// fileOffset maps an offset of the decoder (which counts UTF-8 bytes after
// the XML declaration ending at declEnd) back to an offset in the file: each
// Latin-1 byte above 0x7F became two UTF-8 bytes.
func (l *latin1Reader) fileOffset(off, declEnd int64) int64 {
	k := off - declEnd
	if k <= 0 {
		return off
	}
	k = min(k, int64(len(l.kept)))
	cont := int64(0)
	for _, c := range l.kept[:k] {
		if c&0xC0 == 0x80 {
			cont++
		}
	}
	return off - cont
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	for len(l.out) == 0 {
		if cap(l.buf) == 0 {
			l.buf = make([]byte, 4096)
		}
		n, err := l.r.Read(l.buf[:4096])
		if len(l.out) == 0 {
			l.out = l.out[:0:0]
		}
		for _, c := range l.buf[:n] {
			l.out = append(l.out, string(rune(c))...)
		}
		if l.res != nil {
			if err := l.res.Reserve(reader.Memory, int64(len(l.out))); err != nil {
				return 0, err
			}
		}
		l.kept = append(l.kept, l.out...)
		if n == 0 && err != nil {
			return 0, err
		}
	}
	n := copy(p, l.out)
	l.out = l.out[n:]
	return n, nil
}
