package scanner_test

import (
	"encoding/binary"
	"path/filepath"
	"testing"
)

// TestHugeRF64ReadsLittle: a sparse 5 GiB RF64 whose data chunk (sized by
// ds64) fills the file, with an ADM axml chunk and a bext chunk after it,
// reads kilobytes.
func TestHugeRF64ReadsLittle(t *testing.T) {
	size := int64(5) << 30
	chunk := func(id string, data []byte) []byte {
		b := append([]byte(id), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
		b = append(b, data...)
		if len(data)%2 == 1 {
			b = append(b, 0)
		}
		return b
	}
	bext := make([]byte, 602)
	copy(bext[256:], "Pyramix")
	tail := append(chunk("axml", []byte(`<ebuCoreMain><audioProgramme audioProgrammeName="Sparse RF64 tail"/></ebuCoreMain>`)), chunk("bext", bext)...)
	fmtChunk := chunk("fmt ", []byte{1, 0, 2, 0, 0x80, 0xBB, 0, 0, 0, 0xEE, 2, 0, 4, 0, 16, 0})
	headLen := int64(12 + 8 + 28 + len(fmtChunk) + 8)
	data := size - headLen - int64(len(tail))
	ds64 := binary.LittleEndian.AppendUint64(nil, uint64(size-8))
	ds64 = binary.LittleEndian.AppendUint64(ds64, uint64(data))
	ds64 = binary.LittleEndian.AppendUint64(ds64, uint64(data/4))
	ds64 = binary.LittleEndian.AppendUint32(ds64, 0)
	head := append([]byte("RF64\xff\xff\xff\xffWAVE"), chunk("ds64", ds64)...)
	head = append(append(head, fmtChunk...), "data\xff\xff\xff\xff"...)
	if int64(len(head)) != headLen {
		t.Fatalf("head of %d bytes, want %d", len(head), headLen)
	}
	path := filepath.Join(t.TempDir(), "master.wav")
	sparseFile(t, path, size, map[int64][]byte{0: head, size - int64(len(tail)): tail})
	sparseReadsLittle(t, path, size, "RF64", "Sparse RF64 tail", "Pyramix")
}
