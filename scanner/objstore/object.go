package objstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// The cache and read-ahead of an Object.
//
// blockSize is the unit of caching and of requests: blocks are aligned to
// the object's start. 64 KiB is the scanner's head read (one ReadAt of the
// first 64 KiB), so a head costs one request of one block, and a box or
// chunk header anywhere in a file costs at most one 64 KiB request: on S3,
// GCS and Azure a request's latency (tens of milliseconds) dwarfs the time
// to receive 64 KiB, so smaller blocks would save little transfer and cost
// more requests when a reader walks a few headers close together.
//
// maxBlocks bounds the cache: 16 blocks, 1 MiB per Object. The scanner reads
// a file in one worker, so this is 1 MiB per worker (plus one open response
// body, see below). 16 blocks hold a head, a few headers and a metadata box
// at the end of a file (an MP4 moov of a few hundred KiB) at once, which is
// what the readers revisit.
//
// maxRetries bounds, per Object, the requests made again for a body that
// broke mid-way (a connection reset or cut short during a long sequential
// read): the request is made again from the block being read, and its
// response checked like any other, so a body cut short because the object
// was replaced fails with ErrChanged. Request errors themselves are not
// retried here: the drivers' SDKs retry those.
//
// maxWindow bounds read-ahead. A miss requests, in one request, the run of
// missing blocks the read needs, or the read-ahead window if that is larger.
// The window is 1 block after a random miss (a header far into the file
// needs no more) and doubles each time a miss starts exactly where the
// previous request ended (a sequential pattern: hashing a file whole, a
// reader walking consecutive chunks), up to 8 MiB. Hashing an object of
// size S in 32-64 KiB reads then costs about S/8 MiB + 8 requests, not
// S/32 KiB. 8 MiB takes a connection of 100 MB/s some 80 ms, several times
// a request's latency, so larger windows would save little; and the window
// is reached only by reads that keep going, so a reader that stops early
// leaves at most one window's body unread.
//
// The first sequential miss asks for seqWindow (1 MiB) at once rather than
// two blocks: a PNG walks the headers of its IDAT chunks, a few KiB to 64
// KiB apart, through the whole file (text chunks may follow the image
// data, and only that walk finds them for sure), so every block of it is
// read; doubling from one block cost a 2.5 MB PNG six requests, 1 MiB first
// costs it three.
//
// A request's body is not read whole into the cache: it stays open as the
// Object's stream, and blocks are read from it only when a read reaches
// them (a miss at the stream's position, or a little ahead of it: up to
// maxSkip blocks are read through and cached rather than opening a new
// request). So an 8 MiB window never holds 8 MiB in memory; at most
// maxBlocks blocks are resident, and a stream that a random miss abandons
// is closed with its unread bytes never received by the Object (the
// transport may have buffered some; Transferred counts the bytes read from
// bodies). The open stream holds one connection per Object while it lives;
// Close releases it, and so does reaching its end.
const (
	blockSize       = 64 << 10
	maxBlocks       = 16
	maxWindow       = 8 << 20
	maxWindowBlocks = maxWindow / blockSize
	seqWindowBlocks = (1 << 20) / blockSize
	maxSkip         = 4
	maxRetries      = 2
)

// requestTimeout bounds each request: a list page, an attributes request, a
// ranged GET and the reading of its body. A server that accepts and never
// answers cannot hang a scan (the drivers' HTTP clients set no overall
// timeout); 2 minutes is far above any answer, an 8 MiB window included.
var requestTimeout = 2 * time.Minute

// CacheBytes is the most memory an Object's block cache holds: the scanner
// reserves it, per worker, from its memory cap.
const CacheBytes = maxBlocks * blockSize

// ErrChanged is the error (under errors.Is) of a read from an object whose
// size or modification time differs from the listing's or from the first
// response's: an object replaced during the scan is never read half old,
// half new.
var ErrChanged = errors.New("object changed during the scan")

// ErrVanished is the error (under errors.Is) of a read from an object that
// no longer exists.
var ErrVanished = errors.New("object vanished during the scan")

// Object is an io.ReaderAt over one object, read with ranged requests
// (blob.Bucket.NewRangeReader), with a cache of at most 16 blocks of 64 KiB
// and read coalescing (see the constants above for the design).
//
// Each response's object size must equal the listed size, and its
// modification time the first response's (and the listed one, within the
// second, when both are known); otherwise the read fails with ErrChanged
// (blob.Reader gives no ETag or generation, so an object rewritten with the
// same size within the same second of its modification time is not seen). A
// missing object fails with ErrVanished. Reads stop when the context given
// to Open is done. Errors name the object by the Source's Display, never by
// the URL's query.
//
// An Object is meant to be read by one goroutine at a time, but ReadAt is
// safe for concurrent use (a mutex serialises reads).
type Object struct {
	src     *Source
	ctx     context.Context
	key     string // full key, with the Source's Prefix
	name    string // display name
	size    int64
	modTime time.Time // as listed; may be zero

	mu       sync.Mutex
	closed   bool
	blocks   []*block // the cache, at most maxBlocks
	tick     uint64   // LRU clock
	respMod  time.Time
	haveResp bool

	stream    *blob.Reader       // open body of the last request, or nil
	cancel    context.CancelFunc // ends the last request (its requestTimeout)
	streamOff int64              // offset of the next byte stream yields (block aligned)
	streamEnd int64              // end of the last request's range
	lastEnd   int64              // end of the last request's range, -1 before any
	lastLen   int64              // blocks asked for by the last request
	retries   int                // bodies asked for again after breaking

	requests    atomic.Int64
	transferred atomic.Int64
}

// block is one cached block.
type block struct {
	idx  int64
	data []byte
	used uint64
}

// Size returns the object's size as listed.
func (o *Object) Size() int64 { return o.size }

// Requests returns the ranged GET requests made so far.
func (o *Object) Requests() int64 { return o.requests.Load() }

// Transferred returns the bytes received in response bodies so far.
func (o *Object) Transferred() int64 { return o.transferred.Load() }

// Close drops the cache and closes the open response body, if any. Reads
// after Close fail.
func (o *Object) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.closeStream()
	for _, b := range o.blocks {
		blockPool.Put((*[blockSize]byte)(b.data[:blockSize]))
	}
	o.blocks = nil
	o.closed = true
	return nil
}

// blockPool holds the block buffers of closed Objects, so that scanning many
// small objects does not allocate 64 KiB or more for each.
var blockPool = sync.Pool{New: func() any { return new([blockSize]byte) }}

// ReadAt reads len(p) bytes at off, following the io.ReaderAt contract: it
// returns n < len(p) only with an error, and io.EOF when the read reaches
// the end of the object (with the bytes available before it). A read at or
// after the end returns io.EOF without a request.
func (o *Object) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("objstore: read %s: negative offset %d", o.name, off)
	}
	if off >= o.size {
		return 0, io.EOF
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return 0, fmt.Errorf("objstore: read %s: object closed", o.name)
	}
	if err := o.ctx.Err(); err != nil {
		return 0, o.src.wrap("read", o.name, err)
	}
	var eof bool
	if int64(len(p)) > o.size-off {
		p, eof = p[:o.size-off], true
	}
	if len(p) == 0 {
		return 0, nil
	}
	last := (off + int64(len(p)) - 1) / blockSize
	n := 0
	for n < len(p) {
		pos := off + int64(n)
		idx := pos / blockSize
		data, err := o.block(idx, last)
		if err != nil {
			return n, err
		}
		n += copy(p[n:], data[pos-idx*blockSize:])
	}
	if eof {
		return n, io.EOF
	}
	return n, nil
}

// lookup returns the cached block idx, marked as used, or nil.
func (o *Object) lookup(idx int64) *block {
	for _, b := range o.blocks {
		if b.idx == idx {
			o.tick++
			b.used = o.tick
			return b
		}
	}
	return nil
}

// cached reports whether block idx is cached, without marking it used.
func (o *Object) cached(idx int64) bool {
	for _, b := range o.blocks {
		if b.idx == idx {
			return true
		}
	}
	return false
}

// block returns the data of block idx, fetching it on a miss; last is the
// last block the current ReadAt needs.
func (o *Object) block(idx, last int64) ([]byte, error) {
	if b := o.lookup(idx); b != nil {
		return b.data, nil
	}
	start := idx * blockSize
	if o.stream != nil && start >= o.streamOff && start < o.streamEnd && start-o.streamOff <= maxSkip*blockSize {
		// The open body reaches this block: read on rather than ask again.
		for o.streamOff < start {
			if _, err := o.fill(); err != nil {
				return nil, err
			}
		}
		return o.fill()
	}
	o.closeStream()

	run := int64(1)
	for idx+run <= last && !o.cached(idx+run) {
		run++
	}
	window := int64(1)
	if start == o.lastEnd {
		window = min(max(2*o.lastLen, seqWindowBlocks), maxWindowBlocks)
	}
	nblocks := max(run, window)
	length := min(nblocks*blockSize, o.size-start)

	o.lastEnd, o.lastLen = start+length, nblocks
	if err := o.request(start, length); err != nil {
		return nil, err
	}
	return o.fill()
}

// request opens the stream over [start, start+length), one counted request,
// and checks the response.
func (o *Object) request(start, length int64) error {
	o.requests.Add(1)
	ctx, cancel := context.WithTimeout(o.ctx, requestTimeout)
	r, err := o.src.Bucket.NewRangeReader(ctx, o.key, start, length, nil)
	if err != nil {
		cancel()
		if gcerrors.Code(err) == gcerrors.NotFound {
			err = fmt.Errorf("%w: %w", ErrVanished, err)
		}
		return o.src.wrap("read", o.name, err)
	}
	if err := o.check(r); err != nil {
		_ = r.Close()
		cancel()
		return err
	}
	o.stream, o.cancel, o.streamOff, o.streamEnd = r, cancel, start, start+length
	return nil
}

// check verifies a response's object size and modification time.
func (o *Object) check(r *blob.Reader) error {
	if r.Size() != o.size {
		return o.src.wrap("read", o.name, fmt.Errorf("%w (size %d, listed %d)", ErrChanged, r.Size(), o.size))
	}
	mt := r.ModTime()
	if mt.IsZero() {
		return nil
	}
	if o.haveResp {
		if !mt.Equal(o.respMod) {
			return o.src.wrap("read", o.name, fmt.Errorf("%w (modified %s, first read %s)", ErrChanged, mt.UTC().Format(time.RFC3339Nano), o.respMod.UTC().Format(time.RFC3339Nano)))
		}
		return nil
	}
	// Listings and response headers may differ in precision (S3 lists
	// milliseconds, Last-Modified has seconds): compare within a second.
	if !o.modTime.IsZero() {
		if d := mt.Sub(o.modTime); d >= time.Second || d <= -time.Second {
			return o.src.wrap("read", o.name, fmt.Errorf("%w (modified %s, listed %s)", ErrChanged, mt.UTC().Format(time.RFC3339Nano), o.modTime.UTC().Format(time.RFC3339Nano)))
		}
	}
	o.respMod, o.haveResp = mt, true
	return nil
}

// fill reads the next block from the stream into the cache and returns its
// data; it closes the stream at the end of its range or on an error.
func (o *Object) fill() ([]byte, error) {
	idx := o.streamOff / blockSize
	n := min(blockSize, o.size-o.streamOff)
	b := o.slot(idx)
	b.idx, b.data = idx, b.data[:n]
	for {
		got, err := io.ReadFull(o.stream, b.data)
		o.transferred.Add(int64(got))
		if err == nil {
			break
		}
		o.closeStream()
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			// The body ended before the range asked for: the connection
			// broke, or the object was cut short (which a new request
			// shows as ErrChanged).
			err = fmt.Errorf("response body ended at %d, before %d: %w", o.streamOff+int64(got), o.streamEnd, io.ErrUnexpectedEOF)
		}
		if o.retries < maxRetries && o.ctx.Err() == nil && gcerrors.Code(err) != gcerrors.NotFound {
			// A body broken mid-way (a reset connection in a long
			// sequential read) is asked for again from this block on.
			o.retries++
			if rerr := o.request(o.streamOff, o.streamEnd-o.streamOff); rerr == nil {
				continue
			} else {
				err = rerr
			}
		} else {
			if gcerrors.Code(err) == gcerrors.NotFound {
				err = fmt.Errorf("%w: %w", ErrVanished, err)
			}
			err = o.src.wrap("read", o.name, err)
		}
		o.drop(b)
		return nil, err
	}
	o.tick++
	b.used = o.tick
	o.streamOff += n
	if o.streamOff >= o.streamEnd {
		o.closeStream()
	}
	return b.data, nil
}

// slot returns a cache slot for block idx: its own if it is cached (a
// stream read through a block cached earlier), else a new one while the
// cache has room, else the least recently used, whose buffer is reused.
func (o *Object) slot(idx int64) *block {
	for _, b := range o.blocks {
		if b.idx == idx {
			b.data = b.data[:cap(b.data)]
			return b
		}
	}
	if len(o.blocks) < maxBlocks {
		b := &block{idx: -1, data: blockPool.Get().(*[blockSize]byte)[:]}
		o.blocks = append(o.blocks, b)
		return b
	}
	lru := o.blocks[0]
	for _, b := range o.blocks[1:] {
		if b.used < lru.used {
			lru = b
		}
	}
	lru.idx, lru.data = -1, lru.data[:cap(lru.data)]
	return lru
}

// drop marks a slot empty after a failed fill.
func (o *Object) drop(b *block) {
	b.idx, b.used = -1, 0
}

// closeStream closes the open body, if any.
func (o *Object) closeStream() {
	if o.stream != nil {
		_ = o.stream.Close()
		o.cancel()
		o.stream, o.cancel = nil, nil
	}
}
