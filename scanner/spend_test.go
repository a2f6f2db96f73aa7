package scanner

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/provscan/provscan/provenance/c2pa"
)

// TestSpend: in-memory hashing is charged to the file's read budget and
// stops at its deadline, as reads are.
func TestSpend(t *testing.T) {
	var sp c2pa.Spender = newBudgetReaderAt(bytes.NewReader(nil), 0, 10)
	if err := sp.Spend(6); err != nil {
		t.Fatal(err)
	}
	if err := sp.Spend(6); !errors.Is(err, errBudget) {
		t.Errorf("over the read budget: %v", err)
	}
	sp = newBudgetReaderAt(bytes.NewReader(nil), time.Nanosecond, -1)
	time.Sleep(time.Millisecond)
	if err := sp.Spend(1); !errors.Is(err, errBudget) {
		t.Errorf("past the deadline: %v", err)
	}
}
