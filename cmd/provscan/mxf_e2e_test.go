package main

import (
	"encoding/binary"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

// mxfE2EKLV is a KLV triplet with a 4-byte BER length.
func mxfE2EKLV(key []byte, val []byte) []byte {
	b := append(append([]byte(nil), key...), 0x83, byte(len(val)>>16), byte(len(val)>>8), byte(len(val)))
	return append(b, val...)
}

// mxfE2EItem is one item of a local set, a UTF-16BE string.
func mxfE2EItem(tag uint16, s string) []byte {
	var v []byte
	for _, u := range utf16.Encode([]rune(s)) {
		v = binary.BigEndian.AppendUint16(v, u)
	}
	b := binary.BigEndian.AppendUint16(nil, tag)
	b = binary.BigEndian.AppendUint16(b, uint16(len(v)))
	return append(b, v...)
}

// mxfWith is an OP1a MXF header partition, closed and complete, whose
// Identification set names company and product, and, when dmXML is set, a
// descriptive metadata set holding it inline; no footer, no RIP. A frame,
// when given, is an essence element after the metadata (body SID 1).
func mxfWith(company, product, dmXML string, frame ...[]byte) []byte {
	partition := []byte{0x06, 0x0e, 0x2b, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0d, 0x01, 0x02, 0x01, 0x01}
	set := func(b ...byte) []byte {
		return append([]byte{0x06, 0x0e, 0x2b, 0x34, 0x02, 0x53, 0x01, 0x01, 0x0d, 0x01}, b...)
	}
	meta := mxfE2EKLV(append(append([]byte(nil), partition...), 0x05, 0x01, 0x00), []byte{0, 0, 0, 0, 0, 0, 0, 18})
	ident := append(mxfE2EItem(0x3c01, company), mxfE2EItem(0x3c02, product)...)
	meta = append(meta, mxfE2EKLV(set(0x01, 0x01, 0x01, 0x01, 0x30, 0x00), ident)...)
	if dmXML != "" {
		dm := binary.BigEndian.AppendUint16(nil, 0x8001)
		dm = binary.BigEndian.AppendUint16(dm, uint16(len(dmXML)))
		meta = append(meta, mxfE2EKLV(set(0x04, 0x01, 0x04, 0x01, 0x01, 0x00), append(dm, dmXML...))...)
	}
	pack := make([]byte, 88)
	binary.BigEndian.PutUint16(pack, 1)
	binary.BigEndian.PutUint16(pack[2:], 3)
	binary.BigEndian.PutUint32(pack[4:], 1)
	binary.BigEndian.PutUint64(pack[32:], uint64(len(meta)))
	binary.BigEndian.PutUint32(pack[84:], 16)
	b := mxfE2EKLV(append(append([]byte(nil), partition...), 0x02, 0x04, 0x00), pack)
	b = append(b, meta...)
	if len(frame) > 0 {
		binary.BigEndian.PutUint32(b[20+60:], 1)
		picture := []byte{0x06, 0x0e, 0x2b, 0x34, 0x01, 0x02, 0x01, 0x01, 0x0d, 0x01, 0x03, 0x01, 0x15, 0x01, 0x08, 0x01}
		b = append(b, mxfE2EKLV(picture, frame[0])...)
	}
	return b
}

// TestGateMXF: an MXF whose Identification names a GenAI tool, whose
// descriptive metadata holds an XMP DigitalSourceType, or whose first
// JPEG 2000 frame's COM marker names a GenAI tool, fails the default gate;
// one written by finishing tools passes.
func TestGateMXF(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	for _, tc := range []struct {
		name      string
		mxf       []byte
		code      int
		generator string // named in the report
	}{
		{"genai tool", mxfWith("Runway AI, Inc.", "Runway Gen-4", ""), 1, "Runway"},
		{"genai source type", mxfWith("Blackmagic Design", "DaVinci Resolve", genaiXMP), 1, ""},
		{"finishing tool", mxfWith("Blackmagic Design", "DaVinci Resolve", ""), 0, ""},
		{"genai tool in the first frame's COM marker", mxfWith("Blackmagic Design", "DaVinci Resolve", "", j2cWithComment("ComfyUI 0.3.40")), 1, "ComfyUI"},
		{"encoder in the first frame's COM marker", mxfWith("Blackmagic Design", "DaVinci Resolve", "", j2cWithComment("Kakadu-v8.4")), 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			deliv := t.TempDir()
			writeFiles(t, deliv, map[string][]byte{"reels/reel1.mxf": tc.mxf})
			r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", filepath.Join(deliv))
			rep := parseReport(t, r)
			failing := 0
			for _, f := range rep.Findings {
				if f.FailsGate {
					failing++
				}
				if f.Rule == "unreadable" {
					t.Errorf("unreadable: %+v", f)
				}
			}
			if r.code != tc.code || (failing > 0) != (tc.code == 1) || rep.Summary.Files != 1 || len(rep.Unsupported) != 0 {
				t.Errorf("exit %d (want %d), findings %+v, unsupported %+v, errors %+v", r.code, tc.code, rep.Findings, rep.Unsupported, rep.Errors)
			}
			if tc.generator != "" && !strings.Contains(r.stdout, `"generator": "`+tc.generator) {
				t.Errorf("report names no generator %q\n%s", tc.generator, r.stdout)
			}
		})
	}
}
