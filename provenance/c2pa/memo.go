package c2pa

import (
	"cmp"
	"context"
	"crypto"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Spender is implemented by a content reader that carries the budgets of
// one file (provscan's scanner gives one to Inspect): hashing that needs no
// read (the hashed URIs of assertions and ingredient manifests, over bytes
// already in memory) is charged to it as it goes, and stops at its first
// error (time or read budget spent).
type Spender interface {
	Spend(n int64) error
}

// hashChunk is how many bytes are hashed between two looks at the budgets.
const hashChunk = 1 << 20

// memoKey names one hashed byte range of the store: where it starts in
// memory, its length and the algorithm. Every box of the store is a slice
// of the one JUMBF buffer, so a range is the same range whichever box or
// URI names it.
type memoKey struct {
	p *byte
	n int
	h crypto.Hash
}

// sum returns the digest of b with h, hashing each distinct range once per
// Validate call and charging the bytes to the budgets as it goes. A stop
// (cancelled context, budget spent) is remembered: nothing more is hashed.
func (v *validator) sum(h crypto.Hash, b []byte) ([]byte, error) {
	if v.stopped != nil {
		return nil, v.stopped
	}
	if len(b) == 0 {
		return digest(h, b), nil
	}
	k := memoKey{&b[0], len(b), h}
	if d, ok := v.memo[k]; ok {
		return d, nil
	}
	d := h.New()
	for off := 0; off < len(b); off += hashChunk {
		end := min(off+hashChunk, len(b))
		if err := v.spend(int64(end - off)); err != nil {
			return nil, err
		}
		d.Write(b[off:end])
		v.s.hashed += int64(end - off)
	}
	if v.memo == nil {
		v.memo = map[memoKey][]byte{}
	}
	s := d.Sum(nil)
	v.memo[k] = s
	return s, nil
}

// spend checks the context and the content's budgets before n more bytes
// are hashed or read; the first failure stops the validation's hashing.
func (v *validator) spend(n int64) error {
	if v.stopped != nil {
		return v.stopped
	}
	if ctx := v.opts.Context; ctx != nil && ctx.Err() != nil {
		v.stopped = fmt.Errorf("validation stopped: %w", ctx.Err())
	} else if v.spender != nil {
		if err := v.spender.Spend(n); err != nil {
			v.stopped = fmt.Errorf("validation stopped: %w", err)
		}
	}
	return v.stopped
}

// dataHashKey names a data hash by its algorithm and exclusions (sorted):
// two c2pa.hash.data assertions with the same are one hash of the file.
func dataHashKey(h crypto.Hash, ex []span) string {
	ex = slices.Clone(ex)
	slices.SortFunc(ex, func(a, b span) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.Length, b.Length))
	})
	var b strings.Builder
	fmt.Fprintf(&b, "%d", h)
	for _, e := range ex {
		fmt.Fprintf(&b, ",%d+%d", e.Start, e.Length)
	}
	return b.String()
}

// ctxReaderAt fails every read once its context is cancelled.
type ctxReaderAt struct {
	ctx context.Context
	r   io.ReaderAt
}

func (c ctxReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.ReadAt(p, off)
}
