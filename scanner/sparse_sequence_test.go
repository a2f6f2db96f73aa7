package scanner_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/provscan/provscan/scanner"
)

// TestHugeSequenceAndPackageReadLittle: a sequence of 8 sparse 1 GiB DPX
// frames and an IMF package (an ASSETMAP, a CPL and a sparse 4 GiB track
// file) cost kilobytes: grouping the frames reads nothing more, and only
// the small XML files are read for the package.
func TestHugeSequenceAndPackageReadLittle(t *testing.T) {
	dir := t.TempDir()
	hdr := bytes.Repeat([]byte{0xFF}, 2048)
	copy(hdr, "SDPX")
	copy(hdr[32:36], []byte{0, 0, 0, 0})
	copy(hdr[160:], append([]byte("Nuke 15.1"), 0))
	if err := os.MkdirAll(filepath.Join(dir, "frames"), 0o755); err != nil {
		t.Fatal(err)
	}
	for f := 1; f <= 8; f++ {
		sparseFile(t, filepath.Join(dir, "frames", fmt.Sprintf("sh010.%04d.dpx", f)), 1<<30, map[int64][]byte{0: hdr})
	}
	am := `<?xml version="1.0"?><AssetMap xmlns="http://www.smpte-ra.org/schemas/429-9/2007/AM"><Id>urn:uuid:1</Id><AnnotationText>Big</AnnotationText><AssetList>` +
		`<Asset><Id>urn:uuid:2</Id><ChunkList><Chunk><Path>video.mxf</Path></Chunk></ChunkList></Asset>` +
		`<Asset><Id>urn:uuid:3</Id><ChunkList><Chunk><Path>CPL.xml</Path></Chunk></ChunkList></Asset></AssetList></AssetMap>`
	cpl := `<?xml version="1.0"?><CompositionPlaylist><Id>urn:uuid:3</Id><ContentTitle>Big Show</ContentTitle></CompositionPlaylist>`
	if err := os.MkdirAll(filepath.Join(dir, "imf"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"ASSETMAP.xml": am, "CPL.xml": cpl} {
		if err := os.WriteFile(filepath.Join(dir, "imf", name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mxf := make([]byte, 64)
	copy(mxf, "\x06\x0e\x2b\x34\x02\x05\x01\x01\x0d\x01\x02\x01\x01\x02\x04\x00")
	sparseFile(t, filepath.Join(dir, "imf", "video.mxf"), fourGiB, map[int64][]byte{0: mxf})

	r, err := scanner.Scan(t.Context(), []string{dir}, scanner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bytes_read %d of %d", r.Summary.BytesRead, r.Summary.Bytes)
	if r.Summary.BytesRead >= 1<<20 {
		t.Errorf("read %d bytes of %d", r.Summary.BytesRead, r.Summary.Bytes)
	}
	if len(r.Sequences) != 1 || r.Sequences[0].Count != 8 {
		t.Errorf("sequences: %+v", r.Sequences)
	}
	if len(r.Packages) != 1 || r.Packages[0].Present != 2 || len(r.Packages[0].Titles) != 1 || r.Packages[0].Titles[0] != "Big Show" {
		t.Errorf("packages: %+v", r.Packages)
	}
}
