package pdf

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode/utf16"

	"github.com/provscan/provscan/provenance/internal/seg"
	"github.com/provscan/provscan/provenance/readerr"
)

// The PDF object tokenizer and text string decoding.

// pdfText decodes a PDF text string: UTF-16BE or UTF-8 with a byte order
// mark, otherwise PDFDocEncoding.
func pdfText(s []byte) string {
	switch {
	case len(s) >= 2 && s[0] == 0xFE && s[1] == 0xFF:
		u := make([]uint16, 0, len(s)/2)
		for i := 2; i+1 < len(s); i += 2 {
			u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
		}
		return string(utf16.Decode(u))
	case len(s) >= 2 && s[0] == 0xFF && s[1] == 0xFE: // not allowed, but written
		u := make([]uint16, 0, len(s)/2)
		for i := 2; i+1 < len(s); i += 2 {
			u = append(u, uint16(s[i+1])<<8|uint16(s[i]))
		}
		return string(utf16.Decode(u))
	case bytes.HasPrefix(s, []byte("\xEF\xBB\xBF")):
		return string(bytes.ToValidUTF8(s[3:], []byte("\uFFFD")))
	}
	out := make([]rune, 0, len(s))
	for _, c := range s {
		switch {
		case c >= 0x18 && c <= 0x1F:
			out = append(out, pdfDocLow[c-0x18])
		case c >= 0x80 && c <= 0xA0:
			out = append(out, pdfDocHigh[c-0x80])
		default:
			out = append(out, rune(c))
		}
	}
	return string(out)
}

// PDFDocEncoding where it differs from Latin-1.
var (
	pdfDocLow  = []rune("˘ˇˆ˙˝˛˚˜")
	pdfDocHigh = []rune("•†‡…—–ƒ⁄‹›−‰„“”‘’‚™ﬁﬂŁŒŠŸŽıłœšž\uFFFD€")
)

// pdfLexer tokenizes PDF objects from a byte slice.
type pdfLexer struct {
	b     []byte
	pos   int
	steps *int
	max   int  // step limit; seg.MaxSteps when zero
	final bool // b is the whole input: its end is not a short read
}

func isPDFSpace(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func isPDFDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func (l *pdfLexer) skipSpace() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		if isPDFSpace(c) {
			l.pos++
			continue
		}
		if c == '%' {
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
			continue
		}
		return
	}
}

// value parses one object. Bare words other than true, false and null are
// returned as pdfKeyword.
func (l *pdfLexer) value(depth int) (any, error) {
	if depth > seg.MaxDepth {
		return nil, fmt.Errorf("%w: PDF objects nested deeper than %d", readerr.ErrLimit, seg.MaxDepth)
	}
	*l.steps++
	if *l.steps > seg.MaxSteps && (l.max == 0 || *l.steps > l.max) {
		return nil, fmt.Errorf("%w: more than %d PDF parsing steps", readerr.ErrLimit, seg.MaxSteps)
	}
	l.skipSpace()
	if l.pos >= len(l.b) {
		return nil, errPDFEnd
	}
	c := l.b[l.pos]
	switch {
	case c == '/':
		return l.name(), nil
	case c == '(':
		return l.literal()
	case c == '<':
		if l.pos+1 < len(l.b) && l.b[l.pos+1] == '<' {
			return l.dict(depth)
		}
		return l.hex()
	case c == '[':
		l.pos++
		var a pdfArray
		for {
			l.skipSpace()
			if l.pos >= len(l.b) {
				return nil, errPDFEnd
			}
			if l.b[l.pos] == ']' {
				l.pos++
				return a, nil
			}
			v, err := l.value(depth + 1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
	case c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'):
		return l.number()
	case isPDFDelim(c):
		l.pos++
		return nil, fmt.Errorf("%w: unexpected %q in PDF object", readerr.ErrMalformed, c)
	}
	start := l.pos
	for l.pos < len(l.b) && !isPDFSpace(l.b[l.pos]) && !isPDFDelim(l.b[l.pos]) {
		l.pos++
	}
	switch w := string(l.b[start:l.pos]); w {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	default:
		return pdfKeyword(w), nil
	}
}

func (l *pdfLexer) dict(depth int) (any, error) {
	l.pos += 2
	d := pdfDict{}
	for {
		l.skipSpace()
		if l.pos >= len(l.b) {
			return nil, errPDFEnd
		}
		if l.b[l.pos] == '>' {
			if l.pos+1 >= len(l.b) {
				return nil, errPDFEnd
			}
			if l.b[l.pos+1] != '>' {
				return nil, fmt.Errorf("%w: bad dictionary end", readerr.ErrMalformed)
			}
			l.pos += 2
			return d, nil
		}
		k, err := l.value(depth + 1)
		if err != nil {
			return nil, err
		}
		key, ok := k.(pdfName)
		if !ok {
			return nil, fmt.Errorf("%w: dictionary key is not a name", readerr.ErrMalformed)
		}
		v, err := l.value(depth + 1)
		if err != nil {
			return nil, err
		}
		d[key] = v
	}
}

func (l *pdfLexer) name() pdfName {
	l.pos++
	var out []byte
	for l.pos < len(l.b) && !isPDFSpace(l.b[l.pos]) && !isPDFDelim(l.b[l.pos]) {
		c := l.b[l.pos]
		if c == '#' && l.pos+2 < len(l.b) {
			if v, err := strconv.ParseUint(string(l.b[l.pos+1:l.pos+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				l.pos += 3
				continue
			}
		}
		out = append(out, c)
		l.pos++
	}
	return pdfName(out)
}

func (l *pdfLexer) number() (any, error) {
	start := l.pos
	l.pos++
	for l.pos < len(l.b) && (l.b[l.pos] >= '0' && l.b[l.pos] <= '9' || l.b[l.pos] == '.') {
		l.pos++
	}
	s := string(l.b[start:l.pos])
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil {
			if s == "-" || s == "+" || s == "." {
				return int64(0), nil
			}
			return float64(0), nil
		}
		return f, nil
	}
	if s[0] == '+' || s[0] == '-' || n >= 1<<31 {
		return n, nil
	}
	// "num gen R" is a reference
	save := l.pos
	l.skipSpace()
	gs := l.pos
	for l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '9' {
		l.pos++
	}
	if l.pos > gs && l.pos-gs <= 5 {
		g, _ := strconv.Atoi(string(l.b[gs:l.pos]))
		l.skipSpace()
		if l.pos >= len(l.b) && !l.final {
			return nil, errPDFEnd
		}
		if l.pos < len(l.b) && l.b[l.pos] == 'R' && (l.pos+1 == len(l.b) || isPDFSpace(l.b[l.pos+1]) || isPDFDelim(l.b[l.pos+1])) {
			l.pos++
			return pdfRef{num: int(n), gen: g}, nil
		}
	} else if l.pos >= len(l.b) && !l.final {
		return nil, errPDFEnd
	}
	l.pos = save
	return n, nil
}

func (l *pdfLexer) literal() (any, error) {
	l.pos++
	var out []byte
	nest := 0
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			nest++
		case ')':
			if nest == 0 {
				return pdfString(out), nil
			}
			nest--
		case '\\':
			if l.pos >= len(l.b) {
				return nil, errPDFEnd
			}
			e := l.b[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.b) && l.b[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; k++ {
						v = v*8 + int(l.b[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	return nil, errPDFEnd
}

func (l *pdfLexer) hex() (any, error) {
	l.pos++
	var out []byte
	var hi byte
	half := false
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		var v byte
		switch {
		case c == '>':
			if half {
				out = append(out, hi<<4)
			}
			return pdfString(out), nil
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		case isPDFSpace(c):
			continue
		default:
			return nil, fmt.Errorf("%w: bad hex string", readerr.ErrMalformed)
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	return nil, errPDFEnd
}
