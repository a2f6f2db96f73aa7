package objstore

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/blob/driver"
	"gocloud.dev/gcerrors"
)

// synthBucket is a test-only driver.Bucket whose objects are generated from
// the offset (so a 4 GiB object takes no memory) and which records every
// ranged read it serves.
type synthBucket struct {
	t    testing.TB
	mu   sync.Mutex
	objs map[string]*synthObj
	gets []span // the ranges asked for, in order
}

type synthObj struct {
	size int64
	mod  time.Time
	gen  func(off int64, p []byte) // fills p with the bytes at off
	cut  int64                     // if > 0, bodies end at this offset
	once bool                      // cut only the next body
}

type span struct{ off, length int64 }

var errNoSuchKey = errors.New("synth: no such key")

func newSynth(t testing.TB) (*synthBucket, *blob.Bucket) {
	sb := &synthBucket{t: t, objs: map[string]*synthObj{}}
	b := blob.NewBucket(sb)
	t.Cleanup(func() { _ = b.Close() })
	return sb, b
}

func (b *synthBucket) put(key string, o *synthObj) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if o == nil {
		delete(b.objs, key)
		return
	}
	b.objs[key] = o
}

func (b *synthBucket) requests() []span {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]span(nil), b.gets...)
}

func (b *synthBucket) ErrorCode(err error) gcerrors.ErrorCode {
	if errors.Is(err, errNoSuchKey) {
		return gcerrors.NotFound
	}
	return gcerrors.Unknown
}
func (b *synthBucket) As(any) bool             { return false }
func (b *synthBucket) ErrorAs(error, any) bool { return false }
func (b *synthBucket) Close() error            { return nil }
func (b *synthBucket) errUnsupported() error   { return errors.New("synth: unsupported") }
func (b *synthBucket) Attributes(_ context.Context, key string) (*driver.Attributes, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	o, ok := b.objs[key]
	if !ok {
		return nil, errNoSuchKey
	}
	return &driver.Attributes{Size: o.size, ModTime: o.mod}, nil
}
func (b *synthBucket) ListPaged(context.Context, *driver.ListOptions) (*driver.ListPage, error) {
	return &driver.ListPage{}, nil
}
func (b *synthBucket) NewTypedWriter(context.Context, string, string, *driver.WriterOptions) (driver.Writer, error) {
	return nil, b.errUnsupported()
}
func (b *synthBucket) Copy(context.Context, string, string, *driver.CopyOptions) error {
	return b.errUnsupported()
}
func (b *synthBucket) Delete(context.Context, string, *driver.DeleteOptions) error {
	return b.errUnsupported()
}
func (b *synthBucket) SignedURL(context.Context, string, *driver.SignedURLOptions) (string, error) {
	return "", b.errUnsupported()
}

func (b *synthBucket) NewRangeReader(ctx context.Context, key string, off, length int64, _ *driver.ReaderOptions) (driver.Reader, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.gets = append(b.gets, span{off, length})
	o, ok := b.objs[key]
	if !ok {
		return nil, errNoSuchKey
	}
	if length < 0 || off+length > o.size {
		b.t.Errorf("synth: request past the end: off %d length %d size %d", off, length, o.size)
		length = max(o.size-off, 0)
	}
	end := off + length
	if o.cut > 0 && end > o.cut {
		end = o.cut
		if o.once {
			o.cut = 0
		}
	}
	return &synthReader{ctx: ctx, o: o, off: off, end: end}, nil
}

type synthReader struct {
	ctx      context.Context
	o        *synthObj
	off, end int64
}

func (r *synthReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	if r.off >= r.end {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.end-r.off)]
	r.o.gen(r.off, p)
	r.off += int64(len(p))
	return len(p), nil
}
func (r *synthReader) Close() error { return nil }
func (r *synthReader) Attributes() *driver.ReaderAttributes {
	return &driver.ReaderAttributes{Size: r.o.size, ModTime: r.o.mod}
}
func (r *synthReader) As(any) bool { return false }

// pattern is a generator whose bytes depend on the offset and a seed.
func pattern(seed byte) func(off int64, p []byte) {
	return func(off int64, p []byte) {
		for i := range p {
			o := off + int64(i)
			p[i] = byte(o) ^ byte(o>>11) ^ byte(o>>23) ^ seed
		}
	}
}

// want returns the bytes gen makes for [off, off+n).
func want(gen func(int64, []byte), off int64, n int) []byte {
	p := make([]byte, n)
	gen(off, p)
	return p
}
