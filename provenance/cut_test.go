package provenance

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"strings"
	"testing"
)

const dstAI = `<Iptc4xmpExt:DigitalSourceType>http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia</Iptc4xmpExt:DigitalSourceType>`

// xmpPacket wraps body (inside one rdf:Description) in an XMP packet.
func xmpPacket(attrs, body string) string {
	return `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
		`<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" xmlns:a="http://example.com/a/"` + attrs + `>` +
		body + `</rdf:Description></rdf:RDF></x:xmpmeta>`
}

// cutXMPProperties is a packet whose DigitalSourceType follows 100,001 properties.
func cutXMPProperties() string {
	var b strings.Builder
	for i := 0; i <= 100000; i++ {
		fmt.Fprintf(&b, "<a:p%d>x</a:p%d>", i, i)
	}
	return xmpPacket("", b.String()+dstAI)
}

// cutXMPNamespaces declares 1,100 namespaces before the DigitalSourceType.
func cutXMPNamespaces() string {
	var b strings.Builder
	for i := 0; i < 1100; i++ {
		fmt.Fprintf(&b, ` xmlns:n%d="http://example.com/n/%d/"`, i, i)
	}
	return xmpPacket(b.String(), dstAI)
}

// cutXMPDepth puts the DigitalSourceType 65 elements deep.
func cutXMPDepth() string {
	open := strings.Repeat(`<a:s rdf:parseType="Resource">`, 65)
	return xmpPacket("", open+dstAI+strings.Repeat(`</a:s>`, 65))
}

// pngWithXMP is a 1x1 PNG carrying packet in an iTXt XML:com.adobe.xmp chunk.
func pngWithXMP(packet string) []byte {
	chunk := func(typ string, data []byte) []byte {
		b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		b = append(b, typ...)
		b = append(b, data...)
		return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	b := append([]byte("\x89PNG\r\n\x1a\n"), chunk("IHDR", []byte{0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0})...)
	b = append(b, chunk("iTXt", append([]byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"), packet...))...)
	b = append(b, chunk("IDAT", []byte{0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1})...)
	return append(b, chunk("IEND", nil)...)
}

// jpegAfterSegments is a JPEG whose XMP DigitalSourceType follows n COM segments.
func jpegAfterSegments(n int) []byte {
	b := []byte{0xFF, 0xD8}
	for i := 0; i < n; i++ {
		b = append(b, 0xFF, 0xFE, 0, 3, 'c')
	}
	x := append([]byte("http://ns.adobe.com/xap/1.0/\x00"), xmpPacket("", dstAI)...)
	b = append(b, 0xFF, 0xE1, byte((len(x)+2)>>8), byte(len(x)+2))
	b = append(b, x...)
	return append(b, 0xFF, 0xD9)
}

func TestLimitsAreCuts(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		file       []byte
	}{
		{"control", "", pngWithXMP(xmpPacket("", dstAI))},
		{"properties", "more than 100000 properties", pngWithXMP(cutXMPProperties())},
		{"namespaces", "namespace declarations", pngWithXMP(cutXMPNamespaces())},
		{"depth", "nesting deeper than 64", pngWithXMP(cutXMPDepth())},
		{"jpeg segments", "metadata blocks", jpegAfterSegments(5000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Inspect(bytes.NewReader(tc.file), int64(len(tc.file)), tc.name, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == "" {
				if len(p.Incomplete) > 0 || len(p.Evidence) == 0 {
					t.Fatalf("control: cuts %q, evidence %d", p.Incomplete, len(p.Evidence))
				}
				return
			}
			if len(p.Incomplete) == 0 || !strings.Contains(strings.Join(p.Incomplete, "\n"), tc.want) {
				t.Fatalf("cuts %q, want one saying %q (warnings %q, evidence %d)", p.Incomplete, tc.want, p.Warnings, len(p.Evidence))
			}
		})
	}
}
