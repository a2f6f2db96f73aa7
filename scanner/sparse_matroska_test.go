package scanner_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/provscan/provscan/bench/synth"
)

// TestHugeMatroskaReadsLittle builds sparse 5 GiB Matroska masters whose
// Tags (an mkvmerge statistics tag) lie at the tail after the media and the
// Cues, named by the SeekHead at the front: one with a Segment and Clusters
// of known sizes (walked by their headers), one live-style with a Segment
// and a Cluster of unknown size (the Tags reached through the SeekHead
// alone). Each must read less than 1 MiB and find the tag.
func TestHugeMatroskaReadsLittle(t *testing.T) {
	const size = int64(5) << 30
	dir := t.TempDir()
	ebmlHeader := synth.EBMLElement(0x1A45DFA3, synth.EBMLElement(0x4282, []byte("matroska")))
	tags := synth.EBMLElement(0x1254C367, synth.EBMLElement(0x7373, synth.EBMLElement(0x67C8,
		synth.EBMLElement(0x45A3, []byte("_STATISTICS_WRITING_APP")), synth.EBMLElement(0x4487, []byte("mkvmerge v89.0 64-bit")))))
	cues := synth.EBMLElement(0x1C53BB6B, make([]byte, 64))
	info := synth.EBMLElement(0x1549A966, synth.EBMLElement(0x4D80, []byte("libebml v1.4.5 + libmatroska v1.7.1")))
	segHeader := len(synth.EBMLSized(0x18538067, 0))
	segData := int64(len(ebmlHeader) + segHeader)
	tagsAt := size - int64(len(tags))
	seek := func() []byte {
		pos := binary.BigEndian.AppendUint64(nil, uint64(tagsAt-segData))
		return synth.EBMLElement(0x114D9B74, synth.EBMLElement(0x4DBB, synth.EBMLElement(0x53AB, []byte{0x12, 0x54, 0xC3, 0x67}), synth.EBMLElement(0x53AC, pos)))
	}()

	known := func() map[int64][]byte {
		head := append(append([]byte{}, ebmlHeader...), synth.EBMLSized(0x18538067, size-segData)...)
		head = append(append(head, seek...), info...)
		// Two Clusters filling the file up to the Cues and Tags.
		media := size - int64(len(head)) - int64(len(cues)) - int64(len(tags))
		first := media / 2
		head = append(head, synth.EBMLSized(0x1F43B675, first-12)...)
		second := synth.EBMLSized(0x1F43B675, media-first-12)
		return map[int64][]byte{0: head, int64(len(head)) + first - 12: second, tagsAt - int64(len(cues)): append(append([]byte{}, cues...), tags...)}
	}
	live := func() map[int64][]byte {
		head := append(append([]byte{}, ebmlHeader...), synth.EBMLSized(0x18538067, -1)...)
		head = append(append(head, seek...), info...)
		head = append(head, synth.EBMLSized(0x1F43B675, -1, synth.EBMLElement(0xE7, []byte{0}))...) // then zeros: no element
		return map[int64][]byte{0: head, tagsAt: tags}
	}
	for name, pieces := range map[string]map[int64][]byte{"known.mkv": known(), "live.mkv": live()} {
		path := filepath.Join(dir, name)
		sparseFile(t, path, size, pieces)
		sparseReadsLittle(t, path, size, "Matroska", "mkvmerge v89.0")
		os.Remove(path)
	}
}
