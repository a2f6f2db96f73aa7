package scanner

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gocloud.dev/blob"
	"gocloud.dev/blob/memblob"

	"github.com/provscan/provscan/scanner/objstore"
	"github.com/provscan/provscan/scanner/policy"
	"github.com/provscan/provscan/scanner/report"
)

// uploadTree copies the regular files under dir into b under prefix.
func uploadTree(t *testing.T, b *blob.Bucket, dir, prefix string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		return b.WriteAll(context.Background(), prefix+filepath.ToSlash(rel), data, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// memBuckets returns an OpenBucket that serves the given buckets by URL
// (without query) from memory.
func memBuckets(bs map[string]*blob.Bucket) func(context.Context, string) (*objstore.Source, error) {
	return func(_ context.Context, u string) (*objstore.Source, error) {
		u = objstore.Display(u)
		rest := strings.TrimPrefix(u, "mem://")
		name, prefix, _ := strings.Cut(rest, "/")
		b, ok := bs[name]
		if !ok {
			return nil, os.ErrNotExist
		}
		if prefix != "" && !strings.HasSuffix(prefix, "/") {
			prefix += "/"
		}
		return objstore.NewSource(b, prefix, strings.TrimSuffix(u, "/")), nil
	}
}

// sourceFree returns the JSON report with its timing and source fields
// removed (report.WithoutSource).
func sourceFree(t *testing.T, r *report.Report) string {
	t.Helper()
	report.WithoutSource(r)
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestBucketScanEqualsDisk: a scan of a bucket holding the sample
// deliverables reports what a scan of the tree on disk does, timing and
// source fields aside, and counts what each object cost.
func TestBucketScanEqualsDisk(t *testing.T) {
	mem := memblob.OpenBucket(nil)
	defer mem.Close()
	n := uploadTree(t, mem, "../testdata/deliverables", "show1/")
	opts := Options{Version: "test", OpenBucket: memBuckets(map[string]*blob.Bucket{"deliv": mem})}

	disk, err := Scan(t.Context(), []string{"../testdata/deliverables"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	bucket, err := Scan(t.Context(), []string{"mem://deliv/show1"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(bucket.Roots) != 1 || bucket.Roots[0] != "mem://deliv/show1" {
		t.Errorf("roots: %q", bucket.Roots)
	}
	if len(bucket.Objects) != n || bucket.Summary.Files != n {
		t.Fatalf("%d objects uploaded, %d in objects[], %d files", n, len(bucket.Objects), bucket.Summary.Files)
	}
	var reqs, sent int64
	for _, o := range bucket.Objects {
		if o.Requests < 1 || o.Transferred < o.BytesRead || o.Root != "mem://deliv/show1" {
			t.Errorf("object %+v", o)
		}
		reqs += o.Requests
		sent += o.Transferred
	}
	if bucket.Summary.Requests != reqs || bucket.Summary.Transferred != sent || bucket.Summary.ListRequests < 1 {
		t.Errorf("summary: %d requests, %d bytes, %d list requests; objects: %d, %d", bucket.Summary.Requests, bucket.Summary.Transferred, bucket.Summary.ListRequests, reqs, sent)
	}
	// Each folder is listed once (the lister runs ahead of the walk, never
	// twice over a folder), plus the list request that opens the bucket
	// (NewSource makes none: memBuckets counts none).
	folders := 0
	filepath.WalkDir("../testdata/deliverables", func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			folders++
		}
		return err
	})
	if bucket.Summary.ListRequests != int64(folders) {
		t.Errorf("%d list requests for %d folders", bucket.Summary.ListRequests, folders)
	}
	if disk.Objects != nil || disk.Summary.Requests != 0 {
		t.Errorf("a scan on disk has object statistics")
	}
	// The JSON names the cost per object.
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, bucket); err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw["objects"]; !ok {
		t.Errorf("no objects in the JSON of a bucket scan")
	}
	// The text report names no approve command for objects (it hashes files
	// on disk); the SARIF report's base is the bucket's URL.
	var txt, sar bytes.Buffer
	if err := report.WriteText(&txt, bucket, report.TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(txt.String(), "provscan approve --reference REF --by NAME -- mem://deliv/show1/") || !strings.Contains(txt.String(), "add the bucket's query parameters") {
		t.Errorf("text report next steps:\n%s", txt.String())
	}
	var page bytes.Buffer
	if err := report.WriteHTML(&page, bucket); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.String(), "-- mem://deliv/show1/stills/comfyui.png") {
		t.Errorf("the HTML report's approve commands do not name the objects' URLs")
	}
	if err := report.WriteSARIF(&sar, bucket); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sar.String(), `"uri": "mem://deliv/show1/"`) {
		t.Errorf("SARIF base URI: %s", sar.String()[:min(sar.Len(), 2000)])
	}
	if got, want := sourceFree(t, bucket), sourceFree(t, disk); got != want {
		t.Errorf("bucket scan differs from the disk scan:\n%s", firstDiff([]byte(got), []byte(want)))
	}
}

// TestBucketMissing: a bucket that cannot be opened fails the scan, as a
// missing folder does.
func TestBucketMissing(t *testing.T) {
	opts := Options{OpenBucket: memBuckets(nil)}
	if _, err := Scan(t.Context(), []string{"mem://nope/x?secret=1"}, opts); err == nil || !strings.Contains(err.Error(), "cannot scan mem://nope/x") || strings.Contains(err.Error(), "secret") {
		t.Errorf("missing bucket: %v", err)
	}
}

// TestBucketWalk: in a bucket, --exclude prunes a whole folder (never
// listed), a policy or ignore file at the root is listed as not applied
// (and scanned as a file of the delivery), keys that cannot name a file
// (data under a key ending in "/" included: it would pass unread) are
// errors of the scan that fail the gate; an empty folder marker is nothing.
func TestBucketWalk(t *testing.T) {
	mem := memblob.OpenBucket(nil)
	defer mem.Close()
	ctx := t.Context()
	for k, v := range map[string]string{
		"d/.provscanignore":     "stills/\n",
		"d/stills/a.png":        "x",
		"d/renders/tmp/1.exr":   "x",
		"d/renders/tmp/2.exr":   "x",
		"d/renders/keep.jpg":    "x",
		"d/renders/keep.xmp":    "<x/>",
		"d/bad//name.png":       "x",
		"d/renders/../dots.png": "x",
		"d/renders/hidden/":     "data under a folder's name",
		"d/renders/empty/":      "",
	} {
		if err := mem.WriteAll(ctx, k, []byte(v), nil); err != nil {
			t.Fatal(err)
		}
	}
	src := objstore.NewSource(mem, "d/", "mem://b/d")
	r, err := Scan(ctx, []string{"mem://b/d"}, Options{Exclude: []string{"renders/tmp"},
		OpenBucket: func(context.Context, string) (*objstore.Source, error) { return src, nil }})
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]bool{}
	for _, o := range r.Objects {
		paths[o.Path] = true
	}
	for _, want := range []string{".provscanignore", "stills/a.png", "renders/keep.jpg", "renders/keep.xmp"} {
		if !paths[want] {
			t.Errorf("%s not read (read: %v)", want, paths)
		}
	}
	if paths["renders/tmp/1.exr"] || r.Summary.Excluded != 1 || len(r.Policy.Excluded) != 1 || r.Policy.Excluded[0].Path != "renders/tmp/" {
		t.Errorf("exclusion: read %v, excluded %d %+v", paths, r.Summary.Excluded, r.Policy.Excluded)
	}
	if len(r.Policy.NotApplied) != 1 || r.Policy.NotApplied[0].Path != "mem://b/d/.provscanignore" || r.Policy.NotApplied[0].SHA256 == "" || len(r.Policy.Files) != 0 {
		t.Errorf("policy files: applied %+v, not applied %+v", r.Policy.Files, r.Policy.NotApplied)
	}
	bad := 0
	for _, e := range r.Errors {
		if strings.Contains(e.Error, "no usable name") {
			bad++
		}
	}
	if bad != 3 || r.Gate == nil || !r.Gate.Failed {
		t.Errorf("bad keys: %d errors %+v; gate %+v", bad, r.Errors, r.Gate)
	}
}

// TestBucketApproval: a written approval of a file's content covers the
// same content read from a bucket: the object is read whole for its
// SHA-256 (an approval of its size exists), in a few requests.
func TestBucketApproval(t *testing.T) {
	data, err := os.ReadFile("../testdata/deliverables/stills/comfyui.png")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	af := filepath.Join(t.TempDir(), "approvals.yaml")
	y := fmt.Sprintf("approvals:\n  - sha256: %x\n    size: %d\n    rule: \"*\"\n    reference: LEGAL-1\n    approved_by: Jane Doe\n", sum, len(data))
	if err := os.WriteFile(af, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	ap, err := policy.LoadApprovals(af)
	if err != nil {
		t.Fatal(err)
	}
	mem := memblob.OpenBucket(nil)
	defer mem.Close()
	if err := mem.WriteAll(t.Context(), "x/comfyui.png", data, nil); err != nil {
		t.Fatal(err)
	}
	r, err := Scan(t.Context(), []string{"mem://b/x"}, Options{Approvals: ap, OpenBucket: memBuckets(map[string]*blob.Bucket{"b": mem})})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) == 0 {
		t.Fatal("no finding")
	}
	for _, f := range r.Findings {
		if f.Status != report.StatusApproved || f.SHA256 != fmt.Sprintf("%x", sum) {
			t.Errorf("%s %s: status %s, sha256 %s", f.Path, f.Rule, f.Status, f.SHA256)
		}
	}
	if r.Gate.Failed {
		t.Errorf("gate failed: %v", r.Gate.Reasons)
	}
}

// openSource returns an Options.OpenBucket that gives src for any URL.
func openSource(src *objstore.Source) func(context.Context, string) (*objstore.Source, error) {
	return func(context.Context, string) (*objstore.Source, error) { return src, nil }
}

// TestInspectObject: inspect reads one object of a bucket as a scan does
// and counts its requests; a missing object or a folder is an error.
func TestInspectObject(t *testing.T) {
	// Each inspection closes its bucket: a fresh one each time.
	opts := func() Options {
		mem := memblob.OpenBucket(nil)
		uploadTree(t, mem, "../testdata/deliverables", "show1/")
		return Options{OpenBucket: memBuckets(map[string]*blob.Bucket{"deliv": mem})}
	}
	in, err := InspectFile("mem://deliv/show1/stills/comfyui.png?x=1", opts())
	if err != nil {
		t.Fatal(err)
	}
	if in.Path != "mem://deliv/show1/stills/comfyui.png" || in.Format != "PNG" || in.Requests != 1 || in.Transferred != in.Size || len(in.Findings) == 0 {
		t.Errorf("inspection: path %q format %q, %d requests, %d of %d bytes, %d findings", in.Path, in.Format, in.Requests, in.Transferred, in.Size, len(in.Findings))
	}
	if _, err := InspectFile("mem://deliv/show1/stills/nope.png", opts()); err == nil || !strings.Contains(err.Error(), "no such object") {
		t.Errorf("missing object: %v", err)
	}
	if _, err := InspectFile("mem://deliv/show1/stills/", opts()); err == nil || !strings.Contains(err.Error(), "not an object") {
		t.Errorf("folder: %v", err)
	}
}

// TestBucketManyFolders: a tree of 400 folders four levels deep (more than
// the lister holds ahead), some excluded, is walked whole, each folder
// listed once, the excluded ones never.
func TestBucketManyFolders(t *testing.T) {
	mem := memblob.OpenBucket(nil)
	defer mem.Close()
	want := 0
	for a := range 4 {
		for b := range 10 {
			for c := range 10 {
				dir := fmt.Sprintf("t/s%d/b%02d/c%d", a, b, c)
				n := 1 + (a+b+c)%3
				for f := range n {
					if err := mem.WriteAll(t.Context(), fmt.Sprintf("%s/f.%04d.exr", dir, f), []byte("x"), nil); err != nil {
						t.Fatal(err)
					}
				}
				if b != 7 {
					want += n
				}
			}
		}
	}
	src := objstore.NewSource(mem, "t/", "mem://b/t")
	r, err := Scan(t.Context(), []string{"mem://b/t"}, Options{Exclude: []string{"**/b07"}, OpenBucket: openSource(src)})
	if err != nil {
		t.Fatal(err)
	}
	// Folders listed: the root, 4 s*, 36 b* (b07 excluded), 360 c*.
	if r.Summary.Files != want || r.Summary.ListRequests != 1+4+36+360 || r.Summary.Excluded != 4 {
		t.Errorf("%d files (want %d), %d list requests (want %d), %d excluded", r.Summary.Files, want, r.Summary.ListRequests, 1+4+36+360, r.Summary.Excluded)
	}
}

// TestBucketMemory: the block caches of the workers reading objects are
// held from the memory cap; a cap too small for them is an error before
// anything is read.
func TestBucketMemory(t *testing.T) {
	// A scan closes its bucket: a fresh one each time.
	open := func() func(context.Context, string) (*objstore.Source, error) {
		mem := memblob.OpenBucket(nil)
		uploadTree(t, mem, "../testdata/deliverables", "")
		return openSource(objstore.NewSource(mem, "", "mem://b"))
	}
	_, err := Scan(t.Context(), []string{"mem://b"}, Options{MaxMemory: 40 << 20, OpenBucket: open()})
	if err == nil || !strings.Contains(err.Error(), "32 workers reading objects") {
		t.Errorf("40 MiB for 32 workers: %v", err)
	}
	r, err := Scan(t.Context(), []string{"mem://b"}, Options{MaxMemory: 40 << 20, Workers: 4, OpenBucket: open()})
	if err != nil || r.Summary.Files == 0 || r.Gate.Failed && len(r.Errors) > 0 {
		t.Errorf("40 MiB for 4 workers: %v, %d files, errors %+v", err, r.Summary.Files, r.Errors)
	}
}

// TestBucketObjectRoot: a root that names one object is read as a file
// root on disk is, at its base name; a folder with nothing in it reads
// nothing (and fails the gate as an empty scan).
func TestBucketObjectRoot(t *testing.T) {
	open := func() func(context.Context, string) (*objstore.Source, error) {
		mem := memblob.OpenBucket(nil)
		uploadTree(t, mem, "../testdata/deliverables", "show1/")
		return memBuckets(map[string]*blob.Bucket{"deliv": mem})
	}
	r, err := Scan(t.Context(), []string{"mem://deliv/show1/stills/comfyui.png"}, Options{OpenBucket: open()})
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary.Files != 1 || len(r.Objects) != 1 || r.Objects[0].Path != "comfyui.png" || len(r.Findings) == 0 || r.Findings[0].Path != "comfyui.png" {
		t.Errorf("object root: %d files, objects %+v, findings %d", r.Summary.Files, r.Objects, len(r.Findings))
	}
	r, err = Scan(t.Context(), []string{"mem://deliv/show1/nothing-here"}, Options{OpenBucket: open()})
	if err != nil || r.Summary.Files != 0 || !r.Gate.Failed {
		t.Errorf("empty folder: %v, %d files, gate %+v", err, r.Summary.Files, r.Gate)
	}
}

// TestApproveObjects: provscan approve takes a folder of a bucket (its
// flagged objects) or one object, hashed as read, named by URL without the
// query; the approvals then cover the same content on disk.
func TestApproveObjects(t *testing.T) {
	open := func() func(context.Context, string) (*objstore.Source, error) {
		mem := memblob.OpenBucket(nil)
		uploadTree(t, mem, "../testdata/deliverables", "show1/")
		return memBuckets(map[string]*blob.Bucket{"deliv": mem})
	}
	ts, _, err := ApproveTargets(t.Context(), []string{"mem://deliv/show1/stills?k=v"}, "*", Options{OpenBucket: open()})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile("../testdata/deliverables/stills/comfyui.png")
	want := fmt.Sprintf("%x", sha256.Sum256(data))
	found := false
	for _, x := range ts {
		if !strings.HasPrefix(x.Path, "mem://deliv/show1/stills/") || strings.Contains(x.Path, "k=v") {
			t.Errorf("target path %q", x.Path)
		}
		if x.Path == "mem://deliv/show1/stills/comfyui.png" {
			found = x.SHA256 == want && x.Size == int64(len(data))
		}
	}
	if len(ts) < 5 || !found {
		t.Errorf("%d targets, comfyui.png with its hash: %v (%+v)", len(ts), found, ts)
	}
	one, _, err := ApproveTargets(t.Context(), []string{"mem://deliv/show1/stills/comfyui.png"}, "*", Options{OpenBucket: open()})
	if err != nil || len(one) != 1 || one[0].Path != "mem://deliv/show1/stills/comfyui.png" || one[0].SHA256 != want {
		t.Errorf("one object: %v %+v", err, one)
	}
	if _, _, err := ApproveTargets(t.Context(), []string{"mem://deliv/show1/none"}, "*", Options{OpenBucket: open()}); err == nil || !strings.Contains(err.Error(), "no object there") {
		t.Errorf("nothing there: %v", err)
	}
}

// TestBucketLargeFolder: a folder of more names than a listing ahead may
// hold is left to the walk, which lists it whole: every file is read.
func TestBucketLargeFolder(t *testing.T) {
	defer func(n int) { listOne = n }(listOne)
	listOne = 4
	mem := memblob.OpenBucket(nil)
	defer mem.Close()
	for i := range 10 {
		for _, dir := range []string{"t/a/big", "t/b"} {
			if err := mem.WriteAll(t.Context(), fmt.Sprintf("%s/f.%04d.exr", dir, i), []byte("x"), nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	r, err := Scan(t.Context(), []string{"mem://b/t"}, Options{OpenBucket: openSource(objstore.NewSource(mem, "t/", "mem://b/t"))})
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary.Files != 20 || len(r.Errors) != 0 {
		t.Errorf("%d files of 20, errors %+v", r.Summary.Files, r.Errors)
	}
}
