package scanner_test

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/scanner"
)

// mxfKLV is a KLV triplet with a BER length of 8 bytes.
func mxfKLV(key []byte, val []byte, n uint64) []byte {
	b := append(append([]byte(nil), key...), 0x88)
	b = binary.BigEndian.AppendUint64(b, n)
	return append(b, val...)
}

var mxfPartitionKey = []byte{0x06, 0x0e, 0x2b, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0d, 0x01, 0x02, 0x01, 0x01}

// mxfPack is a partition pack (kind 2 header, 3 body, 4 footer; closed and
// complete) of 113 bytes.
func mxfPack(kind byte, this, prev, footer, headerBytes uint64, sid uint32) []byte {
	v := make([]byte, 88)
	binary.BigEndian.PutUint16(v, 1)
	binary.BigEndian.PutUint16(v[2:], 3)
	binary.BigEndian.PutUint32(v[4:], 1)
	binary.BigEndian.PutUint64(v[8:], this)
	binary.BigEndian.PutUint64(v[16:], prev)
	binary.BigEndian.PutUint64(v[24:], footer)
	binary.BigEndian.PutUint64(v[32:], headerBytes)
	binary.BigEndian.PutUint32(v[60:], sid)
	binary.BigEndian.PutUint32(v[84:], 16)
	return mxfKLV(append(append([]byte(nil), mxfPartitionKey...), kind, 4, 0), v, 88)
}

// mxfIdentification is header metadata: a primer pack and an
// Identification set whose ProductName (static tag 0x3c02) is product.
func mxfIdentification(product string) []byte {
	primer := []byte{0, 0, 0, 0, 0, 0, 0, 18}
	name := make([]byte, 0, 2*len(product))
	for _, c := range product {
		name = append(name, 0, byte(c))
	}
	set := binary.BigEndian.AppendUint16(nil, 0x3c02)
	set = binary.BigEndian.AppendUint16(set, uint16(len(name)))
	set = append(set, name...)
	b := mxfKLV(append(append([]byte(nil), mxfPartitionKey...), 0x05, 0x01, 0x00), primer, uint64(len(primer)))
	ident := []byte{0x06, 0x0e, 0x2b, 0x34, 0x02, 0x53, 0x01, 0x01, 0x0d, 0x01, 0x01, 0x01, 0x01, 0x01, 0x30, 0x00}
	return append(b, mxfKLV(ident, set, uint64(len(set)))...)
}

// TestHugeMXFReadsLittle builds a sparse 6 GiB OP1a MXF: the header
// partition and its metadata at 0, a body partition holding one essence
// element of nearly 6 GiB (a clip-wrapped JPEG 2000 codestream, its first
// frame's main header read as a member), then the
// footer partition with its own metadata and the Random Index Pack at the
// end. Scanning it must read less than 1 MiB (summary.bytes_read) and still
// reach the footer's metadata behind the essence.
func TestHugeMXFReadsLittle(t *testing.T) {
	const size = int64(6) << 30
	meta := mxfIdentification("Clipster")
	footerMeta := mxfIdentification("bmx")
	packLen := int64(len(mxfPack(2, 0, 0, 0, 0, 0)))
	body := packLen + int64(len(meta))
	ripLen := int64(16 + 9 + 3*12 + 4)
	footer := size - ripLen - packLen - int64(len(footerMeta))
	essenceKey := []byte{0x06, 0x0e, 0x2b, 0x34, 0x01, 0x02, 0x01, 0x01, 0x0d, 0x01, 0x03, 0x01, 0x15, 0x01, 0x08, 0x01}
	essenceLen := footer - body - packLen - 25
	head := append(mxfPack(2, 0, 0, uint64(footer), uint64(len(meta)), 0), meta...)
	head = append(head, mxfPack(3, uint64(body), 0, uint64(footer), 0, 1)...)
	// the frame's main header: SOC, an empty SIZ, COM "Kakadu-v8.4", then SOT
	j2c := append([]byte{0xff, 0x4f, 0xff, 0x51, 0x00, 0x29}, make([]byte, 39)...)
	j2c = append(j2c, 0xff, 0x64, 0x00, 0x0f, 0x00, 0x01)
	j2c = append(j2c, "Kakadu-v8.4"...)
	j2c = append(j2c, 0xff, 0x90, 0x00, 0x0a)
	head = append(head, mxfKLV(essenceKey, j2c, uint64(essenceLen))...)
	tail := append(mxfPack(4, uint64(footer), uint64(body), uint64(footer), uint64(len(footerMeta)), 0), footerMeta...)
	var rip []byte
	for _, e := range []struct {
		sid uint32
		off int64
	}{{0, 0}, {1, body}, {0, footer}} {
		rip = binary.BigEndian.AppendUint32(rip, e.sid)
		rip = binary.BigEndian.AppendUint64(rip, uint64(e.off))
	}
	rip = binary.BigEndian.AppendUint32(rip, uint32(ripLen))
	tail = append(tail, mxfKLV(append(append([]byte(nil), mxfPartitionKey...), 0x11, 0x01, 0x00), rip, uint64(len(rip)))...)
	if int64(len(tail)) != size-footer {
		t.Fatalf("tail of %d bytes, want %d", len(tail), size-footer)
	}

	path := filepath.Join(t.TempDir(), "master.mxf")
	sparseFile(t, path, size, map[int64][]byte{0: head, footer: tail})
	r, err := scanner.Scan(context.Background(), []string{path}, scanner.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary.Files != 1 || r.Summary.Bytes != size {
		t.Fatalf("scanned %d files of %d bytes, want 1 of %d", r.Summary.Files, r.Summary.Bytes, size)
	}
	for _, f := range r.Findings {
		if f.Rule == "unreadable" {
			t.Errorf("unreadable: %s", f.Message)
		}
	}
	if r.Summary.Members != 1 || len(r.Unsupported) != 0 { // the first frame, read by the JPEG 2000 reader
		t.Errorf("%d members scanned, unsupported %+v", r.Summary.Members, r.Unsupported)
	}
	if r.Summary.BytesRead >= 1<<20 {
		t.Errorf("read %d bytes of a %d-byte master, want < 1 MiB", r.Summary.BytesRead, size)
	}
	t.Logf("master.mxf %d bytes read of %d", r.Summary.BytesRead, size)

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := provenance.Inspect(f, size, "master.mxf", provenance.Options{})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, e := range p.Text {
		found[e.Value] = true
	}
	if p.Format != "MXF" || !found["Clipster"] || !found["bmx"] {
		t.Errorf("format %s, text %+v: want the header's and the footer's ProductName", p.Format, p.Text)
	}
}
