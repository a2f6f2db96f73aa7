package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// cineonFile builds a Cineon file in the given byte order: the generic and
// motion-picture headers with the named text fields set (others NUL), then
// user data when set, then pixels.
func cineonFile(order binary.ByteOrder, fields map[string]string, user []byte) []byte {
	b := make([]byte, cineonHeaderSize)
	if order == binary.BigEndian {
		copy(b, cineonMagicBE)
	} else {
		copy(b, cineonMagicLE)
	}
	order.PutUint32(b[8:], 1024)
	order.PutUint32(b[12:], 1024)
	order.PutUint32(b[16:], uint32(len(user)))
	for _, f := range cineonFields {
		if v, ok := fields[f.key]; ok {
			copy(b[f.off:f.off+f.n], v)
		}
	}
	b = append(b, user...)
	order.PutUint32(b[4:], uint32(len(b)))
	return append(b, bytes.Repeat([]byte{0x22}, 512)...)
}

func readCineonBytes(t *testing.T, b []byte) (*Result, error) {
	t.Helper()
	if !matchCineon(b) {
		t.Fatal("not matched as Cineon")
	}
	return Read(bytes.NewReader(b), int64(len(b)))
}

func TestCineon(t *testing.T) {
	for _, order := range []binary.ByteOrder{binary.BigEndian, binary.LittleEndian} {
		res, err := readCineonBytes(t, cineonFile(order, map[string]string{"image file name": "reel1.0001.cin",
			"input device": "Stable Diffusion XL", "input device model number": "Genesis", "slate information": "SH010 TK3"}, []byte(exrXMP)))
		if err != nil {
			t.Fatal(err)
		}
		if res.Format != formatCineon || res.Media != mediaImage || res.Family != "Cineon" {
			t.Errorf("format %q media %q family %q", res.Format, res.Media, res.Family)
		}
		m := blockMap(res)
		if m["Cineon origination information: text input device"] != "Stable Diffusion XL" || m["Cineon film information: text slate information"] != "SH010 TK3" ||
			m["Cineon user data: xmp "] == "" || m["Cineon file information: text image file name"] != "reel1.0001.cin" {
			t.Errorf("%v: blocks %v", order, m)
		}
		for _, b := range res.Blocks {
			if b.Tool != (b.Key == "input device" || b.Key == "input device model number") {
				t.Errorf("block %q: Tool %v", b.Key, b.Tool)
			}
		}
	}
	res, err := readCineonBytes(t, cineonFile(binary.BigEndian, nil, []byte("graded at Example Post")))
	if err != nil || blockMap(res)["Cineon user data: text user data"] != "graded at Example Post" {
		t.Errorf("text user data: %v %v", err, blockMap(res))
	}
}

func TestCineonHostile(t *testing.T) {
	lying := cineonFile(binary.BigEndian, map[string]string{"input device": "scanner"}, []byte("x"))
	binary.BigEndian.PutUint32(lying[16:], 0x7ffffff0)
	outside := cineonFile(binary.BigEndian, nil, []byte("x"))
	binary.BigEndian.PutUint32(outside[12:], 0x7fffffff)
	short := cineonFile(binary.LittleEndian, map[string]string{"image file name": "a"}, nil)[:300]
	for _, tc := range []struct {
		name   string
		b      []byte
		want   error
		blocks int
		cuts   int
	}{
		{"user data past the end: read what is there, cut said", lying, nil, 2, 1},
		{"header lengths pointing outside the file", outside, ErrMalformed, 0, 0},
		{"a file cut inside its header", short, nil, 1, 0},
		{"twelve bytes", []byte(cineonMagicBE + "\x00\x00\x00\x00\x00\x00\x00\x00"), errTruncated, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := readCineonBytes(t, tc.b)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if res == nil || len(res.Blocks) != tc.blocks || len(res.Incomplete) != tc.cuts {
				t.Errorf("blocks %v, cuts %v", blockMap(res), res.Incomplete)
			}
		})
	}
}

func FuzzCineon(f *testing.F) {
	f.Add(cineonFile(binary.BigEndian, map[string]string{"input device": "x"}, []byte(exrXMP)))
	f.Add(cineonFile(binary.LittleEndian, map[string]string{"format": "35mm"}, []byte("text")))
	f.Add([]byte(cineonMagicLE))
	f.Fuzz(func(t *testing.T, b []byte) {
		if !matchCineon(b) {
			return
		}
		res, _ := readCineon(bytes.NewReader(b), int64(len(b)), nil)
		for _, blk := range res.Blocks {
			if blk.Offset < 0 || blk.Offset+blk.Size > int64(len(b)) {
				t.Fatalf("block outside the file: %+v", blk)
			}
		}
	})
}
