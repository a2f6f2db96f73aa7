package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// dpxFile builds a DPX file in the given byte order: the headers with the
// named text fields set (others padded with 0xFF, as undefined), then user
// data (a 32-byte user ID and data) when id or data is set, then pixels.
func dpxFile(order binary.ByteOrder, fields map[string]string, id string, data []byte) []byte {
	b := bytes.Repeat([]byte{0xFF}, dpxHeaderSize)
	if order == binary.BigEndian {
		copy(b, dpxMagicBE)
	} else {
		copy(b, dpxMagicLE)
	}
	order.PutUint32(b[32:], 0)
	for _, f := range dpxFields {
		if v, ok := fields[f.key]; ok {
			copy(b[f.off:f.off+f.n], append([]byte(v), make([]byte, f.n)...))
		}
	}
	if id != "" || data != nil {
		order.PutUint32(b[32:], uint32(dpxUserIDSize+len(data)))
		u := make([]byte, dpxUserIDSize)
		copy(u, id)
		b = append(append(b, u...), data...)
	}
	return append(b, bytes.Repeat([]byte{0x11}, 256)...)
}

func readDPXBytes(t *testing.T, b []byte) (*Result, error) {
	t.Helper()
	if !matchDPX(b) {
		t.Fatal("not matched as DPX")
	}
	return Read(bytes.NewReader(b), int64(len(b)))
}

func blockMap(res *Result) map[string]string {
	m := map[string]string{}
	for _, b := range res.Blocks {
		m[b.Container+": "+string(b.Kind)+" "+b.Key] = string(b.Data)
	}
	return m
}

func TestDPX(t *testing.T) {
	for _, order := range []binary.ByteOrder{binary.BigEndian, binary.LittleEndian} {
		res, err := readDPXBytes(t, dpxFile(order, map[string]string{"creator": "Nuke 15.1", "project": "Show 101", "copyright": "Example Post",
			"image file name": "D:/renders/sh010.0001.dpx", "input device name": "SPIRIT-4K DATACINE",
			"film format": "Academy", "frame identification": "reel 1 frame 86400", "slate information": "SC 12 TK 3 CAM B"}, "Thomson BTS", []byte(exrXMP)))
		if err != nil {
			t.Fatal(err)
		}
		if res.Format != formatDPX || res.Media != mediaImage {
			t.Errorf("format %q media %q", res.Format, res.Media)
		}
		got := blockMap(res)
		want := map[string]string{
			"DPX file header: text creator": "Nuke 15.1", "DPX file header: text project": "Show 101",
			"DPX file header: text copyright": "Example Post", "DPX file header: text image file name": "D:/renders/sh010.0001.dpx",
			"DPX orientation header: text input device name": "SPIRIT-4K DATACINE", "DPX user data: text user id": "Thomson BTS",
			"DPX user data: xmp ": exrXMP, "DPX film header: text film format": "Academy",
			"DPX film header: text frame identification": "reel 1 frame 86400", "DPX film header: text slate information": "SC 12 TK 3 CAM B",
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%v: %s = %q, want %q", order, k, got[k], v)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%v: blocks %v (undefined 0xFF fields must give none)", order, got)
		}
	}
	// Latin-1 text is kept whole: only NUL and 0xFF end a field.
	res, err := readDPXBytes(t, dpxFile(binary.BigEndian, map[string]string{"creator": "Caf\xe9 Studio", "copyright": "\xa9 2020 Foo"}, "", nil))
	if m := blockMap(res); err != nil || m["DPX file header: text creator"] != "Caf\xe9 Studio" || m["DPX file header: text copyright"] != "\xa9 2020 Foo" {
		t.Errorf("Latin-1 fields: %v %q", err, m)
	}
	// User data that is text is a text block, whatever its first bytes.
	res, err = readDPXBytes(t, dpxFile(binary.BigEndian, nil, "", []byte("BM render notes: made with ExampleGen")))
	if err != nil || blockMap(res)["DPX user data: text user data"] != "BM render notes: made with ExampleGen" {
		t.Errorf("text user data starting like a BMP: %v %v", err, blockMap(res))
	}
	// User data that is text is a text block.
	res, err = readDPXBytes(t, dpxFile(binary.BigEndian, nil, "", []byte("generated with ExampleGen 2")))
	if err != nil || blockMap(res)["DPX user data: text user data"] != "generated with ExampleGen 2" {
		t.Errorf("text user data: %v %v", err, blockMap(res))
	}
}

func TestDPXHostile(t *testing.T) {
	lying := dpxFile(binary.BigEndian, map[string]string{"creator": "Nuke"}, "id", []byte("x"))
	binary.BigEndian.PutUint32(lying[32:], 0x7ffffff0)
	short := dpxFile(binary.LittleEndian, map[string]string{"creator": "Nuke"}, "", nil)[:300]
	tiny := []byte("SDPX\x00\x00")
	for _, tc := range []struct {
		name   string
		b      []byte
		want   error
		blocks int
	}{
		{"user data past the end: read what is there, cut said", lying, nil, 2},
		{"a file cut inside its header", short, errTruncated, 1},
		{"six bytes", tiny, errTruncated, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := readDPXBytes(t, tc.b)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if res == nil || len(res.Blocks) != tc.blocks {
				t.Errorf("blocks %+v", res)
			}
		})
	}
	// More user data than is read: the start is read, and the cut said.
	big := dpxFile(binary.BigEndian, nil, "id", append([]byte(exrXMP), make([]byte, dpxMaxUserBytes)...))
	res, err := readDPXBytes(t, big)
	if err != nil || len(res.Incomplete) != 1 || blockMap(res)["DPX user data: xmp "] == "" {
		t.Errorf("large user data: %v, cuts %v, blocks %v", err, res.Incomplete, len(res.Blocks))
	}
}

// TestDPXCorpus reads the DPX files of ../shared/corpus/pro: each must read
// and surface the identity strings pro/expected.jsonl lists for it.
func TestDPXCorpus(t *testing.T) {
	proCorpusCheck(t, "DPX", readDPXBytes)
}

func FuzzDPX(f *testing.F) {
	f.Add(dpxFile(binary.BigEndian, map[string]string{"creator": "Nuke"}, "id", []byte(exrXMP)))
	f.Add(dpxFile(binary.LittleEndian, map[string]string{"project": "p"}, "", []byte("text")))
	f.Add([]byte("XPDS"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if !matchDPX(b) {
			return
		}
		res, _ := readDPX(bytes.NewReader(b), int64(len(b)), nil)
		for _, blk := range res.Blocks {
			if blk.Offset < 0 || blk.Offset+blk.Size > int64(len(b)) {
				t.Fatalf("block outside the file: %+v", blk)
			}
		}
	})
}
