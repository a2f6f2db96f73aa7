package objstore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"gocloud.dev/blob/memblob"
	"gocloud.dev/gcerrors"
)

// memObject writes data to a memblob bucket under key and opens it through
// a Source with prefix "root/".
func memObject(t testing.TB, data []byte) (*Source, *Object) {
	t.Helper()
	ctx := context.Background()
	b := memblob.OpenBucket(nil)
	t.Cleanup(func() { _ = b.Close() })
	if err := b.WriteAll(ctx, "root/f.bin", data, nil); err != nil {
		t.Fatal(err)
	}
	a, err := b.Attributes(ctx, "root/f.bin")
	if err != nil {
		t.Fatal(err)
	}
	s := NewSource(b, "root/", "mem://test/root")
	o := s.Open(ctx, "f.bin", a.Size, a.ModTime)
	t.Cleanup(func() { _ = o.Close() })
	return s, o
}

// checkRead compares one ReadAt of o with the same read of a bytes.Reader.
func checkRead(t *testing.T, o *Object, ref *bytes.Reader, off int64, n int) {
	t.Helper()
	got := make([]byte, n)
	exp := make([]byte, n)
	gn, gerr := o.ReadAt(got, off)
	en, eerr := ref.ReadAt(exp, off)
	if gn != en || gerr != eerr || !bytes.Equal(got[:gn], exp[:en]) {
		t.Fatalf("ReadAt(%d bytes at %d) = %d, %v; want %d, %v (or bytes differ)", n, off, gn, gerr, en, eerr)
	}
}

func TestReadAtMatchesBytesReader(t *testing.T) {
	for _, size := range []int{0, 1, blockSize - 1, blockSize, blockSize + 1, 3*blockSize + 17, 1<<20 + 12345} {
		rng := rand.New(rand.NewPCG(uint64(size), 1))
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		_, o := memObject(t, data)
		ref := bytes.NewReader(data)
		if o.Size() != int64(size) {
			t.Fatalf("Size() = %d, want %d", o.Size(), size)
		}
		// Edges first.
		for _, off := range []int64{0, int64(size) - 1, int64(size), int64(size) + 1, blockSize - 1, blockSize} {
			if off < 0 {
				continue
			}
			for _, n := range []int{0, 1, 2, blockSize, blockSize + 1, 2 * blockSize} {
				checkRead(t, o, ref, off, n)
			}
		}
		// Then random reads, many across blocks and past the end.
		for range 2000 {
			off := rng.Int64N(int64(size) + 100)
			var n int
			switch rng.IntN(4) {
			case 0:
				n = rng.IntN(16)
			case 1:
				n = rng.IntN(blockSize)
			case 2:
				n = rng.IntN(4 * blockSize)
			default:
				n = rng.IntN(20 * blockSize) // more than the cache holds
			}
			checkRead(t, o, ref, off, n)
		}
		// And a sequential pass in odd-sized reads.
		for off := int64(0); off < int64(size)+10; off += 40000 {
			checkRead(t, o, ref, off, 40000)
		}
		if len(o.blocks) > maxBlocks {
			t.Fatalf("%d blocks cached, more than %d", len(o.blocks), maxBlocks)
		}
	}
}

func TestReadAtEndMakesNoRequest(t *testing.T) {
	sb, b := newSynth(t)
	sb.put("k", &synthObj{size: 1000, gen: pattern(1)})
	sb.put("empty", &synthObj{size: 0, gen: pattern(1)})
	s := NewSource(b, "", "mem://x")
	o := s.Open(context.Background(), "k", 1000, time.Time{})
	p := make([]byte, 10)
	if n, err := o.ReadAt(p, 1000); n != 0 || err != io.EOF {
		t.Fatalf("ReadAt at size = %d, %v", n, err)
	}
	if n, err := o.ReadAt(p, 5000); n != 0 || err != io.EOF {
		t.Fatalf("ReadAt past size = %d, %v", n, err)
	}
	if _, err := o.ReadAt(p, -1); err == nil {
		t.Fatal("ReadAt at -1: no error")
	}
	e := s.Open(context.Background(), "empty", 0, time.Time{})
	if n, err := e.ReadAt(p, 0); n != 0 || err != io.EOF {
		t.Fatalf("ReadAt of an empty object = %d, %v", n, err)
	}
	if o.Requests() != 0 || e.Requests() != 0 || len(sb.requests()) != 0 {
		t.Fatalf("requests made: %d %d %v", o.Requests(), e.Requests(), sb.requests())
	}
	// A read straddling the end: the bytes there and io.EOF, one request.
	n, err := o.ReadAt(p, 995)
	if n != 5 || err != io.EOF || !bytes.Equal(p[:5], want(pattern(1), 995, 5)) {
		t.Fatalf("straddling read = %d, %v", n, err)
	}
	if got := sb.requests(); len(got) != 1 || got[0] != (span{0, 1000}) {
		t.Fatalf("requests %v, want one of [0, 1000)", got)
	}
}

// assertCounts checks the Object's counters against the driver's record.
func assertCounts(t *testing.T, sb *synthBucket, o *Object, maxReq int, maxBytes int64) {
	t.Helper()
	gets := sb.requests()
	if int64(len(gets)) != o.Requests() {
		t.Fatalf("Requests() = %d, driver saw %d", o.Requests(), len(gets))
	}
	if len(gets) > maxReq || o.Transferred() > maxBytes {
		t.Fatalf("%d requests, %d bytes; want at most %d, %d (requests %v)", len(gets), o.Transferred(), maxReq, maxBytes, gets)
	}
	t.Logf("%d requests, %d bytes transferred: %v", len(gets), o.Transferred(), gets)
}

// readCheck reads n bytes at off and compares them with gen.
func readCheck(t *testing.T, o *Object, gen func(int64, []byte), off int64, n int) {
	t.Helper()
	p := make([]byte, n)
	got, err := o.ReadAt(p, off)
	if err != nil && !(err == io.EOF && off+int64(n) >= o.Size()) {
		t.Fatalf("ReadAt(%d at %d): %v", n, off, err)
	}
	if !bytes.Equal(p[:got], want(gen, off, got)) {
		t.Fatalf("ReadAt(%d at %d): wrong bytes", n, off)
	}
}

func TestStillHeadOneRequest(t *testing.T) {
	sb, b := newSynth(t)
	gen := pattern(2)
	const size = 3_000_000
	sb.put("still.jpg", &synthObj{size: size, gen: gen})
	o := NewSource(b, "", "mem://x").Open(context.Background(), "still.jpg", size, time.Time{})
	// The scanner's head read, then the reader's segment walk inside it.
	readCheck(t, o, gen, 0, 64<<10)
	for _, off := range []int64{2, 20, 4000, 30000, 65000} {
		readCheck(t, o, gen, off, 4)
		readCheck(t, o, gen, off, 500)
	}
	assertCounts(t, sb, o, 1, 64<<10)
}

func TestStillTextAtEndTwoRequests(t *testing.T) {
	sb, b := newSynth(t)
	gen := pattern(3)
	const size = 3_000_000
	sb.put("still.png", &synthObj{size: size, gen: gen})
	o := NewSource(b, "", "mem://x").Open(context.Background(), "still.png", size, time.Time{})
	readCheck(t, o, gen, 0, 64<<10)
	// A text chunk at the end: its header, its body, the IEND chunk.
	const text = size - 12 - 2000 - 12
	readCheck(t, o, gen, text, 8)
	readCheck(t, o, gen, text+8, 2000+4)
	readCheck(t, o, gen, size-12, 12)
	assertCounts(t, sb, o, 2, 128<<10)
	if o.Transferred() >= 256<<10 {
		t.Fatal("over 256 KiB")
	}
}

func TestMasterMoovAtEnd(t *testing.T) {
	sb, b := newSynth(t)
	const (
		mdatOff  = 32
		mdatSize = 4<<30 + 16
		moovOff  = mdatOff + mdatSize
		moovSize = 300 << 10
		size     = moovOff + moovSize
	)
	gen := pattern(4)
	sb.put("master.mp4", &synthObj{size: size, mod: time.Unix(1_700_000_000, 0), gen: gen})
	o := NewSource(b, "", "mem://x").Open(context.Background(), "master.mp4", size, time.Unix(1_700_000_000, 500_000_000))
	// Head, then top-level box headers: ftyp, mdat (64-bit size), moov.
	readCheck(t, o, gen, 0, 64<<10)
	readCheck(t, o, gen, 0, 8)
	readCheck(t, o, gen, mdatOff, 16)
	readCheck(t, o, gen, moovOff, 8)
	// The moov's children walked in order: headers and small boxes, then
	// sample tables read in pieces.
	off := int64(moovOff + 8)
	for off < size {
		n := int64(8)
		readCheck(t, o, gen, off, int(n))
		body := min(int64(1+(off*7919)%40000), size-off-n)
		readCheck(t, o, gen, off+n, int(body))
		off += n + body
	}
	assertCounts(t, sb, o, 7, 1<<20-1)
}

func TestMasterMoovReadWhole(t *testing.T) {
	sb, b := newSynth(t)
	const (
		moovOff  = 4<<30 + 48
		moovSize = 300 << 10
		size     = moovOff + moovSize
	)
	gen := pattern(5)
	sb.put("master.mov", &synthObj{size: size, gen: gen})
	o := NewSource(b, "", "mem://x").Open(context.Background(), "master.mov", size, time.Time{})
	readCheck(t, o, gen, 0, 64<<10)
	readCheck(t, o, gen, moovOff, 8)
	readCheck(t, o, gen, moovOff, moovSize) // the whole box at once
	readCheck(t, o, gen, moovOff+1000, 100) // revisited: cached
	assertCounts(t, sb, o, 3, 1<<20-1)
}

func TestSequentialWholeObject(t *testing.T) {
	sb, b := newSynth(t)
	const size = 64 << 20
	gen := pattern(6)
	sb.put("big", &synthObj{size: size, gen: gen})
	o := NewSource(b, "", "mem://x").Open(context.Background(), "big", size, time.Time{})
	p := make([]byte, 32<<10)
	exp := make([]byte, 32<<10)
	maxResident := 0
	for off := int64(0); off < size; off += int64(len(p)) {
		n, err := o.ReadAt(p, off)
		if err != nil && err != io.EOF {
			t.Fatal(err)
		}
		gen(off, exp[:n])
		if !bytes.Equal(p[:n], exp[:n]) {
			t.Fatalf("wrong bytes at %d", off)
		}
		maxResident = max(maxResident, len(o.blocks))
	}
	// 1+2+...+64 blocks (about 8 MiB) then 8 MiB requests: 8 + 7.
	assertCounts(t, sb, o, size/maxWindow+8, size)
	if o.Transferred() != size {
		t.Fatalf("transferred %d, want exactly %d", o.Transferred(), size)
	}
	if maxResident > maxBlocks {
		t.Fatalf("%d blocks resident", maxResident)
	}
	for _, g := range sb.requests() {
		if g.length > maxWindow {
			t.Fatalf("request of %d bytes", g.length)
		}
	}
}

func TestSequentialAfterHead(t *testing.T) {
	// The scanner reads the head, then hashes the file from the start: the
	// window doubles from the head's request on.
	sb, b := newSynth(t)
	const size = 20<<20 + 5
	gen := pattern(7)
	sb.put("f", &synthObj{size: size, gen: gen})
	o := NewSource(b, "", "mem://x").Open(context.Background(), "f", size, time.Time{})
	readCheck(t, o, gen, 0, 64<<10)
	for off := int64(0); off < size; off += 64 << 10 {
		readCheck(t, o, gen, off, 64<<10)
	}
	assertCounts(t, sb, o, 10, size)
}

func TestChangedObject(t *testing.T) {
	mod := time.Unix(1_700_000_000, 0)
	for _, tc := range []struct {
		name   string
		listed time.Time
		change func(sb *synthBucket)
		want   error
	}{
		{"replaced, same size", mod, func(sb *synthBucket) {
			sb.put("k", &synthObj{size: 1 << 20, mod: mod.Add(time.Millisecond), gen: pattern(9)})
		}, ErrChanged},
		{"replaced, other size", mod, func(sb *synthBucket) {
			sb.put("k", &synthObj{size: 1<<20 + 1, mod: mod, gen: pattern(9)})
		}, ErrChanged},
		{"replaced, listed time unknown", time.Time{}, func(sb *synthBucket) {
			sb.put("k", &synthObj{size: 1 << 20, mod: mod.Add(time.Hour), gen: pattern(9)})
		}, ErrChanged},
		{"deleted", mod, func(sb *synthBucket) { sb.put("k", nil) }, ErrVanished},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sb, b := newSynth(t)
			sb.put("k", &synthObj{size: 1 << 20, mod: mod, gen: pattern(8)})
			o := NewSource(b, "", "mem://x").Open(context.Background(), "k", 1<<20, tc.listed)
			readCheck(t, o, pattern(8), 0, 100)
			tc.change(sb)
			_, err := o.ReadAt(make([]byte, 100), 1<<19)
			if !errors.Is(err, tc.want) {
				t.Fatalf("after the change: %v, want %v", err, tc.want)
			}
			if tc.want == ErrVanished && gcerrors.Code(err) != gcerrors.NotFound {
				t.Fatalf("gcerrors.Code = %v", gcerrors.Code(err))
			}
			t.Log(err)
		})
	}
	// Listed differently from the first response: changed between the
	// listing and the first read.
	sb, b := newSynth(t)
	sb.put("k", &synthObj{size: 100, mod: mod.Add(5 * time.Second), gen: pattern(8)})
	o := NewSource(b, "", "mem://x").Open(context.Background(), "k", 100, mod)
	if _, err := o.ReadAt(make([]byte, 10), 0); !errors.Is(err, ErrChanged) {
		t.Fatalf("listed time differs: %v", err)
	}
	// Listed within the second (a listing's milliseconds against a
	// header's seconds): not a change.
	o = NewSource(b, "", "mem://x").Open(context.Background(), "k", 100, mod.Add(5*time.Second+300*time.Millisecond))
	if _, err := o.ReadAt(make([]byte, 10), 0); err != nil {
		t.Fatalf("listed time within the second: %v", err)
	}
}

func TestChangedObjectMemblob(t *testing.T) {
	ctx := context.Background()
	data := bytes.Repeat([]byte("a"), 300<<10)
	s, o := memObject(t, data)
	if _, err := o.ReadAt(make([]byte, 10), 0); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Millisecond)
	if err := s.Bucket.WriteAll(ctx, "root/f.bin", bytes.Repeat([]byte("b"), 300<<10), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := o.ReadAt(make([]byte, 10), 200<<10); !errors.Is(err, ErrChanged) {
		t.Fatalf("memblob object replaced: %v", err)
	}
}

func TestContextCancel(t *testing.T) {
	sb, b := newSynth(t)
	sb.put("k", &synthObj{size: 1 << 20, gen: pattern(1)})
	ctx, cancel := context.WithCancel(context.Background())
	o := NewSource(b, "", "mem://x").Open(ctx, "k", 1<<20, time.Time{})
	readCheck(t, o, pattern(1), 0, 10)
	cancel()
	if _, err := o.ReadAt(make([]byte, 10), 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("cached read after cancel: %v", err)
	}
	if _, err := o.ReadAt(make([]byte, 10), 1<<19); !errors.Is(err, context.Canceled) {
		t.Fatalf("read after cancel: %v", err)
	}
	if o.Requests() != 1 {
		t.Fatalf("%d requests", o.Requests())
	}
}

func TestClose(t *testing.T) {
	_, o := memObject(t, []byte("hello"))
	if _, err := o.ReadAt(make([]byte, 2), 0); err != nil {
		t.Fatal(err)
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := o.ReadAt(make([]byte, 2), 0); err == nil {
		t.Fatal("read after Close: no error")
	}
}

func TestConcurrentReadAt(t *testing.T) {
	data := make([]byte, 2<<20)
	for i := range data {
		data[i] = byte(i * 31)
	}
	_, o := memObject(t, data)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 2))
			p := make([]byte, 100<<10)
			for range 300 {
				off := rng.Int64N(int64(len(data)))
				n := rng.IntN(len(p))
				got, err := o.ReadAt(p[:n], off)
				if err != nil && err != io.EOF {
					t.Error(err)
					return
				}
				if !bytes.Equal(p[:got], data[off:off+int64(got)]) {
					t.Errorf("wrong bytes at %d", off)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestStreamReadThrough(t *testing.T) {
	sb, b := newSynth(t)
	const size = 40 * blockSize
	gen := pattern(11)
	sb.put("k", &synthObj{size: size, gen: gen})
	o := NewSource(b, "", "mem://x").Open(context.Background(), "k", size, time.Time{})
	for _, blk := range []int64{5, 0, 1, 2, 3, 6, 5, 4} {
		readCheck(t, o, gen, blk*blockSize+100, 1000)
	}
	// [5,6) random, [0,1) random, [1,17) the first sequential window, 2 and
	// 3 from its body, then 4, 5 (cached already, refilled) and 6 read
	// through it; 5 and 4 cached.
	assertCounts(t, sb, o, 3, 8*blockSize)
	if got := sb.requests(); !slices.Equal(got, []span{{5 * blockSize, blockSize}, {0, blockSize}, {blockSize, seqWindowBlocks * blockSize}}) {
		t.Fatalf("requests %v", got)
	}
	seen := map[int64]bool{}
	for _, bl := range o.blocks {
		if bl.idx >= 0 && seen[bl.idx] {
			t.Fatalf("block %d cached twice", bl.idx)
		}
		seen[bl.idx] = true
	}
}

func TestShortBody(t *testing.T) {
	sb, b := newSynth(t)
	sb.put("k", &synthObj{size: 1 << 20, gen: pattern(1), cut: 1000})
	o := NewSource(b, "", "mem://x").Open(context.Background(), "k", 1<<20, time.Time{})
	n, err := o.ReadAt(make([]byte, 5000), 0)
	if n != 0 || !errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, ErrChanged) {
		t.Fatalf("short body: %d, %v", n, err)
	}
	// Asked for again twice, cut each time.
	if o.Transferred() != 3000 || o.Requests() != 1+maxRetries {
		t.Fatalf("transferred %d in %d requests", o.Transferred(), o.Requests())
	}
	t.Log(err)

	// A body broken once, mid-way through a sequential read: asked for
	// again from the block being read, and the read succeeds.
	sb.put("k2", &synthObj{size: 1 << 20, gen: pattern(2), cut: 5*blockSize + 10, once: true})
	o = NewSource(b, "", "mem://x").Open(context.Background(), "k2", 1<<20, time.Time{})
	for off := int64(0); off < 1<<20; off += 32 << 10 {
		readCheck(t, o, pattern(2), off, 32<<10)
	}
	t.Logf("requests %v", sb.requests()[1+maxRetries:])
	if o.Requests() != 3 || o.Transferred() != 1<<20+10 {
		t.Fatalf("%d requests, %d bytes", o.Requests(), o.Transferred())
	}
}
