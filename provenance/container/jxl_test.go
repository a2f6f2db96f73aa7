package container

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func testJXL() ([]byte, []byte, []byte, []byte) {
	tiff := []byte("II*\x00\x08\x00\x00\x00ifd")
	xmp := []byte("<x:xmpmeta>jxl</x:xmpmeta>")
	jumb := crJUMBF(24)
	data := bytes.Join([][]byte{
		jxlSignature,
		bmffBoxBytes("ftyp", []byte("jxl \x00\x00\x00\x00jxl ")),
		bmffBoxBytes("jxlp", []byte{0, 0, 0, 0, 0xFF, 0x0A, 1, 2, 3}),
		bmffBoxBytes("Exif", []byte{0, 0, 0, 2, 'x', 'x'}, tiff),
		bmffBoxBytes("brob", []byte("xml \x1b\x00\x00")),
		bmffBoxBytes("xml ", xmp),
		jumb,
		bmffBoxBytes("jxlp", []byte{0x80, 0, 0, 1, 9, 9, 9}),
	}, nil)
	return data, tiff, xmp, jumb
}

func TestJXLContainer(t *testing.T) {
	data, tiff, xmp, jumb := testJXL()
	res, err := readJXL(bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != "JXL" || len(res.Blocks) != 3 {
		t.Fatalf("format %q blocks %+v", res.Format, res.Blocks)
	}
	e, x, c := crBlocks(res, KindEXIF), crBlocks(res, KindXMP), crBlocks(res, KindC2PA)
	if len(e) != 1 || !bytes.Equal(e[0].Data, tiff) || !bytes.Equal(data[e[0].Offset:e[0].Offset+e[0].Size], tiff) {
		t.Errorf("Exif %+v", e)
	}
	if len(x) != 1 || !bytes.Equal(x[0].Data, xmp) {
		t.Errorf("XMP %+v", x)
	}
	if len(c) != 1 || !bytes.Equal(c[0].Data, jumb) {
		t.Errorf("C2PA %+v", c)
	}
	if !strings.Contains(strings.Join(res.Warnings, "\n"), `Brotli-compressed "xml " box`) {
		t.Errorf("brob not reported: %v", res.Warnings)
	}
}

func TestJXLBareAndMalformed(t *testing.T) {
	bare := []byte{0xFF, 0x0A, 0xFA, 0x01, 0x02}
	res, err := readJXL(bytes.NewReader(bare), int64(len(bare)), nil)
	if err != nil || res.Format != "JXL" || len(res.Blocks) != 0 {
		t.Errorf("bare codestream: %+v %v", res, err)
	}
	if !matchJXL(bare) || !matchJXL(jxlSignature) || matchJXL([]byte("\x00\x00\x00\x0cjP  ")) {
		t.Errorf("matchJXL")
	}
	data, _, _, _ := testJXL()
	for i := 0; i < len(data); i++ {
		res, _ := readJXL(bytes.NewReader(data[:i]), int64(i), nil)
		crCheckSizes(t, res)
	}
	bad := append(append([]byte(nil), jxlSignature...), 0, 0, 0, 3, 'E', 'x', 'i', 'f')
	if _, err := readJXL(bytes.NewReader(bad), int64(len(bad)), nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("err = %v, want ErrMalformed", err)
	}
}

func TestJXLCorpus(t *testing.T) {
	res, err := crReadCorpus(t, "c2pa/c2pa-rs/sample1.jxl", readJXL)
	if err != nil {
		t.Fatal(err)
	}
	// sample1.jxl keeps its Exif and XMP in brob boxes.
	if len(res.Blocks) != 0 || len(res.Warnings) != 2 {
		t.Errorf("blocks %+v warnings %v", res.Blocks, res.Warnings)
	}
}

func FuzzJXL(f *testing.F) {
	data, _, _, _ := testJXL()
	f.Add(data)
	f.Add([]byte{0xFF, 0x0A, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		res, _ := readJXL(bytes.NewReader(data), int64(len(data)), nil)
		crCheckSizes(t, res)
	})
}
