package main

import (
	"encoding/binary"
	"testing"
)

// bw64WithOriginator is a BW64 file whose bext chunk, after the data chunk
// (sized by ds64), names originator.
func bw64WithOriginator(originator string) []byte {
	chunk := func(id string, data []byte) []byte {
		b := append([]byte(id), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
		b = append(b, data...)
		if len(data)%2 == 1 {
			b = append(b, 0)
		}
		return b
	}
	audio := make([]byte, 256)
	bext := make([]byte, 602)
	copy(bext, "Main mix")
	copy(bext[256:], originator)
	ds64 := binary.LittleEndian.AppendUint64(nil, 0)
	ds64 = binary.LittleEndian.AppendUint64(ds64, uint64(len(audio)))
	ds64 = binary.LittleEndian.AppendUint64(ds64, uint64(len(audio)/4))
	ds64 = binary.LittleEndian.AppendUint32(ds64, 0)
	b := append([]byte("BW64\xff\xff\xff\xffWAVE"), chunk("ds64", ds64)...)
	b = append(b, chunk("fmt ", []byte{1, 0, 2, 0, 0x80, 0xBB, 0, 0, 0, 0xEE, 2, 0, 4, 0, 16, 0})...)
	b = append(append(b, "data\xff\xff\xff\xff"...), audio...)
	b = append(b, chunk("bext", bext)...)
	binary.LittleEndian.PutUint64(b[20:], uint64(len(b)-8))
	return b
}

// TestGateBW64Originator: a BW64 master whose bext Originator names a GenAI
// tool fails the default gate; one naming a workstation passes.
func TestGateBW64Originator(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	deliv := t.TempDir()
	writeFiles(t, deliv, map[string][]byte{"audio/gen.wav": bw64WithOriginator("Stable Audio 2.0"), "audio/mix.wav": bw64WithOriginator("Pyramix")})
	r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", deliv)
	rep := parseReport(t, r)
	failing := rep.failingPaths()
	if r.code != 1 || len(failing) != 1 || !failing["audio/gen.wav"] || len(rep.Unsupported) != 0 || len(rep.Errors) != 0 {
		t.Errorf("exit %d, failing %v, unsupported %+v, errors %+v\n%s", r.code, failing, rep.Unsupported, rep.Errors, r.stdout)
	}
}
