package scanner_test

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gocloud.dev/blob/fileblob"

	"github.com/provscan/provscan/bench/synth"
	"github.com/provscan/provscan/scanner"
	"github.com/provscan/provscan/scanner/objstore"
	"github.com/provscan/provscan/scanner/report"
)

// writePieces writes a sparse file of size bytes holding the pieces.
func writePieces(t *testing.T, path string, size int64, pieces []synth.Piece) {
	t.Helper()
	m := map[int64][]byte{}
	for _, p := range pieces {
		m[p.Off] = p.Data
	}
	sparseFile(t, path, size, m)
}

// TestObjectRequestCosts scans, as objects of a bucket, stills (from a few
// hundred bytes to 3 MB, with their metadata at the start or after the image
// data) and sparse 4 GiB masters whose metadata is at the end (MP4 with the
// movie box last, MXF with its footer, Matroska with tags behind the
// clusters, RF64 with ADM after the audio), and asserts what each object
// cost: a still under 4 requests and 256 KiB, a master under 8 requests and
// 1 MiB. The bucket is gocloud's fileblob over sparse files: a 4 GiB object
// costs no memory and no upload. The same costs against a real S3 server are
// checked by the object storage tests in cmd/provscan.
func TestObjectRequestCosts(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	xmp := synth.JPEGXMP(synth.XMP(synth.SourceType("trainedAlgorithmicMedia")))
	stills := map[string][]byte{
		"stills/small.jpg":    synth.JPEG(rng, 2<<10, xmp),
		"stills/key-art.jpg":  synth.JPEG(rng, 3<<20, xmp),
		"stills/comfy.png":    synth.PNG(rng, 1<<10, synth.PNGText("prompt", synth.ComfyPrompt("a castle", 1))),
		"stills/text-end.png": textAfterIDAT(synth.PNG(rng, 2<<20), synth.PNGText("parameters", synth.A1111("a castle", 7))),
	}
	for name, data := range stills {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	masters := map[string][]synth.Piece{
		"masters/moov-end.mp4": synth.MP4MoovAtEnd(fourGiB, "Lavf60.16.100"),
		"masters/reel.mxf":     synth.MXFMaster(fourGiB, "Blackmagic Design", "DaVinci Resolve"),
		"masters/reel.mkv":     synth.MatroskaMaster(fourGiB, "mkvmerge v80"),
		"masters/mix.wav":      synth.RF64Master(fourGiB, "Main mix", "Pro Tools"),
	}
	os.MkdirAll(filepath.Join(dir, "masters"), 0o755)
	for name, pieces := range masters {
		writePieces(t, filepath.Join(dir, filepath.FromSlash(name)), fourGiB, pieces)
	}
	b, err := fileblob.OpenBucket(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	r, err := scanner.Scan(t.Context(), []string{"mem://costs"}, scanner.Options{Workers: 2, OpenBucket: openFixed(objstore.NewSource(b, "", "mem://costs"))})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Objects) != len(stills)+len(masters) {
		t.Fatalf("%d objects read, want %d", len(r.Objects), len(stills)+len(masters))
	}
	for _, f := range r.Findings {
		if f.Rule == "unreadable" {
			t.Errorf("%s: %s", f.Path, f.Message)
		}
	}
	for _, o := range r.Objects {
		maxReq, maxBytes := int64(4), int64(256<<10)
		if strings.HasPrefix(o.Path, "masters/") {
			maxReq, maxBytes = 8, 1<<20
		}
		if o.Requests >= maxReq || o.Transferred >= maxBytes {
			t.Errorf("%s (%d bytes): %d requests, %d bytes transferred; want under %d and %d", o.Path, o.Size, o.Requests, o.Transferred, maxReq, maxBytes)
		}
		t.Logf("%-22s %10d bytes: %d requests, %7d bytes transferred, %7d read", o.Path, o.Size, o.Requests, o.Transferred, o.BytesRead)
	}
	// The metadata at the end was reached: the findings of the PNG whose
	// text follows 2 MB of image data, and the masters' tools.
	want := map[string]bool{"stills/text-end.png": false, "stills/key-art.jpg": false, "stills/comfy.png": false}
	for _, f := range r.Findings {
		if _, ok := want[f.Path]; ok {
			want[f.Path] = true
		}
	}
	for p, ok := range want {
		if !ok {
			t.Errorf("%s: no finding", p)
		}
	}
	for _, f := range r.Scanned {
		if f.Status != report.ScanInspected {
			t.Errorf("%s: %s (%s)", f.Path, f.Status, f.Format)
		}
	}
}

// textAfterIDAT inserts chunk before the IEND chunk (the last 12 bytes).
func textAfterIDAT(png, chunk []byte) []byte {
	end := len(png) - 12
	return append(append(append([]byte{}, png[:end]...), chunk...), png[end:]...)
}

// openFixed returns an Options.OpenBucket that gives src for any URL.
func openFixed(src *objstore.Source) func(context.Context, string) (*objstore.Source, error) {
	return func(context.Context, string) (*objstore.Source, error) { return src, nil }
}
