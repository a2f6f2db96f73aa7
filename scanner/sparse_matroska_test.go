package scanner_test

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// ebmlElem encodes an EBML element header (ID as stored, 8-byte size; -1:
// unknown) followed by data.
func ebmlElem(id uint32, size int64, data ...[]byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, id)
	for len(b) > 1 && b[0] == 0 {
		b = b[1:]
	}
	s := binary.BigEndian.AppendUint64(nil, uint64(size))
	if size < 0 {
		s = []byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}
	}
	s[0] = 0x01
	return append(append(b, s...), bytes.Join(data, nil)...)
}

// ebmlWhole is an element whose size is that of its data.
func ebmlWhole(id uint32, data ...[]byte) []byte {
	return ebmlElem(id, int64(len(bytes.Join(data, nil))), data...)
}

// TestHugeMatroskaReadsLittle builds sparse 5 GiB Matroska masters whose
// Tags (an mkvmerge statistics tag) lie at the tail after the media and the
// Cues, named by the SeekHead at the front: one with a Segment and Clusters
// of known sizes (walked by their headers), one live-style with a Segment
// and a Cluster of unknown size (the Tags reached through the SeekHead
// alone). Each must read less than 1 MiB and find the tag.
func TestHugeMatroskaReadsLittle(t *testing.T) {
	const size = int64(5) << 30
	dir := t.TempDir()
	ebmlHeader := ebmlWhole(0x1A45DFA3, ebmlWhole(0x4282, []byte("matroska")))
	tags := ebmlWhole(0x1254C367, ebmlWhole(0x7373, ebmlWhole(0x67C8,
		ebmlWhole(0x45A3, []byte("_STATISTICS_WRITING_APP")), ebmlWhole(0x4487, []byte("mkvmerge v89.0 64-bit")))))
	cues := ebmlWhole(0x1C53BB6B, make([]byte, 64))
	info := ebmlWhole(0x1549A966, ebmlWhole(0x4D80, []byte("libebml v1.4.5 + libmatroska v1.7.1")))
	segHeader := len(ebmlElem(0x18538067, 0))
	segData := int64(len(ebmlHeader) + segHeader)
	tagsAt := size - int64(len(tags))
	seek := func() []byte {
		pos := binary.BigEndian.AppendUint64(nil, uint64(tagsAt-segData))
		return ebmlWhole(0x114D9B74, ebmlWhole(0x4DBB, ebmlWhole(0x53AB, []byte{0x12, 0x54, 0xC3, 0x67}), ebmlWhole(0x53AC, pos)))
	}()

	known := func() map[int64][]byte {
		head := append(append([]byte{}, ebmlHeader...), ebmlElem(0x18538067, size-segData)...)
		head = append(append(head, seek...), info...)
		// Two Clusters filling the file up to the Cues and Tags.
		media := size - int64(len(head)) - int64(len(cues)) - int64(len(tags))
		first := media / 2
		head = append(head, ebmlElem(0x1F43B675, first-12)...)
		second := ebmlElem(0x1F43B675, media-first-12)
		return map[int64][]byte{0: head, int64(len(head)) + first - 12: second, tagsAt - int64(len(cues)): append(append([]byte{}, cues...), tags...)}
	}
	live := func() map[int64][]byte {
		head := append(append([]byte{}, ebmlHeader...), ebmlElem(0x18538067, -1)...)
		head = append(append(head, seek...), info...)
		head = append(head, ebmlElem(0x1F43B675, -1, ebmlWhole(0xE7, []byte{0}))...) // then zeros: no element
		return map[int64][]byte{0: head, tagsAt: tags}
	}
	for name, pieces := range map[string]map[int64][]byte{"known.mkv": known(), "live.mkv": live()} {
		path := filepath.Join(dir, name)
		sparseFile(t, path, size, pieces)
		sparseReadsLittle(t, path, size, "Matroska", "mkvmerge v89.0")
		os.Remove(path)
	}
}
