// Package objstore reads deliverables kept as objects in S3, GCS or Azure
// buckets (or an in-memory bucket, for tests) through gocloud.dev/blob.
//
// A Source is a bucket and a key prefix named by a URL; its List lists one
// folder level at a time, so that the scanner walks a bucket as it walks a
// disk. An Object is an io.ReaderAt over one object that turns the scanner's
// reads (a 64 KiB head, then box and chunk headers far into the file, then
// metadata kept at the end) into few ranged GET requests: see Object.
package objstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	// The drivers a root URL may name.
	_ "gocloud.dev/blob/azureblob"
	_ "gocloud.dev/blob/gcsblob"
	_ "gocloud.dev/blob/memblob"
	_ "gocloud.dev/blob/s3blob"
)

// schemes are the URL schemes IsURL accepts: object storage only. file://
// is left out on purpose: local paths go through the disk walker, which
// knows about links, special files and permissions.
var schemes = []string{"s3", "gs", "azblob", "mem"}

// listPageSize is the page size of a List request (S3, GCS and Azure all
// answer at most 1000 keys a page). A variable so that tests can make
// listings span pages.
var listPageSize = 1000

// maxEntries bounds the names List returns for one folder: a folder of more
// names is an error rather than an unbounded allocation.
var maxEntries = 1_000_000

// Source is a bucket and a key prefix named by a URL.
type Source struct {
	// Bucket is the open bucket; Source.Close closes it.
	Bucket *blob.Bucket
	// Prefix is the key prefix of the root, "" or ending in "/".
	Prefix string
	// Display is the URL without its query or user information
	// ("s3://deliv/show1"), printed in reports and error messages.
	Display string

	// secrets are strings of the URL that error messages must not echo
	// (the raw query and its values, the user information).
	secrets []string
	// listRequests counts ListPage calls.
	listRequests atomic.Int64
}

// IsURL reports whether a root argument names object storage: it starts
// with "s3://", "gs://", "azblob://" or "mem://" (the scheme in any case).
// Plain paths and file:// URLs are not object storage: local files go
// through the disk walker.
func IsURL(arg string) bool {
	i := strings.Index(arg, "://")
	if i <= 0 {
		return false
	}
	return slices.Contains(schemes, strings.ToLower(arg[:i]))
}

// OpenURL opens "scheme://bucket/prefix?query". The bucket is opened with
// gocloud's default URL mux from the scheme, the bucket name and the query
// (gocloud's conventions, such as
// s3://deliv/show1?endpoint=http://127.0.0.1:8333&use_path_style=true&disable_https=true&region=us-east-1);
// the path becomes Prefix, with a "/" added unless it is empty. The bucket
// is listed once (one list request, counted) to check that it exists and
// can be listed; if not, the error names the URL without its query, and
// never echoes the query or user information.
func OpenURL(ctx context.Context, rawURL string) (*Source, error) {
	if !IsURL(rawURL) {
		return nil, fmt.Errorf("objstore: %q is not an object storage URL (s3://, gs://, azblob://, mem://)", Display(rawURL))
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Error echoes the URL: name it without its query instead.
		return nil, fmt.Errorf("objstore: %s: not a valid URL", Display(rawURL))
	}
	u.Scheme = strings.ToLower(u.Scheme)
	var secrets []string
	if u.RawQuery != "" {
		secrets = append(secrets, u.RawQuery)
		for _, vs := range u.Query() {
			for _, v := range vs {
				// Short values (true, 1, auto) would garble
				// messages and are no secret; longer ones may be.
				if len(v) >= 6 {
					secrets = append(secrets, v, url.QueryEscape(v))
				}
			}
		}
	}
	if u.User != nil {
		secrets = append(secrets, u.User.String())
		if p, ok := u.User.Password(); ok && p != "" {
			secrets = append(secrets, p)
		}
	}
	// gocloud's own prefix= parameter joins the path: the prefix is then
	// Prefix, shown in Display, never hidden in the query.
	if q := u.Query(); q.Has("prefix") {
		p := q.Get("prefix")
		q.Del("prefix")
		u.RawQuery = q.Encode()
		u.Path = strings.TrimSuffix(u.Path, "/") + "/" + strings.TrimPrefix(p, "/")
	}
	prefix := strings.TrimPrefix(u.Path, "/")
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	display := u.Scheme + "://" + u.Host + strings.TrimSuffix(u.Path, "/")

	bu := &url.URL{Scheme: u.Scheme, Host: u.Host, RawQuery: u.RawQuery}
	s := &Source{Prefix: prefix, Display: display, secrets: secrets}
	b, err := blob.DefaultURLMux().OpenBucketURL(ctx, bu)
	if err != nil {
		return nil, s.wrap("open bucket", display, err)
	}
	s.Bucket = b
	s.listRequests.Add(1)
	lctx, cancel := context.WithTimeout(ctx, requestTimeout)
	_, _, err = b.ListPage(lctx, blob.FirstPageToken, 1, &blob.ListOptions{Prefix: prefix, Delimiter: "/"})
	cancel()
	if err != nil && err != io.EOF {
		_ = b.Close()
		if gcerrors.Code(err) == gcerrors.NotFound {
			return nil, s.wrap("list", display, fmt.Errorf("bucket does not exist: %w", err))
		}
		return nil, s.wrap("list", display, err)
	}
	return s, nil
}

// NewSource wraps an already open bucket (tests use memblob.OpenBucket(nil)).
// prefix is the key prefix of the root ("" or ending in "/": a "/" is added
// otherwise); display names the root in error messages.
func NewSource(b *blob.Bucket, prefix, display string) *Source {
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return &Source{Bucket: b, Prefix: prefix, Display: display}
}

// Close closes the bucket. Objects opened from s must not be read after.
func (s *Source) Close() error {
	return s.Bucket.Close()
}

// ListRequests returns the list requests made so far, counting the one
// OpenURL makes to check the bucket.
func (s *Source) ListRequests() int64 {
	return s.listRequests.Load()
}

// Entry is one name in a listed folder.
type Entry struct {
	// Name is the name within the folder: no "/" (a folder's trailing "/" is
	// dropped).
	Name string
	// Dir reports a folder: a common prefix of keys below it.
	Dir bool
	// Size is the object's size in bytes (0 for a folder).
	Size int64
	// ModTime is the object's modification time as listed (zero for a
	// folder, or when the service gives none).
	ModTime time.Time
}

// BadKeyError reports keys List cannot give a name: a name that is empty
// (a key with "//"), "." or "..", contains a NUL byte or is not valid UTF-8
// (gocloud refuses to read such a key), or a key ending in "/" that holds
// data. List returns it together with the
// entries it could name, so that the caller reports the keys and goes on.
type BadKeyError struct {
	// Source is the Display of the Source listed.
	Source string
	// Keys are the keys (relative to the Source's Prefix, a folder's with
	// its trailing "/"), in listing order.
	Keys []string
}

// Error names the first keys, quoted.
func (e *BadKeyError) Error() string {
	const show = 5
	var b strings.Builder
	fmt.Fprintf(&b, "objstore: %s: %d key(s) with no usable name:", e.Source, len(e.Keys))
	for i, k := range e.Keys {
		if i == show {
			fmt.Fprintf(&b, " and %d more", len(e.Keys)-show)
			break
		}
		fmt.Fprintf(&b, " %q", k)
	}
	return b.String()
}

// List lists one folder level under Prefix+dir (dir is "" or ends in "/",
// as "a/b/"), with Delimiter "/", following pagination with ListPage (pages
// of 1000 names, each page one request, counted), and returns the entries
// sorted by Name (bytewise).
//
// Keys that end in "/" (zero-byte "folder marker" objects, including the
// folder's own marker) are skipped: the folder they mark is listed from the
// keys below it. One that holds data is a bad key (no file name reaches it). Keys whose name is empty, ".", "..", contains a NUL byte or
// is not valid UTF-8 are not entries: List returns the other entries and a
// *BadKeyError naming them. Any other error means the listing failed, and
// the entries are nil. A folder of more than 1,000,000 names is an error.
func (s *Source) List(ctx context.Context, dir string) ([]Entry, error) {
	return s.ListAtMost(ctx, dir, maxEntries)
}

// ErrTooMany is the error (under errors.Is) of a listing of more names
// than asked for.
var ErrTooMany = errors.New("too many to list")

// ListAtMost is List, stopping with ErrTooMany past max names (at most
// 1,000,000 whatever max): a caller listing ahead keeps its memory bounded.
func (s *Source) ListAtMost(ctx context.Context, dir string, max int) ([]Entry, error) {
	max = min(max, maxEntries)
	if dir != "" && !strings.HasSuffix(dir, "/") {
		dir += "/"
	}
	full := s.Prefix + dir
	opts := &blob.ListOptions{Prefix: full, Delimiter: "/"}
	var entries []Entry
	var bad []string
	token := blob.FirstPageToken
	n := 0
	for {
		if err := ctx.Err(); err != nil {
			return nil, s.wrap("list", s.name(dir), err)
		}
		s.listRequests.Add(1)
		pctx, cancel := context.WithTimeout(ctx, requestTimeout)
		objs, next, err := s.Bucket.ListPage(pctx, token, listPageSize, opts)
		cancel()
		if err != nil && err != io.EOF {
			return nil, s.wrap("list", s.name(dir), err)
		}
		for _, o := range objs {
			n++
			if n > max {
				return nil, fmt.Errorf("objstore: %s: more than %d names in one folder: %w", s.name(dir), max, ErrTooMany)
			}
			rel, ok := strings.CutPrefix(o.Key, full)
			if !ok {
				bad = append(bad, strings.TrimPrefix(o.Key, s.Prefix))
				continue
			}
			name := rel
			if o.IsDir {
				name = strings.TrimSuffix(rel, "/")
			} else if strings.HasSuffix(rel, "/") || rel == "" {
				if o.Size > 0 { // data under a folder's name: no file name reaches it
					bad = append(bad, dir+rel)
				}
				continue // a folder marker
			}
			if !goodName(name) {
				bad = append(bad, dir+rel)
				continue
			}
			e := Entry{Name: name, Dir: o.IsDir}
			if !o.IsDir {
				e.Size, e.ModTime = o.Size, o.ModTime
			}
			entries = append(entries, e)
		}
		if len(next) == 0 {
			break
		}
		token = next
	}
	// A folder listed as a common prefix and also as an object of the same
	// name (a key "a" beside keys "a/x") gives two entries; keep both, the
	// folder first: the caller decides.
	slices.SortFunc(entries, func(a, b Entry) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		switch {
		case a.Dir == b.Dir:
			return 0
		case a.Dir:
			return -1
		}
		return 1
	})
	if len(bad) > 0 {
		return entries, &BadKeyError{Source: s.Display, Keys: bad}
	}
	return entries, nil
}

// goodName reports whether a listed name can be a file or folder name.
func goodName(name string) bool {
	return name != "" && name != "." && name != ".." &&
		!strings.ContainsRune(name, 0) && !strings.Contains(name, "/") &&
		utf8.ValidString(name)
}

// ReadAll reads a small object whole (a .provscanignore), in one request.
// key is relative to Prefix. An object of more than max bytes is an error
// (and is not read). A missing object is an error for which
// gcerrors.Code(err) == gcerrors.NotFound.
func (s *Source) ReadAll(ctx context.Context, key string, max int64) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	r, err := s.Bucket.NewRangeReader(ctx, s.Prefix+key, 0, -1, nil)
	if err != nil {
		return nil, s.wrap("read", s.name(key), err)
	}
	defer r.Close()
	if r.Size() > max {
		return nil, fmt.Errorf("objstore: %s: %d bytes, more than the %d allowed", s.name(key), r.Size(), max)
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, s.wrap("read", s.name(key), err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("objstore: %s: more than the %d bytes allowed", s.name(key), max)
	}
	return data, nil
}

// Attributes returns the size and modification time of the object key
// (relative to Prefix). A missing object is an error for which
// gcerrors.Code(err) == gcerrors.NotFound; other errors name the object and
// the error's code only (a driver's message may name the endpoint).
func (s *Source) Attributes(ctx context.Context, key string) (size int64, modTime time.Time, err error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	a, err := s.Bucket.Attributes(ctx, s.Prefix+key)
	if err != nil {
		return 0, time.Time{}, s.wrap("attributes of", s.name(key), err)
	}
	return a.Size, a.ModTime, nil
}

// Open returns a reader over the object key (relative to Prefix), of the
// size and modification time the listing gave. It makes no request until the
// first ReadAt; reads stop when ctx is done.
func (s *Source) Open(ctx context.Context, key string, size int64, modTime time.Time) *Object {
	return &Object{
		src:     s,
		ctx:     ctx,
		key:     s.Prefix + key,
		name:    s.name(key),
		size:    size,
		modTime: modTime,
		lastEnd: -1,
	}
}

// name is the display name of a key or folder relative to Prefix.
func (s *Source) name(rel string) string {
	if rel == "" {
		return s.Display
	}
	return strings.TrimSuffix(s.Display, "/") + "/" + rel
}

// wrap returns an error "objstore: <what> <name>: <err>" whose text never
// contains the Source's secrets; errors.Is, errors.As and gcerrors.Code see
// err.
func (s *Source) wrap(what, name string, err error) error {
	return &opError{what: what, name: name, err: err, secrets: s.secrets}
}

// opError is an error of a Source or Object, scrubbed of the URL's secrets.
type opError struct {
	what, name string
	err        error
	secrets    []string
}

func (e *opError) Error() string {
	msg := "objstore: " + e.what + " " + e.name + ": " + e.err.Error()
	for _, s := range e.secrets {
		msg = strings.ReplaceAll(msg, s, "…")
	}
	return msg
}

func (e *opError) Unwrap() error { return e.err }

// Display is rawURL without its query, fragment and user information: how
// reports and messages name a bucket URL (the query may hold an endpoint or
// credentials). It works on URLs that do not parse too.
func Display(rawURL string) string {
	if i := strings.IndexAny(rawURL, "?#"); i >= 0 {
		rawURL = rawURL[:i]
	}
	if i := strings.Index(rawURL, "://"); i >= 0 {
		rest := rawURL[i+3:]
		host, _, _ := strings.Cut(rest, "/")
		if j := strings.LastIndex(host, "@"); j >= 0 {
			rawURL = rawURL[:i+3] + rest[j+1:]
		}
	}
	return rawURL
}
