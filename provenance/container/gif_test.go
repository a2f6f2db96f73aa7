package container

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// gifSubBlocks splits data into GIF sub-blocks of at most chunk bytes plus the terminator.
func gifSubBlocks(data []byte, chunk int) []byte {
	var out []byte
	for len(data) > 0 {
		n := min(chunk, len(data))
		out = append(out, byte(n))
		out = append(out, data[:n]...)
		data = data[n:]
	}
	return append(out, 0)
}

// gifHeader is a GIF89a header with a 4-colour global colour table.
func gifHeader() []byte {
	b := []byte("GIF89a\x02\x00\x02\x00\x81\x00\x00")
	return append(b, make([]byte, 3*4)...)
}

// gifImage is one image block with a 2-colour local colour table and LZW data.
func gifImage(data []byte) []byte {
	b := []byte{0x2C, 0, 0, 0, 0, 2, 0, 2, 0, 0x80}
	b = append(b, make([]byte, 3*2)...)
	b = append(b, 2) // LZW code size
	return append(b, gifSubBlocks(data, 255)...)
}

// gifXMPExt is an "XMP DataXMP" application extension written as the XMP
// specification says: the packet raw, then the magic trailer and terminator.
func gifXMPExt(packet string) []byte {
	b := append([]byte{0x21, 0xFF, 11}, "XMP DataXMP"...)
	b = append(b, packet...)
	b = append(b, gifXMPTrailer...)
	return append(b, 0)
}

func gifC2PAExt(store []byte) []byte {
	b := append([]byte{0x21, 0xFF, 11}, "C2PA_GIF\x01\x00\x00"...)
	return append(b, gifSubBlocks(store, 255)...)
}

const mediaTestXMPPacket = `<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>` + mediaTestXMP + `<?xpacket end="w"?>`

func sampleGIF() []byte {
	b := gifHeader()
	b = append(b, 0x21, 0xF9, 4, 0, 0, 0, 0, 0)                                            // graphic control
	b = append(b, append([]byte{0x21, 0xFF, 11}, "NETSCAPE2.0\x03\x01\x00\x00\x00"...)...) // loop
	b = append(b, gifXMPExt(mediaTestXMPPacket)...)
	b = append(b, gifImage(bytes.Repeat([]byte{0x55}, 700))...)
	b = append(b, 0x21, 0xFE)
	b = append(b, gifSubBlocks([]byte("made by a generator"), 7)...)
	b = append(b, gifC2PAExt(bytes.Repeat([]byte("jumbC2PA"), 100))...)
	return append(b, 0x3B)
}

func TestGIFBlocks(t *testing.T) {
	data := sampleGIF()
	if !matchGIF(data) {
		t.Fatal("matchGIF = false")
	}
	res, err := readGIF(mediaBytes(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	x := mediaBlocks(res, KindXMP)
	if len(x) != 1 || string(x[0].Data) != mediaTestXMPPacket {
		t.Fatalf("XMP = %+v", x)
	}
	if c := mediaBlocks(res, KindComment); len(c) != 1 || string(c[0].Data) != "made by a generator" {
		t.Errorf("comment = %+v", c)
	}
	c := mediaBlocks(res, KindC2PA)
	if len(c) != 1 || !bytes.Equal(c[0].Data, bytes.Repeat([]byte("jumbC2PA"), 100)) {
		t.Fatalf("C2PA = %+v", c)
	}
	if c[0].Offset+c[0].Size != int64(len(data)-1) {
		t.Errorf("C2PA block at %d+%d, file %d", c[0].Offset, c[0].Size, len(data))
	}
}

func TestGIFXMPDamagedTrailer(t *testing.T) {
	// a packet whose trailer was cut short still yields the packet
	b := gifHeader()
	b = append(b, 0x21, 0xFF, 11)
	b = append(b, "XMP DataXMP"...)
	b = append(b, gifSubBlocks([]byte(mediaTestXMPPacket), 255)...) // written as sub-blocks by a confused writer
	b = append(b, 0x3B)
	res, err := readGIF(mediaBytes(b), int64(len(b)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if x := mediaBlocks(res, KindXMP); len(x) != 1 || !bytes.Contains(x[0].Data, []byte(`<?xpacket end="w"?>`)) || bytes.HasSuffix(x[0].Data, []byte{0}) {
		t.Errorf("XMP = %+v", x)
	}
}

// TestGIFLargeImageData checks that image data is skipped by its length
// bytes only.
func TestGIFLargeImageData(t *testing.T) {
	img := gifImage(bytes.Repeat([]byte{0xAA}, 255*4000))
	data := append(gifHeader(), img...)
	data = append(data, gifC2PAExt([]byte("jumb"))...)
	data = append(data, 0x3B)
	cr := &mediaCountingReader{r: mediaBytes(data)}
	res, err := readGIF(cr, int64(len(data)), nil)
	if err != nil || len(mediaBlocks(res, KindC2PA)) != 1 {
		t.Fatalf("err %v blocks %+v", err, res.Blocks)
	}
	if cr.n > 10000 {
		t.Errorf("read %d of %d bytes", cr.n, len(data))
	}
}

func TestGIFHostile(t *testing.T) {
	good := sampleGIF()
	for name, data := range map[string][]byte{
		"no trailer":                 good[:len(good)-1],
		"cut in xmp":                 good[:len(gifHeader())+40+200],
		"bad introducer":             append(append([]byte(nil), gifHeader()...), 0x99),
		"huge colour table past EOF": []byte("GIF89a\x01\x00\x01\x00\x87\x00\x00"),
		"header only":                []byte("GIF89a"),
	} {
		res, err := mediaQuick(t, readGIF, data, time.Second)
		if err == nil || res == nil {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	// a million empty comment extensions stop at the step limit, quickly
	many := gifHeader()
	many = append(many, bytes.Repeat([]byte{0x21, 0x01, 0}, maxSteps+10)...)
	if _, err := mediaQuick(t, readGIF, many, 5*time.Second); !errors.Is(err, errLimit) {
		t.Errorf("many blocks: err = %v", err)
	}
}

func TestGIFCorpus(t *testing.T) {
	if n := mediaCorpusCheck(t, readGIF, "gif"); n == 0 {
		t.Skip("no GIF files in the corpus")
	}
}

func FuzzGIF(f *testing.F) {
	f.Add(sampleGIF())
	f.Add(append(gifHeader(), 0x3B))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, _ := readGIF(mediaBytes(data), int64(len(data)), nil)
		if res == nil {
			t.Fatal("nil result")
		}
		for _, b := range res.Blocks {
			if b.Offset < 0 || b.Offset+b.Size > int64(len(data)) || int64(len(b.Data)) > b.Size {
				t.Fatalf("block %s at %d+%d outside %d bytes", b.Container, b.Offset, b.Size, len(data))
			}
		}
	})
}
