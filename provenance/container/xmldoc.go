package container

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/provscan/provscan/provenance/internal/reader"
)

// The formats of the XML document reader: its dialects, by the root element
// and its namespace.
const (
	formatXML         Format = "XML" // any other well-formed XML
	formatIMFCPL      Format = "IMF CPL"
	formatDCPCPL      Format = "DCP CPL"
	formatIMFPKL      Format = "IMF PKL"      // also a D-Cinema packing list (the same ST 429-8)
	formatIMFAssetMap Format = "IMF ASSETMAP" // also a D-Cinema asset map (ST 429-9)
	formatIMFOPL      Format = "IMF OPL"
	formatDolbyVision Format = "Dolby Vision XML"
	formatTTML        Format = "TTML"
	formatEBUTT       Format = "EBU-TT"
)

// Limits of the XML document reader (IMF CPL/PKL/ASSETMAP/OPL, Dolby Vision
// metadata, TTML and any other XML). The bytes parsed are capped by
// Limits.SVGRead, the cap of the SVG reader, which parses XML the same way.
const (
	xmlMaxDepth  = svgMaxDepth // deepest element nesting followed
	xmlMaxTokens = 4 << 20     // tokens (tags, text runs, comments ...) per document
	xmlMaxAttrs  = 1024        // attributes of one element
	xmlMaxValues = 1024        // text and comment blocks per document; more are cut
	xmlTextCap   = maxBlockSize
)

// XML namespaces of the dialects the reader names.
const (
	nsTTML       = "http://www.w3.org/ns/ttml"
	nsEBUTTMeta  = "urn:ebu:tt:metadata"
	nsXHTML      = "http://www.w3.org/1999/xhtml"
	ebuttPrefix  = "urn:ebu:tt:"
	ttafPrefix   = "http://www.w3.org/2006/"
	ttmMetaLocal = "#metadata"
)

// xmlHead returns the UTF-8 text of the sniffed head of an XML document:
// head without a UTF-8 byte order mark, or decoded from UTF-16 when it
// starts with a UTF-16 byte order mark.
func xmlHead(head []byte) []byte {
	switch {
	case bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")):
		return head[3:]
	case bytes.HasPrefix(head, []byte("\xFF\xFE")), bytes.HasPrefix(head, []byte("\xFE\xFF")):
		le := head[0] == 0xFF
		p := head[2:]
		u := make([]uint16, 0, len(p)/2)
		for i := 0; i+1 < len(p); i += 2 {
			if le {
				u = append(u, uint16(p[i])|uint16(p[i+1])<<8)
			} else {
				u = append(u, uint16(p[i])<<8|uint16(p[i+1]))
			}
		}
		return []byte(string(utf16.Decode(u)))
	}
	return head
}

// utf16NoBOM reports whether head looks like UTF-16 XML ("<" followed by a
// character, each of two bytes) without a byte order mark, which XML
// forbids: the reader refuses it by name rather than read garbage.
func utf16NoBOM(head []byte) bool {
	if len(head) < 4 {
		return false
	}
	return head[0] == '<' && head[1] == 0 && head[2] != 0 && head[3] == 0 ||
		head[0] == 0 && head[1] == '<' && head[2] == 0 && head[3] != 0
}

// xmlRoot returns the qualified name of the root element of the XML text p
// (after skipXMLProlog), or "" when p does not start with an element.
func xmlRoot(p []byte) string {
	if len(p) < 2 || p[0] != '<' {
		return ""
	}
	c := p[1]
	if !(c == '_' || c == ':' || c >= 0x80 || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
		return ""
	}
	i := 1
	for i < len(p) && !isXMLSpace(p[i]) && p[i] != '>' && p[i] != '/' {
		i++
	}
	return string(p[1:i])
}

func localName(q string) string {
	if j := strings.IndexByte(q, ':'); j >= 0 {
		return q[j+1:]
	}
	return q
}

// matchTTML matches a TTML document: a tt root element in a head that
// names the TTML (or DFXP) namespace.
func matchTTML(head []byte) bool {
	h := xmlHead(head)
	p := skipXMLProlog(h)
	if localName(xmlRoot(p)) != "tt" {
		return false
	}
	return bytes.Contains(h, []byte(nsTTML)) || bytes.Contains(h, []byte("http://www.w3.org/2006/10/ttaf1")) ||
		bytes.Contains(h, []byte("http://www.w3.org/2006/04/ttaf1"))
}

// matchXMLDoc matches any other XML document: an XML declaration, comment
// or document type declaration, or a root element, after an optional byte
// order mark (UTF-8 or UTF-16); UTF-16 without one, to refuse it by name.
// An HTML page (an html root outside the XHTML namespace) is not XML.
func matchXMLDoc(head []byte) bool {
	if utf16NoBOM(head) {
		return true
	}
	h := xmlHead(head)
	p := skipXMLProlog(h)
	if p == nil {
		t := bytes.TrimLeft(h, " \t\r\n")
		return bytes.HasPrefix(t, []byte("<?xml")) || bytes.HasPrefix(t, []byte("<!--"))
	}
	root := xmlRoot(p)
	if root == "" {
		return false
	}
	if strings.EqualFold(localName(root), "html") && !bytes.Contains(h, []byte(nsXHTML)) {
		return false
	}
	t := bytes.TrimLeft(h, " \t\r\n")
	if bytes.HasPrefix(bytes.ToLower(t[:min(len(t), 9)]), []byte("<!doctype")) && bytes.Contains(bytes.ToLower(t[:min(len(t), 14)]), []byte("html")) {
		return bytes.Contains(h, []byte(nsXHTML))
	}
	return true
}

// xmlDialect returns the format of a document by its root element.
func xmlDialect(root xml.StartElement) Format {
	ns, local := root.Name.Space, root.Name.Local
	has := func(parts ...string) bool {
		for _, p := range parts {
			if strings.HasPrefix(ns, p) {
				return true
			}
		}
		return false
	}
	switch local {
	case "CompositionPlaylist":
		switch {
		case has("http://www.smpte-ra.org/schemas/2067-3/"):
			return formatIMFCPL
		case has("http://www.smpte-ra.org/schemas/429-7/", "http://www.digicine.com/PROTO-ASDCP-CPL-"):
			return formatDCPCPL
		}
	case "PackingList":
		if has("http://www.smpte-ra.org/schemas/429-8/", "http://www.smpte-ra.org/schemas/2067-2/", "http://www.digicine.com/PROTO-ASDCP-PKL-") {
			return formatIMFPKL
		}
	case "AssetMap":
		if has("http://www.smpte-ra.org/schemas/429-9/", "http://www.digicine.com/PROTO-ASDCP-AM-") {
			return formatIMFAssetMap
		}
	case "OutputProfileList":
		if strings.Contains(ns, "2067-100") {
			return formatIMFOPL
		}
	case "DolbyLabsMDF":
		return formatDolbyVision
	case "tt":
		if ns == nsTTML || has(ttafPrefix) && strings.Contains(ns, "ttaf1") {
			for _, a := range root.Attr {
				if strings.HasPrefix(a.Value, ebuttPrefix) {
					return formatEBUTT
				}
			}
			return formatTTML
		}
	}
	return formatXML
}

func isIMF(f Format) bool {
	switch f {
	case formatIMFCPL, formatDCPCPL, formatIMFPKL, formatIMFAssetMap, formatIMFOPL:
		return true
	}
	return false
}

// imfTop are the elements of an IMF or D-Cinema document's root read as
// text: its identity, who issued it and with what software.
var imfTop = map[string]bool{
	"Id": true, "Creator": true, "Issuer": true, "Annotation": true, "AnnotationText": true,
	"ContentTitle": true, "ContentTitleText": true, "ContentKind": true, "IssueDate": true,
	"ContentOriginator": true, "VolumeCount": true, "CompositionPlaylistId": true,
}

// xmlNamedTool lists the element and attribute local names (lower case) of
// any XML dialect whose value names a tool or an author: true for those
// that name the software (a Tool block).
var xmlNamedTool = map[string]bool{
	"software": true, "softwareversion": true, "softwarename": true, "softwareagent": true,
	"creatortool": true, "application": true, "applicationname": true, "applicationversion": true,
	"tool": true, "toolname": true, "toolversion": true, "generator": true, "encoder": true,
	"writingapp": true, "writingapplication": true, "originatingsystem": true,
	"creator": false, "author": false, "producer": false, "agent": false,
}

// xmlFrame is one open element.
type xmlFrame struct {
	name  xml.Name
	start int64         // offset of its start tag (in the decoder's text)
	text  *bytes.Buffer // collected character data, when the element is read
	key   string        // the block key of its text
	tool  bool          // its text names software
	agent int           // 1: a ttm:agent naming software (not a person or character), 2: another ttm:agent
	image string        // the member name of an embedded base64 image (smpte:image, TTML2 data)
	asset bool          // an IMF Asset
}

// imfAsset collects the id and path of an asset of a PKL or ASSETMAP.
type imfAsset struct {
	start    int64
	id, path string
}

// xmlDoc is the state of one XML document read.
type xmlDoc struct {
	res     *Result
	r       io.ReaderAt
	size    int64
	off     func(int64) int64      // decoder offset to file offset
	kept    func() ([]byte, int64) // the transcoded text, when the decoder reads one, and the decoder offset of its start
	values  int
	cut     bool
	asset   *imfAsset
	images  int
	rootSet bool
	// text gathers the character data of the whole document (outside XMP
	// packets), added as one text block at the end: a workflow or a
	// parameters text in an element no dialect names is seen too.
	text bytes.Buffer
	span int64 // the bytes of the document read, which the text came from
}

// flushText adds the document's text as one block; a budget that refuses
// it makes the file not fully inspected.
func (x *xmlDoc) flushText() {
	if strings.TrimSpace(x.text.String()) == "" {
		return
	}
	b := Block{Kind: KindText, Container: string(x.res.Format) + " text", Key: "text", Size: x.span, Data: x.text.Bytes(),
		Note: "the character data of the document, one line per text node"}
	if err := x.res.Add(b); err != nil {
		x.res.Cut("the document's text not read: %v", err)
	}
}

// readXMLDoc reads an XML document: the dialect by its root element and
// namespace (IMF CPL, PKL, ASSETMAP, OPL, D-Cinema CPL, Dolby Vision
// metadata, TTML, EBU-TT, or "XML"), and as blocks its XMP packets, its
// comments, the identity elements of its dialect (IMF Creator, Issuer,
// ContentTitle ..., TTML ttm:agent, ttm:title, EBU-TT document metadata)
// and, in any dialect, the elements and attributes whose name says they
// name a tool or an author (Software, CreatorTool, Generator, Author ...).
// At most Limits.SVGRead bytes are parsed; UTF-8, UTF-16 with a byte order
// mark and Latin-1 are decoded, anything else refused.
func readXMLDoc(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatXML, Budget: b}
	limit := min(size, b.Limits().SVGRead)
	var head [4]byte
	hn := min(limit, 4)
	if err := readAt(r, head[:hn], 0); err != nil {
		return res, err
	}
	x := &xmlDoc{res: res, r: r, size: size, span: limit}
	defer x.flushText()
	var src io.Reader
	var u16 *utf16Reader
	var lat *latin1Reader
	var declEnd int64
	var sect *io.SectionReader
	switch h := head[:hn]; {
	case bytes.HasPrefix(h, []byte("\xEF\xBB\xBF")):
		sect = io.NewSectionReader(r, 3, limit-3)
		src = &xmlCharCheck{r: sect, off: 3}
		x.off = func(o int64) int64 { return o + 3 }
	case bytes.HasPrefix(h, []byte("\xFF\xFE")), bytes.HasPrefix(h, []byte("\xFE\xFF")):
		sect = io.NewSectionReader(r, 2, limit-2)
		u16 = &utf16Reader{r: sect, le: h[0] == 0xFF, in: 2, last: limit == size, res: res}
		src = u16
		x.off = u16.fileOffset
		x.kept = func() ([]byte, int64) { return u16.kept, 0 }
	case utf16NoBOM(h):
		return res, fmt.Errorf("%w: UTF-16 text without a byte order mark (XML requires one)", ErrMalformed)
	default:
		sect = io.NewSectionReader(r, 0, limit)
		src = &xmlCharCheck{r: sect}
		x.off = func(o int64) int64 { return o }
	}
	d := xml.NewDecoder(src)
	d.CharsetReader = func(charset string, input io.Reader) (io.Reader, error) {
		cs := strings.ToLower(charset)
		if strings.HasPrefix(cs, "utf-16") || cs == "ucs-2" || cs == "iso-10646-ucs-2" {
			if u16 != nil {
				return input, nil
			}
			return nil, fmt.Errorf("%w: declares encoding %q but has no UTF-16 byte order mark", ErrMalformed, charset)
		}
		if u16 != nil {
			return nil, fmt.Errorf("%w: UTF-16 text declares encoding %q", ErrMalformed, charset)
		}
		if bytes.HasPrefix(head[:hn], []byte("\xEF\xBB\xBF")) {
			return nil, fmt.Errorf("%w: UTF-8 byte order mark, but declares encoding %q", ErrMalformed, charset)
		}
		rd, err := svgCharsetReader(charset, input)
		if l, ok := rd.(*latin1Reader); ok {
			lat = l
			lat.res = res
			x.off = func(o int64) int64 { return lat.fileOffset(o, declEnd) }
			x.kept = func() ([]byte, int64) { return lat.kept, declEnd }
		}
		return rd, err
	}
	d.Entity = map[string]string{}

	var stack []xmlFrame
	xmpDepth := -1 // stack depth of the XMP subtree being read, or -1
	doctype := false
	atCap := func() bool {
		if limit >= size {
			return false
		}
		n, _ := sect.Seek(0, io.SeekCurrent)
		return n >= sect.Size()
	}
	for tokens := 0; ; tokens++ {
		if tokens >= xmlMaxTokens {
			return res, fmt.Errorf("%w: more than %d XML tokens", errLimit, xmlMaxTokens)
		}
		before := d.InputOffset()
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				switch {
				case len(stack) > 0 && atCap():
					res.Cut("stopped reading after %d of %d bytes", limit, size)
					return res, nil
				case len(stack) > 0:
					return res, fmt.Errorf("%w: document ends inside <%s>", errTruncated, stack[len(stack)-1].name.Local)
				case !x.rootSet && atCap():
					res.Cut("stopped reading after %d of %d bytes", limit, size)
					return res, nil
				case !x.rootSet:
					return res, fmt.Errorf("%w: no root element", ErrMalformed)
				}
				return res, nil
			}
			if errors.Is(err, ErrMalformed) || errors.Is(err, errTruncated) || errors.Is(err, errLimit) {
				return res, err
			}
			if atCap() {
				res.Cut("stopped reading after %d of %d bytes", limit, size)
				return res, nil
			}
			if se := (*xml.SyntaxError)(nil); errors.As(err, &se) && se.Msg == "unexpected EOF" {
				return res, fmt.Errorf("%w: document ends inside a tag (line %d)", errTruncated, se.Line)
			}
			return res, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			if doctype {
				break
			}
			from := x.off(d.InputOffset())
			if lat != nil || u16 != nil {
				// entity references are counted in the file's bytes, which
				// are not the decoded text: refuse declarations instead
				if bytes.HasPrefix(t, []byte("DOCTYPE")) && bytes.Contains(t, []byte("<!ENTITY")) {
					return res, fmt.Errorf("%w: entity declarations in a document not in UTF-8", ErrMalformed)
				}
				doctype = bytes.HasPrefix(t, []byte("DOCTYPE"))
				break
			}
			var err error
			if doctype, err = svgEntities(d, t, r, from, limit); err != nil {
				return res, err
			}
		case xml.ProcInst:
			if t.Target == "xml" && declEnd == 0 {
				declEnd = d.InputOffset()
			}
		case xml.Comment:
			if xmpDepth >= 0 {
				break
			}
			if err := x.add(KindComment, string(res.Format)+" comment", "", false, t, before, d.InputOffset()); err != nil {
				return res, err
			}
		case xml.StartElement:
			if len(stack) >= xmlMaxDepth {
				return res, fmt.Errorf("%w: elements nested deeper than %d", errLimit, xmlMaxDepth)
			}
			if len(t.Attr) > xmlMaxAttrs {
				return res, fmt.Errorf("%w: element <%s> has more than %d attributes", errLimit, t.Name.Local, xmlMaxAttrs)
			}
			if !x.rootSet {
				x.rootSet = true
				res.Format = xmlDialect(t)
			}
			f := xmlFrame{name: t.Name, start: before}
			if xmpDepth < 0 {
				if isXMPRoot(t.Name) {
					xmpDepth = len(stack)
				} else {
					if err := x.start(&f, t, stack, before, d.InputOffset()); err != nil {
						return res, err
					}
				}
			}
			stack = append(stack, f)
		case xml.CharData:
			if xmpDepth < 0 && len(bytes.TrimSpace(t)) > 0 {
				if err := res.Hold(int64(len(t)) + 1); err != nil {
					return res, err
				}
				x.text.Write(t)
				x.text.WriteByte('\n')
			}
			if n := len(stack); n > 0 && stack[n-1].text != nil {
				if stack[n-1].text.Len()+len(t) > xmlTextCap {
					return res, fmt.Errorf("%w: element text larger than %d bytes", errLimit, xmlTextCap)
				}
				stack[n-1].text.Write(t)
			}
		case xml.EndElement:
			if len(stack) == 0 {
				return res, fmt.Errorf("%w: unexpected end element", ErrMalformed)
			}
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			end := d.InputOffset()
			if xmpDepth == len(stack) {
				xmpDepth = -1
				if err := x.xmp(f.start, end); err != nil {
					return res, err
				}
				continue
			}
			if err := x.end(f, stack, end); err != nil {
				return res, err
			}
		}
	}
}

// start decides whether the element opening f is read, and reads its
// attributes that name a tool or an author.
func (x *xmlDoc) start(f *xmlFrame, t xml.StartElement, stack []xmlFrame, from, to int64) error {
	format := x.res.Format
	local := t.Name.Local
	var parent *xmlFrame
	if n := len(stack); n > 0 {
		parent = &stack[n-1]
	}
	read := func(key string, tool bool) {
		f.text, f.key, f.tool = &bytes.Buffer{}, key, tool
	}
	switch {
	case isIMF(format) && len(stack) == 1 && imfTop[local]:
		read(local, local == "Creator")
	case isIMF(format) && parent != nil && parent.name.Local == "ExtensionProperties":
		read("ExtensionProperties/"+local, false)
	case isIMF(format) && local == "Asset" && (format == formatIMFPKL || format == formatIMFAssetMap):
		f.asset = true
		x.asset = &imfAsset{start: from}
	case x.asset != nil && (local == "Id" && parent != nil && parent.asset || local == "OriginalFileName" || local == "Path"):
		read(local, false)
	case isTTMLImage(t):
		f.text = &bytes.Buffer{}
		x.images++
		f.image = fmt.Sprintf("%s %d", t.Name.Local, x.images)
		for _, a := range t.Attr {
			if a.Name.Local == "id" && a.Name.Space == xmlNS && a.Value != "" {
				f.image = fmt.Sprintf("%s %.64s", t.Name.Local, a.Value)
			}
		}
	case isTTMeta(t.Name.Space) && local == "agent":
		f.agent = 1
		for _, a := range t.Attr {
			if a.Name.Local == "type" && a.Name.Space == "" && (a.Value == "person" || a.Value == "character") {
				f.agent = 2
			}
		}
	case isTTMeta(t.Name.Space) && local == "name" && parent != nil && parent.agent > 0:
		read("ttm:agent/ttm:name", parent.agent == 1)
	case isTTMeta(t.Name.Space) && (local == "title" || local == "desc" || local == "copyright"):
		read("ttm:"+local, false)
	case (t.Name.Space == nsEBUTTMeta || t.Name.Space == "ebuttm") && parent != nil && parent.name.Local == "documentMetadata":
		read("ebuttm:"+local, local == "documentOriginatingSystem")
	default:
		if tool, ok := xmlNamedTool[strings.ToLower(local)]; ok {
			read(local, tool)
		}
	}
	for _, a := range t.Attr {
		if a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" {
			continue
		}
		// an agent attribute refers to an element by its id (TTML)
		if tool, ok := xmlNamedTool[strings.ToLower(a.Name.Local)]; ok && a.Name.Local != "agent" {
			if err := x.add(KindText, string(format), local+"@"+a.Name.Local, tool, []byte(a.Value), from, to); err != nil {
				return err
			}
		}
	}
	return nil
}

// end adds the block of a read element that ended at offset end.
func (x *xmlDoc) end(f xmlFrame, stack []xmlFrame, end int64) error {
	if f.asset && x.asset != nil {
		a := x.asset
		x.asset = nil
		v := strings.TrimSpace(a.id + " " + a.path)
		if v == "" {
			return nil
		}
		return x.add(KindText, string(x.res.Format), "Asset", false, []byte(v), a.start, end)
	}
	if f.text == nil {
		return nil
	}
	if f.image != "" {
		return x.member(f.image, f.text.Bytes(), f.start)
	}
	if x.asset != nil && (f.key == "Id" || f.key == "OriginalFileName" || f.key == "Path") && !(len(stack) == 1 && f.key == "Id") {
		v := strings.TrimSpace(f.text.String())
		if f.key == "Id" {
			x.asset.id = v
		} else if x.asset.path == "" {
			x.asset.path = v
		}
		return nil
	}
	return x.add(KindText, string(x.res.Format), f.key, f.tool, f.text.Bytes(), f.start, end)
}

// add adds a text or comment block of the trimmed value v, found between
// decoder offsets start and end, within xmlMaxValues blocks.
func (x *xmlDoc) add(kind Kind, container, key string, tool bool, v []byte, start, end int64) error {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return nil
	}
	if x.values >= xmlMaxValues {
		if !x.cut {
			x.cut = true
			x.res.Cut("more than %d text values and comments: the rest not read", xmlMaxValues)
		}
		return nil
	}
	x.values++
	off := x.off(start)
	return x.res.Add(Block{Kind: kind, Container: container, Key: key, Offset: off, Size: x.off(end) - off, Data: bytes.Clone(v), Tool: tool})
}

// xmp adds the XMP subtree between decoder offsets start and end.
func (x *xmlDoc) xmp(start, end int64) error {
	b := Block{Kind: KindXMP, Container: string(x.res.Format) + " XMP"}
	b.Offset = x.off(start)
	b.Size = x.off(end) - b.Offset
	if x.kept != nil {
		kept, at := x.kept()
		s, e := start-at, end-at
		if s < 0 || e > int64(len(kept)) || s > e || e-s > maxBlockSize {
			return fmt.Errorf("%w: XMP outside the transcoded text", ErrMalformed)
		}
		b.Data = bytes.Clone(kept[s:e])
		b.Note = "transcoded to UTF-8"
	} else {
		if err := blockBudget(x.res, b.Size); err != nil {
			return err
		}
		data, err := readBlock(x.r, b.Offset, b.Size, x.size)
		if err != nil {
			return err
		}
		b.Data = data
	}
	return x.res.Add(b)
}

// The namespaces of embedded images in timed text.
const (
	xmlNS        = "http://www.w3.org/XML/1998/namespace"
	nsSMPTETT    = "http://www.smpte-ra.org/schemas/2052-1/2010/smpte-tt"
	xmlMaxImages = 4096
)

// isTTMLImage reports whether t is an embedded image of a timed-text
// document: an SMPTE-TT smpte:image (IMSC 1 image profile) or a TTML2 data
// element, in base64 (their default encoding).
func isTTMLImage(t xml.StartElement) bool {
	if !(t.Name.Local == "image" && (t.Name.Space == nsSMPTETT || t.Name.Space == "smpte") || t.Name.Local == "data" && t.Name.Space == nsTTML) {
		return false
	}
	for _, a := range t.Attr {
		if a.Name.Local == "encoding" && a.Name.Space == "" && !strings.EqualFold(a.Value, "base64") {
			return false
		}
	}
	return true
}

// member adds the base64 text of an embedded image as a member the scanner
// reads as a file of its own (a PNG with its own metadata); text that is
// not base64 is a warning.
func (x *xmlDoc) member(name string, text []byte, start int64) error {
	data, err := decodeBase64Text(text)
	if err != nil {
		x.res.Warn("%s at offset %d is not valid base64: %v", name, x.off(start), err)
		return nil
	}
	if len(data) == 0 {
		return nil
	}
	if x.images > xmlMaxImages {
		return fmt.Errorf("%w: more than %d embedded images", errLimit, xmlMaxImages)
	}
	if err := x.res.Reserve(reader.Members, 1); err != nil {
		return err
	}
	if err := x.res.Reserve(reader.Memory, int64(len(data))); err != nil {
		return err
	}
	x.res.Members = append(x.res.Members, Member{Name: name, Size: int64(len(data)), Open: func() (io.ReaderAt, error) {
		return bytes.NewReader(data), nil
	}})
	return nil
}

// isTTMeta reports whether ns is the TTML metadata namespace (TTML 1 and 2,
// the DFXP drafts), or the bare prefix ttm when it is not declared.
func isTTMeta(ns string) bool {
	return ns == nsTTML+ttmMetaLocal || ns == "ttm" ||
		strings.HasPrefix(ns, ttafPrefix) && strings.HasSuffix(ns, ttmMetaLocal)
}

// utf16Reader decodes UTF-16 text to UTF-8 and keeps what it wrote, with
// checkpoints that map offsets in it back to file offsets.
type utf16Reader struct {
	r     io.Reader
	le    bool
	in    int64 // file offset of the next input byte
	last  bool  // the input ends where the file ends (not at a cap)
	buf   []byte
	pend  []byte // input bytes not yet decoded (half a character or a high surrogate)
	out   []byte
	kept  []byte
	marks []utf16Mark
	err   error
	res   *Result // the kept text is held memory of its budget
}

// utf16Mark is a checkpoint: the UTF-8 offset out is at file offset in.
type utf16Mark struct{ out, in int64 }

const utf16MarkEvery = 4096

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.err != nil {
			return 0, u.err
		}
		if u.buf == nil {
			u.buf = make([]byte, 4096)
		}
		n, err := u.r.Read(u.buf)
		kept := len(u.kept)
		u.decode(u.buf[:n], err != nil && u.last)
		if e := u.res.Reserve(reader.Memory, int64(len(u.kept)-kept)); e != nil && u.err == nil {
			u.err = e
		}
		u.in += int64(n)
		if err != nil && u.err == nil {
			if err == io.EOF && len(u.pend) > 0 && u.last {
				u.err = fmt.Errorf("%w: UTF-16 text ends in half a character", errTruncated)
			} else {
				u.err = err
			}
		}
		if len(u.out) > 0 {
			break
		}
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}

// decode decodes the pending bytes and next, keeping what does not make a
// whole character yet (at the end of the input, an error).
func (u *utf16Reader) decode(next []byte, final bool) {
	data := append(u.pend, next...)
	fileOff := u.in - int64(len(u.pend)) // offset of data[0]
	i := 0
	for i+1 < len(data) && u.err == nil {
		if len(u.kept) >= len(u.marks)*utf16MarkEvery {
			u.marks = append(u.marks, utf16Mark{int64(len(u.kept)), fileOff + int64(i)})
		}
		c := u.unit(data[i:])
		r := rune(c)
		switch {
		case c >= 0xD800 && c < 0xDC00:
			if i+3 >= len(data) {
				if final {
					u.err = fmt.Errorf("%w: UTF-16 text ends in a surrogate pair", errTruncated)
				}
				u.pend = append(u.pend[:0], data[i:]...)
				return
			}
			c2 := u.unit(data[i+2:])
			if c2 < 0xDC00 || c2 >= 0xE000 {
				u.err = fmt.Errorf("%w: invalid UTF-16: unpaired surrogate at offset %d", ErrMalformed, fileOff+int64(i))
				return
			}
			r = utf16.DecodeRune(r, rune(c2))
			i += 4
		case c >= 0xDC00 && c < 0xE000:
			u.err = fmt.Errorf("%w: invalid UTF-16: unpaired surrogate at offset %d", ErrMalformed, fileOff+int64(i))
			return
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r':
			u.err = xmlCharErr(byte(r), fileOff+int64(i))
			return
		default:
			i += 2
		}
		u.out = utf8.AppendRune(u.out, r)
		u.kept = utf8.AppendRune(u.kept, r)
	}
	u.pend = append(u.pend[:0], data[i:]...)
}

func (u *utf16Reader) unit(b []byte) uint16 {
	if u.le {
		return uint16(b[0]) | uint16(b[1])<<8
	}
	return uint16(b[0])<<8 | uint16(b[1])
}

// fileOffset maps an offset of the decoded text to an offset in the file:
// from the last checkpoint, two bytes per character of the Basic
// Multilingual Plane, four per other character.
func (u *utf16Reader) fileOffset(off int64) int64 {
	if len(u.marks) == 0 {
		return 2
	}
	off = max(0, min(off, int64(len(u.kept))))
	i := sort.Search(len(u.marks), func(i int) bool { return u.marks[i].out > off }) - 1
	i = max(i, 0)
	m := u.marks[i]
	in := m.in
	for p := u.kept[m.out:off]; len(p) > 0; {
		r, n := utf8.DecodeRune(p)
		if r >= 0x10000 {
			in += 4
		} else {
			in += 2
		}
		p = p[n:]
	}
	return in
}

// xmlCharCheck passes the bytes of an XML document in UTF-8 or Latin-1 on
// to the decoder, refusing a control character XML never allows (NUL and
// the C0 controls other than tab and line breaks) where it occurs: in a
// comment or CDATA section the decoder would take them all, up to the read
// cap (a sparse multi-GiB file of zeros after a comment start).
type xmlCharCheck struct {
	r   io.Reader
	off int64 // file offset of the next byte
}

func (c *xmlCharCheck) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' {
			return i, xmlCharErr(b, c.off+int64(i))
		}
	}
	c.off += int64(n)
	return n, err
}

func xmlCharErr(b byte, off int64) error {
	return fmt.Errorf("%w: control character 0x%02x at offset %d (XML allows none)", ErrMalformed, b, off)
}
