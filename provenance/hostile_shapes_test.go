package provenance_test

import (
	"archive/zip"
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/provscan/provscan/provenance/evidence"
	"github.com/provscan/provscan/scanner"
)

// hostileShapes builds the files an attack pass on the gate crafted, small
// enough for every test run: each must end with a result within the file's
// budgets, and the scan-level torture mutates them further.
func hostileShapes() map[string][]byte {
	const dst = `Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"`
	xmp := func(body string) []byte {
		return []byte(`<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
			body + `</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`)
	}
	out := map[string][]byte{}

	// SVG entities: one internal entity referenced a million times, and the
	// nested "billion laughs".
	out["shapes/entity-refs.svg"] = []byte(`<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "` + strings.Repeat("A", 4000) + `">]><svg xmlns="http://www.w3.org/2000/svg"><desc>` +
		strings.Repeat("&a;", 1<<18) + `</desc></svg>`)
	laughs := `<!ENTITY l0 "lol">`
	for i := 1; i < 10; i++ {
		laughs += fmt.Sprintf(`<!ENTITY l%d "%s">`, i, strings.Repeat(fmt.Sprintf("&l%d;", i-1), 10))
	}
	out["shapes/laughs.svg"] = []byte(`<?xml version="1.0"?><!DOCTYPE svg [` + laughs + `]><svg xmlns="http://www.w3.org/2000/svg"><desc>&l9;</desc></svg>`)
	out["shapes/external.svg"] = []byte(`<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><desc>&x;</desc></svg>`)

	// XMP: a source type after many properties, many namespaces, deep nesting.
	var props strings.Builder
	for i := 0; i < 100002; i++ {
		fmt.Fprintf(&props, `<rdf:Description xmlns:p="urn:p" p:k%d="v"/>`, i%50)
	}
	out["shapes/many-properties.xmp"] = xmp(props.String() + `<rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" ` + dst + `/>`)
	var ns strings.Builder
	for i := 0; i < 1200; i++ {
		fmt.Fprintf(&ns, ` xmlns:n%d="urn:n%d"`, i, i)
	}
	out["shapes/many-namespaces.xmp"] = xmp(`<rdf:Description` + ns.String() + ` xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" ` + dst + `/>`)
	deep := strings.Repeat(`<rdf:Description><p:x xmlns:p="urn:p" rdf:parseType="Resource">`, 70)
	out["shapes/deep.xmp"] = xmp(deep + `<rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" ` + dst + `/>` +
		strings.Repeat(`</p:x></rdf:Description>`, 70))

	// JPEG: thousands of empty segments before the XMP segment.
	jpeg := []byte{0xFF, 0xD8}
	for i := 0; i < 6000; i++ {
		jpeg = append(jpeg, 0xFF, 0xE5, 0, 2)
	}
	x := append([]byte("http://ns.adobe.com/xap/1.0/\x00"), xmp(`<rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" `+dst+`/>`)...)
	jpeg = append(jpeg, 0xFF, 0xE1, byte((len(x)+2)>>8), byte(len(x)+2))
	jpeg = append(append(jpeg, x...), 0xFF, 0xD9)
	out["shapes/many-segments.jpg"] = jpeg

	// ZIP: a central directory whose entries all point at one deflated
	// member, itself a ZIP of overlapping entries.
	out["shapes/overlap.zip"] = overlappingZIP(overlappingZIP([]byte("GENAI? "+strings.Repeat("x", 4000)), 100), 300)
	return out
}

// overlappingZIP returns a ZIP of n central-directory entries that all point
// at one deflated copy of payload.
func overlappingZIP(payload []byte, n int) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	fw, err := w.CreateHeader(&zip.FileHeader{Name: "m0.zip", Method: zip.Deflate})
	if err != nil {
		panic(err)
	}
	fw.Write(payload)
	w.Close()
	one := buf.Bytes()
	// The one central record, repeated n times under other names, then an
	// end record counting them.
	eocd := bytes.LastIndex(one, []byte("PK\x05\x06"))
	cdOff := int(binary.LittleEndian.Uint32(one[eocd+16:]))
	rec := one[cdOff:eocd]
	out := append([]byte(nil), one[:cdOff]...)
	for i := 0; i < n; i++ {
		r := append([]byte(nil), rec...)
		name := []byte(fmt.Sprintf("m%05d", i))
		nameLen := int(binary.LittleEndian.Uint16(r[28:]))
		r = append(append(append([]byte(nil), r[:46]...), name...), r[46+nameLen:]...)
		binary.LittleEndian.PutUint16(r[28:], uint16(len(name)))
		out = append(out, r...)
	}
	end := make([]byte, 22)
	copy(end, "PK\x05\x06")
	binary.LittleEndian.PutUint16(end[8:], uint16(n))
	binary.LittleEndian.PutUint16(end[10:], uint16(n))
	binary.LittleEndian.PutUint32(end[12:], uint32(len(out)-cdOff))
	binary.LittleEndian.PutUint32(end[16:], uint32(cdOff))
	return append(out, end...)
}

// TestHostileShapesNamed scans the hostile shapes as they are: none may be
// passed silently (each has a finding, an unreadable finding, a "not fully
// inspected" error, or, for the overlapping ZIP whose entries all hold one
// text, that text listed as unsupported), and the scan allocates far less
// than the default memory cap.
func TestHostileShapesNamed(t *testing.T) {
	dir := t.TempDir()
	shapes := hostileShapes()
	for name, data := range shapes {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	rep, err := scanner.Scan(context.Background(), []string{dir}, scanner.Options{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	named := map[string]string{}
	for _, f := range rep.Findings {
		named[cmp.Or(f.File, f.Path)] += f.Rule + " "
	}
	for _, e := range rep.Errors {
		file, _, _ := strings.Cut(e.Path, "!/")
		named[file] += "error: " + e.Error + " "
	}
	for _, u := range rep.Unsupported {
		file, _, _ := strings.Cut(u.Path, "!/")
		named[file] += "unsupported: " + u.Path + " "
	}
	for name := range shapes {
		if named[name] == "" {
			t.Errorf("%s: passed silently", name)
		} else {
			t.Logf("%s: %s", name, evidence.Truncate(named[name]))
		}
	}
	if !rep.Gate.Failed {
		t.Error("the hostile shapes must fail the default gate")
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<30 {
		t.Errorf("the scan allocated %d MiB in all", alloc>>20)
	}
}
