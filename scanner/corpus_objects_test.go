package scanner

import (
	"os"
	"testing"

	"gocloud.dev/blob/fileblob"

	"github.com/provscan/provscan/scanner/objstore"
)

// TestCorpusObjects reads the shared corpus (real deliveries, GenAI
// outputs, C2PA test files; skipped without ../shared) as the objects of a
// bucket (gocloud's fileblob over the folder, read only) and checks that
// the report is the disk scan's, source fields aside, and that no object
// costs 8 requests or more. Stills whose metadata lies in their first 64
// KiB cost one request; a PNG costs its whole size in 3 requests, because
// the walk over its IDAT chunk headers (text chunks may follow the image
// data) touches every 64 KiB block; the test logs the costliest objects.
func TestCorpusObjects(t *testing.T) {
	const corpus = "../../shared/corpus"
	if _, err := os.Stat(corpus); err != nil {
		t.Skip("../shared/corpus is absent:", err)
	}
	b, err := fileblob.OpenBucket(corpus, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	src := objstore.NewSource(b, "", "mem://corpus")
	bucket, err := Scan(t.Context(), []string{"mem://corpus"}, Options{Version: "test", OpenBucket: openSource(src)})
	if err != nil {
		t.Fatal(err)
	}
	disk, err := Scan(t.Context(), []string{corpus}, Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if bucket.Summary.Files < 300 || len(bucket.Objects) != bucket.Summary.Files {
		t.Fatalf("%d files, %d objects", bucket.Summary.Files, len(bucket.Objects))
	}
	worst := bucket.Objects[0]
	for _, o := range bucket.Objects {
		if o.Requests >= 8 {
			t.Errorf("%s (%d bytes): %d requests, %d bytes transferred", o.Path, o.Size, o.Requests, o.Transferred)
		}
		if o.Requests > worst.Requests || o.Requests == worst.Requests && o.Transferred > worst.Transferred {
			worst = o
		}
	}
	t.Logf("%d objects, %d bytes: %d requests, %d bytes transferred, %d read; the costliest %s (%d bytes): %d requests, %d bytes",
		len(bucket.Objects), bucket.Summary.Bytes, bucket.Summary.Requests, bucket.Summary.Transferred, bucket.Summary.BytesRead,
		worst.Path, worst.Size, worst.Requests, worst.Transferred)
	if got, want := sourceFree(t, bucket), sourceFree(t, disk); got != want {
		t.Errorf("the corpus read from a bucket differs from the disk scan:\n%s", firstDiff([]byte(got), []byte(want)))
	}
}
