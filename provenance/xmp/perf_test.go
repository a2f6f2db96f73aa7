package xmp

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestHostileSpeed checks that hostile inputs of 1 MiB parse in bounded time.
func TestHostileSpeed(t *testing.T) {
	rdf := `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">`
	var decls strings.Builder
	for i := range 1 << 14 {
		decls.WriteString(` xmlns:p` + strconv.Itoa(i) + `="u:"`)
	}
	inputs := map[string]string{
		"lt":         strings.Repeat("<", 1<<20),
		"open":       strings.Repeat("<a ", 1<<18),
		"deep-outer": strings.Repeat("<a>", 1<<18),
		"deep-rdf":   rdf + strings.Repeat("<rdf:Description>", 1<<16),
		"many-rdf":   strings.Repeat(rdf+"</rdf:RDF>", 1<<12),
		"broken-rdf": strings.Repeat(rdf+"<rdf:Description><</", 1<<12),
		"attrs":      rdf + `<rdf:Description xmlns:a="u:"` + strings.Repeat(` a:x="1"`, 1<<16) + "/></rdf:RDF>",
		"entities":   rdf + `<rdf:Description xmlns:a="u:"><a:x>` + strings.Repeat("&amp;&#x41;&foo;", 1<<16) + "</a:x></rdf:Description></rdf:RDF>",
		// Aimed at the lexer's own loops: references never closed,
		// namespace declarations by the thousand, stray and open tags.
		"amps":       rdf + `<rdf:Description xmlns:a="u:"><a:x>` + strings.Repeat("&", 1<<20) + "</a:x></rdf:Description></rdf:RDF>",
		"amp-hash":   rdf + `<rdf:Description xmlns:a="u:"><a:x>` + strings.Repeat("&#", 1<<19) + "</a:x></rdf:Description></rdf:RDF>",
		"decls":      rdf + `<rdf:Description` + decls.String() + `>` + strings.Repeat("<p1:x>1</p1:x>", 1<<14) + "</rdf:Description></rdf:RDF>",
		"stray-ends": rdf + strings.Repeat("</b>", 1<<18),
		"many-open":  rdf + strings.Repeat("<a:y>", 1<<18) + "</c>",
	}
	for name, in := range inputs {
		start := time.Now()
		p, err := Parse([]byte(in))
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: %v", name, d)
		}
		t.Logf("%s: %d properties, err %v, %v", name, len(p.Properties), err, time.Since(start))
	}
}
