package scanner_test

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf16"

	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/scanner"
)

// sparseAAF lays out a 5 GiB AAF (a version 4 compound file of 4096-byte
// sectors) as an editor embedding its essence writes it: the essence stream
// fills the file from sector 1, and the structures are at the tail: two
// DIFAT sectors, the last FAT sector (the only one describing a chain that
// is followed), the mini FAT, the directory and the mini stream holding an
// Identification's properties. The other FAT sectors are zeros, never read.
func sparseAAF(size int64, product string) map[int64][]byte {
	const ss = 4096
	le := binary.LittleEndian
	n := uint32(size/ss - 1) // sectors after the header
	difat1, difat2, fatLast, miniFAT, dir, mini := n-6, n-5, n-4, n-3, n-2, n-1
	nFAT := (n + 1023) / 1024
	off := func(sn uint32) int64 { return int64(sn+1) * ss }
	filled := func(v uint32) []byte {
		b := make([]byte, ss)
		for i := 0; i < ss; i += 4 {
			le.PutUint32(b[i:], v)
		}
		return b
	}
	const end, free, fatSect, difSect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFC

	h := make([]byte, ss)
	copy(h, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
	copy(h[8:], []byte{0x01, 0x02, 0x01, 0x0d, 0x00, 0x02, 0x00, 0x00, 0x06, 0x0e, 0x2b, 0x34, 0x03, 0x02, 0x01, 0x01}) // AAF signature
	le.PutUint16(h[24:], 0x3E)
	le.PutUint16(h[26:], 4)
	le.PutUint16(h[28:], 0xFFFE)
	le.PutUint16(h[30:], 12)
	le.PutUint16(h[32:], 6)
	le.PutUint32(h[40:], 1)
	le.PutUint32(h[44:], nFAT)
	le.PutUint32(h[48:], dir)
	le.PutUint32(h[56:], 4096)
	le.PutUint32(h[60:], miniFAT)
	le.PutUint32(h[64:], 1)
	le.PutUint32(h[68:], difat1)
	le.PutUint32(h[72:], 2)
	for i := range 109 {
		le.PutUint32(h[76+4*i:], 0) // FAT sectors 0..108: zeros at sector 0, never read
	}
	// DIFAT sectors: 1023 FAT sector numbers each, then the next DIFAT sector.
	d1, d2 := make([]byte, ss), make([]byte, ss)
	le.PutUint32(d1[ss-4:], difat2)
	le.PutUint32(d2[ss-4:], end)
	last := nFAT - 1 - 109 - 1023 // index of the last FAT sector in the second DIFAT sector
	le.PutUint32(d2[4*last:], fatLast)
	fat := filled(free)
	for sn, v := range map[uint32]uint32{difat1: difSect, difat2: difSect, fatLast: fatSect, miniFAT: end, dir: end, mini: end} {
		le.PutUint32(fat[4*(sn%1024):], v)
	}

	str := func(s string) []byte {
		var b []byte
		for _, c := range utf16.Encode([]rune(s)) {
			b = le.AppendUint16(b, c)
		}
		return append(b, 0, 0)
	}
	vals := [][]byte{str("Avid Technology, Inc."), str(product)}
	props := []byte{'L', 0x20}
	props = le.AppendUint16(props, 2)
	for i, v := range vals {
		props = le.AppendUint16(props, []uint16{0x3C01, 0x3C02}[i])
		props = le.AppendUint16(props, 0x82)
		props = le.AppendUint16(props, uint16(len(v)))
	}
	for _, v := range vals {
		props = append(props, v...)
	}
	k := uint32((len(props) + 63) / 64)
	mf := filled(free)
	for i := range k {
		next := i + 1
		if i == k-1 {
			next = end
		}
		le.PutUint32(mf[4*i:], next)
	}
	const none = 0xFFFFFFFF
	entry := func(name string, typ byte, right, child, start uint32, size uint64) []byte {
		e := make([]byte, 128)
		u := utf16.Encode([]rune(name))
		for i, c := range u {
			le.PutUint16(e[2*i:], c)
		}
		le.PutUint16(e[64:], uint16(2*len(u)+2))
		e[66], e[67] = typ, 1
		le.PutUint32(e[68:], none)
		le.PutUint32(e[72:], right)
		le.PutUint32(e[76:], child)
		le.PutUint32(e[116:], start)
		le.PutUint64(e[120:], size)
		return e
	}
	essence := uint64(off(difat1) - off(1))
	dirSector := make([]byte, 0, ss)
	for _, e := range [][]byte{
		entry("Root Entry", 5, none, 1, mini, uint64(64*k)),
		entry("Header-2", 1, 4, 2, end, 0),
		entry("Identifi-ionList-3b06{0}", 1, none, 3, end, 0),
		entry("properties", 2, none, none, 0, uint64(len(props))),
		entry("Essence Data", 2, none, none, 1, essence),
	} {
		dirSector = append(dirSector, e...)
	}
	for len(dirSector) < ss {
		dirSector = append(dirSector, entry("", 0, none, none, 0, 0)...)
	}
	return map[int64][]byte{0: h, off(difat1): d1, off(difat2): d2, off(fatLast): fat, off(miniFAT): mf, off(dir): dirSector, off(mini): props}
}

// TestHugeAAFReadsLittle: a sparse 5 GiB AAF with embedded essence and its
// compound file structures at the tail reads less than 1 MiB, and its
// Identification is found.
func TestHugeAAFReadsLittle(t *testing.T) {
	const size = int64(5) << 30
	path := filepath.Join(t.TempDir(), "reel1.aaf")
	sparseFile(t, path, size, sparseAAF(size, "Media Composer"))
	r, err := scanner.Scan(context.Background(), []string{path}, scanner.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary.Files != 1 || r.Summary.Bytes != size {
		t.Fatalf("scanned %d files of %d bytes", r.Summary.Files, r.Summary.Bytes)
	}
	for _, f := range r.Findings {
		t.Errorf("finding %s: %s", f.Rule, f.Message)
	}
	if r.Summary.BytesRead >= 1<<20 {
		t.Errorf("read %d bytes of a %d-byte AAF, want < 1 MiB", r.Summary.BytesRead, size)
	}
	t.Logf("reel1.aaf %d bytes read of %d", r.Summary.BytesRead, size)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := provenance.Inspect(f, size, "reel1.aaf", provenance.Options{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range p.Text {
		found = found || e.Value == "Media Composer"
	}
	if !found || p.Format != "AAF" {
		t.Errorf("the Identification was not found (format %s, text %+v)", p.Format, p.Text)
	}
}
