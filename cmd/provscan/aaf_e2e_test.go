package main

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
	"unicode/utf16"
)

// aafE2EFile is a minimal AAF file (a version 3 compound file of 512-byte
// sectors: one FAT sector, one mini FAT sector, one directory sector, one
// mini stream sector) whose Header holds one Identification object with
// the given company and product names.
func aafE2EFile(company, product string) []byte {
	str := func(s string) []byte {
		var b []byte
		for _, c := range utf16.Encode([]rune(s)) {
			b = binary.LittleEndian.AppendUint16(b, c)
		}
		return append(b, 0, 0)
	}
	vals := [][]byte{str(company), str(product), str("1.0"), str("Linux")}
	props := []byte{'L', 0x20}
	props = binary.LittleEndian.AppendUint16(props, uint16(len(vals)))
	for i, v := range vals {
		pid := []uint16{0x3C01, 0x3C02, 0x3C04, 0x3C08}[i]
		props = binary.LittleEndian.AppendUint16(props, pid)
		props = binary.LittleEndian.AppendUint16(props, 0x82)
		props = binary.LittleEndian.AppendUint16(props, uint16(len(v)))
	}
	for _, v := range vals {
		props = append(props, v...)
	}
	if len(props) > 512 {
		panic("names too long for one mini stream sector")
	}
	const end, free, none = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFF
	h := make([]byte, 512)
	copy(h, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
	le := binary.LittleEndian
	le.PutUint16(h[24:], 0x3E)
	le.PutUint16(h[26:], 3)
	le.PutUint16(h[28:], 0xFFFE)
	le.PutUint16(h[30:], 9)
	le.PutUint16(h[32:], 6)
	le.PutUint32(h[44:], 1) // one FAT sector: sector 0
	le.PutUint32(h[48:], 2) // directory: sector 2
	le.PutUint32(h[56:], 4096)
	le.PutUint32(h[60:], 1) // mini FAT: sector 1
	le.PutUint32(h[64:], 1)
	le.PutUint32(h[68:], end)
	for i := range 109 {
		le.PutUint32(h[76+4*i:], free)
	}
	le.PutUint32(h[76:], 0)
	fat := make([]byte, 512)
	for i := range 128 {
		le.PutUint32(fat[4*i:], free)
	}
	le.PutUint32(fat[0:], 0xFFFFFFFD)
	le.PutUint32(fat[4:], end)
	le.PutUint32(fat[8:], end)
	le.PutUint32(fat[12:], end)
	miniFAT := make([]byte, 512)
	for i := range 128 {
		le.PutUint32(miniFAT[4*i:], free)
	}
	n := (len(props) + 63) / 64
	for i := range n {
		next := uint32(i + 1)
		if i == n-1 {
			next = end
		}
		le.PutUint32(miniFAT[4*i:], next)
	}
	entry := func(name string, typ byte, right, child, start uint32, size int, clsid []byte) []byte {
		d := make([]byte, 128)
		u := utf16.Encode([]rune(name))
		for i, c := range u {
			le.PutUint16(d[2*i:], c)
		}
		le.PutUint16(d[64:], uint16(2*len(u)+2))
		d[66], d[67] = typ, 1
		le.PutUint32(d[68:], none)
		le.PutUint32(d[72:], right)
		le.PutUint32(d[76:], child)
		copy(d[80:], clsid)
		le.PutUint32(d[116:], start)
		le.PutUint64(d[120:], uint64(size))
		return d
	}
	rootClass := []byte{0xa5, 0x98, 0xb3, 0xb3, 0x90, 0x1c, 0xd4, 0x11, 0x80, 0x53, 0x08, 0x00, 0x36, 0x21, 0x08, 0x04}
	dir := bytes.Join([][]byte{
		entry("Root Entry", 5, none, 1, 3, 64*n, rootClass),
		entry("Header-2", 1, none, 2, end, 0, nil),
		entry("Identifi-ionList-3b06{0}", 1, none, 3, end, 0, nil),
		entry("properties", 2, none, none, 0, len(props), nil),
	}, nil)
	mini := append(props, make([]byte, 512-len(props))...)
	return bytes.Join([][]byte{h, fat, miniFAT, dir, mini}, nil)
}

// TestGateAAFGenAITool: an AAF composition whose Identification names a
// GenAI tool as its product fails the default gate; one written by an
// editing application passes it; a compound file that is not AAF (a Word
// document) is unsupported, named as such, and fails it.
func TestGateAAFGenAITool(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	deliv := t.TempDir()
	writeFiles(t, deliv, map[string][]byte{"edit/reel1.aaf": aafE2EFile("Runway AI, Inc.", "Runway Gen-4")})
	r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", deliv)
	rep := parseReport(t, r)
	failing := false
	for _, f := range rep.Findings {
		failing = failing || f.Path == "edit/reel1.aaf" && f.FailsGate
	}
	if r.code != 1 || !failing || len(rep.Unsupported) != 0 || len(rep.Errors) != 0 || !strings.Contains(r.stdout, "Runway") {
		t.Errorf("exit %d, failing %v, unsupported %+v, errors %+v\n%s", r.code, failing, rep.Unsupported, rep.Errors, r.stdout)
	}

	clean := t.TempDir()
	writeFiles(t, clean, map[string][]byte{"edit/reel1.aaf": aafE2EFile("Avid Technology, Inc.", "Media Composer")})
	if r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", clean); r.code != 0 {
		t.Errorf("an AAF from an editing application: exit %d, want 0\n%s", r.code, r.stdout)
	}

	word := aafE2EFile("Microsoft", "Word")
	copy(word[1536+80:1536+96], make([]byte, 16)) // no AAF root class
	copy(word[1536+128:], append([]byte("W\x00o\x00r\x00d\x00"), make([]byte, 12)...))
	other := t.TempDir()
	writeFiles(t, other, map[string][]byte{"notes.doc": word})
	r = runBinary(t, bin, t.TempDir(), "scan", "--format", "json", other)
	rep = parseReport(t, r)
	if r.code != 1 || len(rep.Unsupported) != 1 || rep.Unsupported[0].LooksLike != "OLE compound file (not AAF)" {
		t.Errorf("a compound file that is not AAF: exit %d, unsupported %+v\n%s", r.code, rep.Unsupported, r.stdout)
	}
}
