package main

import (
	"encoding/binary"
	"testing"
)

// aiffE2EChunk builds one AIFF chunk (big-endian size, padded to even).
func aiffE2EChunk(id string, data []byte) []byte {
	b := append([]byte(id), binary.BigEndian.AppendUint32(nil, uint32(len(data)))...)
	b = append(b, data...)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

// aiffID3 is an "ID3 " chunk holding an ID3v2.3 tag with the given frames
// (ID, ISO-8859-1 text).
func aiffID3(frames ...[2]string) []byte {
	var tag []byte
	for _, f := range frames {
		fr := append([]byte(f[0]), binary.BigEndian.AppendUint32(nil, uint32(1+len(f[1])))...)
		fr = append(append(fr, 0, 0, 0), f[1]...)
		tag = append(tag, fr...)
	}
	n := len(tag)
	tag = append([]byte{'I', 'D', '3', 3, 0, 0, byte(n >> 21 & 0x7f), byte(n >> 14 & 0x7f), byte(n >> 7 & 0x7f), byte(n & 0x7f)}, tag...)
	return aiffE2EChunk("ID3 ", tag)
}

// aiffWith is an AIFF file with the given chunks after its sound data.
func aiffWith(chunks ...[]byte) []byte {
	body := append([]byte("AIFF"), aiffE2EChunk("COMM", make([]byte, 18))...)
	body = append(body, aiffE2EChunk("SSND", make([]byte, 256))...)
	for _, c := range chunks {
		body = append(body, c...)
	}
	return append(append([]byte("FORM"), binary.BigEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}

// TestGateAIFF: AIFF masters whose ID3 chunk carries a ComfyUI workflow
// (TXXX "prompt") or names a GenAI tool (TSSE), or whose application chunk
// names one, fail the default gate; the same files naming finishing tools
// pass.
func TestGateAIFF(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	deliv := t.TempDir()
	writeFiles(t, deliv, map[string][]byte{
		"audio/workflow.aif": aiffWith(aiffID3([2]string{"TXXX", "prompt\x00{\"3\": {\"class_type\": \"KSampler\", \"inputs\": {\"seed\": 1}}}"})),
		"audio/tsse.aif":     aiffWith(aiffID3([2]string{"TSSE", "ComfyUI 0.3.40"})),
		"audio/appl.aif":     aiffWith(aiffE2EChunk("APPL", []byte("stoc\x12Stable Audio Tools"))),
	})
	r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", deliv)
	rep := parseReport(t, r)
	failing := rep.failingPaths()
	if r.code != 1 || len(failing) != 3 || len(rep.Unsupported) != 0 || len(rep.Errors) != 0 {
		t.Errorf("exit %d, failing %v, unsupported %+v, errors %+v\n%s", r.code, failing, rep.Unsupported, rep.Errors, r.stdout)
	}

	clean := t.TempDir()
	writeFiles(t, clean, map[string][]byte{
		"audio/mix.aif": aiffWith(aiffID3([2]string{"TSSE", "Pro Tools"}, [2]string{"TIT2", "Reel 1 mix"}), aiffE2EChunk("APPL", []byte("stoc\x0fDaVinci Resolve"))),
	})
	r = runBinary(t, bin, t.TempDir(), "scan", "--format", "json", clean)
	rep = parseReport(t, r)
	if r.code != 0 || rep.Gate.Failed || len(rep.Unsupported) != 0 || rep.Summary.Inspected != 1 {
		t.Errorf("finishing tools: exit %d, gate %+v, unsupported %+v\n%s", r.code, rep.Gate, rep.Unsupported, r.stdout)
	}
}
