package container

import (
	"bytes"
	"unicode/utf8"
)

// unread is a format provscan recognises by its magic bytes but has no
// reader for yet: a file of it is reported as unsupported, named, so that a
// person knows what was not inspected.
type unread struct {
	name  string
	match func(head []byte) bool
}

func prefix(p string) func([]byte) bool {
	return func(h []byte) bool { return bytes.HasPrefix(h, []byte(p)) }
}

// unreadFormats are tried in order; the first match names the file.
var unreadFormats = []unread{
	{"MPEG-TS", func(h []byte) bool { return len(h) >= 189 && h[0] == 0x47 && h[188] == 0x47 }},
	{"MPEG-PS", prefix("\x00\x00\x01\xba")},
	{"OLE compound file (not AAF)", prefix("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")},
	{"gzip", prefix("\x1f\x8b")},
	{"7-Zip", prefix("7z\xbc\xaf\x27\x1c")},
	{"RAR", prefix("Rar!\x1a\x07")},
	{"xz", prefix("\xfd7zXZ\x00")},
	{"zstd", prefix("\x28\xb5\x2f\xfd")},
	{"bzip2", prefix("BZh")},
	{"tar", func(h []byte) bool { return len(h) >= 262 && string(h[257:262]) == "ustar" }},
	{"BMP", prefix("BM")},
	{"Radiance HDR", func(h []byte) bool {
		return bytes.HasPrefix(h, []byte("#?RADIANCE")) || bytes.HasPrefix(h, []byte("#?RGBE"))
	}},
	{"ELF executable", prefix("\x7fELF")},
	{"Mach-O executable", func(h []byte) bool {
		return bytes.HasPrefix(h, []byte("\xcf\xfa\xed\xfe")) || bytes.HasPrefix(h, []byte("\xca\xfe\xba\xbe"))
	}},
	{"Windows executable", prefix("MZ")},
}

// LooksLike names the format that the first bytes of a file suggest, for a
// file no reader of this package knows: an unread format ("MPEG-TS",
// "Radiance HDR"), "text" for UTF-8 text, "empty" for no bytes, or "" when
// the bytes suggest nothing known.
func LooksLike(head []byte) string {
	if len(head) == 0 {
		return "empty"
	}
	for _, u := range unreadFormats {
		if u.match(head) {
			return u.name
		}
	}
	if isText(head) {
		return "text"
	}
	return ""
}

// isText reports whether head is UTF-8 without control characters other
// than white space (a character cut at the end of head is allowed).
func isText(head []byte) bool {
	for len(head) > 0 {
		r, n := utf8.DecodeRune(head)
		if r == utf8.RuneError && n <= 1 {
			return len(head) < utf8.UTFMax && !utf8.FullRune(head)
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' || r == 0x7f {
			return false
		}
		head = head[n:]
	}
	return true
}

// holdsXMPPacket reports whether p holds an XMP packet, by its x:xmpmeta
// element or its xpacket processing instruction: what a reader of free text
// fields (OpenEXR strings, DPX user data) also adds as an XMP block.
func holdsXMPPacket(p []byte) bool {
	return bytes.Contains(p, []byte("<x:xmpmeta")) || bytes.Contains(p, []byte("<?xpacket"))
}
