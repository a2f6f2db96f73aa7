package c2pa

import (
	"bytes"
	"crypto"
	"encoding/binary"
	"fmt"
	"io"
	"sort"

	"github.com/provscan/provscan/provenance/internal/seg"
	"github.com/provscan/provscan/provenance/readerr"
)

// bmffBox is one box of an ISO BMFF file, named by its path of types.
type bmffBox struct {
	path        string // "/moov/trak", "/uuid"
	start, size int64
	vflags      []byte // the 4 bytes after the header (version and flags of a full box)
}

// maxBMFFBoxes caps the boxes listed for a BMFF hash.
const maxBMFFBoxes = 1 << 16

// bmffContainers are the box types whose payload is a sequence of boxes.
var bmffContainers = map[string]int64{ // type -> bytes to skip before the children
	"moov": 0, "trak": 0, "edts": 0, "mdia": 0, "minf": 0, "dinf": 0, "stbl": 0, "mvex": 0,
	"moof": 0, "traf": 0, "mfra": 0, "udta": 0, "iprp": 0, "ipco": 0, "sinf": 0, "schi": 0,
	"meta": 4, // a full box: version and flags, then children
}

// walkBMFF lists the boxes of r in [start, end), depth first.
func walkBMFF(r io.ReaderAt, start, end int64, prefix string, depth int, out *[]bmffBox) error {
	if depth > seg.MaxDepth {
		return fmt.Errorf("%w: BMFF nesting", readerr.ErrLimit)
	}
	it := seg.NewBoxes(r, start, end, nil)
	for it.Next() {
		if len(*out) >= maxBMFFBoxes {
			return fmt.Errorf("%w: BMFF boxes", readerr.ErrLimit)
		}
		bx := it.Box()
		pos, size, h := bx.Off, bx.End-bx.Off, bx.Start-bx.Off
		if bx.End > end {
			return fmt.Errorf("%w: box %q at %d has size %d", readerr.ErrMalformed, bx.Type, pos, size)
		}
		b := bmffBox{path: prefix + "/" + bx.Type, start: pos, size: size}
		if size >= h+4 {
			b.vflags = make([]byte, 4)
			if err := seg.ReadAt(r, b.vflags, bx.Start); err != nil {
				return err
			}
		}
		*out = append(*out, b)
		if skip, ok := bmffContainers[bx.Type]; ok && size > h+skip {
			// A box that is not laid out as expected is kept whole.
			var kids []bmffBox
			if walkBMFF(r, bx.Start+skip, bx.End, b.path, depth+1, &kids) == nil {
				*out = append(*out, kids...)
			}
		}
	}
	return it.Err()
}

// bmffHash checks a c2pa.hash.bmff, .v2 or .v3 assertion: the hash of the
// file minus the boxes its exclusions select; from v2 on, each top-level
// box that is not wholly excluded is preceded in the hash by its offset as
// a 64-bit big-endian integer (C2PA 2.x, "BMFF-based hash").
// Per-fragment Merkle trees are not checked.
func (v *validator) bmffHash(m *Manifest, a map[string]any, def, label string) {
	h, ok := hashAlg(str(a, "alg"), def)
	if !ok {
		m.status(CodeAlgorithmUnsupported)
		return
	}
	if _, remote := a["url"]; remote {
		m.errorf("%s: remote BMFF hash not checked", label)
		return
	}
	want, _ := a["hash"].([]byte)
	var boxes []bmffBox
	if err := walkBMFF(v.content, 0, v.size, "", 0, &boxes); err != nil {
		m.errorf("%s: %v", label, err)
		m.status(CodeAssertionBMFFHashMismatch)
		return
	}
	ex, err := bmffExclusions(v.content, boxes, asSlice(a["exclusions"]))
	if err != nil {
		m.errorf("%s: %v", label, err)
		m.status(CodeAssertionBMFFHashMalformed)
		return
	}
	var markers []int64
	if label != "c2pa.hash.bmff" {
		for _, b := range boxes {
			if bytes.Count([]byte(b.path), []byte("/")) != 1 {
				continue
			}
			whole := false
			for _, e := range ex {
				if e.whole && e.Start == b.start {
					whole = true
				}
			}
			if !whole {
				markers = append(markers, b.start)
			}
		}
	}
	got, err := hashWithMarkers(v.content, v.size, h, ex, markers)
	if err != nil {
		m.errorf("%s: %v", label, err)
		m.status(CodeAssertionBMFFHashMismatch)
		return
	}
	if bytes.Equal(got, want) {
		m.status(CodeAssertionBMFFHashMatch)
	} else {
		m.status(CodeAssertionBMFFHashMismatch)
	}
}

// bmffSpan is an excluded range; whole is true when it is a whole box.
type bmffSpan struct {
	span
	whole bool
}

// bmffExclusions resolves the exclusion maps of a BMFF hash to byte ranges.
func bmffExclusions(r io.ReaderAt, boxes []bmffBox, maps []any) ([]bmffSpan, error) {
	var out []bmffSpan
	for i, x := range maps {
		if i >= maxExclusions {
			return nil, fmt.Errorf("more than %d exclusions", maxExclusions)
		}
		e := asMap(x)
		xpath := str(e, "xpath")
		if e == nil || xpath == "" {
			return nil, fmt.Errorf("exclusion %d has no xpath", i)
		}
		for _, b := range boxes {
			if b.path != xpath {
				continue
			}
			if n, ok := asInt(e["length"]); ok && n != b.size {
				continue
			}
			if ver, ok := asInt(e["version"]); ok && b.vflags != nil && int64(b.vflags[0]) != ver {
				continue
			}
			if fl, ok := e["flags"].([]byte); ok && len(fl) >= 3 && b.vflags != nil {
				want := uint32(fl[0])<<16 | uint32(fl[1])<<8 | uint32(fl[2])
				have := uint32(b.vflags[1])<<16 | uint32(b.vflags[2])<<8 | uint32(b.vflags[3])
				exact := true
				if x, ok := e["exact"].(bool); ok {
					exact = x
				}
				if (exact && want != have) || (!exact && want|have != want) {
					continue
				}
			}
			if !dataMatches(r, b, asSlice(e["data"])) {
				continue
			}
			subsets := asSlice(e["subset"])
			if len(subsets) == 0 {
				out = append(out, bmffSpan{span{b.start, b.size}, true})
				continue
			}
			for _, s := range subsets {
				sm := asMap(s)
				off, ok1 := asInt(sm["offset"])
				n, ok2 := asInt(sm["length"])
				if !ok1 || !ok2 || off < 0 || n < 0 || off > b.size {
					continue
				}
				if n == 0 || n > b.size-off {
					n = b.size - off
				}
				out = append(out, bmffSpan{span{b.start + off, n}, false})
			}
		}
	}
	return out, nil
}

// dataMatches checks the data conditions of an exclusion against box b.
func dataMatches(r io.ReaderAt, b bmffBox, data []any) bool {
	for _, d := range data {
		dm := asMap(d)
		off, ok := asInt(dm["offset"])
		val, _ := dm["value"].([]byte)
		if !ok || off < 0 || int64(len(val)) > b.size || off > b.size-int64(len(val)) {
			return false
		}
		buf := make([]byte, len(val))
		if seg.ReadAt(r, buf, b.start+off) != nil || !bytes.Equal(buf, val) {
			return false
		}
	}
	return true
}

// hashWithMarkers hashes content[0:size) minus the excluded ranges, writing
// the 8-byte big-endian offset of each marker into the hash when the
// stream reaches it.
func hashWithMarkers(r io.ReaderAt, size int64, h crypto.Hash, ex []bmffSpan, markers []int64) ([]byte, error) {
	sort.Slice(ex, func(i, j int) bool { return ex[i].Start < ex[j].Start })
	sort.Slice(markers, func(i, j int) bool { return markers[i] < markers[j] })
	// Merge overlapping exclusions.
	var merged []span
	for _, e := range ex {
		if e.Start > size || e.Length > size-e.Start {
			return nil, fmt.Errorf("exclusion %d+%d beyond the content", e.Start, e.Length)
		}
		if n := len(merged); n > 0 && e.Start <= merged[n-1].Start+merged[n-1].Length {
			if end := e.Start + e.Length; end > merged[n-1].Start+merged[n-1].Length {
				merged[n-1].Length = end - merged[n-1].Start
			}
			continue
		}
		merged = append(merged, e.span)
	}
	d := h.New()
	buf := make([]byte, hashBufSize)
	var off [8]byte
	pos, mi := int64(0), 0
	feed := func(end int64) error {
		for pos < end {
			for mi < len(markers) && markers[mi] <= pos {
				if markers[mi] == pos {
					binary.BigEndian.PutUint64(off[:], uint64(pos))
					d.Write(off[:])
				}
				mi++
			}
			stop := end
			if mi < len(markers) && markers[mi] < stop {
				stop = markers[mi]
			}
			for pos < stop {
				n := min(int64(len(buf)), stop-pos)
				if err := seg.ReadAt(r, buf[:n], pos); err != nil {
					return err
				}
				d.Write(buf[:n])
				pos += n
			}
		}
		return nil
	}
	for _, e := range merged {
		if err := feed(e.Start); err != nil {
			return nil, err
		}
		// A marker at the start of an excluded range still counts.
		for mi < len(markers) && markers[mi] <= e.Start {
			if markers[mi] == e.Start {
				binary.BigEndian.PutUint64(off[:], uint64(e.Start))
				d.Write(off[:])
			}
			mi++
		}
		pos = e.Start + e.Length
	}
	if err := feed(size); err != nil {
		return nil, err
	}
	return d.Sum(nil), nil
}
