// Package s3test starts a SeaweedFS S3 server on loopback for provscan's
// object storage tests (issue 16). It is for tests only; it is exported so
// that the tests of both scanner and cmd/provscan can use it.
//
// Each test binary starts its own server (weed server with the S3 gateway) on
// free loopback ports, in a temporary folder, once: Start shares one server
// between all the tests of the binary, and Stop, called from the package's
// TestMain, kills it and removes its folder:
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		s3test.Stop()
//		os.Exit(code)
//	}
//
// The weed binary is not built by the tests: .ci/run builds it into the cache
// (see Weed). Without it Require and Start skip, or fail when CI is set.
//
// The server runs without an IAM configuration, so its S3 gateway allows
// every request. The AWS SDK behind gocloud.dev/blob/s3blob still wants
// credentials and a region: Start sets AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_REGION in the process environment when they
// are unset, and always points AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE at /dev/null, unsets AWS_PROFILE and
// AWS_DEFAULT_PROFILE and sets AWS_EC2_METADATA_DISABLED=true, so that no
// test reads ~/.aws or asks an instance metadata service.
package s3test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/s3blob" // the s3:// URL scheme
)

// WeedVersion is the pinned version of github.com/seaweedfs/seaweedfs whose
// weed binary the tests run. .ci/run reads it from this line.
const WeedVersion = "v0.0.0-20261109003541-7506e5f91cd6"

// weedModule is the Go module that holds the weed command (./weed).
const weedModule = "github.com/seaweedfs/seaweedfs"

// Region is the region of the URLs and of AWS_REGION when unset.
const region = "us-east-1"

// startTimeout bounds the wait for a started server to answer.
const startTimeout = 60 * time.Second

// Weed returns the path of the weed binary: $PROVSCAN_WEED if set, else
// $PROVSCAN_CACHE/weed-<WeedVersion> when that file exists (PROVSCAN_CACHE
// defaults to $HOME/.cache/provscan), else "".
func Weed() string {
	if p := os.Getenv("PROVSCAN_WEED"); p != "" {
		return p
	}
	p := cachedWeed()
	if p == "" {
		return ""
	}
	if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	return p
}

// cachedWeed is where .ci/run builds weed: $PROVSCAN_CACHE/weed-<WeedVersion>.
func cachedWeed() string {
	cache := os.Getenv("PROVSCAN_CACHE")
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil || home == "" {
			return ""
		}
		cache = filepath.Join(home, ".cache", "provscan")
	}
	return filepath.Join(cache, "weed-"+WeedVersion)
}

// Require returns the weed binary or, when it is missing, skips tb saying how
// to build it; when the CI environment variable is set it fails tb instead
// (CI must never skip to green).
func Require(tb testing.TB) string {
	tb.Helper()
	p := Weed()
	why := ""
	switch {
	case p == "":
		why = "no weed binary (SeaweedFS " + WeedVersion + ") at " + orUnknown(cachedWeed())
	default:
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			why = "weed binary: " + err.Error()
		case !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0:
			why = "weed binary " + p + " is not an executable file"
		default:
			return p
		}
	}
	msg := why + "; the object storage tests need it. " + howToBuild()
	if os.Getenv("CI") != "" {
		tb.Fatal("CI is set: " + msg)
		return ""
	}
	tb.Skip(msg)
	return ""
}

func orUnknown(s string) string {
	if s == "" {
		return "$PROVSCAN_CACHE/weed-" + WeedVersion + " (no $HOME)"
	}
	return s
}

// howToBuild tells how to get the binary Weed looks for.
func howToBuild() string {
	out := cachedWeed()
	if out == "" {
		out = "$PROVSCAN_CACHE/weed-" + WeedVersion
	}
	return "Run .ci/run (it builds weed into the cache), or build it by hand (about 9 minutes on 2 cores):\n" +
		"  dir=$(cd /tmp && go mod download -json " + weedModule + "@" + WeedVersion + " | sed -n 's/^ *\"Dir\": \"\\(.*\\)\",*$/\\1/p')\n" +
		"  (cd \"$dir\" && go build -o " + out + " ./weed)\n" +
		"or set PROVSCAN_WEED to a weed binary of that version."
}

// Server is a running SeaweedFS server with its S3 gateway on loopback.
type Server struct {
	// Endpoint is the S3 endpoint, http://127.0.0.1:PORT.
	Endpoint string
	// Log is the file that holds the server's stdout and stderr; it is
	// removed by Stop.
	Log string
	// StartTime is how long the server took to start and answer.
	StartTime time.Duration

	dir   string
	ports ports
	cmd   *exec.Cmd
	done  chan struct{} // closed when cmd has exited
}

var (
	mu      sync.Mutex
	once    sync.Once
	shared  *Server
	started error
)

// Start starts the SeaweedFS server of the test binary, or returns the one
// already started: every call shares one server (a sync.Once), stopped by
// Stop from the package's TestMain. It skips tb (fails under CI) when the
// weed binary is missing, and fails tb when the server does not start. The
// server is also killed when the test binary dies (its own process group,
// and on Linux a parent-death signal).
func Start(tb testing.TB) *Server {
	tb.Helper()
	bin := Require(tb)
	once.Do(func() {
		setAWSEnv()
		s, err := start(bin)
		mu.Lock()
		shared, started = s, err
		mu.Unlock()
		if err == nil {
			tb.Logf("s3test: SeaweedFS %s started at %s in %v", WeedVersion, s.Endpoint, s.StartTime.Round(time.Millisecond))
		}
	})
	mu.Lock()
	s, err := shared, started
	mu.Unlock()
	if err != nil {
		tb.Fatalf("s3test: %v", err)
	}
	if s == nil {
		tb.Fatal("s3test: the server was stopped (Stop is for TestMain, after m.Run)")
	}
	return s
}

// Stop kills the server started by Start, if any, and removes its folder.
// Call it from TestMain after m.Run; Start must not be called after it.
func Stop() {
	mu.Lock()
	s := shared
	shared = nil
	if started == nil {
		started = errors.New("the server was stopped (Stop is for TestMain, after m.Run)")
	}
	mu.Unlock()
	if s != nil {
		s.stop()
	}
}

// setAWSEnv gives the AWS SDK credentials and a region when the environment
// has none, and keeps it away from ~/.aws and instance metadata.
func setAWSEnv() {
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":     "provscan-test",
		"AWS_SECRET_ACCESS_KEY": "provscan-test-secret",
		"AWS_REGION":            region,
	} {
		if os.Getenv(k) == "" {
			os.Setenv(k, v)
		}
	}
	os.Setenv("AWS_CONFIG_FILE", os.DevNull)
	os.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	os.Unsetenv("AWS_PROFILE")
	os.Unsetenv("AWS_DEFAULT_PROFILE")
}

// ports are the TCP ports of one server.
type ports struct {
	master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc int
}

// freePorts picks distinct free loopback ports. Another process may take one
// before weed binds it; start then retries with new ones.
func freePorts() (ports, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var got []int
	for range 8 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return ports{}, err
		}
		ls = append(ls, l)
		got = append(got, l.Addr().(*net.TCPAddr).Port)
	}
	return ports{got[0], got[1], got[2], got[3], got[4], got[5], got[6], got[7]}, nil
}

// start starts weed, retrying with other ports when it exits early (a port
// taken between freePorts and its bind).
func start(bin string) (*Server, error) {
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		var s *Server
		var early bool
		s, early, err = startOnce(bin)
		if err == nil {
			return s, nil
		}
		if !early {
			break
		}
	}
	return nil, err
}

// startOnce starts one weed server and waits until its S3 gateway answers and
// takes a bucket and an object. early reports that weed exited before.
func startOnce(bin string) (s *Server, early bool, err error) {
	t0 := time.Now()
	removeLeftovers()
	// A short folder: weed puts unix sockets in it (108 bytes at most).
	dir, err := os.MkdirTemp("", dirPrefix)
	if err != nil {
		return nil, false, err
	}
	p, err := freePorts()
	if err != nil {
		os.RemoveAll(dir)
		return nil, false, err
	}
	// The owner file lets a later run remove this folder and weed's sockets
	// when this test binary dies without Stop (a test timeout, a kill).
	owner := fmt.Sprintf("%d %d %d %d %d\n", os.Getpid(), p.masterGrpc, p.volumeGrpc, p.filerGrpc, p.s3Grpc)
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(owner), 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, false, err
	}
	data := filepath.Join(dir, "data")
	home := filepath.Join(dir, "home")
	for _, d := range []string{data, home} {
		if err := os.Mkdir(d, 0o700); err != nil {
			os.RemoveAll(dir)
			return nil, false, err
		}
	}
	logPath := filepath.Join(dir, "weed.log")
	logf, err := os.Create(logPath)
	if err != nil {
		os.RemoveAll(dir)
		return nil, false, err
	}
	defer logf.Close()

	args := []string{
		"server",
		"-ip=127.0.0.1",
		"-ip.bind=127.0.0.1",
		"-dir=" + data,
		"-master.port=" + strconv.Itoa(p.master),
		"-master.port.grpc=" + strconv.Itoa(p.masterGrpc),
		"-master.telemetry=false",
		"-master.volumeSizeLimitMB=64",
		"-volume.port=" + strconv.Itoa(p.volume),
		"-volume.port.grpc=" + strconv.Itoa(p.volumeGrpc),
		"-volume.max=100",
		"-volume.preStopSeconds=0",
		"-filer",
		"-filer.port=" + strconv.Itoa(p.filer),
		"-filer.port.grpc=" + strconv.Itoa(p.filerGrpc),
		"-filer.localSocket=" + filepath.Join(dir, "filer.sock"),
		"-s3",
		"-s3.port=" + strconv.Itoa(p.s3),
		"-s3.port.grpc=" + strconv.Itoa(p.s3Grpc),
		"-s3.port.iceberg=0",
		"-s3.port.lance=0",
		"-s3.localSocket=" + filepath.Join(dir, "s3.sock"),
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = weedEnv(home)
	cmd.Stdout = logf
	cmd.Stderr = logf
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, false, fmt.Errorf("starting %s: %w", bin, err)
	}
	s = &Server{
		Endpoint: "http://127.0.0.1:" + strconv.Itoa(p.s3),
		Log:      logPath,
		dir:      dir,
		ports:    p,
		cmd:      cmd,
		done:     make(chan struct{}),
	}
	go func() {
		cmd.Wait()
		close(s.done)
	}()

	err = s.waitReady(t0.Add(startTimeout))
	if err != nil {
		select {
		case <-s.done:
			early = true
		default:
		}
		tail := logTail(logPath, 40)
		s.stop()
		return nil, early, fmt.Errorf("SeaweedFS (%s server on S3 port %d) did not start: %w\n--- last lines of its output:\n%s", bin, p.s3, err, tail)
	}
	s.StartTime = time.Since(t0)
	return s, false, nil
}

// weedEnv is the environment of weed: without AWS_* variables (weed turns
// AWS_ACCESS_KEY_ID into an identity, which would enable authentication) nor
// WEED_* ones (configuration), with a HOME of its own (weed reads
// ~/.seaweedfs/*.toml), and one volume grown at a time per bucket.
func weedEnv(home string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "WEED_") || k == "HOME" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"HOME="+home,
		"WEED_MASTER_VOLUME_GROWTH_COPY_1=1",
	)
}

// waitReady polls the S3 gateway until it lists buckets, creates one and
// stores an object in it, or until deadline or weed exits.
func (s *Server) waitReady(deadline time.Time) error {
	client := &http.Client{Timeout: 5 * time.Second}
	steps := []struct {
		name   string
		method string
		path   string
		body   string
	}{
		{"list buckets", http.MethodGet, "/", ""},
		{"create a bucket", http.MethodPut, "/s3test-ready", ""},
		{"store an object", http.MethodPut, "/s3test-ready/ready", "ready"},
	}
	var last error
	for _, st := range steps {
		for {
			if time.Now().After(deadline) {
				return fmt.Errorf("not ready after %v (%s): %v", startTimeout, st.name, last)
			}
			select {
			case <-s.done:
				return fmt.Errorf("weed exited (%v) before it could %s (last answer: %v)", s.cmd.ProcessState, st.name, last)
			default:
			}
			code, body, err := do(client, st.method, s.Endpoint+st.path, st.body)
			if err == nil && (code == http.StatusOK || (st.method == http.MethodPut && bucketExists(code, body))) {
				break
			}
			if err != nil {
				last = err
			} else {
				last = fmt.Errorf("HTTP %d: %s", code, trim(body))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return nil
}

// do sends one unsigned request (the gateway has no IAM configuration).
func do(client *http.Client, method, u, body string) (int, []byte, error) {
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.ContentLength = int64(len(body))
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, b, err
}

// bucketExists tells whether a CreateBucket answer says that the bucket is
// there already.
func bucketExists(code int, body []byte) bool {
	return code == http.StatusConflict &&
		(bytes.Contains(body, []byte("BucketAlreadyOwnedByYou")) || bytes.Contains(body, []byte("BucketAlreadyExists")))
}

func trim(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

// logTail returns the last n lines of the file at path.
func logTail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// stop kills weed's process group, waits for it and removes its folder and
// the gRPC unix sockets weed makes in /tmp for its ports.
func (s *Server) stop() {
	killGroup(s.cmd)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
	}
	os.RemoveAll(s.dir)
	p := s.ports
	removeSockets(p.masterGrpc, p.volumeGrpc, p.filerGrpc, p.s3Grpc)
}

// dirPrefix names the folders of the servers in os.TempDir; ownerFile, in
// each, holds the pid of the test binary and weed's gRPC ports.
const (
	dirPrefix = "s3test-"
	ownerFile = "owner"
)

// removeSockets removes the gRPC unix sockets weed makes in /tmp for the
// gRPC ports of its master, volume server, filer and S3 gateway.
func removeSockets(master, volume, filer, s3 int) {
	for _, sock := range []struct {
		name string
		port int
	}{{"master", master}, {"volume", volume}, {"filer", filer}, {"s3", s3}} {
		if sock.port > 0 {
			os.Remove(fmt.Sprintf("/tmp/seaweedfs-%s-grpc-%d.sock", sock.name, sock.port))
		}
	}
}

// removeLeftovers removes the folders (and weed's sockets) of servers whose
// test binary died without Stop (on Linux, Pdeathsig killed their weed).
func removeLeftovers() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue // not ours, or being set up
		}
		var pid, master, volume, filer, s3 int
		if n, _ := fmt.Sscan(string(b), &pid, &master, &volume, &filer, &s3); n != 5 || pid == os.Getpid() || alive(pid) {
			continue
		}
		os.RemoveAll(dir)
		removeSockets(master, volume, filer, s3)
	}
}

// URL returns the gocloud.dev/blob URL of bucket, under prefix ("" for the
// whole bucket) on this server, e.g.
// s3://deliv?disable_https=true&endpoint=http%3A%2F%2F127.0.0.1%3A8333&prefix=show1%2F&region=us-east-1&use_path_style=true.
func (s *Server) URL(bucket, prefix string) string {
	q := url.Values{}
	q.Set("endpoint", s.Endpoint)
	q.Set("use_path_style", "true")
	q.Set("disable_https", "true")
	q.Set("region", region)
	if prefix != "" {
		q.Set("prefix", prefix)
	}
	return (&url.URL{Scheme: "s3", Host: bucket, RawQuery: q.Encode()}).String()
}

// RootURL returns the URL of bucket/prefix as a provscan root or report
// path names it: the prefix (or key) in the URL's path, the server in the
// query, e.g. s3://deliv/show1?disable_https=true&endpoint=...
func (s *Server) RootURL(bucket, prefix string) string {
	u, _ := url.Parse(s.URL(bucket, ""))
	u.Path = "/" + strings.TrimPrefix(prefix, "/")
	if prefix == "" {
		u.Path = ""
	}
	return u.String()
}

// CreateBucket creates the bucket name; a bucket already there is fine.
func (s *Server) CreateBucket(tb testing.TB, name string) {
	tb.Helper()
	client := &http.Client{Timeout: 30 * time.Second}
	code, body, err := do(client, http.MethodPut, s.Endpoint+"/"+url.PathEscape(name), "")
	if err != nil {
		tb.Fatalf("s3test: creating bucket %q: %v", name, err)
	}
	if code != http.StatusOK && !bucketExists(code, body) {
		tb.Fatalf("s3test: creating bucket %q: HTTP %d: %s", name, code, trim(body))
	}
}

// Put stores the object key of bucket with the size bytes of r (size < 0:
// all of r) through gocloud.dev/blob.
func (s *Server) Put(tb testing.TB, bucket, key string, r io.Reader, size int64) {
	tb.Helper()
	ctx := context.Background()
	b, err := blob.OpenBucket(ctx, s.URL(bucket, ""))
	if err != nil {
		tb.Fatalf("s3test: opening bucket %q: %v", bucket, err)
	}
	defer b.Close()
	if err := put(ctx, b, key, r, size); err != nil {
		tb.Fatalf("s3test: %v", err)
	}
}

func put(ctx context.Context, b *blob.Bucket, key string, r io.Reader, size int64) error {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := b.NewWriter(wctx, key, nil)
	if err != nil {
		return fmt.Errorf("writing %q: %w", key, err)
	}
	src := r
	if size >= 0 {
		src = io.LimitReader(r, size)
	}
	n, err := io.Copy(w, src)
	if err == nil && size >= 0 && n != size {
		err = fmt.Errorf("%d bytes read of %d", n, size)
	}
	if err != nil {
		cancel() // abort the upload
		w.Close()
		return fmt.Errorf("writing %q: %w", key, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("writing %q: %w", key, err)
	}
	return nil
}

// UploadTree stores every regular file under dir (symbolic links and other
// non-regular files are skipped) in bucket, at prefix + "/" + its slash
// separated path under dir (prefix "" : at its path), and returns how many it
// stored.
func (s *Server) UploadTree(tb testing.TB, bucket, prefix, dir string) int {
	tb.Helper()
	ctx := context.Background()
	b, err := blob.OpenBucket(ctx, s.URL(bucket, ""))
	if err != nil {
		tb.Fatalf("s3test: opening bucket %q: %v", bucket, err)
	}
	defer b.Close()
	prefix = strings.TrimSuffix(prefix, "/")
	n := 0
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if prefix != "" {
			key = prefix + "/" + key
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := put(ctx, b, key, f, -1); err != nil {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		tb.Fatalf("s3test: uploading %s to %s/%s: %v", dir, bucket, prefix, err)
	}
	return n
}
