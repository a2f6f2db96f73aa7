package xmp

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/provscan/provscan/provenance/readerr"
)

// Limits of Parse.
const (
	MaxProperties = 100000   // properties kept per packet
	MaxDepth      = 64       // element nesting
	MaxValue      = 64 << 10 // bytes kept of one value
	maxTokens     = 4 << 20  // XML tokens read per input
	maxRestarts   = 256      // XML fragments (packets, or restarts after syntax errors) per input
)

const nsXML = nsXMLDecl

// prefixes maps well-known namespace URIs to their conventional prefix, used
// in Property.Path whatever prefix the document chose.
var prefixes = map[string]string{
	NSRDF:       "rdf",
	NSIptcExt:   "Iptc4xmpExt",
	NSIptcCore:  "Iptc4xmpCore",
	NSXMP:       "xmp",
	NSXMPMM:     "xmpMM",
	NSStEvt:     "stEvt",
	NSPhotoshop: "photoshop",
	NSDC:        "dc",
	NSDCTerms:   "dcterms",
	NSExif:      "exif",
	NSExifEX:    "exifEX",
	NSTIFF:      "tiff",
	NSXMPNote:   "xmpNote",
	NSPDF:       "pdf",
	nsXML:       "xml",

	"http://ns.adobe.com/xap/1.0/rights/":            "xmpRights",
	"http://ns.adobe.com/xap/1.0/sType/ResourceRef#": "stRef",
	"http://ns.adobe.com/xap/1.0/sType/Version#":     "stVer",
	"http://ns.adobe.com/xap/1.0/sType/Job#":         "stJob",
	"http://ns.adobe.com/xap/1.0/sType/Dimensions#":  "stDim",
	"http://ns.adobe.com/xap/1.0/g/img/":             "xmpGImg",
	"http://ns.adobe.com/xap/1.0/t/pg/":              "xmpTPg",
	"http://ns.adobe.com/xmp/1.0/DynamicMedia/":      "xmpDM",
	"http://ns.adobe.com/camera-raw-settings/1.0/":   "crs",
	"http://ns.adobe.com/exif/1.0/aux/":              "aux",
	"http://ns.adobe.com/lightroom/1.0/":             "lr",
	"http://ns.adobe.com/pdfx/1.3/":                  "pdfx",
	"http://ns.useplus.org/ldf/xmp/1.0/":             "plus",
	"http://ns.google.com/photos/1.0/camera/":        "GCamera",
	"http://ns.google.com/photos/1.0/image/":         "GImage",
	"http://ns.google.com/photos/1.0/container/":     "GContainer",
	"http://ns.apple.com/faceinfo/1.0/":              "apple-fi",
	"http://c2pa.org/":                               "c2pa",
	"http://www.w3.org/2000/01/rdf-schema#":          "rdfs",
}

// Parse reads every rdf:RDF element of data (one or more XMP packets, with or
// without <?xpacket?> and x:xmpmeta wrappers, in UTF-8 or UTF-16) and returns
// their properties in document order. Input without rdf:RDF gives ErrNotXMP.
// A malformed packet returns the properties read so far with an error
// wrapping readerr.ErrMalformed; exceeding a limit wraps readerr.ErrLimit.
func Parse(data []byte) (*Packet, error) {
	l := lexers.Get().(*lexer)
	defer lexers.Put(l)
	pkt, _, err := parseWith(data, func(text []byte) tokenizer { l.reset(text); return l })
	return pkt, err
}

// parseWith is Parse with the tokenizer made by tok for each stretch of XML
// (the fast lexer, or encoding/xml in the tests that compare the two). The
// text tok gets is followed in memory by a zero byte. syntaxErrors counts
// the syntax errors met, inside rdf:RDF or not.
func parseWith(data []byte, tok func(text []byte) tokenizer) (pkt *Packet, syntaxErrors int, err error) {
	pkt = &Packet{}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: xmp: internal error: %v", readerr.ErrMalformed, r)
		}
	}()
	text := normalize(data)
	if !bytes.Contains(text, []byte("RDF")) {
		return pkt, syntaxErrors, ErrNotXMP
	}
	if !utf8.Valid(text) && declaresLatin1(text) {
		text = latin1ToUTF8(text)
	}
	// A private copy, followed by the zero byte the lexer stops at: the
	// lexer may rewrite it in place, and data may belong to the caller.
	buf := make([]byte, len(text)+1)
	copy(buf, text)
	text = buf[:len(text)]
	p := &parser{pkt: pkt, uriPrefix: map[string]string{}, newTokenizer: tok}
	off := bytes.IndexByte(text, '<')
	for restarts := 0; off >= 0 && off < len(text); restarts++ {
		if restarts >= maxRestarts {
			err = fmt.Errorf("%w: xmp: more than %d XML fragments", readerr.ErrLimit, maxRestarts)
			break
		}
		n, perr := p.run(text[off:])
		if perr != nil {
			syntaxErrors++
			if errors.Is(perr, readerr.ErrLimit) {
				err = perr
				break
			}
			if err == nil {
				err = perr
			}
		}
		if n <= 0 {
			n = 1
		}
		off = nextStart(text, off+n)
	}
	if !p.sawRDF {
		return pkt, syntaxErrors, ErrNotXMP
	}
	if err != nil && !p.cut && !errors.Is(err, readerr.ErrLimit) {
		// A syntax error outside rdf:RDF (garbage around or between
		// packets) does not cut any packet short: not worth reporting.
		err = nil
	}
	return pkt, syntaxErrors, err
}

// nextStart returns the offset at or after from where the tokenizer should
// start again after a syntax error or the end of a packet: the '<' of the
// next <?xpacket, x:xmpmeta or rdf:RDF tag, whichever comes first, or -1.
func nextStart(text []byte, from int) int {
	if from >= len(text) {
		return -1
	}
	rest := text[from:]
	r := bytes.Index(rest, []byte("RDF"))
	for r >= 0 && bytes.LastIndexByte(rest[:r], '<') < 0 {
		// "RDF" without a '<' before it: look further.
		k := bytes.Index(rest[r+3:], []byte("RDF"))
		if k < 0 {
			return -1
		}
		r += 3 + k
	}
	if r < 0 {
		return -1
	}
	best := bytes.LastIndexByte(rest[:r], '<')
	for _, mark := range [][]byte{[]byte("<?xpacket"), []byte("xmpmeta")} {
		if i := bytes.Index(rest[:r], mark); i >= 0 {
			if j := bytes.LastIndexByte(rest[:i+1], '<'); j >= 0 && j < best {
				best = j
			}
		}
	}
	return from + best
}

// Get returns the first value of the property with namespace ns and local
// name name at any depth, or "" if there is none.
func (p *Packet) Get(ns, name string) string {
	if p == nil {
		return ""
	}
	for _, pr := range p.Properties {
		if pr.NS == ns && pr.Name == name {
			return pr.Value
		}
	}
	return ""
}

// normalize returns data as UTF-8 without BOM and without NUL bytes.
func normalize(data []byte) []byte {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeUTF16(data[2:], true)
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return decodeUTF16(data[2:], false)
	case !bytes.Contains(data, []byte("RDF")) && bytes.Contains(data, []byte("R\x00D\x00F")):
		// UTF-16 without BOM: start at the first '<' next to a zero byte.
		// ASCII decodes the same in either byte order once aligned; the
		// order only matters for other characters, guessed from which
		// neighbour of '<' is zero, then from the alignment to data[0].
		for j := bytes.IndexByte(data, '<'); j >= 0 && j+1 < len(data); {
			prev := j > 0 && data[j-1] == 0
			next := data[j+1] == 0
			switch {
			case next && !prev, next && prev && j%2 == 0:
				return decodeUTF16(data[j:], false)
			case prev:
				return decodeUTF16(data[j-1:], true)
			}
			k := bytes.IndexByte(data[j+1:], '<')
			if k < 0 {
				break
			}
			j += 1 + k
		}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		data = bytes.ReplaceAll(data, []byte{0}, nil)
	}
	return data
}

func decodeUTF16(b []byte, be bool) []byte {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		var c uint16
		if be {
			c = uint16(b[i])<<8 | uint16(b[i+1])
		} else {
			c = uint16(b[i+1])<<8 | uint16(b[i])
		}
		if c == 0 {
			continue
		}
		u = append(u, c)
	}
	return []byte(string(utf16.Decode(u)))
}

// parser holds the state of one Parse call.
type parser struct {
	pkt          *Packet
	newTokenizer func(text []byte) tokenizer
	dec          tokenizer
	uriPrefix    map[string]string // namespace URI -> first prefix the document declared for it
	sawRDF       bool
	cut          bool // a syntax error inside an rdf:RDF element
	tokens       int
}

// run decodes one stretch of XML starting at text[0] and returns how many
// bytes it consumed. It stops at the first syntax error.
func (p *parser) run(text []byte) (int, error) {
	p.dec = p.newTokenizer(text)
	for {
		tok, err := p.token()
		if err != nil {
			if err == io.EOF {
				return len(text), nil
			}
			return int(p.dec.InputOffset()), err
		}
		if se, ok := tok.(xml.StartElement); ok && isRDF(se.Name, "RDF") {
			p.sawRDF = true
			if err := p.rdf(); err != nil {
				if !errors.Is(err, readerr.ErrLimit) {
					p.cut = true
				}
				return int(p.dec.InputOffset()), err
			}
		}
	}
}

// declaresLatin1 reports whether the XML declaration at the start of text
// names a single-byte Western encoding.
func declaresLatin1(text []byte) bool {
	i := bytes.Index(text, []byte("<?xml"))
	if i < 0 || i > 64 {
		return false
	}
	decl := text[i:]
	if e := bytes.Index(decl, []byte("?>")); e >= 0 {
		decl = decl[:e]
	}
	k := bytes.Index(decl, []byte("encoding"))
	if k < 0 {
		return false
	}
	v := bytes.TrimLeft(decl[k+len("encoding"):], " \t\r\n=\"'")
	if e := bytes.IndexAny(v, "\"' ?"); e >= 0 {
		v = v[:e]
	}
	switch strings.ToLower(string(v)) {
	case "iso-8859-1", "latin1", "latin-1", "windows-1252", "us-ascii", "ascii":
		return true
	}
	return false
}

// latin1ToUTF8 reads every byte of b as a Latin-1 character.
func latin1ToUTF8(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/8)
	for _, c := range b {
		out = utf8.AppendRune(out, rune(c))
	}
	return out
}

// token returns the next token, counting tokens and recording namespace
// declarations.
func (p *parser) token() (xml.Token, error) {
	p.tokens++
	if p.tokens > maxTokens {
		return nil, fmt.Errorf("%w: xmp: more than %d XML tokens", readerr.ErrLimit, maxTokens)
	}
	tok, err := p.dec.Token()
	if err != nil {
		if err == io.EOF || errors.Is(err, readerr.ErrMalformed) || errors.Is(err, readerr.ErrLimit) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: xmp: %v", readerr.ErrMalformed, err)
	}
	if se, ok := tok.(xml.StartElement); ok {
		for _, a := range se.Attr {
			if a.Name.Space == "xmlns" && a.Value != "" {
				if _, seen := p.uriPrefix[a.Value]; !seen {
					p.uriPrefix[a.Value] = a.Name.Local
				}
			}
		}
	}
	return tok, nil
}

// isRDF reports whether n is the RDF-namespace name local. An undeclared
// "rdf" prefix (the decoder leaves it as the space) is accepted too.
func isRDF(n xml.Name, local string) bool {
	return n.Local == local && (n.Space == NSRDF || n.Space == "rdf")
}

// qname gives the conventional prefixed form of n.
func (p *parser) qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	if pre, ok := prefixes[n.Space]; ok {
		return pre + ":" + n.Local
	}
	if pre, ok := p.uriPrefix[n.Space]; ok {
		return pre + ":" + n.Local
	}
	return n.Space + ":" + n.Local
}

// isMetaAttr reports attributes that are syntax, not properties.
func isMetaAttr(a xml.Attr) bool {
	switch {
	case a.Name.Space == "xmlns", a.Name.Space == "" && a.Name.Local == "xmlns":
		return true
	case a.Name.Space == nsXML, a.Name.Space == "xml":
		return true
	case a.Name.Space == NSRDF, a.Name.Space == "rdf":
		return true
	case a.Name.Space == "":
		// Unqualified attributes are not XMP properties.
		return true
	}
	return false
}

func attr(se xml.StartElement, space, local string) (string, bool) {
	for _, a := range se.Attr {
		if a.Name.Local == local && (a.Name.Space == space || (space == NSRDF && a.Name.Space == "rdf") || (space == nsXML && a.Name.Space == "xml")) {
			return a.Value, true
		}
	}
	return "", false
}

// emit records one property.
func (p *parser) emit(n xml.Name, path, value, lang string) error {
	if len(p.pkt.Properties) >= MaxProperties {
		return fmt.Errorf("%w: xmp: more than %d properties", readerr.ErrLimit, MaxProperties)
	}
	if len(value) > MaxValue {
		value = value[:MaxValue]
		for len(value) > 0 && !utf8.ValidString(value) {
			value = value[:len(value)-1]
		}
	}
	p.pkt.Properties = append(p.pkt.Properties, Property{NS: n.Space, Name: n.Local, Path: path, Value: value, Lang: lang})
	return nil
}

// rdf reads the content of an rdf:RDF element: node elements.
func (p *parser) rdf() error {
	for {
		tok, err := p.token()
		if err != nil {
			if err == io.EOF {
				return fmt.Errorf("%w: xmp: rdf:RDF not closed", readerr.ErrTruncated)
			}
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := p.node(t, xml.Name{}, "", "", 1); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// node reads a node element (rdf:Description, a typed node, or an rdf:li
// holding a struct): its attributes are shorthand properties and its child
// elements are property elements. prefix is the path of the enclosing
// property ("" at the top); lang is the inherited xml:lang.
func (p *parser) node(se xml.StartElement, parent xml.Name, prefix, lang string, depth int) error {
	if depth > MaxDepth {
		return fmt.Errorf("%w: xmp: nesting deeper than %d", readerr.ErrLimit, MaxDepth)
	}
	if l, ok := attr(se, nsXML, "lang"); ok {
		lang = l
	}
	if err := p.shorthand(se, prefix, lang); err != nil {
		return err
	}
	// A typed node (not rdf:Description) has an implicit rdf:type; not a value we need.
	return p.children(parent, prefix, lang, depth)
}

// shorthand emits the property attributes of se as fields under prefix.
func (p *parser) shorthand(se xml.StartElement, prefix, lang string) error {
	for _, a := range se.Attr {
		if isMetaAttr(a) {
			continue
		}
		if err := p.emit(a.Name, join(prefix, p.qname(a.Name)), a.Value, lang); err != nil {
			return err
		}
	}
	return nil
}

// children reads property elements until the end of the current element.
// An rdf:value child (the qualifier form of a value) is recorded as
// property parent at prefix itself.
func (p *parser) children(parent xml.Name, prefix, lang string, depth int) error {
	for {
		tok, err := p.token()
		if err != nil {
			if err == io.EOF {
				return fmt.Errorf("%w: xmp: element not closed", readerr.ErrTruncated)
			}
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			var err error
			if isRDF(t.Name, "value") && parent.Local != "" {
				err = p.value(t, parent, prefix, lang, depth+1)
			} else {
				err = p.property(t, prefix, lang, depth+1)
			}
			if err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "/" + name
}

// property reads one property element. Its value is text, an rdf:resource,
// an array, a struct (parseType="Resource", a nested rdf:Description, or
// shorthand field attributes).
func (p *parser) property(se xml.StartElement, prefix, lang string, depth int) error {
	return p.value(se, se.Name, join(prefix, p.qname(se.Name)), lang, depth)
}

// value reads the content of element se (a property element or an rdf:li)
// whose value is recorded as property n at path.
func (p *parser) value(se xml.StartElement, n xml.Name, path, lang string, depth int) error {
	if depth > MaxDepth {
		return fmt.Errorf("%w: xmp: nesting deeper than %d", readerr.ErrLimit, MaxDepth)
	}
	if l, ok := attr(se, nsXML, "lang"); ok {
		lang = l
	}
	if res, ok := attr(se, NSRDF, "resource"); ok {
		if err := p.emit(n, path, res, lang); err != nil {
			return err
		}
		if err := p.shorthand(se, path, lang); err != nil {
			return err
		}
		return p.skip(depth)
	}
	if pt, ok := attr(se, NSRDF, "parseType"); ok {
		switch pt {
		case "Resource":
			if err := p.shorthand(se, path, lang); err != nil {
				return err
			}
			return p.children(n, path, lang, depth)
		case "Literal":
			s, err := p.literal(depth)
			if err != nil {
				return err
			}
			return p.emit(n, path, s, lang)
		}
	}
	// Struct shorthand: qualified non-syntax attributes are fields.
	fields := 0
	for _, a := range se.Attr {
		if !isMetaAttr(a) {
			fields++
		}
	}
	if err := p.shorthand(se, path, lang); err != nil {
		return err
	}
	var text strings.Builder
	elems := 0
	for {
		tok, err := p.token()
		if err != nil {
			if err == io.EOF {
				return fmt.Errorf("%w: xmp: element not closed", readerr.ErrTruncated)
			}
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if elems == 0 && text.Len() <= MaxValue {
				text.Write(t)
			}
		case xml.StartElement:
			elems++
			switch {
			case isRDF(t.Name, "Bag") || isRDF(t.Name, "Seq") || isRDF(t.Name, "Alt"):
				if err := p.array(n, path, lang, depth+1); err != nil {
					return err
				}
			case isRDF(t.Name, "Description") || t.Name.Space == NSRDF:
				if err := p.node(t, n, path, lang, depth+1); err != nil {
					return err
				}
			default:
				// A property element directly inside a property: treat it
				// as a struct field (lenient; seen in hand-written XMP).
				if err := p.property(t, path, lang, depth+1); err != nil {
					return err
				}
			}
		case xml.EndElement:
			if elems == 0 && fields == 0 {
				return p.emit(n, path, text.String(), lang)
			}
			if elems == 0 && fields > 0 && strings.TrimSpace(text.String()) != "" {
				return p.emit(n, path, text.String(), lang)
			}
			return nil
		}
	}
}

// array reads the rdf:li items of an rdf:Bag, rdf:Seq or rdf:Alt; item i is
// recorded as property n at path[i].
func (p *parser) array(n xml.Name, path, lang string, depth int) error {
	if depth > MaxDepth {
		return fmt.Errorf("%w: xmp: nesting deeper than %d", readerr.ErrLimit, MaxDepth)
	}
	i := 0
	for {
		tok, err := p.token()
		if err != nil {
			if err == io.EOF {
				return fmt.Errorf("%w: xmp: array not closed", readerr.ErrTruncated)
			}
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			i++
			item := path + "[" + strconv.Itoa(i) + "]"
			if err := p.value(t, n, item, lang, depth+1); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// skip discards tokens up to the end of the current element.
func (p *parser) skip(depth int) error {
	level := 0
	for {
		tok, err := p.token()
		if err != nil {
			if err == io.EOF {
				return fmt.Errorf("%w: xmp: element not closed", readerr.ErrTruncated)
			}
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			level++
			if depth+level > MaxDepth {
				return fmt.Errorf("%w: xmp: nesting deeper than %d", readerr.ErrLimit, MaxDepth)
			}
		case xml.EndElement:
			if level == 0 {
				return nil
			}
			level--
		}
	}
}

// literal returns the character data of an rdf:parseType="Literal" element
// (markup dropped).
func (p *parser) literal(depth int) (string, error) {
	var b strings.Builder
	level := 0
	for {
		tok, err := p.token()
		if err != nil {
			if err == io.EOF {
				return "", fmt.Errorf("%w: xmp: element not closed", readerr.ErrTruncated)
			}
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if b.Len() <= MaxValue {
				b.Write(t)
			}
		case xml.StartElement:
			level++
			if depth+level > MaxDepth {
				return "", fmt.Errorf("%w: xmp: nesting deeper than %d", readerr.ErrLimit, MaxDepth)
			}
		case xml.EndElement:
			if level == 0 {
				return b.String(), nil
			}
			level--
		}
	}
}
