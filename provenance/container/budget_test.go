package container

import (
	"encoding/binary"
	"errors"
	"testing"
	"time"
)

// TestBlockBudgetTIFF: a thousand IFDs whose XMP tags all point at the same
// 2 MiB of the file would make 2 GiB of blocks; the walk stops at the budget.
func TestBlockBudgetTIFF(t *testing.T) {
	b := newTiffB(true, false)
	payload := int64(len(b.buf))
	b.buf = append(b.buf, make([]byte, 2<<20)...)
	next := int64(0)
	for i := 0; i < 1000; i++ {
		at := int64(len(b.buf))
		next = b.ifd([]tiffEntryT{{tag: tiffTagXMP, typ: 7, count: 2 << 20, val: b.bo.AppendUint32(nil, uint32(payload))}}, next)
		if next != at {
			t.Fatal("builder placed the IFD elsewhere")
		}
	}
	b.setFirst(next)
	res, err := mediaQuick(t, readTIFF, b.buf, 5*time.Second)
	if !errors.Is(err, errLimit) {
		t.Fatalf("err = %v, want errLimit", err)
	}
	var total int
	for _, bl := range res.Blocks {
		total += len(bl.Data)
	}
	if total > maxTotalBlocks || len(res.Blocks) < 10 {
		t.Errorf("%d blocks, %d bytes", len(res.Blocks), total)
	}
}

// TestBlockBudgetFont: many C2PA table records whose manifest stores all
// point at the same 8 MiB of the file.
func TestBlockBudgetFont(t *testing.T) {
	const n, storeLen = 64, 8 << 20
	headers := 12 + 16*n
	store := headers + 20*n
	b := append([]byte("\x00\x01\x00\x00"), byte(n>>8), byte(n), 0, 0, 0, 0, 0, 0)
	var hdrs []byte
	for i := 0; i < n; i++ {
		at := headers + 20*i
		b = append(b, "C2PA\x00\x00\x00\x00"...)
		b = binary.BigEndian.AppendUint32(b, uint32(at))
		b = binary.BigEndian.AppendUint32(b, uint32(store-at+storeLen))
		h := []byte{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}
		h = binary.BigEndian.AppendUint32(h, uint32(store-at))
		hdrs = binary.BigEndian.AppendUint32(append(hdrs, h...), storeLen)
	}
	b = append(append(b, hdrs...), make([]byte, storeLen)...)
	res, err := mediaQuick(t, readFont, b, 5*time.Second)
	if !errors.Is(err, errLimit) {
		t.Fatalf("err = %v, want errLimit (%d blocks)", err, len(res.Blocks))
	}
	var total int
	for _, bl := range res.Blocks {
		total += len(bl.Data)
	}
	if total > maxTotalBlocks || len(res.Blocks) < 10 {
		t.Errorf("%d blocks, %d bytes", len(res.Blocks), total)
	}
}
