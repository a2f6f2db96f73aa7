package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf16"
)

func readMXFBytes(t *testing.T, b []byte) (*Result, error) {
	t.Helper()
	if !matchMXF(b[:min(len(b), sniffLen)]) {
		t.Fatal("not matched as MXF")
	}
	return Read(bytes.NewReader(b), int64(len(b)))
}

// Keys of the test files.
var (
	mxfTestIdentKey   = []byte{0x06, 0x0e, 0x2b, 0x34, 0x02, 0x53, 0x01, 0x01, 0x0d, 0x01, 0x01, 0x01, 0x01, 0x01, 0x30, 0x00}
	mxfTestPackageKey = []byte{0x06, 0x0e, 0x2b, 0x34, 0x02, 0x53, 0x01, 0x01, 0x0d, 0x01, 0x01, 0x01, 0x01, 0x01, 0x36, 0x00}
	mxfTestDMKey      = []byte{0x06, 0x0e, 0x2b, 0x34, 0x02, 0x53, 0x01, 0x01, 0x0d, 0x01, 0x04, 0x01, 0x04, 0x01, 0x01, 0x00}
	mxfTestFrameKey   = []byte{0x06, 0x0e, 0x2b, 0x34, 0x01, 0x02, 0x01, 0x01, 0x0d, 0x01, 0x03, 0x01, 0x15, 0x01, 0x08, 0x01}
	mxfTestSoundKey   = []byte{0x06, 0x0e, 0x2b, 0x34, 0x01, 0x02, 0x01, 0x01, 0x0d, 0x01, 0x03, 0x01, 0x16, 0x01, 0x01, 0x01}
	mxfTestStreamKey  = []byte{0x06, 0x0e, 0x2b, 0x34, 0x01, 0x01, 0x01, 0x0c, 0x0d, 0x01, 0x05, 0x09, 0x01, 0x00, 0x00, 0x00}
	mxfTestDynamicUL  = []byte{0x06, 0x0e, 0x2b, 0x34, 0x01, 0x01, 0x01, 0x0c, 0x05, 0x20, 0x07, 0x01, 0x0f, 0x00, 0x00, 0x00}
)

// mxfKLVOf is a KLV with a 4-byte BER length.
func mxfKLVOf(key, val []byte) []byte {
	b := append([]byte(nil), key...)
	b = append(b, 0x83, byte(len(val)>>16), byte(len(val)>>8), byte(len(val)))
	return append(b, val...)
}

// mxfPackOf is a partition pack KLV (108 bytes).
func mxfPackOf(kind, status byte, this, prev, footer, headerBytes uint64, sid uint32) []byte {
	key := append(append([]byte(nil), mxfPartitionUL...), kind, status, 0)
	v := make([]byte, 88)
	be := binary.BigEndian
	be.PutUint16(v, 1)
	be.PutUint16(v[2:], 3)
	be.PutUint32(v[4:], 1)
	be.PutUint64(v[8:], this)
	be.PutUint64(v[16:], prev)
	be.PutUint64(v[24:], footer)
	be.PutUint64(v[32:], headerBytes)
	be.PutUint32(v[60:], sid)
	copy(v[64:], []byte{0x06, 0x0e, 0x2b, 0x34, 0x04, 0x01, 0x01, 0x01, 0x0d, 0x01, 0x02, 0x01, 0x01, 0x01, 0x01, 0x00})
	be.PutUint32(v[84:], 16)
	return mxfKLVOf(key, v)
}

func utf16BE(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.BigEndian.AppendUint16(b, u)
	}
	return b
}

// mxfItem is one local set item.
func mxfItem(tag uint16, v []byte) []byte {
	b := binary.BigEndian.AppendUint16(nil, tag)
	b = binary.BigEndian.AppendUint16(b, uint16(len(v)))
	return append(b, v...)
}

// mxfMetadata is header metadata: a primer pack (mapping the dynamic tag
// 0x8001 to ApplicationEnvironmentID), an Identification set, a material
// package and a text-based descriptive metadata set.
func mxfMetadata(company, product string, dm []byte) []byte {
	primer := binary.BigEndian.AppendUint32(nil, 1)
	primer = binary.BigEndian.AppendUint32(primer, 18)
	primer = binary.BigEndian.AppendUint16(primer, 0x8001)
	primer = append(primer, mxfTestDynamicUL...)
	ident := mxfItem(0x3c0a, make([]byte, 16))
	ident = append(ident, mxfItem(0x3c01, utf16BE(company))...)
	ident = append(ident, mxfItem(0x3c02, utf16BE(product))...)
	ident = append(ident, mxfItem(0x3c04, utf16BE("4.0\x00\x00"))...)
	ident = append(ident, mxfItem(0x3c07, []byte{0, 2, 0, 13, 0, 3, 0, 7, 0, 4})...)
	ident = append(ident, mxfItem(0x3c06, []byte{0x07, 0xea, 11, 29, 18, 30, 5, 25})...)
	ident = append(ident, mxfItem(0x8001, utf16BE("gen-pipeline"))...)
	pkg := mxfItem(0x4402, utf16BE("Shot 12 material"))
	dmSet := append(mxfItem(0x3c0a, make([]byte, 16)), mxfItem(0x8002, dm)...)
	dmSet = append(dmSet, mxfItem(0x8003, utf16BE("text/xml"))...)
	b := mxfKLVOf(mxfPrimerUL, primer)
	b = append(b, mxfKLVOf(mxfTestIdentKey, ident)...)
	b = append(b, mxfKLVOf(mxfTestPackageKey, pkg)...)
	return append(b, mxfKLVOf(mxfTestDMKey, dmSet)...)
}

// mxfOpts shape a test file.
type mxfOpts struct {
	company, product string
	footerProduct    string   // footer metadata's ProductName ("": no footer metadata)
	frame            []byte   // the first essence element
	sounds           int      // PCM sound elements before it
	stream           [][]byte // the data elements of generic stream 2
	streamCont       []byte   // more of generic stream 2, in a partition of its own
	dm               []byte   // a descriptive metadata property
	runIn            int
	noRIP            bool
	ripExtra         []uint64 // more RIP entries
}

// mxfLayout says where the pieces of a test file are.
type mxfLayout struct {
	meta, body, stream, footer, rip int
}

// mxfTestFile builds an OP1a file: header partition and metadata, a body
// partition with one essence element, a generic-stream partition, a
// footer partition (with metadata when footerProduct is set) and a RIP.
func mxfTestFile(o mxfOpts) ([]byte, mxfLayout) {
	const packLen = 16 + 4 + 88
	meta := mxfMetadata(o.company, o.product, o.dm)
	var fmeta []byte
	if o.footerProduct != "" {
		fmeta = mxfMetadata(o.company, o.footerProduct, o.dm)
	}
	var frame []byte
	for range o.sounds {
		frame = append(frame, mxfKLVOf(mxfTestSoundKey, make([]byte, 8))...)
	}
	frame = append(frame, mxfKLVOf(mxfTestFrameKey, o.frame)...)
	var stream []byte
	for _, s := range o.stream {
		stream = append(stream, mxfKLVOf(mxfTestStreamKey, s)...)
	}
	var cont []byte
	if o.streamCont != nil {
		cont = mxfKLVOf(mxfTestStreamKey, o.streamCont)
	}
	var l mxfLayout
	l.meta = packLen
	l.body = l.meta + len(meta)
	l.stream = l.body + packLen + len(frame)
	cont2 := l.stream + packLen + len(stream)
	l.footer = cont2
	if cont != nil {
		l.footer += packLen + len(cont)
	}
	l.rip = l.footer + packLen + len(fmeta)
	u := func(i int) uint64 { return uint64(i) }
	b := mxfPackOf(mxfHeader, 4, 0, 0, u(l.footer), u(len(meta)), 0)
	b = append(b, meta...)
	b = append(b, mxfPackOf(mxfBody, 4, u(l.body), 0, u(l.footer), 0, 1)...)
	b = append(b, frame...)
	b = append(b, mxfPackOf(mxfBody, mxfGenericStream, u(l.stream), u(l.body), u(l.footer), 0, 2)...)
	b = append(b, stream...)
	prev := l.stream
	entries := []uint64{0, u(l.body), u(l.stream)}
	if cont != nil {
		b = append(b, mxfPackOf(mxfBody, mxfGenericStream, u(cont2), u(l.stream), u(l.footer), 0, 2)...)
		b = append(b, cont...)
		prev = cont2
		entries = append(entries, u(cont2))
	}
	b = append(b, mxfPackOf(mxfFooter, 4, u(l.footer), u(prev), u(l.footer), u(len(fmeta)), 0)...)
	b = append(b, fmeta...)
	if !o.noRIP {
		var rip []byte
		for _, e := range append(append(entries, u(l.footer)), o.ripExtra...) {
			rip = binary.BigEndian.AppendUint32(rip, 1)
			rip = binary.BigEndian.AppendUint64(rip, e)
		}
		rip = binary.BigEndian.AppendUint32(rip, uint32(16+4+len(rip)+4))
		b = append(b, mxfKLVOf(mxfRIPUL, rip)...)
	}
	if o.runIn > 0 {
		b = append(bytes.Repeat([]byte{0xaa}, o.runIn), b...)
		l.meta += o.runIn
		l.body += o.runIn
		l.stream += o.runIn
		l.footer += o.runIn
		l.rip += o.runIn
	}
	return b, l
}

var (
	mxfTestJ2K  = append([]byte("\xff\x4f\xff\x51\x00\x2f"), make([]byte, 64)...)
	mxfTestTTML = []byte(`<?xml version="1.0" encoding="UTF-8"?><tt xmlns="http://www.w3.org/ns/ttml" xml:lang="en"><body/></tt>`)
)

func mxfMemberBytes(t *testing.T, m Member) []byte {
	t.Helper()
	ra, err := m.Open()
	if err != nil {
		t.Fatalf("member %s: %v", m.Name, err)
	}
	b := make([]byte, m.Size)
	if _, err := ra.ReadAt(b, 0); err != nil && err != io.EOF {
		t.Fatalf("member %s: %v", m.Name, err)
	}
	return b
}

func TestMXF(t *testing.T) {
	xmp := `<x:xmpmeta xmlns:x="adobe:ns:meta/"/>`
	b, _ := mxfTestFile(mxfOpts{company: "Runway AI, Inc.", product: "Runway Gen-4", footerProduct: "Runway Gen-4 (footer)",
		frame: mxfTestJ2K, stream: [][]byte{mxfTestTTML}, dm: []byte(xmp)})
	res, err := readMXFBytes(t, b)
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != "MXF" || res.Media != "video" {
		t.Errorf("format %q media %q", res.Format, res.Media)
	}
	got := map[string]Block{}
	for _, blk := range res.Blocks {
		got[blk.Container+": "+string(blk.Kind)+" "+blk.Key] = blk
		if string(b[blk.Offset:blk.Offset+blk.Size]) == "" {
			t.Errorf("block %+v has no bytes in the file", blk)
		}
	}
	for key, want := range map[string]struct {
		value string
		tool  bool
	}{
		"MXF header metadata: text Identification ProductName":              {"Runway Gen-4", true},
		"MXF header metadata: text Identification CompanyName":              {"Runway AI, Inc.", true},
		"MXF header metadata: text Identification VersionString":            {"4.0", true}, // NUL-terminated
		"MXF header metadata: text Identification ToolkitVersion":           {"2.13.3.7 beta", true},
		"MXF header metadata: text Identification ApplicationEnvironmentID": {"gen-pipeline", true},
		"MXF header metadata: text Identification ModificationDate":         {"2026-11-29 18:30:05.100", false},
		"MXF header metadata: text Material package Name":                   {"Shot 12 material", false},
		"MXF header metadata: text Descriptive metadata 8002":               {xmp, false},
		"MXF header metadata: text Descriptive metadata 8003":               {"text/xml", false},
		"MXF header metadata > Descriptive metadata 8002: xmp ":             {xmp, false},
		"MXF footer metadata: text Identification ProductName":              {"Runway Gen-4 (footer)", true},
	} {
		blk, ok := got[key]
		if !ok || string(blk.Data) != want.value || blk.Tool != want.tool {
			t.Errorf("%s: %q tool %v (present %v), want %q tool %v", key, blk.Data, blk.Tool, ok, want.value, want.tool)
		}
	}
	if len(res.Members) != 2 {
		t.Fatalf("members %+v", res.Members)
	}
	for i, want := range []struct {
		name string
		data []byte
	}{{"frame 1.j2c", mxfTestJ2K}, {"generic stream 2 (TTML).xml", mxfTestTTML}} {
		m := res.Members[i]
		if m.Name != want.name || !bytes.Equal(mxfMemberBytes(t, m), want.data) {
			t.Errorf("member %d: %q, want %q", i, m.Name, want.name)
		}
	}
	if len(res.Warnings)+len(res.Incomplete)+len(res.Skipped) != 0 {
		t.Errorf("warnings %v cuts %v skipped %v", res.Warnings, res.Incomplete, res.Skipped)
	}
}

// TestMXFShapes covers a run-in, a file without a RIP (the partitions
// found back from the footer), a generic stream in several data elements
// and an essence element that is not read.
func TestMXFShapes(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 40)...)
	for _, tc := range []struct {
		name    string
		o       mxfOpts
		members []string
		data    [][]byte
	}{
		{"run-in", mxfOpts{product: "bmx", runIn: 300, frame: mxfTestJ2K}, []string{"frame 1.j2c"}, [][]byte{mxfTestJ2K}},
		{"no RIP", mxfOpts{product: "bmx", noRIP: true, footerProduct: "bmx", stream: [][]byte{png}}, []string{"generic stream 2.png"}, [][]byte{png}},
		{"stream in pieces", mxfOpts{product: "bmx", stream: [][]byte{mxfTestTTML[:50], mxfTestTTML[50:]}}, []string{"generic stream 2 (TTML).xml"}, [][]byte{mxfTestTTML}},
		{"stream over two partitions", mxfOpts{product: "bmx", stream: [][]byte{mxfTestTTML[:50]}, streamCont: mxfTestTTML[50:]}, []string{"generic stream 2 (TTML).xml"}, [][]byte{mxfTestTTML}},
		{"stream over two partitions, no RIP", mxfOpts{product: "bmx", noRIP: true, stream: [][]byte{mxfTestTTML[:50]}, streamCont: mxfTestTTML[50:]}, []string{"generic stream 2 (TTML).xml"}, [][]byte{mxfTestTTML}},
		{"sound before the picture", mxfOpts{product: "bmx", sounds: 2, frame: mxfTestJ2K}, []string{"frame 1.j2c"}, [][]byte{mxfTestJ2K}},
		{"frame-wrapped sound", mxfOpts{product: "bmx", sounds: mxfEssenceSteps + 1, frame: mxfTestJ2K}, nil, nil},
		{"PCM essence", mxfOpts{product: "bmx", frame: make([]byte, 96)}, nil, nil},
		{"RIP listing a partition twice", mxfOpts{product: "bmx", ripExtra: []uint64{0}}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, _ := mxfTestFile(tc.o)
			res, err := readMXFBytes(t, b)
			if err != nil {
				t.Fatal(err)
			}
			want := 7
			if tc.o.footerProduct != "" {
				want = 14
			}
			if len(res.Blocks) != want || string(res.Blocks[0].Data) != "bmx" {
				t.Errorf("%d blocks, want %d: %+v", len(res.Blocks), want, res.Blocks)
			}
			if len(res.Members) != len(tc.members) {
				t.Fatalf("members %+v", res.Members)
			}
			for i, m := range res.Members {
				if m.Name != tc.members[i] || !bytes.Equal(mxfMemberBytes(t, m), tc.data[i]) {
					t.Errorf("member %q, want %q", m.Name, tc.members[i])
				}
			}
			if len(res.Incomplete) != 0 {
				t.Errorf("cuts %v", res.Incomplete)
			}
			if tc.o.noRIP != (len(res.Warnings) == 1 && strings.Contains(res.Warnings[0], "no random index pack")) && tc.o.runIn == 0 {
				t.Errorf("warnings %v", res.Warnings)
			}
		})
	}
}

func TestMXFHostile(t *testing.T) {
	o := mxfOpts{product: "Runway Gen-4", footerProduct: "Runway Gen-4", frame: mxfTestJ2K, stream: [][]byte{mxfTestTTML}}
	good, l := mxfTestFile(o)
	patch := func(at int, p ...byte) []byte {
		b := append([]byte(nil), good...)
		copy(b[at:], p)
		return b
	}
	be := binary.BigEndian
	u64 := func(v uint64) []byte { return be.AppendUint64(nil, v) }
	ripEntry := func(i int) int { return l.rip + 20 + i*12 + 4 } // offset of RIP entry i
	noRIP, _ := mxfTestFile(mxfOpts{product: "x", noRIP: true})
	_, nl := mxfTestFile(mxfOpts{product: "x", noRIP: true})
	hugeSet := mxfTestFile2(t, mxfKLVOf(mxfTestIdentKey, make([]byte, mxfMaxSet+1)))
	manyRIP, _ := mxfTestFile(mxfOpts{product: "x", ripExtra: make([]uint64, mxfMaxPartitions)})
	// a header partition of body SID 1 whose essence is behind more index
	// table segments than the reader walks
	noEssence := mxfPackOf(mxfHeader, 4, 0, 0, 0, 0, 1)
	for range mxfEssenceSteps + 1 {
		noEssence = append(noEssence, mxfKLVOf([]byte{0x06, 0x0e, 0x2b, 0x34, 0x02, 0x53, 0x01, 0x01, 0x0d, 0x01, 0x02, 0x01, 0x01, 0x10, 0x01, 0x00}, make([]byte, 4))...)
	}
	noEssence = append(noEssence, mxfKLVOf(mxfTestFrameKey, mxfTestJ2K)...)
	for _, tc := range []struct {
		name   string
		b      []byte
		want   error // nil: no error
		blocks int
		cut    bool
	}{
		{"cut in the header pack", good[:60], errTruncated, 0, false},
		{"cut in the metadata", good[:l.body-10], errTruncated, 0, false},
		{"cut in the footer metadata", good[:l.rip-10], errTruncated, 7, false},
		{"header byte count past the end", patch(20+32, u64(1<<40)...), errTruncated, 0, false},
		{"BER length of 9 bytes", patch(l.meta+16, 0x89), ErrMalformed, 0, false},
		{"indefinite BER length", patch(l.meta+16, 0x80), ErrMalformed, 0, false},
		{"set item lying about its length", patch(l.meta+20+26+20+2, 0xff, 0xff), ErrMalformed, 0, false},
		{"primer lying about its count", patch(l.meta+20, 0, 1, 0, 0), ErrMalformed, 0, false},
		{"RIP pointing past the end", patch(ripEntry(2), u64(1<<40)...), ErrMalformed, 7, false},
		{"RIP pointing into essence", patch(ripEntry(2), u64(uint64(l.body+130))...), ErrMalformed, 7, false},
		{"RIP of a bad size", patch(len(good)-4, 0, 0, 0, 99), nil, 14, false},
		{"partition chain loop", patchAt(noRIP, nl.stream+20+16, u64(uint64(nl.footer))), ErrMalformed, 7, false},
		{"set over the set limit", hugeSet, nil, 0, true},
		{"RIP of too many partitions", manyRIP, nil, 7, true},
		{"essence behind too many KLVs", noEssence, nil, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := readMXFBytes(t, tc.b)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if res == nil || len(res.Blocks) != tc.blocks {
				t.Errorf("blocks kept: %+v", res)
			} else if tc.cut != (len(res.Incomplete) > 0) {
				t.Errorf("cuts %v", res.Incomplete)
			}
		})
	}
}

func patchAt(b []byte, at int, p []byte) []byte {
	b = append([]byte(nil), b...)
	copy(b[at:], p)
	return b
}

// mxfTestFile2 is a header partition whose metadata is meta alone, with no
// footer and no RIP.
func mxfTestFile2(t *testing.T, meta []byte) []byte {
	t.Helper()
	return append(mxfPackOf(mxfHeader, 4, 0, 0, 0, uint64(len(meta)), 0), meta...)
}

func FuzzMXF(f *testing.F) {
	for _, o := range []mxfOpts{
		{company: "c", product: "Runway Gen-4", footerProduct: "p", frame: mxfTestJ2K, stream: [][]byte{mxfTestTTML}, dm: []byte("<x:xmpmeta/>")},
		{product: "p", noRIP: true, footerProduct: "q", stream: [][]byte{[]byte("ab"), []byte("cd")}},
		{product: "p", runIn: 20, frame: []byte("\x76\x2f\x31\x01\x02\x00\x00\x00")},
		{product: "p", sounds: 3, frame: mxfTestJ2K, stream: [][]byte{[]byte("<tt/>")}, streamCont: []byte("x")},
	} {
		b, _ := mxfTestFile(o)
		f.Add(b)
	}
	walk, _ := mxfTestFile(mxfOpts{product: "p", footerProduct: "q", noRIP: true, frame: mxfTestJ2K})
	f.Add(patchAt(walk, 20+24, make([]byte, 8)))
	f.Fuzz(func(t *testing.T, b []byte) {
		if !matchMXF(b[:min(len(b), sniffLen)]) {
			return
		}
		res, _ := readMXF(bytes.NewReader(b), int64(len(b)), nil)
		for _, blk := range res.Blocks {
			if blk.Offset < 0 || blk.Offset+blk.Size > int64(len(b)) {
				t.Fatalf("block outside the file: %+v", blk)
			}
		}
		for _, m := range res.Members {
			if m.Size < 0 || m.Size > int64(len(b)) {
				t.Fatalf("member larger than the file: %+v", m)
			}
			if ra, err := m.Open(); err == nil {
				p := make([]byte, min(m.Size, 64))
				if _, err := ra.ReadAt(p, 0); err != nil && err != io.EOF {
					t.Fatalf("member %q: %v", m.Name, err)
				}
			}
		}
	})
}

// TestMXFCorpus reads the MXF files of ../shared/corpus/pro: each must read
// as MXF and surface the identity strings pro/expected.jsonl lists for it,
// with a Tool block for each.
func TestMXFCorpus(t *testing.T) {
	proCorpusCheck(t, "MXF", func(t *testing.T, b []byte) (*Result, error) {
		res, err := readMXFBytes(t, b)
		if res != nil && res.Format != "MXF" {
			t.Errorf("format %q", res.Format)
		}
		if res != nil {
			tools := 0
			for _, blk := range res.Blocks {
				if blk.Tool {
					tools++
				}
			}
			if tools == 0 {
				t.Errorf("no tool block")
			}
		}
		return res, err
	})
}

// TestMXFStreamLimits: a generic stream of more data elements than the
// reader reassembles is listed as skipped, not dropped.
func TestMXFStreamLimits(t *testing.T) {
	pieces := make([][]byte, mxfMaxStreamKLVs+1)
	for i := range pieces {
		pieces[i] = []byte("<a/>")
	}
	b, _ := mxfTestFile(mxfOpts{product: "bmx", stream: pieces})
	res, err := readMXFBytes(t, b)
	if err != nil || len(res.Members) != 0 || len(res.Skipped) != 1 || res.Skipped[0].Name != "generic stream 2.xml" {
		t.Errorf("err %v members %+v skipped %+v", err, res.Members, res.Skipped)
	}
}

// TestMXFWalk: a file with neither a RIP nor a footer offset in its (open)
// header partition has its partitions found by walking its KLVs, within a
// number of steps beyond which the rest is a cut.
func TestMXFWalk(t *testing.T) {
	b, _ := mxfTestFile(mxfOpts{product: "bmx", footerProduct: "bmx2", noRIP: true, stream: [][]byte{mxfTestTTML}, frame: mxfTestJ2K})
	b = patchAt(b, 20+24, make([]byte, 8))
	res, err := readMXFBytes(t, b)
	if err != nil || len(res.Blocks) != 14 || len(res.Members) != 2 || len(res.Incomplete) != 0 {
		t.Errorf("err %v, %d blocks, members %+v, cuts %v", err, len(res.Blocks), res.Members, res.Incomplete)
	}
	b, _ = mxfTestFile(mxfOpts{product: "bmx", footerProduct: "bmx2", noRIP: true, sounds: mxfWalkSteps, frame: mxfTestJ2K})
	b = patchAt(b, 20+24, make([]byte, 8))
	res, err = readMXFBytes(t, b)
	if err != nil || len(res.Blocks) != 7 || len(res.Incomplete) != 1 {
		t.Errorf("err %v, %d blocks, cuts %v", err, len(res.Blocks), res.Incomplete)
	}
}

// TestMXFKeepsMembers: a file cut inside its footer metadata is an error,
// and the frame and generic stream read before it are members still.
func TestMXFKeepsMembers(t *testing.T) {
	b, l := mxfTestFile(mxfOpts{product: "bmx", footerProduct: "bmx", frame: mxfTestJ2K, stream: [][]byte{mxfTestTTML}})
	res, err := readMXFBytes(t, b[:l.rip-10])
	if !errors.Is(err, errTruncated) || len(res.Members) != 2 {
		t.Errorf("err %v, members %+v", err, res.Members)
	}
}
