package scanner

// Spend charges n bytes of in-memory work (the hashing of C2PA hashed URIs
// over a manifest store already read) to the file's budgets, as a read of
// n bytes would be, and fails once the deadline has passed or the read
// budget is spent: the c2pa.Spender that provenance.Inspect looks for on
// its reader. It looks at the clock every call: callers spend in steps of
// a MiB.
func (b *budgetReaderAt) Spend(n int64) error { return b.charge(n, true) }
