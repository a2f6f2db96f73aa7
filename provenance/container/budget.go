package container

import (
	"fmt"
	"io"

	"github.com/provscan/provscan/provenance/internal/reader"
)

// blockBudget returns an errLimit error when n more payload bytes would take
// the blocks already in res past the budget's metadata bytes (Result.Add
// reserves them). Readers call it before they allocate a payload, so that
// many large blocks (a hostile file repeating a 32 MiB tag in a thousand
// IFDs, say) cannot exhaust memory.
func blockBudget(res *Result, n int64) error {
	if n > res.Left(reader.BlockBytes) {
		return fmt.Errorf("%w: metadata blocks of this file exceed %d bytes in total", errLimit, maxTotalBlocks)
	}
	return nil
}

// readBlockBudget is readBlock with a blockBudget check for the n bytes
// once they are known to lie inside the file.
func readBlockBudget(res *Result, r io.ReaderAt, off, n, size int64) ([]byte, error) {
	if n >= 0 && off >= 0 && off <= size && n <= size-off && n <= maxBlockSize {
		if err := blockBudget(res, n); err != nil {
			return nil, err
		}
		if err := res.Hold(n); err != nil {
			return nil, err
		}
	}
	return readBlock(r, off, n, size)
}
