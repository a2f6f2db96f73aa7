package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/provscan/provscan/provenance"
)

// Per-file budgets. A file that needs more time or more reading than its
// budget becomes an unreadable finding with the reason, and the scan goes on.
const (
	DefaultFileTimeout    = 30 * time.Second
	DefaultFileReadBudget = 256 << 20 // bytes; metadata never needs this much
)

// errBudget is wrapped by the errors of a file over its budget.
var errBudget = errors.New("over the per-file budget")

// budgetReaderAt fails every read once the file's deadline has passed or its
// read budget is spent, so that a reader caught in a slow or huge file stops
// at its next read. One inspection uses it from one goroutine.
type budgetReaderAt struct {
	r        io.ReaderAt
	deadline time.Time // zero: no time budget
	timeout  time.Duration
	left     int64 // bytes still allowed; < 0 disables the read budget
	budget   int64
	tripped  error
	reads    int // reads since the clock was last looked at
}

// clockEvery is how many reads pass between two looks at the clock: most
// reads are served from the head buffer in nanoseconds, and the clock costs
// more than they do. A reader stuck in a loop still makes its reads, so the
// deadline is seen within 16 reads of passing (and at once by a read of 64
// KiB or more).
const clockEvery = 16

func newBudgetReaderAt(r io.ReaderAt, timeout time.Duration, budget int64) *budgetReaderAt {
	b := &budgetReaderAt{r: r, timeout: timeout, left: budget, budget: budget}
	if timeout > 0 {
		b.deadline = time.Now().Add(timeout)
	}
	return b
}

func (b *budgetReaderAt) ReadAt(p []byte, off int64) (int, error) {
	b.reads++
	if err := b.charge(int64(len(p)), b.reads%clockEvery == 0 || len(p) >= 64<<10); err != nil {
		return 0, err
	}
	return b.r.ReadAt(p, off)
}

// charge takes n bytes from the read budget, after a look at the clock when
// clock is set, and fails (for good) once the deadline has passed or the
// budget is spent.
func (b *budgetReaderAt) charge(n int64, clock bool) error {
	if b.tripped != nil {
		return b.tripped
	}
	if clock && !b.deadline.IsZero() && time.Now().After(b.deadline) {
		b.tripped = fmt.Errorf("%w: still reading after %s", errBudget, b.timeout)
		return b.tripped
	}
	if b.left >= 0 {
		if n > b.left {
			b.tripped = fmt.Errorf("%w: more than %d bytes to read", errBudget, b.budget)
			return b.tripped
		}
		b.left -= n
	}
	return nil
}

// allow lets the reader read n more bytes: a content hash reads the file
// once in full on top of what its inspection read.
func (b *budgetReaderAt) allow(n int64) {
	if b.left >= 0 {
		b.left += n
	}
}

// hashAllowance is how many bytes a content hash may read beyond the read
// budget: the file once in full when the budget is the default one (sized
// for metadata, and not settable from the command line), nothing when
// Options.FileReadBudget was set (it then bounds the inspection and the hash
// together). The time budget is shared either way.
func (o *Options) hashAllowance(size int64) int64 {
	if o.FileReadBudget != 0 {
		return 0
	}
	return size
}

// budgets returns the time and read budgets of a file of the given size for
// these options. Checking content hashes of every file (VerifyContent) reads
// whole files, so it lifts the read budget and, unless one was set, the time
// budget. A file checked because it is within VerifyContentMax may read
// itself once more than the metadata budget, and keeps the time budget.
func (o *Options) budgets(size int64) (time.Duration, int64) {
	timeout, budget := o.FileTimeout, o.FileReadBudget
	if timeout == 0 {
		timeout = DefaultFileTimeout
	}
	if budget == 0 {
		budget = DefaultFileReadBudget
	}
	if o.InspectOptions.VerifyContent {
		budget = -1
		if o.FileTimeout == 0 {
			timeout = -1
		}
	} else if budget >= 0 && o.InspectOptions.VerifiesContent(size) {
		budget += size
	}
	if timeout < 0 {
		timeout = 0
	}
	return timeout, budget
}

// DefaultMaxMemory is the scan-wide cap on memory held by the inspections in
// flight (Options.MaxMemory, --max-memory): metadata blocks kept, inflated
// archive entries, archive directories. It is sized for a 2-core, 4 GB CI
// runner: the Go heap may grow to about twice what is live (GOGC=100), so
// 1 GiB held leaves room for the runtime, the report and the runner itself.
// One file's own caps (96 MiB of metadata, a 64 MiB archive entry, 1 GiB
// inflated across nested archives but held one entry per level at a time)
// fit in it several times over.
const DefaultMaxMemory = 1 << 30

// memWait is the longest a reservation waits for memory that other
// inspections hold, within the file's time budget.
const memWait = 2 * time.Second

// notFully is the prefix of the report error of a file whose inspection a
// budget cut short: findings made before are kept, and the error fails the
// gate unless --allow-unreadable.
const notFully = "not fully inspected: "

// The scan-wide memory budget. Every inspection in flight draws the memory
// it holds (through provenance.Budget.Reserve(Memory, n)) from one weighted
// semaphore of Options.MaxMemory bytes, shared by the workers and by the
// nested archives of each file (a member's budget is an Item of its file's
// budget, so what an archive holds while its members are read stays
// counted). A reservation never blocks for long: it takes the bytes at
// once if they are free, else waits at most memWait and never past the
// file's deadline, and otherwise fails, which stops that part of the
// inspection ("not fully inspected: ... the scan's memory cap is reached").
// So two workers that each hold half the cap and want more cannot deadlock:
// each gives up within memWait, releases what it holds when its file is done,
// and the scan goes on. A reservation larger than the whole cap fails at
// once. golang.org/x/sync/semaphore gives the FIFO weighted semaphore
// (a waiter for many bytes is not starved by a stream of small ones).
type memPool struct {
	ctx      context.Context
	sem      *semaphore.Weighted
	max      int64
	deadline time.Time // zero: none
}

func (m *memPool) TryAcquire(n int64) bool {
	if n > m.max {
		return false
	}
	if m.sem.TryAcquire(n) {
		return true
	}
	wait := time.Now().Add(memWait)
	if !m.deadline.IsZero() && m.deadline.Before(wait) {
		wait = m.deadline
	}
	ctx, cancel := context.WithDeadline(m.ctx, wait)
	defer cancel()
	return m.sem.Acquire(ctx, n) == nil
}

func (m *memPool) Release(n int64) { m.sem.Release(n) }

// maxMemory is the scan's memory cap for these options (< 0: none).
func (o *Options) maxMemory() int64 {
	if o.MaxMemory == 0 {
		return DefaultMaxMemory
	}
	return o.MaxMemory
}

// newFileBudget returns the budget of one file on disk, drawing on the
// scan's memory semaphore (if any) within the file's time budget.
func (s *scan) newFileBudget(timeout time.Duration) *provenance.Budget {
	var pool provenance.Pool
	if s.mem != nil {
		mp := &memPool{ctx: s.ctx, sem: s.mem, max: s.opts.maxMemory()}
		if mp.ctx == nil {
			mp.ctx = context.Background()
		}
		if timeout > 0 {
			mp.deadline = time.Now().Add(timeout)
		}
		pool = mp
	}
	return provenance.NewBudget(s.opts.InspectOptions.Limits, pool)
}
