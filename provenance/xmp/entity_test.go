package xmp

import (
	"runtime"
	"strings"
	"testing"
)

// TestEntitiesNeverExpand: the lexer knows only the five predefined
// entities; a declared one stays as written, so no shape of internal,
// external, recursive or nested (billion laughs) entity makes a packet
// allocate more than a small multiple of its own size.
func TestEntitiesNeverExpand(t *testing.T) {
	big := `<!ENTITY e "` + strings.Repeat("x", 4096) + `">`
	laughs := `<!ENTITY l0 "lol">`
	for i := 1; i < 10; i++ {
		laughs += `<!ENTITY l` + string(rune('0'+i)) + ` "` + strings.Repeat("&l"+string(rune('0'+i-1))+";", 10) + `">`
	}
	packet := func(dtd, value string) []byte {
		return []byte(`<?xml version="1.0"?><!DOCTYPE x:xmpmeta [` + dtd + `]><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
			`<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" dc:format="` + value + `"><dc:title>` + value + `</dc:title></rdf:Description></rdf:RDF></x:xmpmeta>`)
	}
	for name, doc := range map[string][]byte{
		"one entity x millions": packet(big, strings.Repeat("&e;", 1<<19)),
		"billion laughs":        packet(laughs, "&l9;"),
		"external":              packet(`<!ENTITY x SYSTEM "file:///etc/passwd">`, "&x;"),
		"recursive":             packet(`<!ENTITY a "&b;"><!ENTITY b "&a;">`, "&a;"),
	} {
		t.Run(name, func(t *testing.T) {
			var a, b runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&a)
			p, err := Parse(doc)
			runtime.ReadMemStats(&b)
			n := b.TotalAlloc - a.TotalAlloc
			t.Logf("%d-byte packet: %d bytes allocated, err %v", len(doc), n, err)
			if n > 8*uint64(len(doc))+1<<20 {
				t.Errorf("allocated %d bytes for a %d-byte packet", n, len(doc))
			}
			for _, pr := range p.Properties {
				if strings.Contains(pr.Value, "xxxx") || strings.Contains(pr.Value, "lol") || strings.Contains(pr.Value, "root:") {
					t.Errorf("%s = %.40q...: an entity was expanded", pr.Name, pr.Value)
				}
			}
		})
	}
}
