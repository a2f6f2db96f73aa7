package scanner_test

import (
	"encoding/binary"
	"path/filepath"
	"testing"
)

// TestHugeJP2ReadsLittle: a sparse 3 GiB JP2 whose codestream box (64-bit
// size) fills the file, with an xml box after it, reads kilobytes: the
// codestream's main header only, then the trailing box.
func TestHugeJP2ReadsLittle(t *testing.T) {
	size := int64(3) << 30
	marker := func(m byte, p []byte) []byte {
		return append([]byte{0xFF, m}, append(binary.BigEndian.AppendUint16(nil, uint16(2+len(p))), p...)...)
	}
	head := []byte{0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A}
	head = append(head, box("ftyp", []byte("jp2 \x00\x00\x00\x00jp2 "))...)
	head = append(head, box("jp2h", box("ihdr", make([]byte, 14)))...)
	tail := box("xml ", []byte("<contentDescription>Sparse JP2 tail</contentDescription>"))
	jp2c := size - int64(len(head)) - int64(len(tail))
	head = append(binary.BigEndian.AppendUint32(head, 1), "jp2c"...)
	head = binary.BigEndian.AppendUint64(head, uint64(jp2c))
	head = append(head, 0xFF, 0x4F)
	head = append(head, marker(0x51, make([]byte, 39))...)
	head = append(head, marker(0x64, []byte("\x00\x01Kakadu-v8.4"))...)
	head = append(head, marker(0x90, make([]byte, 8))...)
	path := filepath.Join(t.TempDir(), "master.jp2")
	sparseFile(t, path, size, map[int64][]byte{0: head, size - int64(len(tail)): tail})
	sparseReadsLittle(t, path, size, "JPEG 2000", "Sparse JP2 tail", "Kakadu-v8.4")
}
