package scanner

import (
	"errors"
	"fmt"
	"io"
	"time"
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
	if b.tripped != nil {
		return 0, b.tripped
	}
	b.reads++
	if !b.deadline.IsZero() && (b.reads%clockEvery == 0 || len(p) >= 64<<10) && time.Now().After(b.deadline) {
		b.tripped = fmt.Errorf("%w: still reading after %s", errBudget, b.timeout)
		return 0, b.tripped
	}
	if b.left >= 0 {
		if int64(len(p)) > b.left {
			b.tripped = fmt.Errorf("%w: more than %d bytes to read", errBudget, b.budget)
			return 0, b.tripped
		}
		b.left -= int64(len(p))
	}
	return b.r.ReadAt(p, off)
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
