package reader

import (
	"fmt"
	"sync"

	"github.com/provscan/provscan/provenance/readerr"
)

// Resource names what a reservation draws on.
type Resource int

const (
	// Blocks counts the metadata blocks of one item (a file or a member).
	Blocks Resource = iota
	// BlockBytes counts the payload bytes of the blocks of one item.
	BlockBytes
	// Payload counts the metadata payload bytes a reader reads into memory
	// for one item (segments to reassemble, chunks, boxes, inflated frames)
	// before it makes blocks of them; its cap is Limits.BlockBytes.
	Payload
	// ZIPInflate counts bytes inflated from the ZIP entries of one file on
	// disk, its nested archives included.
	ZIPInflate
	// PDFInflate counts bytes inflated from the streams of one PDF.
	PDFInflate
	// Members counts the archive members of one file on disk, nested
	// archives included.
	Members
	// Memory is held memory (buffered, decoded, inflated bytes) that is
	// given back with ReleaseTo: it draws on the file's Limits.Memory and,
	// when one is set, on the scan-wide Pool.
	Memory
	nResources
)

var resourceNames = [nResources]string{"metadata blocks", "metadata bytes", "metadata payload bytes read", "bytes inflated from archive entries", "bytes inflated from PDF streams", "archive members", "bytes held in memory"}

// Limits are the per-file limits of an inspection. The zero value of a
// field means its default (DefaultLimits); tests lower them through the
// options instead of package variables.
type Limits struct {
	Blocks     int64 // metadata blocks per item; default MaxBlocks
	BlockBytes int64 // metadata payload bytes per item; default MaxTotalBlocks
	Inflate    int64 // bytes inflated from ZIP entries per file, nested archives included; default 1 GiB
	PDFInflate int64 // bytes inflated from the streams of one PDF; default 256 MiB
	SVGRead    int64 // bytes of an SVG document parsed; default 16 MiB
	Members    int64 // archive members per file, nested archives included; default 100,000
	Memory     int64 // bytes held at once by the inspection of one file; default: no per-file cap beyond the Pool
}

// DefaultLimits are the limits provscan uses. Their values are the caps each
// reader had before they were gathered here.
var DefaultLimits = Limits{
	Blocks:     MaxBlocks,
	BlockBytes: MaxTotalBlocks,
	Inflate:    1 << 30,
	PDFInflate: 256 << 20,
	SVGRead:    16 << 20,
	Members:    100000,
}

// WithDefaults returns l with every zero field set to its default.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits
	for _, f := range []struct{ v, def *int64 }{
		{&l.Blocks, &d.Blocks}, {&l.BlockBytes, &d.BlockBytes}, {&l.Inflate, &d.Inflate},
		{&l.PDFInflate, &d.PDFInflate}, {&l.SVGRead, &d.SVGRead}, {&l.Members, &d.Members},
	} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return l
}

func (l Limits) cap(r Resource) int64 {
	switch r {
	case Blocks:
		return l.Blocks
	case BlockBytes, Payload:
		return l.BlockBytes
	case ZIPInflate:
		return l.Inflate
	case PDFInflate:
		return l.PDFInflate
	case Members:
		return l.Members
	case Memory:
		if l.Memory > 0 {
			return l.Memory
		}
	}
	return -1
}

// Pool is the scan-wide memory budget shared by the inspections in flight.
// TryAcquire takes n bytes or returns false at once (it never waits, so a
// reader never blocks while holding memory); Release gives them back.
type Pool interface {
	TryAcquire(n int64) bool
	Release(n int64)
}

// Budget is the budget of the inspection of one file on disk. Every reader
// draws on it through Reserve; the members of an archive (and theirs) draw
// on the budget of the file they came from, through Item. A Budget is used
// by one inspection at a time (the scanner reads a file and its members in
// one goroutine); the mutex makes a stray concurrent use safe, not fair.
type Budget struct {
	mu     sync.Mutex
	limits Limits
	pool   Pool
	file   *[nResources]int64 // counters of the file on disk, shared by its items
	item   [nResources]int64  // counters of this item (Blocks, BlockBytes, Payload, PDFInflate)
	held   *int64             // memory held by the file, all items together
}

// NewBudget returns the budget of one file under the given limits (zero
// fields: defaults), drawing held memory from pool when it is not nil.
func NewBudget(l Limits, pool Pool) *Budget {
	return &Budget{limits: l.WithDefaults(), pool: pool, file: new([nResources]int64), held: new(int64)}
}

// Item returns the budget of one item of the same file (an archive member):
// it shares the file's counters and held memory, with fresh per-item
// counters of blocks.
func (b *Budget) Item() *Budget {
	if b == nil {
		return nil
	}
	return &Budget{limits: b.limits, pool: b.pool, file: b.file, held: b.held}
}

// Limits returns the limits in force (defaults filled in); a nil budget has
// the default limits.
func (b *Budget) Limits() Limits {
	if b == nil {
		return DefaultLimits
	}
	return b.limits
}

// perItem reports whether r is counted per item rather than per file.
func perItem(r Resource) bool {
	return r == Blocks || r == BlockBytes || r == Payload || r == PDFInflate
}

// counter returns the counter r is drawn from: the item's, the file's, or
// the file's held memory.
func (b *Budget) counter(r Resource) *int64 {
	switch {
	case r == Memory:
		return b.held
	case perItem(r):
		return &b.item[r]
	}
	return &b.file[r]
}

// Reserve takes n units of r from the budget, or returns an error wrapping
// readerr.ErrLimit and takes nothing. It is the one call by which readers
// account for what they read, hold, inflate and count. A nil budget is
// unlimited except for the default caps of a fresh one; callers that may
// have none use Result.Reserve.
func (b *Budget) Reserve(r Resource, n int64) error {
	if n < 0 {
		return fmt.Errorf("%w: negative size %d", readerr.ErrMalformed, n)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	ctr := b.counter(r)
	if c := b.limits.cap(r); c >= 0 && n > c-*ctr {
		return fmt.Errorf("%w: %s over %d", readerr.ErrLimit, resourceNames[r], c)
	}
	if r == Memory && b.pool != nil && n > 0 && !b.pool.TryAcquire(n) {
		return fmt.Errorf("%w: %s: the scan's memory cap is reached (%d bytes more wanted)", readerr.ErrLimit, ErrScanMemory, n)
	}
	*ctr += n
	return nil
}

// ErrScanMemory names the scan-wide memory cap in errors.
const ErrScanMemory = "scan memory"

// Held returns the memory the file holds now, a mark for ReleaseTo.
func (b *Budget) Held() int64 {
	if b == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return *b.held
}

// ReleaseTo gives back the memory reserved since Held returned mark: the
// scanner calls it when an item (and what it holds) is done with.
func (b *Budget) ReleaseTo(mark int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if n := *b.held - mark; n > 0 {
		if b.pool != nil {
			b.pool.Release(n)
		}
		*b.held = mark
	}
}

// Left returns how much of r the budget has left (of the item's counter for
// per-item resources); -1 when r has no cap. A reader that can only learn
// the size of what it produces afterwards (an inflate) bounds it by Left and
// then reserves what it got.
func (b *Budget) Left(r Resource) int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.limits.cap(r)
	if c < 0 {
		return -1
	}
	return c - *b.counter(r)
}

// Left is Budget.Left on the result's budget.
func (r *Result) Left(res Resource) int64 {
	if r.Budget == nil {
		r.Budget = NewBudget(Limits{}, nil)
	}
	return r.Budget.Left(res)
}
