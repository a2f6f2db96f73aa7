package scanner_test

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/scanner"
)

const fourGiB = int64(4) << 30

func box(typ string, payload ...[]byte) []byte {
	n := 8
	for _, p := range payload {
		n += len(p)
	}
	b := binary.BigEndian.AppendUint32(nil, uint32(n))
	b = append(b, typ...)
	for _, p := range payload {
		b = append(b, p...)
	}
	return b
}

// moovBox is a movie box with a user-data encoder tag, as ffmpeg writes it.
func moovBox() []byte {
	text := []byte("Lavf60.16.100")
	tool := box("\xa9too", binary.BigEndian.AppendUint16(nil, uint16(len(text))), []byte{0x55, 0xc4}, text)
	return box("moov", box("mvhd", make([]byte, 100)), box("udta", tool))
}

// largeMdatHeader is a 64-bit mdat box header for a payload of n bytes.
func largeMdatHeader(n int64) []byte {
	b := binary.BigEndian.AppendUint32(nil, 1)
	b = append(b, "mdat"...)
	return binary.BigEndian.AppendUint64(b, uint64(n+16))
}

// sparseFile writes the given pieces at their offsets into a sparse file of size bytes.
func sparseFile(t *testing.T, path string, size int64, pieces map[int64][]byte) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Skipf("cannot make a sparse %d-byte file here: %v", size, err)
	}
	for off, p := range pieces {
		if _, err := f.WriteAt(p, off); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHugeMastersReadLittle builds sparse 4 GiB masters (MP4 and MOV with the
// movie box at the front and at the end, and a WAV) and asserts from the
// report's bytes_read that scanning each reads less than 1 MiB. A count, not a timing.
func TestHugeMastersReadLittle(t *testing.T) {
	dir := t.TempDir()
	ftypMP4 := box("ftyp", []byte("isom\x00\x00\x02\x00isomiso2mp41"))
	ftypMOV := box("ftyp", []byte("qt  \x00\x00\x02\x00qt  "))
	moov := moovBox()

	front := func(ftyp []byte) map[int64][]byte {
		head := append(append(append([]byte{}, ftyp...), moov...), largeMdatHeader(fourGiB-int64(len(ftyp)+len(moov)+16))...)
		return map[int64][]byte{0: head}
	}
	end := func(ftyp []byte) map[int64][]byte {
		mdatSize := fourGiB - int64(len(ftyp)) - int64(len(moov)) - 16
		return map[int64][]byte{0: append(append([]byte{}, ftyp...), largeMdatHeader(mdatSize)...), fourGiB - int64(len(moov)): moov}
	}
	// WAV: RIFF header, a LIST/INFO chunk, then a data chunk filling the file.
	info := append([]byte("INFO"), append([]byte("ISFT"), append(binary.LittleEndian.AppendUint32(nil, 6), "Lavf6\x00"...)...)...)
	list := append(append([]byte("LIST"), binary.LittleEndian.AppendUint32(nil, uint32(len(info)))...), info...)
	wavSize := fourGiB - 2
	fmtChunk := append(append([]byte("fmt "), binary.LittleEndian.AppendUint32(nil, 16)...), []byte{1, 0, 2, 0, 0x80, 0xBB, 0, 0, 0, 0xEE, 2, 0, 4, 0, 16, 0}...)
	head := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(wavSize-8))...)
	head = append(head, "WAVE"...)
	head = append(append(head, fmtChunk...), list...)
	head = append(append(head, "data"...), binary.LittleEndian.AppendUint32(nil, uint32(wavSize-int64(len(head))-8))...)

	cases := map[string]map[int64][]byte{
		"front.mp4":  front(ftypMP4),
		"end.mp4":    end(ftypMP4),
		"front.mov":  front(ftypMOV),
		"end.mov":    end(ftypMOV),
		"master.wav": {0: head},
	}
	for name, pieces := range cases {
		size := fourGiB
		if name == "master.wav" {
			size = wavSize
		}
		path := filepath.Join(dir, name)
		sparseFile(t, path, size, pieces)
		r, err := scanner.Scan(context.Background(), []string{path}, scanner.Options{Workers: 1})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if r.Summary.Files != 1 || r.Summary.Bytes != size {
			t.Fatalf("%s: scanned %d files of %d bytes, want 1 of %d", name, r.Summary.Files, r.Summary.Bytes, size)
		}
		for _, f := range r.Findings {
			if f.Rule == "unreadable" {
				t.Errorf("%s: unreadable: %s", name, f.Message)
			}
		}
		if r.Summary.BytesRead >= 1<<20 {
			t.Errorf("%s: read %d bytes of a %d-byte master, want < 1 MiB", name, r.Summary.BytesRead, size)
		}
		t.Logf("%-10s %d bytes read of %d", name, r.Summary.BytesRead, size)
		// The metadata behind the media data was really reached.
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		p, err := provenance.Inspect(f, size, name, provenance.Options{})
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		found := false
		for _, e := range p.Text {
			found = found || strings.HasPrefix(e.Value, "Lavf")
		}
		if !found {
			t.Errorf("%s: the encoder tag was not found (format %s, text %+v)", name, p.Format, p.Text)
		}
		os.Remove(path)
	}
}
