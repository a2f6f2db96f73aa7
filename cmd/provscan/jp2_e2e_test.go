package main

import (
	"encoding/binary"
	"testing"
)

// jp2E2EBox builds one JPEG 2000 box.
func jp2E2EBox(typ string, data ...[]byte) []byte {
	n := 8
	for _, d := range data {
		n += len(d)
	}
	b := append(binary.BigEndian.AppendUint32(nil, uint32(n)), typ...)
	for _, d := range data {
		b = append(b, d...)
	}
	return b
}

// jp2WithXMP is a JP2 file whose XMP uuid box declares trainedAlgorithmicMedia
// (genaiXMP), after a codestream whose COM marker names Kakadu.
func jp2WithXMP() []byte {
	xmpUUID := []byte{0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC}
	cs := []byte{0xFF, 0x4F, 0xFF, 0x51, 0x00, 0x29}
	cs = append(cs, make([]byte, 39)...)
	cs = append(cs, 0xFF, 0x64, 0x00, 0x0F, 0x00, 0x01)
	cs = append(cs, "Kakadu-v8.4"...)
	cs = append(cs, 0xFF, 0x90, 0x00, 0x0A)
	cs = append(cs, make([]byte, 8+64)...)
	b := []byte{0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A}
	b = append(b, jp2E2EBox("ftyp", []byte("jp2 \x00\x00\x00\x00jp2 "))...)
	b = append(b, jp2E2EBox("jp2h", jp2E2EBox("ihdr", make([]byte, 14)))...)
	b = append(b, jp2E2EBox("jp2c", cs)...)
	return append(b, jp2E2EBox("uuid", xmpUUID, []byte(genaiXMP))...)
}

// TestGateJP2XMP: JPEG 2000 frames carrying an XMP DigitalSourceType of
// trainedAlgorithmicMedia in a uuid box fail the default gate.
func TestGateJP2XMP(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	deliv := t.TempDir()
	writeFiles(t, deliv, map[string][]byte{"frames/shot.0001.jp2": jp2WithXMP(), "frames/shot.0002.jp2": jp2WithXMP()})
	r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", deliv)
	rep := parseReport(t, r)
	n := 0
	for _, f := range rep.Findings {
		if f.Rule == "genai-source-type" && f.FailsGate {
			n++
		}
	}
	if r.code != 1 || n != 2 || len(rep.Unsupported) != 0 || len(rep.Errors) != 0 {
		t.Errorf("exit %d, %d failing genai-source-type findings, unsupported %+v, errors %+v", r.code, n, rep.Unsupported, rep.Errors)
	}
}

// j2cWithComment is a raw JPEG 2000 codestream whose COM marker is text.
func j2cWithComment(text string) []byte {
	cs := []byte{0xFF, 0x4F, 0xFF, 0x51, 0x00, 0x29}
	cs = append(cs, make([]byte, 39)...)
	cs = append(cs, 0xFF, 0x64)
	cs = binary.BigEndian.AppendUint16(cs, uint16(4+len(text)))
	cs = append(append(cs, 0x00, 0x01), text...)
	cs = append(cs, 0xFF, 0x90, 0x00, 0x0A)
	return append(cs, make([]byte, 8+64)...)
}

// TestGateJ2KComment: a codestream whose COM marker names a GenAI tool fails
// the default gate; one naming its encoder (Kakadu) passes.
func TestGateJ2KComment(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	deliv := t.TempDir()
	writeFiles(t, deliv, map[string][]byte{"frames/gen.j2c": j2cWithComment("ComfyUI 0.3.40"), "frames/enc.j2c": j2cWithComment("Kakadu-v8.4")})
	r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", deliv)
	rep := parseReport(t, r)
	failing := rep.failingPaths()
	if r.code != 1 || len(failing) != 1 || !failing["frames/gen.j2c"] || len(rep.Unsupported) != 0 || len(rep.Errors) != 0 {
		t.Errorf("exit %d, failing %v, unsupported %+v, errors %+v", r.code, failing, rep.Unsupported, rep.Errors)
	}
}
