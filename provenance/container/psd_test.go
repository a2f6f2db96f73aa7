package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
	"time"
)

// psdRes is one image resource for buildPSD.
type psdRes struct {
	sig  string
	id   uint16
	name string
	data []byte
}

func psdResource(r psdRes) []byte {
	sig := r.sig
	if sig == "" {
		sig = "8BIM"
	}
	b := []byte(sig)
	b = binary.BigEndian.AppendUint16(b, r.id)
	b = append(b, byte(len(r.name)))
	b = append(b, r.name...)
	if (len(r.name)+1)%2 == 1 {
		b = append(b, 0)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(r.data)))
	b = append(b, r.data...)
	if len(r.data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

// buildPSD builds a PSD (version 1) or PSB (version 2) header, colour mode
// data and image resources; the layer section follows with a bogus length.
func buildPSD(version uint16, res ...psdRes) []byte {
	b := []byte("8BPS")
	b = binary.BigEndian.AppendUint16(b, version)
	b = append(b, make([]byte, 6)...)
	b = binary.BigEndian.AppendUint16(b, 3)   // channels
	b = binary.BigEndian.AppendUint32(b, 100) // height
	b = binary.BigEndian.AppendUint32(b, 200) // width
	b = binary.BigEndian.AppendUint16(b, 8)   // depth
	b = binary.BigEndian.AppendUint16(b, 2)   // RGB
	b = binary.BigEndian.AppendUint32(b, 6)   // colour mode data
	b = append(b, "colour"...)                //
	var sec []byte
	for _, r := range res {
		sec = append(sec, psdResource(r)...)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(sec)))
	b = append(b, sec...)
	if version == 2 {
		b = binary.BigEndian.AppendUint64(b, 1<<40) // layer and mask info: never followed
	} else {
		b = binary.BigEndian.AppendUint32(b, 1<<31)
	}
	return b
}

func samplePSDResources() []psdRes {
	return []psdRes{
		{id: 1005, name: "", data: []byte("resolution16b...")},
		{id: psdResIPTC, name: "ab", data: []byte{0x1c, 2, 0, 0, 2, 0, 4}},
		{id: psdResEXIF, data: sampleTIFF(false, false)},
		{sig: "MeSa", id: 7000, name: "odd", data: []byte{1}},
		{id: psdResXMP, name: "XMP", data: []byte(mediaTestXMP)},
	}
}

func TestPSDBlocks(t *testing.T) {
	for _, v := range []uint16{1, 2} {
		data := buildPSD(v, samplePSDResources()...)
		if !matchPSD(data) {
			t.Fatal("matchPSD = false")
		}
		res, err := readPSD(mediaBytes(data), int64(len(data)), nil)
		if err != nil {
			t.Fatalf("v%d: %v", v, err)
		}
		if res.Format != "PSD" {
			t.Errorf("Format = %q", res.Format)
		}
		x := mediaBlocks(res, KindXMP)
		if len(x) != 1 || string(x[0].Data) != mediaTestXMP || !bytes.Equal(data[x[0].Offset:x[0].Offset+x[0].Size], x[0].Data) {
			t.Fatalf("XMP = %+v", x)
		}
		if e := mediaBlocks(res, KindEXIF); len(e) != 1 || !bytes.Equal(e[0].Data, sampleTIFF(false, false)) {
			t.Errorf("EXIF = %d blocks", len(e))
		}
		if i := mediaBlocks(res, KindIPTC); len(i) != 1 || len(i[0].Data) != 7 || i[0].Container != map[uint16]string{1: "PSD", 2: "PSB"}[v]+" image resource 1028" {
			t.Errorf("IPTC = %+v", i)
		}
		p := mediaBlocks(res, KindPhotoshop)
		if len(p) != 1 || !bytes.HasPrefix(p[0].Data, []byte("8BIM\x03\xed")) || !bytes.Contains(p[0].Data, []byte(mediaTestXMP)) {
			t.Errorf("Photoshop = %d blocks", len(p))
		}
	}
}

// TestPSDSkipsImageData puts 3 GiB of layer and image data after the
// resources: the reader must not touch it.
func TestPSDSkipsImageData(t *testing.T) {
	head := buildPSD(2, samplePSDResources()...)
	s := &mediaSparse{size: 3 << 30, regions: map[int64][]byte{0: head}}
	res, err := readPSD(s, s.size, nil)
	if err != nil || len(mediaBlocks(res, KindXMP)) != 1 {
		t.Fatalf("err %v, blocks %+v", err, res.Blocks)
	}
	if s.read > int64(2*len(head)) {
		t.Errorf("read %d bytes", s.read)
	}
}

func TestPSDHostile(t *testing.T) {
	good := buildPSD(1, samplePSDResources()...)
	secAt := 26 + 4 + 6
	cases := map[string]func([]byte) []byte{
		"section past EOF": func(b []byte) []byte {
			binary.BigEndian.PutUint32(b[secAt:], 1<<31)
			return b
		},
		"colour data past EOF": func(b []byte) []byte {
			binary.BigEndian.PutUint32(b[26:], 0xFFFFFFF0)
			return b
		},
		"resource past section": func(b []byte) []byte {
			// the first resource (id 1005, empty name) has its length at secAt+4+4+2+2
			binary.BigEndian.PutUint32(b[secAt+4+4+2+2:], 0x7FFFFFFF)
			return b
		},
		"bad signature": func(b []byte) []byte {
			copy(b[secAt+4:], "XXXX")
			return b
		},
		"truncated": func(b []byte) []byte { return b[:secAt+20] },
	}
	for name, mod := range cases {
		data := mod(append([]byte(nil), good...))
		res, err := mediaQuick(t, readPSD, data, time.Second)
		if err == nil || !(errors.Is(err, errTruncated) || errors.Is(err, ErrMalformed)) {
			t.Errorf("%s: err = %v", name, err)
		}
		if res == nil {
			t.Errorf("%s: nil result", name)
		}
	}
	// many empty resources end at maxSteps or at the end of the section, quickly
	var many []psdRes
	for i := 0; i < 20000; i++ {
		many = append(many, psdRes{id: 1})
	}
	if _, err := mediaQuick(t, readPSD, buildPSD(1, many...), 2*time.Second); err != nil {
		t.Errorf("many resources: %v", err)
	}
}

func TestPSDCorpus(t *testing.T) {
	if n := mediaCorpusCheck(t, readPSD, "psd", "psb"); n == 0 {
		t.Skip("no PSD files in the corpus")
	}
}

func FuzzPSD(f *testing.F) {
	f.Add(buildPSD(1, samplePSDResources()...))
	f.Add(buildPSD(2, psdRes{id: psdResXMP, data: []byte(mediaTestXMP)}))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, _ := readPSD(mediaBytes(data), int64(len(data)), nil)
		if res == nil {
			t.Fatal("nil result")
		}
		for _, b := range res.Blocks {
			if b.Offset < 0 || b.Offset+b.Size > int64(len(data)) || int64(len(b.Data)) != b.Size {
				t.Fatalf("block %s at %d+%d outside %d bytes", b.Container, b.Offset, b.Size, len(data))
			}
		}
	})
}
