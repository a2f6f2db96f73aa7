package s3test_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gocloud.dev/blob"

	"github.com/provscan/provscan/scanner/s3test"
)

func TestMain(m *testing.M) {
	code := m.Run()
	s3test.Stop()
	os.Exit(code)
}

func TestWeedPath(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("PROVSCAN_CACHE", cache)
	t.Setenv("PROVSCAN_WEED", "")
	if got := s3test.Weed(); got != "" {
		t.Errorf("Weed() with an empty cache = %q, want \"\"", got)
	}
	bin := filepath.Join(cache, "weed-"+s3test.WeedVersion)
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := s3test.Weed(); got != bin {
		t.Errorf("Weed() = %q, want %q", got, bin)
	}
	t.Setenv("PROVSCAN_WEED", "/elsewhere/weed")
	if got := s3test.Weed(); got != "/elsewhere/weed" {
		t.Errorf("Weed() with PROVSCAN_WEED = %q, want it", got)
	}
}

// recorder is a testing.TB that records Fatal and Skip instead of stopping.
type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Helper()           {}
func (r *recorder) Fatal(args ...any) { r.fatal = fmt.Sprint(args...) }
func (r *recorder) Skip(args ...any)  { r.skip = fmt.Sprint(args...) }

func TestRequireMissing(t *testing.T) {
	t.Setenv("PROVSCAN_CACHE", t.TempDir())
	t.Setenv("PROVSCAN_WEED", "")

	t.Setenv("CI", "")
	r := &recorder{TB: t}
	if got := s3test.Require(r); got != "" || r.fatal != "" || !strings.Contains(r.skip, ".ci/run") || !strings.Contains(r.skip, "go build -o") {
		t.Errorf("without CI: Require = %q, fatal %q, skip %q; want a skip saying how to build weed", got, r.fatal, r.skip)
	}

	t.Setenv("CI", "true")
	r = &recorder{TB: t}
	if got := s3test.Require(r); got != "" || r.skip != "" || !strings.Contains(r.fatal, "CI is set") {
		t.Errorf("with CI: Require = %q, fatal %q, skip %q; want a failure", got, r.fatal, r.skip)
	}

	t.Setenv("PROVSCAN_WEED", filepath.Join(t.TempDir(), "weed"))
	r = &recorder{TB: t}
	if s3test.Require(r); r.fatal == "" {
		t.Errorf("with CI and a PROVSCAN_WEED that does not exist: no failure")
	}
}

func TestStartShared(t *testing.T) {
	s := s3test.Start(t)
	t.Logf("server start time: %v", s.StartTime)
	var again *s3test.Server
	t.Run("again", func(t *testing.T) { again = s3test.Start(t) })
	if again != s {
		t.Errorf("two Start calls gave two servers: %p, %p", s, again)
	}
	if !strings.HasPrefix(s.Endpoint, "http://127.0.0.1:") {
		t.Errorf("Endpoint = %q", s.Endpoint)
	}
}

func TestRoundTrip(t *testing.T) {
	s := s3test.Start(t)
	const bucket = "deliv"
	s.CreateBucket(t, bucket)
	s.CreateBucket(t, bucket) // idempotent

	// A small tree: 5 regular files in nested folders, and a symbolic link.
	dir := t.TempDir()
	files := map[string]string{
		"a.txt":              "alpha",
		"b.bin":              "0123456789abcdefghij",
		"sub/c.txt":          "charlie",
		"sub/deep/d.txt":     "delta",
		"sub/deep/er/e.json": `{"e":1}`,
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a.txt", filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if n := s.UploadTree(t, bucket, "show1/", dir); n != len(files) {
		t.Fatalf("UploadTree stored %d files, want %d", n, len(files))
	}
	s.Put(t, bucket, "other/x.txt", strings.NewReader("x-ray and more"), 5)

	ctx := context.Background()
	b, err := blob.OpenBucket(ctx, s.URL(bucket, "show1/"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	// One level, with the delimiter.
	var top []string
	it := b.List(&blob.ListOptions{Delimiter: "/"})
	for {
		obj, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		top = append(top, fmt.Sprintf("%s dir=%v", obj.Key, obj.IsDir))
	}
	slices.Sort(top)
	if want := []string{"a.txt dir=false", "b.bin dir=false", "sub/ dir=true"}; !slices.Equal(top, want) {
		t.Errorf("listing with delimiter: %q, want %q", top, want)
	}

	// Everything, two objects a page.
	var all []string
	pages := 0
	token := blob.FirstPageToken
	for {
		objs, next, err := b.ListPage(ctx, token, 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(objs) > 2 {
			t.Errorf("page of %d objects, want at most 2", len(objs))
		}
		pages++
		for _, o := range objs {
			all = append(all, o.Key)
			if o.Size != int64(len(files[o.Key])) {
				t.Errorf("%s: size %d, want %d", o.Key, o.Size, len(files[o.Key]))
			}
		}
		if len(next) == 0 {
			break
		}
		token = next
	}
	want := make([]string, 0, len(files))
	for k := range files {
		want = append(want, k)
	}
	slices.Sort(want)
	if !slices.Equal(all, want) {
		t.Errorf("paged listing: %q, want %q", all, want)
	}
	if pages < 3 {
		t.Errorf("%d pages for %d objects at 2 a page", pages, len(all))
	}

	// A range.
	r, err := b.NewRangeReader(ctx, "b.bin", 5, 7, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "56789ab" {
		t.Errorf("range 5+7 of b.bin = %q, want %q", got, "56789ab")
	}
	got, err = b.ReadAll(ctx, "sub/deep/er/e.json")
	if err != nil || !bytes.Equal(got, []byte(files["sub/deep/er/e.json"])) {
		t.Errorf("ReadAll = %q, %v", got, err)
	}

	// Put stored size bytes; the link was not uploaded.
	whole, err := blob.OpenBucket(ctx, s.URL(bucket, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer whole.Close()
	if got, err := whole.ReadAll(ctx, "other/x.txt"); err != nil || string(got) != "x-ray" {
		t.Errorf("Put object = %q, %v; want %q", got, err, "x-ray")
	}
	if ok, err := whole.Exists(ctx, "show1/link.txt"); err != nil || ok {
		t.Errorf("the symbolic link was uploaded (%v, %v)", ok, err)
	}
}
