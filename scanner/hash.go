package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/provscan/provscan/scanner/report"
)

// A flagged file (or archive member) is read whole for its SHA-256 only when
// the hash can change a verdict:
//
//   - with --hash (Options.Hash), for every flagged file, so that a report
//     can become the record of an approval;
//   - when an approval entry of the file's size exists for a rule among the
//     file's findings (entries written before approvals recorded the size
//     match any size, so they make every flagged file hashed).
//
// Otherwise only the metadata is read, and the finding has no sha256 (the
// baseline fingerprint does not need one). The hash reads through the same
// per-file budget as the inspection: it shares the file's deadline
// (--file-timeout), and an explicit Options.FileReadBudget bounds the
// inspection and the hash together. With the default read budget (sized for
// metadata) a hash may read the file once more in full. A hash cut short
// leaves the finding without sha256, with a note, so that no approval can
// match it: the finding stays open (fail closed).

// hashWanted reports whether the findings of a file of this size need its
// content hash.
func (s *scan) hashWanted(size int64, found []report.Finding) bool {
	if s.opts.Hash {
		return true
	}
	if s.opts.Approvals == nil {
		return false
	}
	for _, f := range found {
		if s.opts.Approvals.MayMatch(size, f.Rule) {
			return true
		}
	}
	return false
}

// hashFlagged returns the SHA-256 of a flagged file or member when a verdict
// needs it, read through the budget readers of the file and of the archives
// it lies in (budgets, outermost first; the last one is the item's own). It
// returns no sum and no note when the hash is not needed; no sum, a note and,
// for a read error that is not the budget, an error when it was cut short.
func (s *scan) hashFlagged(budgets []*budgetReaderAt, size int64, found []report.Finding) (sum, note string, err error) {
	if !s.hashWanted(size, found) {
		return "", "", nil
	}
	if extra := s.opts.hashAllowance(size); extra > 0 {
		for _, b := range budgets {
			b.allow(extra)
		}
	}
	sum, err = hashReaderAt(ctxReaderAt{s.ctx, budgets[len(budgets)-1]}, size)
	if err == nil {
		return sum, "", nil
	}
	why := err.Error()
	if s.ctx != nil && s.ctx.Err() != nil {
		why, err = "the scan was interrupted", nil
	}
	if errors.Is(err, errBudget) {
		if strings.Contains(why, "still reading") {
			why += "; a longer --file-timeout lets it finish"
		}
		err = nil // the note says it; the file itself was read
	}
	return "", fmt.Sprintf("sha256 not computed (%s): no approval can match this file until it is hashed", why), err
}

// ctxReaderAt stops a hash when the scan is interrupted: with no time
// budget, hashing a huge file would otherwise hold the scan up.
type ctxReaderAt struct {
	ctx context.Context
	r   io.ReaderAt
}

func (c ctxReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if c.ctx != nil {
		if err := c.ctx.Err(); err != nil {
			return 0, err
		}
	}
	return c.r.ReadAt(p, off)
}
