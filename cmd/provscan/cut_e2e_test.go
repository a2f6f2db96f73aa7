package main

import (
	"fmt"
	"strings"
	"testing"
)

// The files of these tests carry a GenAI DigitalSourceType just past one of
// the limits of the readers: each must fail the default gate, named as not
// fully inspected, and pass only with --allow-unreadable.

const cutDST = `<Iptc4xmpExt:DigitalSourceType>http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia</Iptc4xmpExt:DigitalSourceType>`

func cutPacket(attrs, body string) string {
	return `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
		`<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" xmlns:a="http://example.com/a/"` + attrs + `>` +
		body + `</rdf:Description></rdf:RDF></x:xmpmeta>`
}

// xmpPNG is a 1x1 PNG with packet in an iTXt XML:com.adobe.xmp chunk.
func xmpPNG(packet string) []byte {
	return pngOf(pngChunk("iTXt", append([]byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"), packet...)))
}

func TestGateLimitsAreNotSilent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	var props, ns strings.Builder
	for i := 0; i <= 100000; i++ {
		fmt.Fprintf(&props, "<a:p%d>x</a:p%d>", i, i)
	}
	for i := 0; i < 1100; i++ {
		fmt.Fprintf(&ns, ` xmlns:n%d="http://example.com/n/%d/"`, i, i)
	}
	jpeg := []byte{0xFF, 0xD8}
	for i := 0; i < 5000; i++ {
		jpeg = append(jpeg, 0xFF, 0xFE, 0, 3, 'c')
	}
	app1 := append([]byte("http://ns.adobe.com/xap/1.0/\x00"), cutPacket("", cutDST)...)
	jpeg = append(jpeg, 0xFF, 0xE1, byte((len(app1)+2)>>8), byte(len(app1)+2))
	jpeg = append(append(jpeg, app1...), 0xFF, 0xD9)
	files := map[string][]byte{
		"properties.png": xmpPNG(cutPacket("", props.String()+cutDST)),
		"namespaces.png": xmpPNG(cutPacket(ns.String(), cutDST)),
		"deep.png":       xmpPNG(cutPacket("", strings.Repeat(`<a:s rdf:parseType="Resource">`, 65)+cutDST+strings.Repeat(`</a:s>`, 65))),
		"segments.jpg":   jpeg,
	}
	bin := buildBinary(t)
	for name, b := range files {
		t.Run(name, func(t *testing.T) {
			deliv := t.TempDir()
			writeFiles(t, deliv, map[string][]byte{name: b, "plate.png": stillPNG()})
			r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", deliv)
			rep := parseReport(t, r)
			named := false
			for _, e := range rep.Errors {
				named = named || (e.Path == name && strings.HasPrefix(e.Error, "not fully inspected: "))
			}
			if r.code != 1 || !named {
				t.Fatalf("exit %d, errors %+v: want the gate failed and %s not fully inspected", r.code, rep.Errors, name)
			}
			if r := runBinary(t, bin, t.TempDir(), "scan", "--allow-unreadable", deliv); r.code != 0 {
				t.Errorf("--allow-unreadable: exit %d\n%s", r.code, r.stdout)
			}
		})
	}
}
