package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
	"time"
	"unicode/utf16"
)

// fontTab is a table for buildFont.
type fontTab struct {
	tag  string
	data []byte
}

// buildSFNT lays out an sfnt font at base (its offset in the final file);
// the table directory comes first, then the 4-byte-aligned tables.
func buildSFNT(base int64, version string, tabs ...fontTab) []byte {
	b := append([]byte(version), 0, byte(len(tabs)), 0, 0, 0, 0, 0, 0)
	at := base + 12 + 16*int64(len(tabs))
	var body []byte
	for _, t := range tabs {
		b = append(b, t.tag...)
		b = append(b, 0, 0, 0, 0) // checksum
		b = binary.BigEndian.AppendUint32(b, uint32(at+int64(len(body))))
		b = binary.BigEndian.AppendUint32(b, uint32(len(t.data)))
		body = append(body, t.data...)
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
	}
	return append(b, body...)
}

// c2paTable builds a C2PA table (20-byte header, or the early 18-byte one).
func fontC2PATable(uri string, store []byte, short bool) []byte {
	hl := 20
	if short {
		hl = 18
	}
	b := []byte{0, 0, 0, 1}
	uriOff := 0
	if uri != "" {
		uriOff = hl
	}
	b = binary.BigEndian.AppendUint32(b, uint32(uriOff))
	b = binary.BigEndian.AppendUint16(b, uint16(len(uri)))
	if !short {
		b = append(b, 0, 0)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(hl+len(uri)))
	b = binary.BigEndian.AppendUint32(b, uint32(len(store)))
	return append(append(b, uri...), store...)
}

// nameTable builds a format-0 name table from (platform, nameID, text) records.
func fontNameTable(recs ...struct {
	platform, id uint16
	text         string
}) []byte {
	var strs []byte
	b := []byte{0, 0}
	b = binary.BigEndian.AppendUint16(b, uint16(len(recs)))
	b = binary.BigEndian.AppendUint16(b, uint16(6+12*len(recs)))
	for _, r := range recs {
		var s []byte
		if r.platform == 1 { // Mac Roman; the test texts use only its Latin-1 subset
			for _, c := range r.text {
				s = append(s, byte(c))
			}
		} else {
			for _, u := range utf16.Encode([]rune(r.text)) {
				s = binary.BigEndian.AppendUint16(s, u)
			}
		}
		enc, lang := uint16(1), uint16(0x409)
		if r.platform == 1 {
			enc, lang = 0, 0
		}
		for _, v := range []uint16{r.platform, enc, lang, r.id, uint16(len(s)), uint16(len(strs))} {
			b = binary.BigEndian.AppendUint16(b, v)
		}
		strs = append(strs, s...)
	}
	return append(b, strs...)
}

type fontNameRec = struct {
	platform, id uint16
	text         string
}

func sampleNames() []byte {
	return fontNameTable(
		fontNameRec{3, 0, "© 2026 Type Foundry"},
		fontNameRec{1, 0, "© 2026 Type Foundry"}, // same text on Mac: reported once
		fontNameRec{3, 1, "Family"},              // not of interest
		fontNameRec{3, 5, "Version 1.002"},
		fontNameRec{3, 9, "GlyphGen AI"},
		fontNameRec{3, 10, "Glyphs drawn by a generator"},
		fontNameRec{1, 11, "https://vendor.example"},
		fontNameRec{0, 12, "https://designer.example"},
	)
}

func sampleFont() []byte {
	store := append([]byte("\x00\x00\x00\x1ejumb"), bytes.Repeat([]byte("c2pa"), 30)...)
	return buildSFNT(0, "\x00\x01\x00\x00",
		fontTab{"C2PA", fontC2PATable("https://example.com/manifest", store, false)},
		fontTab{"glyf", bytes.Repeat([]byte{0xEE}, 1000)},
		fontTab{"name", sampleNames()},
	)
}

func TestFontBlocks(t *testing.T) {
	data := sampleFont()
	if !matchFont(data) {
		t.Fatal("matchFont = false")
	}
	cr := &mediaCountingReader{r: mediaBytes(data)}
	res, err := readFont(cr, int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	c := mediaBlocks(res, KindC2PA)
	if len(c) != 1 || !bytes.HasPrefix(c[0].Data, []byte("\x00\x00\x00\x1ejumb")) || len(c[0].Data) != 128 {
		t.Fatalf("C2PA = %+v", c)
	}
	if !bytes.Equal(data[c[0].Offset:c[0].Offset+c[0].Size], c[0].Data) {
		t.Error("C2PA Offset/Size do not locate the store")
	}
	txt := mediaText(res)
	for k, v := range map[string]string{"Copyright": "© 2026 Type Foundry", "Version": "Version 1.002", "Designer": "GlyphGen AI",
		"Description": "Glyphs drawn by a generator", "VendorURL": "https://vendor.example", "DesignerURL": "https://designer.example",
		"activeManifestUri": "https://example.com/manifest"} {
		if txt[k] != v {
			t.Errorf("%s = %q, want %q", k, txt[k], v)
		}
	}
	if n := len(mediaBlocks(res, KindText)); n != 7 {
		t.Errorf("%d text blocks, want 7 (duplicates and uninteresting names left out)", n)
	}
	if cr.n > int64(len(data)-900) {
		t.Errorf("read %d of %d bytes: glyph data was read", cr.n, len(data))
	}
}

func TestFontShortC2PAHeaderAndCollection(t *testing.T) {
	store := []byte("\x00\x00\x00\x10jumbc2pa-store!!")
	f0 := buildSFNT(0, "OTTO", fontTab{"C2PA", fontC2PATable("", store, true)}, fontTab{"name", sampleNames()})
	// a collection of two fonts: header, then font 0 and font 1 (font 1 repeats font 0's tables)
	hdr := []byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x02")
	start := int64(len(hdr) + 8)
	font0 := buildSFNT(start, "OTTO", fontTab{"C2PA", fontC2PATable("", store, true)}, fontTab{"name", sampleNames()})
	font1 := append([]byte(nil), font0[:12+32]...) // same directory: the same table offsets
	hdr = binary.BigEndian.AppendUint32(hdr, uint32(start))
	hdr = binary.BigEndian.AppendUint32(hdr, uint32(start+int64(len(font0))))
	ttc := append(append(hdr, font0...), font1...)
	for name, data := range map[string][]byte{"OTTO": f0, "ttcf": ttc} {
		if !matchFont(data) {
			t.Fatalf("%s: not matched", name)
		}
		res, err := readFont(mediaBytes(data), int64(len(data)), nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if c := mediaBlocks(res, KindC2PA); len(c) != 1 || !bytes.Equal(c[0].Data, store) {
			t.Errorf("%s: C2PA = %+v", name, c)
		}
		if mediaText(res)["Designer"] != "GlyphGen AI" {
			t.Errorf("%s: texts %q", name, mediaText(res))
		}
	}
}

// buildWOFF builds a WOFF 1.0 font; tables listed in compress are stored zlib-compressed.
func buildWOFF(compress map[string]bool, tabs ...fontTab) []byte {
	hdr := append([]byte("wOFF\x00\x01\x00\x00"), make([]byte, 36)...)
	binary.BigEndian.PutUint16(hdr[12:], uint16(len(tabs)))
	at := len(hdr) + 20*len(tabs)
	var dir, body []byte
	for _, t := range tabs {
		stored := t.data
		if compress[t.tag] {
			stored = id3Zlib(t.data)
		}
		dir = append(dir, t.tag...)
		dir = binary.BigEndian.AppendUint32(dir, uint32(at+len(body)))
		dir = binary.BigEndian.AppendUint32(dir, uint32(len(stored)))
		dir = binary.BigEndian.AppendUint32(dir, uint32(len(t.data)))
		dir = append(dir, 0, 0, 0, 0)
		body = append(body, stored...)
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
	}
	return append(append(hdr, dir...), body...)
}

func TestFontWOFF(t *testing.T) {
	store := []byte("\x00\x00\x00\x10jumbc2pa-store!!")
	for _, comp := range []map[string]bool{{}, {"name": true, "C2PA": true}} {
		data := buildWOFF(comp, fontTab{"C2PA", fontC2PATable("", store, false)}, fontTab{"glyf", make([]byte, 64)}, fontTab{"name", sampleNames()})
		if !matchFont(data) {
			t.Fatal("WOFF not matched")
		}
		res, err := readFont(mediaBytes(data), int64(len(data)), nil)
		if err != nil {
			t.Fatalf("compressed %v: %v", comp, err)
		}
		if c := mediaBlocks(res, KindC2PA); len(c) != 1 || !bytes.Equal(c[0].Data, store) || c[0].Offset+c[0].Size > int64(len(data)) {
			t.Errorf("compressed %v: C2PA = %+v", comp, c)
		}
		if mediaText(res)["Designer"] != "GlyphGen AI" {
			t.Errorf("compressed %v: texts %q", comp, mediaText(res))
		}
	}
	// a compressed table that inflates past its declared size is refused
	bomb := buildWOFF(map[string]bool{"name": true}, fontTab{"name", make([]byte, 1<<20)})
	binary.BigEndian.PutUint32(bomb[44+12:], binary.BigEndian.Uint32(bomb[44+8:])+1) // declared original length: just over the stored one
	if _, err := mediaQuick(t, readFont, bomb, time.Second); !errors.Is(err, errLimit) {
		t.Errorf("bomb: err = %v", err)
	}
}

func TestFontHostile(t *testing.T) {
	good := sampleFont()
	tablePastEOF := append([]byte(nil), good...)
	binary.BigEndian.PutUint32(tablePastEOF[12+8:], 0x7FFFFFF0) // C2PA table offset
	storeOutside := buildSFNT(0, "true", fontTab{"C2PA", fontC2PATable("", []byte("jumb"), false)})
	binary.BigEndian.PutUint32(storeOutside[12+16+12:], 0xFFFF) // store offset in the 20-byte layout
	binary.BigEndian.PutUint32(storeOutside[12+16+10:], 0xFFFF) // and in the 18-byte one
	manyTables := append([]byte("\x00\x01\x00\x00\xff\xff"), make([]byte, 100)...)
	manyFonts := []byte("ttcf\x00\x01\x00\x00\xff\xff\xff\xff\x00\x00\x00\x00")
	badNames := buildSFNT(0, "\x00\x01\x00\x00", fontTab{"name", []byte{0, 0, 0xff, 0xff, 0, 6, 0, 3, 0, 1, 0, 0, 0, 9, 0xff, 0xff, 0xff, 0xf0}})
	for name, c := range map[string]struct {
		data []byte
		want error
	}{
		"table past EOF": {tablePastEOF, errTruncated},
		"store outside":  {storeOutside, ErrMalformed},
		"many tables":    {manyTables, errTruncated},
		"many fonts":     {manyFonts, errTruncated},
		"bad names":      {badNames, nil},
		"truncated":      {good[:30], errTruncated},
	} {
		res, err := mediaQuick(t, readFont, c.data, time.Second)
		if res == nil || (c.want == nil) != (err == nil) || (c.want != nil && !errors.Is(err, c.want)) {
			t.Errorf("%s: err = %v, want %v", name, err, c.want)
		}
	}
}

func TestFontCorpus(t *testing.T) {
	if n := mediaCorpusCheck(t, readFont, "ttf", "otf", "ttc"); n == 0 {
		t.Skip("no font files in the corpus")
	}
}

func FuzzFont(f *testing.F) {
	f.Add(sampleFont())
	f.Add(buildSFNT(0, "OTTO", fontTab{"C2PA", fontC2PATable("u", []byte("jumb"), true)}))
	f.Add(buildWOFF(map[string]bool{"name": true}, fontTab{"C2PA", fontC2PATable("", []byte("jumb"), false)}, fontTab{"name", sampleNames()}))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, _ := readFont(mediaBytes(data), int64(len(data)), nil)
		if res == nil {
			t.Fatal("nil result")
		}
		for _, b := range res.Blocks {
			if b.Offset < 0 || b.Offset+b.Size > int64(len(data)) || int64(len(b.Data)) > b.Size*2 {
				t.Fatalf("block %s at %d+%d outside %d bytes", b.Container, b.Offset, b.Size, len(data))
			}
		}
	})
}
