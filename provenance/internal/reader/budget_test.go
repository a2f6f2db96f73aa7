package reader

import (
	"errors"
	"sync"
	"testing"

	"github.com/provscan/provscan/provenance/readerr"
)

type testPool struct {
	mu   sync.Mutex
	left int64
}

func (p *testPool) TryAcquire(n int64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n > p.left {
		return false
	}
	p.left -= n
	return true
}

func (p *testPool) Release(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.left += n
}

func TestBudgetReserve(t *testing.T) {
	b := NewBudget(Limits{Blocks: 2, Members: 3}, nil)
	if b.Limits().BlockBytes != MaxTotalBlocks || b.Limits().Inflate != DefaultLimits.Inflate {
		t.Errorf("defaults not filled in: %+v", b.Limits())
	}
	for i := range 2 {
		if err := b.Reserve(Blocks, 1); err != nil {
			t.Fatalf("block %d: %v", i, err)
		}
	}
	if err := b.Reserve(Blocks, 1); !errors.Is(err, readerr.ErrLimit) {
		t.Errorf("third block: %v", err)
	}
	// an item of the same file: fresh blocks, shared members
	it := b.Item()
	if err := it.Reserve(Blocks, 2); err != nil {
		t.Errorf("item blocks: %v", err)
	}
	if b.Reserve(Members, 2) != nil || it.Reserve(Members, 2) == nil || it.Left(Members) != 1 {
		t.Error("members are counted per file")
	}
}

func TestBudgetMemory(t *testing.T) {
	pool := &testPool{left: 100}
	b := NewBudget(Limits{}, pool)
	if err := b.Reserve(Memory, 60); err != nil {
		t.Fatal(err)
	}
	mark := b.Held()
	it := b.Item()
	if err := it.Reserve(Memory, 30); err != nil {
		t.Fatal(err)
	}
	if err := NewBudget(Limits{}, pool).Reserve(Memory, 20); !errors.Is(err, readerr.ErrLimit) {
		t.Errorf("another file over the pool: %v", err)
	}
	b.ReleaseTo(mark)
	if pool.left != 40 || b.Held() != 60 {
		t.Errorf("after the item: pool %d, held %d", pool.left, b.Held())
	}
	b.ReleaseTo(0)
	if pool.left != 100 {
		t.Errorf("after the file: pool %d", pool.left)
	}
	// a per-file memory cap without a pool
	c := NewBudget(Limits{Memory: 10}, nil)
	if c.Reserve(Memory, 10) != nil || c.Reserve(Memory, 1) == nil {
		t.Error("per-file memory cap")
	}
}

func TestResultHold(t *testing.T) {
	pool := &testPool{left: 1 << 20}
	r := &Result{Budget: NewBudget(Limits{}, pool)}
	if err := r.Hold(100 + DecodeCost(KindXMP, 100)); err != nil {
		t.Fatal(err)
	}
	if err := r.Add(Block{Kind: KindXMP, Data: make([]byte, 100)}); err != nil {
		t.Fatal(err)
	}
	if got := r.Budget.Held(); got != 400 {
		t.Errorf("held %d, want 400 (reserved once)", got)
	}
}
