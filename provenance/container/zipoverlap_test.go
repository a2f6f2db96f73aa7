package container

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"strings"
	"testing"

	"github.com/provscan/provscan/provenance/internal/reader"
)

// overlapZIP builds an archive of one entry (data, deflated when deflate)
// whose central directory holds n records, all pointing at that one local
// header, named by name(i): the overlapping shape of a ZIP bomb.
func overlapZIP(data []byte, deflate bool, n int, name func(int) string) []byte {
	comp, method := data, uint16(zip.Store)
	if deflate {
		var b bytes.Buffer
		w, _ := flate.NewWriter(&b, flate.BestCompression)
		w.Write(data)
		w.Close()
		comp, method = b.Bytes(), zip.Deflate
	}
	crc := crc32.ChecksumIEEE(data)
	le := binary.LittleEndian
	// entry appends the fields both headers give the entry: method,
	// modification time and date, CRC and sizes.
	entry := func(out []byte) []byte {
		out = le.AppendUint16(out, method)
		out = le.AppendUint32(out, 0)
		out = le.AppendUint32(out, crc)
		out = le.AppendUint32(out, uint32(len(comp)))
		return le.AppendUint32(out, uint32(len(data)))
	}
	var out []byte
	out = le.AppendUint32(out, 0x04034b50)
	out = le.AppendUint16(out, 20)
	out = le.AppendUint16(out, 0)
	out = entry(out)
	out = le.AppendUint16(out, 1)
	out = le.AppendUint16(out, 0)
	out = append(out, 'e')
	out = append(out, comp...)
	cd := len(out)
	for i := range n {
		nm := name(i)
		out = le.AppendUint32(out, 0x02014b50)
		out = le.AppendUint16(out, 20)
		out = le.AppendUint16(out, 20)
		out = le.AppendUint16(out, 0)
		out = entry(out)
		out = le.AppendUint16(out, uint16(len(nm)))
		out = append(out, make([]byte, 12)...) // extra, comment, disk, attributes
		out = le.AppendUint32(out, 0)          // local header offset
		out = append(out, nm...)
	}
	end := len(out)
	out = le.AppendUint32(out, 0x06054b50)
	out = append(out, make([]byte, 4)...)
	out = le.AppendUint16(out, uint16(n))
	out = le.AppendUint16(out, uint16(n))
	out = le.AppendUint32(out, uint32(end-cd))
	out = le.AppendUint32(out, uint32(cd))
	out = le.AppendUint16(out, 0)
	return out
}

// TestZIPOverlapReadOnce: many directory records pointing at one entry give
// one member, and the duplicates are counted in a warning.
func TestZIPOverlapReadOnce(t *testing.T) {
	data := overlapZIP([]byte("\x89PNG\r\n\x1a\n"), true, 3000, func(i int) string { return fmt.Sprintf("e%05d.png", i) })
	res, err := readZIP(bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Members) != 1 || res.Members[0].Name != "e00000.png" {
		t.Fatalf("%d members", len(res.Members))
	}
	last := res.Warnings[len(res.Warnings)-1]
	if !strings.Contains(last, "2999 central directory records point at entries already listed") {
		t.Errorf("warnings: %q", last)
	}
}

// TestZIPMembersBudget: the members of a file are counted across its
// archives; past the cap the rest are listed as incomplete.
func TestZIPMembersBudget(t *testing.T) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for i := range 10 {
		fw, _ := w.Create(fmt.Sprintf("f%d.txt", i))
		fw.Write([]byte{byte(i)})
	}
	w.Close()
	b := reader.NewBudget(reader.Limits{Members: 15}, nil)
	data := buf.Bytes()
	res, _ := readZIP(bytes.NewReader(data), int64(len(data)), b)
	if len(res.Members) != 10 || len(res.Incomplete) != 0 {
		t.Fatalf("first: %d members, %v", len(res.Members), res.Incomplete)
	}
	res, _ = readZIP(bytes.NewReader(data), int64(len(data)), b.Item()) // a nested archive of the same file
	if len(res.Members) != 5 || len(res.Incomplete) != 1 || !strings.Contains(res.Incomplete[0], "archive members over 15") {
		t.Fatalf("second: %d members, %v", len(res.Members), res.Incomplete)
	}
}

// TestZIPMemoryBudget: an entry that does not fit in the memory the file
// may hold is refused when opened, with ErrLimit.
func TestZIPMemoryBudget(t *testing.T) {
	data := overlapZIP(bytes.Repeat([]byte("provenance "), 10000), true, 1, func(int) string { return "big.txt" })
	res, _ := readZIP(bytes.NewReader(data), int64(len(data)), reader.NewBudget(reader.Limits{Memory: 64 << 10}, nil))
	if len(res.Members) != 1 {
		t.Fatalf("%d members", len(res.Members))
	}
	if _, err := res.Members[0].Open(); err == nil || !strings.Contains(err.Error(), "bytes held in memory over 65536") {
		t.Errorf("err = %v", err)
	}
}
