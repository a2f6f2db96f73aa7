package objstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"gocloud.dev/blob"
	"gocloud.dev/blob/memblob"
	"gocloud.dev/gcerrors"
)

func TestIsURL(t *testing.T) {
	for arg, want := range map[string]bool{
		"s3://deliv/show1":           true,
		"S3://deliv":                 true,
		"gs://b":                     true,
		"azblob://c/p?x=y":           true,
		"mem://":                     true,
		"file:///tmp/x":              false,
		"/data/show1":                false,
		"show1":                      false,
		"s3:/deliv":                  false,
		"://x":                       false,
		"http://example.com/x":       false,
		"./s3://looks-like-a-url":    false,
		`C:\deliv\s3://nope`:         false,
		"gcs://wrong-scheme/for-gcs": false,
	} {
		if got := IsURL(arg); got != want {
			t.Errorf("IsURL(%q) = %v, want %v", arg, got, want)
		}
	}
}

func writeKeys(t *testing.T, b *blob.Bucket, keys ...string) {
	t.Helper()
	for _, k := range keys {
		data := []byte(k)
		if strings.HasSuffix(k, "/") {
			data = nil
		}
		if err := b.WriteAll(context.Background(), k, data, nil); err != nil {
			t.Fatalf("write %q: %v", k, err)
		}
	}
}

func names(es []Entry) []string {
	var out []string
	for _, e := range es {
		n := e.Name
		if e.Dir {
			n += "/"
		}
		out = append(out, n)
	}
	return out
}

func TestList(t *testing.T) {
	ctx := context.Background()
	b := memblob.OpenBucket(nil)
	defer b.Close()
	writeKeys(t, b,
		"root/",            // the root's own folder marker
		"root/b.txt",       //
		"root/B.txt",       // bytewise: before "a"
		"root/a.txt",       //
		"root/dir/",        // a marker beside real keys
		"root/dir/x.mov",   //
		"root/dir/sub/y",   //
		"root/empty/",      // a marker alone: an empty folder
		"root/é.png",       //
		"other/z",          // outside the prefix
		"rootless/z",       // shares the prefix's letters, not its folder
		"root/dir/sub/z/w", //
	)
	s := NewSource(b, "root", "mem://t/root")
	if s.Prefix != "root/" {
		t.Fatalf("Prefix %q", s.Prefix)
	}
	es, err := s.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(es), []string{"B.txt", "a.txt", "b.txt", "dir/", "empty/", "é.png"}; !slices.Equal(got, want) {
		t.Fatalf("root: %q, want %q", got, want)
	}
	for _, e := range es {
		if !e.Dir && (e.Size != int64(len("root/"+e.Name)) || e.ModTime.IsZero()) {
			t.Errorf("%s: size %d, mod %v", e.Name, e.Size, e.ModTime)
		}
	}
	es, err = s.List(ctx, "dir/")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(es), []string{"sub/", "x.mov"}; !slices.Equal(got, want) {
		t.Fatalf("dir/: %q, want %q", got, want)
	}
	es, err = s.List(ctx, "empty/")
	if err != nil || len(es) != 0 {
		t.Fatalf("empty/: %q, %v", names(es), err)
	}
	// The whole bucket, no prefix.
	es, err = NewSource(b, "", "mem://t").List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(es), []string{"other/", "root/", "rootless/"}; !slices.Equal(got, want) {
		t.Fatalf("bucket: %q, want %q", got, want)
	}
}

func TestListPagination(t *testing.T) {
	defer func(n int) { listPageSize = n }(listPageSize)
	listPageSize = 3
	ctx := context.Background()
	b := memblob.OpenBucket(nil)
	defer b.Close()
	var keys, want []string
	for i := range 10 {
		keys = append(keys, fmt.Sprintf("p/f%02d", 9-i))
		want = append(want, fmt.Sprintf("f%02d", i))
	}
	keys = append(keys, "p/d1/x", "p/d2/", "p/")
	want = append(slices.Clone(want[:0]), "d1/", "d2/")
	for i := range 10 {
		want = append(want, fmt.Sprintf("f%02d", i))
	}
	writeKeys(t, b, keys...)
	s := NewSource(b, "p/", "mem://t/p")
	es, err := s.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := names(es); !slices.Equal(got, want) {
		t.Fatalf("%q, want %q", got, want)
	}
	// 13 names (12 and the root's marker) in pages of 3: 5 pages, perhaps
	// an empty sixth.
	if n := s.ListRequests(); n < 5 || n > 6 {
		t.Fatalf("%d list requests for 13 names in pages of 3", n)
	}
	t.Logf("%d list requests", s.ListRequests())

	defer func(n int) { maxEntries = n }(maxEntries)
	maxEntries = 5
	if _, err := s.List(ctx, ""); err == nil || !strings.Contains(err.Error(), "more than 5 names") {
		t.Fatalf("over maxEntries: %v", err)
	}
}

func TestListBadKeys(t *testing.T) {
	ctx := context.Background()
	b := memblob.OpenBucket(nil)
	defer b.Close()
	writeKeys(t, b, "r/ok", "r/nul\x00name", "r/./x", "r/../y", "r//z", "r/d/")
	s := NewSource(b, "r/", "mem://t/r")
	es, err := s.List(ctx, "")
	var bk *BadKeyError
	if !errors.As(err, &bk) {
		t.Fatalf("error %v, want a *BadKeyError", err)
	}
	if got, want := names(es), []string{"d/", "ok"}; !slices.Equal(got, want) {
		t.Fatalf("entries %q, want %q", got, want)
	}
	slices.Sort(bk.Keys)
	if want := []string{"../", "./", "/", "nul\x00name"}; !slices.Equal(bk.Keys, want) {
		t.Fatalf("bad keys %q, want %q", bk.Keys, want)
	}
	if !strings.Contains(err.Error(), `"nul\x00name"`) || bk.Source != "mem://t/r" {
		t.Fatalf("message %q", err)
	}
}

func TestReadAll(t *testing.T) {
	ctx := context.Background()
	b := memblob.OpenBucket(nil)
	defer b.Close()
	writeKeys(t, b, "r/.provscanignore")
	s := NewSource(b, "r/", "mem://t/r")
	data, err := s.ReadAll(ctx, ".provscanignore", 100)
	if err != nil || string(data) != "r/.provscanignore" {
		t.Fatalf("%q, %v", data, err)
	}
	if _, err := s.ReadAll(ctx, ".provscanignore", 5); err == nil {
		t.Fatal("over max: no error")
	}
	_, err = s.ReadAll(ctx, "missing", 100)
	if gcerrors.Code(err) != gcerrors.NotFound || !strings.Contains(err.Error(), "mem://t/r/missing") {
		t.Fatalf("missing: %v (code %v)", err, gcerrors.Code(err))
	}
}

func TestOpenURL(t *testing.T) {
	ctx := context.Background()
	s, err := OpenURL(ctx, "mem://deliv/show1")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Prefix != "show1/" || s.Display != "mem://deliv/show1" {
		t.Fatalf("Prefix %q Display %q", s.Prefix, s.Display)
	}
	if s.ListRequests() != 1 {
		t.Fatalf("%d list requests on open", s.ListRequests())
	}
	writeKeys(t, s.Bucket, "show1/a", "show1/b/c", "show2/x")
	es, err := s.List(ctx, "")
	if err != nil || !slices.Equal(names(es), []string{"a", "b/"}) {
		t.Fatalf("%q, %v", names(es), err)
	}
	o := s.Open(ctx, "b/c", int64(len("show1/b/c")), es[0].ModTime)
	p := make([]byte, 9)
	if n, err := o.ReadAt(p, 0); n != 9 || string(p) != "show1/b/c" {
		t.Fatalf("%q, %v", p[:n], err)
	}

	for raw, want := range map[string]string{
		"mem://":          "",
		"mem://b":         "",
		"mem://b/":        "",
		"mem://b/a/b/":    "a/b/",
		"MEM://b/a%20b/c": "a b/c/",
		// gocloud's prefix= parameter joins the path.
		"mem://b?prefix=show1/":      "show1/",
		"mem://b/x?prefix=show1":     "x/show1/",
		"mem://b?prefix=%2Fshow1%2F": "show1/",
	} {
		s, err := OpenURL(ctx, raw)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if s.Prefix != want {
			t.Errorf("%s: Prefix %q, want %q", raw, s.Prefix, want)
		}
		_ = s.Close()
	}
}

func TestOpenURLErrorsHideQuery(t *testing.T) {
	ctx := context.Background()
	for _, raw := range []string{
		"mem://b/p?secret_access_key=hunter2hunter2",
		"mem://user:hunter2hunter2@b/p?x=1",
		"file:///tmp?secret=hunter2hunter2",
		"s3://b/%zz?secret=hunter2hunter2",
	} {
		_, err := OpenURL(ctx, raw)
		if err == nil {
			t.Fatalf("%s: no error", raw)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("%s: the error echoes a secret: %v", raw, err)
		}
		t.Log(err)
	}
}
