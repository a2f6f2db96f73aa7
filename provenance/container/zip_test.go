package container

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/provscan/provscan/provenance/internal/reader"
	"io"
	"io/fs"
	"strings"
	"testing"
)

type zipEntry struct {
	name   string
	data   []byte
	method uint16
}

func buildZIP(t testing.TB, comment string, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range entries {
		fw, err := w.CreateHeader(&zip.FileHeader{Name: e.name, Method: e.method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if comment != "" {
		if err := w.SetComment(comment); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readMember(t *testing.T, m Member) []byte {
	t.Helper()
	ra, err := m.Open()
	if err != nil {
		t.Fatalf("open %s: %v", m.Name, err)
	}
	p := make([]byte, m.Size)
	if err := readAt(ra, p, 0); err != nil {
		t.Fatalf("read %s: %v", m.Name, err)
	}
	return p
}

func TestZIPMembers(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte("pixels"), 100)...)
	xmp := []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>`)
	data := buildZIP(t, "made by a test",
		zipEntry{name: "art/poster.png", data: png, method: zip.Store},
		zipEntry{name: "art/poster.xmp", data: xmp, method: zip.Deflate},
		zipEntry{name: "art/", method: zip.Store},
		zipEntry{name: "../../etc/passwd", data: []byte("root"), method: zip.Deflate},
		zipEntry{name: "/abs/name.txt", data: []byte("x"), method: zip.Store},
		zipEntry{name: `C:\win\file.txt`, data: []byte("y"), method: zip.Store},
	)
	if f := sniff(data[:min(len(data), sniffLen)]); f == nil || string(f.family) != "ZIP" {
		t.Fatalf("sniff: %+v", f)
	}
	res, err := Read(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != "ZIP" {
		t.Errorf("format %q", res.Format)
	}
	if len(res.Blocks) != 1 || res.Blocks[0].Kind != KindComment || string(res.Blocks[0].Data) != "made by a test" {
		t.Fatalf("comment blocks: %+v", res.Blocks)
	}
	if b := res.Blocks[0]; string(data[b.Offset:b.Offset+b.Size]) != "made by a test" {
		t.Errorf("comment offset %d wrong", b.Offset)
	}
	want := []string{"art/poster.png", "art/poster.xmp", "etc/passwd", "abs/name.txt", "win/file.txt"}
	if len(res.Members) != len(want) {
		t.Fatalf("members: %d, want %d (%v)", len(res.Members), len(want), res.Warnings)
	}
	for i, m := range res.Members {
		if m.Name != want[i] {
			t.Errorf("member %d name %q, want %q", i, m.Name, want[i])
		}
	}
	if got := readMember(t, res.Members[0]); !bytes.Equal(got, png) {
		t.Errorf("stored member bytes differ")
	}
	if _, ok := mustOpen(t, res.Members[0]).(*io.SectionReader); !ok {
		t.Errorf("stored member should be served in place")
	}
	if got := readMember(t, res.Members[1]); !bytes.Equal(got, xmp) {
		t.Errorf("deflated member bytes differ: %q", got)
	}
	if got := readMember(t, res.Members[2]); string(got) != "root" {
		t.Errorf("member 2: %q", got)
	}
	if len(res.Warnings) < 3 {
		t.Errorf("want warnings about renamed entries, got %v", res.Warnings)
	}
}

func mustOpen(t *testing.T, m Member) io.ReaderAt {
	ra, err := m.Open()
	if err != nil {
		t.Fatal(err)
	}
	return ra
}

func TestZIPRatioRefused(t *testing.T) {
	bomb := make([]byte, 4<<20) // zeros: deflates about 1000:1
	data := buildZIP(t, "",
		zipEntry{name: "bomb.bin", data: bomb, method: zip.Deflate},
		zipEntry{name: "ok.txt", data: []byte("fine"), method: zip.Deflate},
		zipEntry{name: "small-zeros.bin", data: make([]byte, 4096), method: zip.Deflate},
	)
	res, err := readZIP(bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Members) != 2 || res.Members[0].Name != "ok.txt" || res.Members[1].Name != "small-zeros.bin" {
		t.Fatalf("members: %+v", res.Members)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Name != "bomb.bin" || !strings.Contains(res.Skipped[0].Reason, "ratio") {
		t.Errorf("skipped: %v", res.Skipped)
	}
}

// TestZIPDeclaredSizeLies: an entry that declares a small size but inflates
// to more is refused when opened, and one declaring more than the cap is
// skipped up front.
func TestZIPDeclaredSizeLies(t *testing.T) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	// compress 8 KiB of text honestly, then lie in the header
	var comp bytes.Buffer
	{
		cw := zip.NewWriter(&comp)
		fw, _ := cw.Create("x")
		fw.Write(bytes.Repeat([]byte("abcdefgh"), 1024))
		cw.Close()
	}
	zr, err := zip.NewReader(bytes.NewReader(comp.Bytes()), int64(comp.Len()))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := zr.File[0].OpenRaw()
	rawBytes, _ := io.ReadAll(raw)
	h := zr.File[0].FileHeader
	h.Name = "liar.txt"
	h.UncompressedSize64 = 100
	fw, err := w.CreateRaw(&h)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(rawBytes)
	h2 := zr.File[0].FileHeader
	h2.Name = "huge.txt"
	h2.UncompressedSize64 = zipMaxInflate + 1
	h2.CompressedSize64 = zipMaxInflate // a sane ratio, too big anyway
	fw, _ = w.CreateRaw(&h2)
	fw.Write(rawBytes)
	w.Close()
	data := buf.Bytes()
	res, err := readZIP(bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Members) != 1 || res.Members[0].Name != "liar.txt" {
		t.Fatalf("members %+v warnings %v", res.Members, res.Warnings)
	}
	if _, err := res.Members[0].Open(); err == nil {
		t.Errorf("liar entry opened without error")
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Name != "huge.txt" || !strings.Contains(res.Skipped[0].Reason, "inflates to") {
		t.Errorf("skipped %v", res.Skipped)
	}
}

// TestZIPSkippedMembersNamed: every entry provscan does not open is listed
// with its reason, so that a scan can say it was not inspected.
func TestZIPSkippedMembersNamed(t *testing.T) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	add := func(name string, method uint16, flags uint16) {
		fw, err := w.CreateRaw(&zip.FileHeader{Name: name, Method: method, Flags: flags, CompressedSize64: 5, UncompressedSize64: 5})
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte("GENAI"))
	}
	add("bzip2.png", 12, 0)
	add("lzma.png", 14, 0)
	add("secret.png", zip.Store, 1)
	add("plain.png", zip.Store, 0)
	w.Close()
	res, err := readZIP(bytes.NewReader(buf.Bytes()), int64(buf.Len()), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, sk := range res.Skipped {
		got[sk.Name] = sk.Reason
	}
	if len(res.Members) != 1 || len(got) != 3 || got["secret.png"] != "encrypted" || got["bzip2.png"] == "" || got["lzma.png"] == "" {
		t.Errorf("members %d, skipped %v", len(res.Members), got)
	}
}

func TestZIPEntryLimit(t *testing.T) {
	// an empty archive whose ZIP64 end record declares too many entries
	var b bytes.Buffer
	rec64 := make([]byte, 56)
	copy(rec64, "PK\x06\x06")
	binary.LittleEndian.PutUint64(rec64[4:], 44)
	binary.LittleEndian.PutUint64(rec64[24:], zipMaxEntries+1)
	binary.LittleEndian.PutUint64(rec64[32:], zipMaxEntries+1)
	b.Write(rec64)
	loc := make([]byte, 20)
	copy(loc, "PK\x06\x07")
	binary.LittleEndian.PutUint64(loc[8:], 0)
	b.Write(loc)
	end := make([]byte, 22)
	copy(end, "PK\x05\x06")
	binary.LittleEndian.PutUint16(end[8:], 0xFFFF)
	binary.LittleEndian.PutUint16(end[10:], 0xFFFF)
	binary.LittleEndian.PutUint32(end[12:], 0xFFFFFFFF)
	binary.LittleEndian.PutUint32(end[16:], 0xFFFFFFFF)
	b.Write(end)
	data := b.Bytes()
	_, err := readZIP(bytes.NewReader(data), int64(len(data)), nil)
	if !errors.Is(err, errLimit) {
		t.Fatalf("want errLimit, got %v", err)
	}
}

func TestZIPMalformed(t *testing.T) {
	data := buildZIP(t, "c", zipEntry{name: "a", data: []byte("abc"), method: zip.Store})
	for _, n := range []int{0, 10, 30, len(data) - 10} {
		_, err := readZIP(bytes.NewReader(data[:n]), int64(n), nil)
		if err == nil {
			t.Errorf("truncated to %d: no error", n)
		}
	}
}

func FuzzZIP(f *testing.F) {
	f.Add(buildZIP(f, "comment", zipEntry{name: "a/b.png", data: []byte("\x89PNG"), method: zip.Store},
		zipEntry{name: "../c.txt", data: bytes.Repeat([]byte("text "), 20), method: zip.Deflate}))
	f.Add(buildZIP(f, ""))
	// overlapping entries: many directory records at one local header, of a
	// stored and of a deflated entry, and a zip of such zips
	name := func(i int) string { return fmt.Sprintf("e%03d", i) }
	f.Add(overlapZIP([]byte("\x89PNG\r\n\x1a\n"), false, 40, name))
	inner := overlapZIP([]byte("PK\x05\x06"+strings.Repeat("\x00", 18)), true, 60, name)
	f.Add(inner)
	f.Add(overlapZIP(inner, true, 30, name))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := readZIP(bytes.NewReader(data), int64(len(data)), nil)
		if err != nil {
			return
		}
		for _, m := range res.Members {
			if strings.Contains(m.Name, "..") && strings.Contains("/"+m.Name+"/", "/../") || strings.HasPrefix(m.Name, "/") {
				t.Fatalf("unsafe member name %q", m.Name)
			}
			ra, err := m.Open()
			if err != nil {
				continue
			}
			p := make([]byte, min(m.Size, 1<<16))
			ra.ReadAt(p, 0)
		}
	})
}

func TestZIPTotalInflateBudget(t *testing.T) {
	// 1 MiB entries of zeros are under the ratio floor one by one; together
	// they run out of the archive's budget
	const zipTotalInflate = 16 * zipRatioFloor
	zeros := make([]byte, zipRatioFloor)
	n := int(zipTotalInflate/zipRatioFloor) + 2
	comp := buildZIP(t, "", zipEntry{name: "z", data: zeros, method: zip.Deflate})
	zr, _ := zip.NewReader(bytes.NewReader(comp), int64(len(comp)))
	raw, _ := zr.File[0].OpenRaw()
	rawBytes, _ := io.ReadAll(raw)
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for i := range n {
		h := zr.File[0].FileHeader
		h.Name = fmt.Sprintf("z%05d", i)
		fw, err := w.CreateRaw(&h)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(rawBytes)
	}
	w.Close()
	data := buf.Bytes()
	res, err := readZIP(bytes.NewReader(data), int64(len(data)), reader.NewBudget(reader.Limits{Inflate: zipTotalInflate}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Members) != n {
		t.Fatalf("%d members", len(res.Members))
	}
	var opened, refused int
	for i, m := range res.Members {
		_, err := m.Open()
		switch {
		case err == nil:
			opened++
		case errors.Is(err, errLimit):
			refused++
		default:
			t.Fatalf("member %d: %v", i, err)
		}
	}
	if opened != int(zipTotalInflate/zipRatioFloor) || refused != 2 {
		t.Errorf("opened %d, refused %d", opened, refused)
	}
}

func TestZIPCP437Names(t *testing.T) {
	data := buildZIP(t, "", zipEntry{name: "caf\x82/\x91\x86 \xe1.txt", data: []byte("x"), method: zip.Store})
	res, err := readZIP(bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Members) != 1 || res.Members[0].Name != "café/æå ß.txt" || len(res.Warnings) != 0 {
		t.Errorf("members %+v warnings %v", res.Members, res.Warnings)
	}
}

// TestZIPEntriesExtractorsSeeDifferently: an entry with folder mode bits but
// a file name and data is read as the file an extractor makes of it, and a
// symbolic link entry is skipped with a reason (reported as not inspected).
func TestZIPEntriesExtractorsSeeDifferently(t *testing.T) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	h := &zip.FileHeader{Name: "final.png", Method: zip.Store}
	h.SetMode(fs.ModeDir | 0o755)
	fw, _ := w.CreateHeader(h)
	fw.Write([]byte("GENAI"))
	l := &zip.FileHeader{Name: "link.png", Method: zip.Store}
	l.SetMode(fs.ModeSymlink | 0o777)
	fw, _ = w.CreateHeader(l)
	fw.Write([]byte("../../editorial/proxies/shot.png"))
	d := &zip.FileHeader{Name: "folder/"}
	d.SetMode(fs.ModeDir | 0o755)
	w.CreateHeader(d)
	w.Close()
	res, err := readZIP(bytes.NewReader(buf.Bytes()), int64(buf.Len()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Members) != 1 || res.Members[0].Name != "final.png" {
		t.Errorf("members %+v", res.Members)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Name != "link.png" || !strings.Contains(res.Skipped[0].Reason, "symbolic link") {
		t.Errorf("skipped %+v", res.Skipped)
	}
}
