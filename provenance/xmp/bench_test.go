package xmp

import (
	"fmt"
	"strings"
	"testing"
)

// benchPackets are a small packet like the synthetic stills' (a source type
// and a creator tool) and a larger one like an editor's (history of twenty
// actions, descriptions in two languages, camera fields).
func benchPackets() map[string][]byte {
	small := wrap(allNS, `<Iptc4xmpExt:DigitalSourceType>http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture</Iptc4xmpExt:DigitalSourceType><xmp:CreatorTool>Adobe Photoshop 25.0</xmp:CreatorTool>`)
	var h strings.Builder
	for i := range 20 {
		fmt.Fprintf(&h, `<rdf:li stEvt:action="saved" stEvt:instanceID="xmp.iid:%08x-1234-5678-9abc-def012345678" stEvt:when="2024-05-01T10:%02d:00+02:00" stEvt:softwareAgent="Adobe Photoshop 25.0 (Macintosh)" stEvt:changed="/"/>`, i, i)
	}
	large := wrap(allNS, `<xmp:CreatorTool>Adobe Photoshop 25.0 (Macintosh)</xmp:CreatorTool><xmp:CreateDate>2024-05-01T10:00:00+02:00</xmp:CreateDate>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Night exterior, plate 12</rdf:li><rdf:li xml:lang="fr">Extérieur nuit, plaque 12</rdf:li></rdf:Alt></dc:title>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Background plate &amp; clean-up for shot 042_0310</rdf:li></rdf:Alt></dc:description>
<dc:subject><rdf:Bag><rdf:li>plate</rdf:li><rdf:li>night</rdf:li><rdf:li>exterior</rdf:li></rdf:Bag></dc:subject>
<xmpMM:History><rdf:Seq>`+h.String()+`</rdf:Seq></xmpMM:History>`)
	return map[string][]byte{"small": []byte(small), "large": []byte(large)}
}

// BenchmarkParse compares the fast lexer (what Parse uses) with
// encoding/xml's decoder, the baseline, on the same packets.
func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"small", "large"} {
		pk := benchPackets()[name]
		parsers := []struct {
			name  string
			parse func([]byte) (*Packet, error)
		}{
			{"lexer", Parse},
			{"encoding-xml", func(b []byte) (*Packet, error) {
				p, _, err := parseWith(b, stdTokenizer)
				return p, err
			}},
		}
		for _, pr := range parsers {
			b.Run(name+"/"+pr.name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(pk)))
				for b.Loop() {
					p, err := pr.parse(pk)
					if err != nil || len(p.Properties) == 0 {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
