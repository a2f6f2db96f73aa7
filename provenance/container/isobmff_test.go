package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"
)

func bmffBoxBytes(typ string, parts ...[]byte) []byte {
	var body []byte
	for _, p := range parts {
		body = append(body, p...)
	}
	out := binary.BigEndian.AppendUint32(nil, uint32(8+len(body)))
	out = append(out, typ...)
	return append(out, body...)
}

func bmffFull(typ string, version byte, parts ...[]byte) []byte {
	return bmffBoxBytes(typ, append([][]byte{{version, 0, 0, 0}}, parts...)...)
}

func bmffData(typ uint32, value []byte) []byte {
	return bmffBoxBytes("data", binary.BigEndian.AppendUint32(nil, typ), []byte{0, 0, 0, 0}, value)
}

func bmffC2PABox(purpose string, jumbf []byte) []byte {
	p := append([]byte(nil), bmffC2PAUUID...)
	p = append(p, 0, 0, 0, 0)
	p = append(p, purpose...)
	p = append(p, 0)
	p = append(p, make([]byte, 8)...)
	return bmffBoxBytes("uuid", p, jumbf)
}

func bmffHdlr(handler string) []byte {
	return bmffFull("hdlr", 0, make([]byte, 4), []byte(handler), make([]byte, 13))
}

func testMP4() []byte {
	ilst := bmffBoxBytes("ilst",
		bmffBoxBytes("\xa9too", bmffData(1, []byte("Lavf60.16.100"))),
		bmffBoxBytes("desc", bmffData(1, []byte("a generated clip"))),
		bmffBoxBytes("covr", bmffData(13, []byte("\xff\xd8not read"))),
		bmffBoxBytes("----", bmffFull("mean", 0, []byte("com.apple.iTunes")), bmffFull("name", 0, []byte("prompt")), bmffData(1, []byte("a cat"))),
	)
	keys := bmffFull("keys", 0, binary.BigEndian.AppendUint32(nil, 2),
		binary.BigEndian.AppendUint32(nil, uint32(8+len("com.apple.quicktime.software"))), []byte("mdta"), []byte("com.apple.quicktime.software"),
		binary.BigEndian.AppendUint32(nil, uint32(8+len("workflow"))), []byte("mdta"), []byte("workflow"))
	kilst := bmffBoxBytes("ilst",
		bmffBoxBytes("\x00\x00\x00\x01", bmffData(1, []byte("Sora"))),
		bmffBoxBytes("\x00\x00\x00\x02", bmffData(1, []byte(`{"nodes":[]}`))),
	)
	qtText := append(binary.BigEndian.AppendUint16(nil, 7), 0x55, 0xc4)
	qtText = append(qtText, "Runway3"...)
	moov := bmffBoxBytes("moov",
		bmffFull("mvhd", 0, make([]byte, 96)),
		bmffBoxBytes("trak", bmffBoxBytes("tkhd", make([]byte, 80)), bmffBoxBytes("udta", bmffBoxBytes("\xa9cmt", append(binary.BigEndian.AppendUint16(nil, 2), 0, 0, 'h', 'i')))),
		bmffBoxBytes("udta", bmffFull("meta", 0, bmffHdlr("mdir"), ilst), bmffBoxBytes("\xa9swr", qtText), bmffBoxBytes("XMP_", []byte("<x:xmpmeta/>"))),
		bmffBoxBytes("meta", keys, bmffHdlr("mdta"), kilst), // QuickTime meta atom, keys first
	)
	return bytes.Join([][]byte{
		bmffBoxBytes("ftyp", []byte("isom\x00\x00\x02\x00isomiso2mp41")),
		bmffC2PABox("manifest", crJUMBF(40)),
		bmffBoxBytes("mdat", bytes.Repeat([]byte{0xAB}, 500)),
		bmffBoxBytes("uuid", bmffXMPUUID, []byte("<x:xmpmeta>uuid</x:xmpmeta>")),
		moov,
		bmffC2PABox("merkle", []byte{0xa1}),
	}, nil)
}

func TestISOBMFFMP4(t *testing.T) {
	data := testMP4()
	res, err := readISOBMFF(bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != "MP4" {
		t.Errorf("format %q", res.Format)
	}
	got := map[string]string{}
	for _, b := range res.Blocks {
		got[string(b.Kind)+"|"+b.Container+"|"+b.Key] = string(b.Data)
	}
	want := map[string]string{
		"c2pa|MP4 uuid C2PA box (manifest)|":                   string(crJUMBF(40)),
		"xmp|MP4 uuid XMP box|":                                "<x:xmpmeta>uuid</x:xmpmeta>",
		"text|MP4 moov/trak/udta|©cmt":                         "hi",
		"text|MP4 moov/udta/meta/ilst|©too":                    "Lavf60.16.100",
		"text|MP4 moov/udta/meta/ilst|desc":                    "a generated clip",
		"text|MP4 moov/udta/meta/ilst|prompt":                  "a cat",
		"text|MP4 moov/udta|©swr":                              "Runway3",
		"xmp|MP4 moov/udta/XMP_|":                              "<x:xmpmeta/>",
		"text|MP4 moov/meta/ilst|com.apple.quicktime.software": "Sora",
		"text|MP4 moov/meta/ilst|workflow":                     `{"nodes":[]}`,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d blocks, want %d: %v", len(got), len(want), got)
	}
	if !strings.Contains(strings.Join(res.Warnings, "\n"), "merkle") {
		t.Errorf("merkle box not noted: %v", res.Warnings)
	}
	c := crBlocks(res, KindC2PA)[0]
	if !bytes.Equal(data[c.Offset:c.Offset+c.Size], crJUMBF(40)) {
		t.Errorf("C2PA offset/size wrong")
	}
}

func TestISOBMFFFormats(t *testing.T) {
	for brand, want := range map[string]string{"qt  ": "MOV", "heic": "HEIF", "mif1": "HEIF", "avif": "AVIF", "M4A ": "M4A", "mp42": "MP4", "3gp4": "3GP"} {
		data := bmffBoxBytes("ftyp", []byte(brand), make([]byte, 4), []byte("isom"))
		res, err := readISOBMFF(bytes.NewReader(data), int64(len(data)), nil)
		if err != nil || string(res.Format) != want {
			t.Errorf("%q: format %q err %v, want %q", brand, res.Format, err, want)
		}
	}
	data := bmffBoxBytes("ftyp", []byte("mif1"), make([]byte, 4), []byte("mif1avif"))
	if res, _ := readISOBMFF(bytes.NewReader(data), int64(len(data)), nil); res.Format != "AVIF" {
		t.Errorf("mif1+avif: %q", res.Format)
	}
}

// testHEIF builds a HEIF file whose Exif and XMP items live in mdat.
func testHEIF(version byte) ([]byte, []byte, []byte) {
	tiff := []byte("MM\x00*\x00\x00\x00\x08tiffdata")
	exif := append([]byte("\x00\x00\x00\x06Exif\x00\x00"), tiff...)
	xmp := []byte("<x:xmpmeta>heif</x:xmpmeta>")
	infe := func(id uint16, typ string, extra string) []byte {
		return bmffFull("infe", 2, binary.BigEndian.AppendUint16(nil, id), []byte{0, 0}, []byte(typ), []byte("\x00"+extra))
	}
	iinf := bmffFull("iinf", 0, []byte{0, 3}, infe(1, "hvc1", ""), infe(2, "Exif", ""), infe(3, "mime", "application/rdf+xml\x00"))
	ftyp := bmffBoxBytes("ftyp", []byte("heic\x00\x00\x00\x00mif1heic"))
	// iloc with 4-byte offsets and lengths, 4-byte base offset; placed later.
	mkIloc := func(mdatData int64) []byte {
		p := []byte{0x44, 0x40}
		var items [][3]uint32 // id, offset, length
		items = append(items, [3]uint32{1, uint32(mdatData), 4}, [3]uint32{2, uint32(mdatData + 4), uint32(len(exif))}, [3]uint32{3, uint32(mdatData + 4 + int64(len(exif))), uint32(len(xmp))})
		if version == 2 {
			p = binary.BigEndian.AppendUint32(p, uint32(len(items)))
		} else {
			p = binary.BigEndian.AppendUint16(p, uint16(len(items)))
		}
		for _, it := range items {
			if version == 2 {
				p = binary.BigEndian.AppendUint32(p, it[0])
			} else {
				p = binary.BigEndian.AppendUint16(p, uint16(it[0]))
			}
			if version >= 1 {
				p = append(p, 0, 0) // construction method 0
			}
			p = append(p, 0, 0)                         // data reference index
			p = binary.BigEndian.AppendUint32(p, 0)     // base offset
			p = append(p, 0, 1)                         // one extent
			p = binary.BigEndian.AppendUint32(p, it[1]) // offset
			p = binary.BigEndian.AppendUint32(p, it[2]) // length
		}
		return bmffFull("iloc", version, p)
	}
	metaLen := len(bmffFull("meta", 0, bmffHdlr("pict"), iinf, mkIloc(0)))
	mdatData := int64(len(ftyp) + metaLen + 8)
	meta := bmffFull("meta", 0, bmffHdlr("pict"), iinf, mkIloc(mdatData))
	mdat := bmffBoxBytes("mdat", []byte("HEVC"), exif, xmp)
	return bytes.Join([][]byte{ftyp, meta, mdat}, nil), tiff, xmp
}

func TestISOBMFFHEIFItems(t *testing.T) {
	for _, v := range []byte{0, 1, 2} {
		data, tiff, xmp := testHEIF(v)
		res, err := readISOBMFF(bytes.NewReader(data), int64(len(data)), nil)
		if err != nil {
			t.Fatalf("iloc v%d: %v", v, err)
		}
		e, x := crBlocks(res, KindEXIF), crBlocks(res, KindXMP)
		if res.Format != "HEIF" || len(e) != 1 || len(x) != 1 {
			t.Fatalf("iloc v%d: format %q blocks %+v warnings %v", v, res.Format, res.Blocks, res.Warnings)
		}
		if !bytes.Equal(e[0].Data, tiff) || !bytes.Equal(data[e[0].Offset:e[0].Offset+e[0].Size], tiff) {
			t.Errorf("iloc v%d: Exif item %q", v, e[0].Data)
		}
		if !bytes.Equal(x[0].Data, xmp) {
			t.Errorf("iloc v%d: XMP item %q", v, x[0].Data)
		}
	}
}

func TestISOBMFFMalformed(t *testing.T) {
	data := testMP4()
	for i := 0; i < len(data); i++ {
		res, _ := readISOBMFF(bytes.NewReader(data[:i]), int64(i), nil)
		crCheckSizes(t, res)
	}
	heif, _, _ := testHEIF(1)
	for i := 0; i < len(heif); i++ {
		res, _ := readISOBMFF(bytes.NewReader(heif[:i]), int64(i), nil)
		crCheckSizes(t, res)
	}
	// Deep nesting of moov boxes ends with errLimit.
	deep := bmffBoxBytes("free")
	for i := 0; i < 100; i++ {
		deep = bmffBoxBytes("moov", deep)
	}
	if _, err := readISOBMFF(bytes.NewReader(deep), int64(len(deep)), nil); !errors.Is(err, errLimit) {
		t.Errorf("deep nesting: err = %v", err)
	}
	// A box smaller than its header.
	bad := append(bmffBoxBytes("ftyp", []byte("isom\x00\x00\x00\x00")), 0, 0, 0, 4, 'm', 'o', 'o', 'v')
	if _, err := readISOBMFF(bytes.NewReader(bad), int64(len(bad)), nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("tiny box: err = %v", err)
	}
}

func TestISOBMFFHugeMdatIsSkipped(t *testing.T) {
	const mdatSize = 4 << 30
	head := bmffBoxBytes("ftyp", []byte("qt  \x00\x00\x02\x00qt  "))
	head = append(head, 0, 0, 0, 1, 'm', 'd', 'a', 't')
	head = binary.BigEndian.AppendUint64(head, mdatSize+16)
	tail := bmffBoxBytes("moov", bmffBoxBytes("udta", bmffBoxBytes("\xa9swr", append([]byte{0, 6, 0, 0}, "GenVid"...))))
	size := int64(len(head)) + mdatSize + int64(len(tail))
	f := writeSparse(t, size, head, tail)
	cr := &crCountingReader{r: f}
	start := time.Now()
	res, err := readISOBMFF(cr, size, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != "MOV" || len(res.Blocks) != 1 || string(res.Blocks[0].Data) != "GenVid" {
		t.Errorf("format %q blocks %+v", res.Format, res.Blocks)
	}
	if n := cr.n.Load(); n >= 1<<20 {
		t.Errorf("read %d bytes", n)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
}

func TestISOBMFFCorpus(t *testing.T) {
	t.Run("sora", func(t *testing.T) {
		res, err := crReadCorpus(t, "genai/sora/videotest2.mp4", readISOBMFF)
		if err != nil {
			t.Fatal(err)
		}
		c := crBlocks(res, KindC2PA)
		if len(c) != 1 || string(c[0].Data[4:8]) != "jumb" || int(binary.BigEndian.Uint32(c[0].Data)) != len(c[0].Data) {
			t.Fatalf("no complete C2PA block: %+v", res.Blocks)
		}
		if res.Format != "MP4" {
			t.Errorf("format %q", res.Format)
		}
	})
	t.Run("heic", func(t *testing.T) {
		res, err := crReadCorpus(t, "negative/IMG_5195.HEIC", readISOBMFF)
		if err != nil {
			t.Fatal(err)
		}
		e, x := crBlocks(res, KindEXIF), crBlocks(res, KindXMP)
		if res.Format != "HEIF" || len(e) != 1 || len(x) != 1 {
			t.Fatalf("format %q, %d EXIF, %d XMP; warnings %v", res.Format, len(e), len(x), res.Warnings)
		}
		if !bytes.HasPrefix(e[0].Data, []byte("MM\x00*")) && !bytes.HasPrefix(e[0].Data, []byte("II*\x00")) {
			t.Errorf("EXIF item does not start with TIFF: %q", e[0].Data[:8])
		}
		if !bytes.Contains(x[0].Data, []byte("xmpmeta")) {
			t.Errorf("XMP item is not XMP")
		}
	})
	for _, rel := range []string{
		"c2pa/c2pa-extension-validator/cards_trusted.mp4", "c2pa/c2pa-extension-validator/cards_trusted.avif",
		"c2pa/c2pa-rs/dashinit.mp4",
	} {
		t.Run(rel, func(t *testing.T) {
			res, err := crReadCorpus(t, rel, readISOBMFF)
			if err != nil {
				t.Fatal(err)
			}
			if len(crBlocks(res, KindC2PA)) == 0 {
				t.Errorf("no C2PA block: %+v %v", res.Blocks, res.Warnings)
			}
		})
	}
}

func FuzzISOBMFF(f *testing.F) {
	f.Add(testMP4())
	heif, _, _ := testHEIF(1)
	f.Add(heif)
	heif2, _, _ := testHEIF(2)
	f.Add(heif2)
	for _, atom := range udtaAIGCAtoms() {
		f.Add(udtaAIGCFile(atom))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, _ := readISOBMFF(bytes.NewReader(data), int64(len(data)), nil)
		crCheckSizes(t, res)
	})
}

func TestISOBMFFHEIFIdat(t *testing.T) {
	tiff := []byte("II*\x00\x08\x00\x00\x00idat")
	exif := append([]byte{0, 0, 0, 0}, tiff...)
	infe := bmffFull("infe", 2, []byte{0, 1, 0, 0}, []byte("Exif\x00"))
	iloc := []byte{0x44, 0x00, 0, 1, 0, 1, 0, 1, 0, 0, 0, 1} // v1: item 1, method 1, one extent
	iloc = binary.BigEndian.AppendUint32(iloc, 0)
	iloc = binary.BigEndian.AppendUint32(iloc, uint32(len(exif)))
	data := bytes.Join([][]byte{
		bmffBoxBytes("ftyp", []byte("avif\x00\x00\x00\x00avifmif1")),
		bmffFull("meta", 0, bmffHdlr("pict"), bmffFull("iinf", 0, []byte{0, 1}, infe), bmffFull("iloc", 1, iloc), bmffBoxBytes("idat", exif)),
	}, nil)
	res, err := readISOBMFF(bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	e := crBlocks(res, KindEXIF)
	if res.Format != "AVIF" || len(e) != 1 || !bytes.Equal(e[0].Data, tiff) || !bytes.Equal(data[e[0].Offset:e[0].Offset+e[0].Size], tiff) {
		t.Fatalf("format %q blocks %+v warnings %v", res.Format, res.Blocks, res.Warnings)
	}
	// An extent past the end of idat is refused.
	binary.BigEndian.PutUint32(iloc[len(iloc)-4:], uint32(len(exif)+1))
	data = bytes.Join([][]byte{
		bmffBoxBytes("ftyp", []byte("avif\x00\x00\x00\x00avifmif1")),
		bmffFull("meta", 0, bmffHdlr("pict"), bmffFull("iinf", 0, []byte{0, 1}, infe), bmffFull("iloc", 1, iloc), bmffBoxBytes("idat", exif)),
		bmffBoxBytes("free", make([]byte, 64)),
	}, nil)
	res, err = readISOBMFF(bytes.NewReader(data), int64(len(data)), nil)
	if !errors.Is(err, ErrMalformed) || len(res.Blocks) != 0 {
		t.Errorf("extent past idat: err %v blocks %+v", err, res.Blocks)
	}
}

const udtaLabel = `{"Label":"1","ContentProducer":"001191330106MA2CFLDG4R10001","ProduceID":"p1"}`

// udtaAIGCAtoms are the shapes of a udta AIGC atom: the JSON as is, a data
// box, a QuickTime text entry.
func udtaAIGCAtoms() map[string][]byte {
	entry := append(binary.BigEndian.AppendUint16(nil, uint16(len(udtaLabel))), 0x55, 0xc4)
	return map[string][]byte{
		"raw":   bmffBoxBytes("AIGC", []byte(udtaLabel), []byte{0}),
		"data":  bmffBoxBytes("AIGC", bmffData(1, []byte(udtaLabel))),
		"entry": bmffBoxBytes("AIGC", entry, []byte(udtaLabel)),
	}
}

// udtaAIGCFile is an MP4 whose moov/udta holds atom, and an unknown atom.
func udtaAIGCFile(atom []byte) []byte {
	return bytes.Join([][]byte{
		bmffBoxBytes("ftyp", []byte("isom\x00\x00\x02\x00isomiso2mp41")),
		bmffBoxBytes("moov", bmffFull("mvhd", 0, make([]byte, 96)), bmffBoxBytes("udta", atom, bmffBoxBytes("abcd", []byte(udtaLabel)))),
	}, nil)
}

// A udta atom named AIGC (the GB 45438-2025 implicit label) is read as a
// text block keyed AIGC, whether it holds the JSON as is, a data box or a
// QuickTime text entry; other four-letter udta atoms stay unread.
func TestISOBMFFUdtaAIGC(t *testing.T) {
	for name, atom := range udtaAIGCAtoms() {
		data := udtaAIGCFile(atom)
		res, err := readISOBMFF(bytes.NewReader(data), int64(len(data)), nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := mediaText(res); len(got) != 1 || got["AIGC"] != udtaLabel {
			t.Errorf("%s: text %q", name, got)
		}
	}
}
