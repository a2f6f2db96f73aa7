package pdf

import (
	"bytes"
	"compress/zlib"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/rc4"
	"crypto/sha256"
	"encoding/ascii85"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/provscan/provscan/provenance/internal/reader"
	"github.com/provscan/provscan/provenance/readerr"
)

// pdfBuilder writes small PDFs for the tests.
type pdfBuilder struct {
	buf  bytes.Buffer
	offs map[int]int64 // object offsets of the section being written
}

func newPDF() *pdfBuilder {
	b := &pdfBuilder{offs: map[int]int64{}}
	b.buf.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	return b
}

func (b *pdfBuilder) obj(num int, body string) {
	b.offs[num] = int64(b.buf.Len())
	fmt.Fprintf(&b.buf, "%d 0 obj\n%s\nendobj\n", num, body)
}

func (b *pdfBuilder) stream(num int, dict string, data []byte) {
	b.offs[num] = int64(b.buf.Len())
	fmt.Fprintf(&b.buf, "%d 0 obj\n<<%s /Length %d>>\nstream\n", num, dict, len(data))
	b.buf.Write(data)
	b.buf.WriteString("\nendstream\nendobj\n")
}

// testJUMBF is a minimal jumb superbox with a c2pa description box.
func testJUMBF() []byte {
	desc := append([]byte("\x00\x00\x00\x1ejumdc2pa\x00\x11\x00\x10\x80\x00\x00\xaa\x00\x38\x9b\x71"), "c2pa\x00"...)
	box := []byte{0, 0, 0, byte(8 + len(desc))}
	box = append(box, "jumb"...)
	return append(box, desc...)
}

func deflate(data []byte) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(data)
	w.Close()
	return z.Bytes()
}

// xrefTable writes a classic cross-reference section for the objects
// written since the last section, with the given trailer entries.
func (b *pdfBuilder) xrefTable(trailer string) int64 {
	off := int64(b.buf.Len())
	nums := make([]int, 0, len(b.offs))
	for n := range b.offs {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	b.buf.WriteString("xref\n")
	if !slices.Contains(nums, 0) && b.isFirst() {
		b.buf.WriteString("0 1\n0000000000 65535 f\r\n")
	}
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		fmt.Fprintf(&b.buf, "%d %d\n", nums[i], j-i+1)
		for k := i; k <= j; k++ {
			fmt.Fprintf(&b.buf, "%010d 00000 n\r\n", b.offs[nums[k]])
		}
		i = j + 1
	}
	fmt.Fprintf(&b.buf, "trailer\n<<%s>>\nstartxref\n%d\n%%%%EOF\n", trailer, off)
	b.offs = map[int]int64{}
	return off
}

func (b *pdfBuilder) isFirst() bool { return !bytes.Contains(b.buf.Bytes(), []byte("startxref")) }

// xrefStream writes a cross-reference stream object num (PNG Up predicted)
// for the objects written since the last section plus the ones in
// inStream (object number -> [object stream, index]).
func (b *pdfBuilder) xrefStream(num int, inStream map[int][2]int, trailer string) int64 {
	off := int64(b.buf.Len())
	b.offs[num] = off
	type ent struct {
		typ  byte
		a, c int
	}
	ents := map[int]ent{}
	for n, o := range b.offs {
		ents[n] = ent{1, int(o), 0}
	}
	for n, s := range inStream {
		ents[n] = ent{2, s[0], s[1]}
	}
	nums := make([]int, 0, len(ents))
	for n := range ents {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	var index []string
	var rows [][]byte
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		index = append(index, fmt.Sprintf("%d %d", nums[i], j-i+1))
		for k := i; k <= j; k++ {
			e := ents[nums[k]]
			row := []byte{e.typ, 0, 0, 0, 0, 0, 0}
			binary.BigEndian.PutUint32(row[1:], uint32(e.a))
			binary.BigEndian.PutUint16(row[5:], uint16(e.c))
			rows = append(rows, row)
		}
		i = j + 1
	}
	var pred []byte
	prev := make([]byte, 7)
	for _, row := range rows {
		pred = append(pred, 2)
		for k := range row {
			pred = append(pred, row[k]-prev[k])
		}
		prev = row
	}
	data := deflate(pred)
	fmt.Fprintf(&b.buf, "%d 0 obj\n<</Type/XRef/W[1 4 2]/Index[%s]/Filter/FlateDecode/DecodeParms<</Predictor 12/Columns 7>>%s/Length %d>>stream\r\n",
		num, strings.Join(index, " "), trailer, len(data))
	b.buf.Write(data)
	fmt.Fprintf(&b.buf, "\r\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", off)
	b.offs = map[int]int64{}
	return off
}

// objStm writes object stream num holding the given objects in order.
func (b *pdfBuilder) objStm(num int, objs map[int]string) map[int][2]int {
	nums := make([]int, 0, len(objs))
	for n := range objs {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	var head, body bytes.Buffer
	where := map[int][2]int{}
	for i, n := range nums {
		fmt.Fprintf(&head, "%d %d ", n, body.Len())
		body.WriteString(objs[n])
		body.WriteString("\n")
		where[n] = [2]int{num, i}
	}
	data := append(head.Bytes(), body.Bytes()...)
	b.stream(num, fmt.Sprintf("/Type/ObjStm/N %d/First %d/Filter/FlateDecode", len(nums), head.Len()), deflate(data))
	return where
}

const pdfTestXMP = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="PDF Test"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`

// countingReader records the byte ranges read.
type countingReader struct {
	r     io.ReaderAt
	mu    sync.Mutex
	total int64
	reads [][2]int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.mu.Lock()
	c.total += int64(n)
	c.reads = append(c.reads, [2]int64{off, off + int64(n)})
	c.mu.Unlock()
	return n, err
}

// classicPDF builds a PDF with a classic cross-reference table, Info, a
// FlateDecoded XMP stream, a C2PA embedded file reached from /AF and the
// EmbeddedFiles name tree, and a large page content stream. It returns the
// file and the content stream's data range.
func classicPDF(t testing.TB) ([]byte, [2]int64) {
	b := newPDF()
	b.obj(1, "<</Type/Catalog/Pages 2 0 R/Metadata 3 0 R/AF[5 0 R]/Names<</EmbeddedFiles 6 0 R>>>>")
	b.obj(2, "<</Type/Pages/Kids[8 0 R]/Count 1>>")
	b.stream(3, "/Type/Metadata/Subtype/XML/Filter/FlateDecode", deflate([]byte(pdfTestXMP)))
	b.obj(4, `<</Producer (Test \(Producer\) \\ 1.0\n\053)/Creator <FEFF00470065006E00410049>/Title (caf\351 \200 end)/Trapped /False/Pages 3>>`)
	b.obj(5, "<</Type/Filespec/F(manifest.c2pa)/UF(manifest.c2pa)/AFRelationship/C2PA_Manifest/EF<</F 7 0 R>>>>")
	b.obj(6, "<</Names[(manifest.c2pa) 5 0 R (other.txt) 10 0 R]>>")
	b.stream(7, "/Type/EmbeddedFile/Subtype/application#2Fc2pa/Filter/FlateDecode", deflate(testJUMBF()))
	b.obj(8, "<</Type/Page/Parent 2 0 R/Contents 9 0 R>>")
	content := bytes.Repeat([]byte("0 0 m 1 1 l S\n"), 80000) // ~1 MiB never to be read
	start := int64(b.buf.Len())
	b.stream(9, "", content)
	crange := [2]int64{start + 8<<10, start + int64(len(content)) - 8<<10} // windows may touch its ends
	b.obj(10, "<</Type/Filespec/F(other.txt)/AFRelationship/Source/EF<</F 9 0 R>>>>")
	b.xrefTable("/Size 11/Root 1 0 R/Info 4 0 R/ID[<01><02>]")
	return b.buf.Bytes(), crange
}

func blocksOf(res *reader.Result, kind reader.Kind) []reader.Block {
	var out []reader.Block
	for _, b := range res.Blocks {
		if b.Kind == kind {
			out = append(out, b)
		}
	}
	return out
}

// readClean reads data, failing the test (its messages prefixed by label) on
// an error and reporting any warning.
func readClean(t *testing.T, label string, data []byte) *reader.Result {
	t.Helper()
	res, err := Read(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("%s: %v", label, err)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("%s: warnings %v", label, res.Warnings)
	}
	return res
}

func infoMap(res *reader.Result) map[string]string {
	m := map[string]string{}
	for _, b := range blocksOf(res, reader.KindText) {
		if b.Container == "PDF Info" {
			m[b.Key] = string(b.Data)
		}
	}
	return m
}

func TestPDFClassic(t *testing.T) {
	data, crange := classicPDF(t)
	if !Match(data[:512]) {
		t.Fatal("no PDF header matched")
	}
	cr := &countingReader{r: bytes.NewReader(data)}
	res, err := Read(cr, int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings: %v", res.Warnings)
	}
	info := infoMap(res)
	want := map[string]string{
		"Producer": "Test (Producer) \\ 1.0\n+",
		"Creator":  "GenAI",
		"Title":    "café • end",
		"Trapped":  "False",
		"Pages":    "3",
	}
	for k, v := range want {
		if info[k] != v {
			t.Errorf("Info %s = %q, want %q", k, info[k], v)
		}
	}
	if x := blocksOf(res, reader.KindXMP); len(x) != 1 || string(x[0].Data) != pdfTestXMP || x[0].Container != "PDF Metadata stream" {
		t.Errorf("xmp blocks: %+v", x)
	}
	c := blocksOf(res, reader.KindC2PA)
	if len(c) != 1 || !bytes.Equal(c[0].Data, testJUMBF()) || c[0].Note != "" {
		t.Fatalf("c2pa blocks: %+v", c)
	}
	if !bytes.Equal(data[c[0].Offset:c[0].Offset+c[0].Size], deflate(testJUMBF())) {
		t.Errorf("c2pa block offset/size do not point at the stream data")
	}
	for _, rd := range cr.reads {
		if rd[0] < crange[1] && rd[1] > crange[0] {
			t.Errorf("read %v overlaps the page content stream %v", rd, crange)
		}
	}
	if cr.total > 64<<10 {
		t.Errorf("read %d bytes of a %d byte file", cr.total, len(data))
	}
}

func TestPDFIncrementalUpdate(t *testing.T) {
	data, _ := classicPDF(t)
	b := &pdfBuilder{offs: map[int]int64{}}
	b.buf.Write(data)
	prev := bytes.LastIndex(data, []byte("\nxref\n")) + 1
	b.obj(4, "<</Producer (Updated Producer 2.0)/ModDate (D:20260101)>>")
	// the update also deletes the C2PA file specification's name tree entry
	b.obj(6, "<</Names[(other.txt) 10 0 R]>>")
	b.xrefTable(fmt.Sprintf("/Size 11/Root 1 0 R/Info 4 0 R/Prev %d", prev))
	data = b.buf.Bytes()
	res, err := Read(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	info := infoMap(res)
	if info["Producer"] != "Updated Producer 2.0" || info["Creator"] != "" || info["ModDate"] != "D:20260101" {
		t.Errorf("info after update: %v", info)
	}
	if c := blocksOf(res, reader.KindC2PA); len(c) != 1 {
		t.Errorf("c2pa still reachable from /AF: %d blocks", len(c))
	}
}

// xrefStreamPDF builds a PDF whose catalog and Info live in an object
// stream, indexed by a cross-reference stream, with an incremental update
// (a second cross-reference stream) that changes Info.
func xrefStreamPDF(t testing.TB, update bool) []byte {
	b := newPDF()
	b.stream(3, "/Type/Metadata/Subtype/XML/Filter/FlateDecode", deflate([]byte(pdfTestXMP)))
	b.stream(7, "/Type/EmbeddedFile/Subtype/application#2Fc2pa", testJUMBF())
	in := b.objStm(20, map[int]string{
		1: "<</Type/Catalog/Pages 2 0 R/Metadata 3 0 R/AF 6 0 R>>",
		2: "<</Type/Pages/Kids[]/Count 0>>",
		4: "<</Producer(Stream Producer)/Creator(Stream Creator)>>",
		5: "<</Type/Filespec/AFRelationship/C2PA_Manifest/EF<</F 7 0 R>>>>",
		6: "[5 0 R]",
	})
	first := b.xrefStream(21, in, "/Size 22/Root 1 0 R/Info 4 0 R")
	if update {
		in2 := b.objStm(22, map[int]string{4: "<</Producer(Newer Producer)>>"})
		b.xrefStream(23, in2, fmt.Sprintf("/Size 24/Root 1 0 R/Info 4 0 R/Prev %d", first))
	}
	return b.buf.Bytes()
}

func TestPDFXrefStream(t *testing.T) {
	for _, update := range []bool{false, true} {
		res := readClean(t, fmt.Sprintf("update=%v", update), xrefStreamPDF(t, update))
		info := infoMap(res)
		want := map[string]string{"Producer": "Stream Producer", "Creator": "Stream Creator"}
		if update {
			want = map[string]string{"Producer": "Newer Producer"}
		}
		if fmt.Sprint(info) != fmt.Sprint(want) {
			t.Errorf("update=%v: info %v, want %v", update, info, want)
		}
		if len(blocksOf(res, reader.KindXMP)) != 1 {
			t.Errorf("update=%v: no XMP", update)
		}
		if c := blocksOf(res, reader.KindC2PA); len(c) != 1 || !bytes.Equal(c[0].Data, testJUMBF()) {
			t.Errorf("update=%v: c2pa %+v", update, c)
		}
	}
}

func TestPDFBrokenXref(t *testing.T) {
	good, _ := classicPDF(t)
	cases := map[string][]byte{}
	// startxref points nowhere
	i := bytes.LastIndex(good, []byte("startxref"))
	cases["bad startxref"] = append(slices.Clone(good[:i]), "startxref\n999999999\n%%EOF\n"...)
	// every offset of the table is shifted
	shifted := slices.Clone(good)
	xr := bytes.LastIndex(shifted, []byte("\nxref\n")) + 1
	tr := bytes.LastIndex(shifted, []byte("trailer"))
	table := bytes.ReplaceAll(shifted[xr:tr], []byte("0000000"), []byte("0000001"))
	cases["wrong offsets"] = append(append(slices.Clone(shifted[:xr]), table...), shifted[tr:]...)
	// the file is cut before the cross-reference table: no trailer at all
	cases["no xref"] = slices.Clone(good[:xr])
	// the same with an object stream file: the catalog is found by its /Type
	xs := xrefStreamPDF(t, false)
	cases["xref stream cut"] = slices.Clone(xs[:bytes.LastIndex(xs, []byte("21 0 obj"))])
	for name, data := range cases {
		res, err := Read(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(res.Warnings) == 0 || !strings.Contains(strings.Join(res.Warnings, " "), "scanning") {
			t.Errorf("%s: no warning about the scan: %v", name, res.Warnings)
		}
		if len(blocksOf(res, reader.KindC2PA)) != 1 || len(blocksOf(res, reader.KindXMP)) != 1 {
			t.Errorf("%s: blocks %+v", name, res.Blocks)
		}
		if name != "xref stream cut" && name != "no xref" && infoMap(res)["Creator"] != "GenAI" {
			t.Errorf("%s: info %v", name, infoMap(res))
		}
	}
}

func TestPDFPrevLoop(t *testing.T) {
	b := newPDF()
	b.obj(1, "<</Type/Catalog>>")
	b.obj(2, "<</Producer(Loop)>>")
	off := int64(b.buf.Len())
	b.xrefTable(fmt.Sprintf("/Size 3/Root 1 0 R/Info 2 0 R/Prev %d", off))
	data := b.buf.Bytes()
	res, err := Read(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if infoMap(res)["Producer"] != "Loop" || !strings.Contains(strings.Join(res.Warnings, " "), "loop") {
		t.Errorf("info %v warnings %v", infoMap(res), res.Warnings)
	}
}

// sparseReader is a large file of zeros with a prefix.
type sparseReader struct {
	prefix []byte
	read   int64
}

func (s *sparseReader) ReadAt(p []byte, off int64) (int, error) {
	s.read += int64(len(p))
	clear(p)
	if off < int64(len(s.prefix)) {
		copy(p, s.prefix[off:])
	}
	return len(p), nil
}

func TestPDFScanLimit(t *testing.T) {
	good, _ := classicPDF(t)
	xr := bytes.LastIndex(good, []byte("\nxref\n")) + 1
	const size = 200 << 20
	sr := &sparseReader{prefix: good[:xr]}
	start := time.Now()
	res, err := Read(sr, size)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(res.Incomplete, " "), "limited to the first") {
		t.Errorf("cuts %v", res.Incomplete)
	}
	if len(blocksOf(res, reader.KindC2PA)) != 1 {
		t.Errorf("blocks %+v", res.Blocks)
	}
	if sr.read > pdfMaxScan+(8<<20) {
		t.Errorf("read %d bytes of a %d byte file", sr.read, int64(size))
	}
	t.Logf("scan of a %d MiB file read %d MiB in %v", size>>20, sr.read>>20, time.Since(start))
}

func TestPDFEncrypted(t *testing.T) {
	b := newPDF()
	b.obj(1, "<</Type/Catalog/Metadata 3 0 R>>")
	b.obj(2, "<</Producer(\x8a\x01garbage)/Trapped/True>>")
	b.stream(3, "/Type/Metadata", []byte("\x00encrypted bytes"))
	b.obj(4, "<</Filter/Standard/V 5/R 6>>")
	b.xrefTable("/Size 5/Root 1 0 R/Info 2 0 R/Encrypt 4 0 R")
	data := b.buf.Bytes()
	res, err := Read(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if info := infoMap(res); info["Producer"] != "" || info["Trapped"] != "True" {
		t.Errorf("info %v", info)
	}
	if len(blocksOf(res, reader.KindXMP)) != 0 || !strings.Contains(strings.Join(res.Warnings, " "), "encrypted") {
		t.Errorf("blocks %+v warnings %v", res.Blocks, res.Warnings)
	}
}

func TestPDFText(t *testing.T) {
	for in, want := range map[string]string{
		"\xFE\xFF\x00A\xD8\x3D\xDE\x00": "A😀",
		"\xEF\xBB\xBFcaf\xC3\xA9":       "café",
		"plain \x84 \x18 \xA0 \xE9":     "plain — ˘ € é",
	} {
		if got := pdfText([]byte(in)); got != want {
			t.Errorf("pdfText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPDFLexer(t *testing.T) {
	var steps int
	l := &pdfLexer{b: []byte(`<</A [1 -2.5 +3 .5 (a(b)c\
d\101) <41 4> /N#20ame 12 0 R true null] /B<<>> % comment
/C 7>>`), steps: &steps, final: true}
	v, err := l.value(0)
	if err != nil {
		t.Fatal(err)
	}
	d := v.(pdfDict)
	a := d["A"].(pdfArray)
	want := pdfArray{int64(1), -2.5, int64(3), 0.5, pdfString("a(b)cdA"), pdfString("A@"), pdfName("N ame"), pdfRef{12, 0}, true, nil}
	if fmt.Sprint(a) != fmt.Sprint(want) {
		t.Errorf("array %v, want %v", a, want)
	}
	if d["C"] != int64(7) || len(d["B"].(pdfDict)) != 0 {
		t.Errorf("dict %v", d)
	}
	deep := strings.Repeat("[", 100) + strings.Repeat("]", 100)
	l = &pdfLexer{b: []byte(deep), steps: &steps, final: true}
	if _, err := l.value(0); !errors.Is(err, readerr.ErrLimit) {
		t.Errorf("deep nesting: %v", err)
	}
}

func TestPDFTruncations(t *testing.T) {
	data, _ := classicPDF(t)
	xs := xrefStreamPDF(t, true)
	for _, d := range [][]byte{data, xs} {
		for n := 0; n < len(d); n += max(1, len(d)/300) {
			res, _ := Read(bytes.NewReader(d[:n]), int64(n))
			if res == nil {
				t.Fatalf("nil result at %d", n)
			}
		}
	}
}

func FuzzPDF(f *testing.F) {
	b := newPDF()
	b.obj(1, "<</Type/Catalog/Metadata 2 0 R/AF[3 0 R]>>")
	b.stream(2, "/Filter/FlateDecode", deflate([]byte("<x:xmpmeta/>")))
	b.obj(3, "<</AFRelationship/C2PA_Manifest/EF<</F 4 0 R>>>>")
	b.stream(4, "", testJUMBF())
	b.obj(5, "<</Producer(p\\(x\\))/Creator<FEFF0041>>>")
	b.xrefTable("/Size 6/Root 1 0 R/Info 5 0 R")
	f.Add(b.buf.Bytes())
	f.Add(xrefStreamPDF(f, true))
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		defer watchdog(data)()
		res, _ := Read(bytes.NewReader(data), int64(len(data)))
		if res == nil {
			t.Fatal("nil result")
		}
		for _, b := range res.Blocks {
			if len(b.Data) > reader.MaxBlockSize {
				t.Fatalf("block of %d bytes", len(b.Data))
			}
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("slow: %v", time.Since(start))
		}
	})
}

// encryptedPDF writes a PDF protected by the standard security handler
// (revision 3 RC4 or revision 4 AESV2) with an empty user password.
func encryptedPDF(t *testing.T, useAES bool) []byte {
	id0 := []byte("0123456789abcdef")
	owner := bytes.Repeat([]byte{0x42}, 32)
	const perms = -3904
	// algorithm 2: the file key
	h := md5.New()
	h.Write(pdfPad)
	h.Write(owner)
	binary.Write(h, binary.LittleEndian, int32(perms))
	h.Write(id0)
	key := h.Sum(nil)
	for range 50 {
		s := md5.Sum(key)
		key = s[:]
	}
	// algorithm 5: /U
	s := md5.Sum(append(slices.Clone(pdfPad), id0...))
	u := s[:]
	for i := range 20 {
		k := slices.Clone(key)
		for j := range k {
			k[j] ^= byte(i)
		}
		c, _ := rc4.NewCipher(k)
		c.XORKeyStream(u, u)
	}
	u = append(u, make([]byte, 16)...)
	enc := func(num int, data []byte) []byte {
		h := md5.New()
		h.Write(key)
		h.Write([]byte{byte(num), 0, 0, 0, 0})
		if useAES {
			h.Write([]byte("sAlT"))
		}
		ok := h.Sum(nil)
		if !useAES {
			c, _ := rc4.NewCipher(ok)
			out := make([]byte, len(data))
			c.XORKeyStream(out, data)
			return out
		}
		pad := 16 - len(data)%16
		plain := append(slices.Clone(data), bytes.Repeat([]byte{byte(pad)}, pad)...)
		iv := []byte("fedcba9876543210")
		block, _ := aes.NewCipher(ok)
		out := make([]byte, len(plain))
		cipher.NewCBCEncrypter(block, iv).CryptBlocks(out, plain)
		return append(iv, out...)
	}
	b := newPDF()
	b.obj(1, "<</Type/Catalog/Metadata 3 0 R>>")
	b.obj(2, fmt.Sprintf("<</Producer <%x>/Creator (%s)>>", enc(2, []byte("Secret Producer")), pdfEscape(enc(2, []byte("Secret Creator")))))
	b.stream(3, "/Type/Metadata/Subtype/XML", enc(3, []byte(pdfTestXMP)))
	filter := "/V 2/R 3/Length 128"
	if useAES {
		filter = "/V 4/R 4/Length 128/CF<</StdCF<</CFM/AESV2/Length 16>>>>/StmF/StdCF/StrF/StdCF"
	}
	b.obj(4, fmt.Sprintf("<</Filter/Standard%s/O<%x>/U<%x>/P %d>>", filter, owner, u, perms))
	b.xrefTable(fmt.Sprintf("/Size 5/Root 1 0 R/Info 2 0 R/Encrypt 4 0 R/ID[<%x><%x>]", id0, id0))
	return b.buf.Bytes()
}

func pdfEscape(p []byte) string {
	var s strings.Builder
	for _, c := range p {
		if c == '(' || c == ')' || c == '\\' || c == '\r' {
			fmt.Fprintf(&s, "\\%03o", c)
		} else {
			s.WriteByte(c)
		}
	}
	return s.String()
}

func TestPDFDecrypt(t *testing.T) {
	for _, useAES := range []bool{false, true} {
		res := readClean(t, fmt.Sprintf("aes=%v", useAES), encryptedPDF(t, useAES))
		info := infoMap(res)
		if info["Producer"] != "Secret Producer" || info["Creator"] != "Secret Creator" {
			t.Errorf("aes=%v: info %q", useAES, info)
		}
		if x := blocksOf(res, reader.KindXMP); len(x) != 1 || string(x[0].Data) != pdfTestXMP {
			t.Errorf("aes=%v: xmp %+v", useAES, x)
		}
	}
	// a user password: nothing is decrypted, and the reader says so
	data := bytes.Replace(encryptedPDF(t, false), []byte("/U<"), []byte("/U<00"), 1)
	res, err := Read(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(infoMap(res)) != 0 || !strings.Contains(strings.Join(res.Warnings, " "), "user password") {
		t.Errorf("info %v warnings %v", infoMap(res), res.Warnings)
	}
}

func TestPDFHash2B(t *testing.T) {
	// revision 5 is one SHA-256; revision 6 iterates at least 64 rounds and
	// must differ from it
	salt := []byte("saltsalt")
	r5 := pdfHash2B(nil, salt, nil, 5)
	want := sha256.Sum256(salt)
	if !bytes.Equal(r5, want[:]) {
		t.Errorf("r5 hash")
	}
	r6 := pdfHash2B(nil, salt, nil, 6)
	if len(r6) != 32 || bytes.Equal(r6, r5) {
		t.Errorf("r6 hash %x", r6)
	}
}

// watchdog crashes the fuzz worker when one input takes more than 20
// seconds, so that the fuzzer keeps the input as a crasher instead of
// stalling; call the returned function when done.
func watchdog(data []byte) func() {
	t := time.AfterFunc(20*time.Second, func() {
		panic(fmt.Sprintf("input of %d bytes still running after 20s", len(data)))
	})
	return func() { t.Stop() }
}

// TestPDFStreamLengths: an indirect /Length, a wrong /Length (the reader
// falls back to the endstream keyword) and a hybrid file whose objects are
// indexed by a /XRefStm cross-reference stream.
func TestPDFStreamLengths(t *testing.T) {
	b := newPDF()
	b.obj(1, "<</Type/Catalog/Metadata 2 0 R/AF[4 0 R]>>")
	b.offs[2] = int64(b.buf.Len())
	fmt.Fprintf(&b.buf, "2 0 obj\n<</Type/Metadata/Length 3 0 R>>\nstream\r\n%s\r\nendstream\nendobj\n", pdfTestXMP)
	b.obj(3, fmt.Sprint(len(pdfTestXMP)))
	b.obj(4, "<</AFRelationship/C2PA_Manifest/EF<</F 5 0 R>>>>")
	b.offs[5] = int64(b.buf.Len())
	fmt.Fprintf(&b.buf, "5 0 obj\n<</Length 3>>\nstream\n%s\nendstream\nendobj\n", testJUMBF())
	b.xrefTable("/Size 6/Root 1 0 R")
	data := b.buf.Bytes()
	res, err := Read(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if x := blocksOf(res, reader.KindXMP); len(x) != 1 || string(x[0].Data) != pdfTestXMP {
		t.Errorf("xmp %+v", x)
	}
	if c := blocksOf(res, reader.KindC2PA); len(c) != 1 || !bytes.Equal(c[0].Data, testJUMBF()) {
		t.Errorf("c2pa %+v", c)
	}

	// hybrid: the classic table lists only the catalog, the object stream
	// holding Info is indexed by /XRefStm
	h := newPDF()
	in := h.objStm(10, map[int]string{4: "<</Producer(Hybrid)>>"})
	xs := int64(h.buf.Len())
	var row bytes.Buffer
	for _, e := range [][3]int{{1, int(h.offs[10]), 0}, {2, 10, in[4][1]}} {
		row.Write([]byte{byte(e[0]), byte(e[1] >> 24), byte(e[1] >> 16), byte(e[1] >> 8), byte(e[1]), 0, byte(e[2])})
	}
	fmt.Fprintf(&h.buf, "11 0 obj\n<</Type/XRef/W[1 4 2]/Index[10 1 4 1]/Size 12/Length %d>>stream\n", row.Len())
	h.buf.Write(row.Bytes())
	h.buf.WriteString("\nendstream\nendobj\n")
	h.offs = map[int]int64{}
	h.obj(1, "<</Type/Catalog>>")
	h.xrefTable(fmt.Sprintf("/Size 12/Root 1 0 R/Info 4 0 R/XRefStm %d", xs))
	data = h.buf.Bytes()
	res, err = Read(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if infoMap(res)["Producer"] != "Hybrid" || len(res.Warnings) != 0 {
		t.Errorf("hybrid: info %v warnings %v", infoMap(res), res.Warnings)
	}
}

func TestPDFStartxrefOnLineEnd(t *testing.T) {
	good, _ := classicPDF(t)
	i := bytes.LastIndex(good, []byte("startxref"))
	xr := bytes.LastIndex(good, []byte("\nxref\n"))
	data := append(slices.Clone(good[:i]), fmt.Sprintf("startxref\n%d\n%%%%EOF\n", xr)...)
	res, err := Read(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 0 || len(blocksOf(res, reader.KindC2PA)) != 1 {
		t.Errorf("warnings %v blocks %d", res.Warnings, len(res.Blocks))
	}
}

// TestPDFTotalBlockBudget: many C2PA embedded files of highly compressed
// payloads stop at reader.MaxTotalBlocks.
func TestPDFTotalBlockBudget(t *testing.T) {
	payload := deflate(make([]byte, 8<<20))
	b := newPDF()
	const n = 20
	var af []string
	for i := range n {
		af = append(af, fmt.Sprintf("%d 0 R", 100+i))
	}
	b.obj(1, "<</Type/Catalog/AF["+strings.Join(af, " ")+"]>>")
	for i := range n {
		b.obj(100+i, fmt.Sprintf("<</AFRelationship/C2PA_Manifest/EF<</F %d 0 R>>>>", 200+i))
	}
	for i := range n {
		b.stream(200+i, "/Filter/FlateDecode", payload)
	}
	b.xrefTable("/Size 220/Root 1 0 R")
	data := b.buf.Bytes()
	res, err := Read(bytes.NewReader(data), int64(len(data)))
	if !errors.Is(err, readerr.ErrLimit) {
		t.Fatalf("want readerr.ErrLimit, got %v", err)
	}
	var total int
	for _, bl := range res.Blocks {
		total += len(bl.Data)
	}
	if total > reader.MaxTotalBlocks || len(res.Blocks) == 0 {
		t.Errorf("%d blocks, %d bytes", len(res.Blocks), total)
	}
}

// TestPDFInflateBudget: object streams that each inflate to a lot are
// refused once the file's inflate budget is spent.
func TestPDFInflateBudget(t *testing.T) {
	big := make([]byte, 1<<20)
	b := newPDF()
	b.obj(1, "<</Type/Catalog/AF[2 0 R]>>")
	b.obj(2, "<</AFRelationship/C2PA_Manifest/EF<</F 3 0 R>>>>")
	b.stream(3, "/Filter/FlateDecode", deflate(testJUMBF()))
	b.xrefTable("/Size 4/Root 1 0 R/Info 40 0 R")
	// the Info dictionary is spread over twelve 1 MiB object
	// streams: each lookup of a Producer part inflates one
	var parts []string
	for i := range 12 {
		num := 100 + i
		head := fmt.Sprintf("%d 0 ", 200+i)
		obj := fmt.Sprintf("(part%d)", i)
		data := append(append([]byte(head), obj...), big[:1<<20-len(head)-len(obj)]...)
		b.stream(num, fmt.Sprintf("/Type/ObjStm/N 1/First %d/Filter/FlateDecode", len(head)), deflate(data))
		parts = append(parts, fmt.Sprintf("/P%d %d 0 R", i, 200+i))
	}
	in := map[int][2]int{}
	for i := range 12 {
		in[200+i] = [2]int{100 + i, 0}
	}
	b.obj(40, "<<"+strings.Join(parts, "")+">>")
	prev := bytes.LastIndex(b.buf.Bytes(), []byte("\nxref\n")) + 1
	b.xrefStream(41, in, fmt.Sprintf("/Size 42/Root 1 0 R/Info 40 0 R/Prev %d", prev))
	data := b.buf.Bytes()
	start := time.Now()
	res, _ := ReadBudget(bytes.NewReader(data), int64(len(data)), reader.NewBudget(reader.Limits{PDFInflate: 8 << 20}, nil))
	info := infoMap(res)
	if len(info) == 0 || len(info) >= 12 {
		t.Errorf("info parts read: %d (%v)", len(info), info)
	}
	if !strings.Contains(strings.Join(res.Warnings, " "), "limit exceeded") {
		t.Errorf("warnings %v", res.Warnings)
	}
	if len(blocksOf(res, reader.KindC2PA)) != 1 {
		t.Errorf("c2pa blocks %d", len(blocksOf(res, reader.KindC2PA)))
	}
	t.Logf("%d info parts, %v", len(info), time.Since(start))
}

func TestPDFASCII85(t *testing.T) {
	var a85 bytes.Buffer
	w := ascii85.NewEncoder(&a85)
	w.Write(deflate([]byte(pdfTestXMP)))
	w.Close()
	b := newPDF()
	b.obj(1, "<</Type/Catalog/Metadata 2 0 R>>")
	b.stream(2, "/Type/Metadata/Filter[/ASCII85Decode/FlateDecode]", append(a85.Bytes(), "~>"...))
	b.xrefTable("/Size 3/Root 1 0 R")
	data := b.buf.Bytes()
	res, err := Read(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if x := blocksOf(res, reader.KindXMP); len(x) != 1 || string(x[0].Data) != pdfTestXMP {
		t.Errorf("xmp %+v", x)
	}
	if _, err := pdfASCII85([]byte("<~ab{c~>")); !errors.Is(err, readerr.ErrMalformed) {
		t.Errorf("bad ASCII85: %v", err)
	}
}
