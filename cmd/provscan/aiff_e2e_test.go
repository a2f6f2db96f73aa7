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

// aiffWithID3 is an AIFF file whose "ID3 " chunk holds an ID3v2.3 tag with
// the given frames (ID, ISO-8859-1 text), after the sound data.
func aiffWithID3(frames ...[2]string) []byte {
	var tag []byte
	for _, f := range frames {
		fr := append([]byte(f[0]), binary.BigEndian.AppendUint32(nil, uint32(1+len(f[1])))...)
		fr = append(append(fr, 0, 0, 0), f[1]...)
		tag = append(tag, fr...)
	}
	n := len(tag)
	tag = append([]byte{'I', 'D', '3', 3, 0, 0, byte(n >> 21 & 0x7f), byte(n >> 14 & 0x7f), byte(n >> 7 & 0x7f), byte(n & 0x7f)}, tag...)
	body := append([]byte("AIFF"), aiffE2EChunk("COMM", make([]byte, 18))...)
	body = append(body, aiffE2EChunk("SSND", make([]byte, 256))...)
	body = append(body, aiffE2EChunk("ID3 ", tag)...)
	return append(append([]byte("FORM"), binary.BigEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}

// TestGateAIFFID3: an AIFF master whose ID3 chunk carries a ComfyUI
// workflow (TXXX "prompt") fails the default gate; the same file with a
// finishing tool's TSSE passes.
func TestGateAIFFID3(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	deliv := t.TempDir()
	writeFiles(t, deliv, map[string][]byte{"audio/mix.aif": aiffWithID3([2]string{"TXXX", "prompt\x00{\"3\": {\"class_type\": \"KSampler\", \"inputs\": {\"seed\": 1}}}"})})
	r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", deliv)
	rep := parseReport(t, r)
	failing := 0
	for _, f := range rep.Findings {
		if f.FailsGate && f.Path == "audio/mix.aif" {
			failing++
		}
	}
	if r.code != 1 || failing == 0 || len(rep.Unsupported) != 0 || len(rep.Errors) != 0 {
		t.Errorf("exit %d, %d failing findings, unsupported %+v, errors %+v\n%s", r.code, failing, rep.Unsupported, rep.Errors, r.stdout)
	}

	clean := t.TempDir()
	writeFiles(t, clean, map[string][]byte{"audio/mix.aif": aiffWithID3([2]string{"TSSE", "Pro Tools"}, [2]string{"TIT2", "Reel 1 mix"})})
	r = runBinary(t, bin, t.TempDir(), "scan", "--format", "json", clean)
	rep = parseReport(t, r)
	if r.code != 0 || rep.Gate.Failed || len(rep.Unsupported) != 0 || rep.Summary.Inspected != 1 {
		t.Errorf("finishing tool: exit %d, gate %+v, unsupported %+v\n%s", r.code, rep.Gate, rep.Unsupported, r.stdout)
	}
}
