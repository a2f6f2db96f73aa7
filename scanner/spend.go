package scanner

import (
	"fmt"
	"time"
)

// Spend charges n bytes of in-memory work (the hashing of C2PA hashed URIs
// over a manifest store already read) to the file's budgets, as a read of
// n bytes would be, and fails once the deadline has passed or the read
// budget is spent: the c2pa.Spender that provenance.Inspect looks for on
// its reader. It looks at the clock every call: callers spend in steps of
// a MiB.
func (b *budgetReaderAt) Spend(n int64) error {
	if b.tripped != nil {
		return b.tripped
	}
	if !b.deadline.IsZero() && time.Now().After(b.deadline) {
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
