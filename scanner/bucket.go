package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"gocloud.dev/gcerrors"

	"github.com/provscan/provscan/scanner/objstore"
	"github.com/provscan/provscan/scanner/policy"
	"github.com/provscan/provscan/scanner/report"
)

// bucketRoot is a root in object storage (s3://, gs://, azblob://, mem://).
type bucketRoot struct {
	given  string // the URL as given, with its query: opened, never printed
	src    *objstore.Source
	lister *lister // set by the walk
}

// name is the root as reports name it: the URL without its query.
func (b *bucketRoot) name() string { return b.src.Display }

// splitRoots separates the roots in object storage from the paths on disk.
func splitRoots(roots []string) (disk, buckets []string) {
	for _, r := range roots {
		if objstore.IsURL(r) {
			buckets = append(buckets, r)
		} else {
			disk = append(disk, r)
		}
	}
	return disk, buckets
}

// openBuckets opens every bucket root and lists its top folder once, so
// that a bucket that does not exist or cannot be listed fails the scan (exit
// 2) as a missing folder does, before any file is read.
func openBuckets(ctx context.Context, urls []string, open func(context.Context, string) (*objstore.Source, error)) ([]*bucketRoot, error) {
	if open == nil {
		open = objstore.OpenURL
	}
	out := make([]*bucketRoot, 0, len(urls))
	for _, u := range urls {
		src, err := open(ctx, u)
		if err != nil {
			closeBuckets(out)
			return nil, fmt.Errorf("cannot scan %s: %w", objstore.Display(u), err)
		}
		out = append(out, &bucketRoot{given: u, src: src})
	}
	return out, nil
}

func closeBuckets(bs []*bucketRoot) {
	for _, b := range bs {
		b.src.Close()
	}
}

// objRef is an object for a worker to read.
type objRef struct {
	src     *objstore.Source
	key     string // relative to the source's prefix
	size    int64
	modTime time.Time
}

// fileHandle is a file or an object open for reading.
type fileHandle interface {
	io.ReaderAt
	Close() error
}

// openObject opens the object of j, within the time budget of a file of
// its size: the requests of a file past its budget are cancelled, not only
// its reads refused.
func (s *scan) openObject(o *objRef) (*objstore.Object, context.CancelFunc) {
	ctx, cancel := s.ctx, context.CancelFunc(func() {})
	if timeout, _ := s.opts.budgets(o.size); timeout > 0 {
		ctx, cancel = context.WithTimeout(s.ctx, timeout+time.Second)
	}
	return o.src.Open(ctx, o.key, o.size, o.modTime), cancel
}

// buckets walks the bucket roots (indexes from first on, after the roots
// on disk), one folder level at a time as the walk on disk does, so that
// exclusions prune whole folders and sidecars find their media.
func (w *walker) buckets(bs []*bucketRoot) {
	for _, b := range bs {
		if w.ctx.Err() != nil {
			return
		}
		b.lister = newLister(w.ctx, b.src, func(dir string) bool {
			rel := strings.TrimSuffix(dir, "/")
			return strings.Count(dir, "/") >= maxDirDepth || w.excludedBy(len(w.ignores), rel, true) != ""
		})
		ok := w.bucketDir(b, "", 0)
		b.lister.close()
		if !ok {
			return
		}
	}
}

// listAhead is how many folder listings of a bucket may be in flight or
// done and waiting for the walk; listWorkers how many run at once. A list
// request waits a round trip, and the walk meets folders one after another:
// BenchmarkObjectStorage (161 folders, 512 objects) behind 20 ms of latency
// a request scanned 112 objects/s listing one folder at a time when the walk
// reached it, 433 listing the subfolders of each folder walked (32 ahead),
// still waiting at each level of each branch, and about 700 with the
// lister walking ahead on its own (see lister).
//
// listHeld bounds the names of the listings done ahead and not yet walked
// (a folder of frames may hold 100,000 names, some 100 bytes each): past
// it no new listing starts until the walk takes some. A listing ahead stops
// at listOne names; such a folder is left to the walk, which lists it when
// it gets there, one at a time as without a lister. So the lister holds at
// most listHeld + listWorkers*listOne names (some 50 MB) whatever the bucket.
const (
	listAhead   = 32
	listWorkers = 8
	listHeld    = 256 << 10
)

var listOne = listHeld / listWorkers // a variable for the tests

// lister lists the folders of one bucket root ahead of the walk, listWorkers
// at a time, always the folders the walk will meet first: the subfolders of
// every listing join a queue ordered as the walk goes (depth first, names
// in byte order), so a branch is listed level after level while the walk
// is still elsewhere. At most listAhead listings are in flight or waiting
// for the walk; the walk takes a folder's listing from the lister, waiting
// for it if it is on its way, or listing it itself if it was not started.
type lister struct {
	ctx  context.Context
	src  *objstore.Source
	skip func(dir string) bool // folders never listed ahead (excluded, too deep)

	mu      sync.Mutex
	cond    *sync.Cond
	queue   []string             // folders to list, in walk order (sorted by walkKey)
	started map[string]*listing1 // in flight or done, not taken by the walk
	held    int                  // len(started)
	names   int                  // entries of the listings done and not taken
	closed  bool
	wg      sync.WaitGroup
}

// listing1 is one folder's listing, done when done is closed; tooMany
// means it was given up for the walk to list.
type listing1 struct {
	done    chan struct{}
	entries []objstore.Entry
	err     error
	tooMany bool
}

// walkKey orders folders ("a/b/") as the walk meets them: a folder before
// what lies in it, then the folders after it by name ("a/b/" < "a/b/c/" <
// "a/b.d/", so "/" sorts before any byte of a name).
func walkKey(dir string) string { return strings.ReplaceAll(dir, "/", "\x00") }

func newLister(ctx context.Context, src *objstore.Source, skip func(string) bool) *lister {
	l := &lister{ctx: ctx, src: src, skip: skip, started: map[string]*listing1{}}
	l.cond = sync.NewCond(&l.mu)
	for range listWorkers {
		l.wg.Add(1)
		go l.work()
	}
	return l
}

// work lists the first folders of the queue while there is room.
func (l *lister) work() {
	defer l.wg.Done()
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		for !l.closed && (len(l.queue) == 0 || l.held >= listAhead || l.names >= listHeld) {
			l.cond.Wait()
		}
		if l.closed {
			return
		}
		dir := l.queue[0]
		l.queue = l.queue[1:]
		r := &listing1{done: make(chan struct{})}
		l.started[dir] = r
		l.held++
		l.mu.Unlock()
		r.entries, r.err = l.src.ListAtMost(l.ctx, dir, listOne)
		if errors.Is(r.err, objstore.ErrTooMany) {
			r.entries, r.err, r.tooMany = nil, nil, true
		}
		l.mu.Lock()
		l.names += len(r.entries)
		l.enqueue(dir, r.entries)
		close(r.done)
	}
}

// enqueue adds the subfolders of dir, as listed, to the queue (l.mu held).
func (l *lister) enqueue(dir string, entries []objstore.Entry) {
	added := false
	for _, e := range entries {
		sub := dir + e.Name + "/"
		if !e.Dir || l.skip(sub) {
			continue
		}
		k := walkKey(sub)
		i, found := slices.BinarySearchFunc(l.queue, k, func(q, k string) int { return strings.Compare(walkKey(q), k) })
		if !found {
			l.queue = slices.Insert(l.queue, i, sub)
			added = true
		}
	}
	if added {
		l.cond.Broadcast()
	}
}

// list returns the listing of dir ("" or ending in "/"): listed ahead, or
// now.
func (l *lister) list(dir string) ([]objstore.Entry, error) {
	l.mu.Lock()
	if r, ok := l.started[dir]; ok {
		delete(l.started, dir)
		l.mu.Unlock()
		<-r.done
		l.mu.Lock()
		l.held--
		l.names -= len(r.entries)
		l.cond.Broadcast()
		l.mu.Unlock()
		if !r.tooMany {
			return r.entries, r.err
		}
	} else {
		if i := slices.Index(l.queue, dir); i >= 0 {
			l.queue = slices.Delete(l.queue, i, i+1)
		}
		l.mu.Unlock()
	}
	entries, err := l.src.List(l.ctx, dir)
	l.mu.Lock()
	l.enqueue(dir, entries)
	l.mu.Unlock()
	return entries, err
}

// close stops the lister and waits for the listings on their way (a walk
// that stopped early leaves some: cancelled with the scan, or finished and
// dropped).
func (l *lister) close() {
	l.mu.Lock()
	l.closed = true
	l.cond.Broadcast()
	l.mu.Unlock()
	l.wg.Wait()
}

// bucketDir walks the folder dir ("" or "a/b") of bucket root b; it
// returns false when the walk must stop.
func (w *walker) bucketDir(b *bucketRoot, dir string, depth int) bool {
	root := b.name()
	listDir := dir
	if listDir != "" {
		listDir += "/"
	}
	entries, err := b.lister.list(listDir)
	if err != nil {
		if w.ctx.Err() != nil {
			return false
		}
		var bad *objstore.BadKeyError
		if !errors.As(err, &bad) {
			w.fail(root, relOrDot(dir), err)
			return true
		}
		for _, k := range bad.Keys {
			w.fail(root, relOrDot(path.Join(dir, strings.TrimSuffix(k[len(listDir):], "/"))),
				fmt.Errorf("object key with no usable name (empty, \".\", \"..\", a NUL byte, not UTF-8, or data under a folder's name ending in \"/\"): not read"))
		}
	}
	if dir == "" && len(entries) == 0 && err == nil && b.src.Prefix != "" {
		if found, ok := w.bucketObject(b); found {
			return ok
		}
	}
	if dir == "" {
		w.bucketPolicyFiles(b, entries)
	}
	var sb *siblings
	names := func() *siblings {
		if sb == nil {
			m := make(map[string]bool, len(entries))
			for _, e := range entries {
				if !e.Dir {
					m[e.Name] = true
				}
			}
			sb = newSiblings(m)
		}
		return sb
	}
	for _, e := range entries {
		if w.ctx.Err() != nil {
			return false
		}
		rel := path.Join(dir, e.Name)
		if by := w.excludedBy(len(w.ignores), rel, e.Dir); by != "" {
			w.excludeAt(root, rel, e.Dir, by)
			continue
		}
		if e.Dir {
			if depth+1 >= maxDirDepth {
				w.fail(root, rel, fmt.Errorf("folders nested more than %d deep: not walked", maxDirDepth))
				continue
			}
			if !w.bucketDir(b, rel, depth+1) {
				return false
			}
			continue
		}
		j := job{root: root, path: rel, rel: rel, obj: &objRef{src: b.src, key: rel, size: e.Size, modTime: e.ModTime}}
		if sidecarExts[strings.ToLower(path.Ext(e.Name))] {
			if media := sidecarMedia(e.Name, names()); media != "" {
				j.sidecarOf = path.Join(dir, media)
			}
		}
		if !w.send(j) {
			return false
		}
	}
	return true
}

// bucketObject handles a root that names one object, not a folder (its
// "folder" lists nothing, and the object exists): the object is read as a
// file root on disk is, at its base name. found is false when no such
// object exists (an empty folder); ok is false when the walk must stop.
func (w *walker) bucketObject(b *bucketRoot) (found, ok bool) {
	key := strings.TrimSuffix(b.src.Prefix, "/")
	parent, base := path.Split(key)
	src := objstore.NewSource(b.src.Bucket, parent, b.src.Display) // not closed: b.src owns the bucket
	size, modTime, err := src.Attributes(w.ctx, base)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return false, true
	}
	if err != nil { // not "nothing there": the root could not be looked at
		w.fail(b.name(), ".", err)
		return true, true
	}
	return true, w.send(job{root: b.name(), path: base, rel: base, obj: &objRef{src: src, key: base, size: size, modTime: modTime}})
}

// bucketPolicyFiles records the policy and ignore files at the top of a
// bucket root as not applied: a policy never comes from inside a delivery
// in object storage (they are scanned as files of the delivery).
func (w *walker) bucketPolicyFiles(b *bucketRoot, entries []objstore.Entry) {
	for _, e := range entries {
		kind := ""
		switch {
		case e.Dir:
		case e.Name == IgnoreFile:
			kind = policy.KindIgnore
		case e.Name == policy.ConfigFile:
			kind = policy.KindPolicy
		}
		if kind == "" {
			continue
		}
		pf := report.PolicyFile{Kind: kind, Path: b.name() + "/" + e.Name, Source: policy.SourceRoot}
		if data, err := b.src.ReadAll(w.ctx, e.Name, policy.MaxPolicyFile); err == nil {
			pf.SHA256 = policy.SHA256Hex(data)
		}
		w.ignoreFile(pf, false)
	}
}
