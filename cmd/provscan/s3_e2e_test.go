package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/provscan/provscan/bench/synth"
	"github.com/provscan/provscan/scanner/report"
	"github.com/provscan/provscan/scanner/s3test"
)

// timing matches the timing fields of a JSON report.
var timing = regexp.MustCompile(`(?m)^(  "started"|    "duration_ms"): .*$`)

// untimed returns a JSON report without its timing fields.
func untimed(b string) string { return timing.ReplaceAllString(b, "") }

// sourceFields removes from a JSON report what names where the files were
// read from: the roots, each entry's root, the per-object statistics and
// the request counters.
func sourceFields(t *testing.T, js string) string {
	t.Helper()
	r, err := report.ReadJSON(strings.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	report.WithoutSource(r)
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestS3ScanEqualsDisk (against SeaweedFS's S3 gateway on loopback): a scan
// of a bucket holding the sample deliverables reports what the scan of the
// tree on disk does, timing and source fields aside, with the same exit
// code; every object cost under 4 requests and 256 KiB.
func TestS3ScanEqualsDisk(t *testing.T) {
	srv := s3test.Start(t)
	bin := buildBinary(t)
	tree := deliverablesTree(t)
	srv.CreateBucket(t, "deliv")
	n := srv.UploadTree(t, "deliv", "show1", tree)

	disk := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", "-q", tree)
	bucket := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", "-q", srv.RootURL("deliv", "show1"))
	if disk.code != 1 || bucket.code != disk.code {
		t.Fatalf("exit codes: disk %d, bucket %d (want 1: the sample carries GenAI markers)\n%s", disk.code, bucket.code, bucket.stderr)
	}
	if got, want := sourceFields(t, bucket.stdout), sourceFields(t, disk.stdout); got != want {
		t.Errorf("the bucket scan differs from the disk scan:\n%s", lineDiff(got, want))
	}
	r, err := report.ReadJSON(strings.NewReader(bucket.stdout))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Roots) != 1 || r.Roots[0] != "s3://deliv/show1" {
		t.Errorf("roots %q: want the URL without its query", r.Roots)
	}
	if strings.Contains(bucket.stdout, "127.0.0.1") {
		t.Errorf("the report names the server's address (the URL query)")
	}
	if len(r.Objects) != n {
		t.Fatalf("%d objects in the report, %d uploaded", len(r.Objects), n)
	}
	for _, o := range r.Objects {
		if o.Requests < 1 || o.Requests >= 4 || o.Transferred >= 256<<10 || o.Transferred < o.BytesRead {
			t.Errorf("%s (%d bytes): %d requests, %d bytes transferred, %d read", o.Path, o.Size, o.Requests, o.Transferred, o.BytesRead)
		}
	}
	if r.Summary.ListRequests < 1 || r.Summary.Requests < int64(n) {
		t.Errorf("summary: %d list requests, %d requests for %d objects", r.Summary.ListRequests, r.Summary.Requests, n)
	}
}

// TestS3ShardsMerge: 1, 3 and 7 shards of a bucket scan, each writing its
// JSON report into another bucket, merged from that bucket's prefix, give
// the full scan's report byte for byte apart from timing, and its exit
// code; a missing shard and a report inside the scanned root are refused.
func TestS3ShardsMerge(t *testing.T) {
	srv := s3test.Start(t)
	bin := buildBinary(t)
	srv.CreateBucket(t, "shardsrc")
	srv.CreateBucket(t, "reports")
	srv.UploadTree(t, "shardsrc", "show1", deliverablesTree(t))
	root := srv.RootURL("shardsrc", "show1")
	work := t.TempDir()

	full := runBinary(t, bin, work, "scan", "--format", "json", "-q", root)
	if full.code != 1 {
		t.Fatalf("full scan: exit %d\n%s", full.code, full.stderr)
	}
	for _, n := range []int{1, 3, 7} {
		run := fmt.Sprintf("run-%d", n)
		for k := range n {
			out := srv.RootURL("reports", fmt.Sprintf("%s/shard-%d.json", run, k))
			r := runBinary(t, bin, work, "scan", "--shard", fmt.Sprintf("%d/%d", k, n), "--scan-id", run, "--format", "json", "-q", "-o", out, root)
			if r.code == 2 {
				t.Fatalf("shard %d/%d: exit 2\n%s", k, n, r.stderr)
			}
		}
		m := runBinary(t, bin, work, "merge", "--scan-id", run, "--format", "json", srv.RootURL("reports", run+"/"))
		if m.code != full.code {
			t.Fatalf("N=%d: merge exit %d, full scan %d\n%s", n, m.code, full.code, m.stderr)
		}
		if got, want := untimed(m.stdout), untimed(full.stdout); got != want {
			t.Errorf("N=%d: merged report differs from the full scan's:\n%s", n, lineDiff(got, want))
		}
	}
	// Shard 2 of 3 missing: refused, exit 2.
	for k := range 3 {
		if k == 2 {
			continue
		}
		out := srv.RootURL("reports", fmt.Sprintf("partial/shard-%d.json", k))
		runBinary(t, bin, work, "scan", "--shard", fmt.Sprintf("%d/3", k), "--format", "json", "-q", "-o", out, root)
	}
	m := runBinary(t, bin, work, "merge", srv.RootURL("reports", "partial/"))
	if m.code != 2 || !strings.Contains(m.stderr, "shards missing (2)") {
		t.Errorf("merge of 2 of 3 shards: exit %d, %s", m.code, m.stderr)
	}
	// Another run's id: refused.
	m = runBinary(t, bin, work, "merge", "--scan-id", "run-9", srv.RootURL("reports", "run-3/"))
	if m.code != 2 || !strings.Contains(m.stderr, "run-9") {
		t.Errorf("merge --scan-id of another run: exit %d, %s", m.code, m.stderr)
	}
	// A report inside the scanned root: refused before anything is read.
	r := runBinary(t, bin, work, "scan", "--format", "json", "-q", "-o", srv.RootURL("shardsrc", "show1/report.json"), root)
	if r.code != 2 || !strings.Contains(r.stderr, "never writes into the scanned tree") {
		t.Errorf("report inside the scanned root: exit %d, %s", r.code, r.stderr)
	}
}

// TestS3MasterCost: a master with its movie box at the end, stored in the
// S3 server, costs under 8 requests and 1 MiB to scan. The object is 512 MiB
// (a 4 GiB one would fill the runner's disk through the server; the same
// layout at 4 GiB is checked over sparse files in TestObjectRequestCosts).
func TestS3MasterCost(t *testing.T) {
	srv := s3test.Start(t)
	bin := buildBinary(t)
	srv.CreateBucket(t, "masters")
	const size = 512 << 20
	srv.Put(t, "masters", "reel1/moov-end.mp4", piecesReader(synth.MP4MoovAtEnd(size, "Lavf60.16.100"), size), size)
	rng := rand.New(rand.NewPCG(3, 4))
	key := synth.JPEG(rng, 6<<20, synth.JPEGXMP(synth.XMP(synth.SourceType("trainedAlgorithmicMedia"))))
	srv.Put(t, "masters", "reel1/key-art.jpg", bytes.NewReader(key), int64(len(key)))
	r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", "-q", srv.RootURL("masters", ""))
	if r.code == 2 {
		t.Fatalf("exit 2: %s", r.stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Objects) != 2 {
		t.Fatalf("objects: %+v", rep.Objects)
	}
	for _, o := range rep.Objects {
		maxReq, maxBytes := int64(4), int64(256<<10)
		if strings.HasSuffix(o.Path, ".mp4") {
			maxReq, maxBytes = 8, 1<<20
		}
		if o.Requests >= maxReq || o.Transferred >= maxBytes {
			t.Errorf("%s: %d requests, %d bytes; want under %d and %d", o.Path, o.Requests, o.Transferred, maxReq, maxBytes)
		}
		t.Logf("%s (%d bytes): %d requests, %d bytes transferred", o.Path, o.Size, o.Requests, o.Transferred)
	}
	if !strings.Contains(r.stdout, `"path": "reel1/key-art.jpg"`) || !strings.Contains(r.stdout, "trainedAlgorithmicMedia") {
		t.Errorf("the key art's marker was not found")
	}
	// inspect reads one object the same way.
	in := runBinary(t, bin, t.TempDir(), "inspect", srv.RootURL("masters", "reel1/moov-end.mp4"))
	if in.code != 0 || !strings.Contains(in.stdout, "file    s3://masters/reel1/moov-end.mp4") || !strings.Contains(in.stdout, "2 requests") || !strings.Contains(in.stdout, "Lavf60.16.100") {
		t.Errorf("inspect of an object: exit %d\n%s%s", in.code, in.stdout, in.stderr)
	}
}

// piecesReader streams size bytes: zeros, with the pieces at their offsets.
func piecesReader(pieces []synth.Piece, size int64) io.Reader {
	var rs []io.Reader
	off := int64(0)
	for _, p := range pieces {
		if p.Off > off {
			rs = append(rs, io.LimitReader(zeros{}, p.Off-off))
		}
		rs = append(rs, bytes.NewReader(p.Data))
		off = p.Off + int64(len(p.Data))
	}
	if off < size {
		rs = append(rs, io.LimitReader(zeros{}, size-off))
	}
	return io.MultiReader(rs...)
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// lineDiff shows the first differing line of two texts.
func lineDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n  got:  %s\n  want: %s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(g), len(w))
}

// TestS3Approve: provscan approve takes an object's URL; the approval then
// covers it in a scan of the bucket, and the same content on disk.
func TestS3Approve(t *testing.T) {
	srv := s3test.Start(t)
	bin := buildBinary(t)
	tree := deliverablesTree(t)
	srv.CreateBucket(t, "approve")
	srv.UploadTree(t, "approve", "show1", tree)
	work := t.TempDir()
	approvals := filepath.Join(work, "approvals.yaml")
	obj := srv.RootURL("approve", "show1/stills/comfyui.png")
	a := runBinary(t, bin, work, "approve", "--reference", "LEGAL-7", "--by", "Jane Doe", "--approvals", approvals, obj)
	if a.code != 0 {
		t.Fatalf("approve: exit %d: %s", a.code, a.stderr)
	}
	y, err := os.ReadFile(approvals)
	if err != nil || !strings.Contains(string(y), "path: s3://approve/show1/stills/comfyui.png") || strings.Contains(string(y), "127.0.0.1") {
		t.Fatalf("approvals file: %v\n%s", err, y)
	}
	for _, root := range []string{srv.RootURL("approve", "show1/stills"), filepath.Join(tree, "stills")} {
		r := runBinary(t, bin, work, "scan", "--format", "json", "-q", "--approvals", approvals, root)
		rep, err := report.ReadJSON(strings.NewReader(r.stdout))
		if err != nil {
			t.Fatalf("%s: %v\n%s", root, err, r.stderr)
		}
		approved := 0
		for _, f := range rep.Findings {
			if f.Path == "comfyui.png" && f.Status == report.StatusApproved {
				approved++
			}
		}
		if approved == 0 {
			t.Errorf("%s: comfyui.png not approved", root)
		}
	}
}
