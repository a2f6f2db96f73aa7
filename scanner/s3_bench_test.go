package scanner

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/provscan/provscan/scanner/s3test"
)

func TestMain(m *testing.M) {
	code := m.Run()
	s3test.Stop() // the S3 server of BenchmarkObjectStorage, if it started
	os.Exit(code)
}

// BenchmarkObjectStorage scans the same tree (the sample deliverables 16
// times over, 512 files of stills, masters, EXR and DPX frames) from local
// disk and from SeaweedFS's S3 gateway on loopback, alternately in each
// iteration, and reports objects per second for each and their ratio: the
// cost of reading in place from object storage (HTTP, listing, ranged GETs)
// against pread on a warm page cache. Both use the default workers (one per
// CPU on disk, ObjectWorkers for a bucket). Run with `make bench` or
// `go test -run '^$' -bench ObjectStorage ./scanner`; it needs the weed
// binary (see scanner/s3test).
// remoteLatency is the delay the benchmark's proxy adds to each request.
const remoteLatency = 20 * time.Millisecond

func BenchmarkObjectStorage(b *testing.B) {
	srv := s3test.Start(b)
	dir := b.TempDir()
	src, err := filepath.Abs("../testdata/deliverables")
	if err != nil {
		b.Fatal(err)
	}
	for i := range 16 {
		copyTree(b, src, filepath.Join(dir, fmt.Sprintf("ep%02d", i)))
	}
	srv.CreateBucket(b, "bench")
	n := srv.UploadTree(b, "bench", "tree", dir)
	url := srv.RootURL("bench", "tree")
	// The same server behind a proxy that delays each request by 20 ms, as
	// a remote object storage service would answer.
	target, err := neturl.Parse(srv.Endpoint)
	if err != nil {
		b.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	far := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(remoteLatency)
		rp.ServeHTTP(w, r)
	}))
	defer far.Close()
	farURL := strings.Replace(url, neturl.QueryEscape(srv.Endpoint), neturl.QueryEscape(far.URL), 1)
	if farURL == url {
		b.Fatalf("no endpoint in %s", url)
	}
	opts := Options{Version: "bench"}
	var diskTime, s3Time, farTime time.Duration
	var requests int64
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		rd, err := Scan(b.Context(), []string{dir}, opts)
		if err != nil || rd.Summary.Files != n {
			b.Fatalf("disk: %v, %d files", err, rd.Summary.Files)
		}
		t1 := time.Now()
		rs, err := Scan(b.Context(), []string{url}, opts)
		if err != nil || rs.Summary.Files != n {
			b.Fatalf("s3: %v, %d files", err, rs.Summary.Files)
		}
		t2 := time.Now()
		rf, err := Scan(b.Context(), []string{farURL}, opts)
		if err != nil || rf.Summary.Files != n {
			b.Fatalf("s3 at %v: %v, %d files", remoteLatency, err, rf.Summary.Files)
		}
		diskTime += t1.Sub(t0)
		s3Time += t2.Sub(t1)
		farTime += time.Since(t2)
		requests += rs.Summary.Requests + rs.Summary.ListRequests
	}
	iters := float64(b.N)
	b.ReportMetric(float64(n)*iters/diskTime.Seconds(), "disk-objects/s")
	b.ReportMetric(float64(n)*iters/s3Time.Seconds(), "s3-objects/s")
	b.ReportMetric(diskTime.Seconds()/s3Time.Seconds(), "s3/disk")
	b.ReportMetric(float64(n)*iters/farTime.Seconds(), "s3-20ms-objects/s")
	b.ReportMetric(diskTime.Seconds()/farTime.Seconds(), "s3-20ms/disk")
	b.ReportMetric(float64(requests)/iters/float64(n), "requests/object")
}
