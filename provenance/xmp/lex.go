package xmp

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/provscan/provscan/provenance/readerr"
	"github.com/tdewolff/parse/v2"
	tdxml "github.com/tdewolff/parse/v2/xml"
)

// tokenizer is what the RDF parser reads: encoding/xml's Decoder satisfies
// it, and so does lexer, the fast one used by Parse. Tests run both on the
// same input and compare. As with encoding/xml's CharData, the data of a
// token may be reused by the next call: the lexer reuses the Attr slice of
// its StartElement, which the parser reads before asking for more tokens.
type tokenizer interface {
	Token() (xml.Token, error)
	InputOffset() int64
}

// lexer turns the tokens of tdewolff/parse's XML lexer (a zero-copy,
// allocation-free scanner) into the tokens of encoding/xml, with what the
// RDF parser needs from a decoder: namespace prefixes resolved to URIs with
// encoding/xml's rules, entity and character references decoded, end tags
// matched to start tags. It is about five times faster than encoding/xml's
// Decoder on XMP packets, which are most of a still's metadata.
//
// It is lenient where encoding/xml in non-strict mode is lenient (unknown
// entities stay as written, a mismatched end tag closes the elements open
// inside it) and more lenient in places where the latter gives up (control
// characters, unescaped '<' in attribute values): an XMP reader recovers
// what it can. Input that encoding/xml reads without error gives the same
// tokens, apart from whitespace characters in attribute values, which are
// normalized to spaces as the XML specification says.
type lexer struct {
	// Room for a typical packet, so that one allocation (the lexer's)
	// serves most parses.
	openBuf  [16]openElement
	nsBuf    [16]binding
	attrsBuf [16]xml.Attr

	in      *parse.Input
	lx      *tdxml.Lexer
	open    []openElement
	ns      []binding // declarations in scope, innermost last
	pending []byte    // raw name of an end tag still to be matched after an implicit close
	closing bool      // the last start tag was self-closing: its end comes next
	attrs   []xml.Attr
	errAt   int64 // after a syntax error: the offset to report
}

type openElement struct {
	prefix, local string   // as written, to match the end tag
	name          xml.Name // resolved
	nsMark        int      // len(ns) before the element's declarations
}

type binding struct{ prefix, uri string }

const nsXMLDecl = "http://www.w3.org/XML/1998/namespace"

// reset makes l read text from the start, keeping the room it has. text
// must be followed in memory by one zero byte (text[:len(text)+1] valid):
// the tdewolff lexer stops at a zero byte. It may rewrite whitespace in
// attribute values of text in place.
func (l *lexer) reset(text []byte) {
	l.in = parse.NewInputBytes(text)
	l.lx = tdxml.NewLexer(l.in)
	if cap(l.open) == 0 {
		l.open, l.ns, l.attrs = l.openBuf[:0], l.nsBuf[:0], l.attrsBuf[:0]
	}
	l.open, l.ns, l.attrs = l.open[:0], l.ns[:0], l.attrs[:0]
	l.pending, l.closing, l.errAt = nil, false, 0
}

// lexers keeps lexers (about 2 KiB each) between parses.
var lexers = sync.Pool{New: func() any { return new(lexer) }}

// InputOffset returns how many bytes of text have been consumed.
func (l *lexer) InputOffset() int64 {
	if l.errAt > 0 {
		return l.errAt
	}
	return int64(l.in.Offset())
}

// syntaxError reports a name or value that encoding/xml would stop at (the
// lexer reads "<<a" as a tag named "<a"), and makes the parser restart at
// the offset encoding/xml would give, data[at] being the byte it stops
// before: the next tag may start there.
func (l *lexer) syntaxError(data []byte, at int, what []byte) error {
	l.errAt = int64(l.in.Offset() - len(data) + at)
	return fmt.Errorf("%w: xmp: unexpected %q", readerr.ErrMalformed, what)
}

// nameEnd returns the length of the XML name at the start of b, by bytes:
// letters, digits, '.', '-', '_', ':' and anything not ASCII (left to
// UTF-8), not starting with a digit, '.' or '-'. It is len(b) for a name.
func nameEnd(b []byte) int {
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == ':', c >= 0x80:
		case (c >= '0' && c <= '9') || c == '.' || c == '-':
			if i == 0 {
				return 0
			}
		default:
			return i
		}
	}
	return len(b)
}

// unquotedEnd returns the length of the unquoted attribute value at the
// start of b that encoding/xml reads (HTML's rule).
func unquotedEnd(b []byte) int {
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == ':' || c == '-') {
			return i
		}
	}
	return len(b)
}

// Token returns the next start element, end element or character data;
// comments, processing instructions and DOCTYPE declarations are skipped.
func (l *lexer) Token() (xml.Token, error) {
	if l.closing {
		l.closing = false
		return l.pop(), nil
	}
	if l.pending != nil {
		return l.endTag(l.pending)
	}
	for {
		tt, data := l.lx.Next()
		switch tt {
		case tdxml.ErrorToken:
			if err := l.lx.Err(); err != io.EOF {
				return nil, fmt.Errorf("%w: xmp: %v", readerr.ErrMalformed, err)
			}
			if len(l.open) > 0 {
				return nil, fmt.Errorf("%w: xmp: unexpected end of input inside <%s>", readerr.ErrMalformed, l.open[len(l.open)-1].local)
			}
			return nil, io.EOF
		case tdxml.TextToken:
			return xml.CharData(decodeBytes(data)), nil
		case tdxml.CDATAToken:
			if !bytes.HasSuffix(data, []byte("]]>")) {
				return nil, fmt.Errorf("%w: xmp: unexpected end of input in CDATA section", readerr.ErrMalformed)
			}
			return xml.CharData(l.lx.Text()), nil
		case tdxml.StartTagPIToken:
			if err := l.skipPI(data, l.lx.Text()); err != nil {
				return nil, err
			}
		case tdxml.StartTagToken:
			if name := l.lx.Text(); len(name) == 0 || name[0] != '!' {
				if n := nameEnd(name); n < len(name) || n == 0 {
					return nil, l.syntaxError(data, 1+n, name)
				}
				return l.startTag(name)
			}
			// A declaration other than DOCTYPE (<!ENTITY ...> and the
			// like), which the lexer reads as a tag named "!...".
			if err := l.skipTag(tdxml.StartTagCloseToken); err != nil {
				return nil, err
			}
		case tdxml.EndTagToken:
			name := bytes.TrimRight(l.lx.Text(), " \t\r\n")
			if n := nameEnd(name); n < len(name) || n == 0 {
				return nil, l.syntaxError(data, 2+n, name)
			}
			return l.endTag(name)
		default:
			// Comments, DOCTYPE: nothing the parser reads.
		}
	}
}

// skipTag reads the attributes of a declaration up to its end.
func (l *lexer) skipTag(end tdxml.TokenType) error {
	for {
		switch tt, _ := l.lx.Next(); tt {
		case end, tdxml.StartTagCloseToken, tdxml.StartTagCloseVoidToken, tdxml.StartTagClosePIToken:
			return nil
		case tdxml.ErrorToken:
			return fmt.Errorf("%w: xmp: unexpected end of input in a declaration", readerr.ErrMalformed)
		}
	}
}

// skipPI skips a processing instruction as encoding/xml reads one: a target
// name, then anything up to the first "?>". The lexer would read its body
// as attributes, and stop at a '>' inside it. data is the token ("<?" and
// what the lexer took for the name), name that part.
func (l *lexer) skipPI(data, name []byte) error {
	n := nameEnd(name)
	if n == 0 {
		return l.syntaxError(data, 2, name)
	}
	body := l.in.Offset() - len(data) + 2 + n
	end := bytes.Index(l.in.Bytes()[body:], []byte("?>"))
	if end < 0 {
		return fmt.Errorf("%w: xmp: unexpected end of input in a processing instruction", readerr.ErrMalformed)
	}
	l.in.Move(body + end + 2 - l.in.Offset())
	l.in.Skip()
	// A new lexer on the same input: the old one is inside a tag.
	l.lx = tdxml.NewLexer(l.in)
	return nil
}

// startTag reads the attributes of a start tag, brings its namespace
// declarations into scope and returns the element with resolved names.
func (l *lexer) startTag(raw []byte) (xml.Token, error) {
	prefix, local := splitName(raw)
	l.attrs = l.attrs[:0]
	mark := len(l.ns)
	for {
		tt, data := l.lx.Next()
		switch tt {
		case tdxml.AttributeToken:
			if name := l.lx.Text(); nameEnd(name) < len(name) || len(name) == 0 {
				return nil, l.syntaxError(data, bytes.Index(data, name)+nameEnd(name), name)
			}
			ap, al := splitName(l.lx.Text())
			val := l.lx.AttrVal()
			var v string
			if val == nil {
				v = al // a name without a value, as encoding/xml takes it
			} else {
				if len(val) > 0 && (val[0] == '"' || val[0] == '\'') {
					q := val[0]
					val = val[1:]
					if len(val) > 0 && val[len(val)-1] == q {
						val = val[:len(val)-1]
						if i := bytes.IndexByte(val, '<'); i >= 0 {
							// An error for encoding/xml, after the '<'.
							return nil, l.syntaxError(data, len(data)-len(val)-1+i+1, val)
						}
					} else {
						return nil, fmt.Errorf("%w: xmp: unterminated attribute value in <%s>", readerr.ErrMalformed, local)
					}
				} else if n := unquotedEnd(val); n < len(val) {
					// encoding/xml takes an unquoted value only of
					// these bytes; "<a b=<c>" is a tag "c" after an error.
					return nil, l.syntaxError(data, len(data)-len(val)+n, val)
				}
				v = decodeText(val)
			}
			switch {
			case ap == "xmlns":
				l.ns = append(l.ns, binding{al, v})
			case ap == "" && al == "xmlns":
				l.ns = append(l.ns, binding{"", v})
			}
			if len(l.ns) > maxBindings {
				return nil, fmt.Errorf("%w: xmp: more than %d namespace declarations in scope", readerr.ErrLimit, maxBindings)
			}
			l.attrs = append(l.attrs, xml.Attr{Name: xml.Name{Space: ap, Local: al}, Value: v})
		case tdxml.StartTagCloseToken, tdxml.StartTagCloseVoidToken:
			name := l.resolve(prefix, local, true)
			for i := range l.attrs {
				l.attrs[i].Name = l.resolveName(l.attrs[i].Name, false)
			}
			attrs := l.attrs
			l.open = append(l.open, openElement{prefix: prefix, local: local, name: name, nsMark: mark})
			l.closing = tt == tdxml.StartTagCloseVoidToken
			return xml.StartElement{Name: name, Attr: attrs}, nil
		default:
			return nil, fmt.Errorf("%w: xmp: unexpected end of input in <%s>", readerr.ErrMalformed, local)
		}
	}
}

// endTag matches an end tag to the innermost open element, with
// encoding/xml's non-strict rule: an end tag with another local name closes
// the innermost element and is matched again on the next call (so a stray
// end tag closes everything open, then fails); one with the same local name
// but another prefix, or one that comes when nothing is open, is an error.
func (l *lexer) endTag(raw []byte) (xml.Token, error) {
	l.pending = nil
	prefix, local := splitName(raw)
	if len(l.open) == 0 {
		return nil, fmt.Errorf("%w: xmp: unexpected end tag </%s>", readerr.ErrMalformed, local)
	}
	top := l.open[len(l.open)-1]
	switch {
	case top.local != local:
		l.pending = raw
	case top.prefix != prefix:
		return nil, fmt.Errorf("%w: xmp: element <%s:%s> closed by </%s:%s>", readerr.ErrMalformed, top.prefix, top.local, prefix, local)
	}
	return l.pop(), nil
}

// pop closes the innermost open element and takes its declarations out of
// scope.
func (l *lexer) pop() xml.EndElement {
	top := l.open[len(l.open)-1]
	l.open = l.open[:len(l.open)-1]
	l.ns = l.ns[:top.nsMark]
	return xml.EndElement{Name: top.name}
}

// resolveName resolves a name split by splitName.
func (l *lexer) resolveName(n xml.Name, element bool) xml.Name {
	return l.resolve(n.Space, n.Local, element)
}

// resolve gives the namespace URI of prefix as encoding/xml does: xmlns
// declarations and unprefixed attributes keep their (empty) prefix, xml is
// the XML namespace, a declared prefix (or the default namespace, for
// elements) is its URI, and an undeclared prefix stays as it is.
func (l *lexer) resolve(prefix, local string, element bool) xml.Name {
	switch {
	case prefix == "xmlns", prefix == "" && !element:
		return xml.Name{Space: prefix, Local: local}
	case prefix == "xml":
		return xml.Name{Space: nsXMLDecl, Local: local}
	case prefix == "" && local == "xmlns":
		return xml.Name{Local: local}
	}
	for i := len(l.ns) - 1; i >= 0; i-- {
		if l.ns[i].prefix == prefix {
			return xml.Name{Space: l.ns[i].uri, Local: local}
		}
	}
	return xml.Name{Space: prefix, Local: local}
}

// splitName splits a qualified name at its colon as encoding/xml does: a
// name with an empty side or more than one colon has no prefix.
func splitName(b []byte) (prefix, local string) {
	i := bytes.IndexByte(b, ':')
	if i <= 0 || i == len(b)-1 || bytes.IndexByte(b[i+1:], ':') >= 0 {
		return "", intern(b)
	}
	return intern(b[:i]), intern(b[i+1:])
}

// commonNames are the prefixes and local names of most XMP packets, shared
// by every parse instead of allocated for each name read.
var commonNames = func() map[string]string {
	m := map[string]string{}
	for _, s := range prefixes {
		m[s] = s
	}
	for _, s := range strings.Fields(`x xmpmeta xmptk RDF Description about li Bag Seq Alt parseType
		resource value lang xmlns CreatorTool CreateDate ModifyDate MetadataDate DigitalSourceType
		History action instanceID when softwareAgent changed parameters DocumentID InstanceID
		OriginalDocumentID DerivedFrom documentID format title description subject creator rights
		ColorMode ICCProfile Orientation XResolution YResolution ResolutionUnit PixelXDimension
		PixelYDimension ColorSpace Make Model Rating Label Credit Headline`) {
		m[s] = s
	}
	return m
}()

// intern returns b as a string, without allocating for a common name.
func intern(b []byte) string {
	if s, ok := commonNames[string(b)]; ok {
		return s
	}
	return string(b)
}

// maxBindings bounds the namespace declarations in scope, which resolve
// searches for every name (XMP packets declare a few dozen).
const maxBindings = 1024

// maxReference bounds the length of a character or entity reference.
const maxReference = 40

// xmlEntities are the entities every XML parser knows without a declaration.
var xmlEntities = map[string]string{"lt": "<", "gt": ">", "amp": "&", "apos": "'", "quot": `"`}

// decodeBytes is decodeText for character data: text without references
// or carriage returns is returned as it is, without a copy.
func decodeBytes(b []byte) []byte {
	if bytes.IndexByte(b, '&') < 0 && bytes.IndexByte(b, '\r') < 0 {
		return b
	}
	return []byte(decodeText(b))
}

// decodeText decodes character and entity references and turns "\r\n" and
// a lone "\r" into "\n", as encoding/xml does. A reference that is not one
// (unknown name, no semicolon, a number past the last code point) stays as
// written, as in encoding/xml's non-strict mode.
func decodeText(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 && bytes.IndexByte(b, '\r') < 0 {
		return string(b)
	}
	var out strings.Builder
	out.Grow(len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch c {
		case '\r':
			out.WriteByte('\n')
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			continue
		case '&':
			if s, n := reference(b[i:]); n > 0 {
				out.WriteString(s)
				i += n - 1
				continue
			}
		}
		out.WriteByte(c)
	}
	return out.String()
}

// reference decodes the reference at the start of b ("&...;") and returns
// its text and length, or n = 0 if it is not a reference to decode.
func reference(b []byte) (string, int) {
	// No reference is longer than this: looking further would make text
	// full of '&' quadratic.
	end := bytes.IndexByte(b[:min(len(b), maxReference)], ';')
	if end < 2 {
		return "", 0
	}
	body := b[1:end]
	if body[0] == '#' {
		digits, base := body[1:], 10
		if len(digits) > 0 && digits[0] == 'x' {
			digits, base = digits[1:], 16
		}
		if len(digits) == 0 {
			return "", 0
		}
		n, err := strconv.ParseUint(string(digits), base, 64)
		if err != nil || n > utf8.MaxRune {
			return "", 0
		}
		return string(rune(n)), end + 1
	}
	if s, ok := xmlEntities[string(body)]; ok {
		return s, end + 1
	}
	return "", 0
}
