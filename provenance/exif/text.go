package exif

import (
	"bytes"
	"encoding/binary"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// UserComment charset prefixes (EXIF 2.3 table 9). Some writers use other
// letter cases or pad with spaces; matching ignores both.
var ucPrefixes = []struct {
	prefix, encoding string
}{
	{"ASCII", "ascii"},
	{"UNICODE", "unicode"},
	{"JIS", "jis"},
}

// DecodeUserComment decodes the raw value of the UserComment tag (0x9286)
// and says how it was encoded: "ascii", "unicode/utf-16-be",
// "unicode/utf-16-le", "unicode/utf-8", "jis", "undefined" (eight zero
// bytes; UTF-16 content is still decoded when it looks like UTF-16) or "no-prefix" (Pillow-based writers store plain UTF-8 text with no
// charset prefix). The UTF-16 byte order is detected from the position of
// zero bytes (or a BOM), not taken from the TIFF byte order bo, which is
// only the tie-breaker: A1111 writes MM with UTF-16BE, SwarmUI II with
// UTF-16LE, Civitai II with UTF-16BE. Trailing NULs and spaces are trimmed.
func DecodeUserComment(b []byte, bo binary.ByteOrder) (value, encoding string) {
	if len(b) >= 8 {
		head := b[:8]
		switch {
		case bytes.Equal(head, make([]byte, 8)):
			body := b[8:]
			if looksUTF16(body) {
				v, _ := decodeUnicode(body, bo)
				return clip(trimEnd(v)), "undefined"
			}
			return clip(trimEnd(text(body))), "undefined"
		default:
			for _, p := range ucPrefixes {
				if !prefixMatch(head, p.prefix) {
					continue
				}
				body := b[8:]
				switch p.encoding {
				case "unicode":
					v, enc := decodeUnicode(body, bo)
					return clip(trimEnd(v)), enc
				default:
					return clip(trimEnd(text(body))), p.encoding
				}
			}
		}
	}
	return clip(trimEnd(text(b))), "no-prefix"
}

// prefixMatch reports whether head is name padded with NULs or spaces to
// 8 bytes, ignoring letter case.
func prefixMatch(head []byte, name string) bool {
	if !strings.EqualFold(string(head[:len(name)]), name) {
		return false
	}
	for _, c := range head[len(name):] {
		if c != 0 && c != ' ' {
			return false
		}
	}
	return true
}

// decodeUnicode decodes the body of a UNICODE UserComment.
func decodeUnicode(b []byte, bo binary.ByteOrder) (string, string) {
	switch {
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return utf16String(b[2:], binary.BigEndian), "unicode/utf-16-be"
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return utf16String(b[2:], binary.LittleEndian), "unicode/utf-16-le"
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return text(b[3:]), "unicode/utf-8"
	}
	if t := trimNULs(b); len(t)%2 == 1 && bytes.IndexByte(t, 0) < 0 && utf8.Valid(t) {
		// An odd length cannot be UTF-16: some writers put UTF-8 after
		// the UNICODE prefix.
		return text(b), "unicode/utf-8"
	}
	switch utf16Order(b) {
	case 1:
		return utf16String(b, binary.BigEndian), "unicode/utf-16-be"
	case -1:
		return utf16String(b, binary.LittleEndian), "unicode/utf-16-le"
	}
	if bo == binary.LittleEndian {
		return utf16String(b, binary.LittleEndian), "unicode/utf-16-le"
	}
	return utf16String(b, binary.BigEndian), "unicode/utf-16-be"
}

// utf16Order guesses the byte order of UTF-16 text from where its zero bytes
// are: 1 for big endian (zeros at even offsets), -1 for little endian, 0 if
// it cannot tell (no zeros, e.g. CJK text).
func utf16Order(b []byte) int {
	if len(b) > 4096 {
		b = b[:4096]
	}
	even, odd := 0, 0
	for i := 0; i+1 < len(b); i += 2 {
		if b[i] == 0 && b[i+1] != 0 {
			even++
		}
		if b[i+1] == 0 && b[i] != 0 {
			odd++
		}
	}
	switch {
	case even > odd:
		return 1
	case odd > even:
		return -1
	}
	return 0
}

// looksUTF16 reports whether b looks like UTF-16 text (many zero bytes at
// one parity).
func looksUTF16(b []byte) bool {
	if bytes.HasPrefix(b, []byte{0xFE, 0xFF}) || bytes.HasPrefix(b, []byte{0xFF, 0xFE}) {
		return true
	}
	return utf16Order(b) != 0 && bytes.Count(b, []byte{0})*4 >= len(trimNULs(b))
}

// utf16String decodes UTF-16 in byte order bo, stopping at a NUL character.
func utf16String(b []byte, bo binary.ByteOrder) string {
	if len(b) > 2*MaxValue+2 {
		b = b[:2*MaxValue+2]
	}
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := bo.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	if len(u) > 0 && u[0] == 0xFEFF {
		u = u[1:]
	}
	return string(utf16.Decode(u))
}

// text returns b as a string: UTF-8 when valid, otherwise Latin-1.
func text(b []byte) string {
	if len(b) > MaxValue+4 {
		b = b[:MaxValue+4]
	}
	if utf8.Valid(b) {
		return string(b)
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

func trimNULs(b []byte) []byte { return bytes.TrimRight(b, "\x00") }

// trimEnd drops trailing NULs and white space.
func trimEnd(s string) string { return strings.TrimRight(s, "\x00 \t\r\n") }

// clip cuts s to MaxValue bytes on a rune boundary.
func clip(s string) string {
	if len(s) <= MaxValue {
		return s
	}
	return strings.ToValidUTF8(s[:MaxValue], "")
}

// printable returns b as text if it is printable (a MakerNote holding a
// word such as Fooocus's "fooocus" or "a1111"), else false.
func printable(b []byte) (string, bool) {
	b = bytes.TrimRight(b, "\x00 ")
	if len(b) == 0 || len(b) > MaxValue || !utf8.Valid(b) {
		return "", false
	}
	for _, r := range string(b) {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			return "", false
		}
		if r == utf8.RuneError || r == 0x7F {
			return "", false
		}
	}
	return string(b), true
}
