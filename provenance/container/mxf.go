package container

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"sort"

	"github.com/provscan/provscan/provenance/internal/reader"
)

// MXF (SMPTE ST 377-1): a file is a sequence of KLV triplets (a 16-byte
// SMPTE universal label, a BER length, the value) grouped in partitions,
// each opened by a partition pack. The header partition (after an optional
// run-in of under 64 KiB) holds the header metadata: a primer pack mapping
// 2-byte local tags to universal labels, then local sets (Preface,
// Identification, packages, tracks, descriptors, descriptive metadata).
// Body partitions hold essence (and index tables), generic-stream
// partitions (ST 410) hold streams such as the PNG images of an IMF
// timed-text track file or a Dolby Vision XML document, and the footer
// partition may repeat the header metadata, closed and complete. The Random
// Index Pack at the end of the file lists every partition's offset.
//
// The reader reads the header partition's metadata, the RIP, the packs of
// the partitions it lists (or, without a RIP, the chain of PreviousPartition
// offsets back from the footer), the footer's metadata and the payloads of
// generic streams, and seeks past essence. From the metadata it keeps the
// strings that name the writing software (Identification sets, a tool
// field each), package names and the text of descriptive metadata sets, as
// text blocks. Generic-stream payloads and the first essence element of a
// body (a JPEG 2000 codestream, an OpenEXR frame, a TTML document) become
// members, read by their own format's reader.

const (
	mxfMaxRunIn      = sniffLen // bytes before the header partition pack searched (the run-in)
	mxfMaxPack       = 1 << 16  // bytes of a partition pack value
	mxfMaxSet        = 1 << 20  // bytes of one local set (or the primer pack) read
	mxfMaxPartitions = 1 << 16  // partitions followed per file
	mxfFrameTries    = 8        // body partitions searched for a first essence element
	mxfWalkSteps     = 4096     // KLVs walked to find the partitions of a file without RIP or footer offset
	mxfMaxStreamKLVs = 1024     // data elements of one generic stream reassembled
	mxfEssenceSteps  = 64       // KLVs walked in a body partition to its first essence element
	mxfSniffBytes    = 512      // bytes of a payload read to name its format
)

// mxfFormat is the format readMXF reports.
const mxfFormat = formatMXF

// The universal labels the reader knows, compared with mxfULEqual (the
// version byte, index 7, ignored).
var (
	mxfPartitionUL = []byte{0x06, 0x0e, 0x2b, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0d, 0x01, 0x02, 0x01, 0x01} // + kind, status, 0
	mxfPrimerUL    = []byte{0x06, 0x0e, 0x2b, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0d, 0x01, 0x02, 0x01, 0x01, 0x05, 0x01, 0x00}
	mxfRIPUL       = []byte{0x06, 0x0e, 0x2b, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0d, 0x01, 0x02, 0x01, 0x01, 0x11, 0x01, 0x00}
	mxfFillUL      = []byte{0x06, 0x0e, 0x2b, 0x34, 0x01, 0x01, 0x01, 0x01, 0x03, 0x01, 0x02, 0x10, 0x01, 0x00, 0x00, 0x00}
)

// Partition kinds (byte 13 of a partition pack key) and the status byte of a
// generic-stream partition (byte 14).
const (
	mxfHeader        = 0x02
	mxfBody          = 0x03
	mxfFooter        = 0x04
	mxfGenericStream = 0x11
)

// mxfULEqual reports whether a and b are the same label but for the
// version byte.
func mxfULEqual(a, b []byte) bool {
	return len(a) == 16 && len(b) == 16 && bytes.Equal(a[:7], b[:7]) && bytes.Equal(a[8:], b[8:])
}

// mxfIsPartition reports whether key is a partition pack key.
func mxfIsPartition(key []byte) bool {
	return len(key) == 16 && bytes.Equal(key[:7], mxfPartitionUL[:7]) && bytes.Equal(key[8:13], mxfPartitionUL[8:13]) &&
		key[13] >= mxfHeader && key[13] <= mxfFooter && (key[14] >= 1 && key[14] <= 4 || key[14] == mxfGenericStream) && key[15] == 0
}

// mxfIsEssence reports whether key is an essence element key (a
// registered or private element of a generic or system container).
func mxfIsEssence(key []byte) bool {
	return len(key) == 16 && bytes.Equal(key[:4], mxfPartitionUL[:4]) && key[4] == 0x01 && key[5] == 0x02 && key[6] == 0x01
}

// matchMXF reports whether head holds a header partition pack key, at the
// start or after a run-in.
func matchMXF(head []byte) bool { return mxfFindHeader(head) >= 0 }

// mxfFindHeader returns the offset of the header partition pack key in
// head, or -1.
func mxfFindHeader(head []byte) int {
	for i := 0; i+16 <= len(head) && i <= mxfMaxRunIn; i++ {
		j := bytes.Index(head[i:], mxfPartitionUL[:4])
		if j < 0 {
			return -1
		}
		i += j
		if i+16 <= len(head) && mxfIsPartition(head[i:i+16]) && head[i+13] == mxfHeader {
			return i
		}
	}
	return -1
}

// mxfKLV is one KLV triplet: its key, where its value starts and how long
// it is.
type mxfKLV struct {
	off  int64 // the key's offset
	key  [16]byte
	val  int64 // the value's offset
	size int64 // the value's length
}

func (k mxfKLV) end() int64 { return k.val + k.size }

// mxfPartition is one partition pack.
type mxfPartition struct {
	off         int64 // file offset of the pack's key
	kind        byte  // mxfHeader, mxfBody, mxfFooter
	status      byte  // 1..4, or mxfGenericStream
	this        uint64
	prev        uint64
	footer      uint64
	headerBytes uint64
	indexBytes  uint64
	bodySID     uint32
	packEnd     int64 // offset just past the pack
	next        int64 // offset of the next partition (or the end of the file)
}

// mxfReader reads one MXF file.
type mxfReader struct {
	r    io.ReaderAt
	size int64
	res  *Result
	base int64 // offset of the header partition pack: partition offsets count from it
	// the primer of the metadata being read: local tag to universal label
	primer map[uint16][16]byte
	// the generic streams, by stream ID and in the order first met
	streams     map[uint32]*mxfStream
	streamOrder []*mxfStream
}

// readMXF reads the header and footer metadata, the generic streams and
// the first essence element of an MXF file.
func readMXF(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: mxfFormat, Budget: b}
	head := make([]byte, min(size, mxfMaxRunIn+16))
	if err := readAt(r, head, 0); err != nil {
		return res, fmt.Errorf("MXF head: %w", err)
	}
	i := mxfFindHeader(head)
	if i < 0 {
		return res, fmt.Errorf("%w: no MXF header partition pack", ErrMalformed)
	}
	if i > 0 {
		res.Warn("MXF run-in of %d bytes before the header partition", i)
	}
	m := &mxfReader{r: r, size: size, res: res, base: int64(i)}
	hp, err := m.partition(int64(i))
	if err != nil {
		return res, fmt.Errorf("MXF header partition: %w", err)
	}
	if hp.this != 0 {
		res.Warn("MXF header partition pack says it is at offset %d, not 0", hp.this)
	}
	if hp.status == 1 || hp.status == 3 {
		res.Warn("MXF header partition is open (status %d): its metadata may not be final", hp.status)
	}
	if err := m.metadata(hp, "MXF header metadata"); err != nil {
		return res, err
	}
	err = m.partitionsAfter(hp)
	// the generic streams gathered before an error are members still
	if serr := m.streamMembers(); err == nil {
		err = serr
	}
	return res, err
}

// partitionsAfter reads the first essence element of the header partition
// or of a body partition, the footer's metadata and the generic streams.
func (m *mxfReader) partitionsAfter(hp mxfPartition) error {
	parts, err := m.partitions(hp)
	if err != nil {
		return err
	}
	frameDone := false
	if hp.bodySID != 0 {
		if frameDone, err = m.firstFrame(hp); err != nil {
			return err
		}
	}
	for _, p := range parts {
		switch {
		case p.kind == mxfFooter:
			if err := m.metadata(p, "MXF footer metadata"); err != nil {
				return err
			}
		case p.status == mxfGenericStream:
			if err := m.genericStream(p, p.next); err != nil {
				return err
			}
		case p.kind == mxfBody && p.bodySID != 0 && !frameDone:
			if frameDone, err = m.firstFrame(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// klv reads the key and BER length of the KLV at off, which must end by
// end.
func (m *mxfReader) klv(off, end int64) (mxfKLV, error) {
	var k mxfKLV
	k.off = off
	var buf [16 + 9]byte
	n := min(int64(len(buf)), end-off)
	if n < 17 {
		return k, fmt.Errorf("%w: KLV at offset %d: %d bytes left", errTruncated, off, max(n, 0))
	}
	if err := readAt(m.r, buf[:n], off); err != nil {
		return k, fmt.Errorf("KLV at offset %d: %w", off, err)
	}
	copy(k.key[:], buf[:16])
	if !bytes.Equal(buf[:4], mxfPartitionUL[:4]) {
		return k, fmt.Errorf("%w: no SMPTE label at offset %d", ErrMalformed, off)
	}
	l := int64(buf[16])
	k.val = off + 17
	if l >= 0x80 {
		c := l & 0x7f
		switch {
		case c == 0:
			return k, fmt.Errorf("%w: KLV at offset %d has an indefinite BER length", ErrMalformed, off)
		case c > 8:
			return k, fmt.Errorf("%w: KLV at offset %d has a BER length of %d bytes (at most 8)", ErrMalformed, off, c)
		case 17+c > n:
			return k, fmt.Errorf("%w: KLV at offset %d ends inside its length", errTruncated, off)
		}
		var v uint64
		for _, b := range buf[17 : 17+c] {
			v = v<<8 | uint64(b)
		}
		if v > 1<<62 {
			return k, fmt.Errorf("%w: KLV at offset %d has a length of %d bytes", ErrMalformed, off, v)
		}
		l = int64(v)
		k.val += c
	}
	k.size = l
	if l > end-k.val {
		return k, fmt.Errorf("%w: KLV at offset %d of %d bytes runs past its end (%d)", errTruncated, off, l, end)
	}
	return k, nil
}

// partition reads the partition pack at off.
func (m *mxfReader) partition(off int64) (mxfPartition, error) {
	p := mxfPartition{off: off}
	k, err := m.klv(off, m.size)
	if err != nil {
		return p, err
	}
	if !mxfIsPartition(k.key[:]) {
		return p, fmt.Errorf("%w: no partition pack at offset %d", ErrMalformed, off)
	}
	if k.size < 88 || k.size > mxfMaxPack {
		return p, fmt.Errorf("%w: partition pack at offset %d of %d bytes", ErrMalformed, off, k.size)
	}
	var v [64]byte
	if err := readAt(m.r, v[:], k.val); err != nil {
		return p, err
	}
	be := binary.BigEndian
	p.kind, p.status = k.key[13], k.key[14]
	p.this, p.prev, p.footer = be.Uint64(v[8:]), be.Uint64(v[16:]), be.Uint64(v[24:])
	p.headerBytes, p.indexBytes = be.Uint64(v[32:]), be.Uint64(v[40:])
	p.bodySID = be.Uint32(v[60:])
	p.packEnd = k.end()
	return p, nil
}

// skipFill returns the offset of the first KLV at or after off (before end)
// that is not a fill item.
func (m *mxfReader) skipFill(off, end int64) (int64, error) {
	for steps := 0; off < end; steps++ {
		if steps >= maxSteps {
			return off, fmt.Errorf("%w: more than %d MXF fill items", errLimit, maxSteps)
		}
		k, err := m.klv(off, end)
		if err != nil {
			return off, err
		}
		if !mxfULEqual(k.key[:], mxfFillUL) {
			return off, nil
		}
		off = k.end()
	}
	return off, nil
}

// partitions lists the partitions after the header one that the reader
// reads on from, in file order: the footer, the generic streams and the
// first few body partitions with essence. It reads the pack of every
// partition the Random Index Pack lists, or without one every pack of the
// chain of PreviousPartition offsets back from the footer.
func (m *mxfReader) partitions(hp mxfPartition) ([]mxfPartition, error) {
	offs, err := m.rip()
	if err != nil {
		return nil, err
	}
	var all []mxfPartition
	if offs == nil {
		all, err = m.chain(hp)
	} else {
		all, err = m.listed(hp, offs)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].off < all[j].off })
	var out []mxfPartition
	bodies := 0
	for i, p := range all {
		p.next = m.size
		if i+1 < len(all) {
			p.next = all[i+1].off
		}
		switch {
		case p.kind == mxfFooter, p.status == mxfGenericStream:
		case p.kind == mxfBody && p.bodySID != 0 && bodies < mxfFrameTries:
			bodies++
		default:
			continue
		}
		out = append(out, p)
	}
	return out, err
}

// listed reads the partition packs at the offsets the RIP lists.
func (m *mxfReader) listed(hp mxfPartition, offs []int64) ([]mxfPartition, error) {
	var out []mxfPartition
	seen := map[int64]bool{}
	dups := 0
	for _, o := range offs {
		if m.base+o == hp.off { // the header partition itself
			continue
		}
		if o < 0 || o >= m.size-m.base {
			return out, fmt.Errorf("%w: MXF random index pack lists a partition at offset %d, past the end of the file", ErrMalformed, o)
		}
		off := m.base + o
		if seen[off] {
			dups++
			continue
		}
		seen[off] = true
		p, err := m.partition(off)
		if err != nil {
			return out, fmt.Errorf("MXF random index pack entry at offset %d: %w", o, err)
		}
		if p.this != uint64(o) {
			m.res.Warn("MXF partition pack at offset %d says it is at offset %d", o, p.this)
		}
		out = append(out, p)
	}
	if dups > 0 {
		m.res.Warn("MXF random index pack lists %d partitions more than once", dups)
	}
	return out, nil
}

// rip reads the offsets of the Random Index Pack at the end of the file
// (nil when there is none).
func (m *mxfReader) rip() ([]int64, error) {
	if m.size-m.base < 4+16+1+4 {
		return nil, nil
	}
	var l [4]byte
	if err := readAt(m.r, l[:], m.size-4); err != nil {
		return nil, err
	}
	n := int64(binary.BigEndian.Uint32(l[:]))
	if n < 16+1+4 || n > m.size-m.base {
		m.res.Warn("MXF file has no random index pack")
		return nil, nil
	}
	k, err := m.klv(m.size-n, m.size)
	if err != nil || !mxfULEqual(k.key[:], mxfRIPUL) {
		m.res.Warn("MXF file has no random index pack")
		return nil, nil
	}
	if k.end() != m.size || (k.size-4)%12 != 0 {
		return nil, fmt.Errorf("%w: MXF random index pack of %d bytes at offset %d", ErrMalformed, k.size, k.off)
	}
	count := (k.size - 4) / 12
	if count > mxfMaxPartitions {
		m.res.Cut("MXF random index pack lists %d partitions: the first %d read", count, mxfMaxPartitions)
		count = mxfMaxPartitions
	}
	if err := m.res.Reserve(reader.Payload, count*12); err != nil {
		return nil, err
	}
	buf := make([]byte, count*12)
	if err := readAt(m.r, buf, k.val); err != nil {
		return nil, err
	}
	offs := make([]int64, 0, count)
	for i := int64(0); i < count; i++ {
		o := binary.BigEndian.Uint64(buf[i*12+4:])
		if o > 1<<62 {
			return nil, fmt.Errorf("%w: MXF random index pack entry %d at offset %d", ErrMalformed, i, o)
		}
		offs = append(offs, int64(o))
	}
	return offs, nil
}

// walk lists the partitions of a file with neither a RIP nor a footer
// offset (an open header partition) by walking its KLVs from the header
// partition on, up to mxfWalkSteps of them: enough for clip-wrapped
// essence; a cut for more.
func (m *mxfReader) walk(hp mxfPartition) ([]mxfPartition, error) {
	var out []mxfPartition
	for off, steps := hp.packEnd, 0; off < m.size; steps++ {
		if steps >= mxfWalkSteps || len(out) >= mxfMaxPartitions {
			m.res.Cut("MXF file with no random index pack and no footer offset: partitions after offset %d not looked for (%d KLVs walked)", off-m.base, steps)
			break
		}
		k, err := m.klv(off, m.size)
		if err != nil {
			return out, fmt.Errorf("MXF file with no random index pack: %w", err)
		}
		if mxfIsPartition(k.key[:]) {
			p, err := m.partition(off)
			if err != nil {
				return out, err
			}
			out = append(out, p)
		}
		off = k.end()
	}
	return out, nil
}

// chain lists the partitions from the footer the header partition names,
// back through each pack's PreviousPartition.
func (m *mxfReader) chain(hp mxfPartition) ([]mxfPartition, error) {
	if hp.footer == 0 {
		return m.walk(hp)
	}
	var out []mxfPartition
	seen := map[uint64]bool{0: true}
	for o := hp.footer; !seen[o]; {
		if len(out) >= mxfMaxPartitions {
			m.res.Cut("MXF partitions before the last %d not read", mxfMaxPartitions)
			break
		}
		if o >= uint64(m.size-m.base) {
			return out, fmt.Errorf("%w: MXF partition offset %d past the end of the file", ErrMalformed, o)
		}
		seen[o] = true
		p, err := m.partition(m.base + int64(o))
		if err != nil {
			return out, fmt.Errorf("MXF partition at offset %d: %w", o, err)
		}
		out = append(out, p)
		if p.prev >= o && p.prev != 0 {
			return out, fmt.Errorf("%w: MXF partition at offset %d says the previous one is at %d", ErrMalformed, o, p.prev)
		}
		o = p.prev
	}
	return out, nil
}
