package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
	"unicode/utf16"
)

// cfbNode is a storage (children) or a stream (data) of a compound file
// built by cfbFile.
type cfbNode struct {
	name     string
	data     []byte
	storage  bool
	clsid    []byte
	children []*cfbNode
}

const (
	cfbFree       = 0xFFFFFFFF
	cfbEndOfChain = 0xFFFFFFFE
	cfbFATSect    = 0xFFFFFFFD
	cfbNoStream   = 0xFFFFFFFF
)

// cfbFile writes a version 3 compound file (512-byte sectors): the FAT
// sectors, the mini FAT, the directory, the mini stream (streams under 4096
// bytes, in 64-byte mini sectors), then the other streams. headerID is the
// header's class ID, rootID the root entry's. Each storage's children hang
// off its child pointer as a chain of right siblings.
func cfbFile(headerID, rootID []byte, children ...*cfbNode) []byte {
	root := &cfbNode{name: "Root Entry", storage: true, clsid: rootID, children: children}
	var entries []*cfbNode
	var walk func(n *cfbNode)
	walk = func(n *cfbNode) {
		entries = append(entries, n)
		for _, c := range n.children {
			walk(c)
		}
	}
	walk(root)
	id := map[*cfbNode]uint32{}
	for i, e := range entries {
		id[e] = uint32(i)
	}
	// The mini stream and the big streams.
	var mini []byte
	var miniFAT []uint32
	start := map[*cfbNode]uint32{}
	var big []*cfbNode
	for _, e := range entries[1:] {
		if e.storage || len(e.data) == 0 {
			continue
		}
		if len(e.data) >= 4096 {
			big = append(big, e)
			continue
		}
		first := uint32(len(mini) / 64)
		start[e] = first
		n := (len(e.data) + 63) / 64
		for i := range n {
			if i == n-1 {
				miniFAT = append(miniFAT, cfbEndOfChain)
			} else {
				miniFAT = append(miniFAT, first+uint32(i)+1)
			}
		}
		mini = append(mini, e.data...)
		mini = append(mini, make([]byte, n*64-len(e.data))...)
	}
	sectors := func(n int) int { return (n + 511) / 512 }
	nMiniFAT := sectors(len(miniFAT) * 4)
	nDir := sectors(len(entries) * 128)
	nMini := sectors(len(mini))
	rest := nMiniFAT + nDir + nMini
	for _, b := range big {
		rest += sectors(len(b.data))
	}
	nFAT := 1
	for nFAT*128 < nFAT+rest {
		nFAT++
	}
	fat := make([]uint32, 0, nFAT*128)
	for range nFAT {
		fat = append(fat, cfbFATSect)
	}
	chain := func(n int) uint32 { // allocates n sectors in a chain, returns the first
		if n == 0 {
			return cfbEndOfChain
		}
		first := uint32(len(fat))
		for i := range n {
			if i == n-1 {
				fat = append(fat, cfbEndOfChain)
			} else {
				fat = append(fat, first+uint32(i)+1)
			}
		}
		return first
	}
	miniFATStart, dirStart, miniStart := chain(nMiniFAT), chain(nDir), chain(nMini)
	bigStart := map[*cfbNode]uint32{}
	for _, b := range big {
		bigStart[b] = chain(sectors(len(b.data)))
	}
	for len(fat) < nFAT*128 {
		fat = append(fat, cfbFree)
	}

	h := make([]byte, 512)
	copy(h, cfbMagic)
	copy(h[8:24], headerID)
	binary.LittleEndian.PutUint16(h[24:], 0x3E)
	binary.LittleEndian.PutUint16(h[26:], 3)
	binary.LittleEndian.PutUint16(h[28:], 0xFFFE)
	binary.LittleEndian.PutUint16(h[30:], 9)
	binary.LittleEndian.PutUint16(h[32:], 6)
	binary.LittleEndian.PutUint32(h[44:], uint32(nFAT))
	binary.LittleEndian.PutUint32(h[48:], dirStart)
	binary.LittleEndian.PutUint32(h[56:], 4096)
	binary.LittleEndian.PutUint32(h[60:], miniFATStart)
	binary.LittleEndian.PutUint32(h[64:], uint32(nMiniFAT))
	binary.LittleEndian.PutUint32(h[68:], cfbEndOfChain)
	for i := range 109 {
		v := uint32(cfbFree)
		if i < nFAT {
			v = uint32(i)
		}
		binary.LittleEndian.PutUint32(h[76+4*i:], v)
	}
	out := h
	pad := func() {
		for len(out)%512 != 0 {
			out = append(out, 0)
		}
	}
	for _, v := range fat {
		out = binary.LittleEndian.AppendUint32(out, v)
	}
	for _, v := range miniFAT {
		out = binary.LittleEndian.AppendUint32(out, v)
	}
	for len(miniFAT) > 0 && len(out)%512 != 0 {
		out = binary.LittleEndian.AppendUint32(out, cfbFree)
	}
	for _, e := range entries {
		d := make([]byte, 128)
		name := utf16.Encode([]rune(e.name))
		for i, c := range name {
			binary.LittleEndian.PutUint16(d[2*i:], c)
		}
		binary.LittleEndian.PutUint16(d[64:], uint16(2*len(name)+2))
		switch {
		case e == root:
			d[66] = 5
		case e.storage:
			d[66] = 1
		default:
			d[66] = 2
		}
		d[67] = 1
		left, right, child := uint32(cfbNoStream), uint32(cfbNoStream), uint32(cfbNoStream)
		if len(e.children) > 0 {
			child = id[e.children[0]]
		}
		for _, p := range entries {
			for i, c := range p.children {
				if c == e && i+1 < len(p.children) {
					right = id[p.children[i+1]]
				}
			}
		}
		binary.LittleEndian.PutUint32(d[68:], left)
		binary.LittleEndian.PutUint32(d[72:], right)
		binary.LittleEndian.PutUint32(d[76:], child)
		copy(d[80:96], e.clsid)
		st, size := uint32(cfbEndOfChain), uint64(len(e.data))
		switch {
		case e == root:
			st, size = miniStart, uint64(len(mini))
		case bigStart[e] != 0:
			st = bigStart[e]
		case !e.storage && len(e.data) > 0:
			st = start[e]
		}
		binary.LittleEndian.PutUint32(d[116:], st)
		binary.LittleEndian.PutUint64(d[120:], size)
		out = append(out, d...)
	}
	for len(out)%512 != 0 {
		out = append(out, make([]byte, 128)...) // empty entries
	}
	out = append(out, mini...)
	pad()
	for _, b := range big {
		out = append(out, b.data...)
		pad()
	}
	return out
}

// aafProps encodes a little-endian properties stream of string properties
// (UTF-16, NUL-terminated) and raw values.
func aafProps(props ...any) []byte {
	type prop struct {
		pid   uint16
		value []byte
	}
	var ps []prop
	for i := 0; i+1 < len(props); i += 2 {
		var v []byte
		switch x := props[i+1].(type) {
		case string:
			for _, c := range utf16.Encode([]rune(x)) {
				v = binary.LittleEndian.AppendUint16(v, c)
			}
			v = append(v, 0, 0)
		case []byte:
			v = x
		}
		ps = append(ps, prop{uint16(props[i].(int)), v})
	}
	b := []byte{'L', 0x20}
	b = binary.LittleEndian.AppendUint16(b, uint16(len(ps)))
	for _, p := range ps {
		b = binary.LittleEndian.AppendUint16(b, p.pid)
		b = binary.LittleEndian.AppendUint16(b, aafFormData)
		b = binary.LittleEndian.AppendUint16(b, uint16(len(p.value)))
	}
	for _, p := range ps {
		b = append(b, p.value...)
	}
	return b
}

// aafIdent is an Identification storage of the IdentificationList.
func aafIdent(i int, props []byte) *cfbNode {
	return &cfbNode{name: "Identifi-ionList-3b06{" + string(rune('0'+i)) + "}", storage: true, children: []*cfbNode{{name: "properties", data: props}}}
}

// aafFile builds an AAF file: the AAF signature in the header, the AAF root
// class, a Header with the given Identification objects, a MetaDictionary,
// and an essence stream that is never read.
func aafFile(idents ...[]byte) []byte {
	var list []*cfbNode
	for i, p := range idents {
		list = append(list, aafIdent(i, p))
	}
	header := &cfbNode{name: "Header-2", storage: true, children: append([]*cfbNode{{name: "properties", data: aafProps(0x3B05, []byte{1, 0})}}, list...)}
	essence := &cfbNode{name: "Data-2702", storage: true, children: []*cfbNode{{name: "properties", data: bytes.Repeat([]byte{0xEE}, 5000)}}}
	return cfbFile(aafClassIDs[1], aafClassIDs[0], header, &cfbNode{name: "MetaDictionary-1", storage: true}, essence)
}

var aafRunway = aafProps(aafPIDCompanyName, "Runway AI, Inc.", aafPIDProductName, "Runway Gen-4", aafPIDVersionStr, "4.0.1",
	0x3C03, []byte{4, 0, 0, 0, 1, 0, 0, 0, 1}, aafPIDDate, []byte{0xEA, 0x07, 11, 29, 18, 30, 5, 0}, aafPIDPlatform, "Win64")

func readAAFBytes(t *testing.T, b []byte) (*Result, error) {
	t.Helper()
	if !matchCFB(b) {
		t.Fatal("not matched as a compound file")
	}
	return Read(bytes.NewReader(b), int64(len(b)))
}

func TestAAF(t *testing.T) {
	avid := aafProps(aafPIDCompanyName, "Avid Technology, Inc.", aafPIDProductName, "Media Composer", aafPIDVersionStr, "2024.6", aafPIDPlatform, "macOS")
	res, err := readAAFBytes(t, aafFile(avid, aafRunway))
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != formatAAF {
		t.Errorf("format %q", res.Format)
	}
	var got []string
	for _, b := range res.Blocks {
		got = append(got, b.Container+" "+b.Key+"="+string(b.Data))
		if b.Kind != KindText || b.Tool != (b.Key != "Date") {
			t.Errorf("block %+v", b)
		}
	}
	want := []string{
		"AAF Identification Identifi-ionList-3b06{0} CompanyName=Avid Technology, Inc.",
		"AAF Identification Identifi-ionList-3b06{0} ProductName=Media Composer",
		"AAF Identification Identifi-ionList-3b06{0} ProductVersionString=2024.6",
		"AAF Identification Identifi-ionList-3b06{0} Platform=macOS",
		"AAF Identification Identifi-ionList-3b06{1} CompanyName=Runway AI, Inc.",
		"AAF Identification Identifi-ionList-3b06{1} ProductName=Runway Gen-4",
		"AAF Identification Identifi-ionList-3b06{1} ProductVersionString=4.0.1",
		"AAF Identification Identifi-ionList-3b06{1} Date=2026-11-29T18:30:05",
		"AAF Identification Identifi-ionList-3b06{1} Platform=Win64",
	}
	if len(got) != len(want) {
		t.Fatalf("blocks:\n%q\nwant\n%q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("block %d: %q, want %q", i, got[i], want[i])
		}
	}
	if len(res.Warnings) != 0 || len(res.Incomplete) != 0 {
		t.Errorf("warnings %v, incomplete %v", res.Warnings, res.Incomplete)
	}

	// AAF known by its root class or by its storages alone.
	for name, b := range map[string][]byte{
		"root class": cfbFile(nil, aafClassIDs[0], &cfbNode{name: "Header-2", storage: true, children: []*cfbNode{aafIdent(0, aafRunway)}}),
		"storages": cfbFile(nil, nil, &cfbNode{name: "Header-2", storage: true, children: []*cfbNode{aafIdent(0, aafRunway)}},
			&cfbNode{name: "MetaDictionary-1", storage: true}),
	} {
		res, err := readAAFBytes(t, b)
		if err != nil || len(res.Blocks) != 5 {
			t.Errorf("%s: %v, blocks %+v", name, err, res)
		}
	}
}

// TestAAFNotAAF: a compound file that is not AAF (a Word document, an MSI)
// is no format the reader knows: it stays unsupported, named by LooksLike.
func TestAAFNotAAF(t *testing.T) {
	doc := cfbFile(nil, nil, &cfbNode{name: "WordDocument", data: bytes.Repeat([]byte{1}, 100)}, &cfbNode{name: "\x05SummaryInformation", data: []byte("x")})
	res, err := readAAFBytes(t, doc)
	if !errors.Is(err, ErrUnknownFormat) || res != nil {
		t.Errorf("not AAF: %v, %+v", err, res)
	}
	if got := LooksLike(doc); got != "OLE compound file (not AAF)" {
		t.Errorf("LooksLike = %q", got)
	}
	garbage := append([]byte(cfbMagic), bytes.Repeat([]byte{0x41}, 600)...)
	if _, err := readAAFBytes(t, garbage); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("garbage without an AAF signature: %v", err)
	}
}

// badFile is a damaged file, the error its read returns and whether blocks
// read before the damage are kept.
type badFile struct {
	name string
	b    []byte
	want error
	kept bool
}

// checkBadFiles reads each damaged file with read.
func checkBadFiles(t *testing.T, read func(*testing.T, []byte) (*Result, error), cases []badFile) {
	t.Helper()
	for _, c := range cases {
		res, err := read(t, c.b)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
		if res == nil {
			t.Errorf("%s: no result", c.name)
			continue
		}
		if kept := len(res.Blocks) > 0; kept != c.kept {
			t.Errorf("%s: blocks %v, want kept %v", c.name, res.Blocks, c.kept)
		}
	}
}

func TestAAFBad(t *testing.T) {
	good := aafFile(aafRunway)
	badHeader := append([]byte{}, good...)
	binary.LittleEndian.PutUint16(badHeader[30:], 7) // sector size 128: illegal
	lying := append([]byte{}, aafRunway...)
	binary.LittleEndian.PutUint16(lying[2:], 200) // 200 properties in a stream of a few
	short := append([]byte{}, aafRunway...)
	binary.LittleEndian.PutUint16(short[4+6*1+4:], 2000) // ProductName of 2000 bytes
	big := aafProps(aafPIDProductName, string(bytes.Repeat([]byte("x"), 32000)))
	big = append(big, make([]byte, aafMaxProperties+1-len(big))...)
	cases := []badFile{
		{"truncated", good[:1536], errTruncated, false},
		{"header only", good[:512], errTruncated, false},
		{"bad sector size", badHeader, ErrMalformed, false},
		{"lying count", aafFile(aafRunway, lying), errTruncated, true},
		{"lying length", aafFile(aafRunway, short), errTruncated, true},
		{"oversized properties", aafFile(aafRunway, big), errLimit, true},
		{"byte order", aafFile(aafRunway, append([]byte{'X'}, aafRunway[1:]...)), ErrMalformed, true},
	}
	checkBadFiles(t, readAAFBytes, cases)
}

// TestAAFReadCap: a FAT chain that loops through many sectors is stopped
// by the cap on reads, an error of its kind.
func TestAAFReadCap(t *testing.T) {
	cr := &cappedReaderAt{r: bytes.NewReader(make([]byte, 16)), size: 16}
	var p [4]byte
	for range aafMaxReads {
		if _, err := cr.ReadAt(p[:], 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cr.ReadAt(p[:], 0); !errors.Is(err, errLimit) || !cr.over {
		t.Errorf("read over the cap: %v", err)
	}
}

func TestAAFCorpus(t *testing.T) {
	proCorpusCheck(t, "AAF", readAAFBytes)
}

func FuzzAAF(f *testing.F) {
	f.Add(aafFile(aafRunway))
	f.Add(aafFile(aafRunway, aafProps(aafPIDProductName, "Nuke")))
	f.Add(cfbFile(nil, nil, &cfbNode{name: "WordDocument", data: []byte("doc")}))
	f.Fuzz(func(t *testing.T, b []byte) {
		if !matchCFB(b) {
			return
		}
		res, err := readAAF(bytes.NewReader(b), int64(len(b)), nil)
		if res == nil {
			if !errors.Is(err, ErrUnknownFormat) {
				t.Fatalf("no result: %v", err)
			}
			return
		}
		for _, blk := range res.Blocks {
			if blk.Offset < 0 || blk.Offset+blk.Size > int64(len(b)) {
				t.Fatalf("block outside the file: %+v", blk)
			}
		}
	})
}
