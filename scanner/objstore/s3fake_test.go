package objstore

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeS3 is a minimal S3 endpoint (path style): ListObjectsV2 and ranged
// GetObject on one bucket, enough to drive gocloud's s3blob driver through
// OpenURL. Listings give modification times in milliseconds and responses
// in seconds (Last-Modified), as S3 does.
type fakeS3 struct {
	bucket string
	mu     sync.Mutex
	objs   map[string][]byte
	mod    time.Time
	gets   atomic.Int64
	lists  atomic.Int64
	ranges []string
}

func (f *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, _ := strings.Cut(path, "/")
	if bucket != f.bucket {
		s3Error(w, http.StatusNotFound, "NoSuchBucket")
		return
	}
	if r.Method != http.MethodGet {
		s3Error(w, http.StatusNotImplemented, "NotImplemented")
		return
	}
	if key == "" {
		f.list(w, r)
		return
	}
	f.mu.Lock()
	data, ok := f.objs[key]
	f.ranges = append(f.ranges, r.Header.Get("Range"))
	f.mu.Unlock()
	f.gets.Add(1)
	if !ok {
		s3Error(w, http.StatusNotFound, "NoSuchKey")
		return
	}
	var a, b int64
	if _, err := fmt.Sscanf(r.Header.Get("Range"), "bytes=%d-%d", &a, &b); err != nil || a > b || b >= int64(len(data)) {
		s3Error(w, http.StatusRequestedRangeNotSatisfiable, "InvalidRange")
		return
	}
	h := w.Header()
	h.Set("Last-Modified", f.mod.UTC().Format(http.TimeFormat))
	h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", a, b, len(data)))
	h.Set("Content-Length", strconv.FormatInt(b-a+1, 10))
	h.Set("ETag", `"e"`)
	w.WriteHeader(http.StatusPartialContent)
	_, _ = w.Write(data[a : b+1])
}

func (f *fakeS3) list(w http.ResponseWriter, r *http.Request) {
	f.lists.Add(1)
	q := r.URL.Query()
	prefix, delim := q.Get("prefix"), q.Get("delimiter")
	maxKeys, _ := strconv.Atoi(q.Get("max-keys"))
	if maxKeys <= 0 {
		maxKeys = 1000
	}
	f.mu.Lock()
	var keys []string
	for k := range f.objs {
		keys = append(keys, k)
	}
	f.mu.Unlock()
	slices.Sort(keys)
	type content struct {
		Key          string
		LastModified string
		Size         int64
	}
	type cp struct{ Prefix string }
	var items []any // content or cp, in key order
	seen := map[string]bool{}
	for _, k := range keys {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		if i := strings.Index(rest, delim); delim != "" && i >= 0 {
			p := prefix + rest[:i+len(delim)]
			if !seen[p] {
				seen[p] = true
				items = append(items, cp{p})
			}
			continue
		}
		f.mu.Lock()
		size := int64(len(f.objs[k]))
		f.mu.Unlock()
		items = append(items, content{k, f.mod.UTC().Format("2006-01-02T15:04:05.000Z"), size})
	}
	start, _ := strconv.Atoi(q.Get("continuation-token"))
	end := min(start+maxKeys, len(items))
	type result struct {
		XMLName               xml.Name `xml:"ListBucketResult"`
		Name                  string
		Prefix                string
		KeyCount              int
		MaxKeys               int
		IsTruncated           bool
		NextContinuationToken string    `xml:",omitempty"`
		Contents              []content `xml:"Contents"`
		CommonPrefixes        []cp      `xml:"CommonPrefixes"`
	}
	res := result{Name: f.bucket, Prefix: prefix, KeyCount: end - start, MaxKeys: maxKeys, IsTruncated: end < len(items)}
	if res.IsTruncated {
		res.NextContinuationToken = strconv.Itoa(end)
	}
	for _, it := range items[start:end] {
		switch it := it.(type) {
		case content:
			res.Contents = append(res.Contents, it)
		case cp:
			res.CommonPrefixes = append(res.CommonPrefixes, it)
		}
	}
	w.Header().Set("Content-Type", "application/xml")
	_, _ = io.WriteString(w, xml.Header)
	_ = xml.NewEncoder(w).Encode(res)
}

func s3Error(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, "%s<Error><Code>%s</Code><Message>%s</Message></Error>", xml.Header, code, code)
}

func s3Env(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDFAKEFAKEFAKE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "fakesecretfakesecret")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	t.Setenv("AWS_PROFILE", "")
}

// TestS3Endpoint drives the real s3blob driver against a fake S3 endpoint on
// loopback: OpenURL with the query conventions, List, and ranged reads
// whose Last-Modified (seconds) is compared with the listing's
// (milliseconds) without a false "changed".
func TestS3Endpoint(t *testing.T) {
	s3Env(t)
	data := make([]byte, 3_000_000)
	for i := range data {
		data[i] = byte(i * 13)
	}
	f := &fakeS3{bucket: "deliv", mod: time.Date(2026, 11, 1, 10, 0, 0, 123_000_000, time.UTC),
		objs: map[string][]byte{"show1/a.jpg": data, "show1/sub/b.png": []byte("png"), "show2/c": nil}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	ctx := context.Background()
	q := "?endpoint=" + srv.URL + "&use_path_style=true&disable_https=true&region=us-east-1"

	s, err := OpenURL(ctx, "s3://deliv/show1"+q)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Display != "s3://deliv/show1" || s.Prefix != "show1/" {
		t.Fatalf("Display %q Prefix %q", s.Display, s.Prefix)
	}
	es, err := s.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := names(es); !slices.Equal(got, []string{"a.jpg", "sub/"}) {
		t.Fatalf("listed %q", got)
	}
	if es[0].Size != int64(len(data)) || !es[0].ModTime.Equal(f.mod) {
		t.Fatalf("entry %+v", es[0])
	}
	if s.ListRequests() != f.lists.Load() || s.ListRequests() != 2 {
		t.Fatalf("list requests: counted %d, served %d", s.ListRequests(), f.lists.Load())
	}

	o := s.Open(ctx, "a.jpg", es[0].Size, es[0].ModTime)
	defer o.Close()
	head := make([]byte, 64<<10)
	if n, err := o.ReadAt(head, 0); n != len(head) || err != nil || string(head) != string(data[:len(head)]) {
		t.Fatalf("head: %d, %v", n, err)
	}
	tail := make([]byte, 5000)
	if n, err := o.ReadAt(tail, int64(len(data))-4000); n != 4000 || err != io.EOF || string(tail[:n]) != string(data[len(data)-4000:]) {
		t.Fatalf("tail: %d, %v", n, err)
	}
	if o.Requests() != 2 || f.gets.Load() != 2 || o.Transferred() > 128<<10 {
		t.Fatalf("%d requests (served %d), %d bytes", o.Requests(), f.gets.Load(), o.Transferred())
	}
	t.Logf("ranges %q, %d bytes", f.ranges, o.Transferred())

	// Replaced under the scan: a new Last-Modified.
	f.mu.Lock()
	f.mod = f.mod.Add(time.Minute)
	f.mu.Unlock()
	if _, err := o.ReadAt(tail, 1<<20); !errors.Is(err, ErrChanged) {
		t.Fatalf("replaced: %v", err)
	}
	// Deleted under the scan.
	o2 := s.Open(ctx, "sub/b.png", 3, time.Time{})
	f.mu.Lock()
	delete(f.objs, "show1/sub/b.png")
	f.mu.Unlock()
	if _, err := o2.ReadAt(tail[:3], 0); !errors.Is(err, ErrVanished) {
		t.Fatalf("deleted: %v", err)
	}

	// A bucket that does not exist: an error naming the URL without its
	// query.
	_, err = OpenURL(ctx, "s3://nosuch/show1"+q)
	if err == nil || !strings.Contains(err.Error(), "s3://nosuch/show1") || strings.Contains(err.Error(), "use_path_style") {
		t.Fatalf("missing bucket: %v", err)
	}
	t.Log(err)
}

// TestRequestTimeout: a server that accepts requests and never answers
// cannot hang a scan: each request ends at requestTimeout with an error.
func TestRequestTimeout(t *testing.T) {
	s3Env(t)
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(stop)
	old := requestTimeout
	requestTimeout = 300 * time.Millisecond
	defer func() { requestTimeout = old }()
	start := time.Now()
	_, err := OpenURL(context.Background(), "s3://deliv/show1?endpoint="+srv.URL+"&use_path_style=true&disable_https=true&region=us-east-1")
	if err == nil || time.Since(start) > 30*time.Second {
		t.Fatalf("open against a silent server: %v after %v", err, time.Since(start))
	}
	if strings.Contains(err.Error(), srv.URL) {
		t.Errorf("the error names the endpoint: %v", err)
	}
}
