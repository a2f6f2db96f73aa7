package c2pa

import (
	"bytes"
	"crypto"
	"fmt"
	"hash"
	"io"
	"sort"
	"strings"

	"github.com/provscan/provscan/provenance/internal/seg"
)

// hashBufSize is the buffer through which content is streamed for hashing.
const hashBufSize = 256 << 10

// maxExclusions caps the exclusion ranges of a hash assertion.
const maxExclusions = 4096

// hardBinding checks the hard-binding assertion of the active manifest
// against the content.
func (v *validator) hardBinding(m *Manifest) {
	as := m.box.Child(LabelAssertionStore)
	if as == nil {
		return
	}
	def := str(m.claim, "alg")
	n := 0
	for _, ab := range as.Children {
		base := BaseLabel(ab.Label())
		switch base {
		case "c2pa.hash.data", "c2pa.hash.bmff", "c2pa.hash.bmff.v2", "c2pa.hash.bmff.v3", "c2pa.hash.boxes":
		default:
			continue
		}
		n++
		val, err := assertionData(ab)
		a := asMap(val)
		if err != nil || a == nil {
			m.errorf("%s: %v", ab.Label(), err)
			m.status(malformedCode(base))
			continue
		}
		switch {
		case base == "c2pa.hash.data":
			v.dataHash(m, a, def)
		case strings.HasPrefix(base, "c2pa.hash.bmff"):
			v.bmffHash(m, a, def, base)
		case base == "c2pa.hash.boxes":
			v.boxesHash(m, a, def)
		}
	}
	if n == 0 {
		m.status(CodeClaimHardBindingsMissing)
	}
}

func malformedCode(base string) string {
	switch {
	case strings.HasPrefix(base, "c2pa.hash.bmff"):
		return CodeAssertionBMFFHashMalformed
	case base == "c2pa.hash.boxes":
		return CodeAssertionBoxesHashMismatch
	}
	return CodeAssertionDataHashMalformed
}

// span is a byte range [Start, Start+Length) of the content.
type span struct{ Start, Length int64 }

// dataHash checks a c2pa.hash.data assertion: the hash of the whole
// content minus its exclusions.
func (v *validator) dataHash(m *Manifest, a map[string]any, def string) {
	h, ok := hashAlg(str(a, "alg"), def)
	if !ok {
		m.status(CodeAlgorithmUnsupported)
		return
	}
	want, _ := a["hash"].([]byte)
	var ex []span
	for i, x := range asSlice(a["exclusions"]) {
		if i >= maxExclusions {
			m.status(CodeAssertionDataHashMalformed)
			return
		}
		e := asMap(x)
		st, ok1 := asInt(e["start"])
		ln, ok2 := asInt(e["length"])
		if !ok1 || !ok2 || st < 0 || ln < 0 {
			m.status(CodeAssertionDataHashMalformed)
			return
		}
		ex = append(ex, span{st, ln})
	}
	if err := v.checkExclusions(ex); err != nil {
		m.errorf("data hash: %v", err)
		m.status(CodeAssertionDataHashMismatch)
		return
	}
	key := dataHashKey(h, ex)
	got, seen := v.files[key]
	var err error
	if !seen {
		if got, err = hashExcluding(v.content, v.size, h, ex, nil); err == nil {
			if v.files == nil {
				v.files = map[string][]byte{}
			}
			v.files[key] = got
		}
	}
	if err != nil {
		m.errorf("data hash: %v", err)
		m.status(CodeAssertionDataHashMismatch)
		return
	}
	if bytes.Equal(got, want) {
		m.status(CodeAssertionDataHashMatch)
	} else {
		m.status(CodeAssertionDataHashMismatch)
	}
}

// hashExcluding hashes content[0:size) minus the excluded spans. When
// marker is not nil it is called with the hasher at the start of each
// excluded span (BMFF v2 hashes the offset of excluded boxes).
func hashExcluding(r io.ReaderAt, size int64, h crypto.Hash, ex []span, marker func(hash.Hash, span)) ([]byte, error) {
	sort.Slice(ex, func(i, j int) bool { return ex[i].Start < ex[j].Start })
	for i, e := range ex {
		if e.Start > size || e.Length > size-e.Start {
			return nil, fmt.Errorf("exclusion %d..%d beyond the content (%d bytes)", e.Start, e.Start+e.Length, size)
		}
		if i > 0 && e.Start < ex[i-1].Start+ex[i-1].Length {
			return nil, fmt.Errorf("overlapping exclusions at %d", e.Start)
		}
	}
	d := h.New()
	buf := make([]byte, hashBufSize)
	pos := int64(0)
	feed := func(end int64) error {
		for pos < end {
			n := min(int64(len(buf)), end-pos)
			if err := seg.ReadAt(r, buf[:n], pos); err != nil {
				return err
			}
			d.Write(buf[:n])
			pos += n
		}
		return nil
	}
	for _, e := range ex {
		if err := feed(e.Start); err != nil {
			return nil, err
		}
		if marker != nil {
			marker(d, e)
		}
		pos = e.Start + e.Length
	}
	if err := feed(size); err != nil {
		return nil, err
	}
	return d.Sum(nil), nil
}

// checkExclusions refuses exclusions that hide more than the manifest
// store: an exclusion may only cover the bytes that carry the store (spec
// 2.x, "Data hash": the exclusions exist to leave out the manifest
// itself). In a JPEG every exclusion must lie inside APP11 segments; in
// other formats the exclusions may not exceed the store's size, allowing
// for base64 (SVG) and per-chunk framing.
func (v *validator) checkExclusions(ex []span) error {
	var total int64
	for _, e := range ex {
		total += e.Length
	}
	if ok, err := v.jpegExclusions(ex); ok || err != nil {
		return err
	}
	store := v.s.root.Size
	if limit := store + store/3 + 1024; total > limit {
		return fmt.Errorf("exclusions cover %d bytes, the manifest store has %d", total, store)
	}
	return nil
}

// jpegExclusions checks exclusions against the segments of a JPEG. ok is
// false when the content is not a JPEG.
func (v *validator) jpegExclusions(ex []span) (ok bool, err error) {
	head := make([]byte, 2)
	if seg.ReadAt(v.content, head, 0) != nil || head[0] != 0xFF || head[1] != 0xD8 {
		return false, nil
	}
	// The spans of the file that are not C2PA APP11 segments, up to SOS.
	// From SOS or EOI on, or from where the segments stop making sense,
	// the rest of the file is not the manifest store.
	type part struct {
		start, end int64
		c2pa       bool
	}
	segs := []part{{0, 2, false}}
	it := seg.NewJPEG(v.content, v.size)
	hdr := make([]byte, 2)
	for it.Next() {
		sg := it.Segment()
		if sg.Marker == seg.SOS || sg.Marker == seg.EOI { // image data or no JPEG follows
			segs = append(segs, part{sg.Off, v.size, false})
			break
		}
		c2pa := sg.Marker == seg.APP11 && sg.Len >= 6 && seg.ReadAt(v.content, hdr, sg.Payload()) == nil && hdr[0] == 'J' && hdr[1] == 'P'
		segs = append(segs, part{sg.Off, sg.End(), c2pa})
	}
	if it.Err() != nil {
		segs = append(segs, part{segs[len(segs)-1].end, v.size, false})
	}
	for _, e := range ex {
		for _, s := range segs {
			if !s.c2pa && e.Start < s.end && s.start < e.Start+e.Length {
				return true, fmt.Errorf("exclusion %d+%d covers JPEG data at %d..%d that is not the manifest store", e.Start, e.Length, s.start, s.end)
			}
		}
	}
	return true, nil
}
