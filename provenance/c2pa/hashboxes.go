package c2pa

import (
	"bytes"
	"fmt"
	"io"

	"github.com/provscan/provscan/provenance/internal/seg"
)

// boxName is the name the general boxes hash gives the C2PA manifest store.
const boxNameC2PA = "C2PA"

// namedBox is one entry of a file's box map: a named, contiguous range.
type namedBox struct {
	name       string
	start, end int64
}

// boxesHash checks a c2pa.hash.boxes assertion (C2PA 2.x, "General
// boxes hash"): each entry names consecutive boxes of the file, in order,
// and hashes their bytes; the C2PA box itself is not hashed. Box maps are
// known for JPEG (segments named by marker: SOI, APP0..APP15, DQT, DHT,
// SOF0.., SOS with its entropy-coded data, EOI; the APP11 JUMBF run is C2PA).
func (v *validator) boxesHash(m *Manifest, a map[string]any, def string) {
	boxes, err := jpegBoxMap(v.content, v.size)
	if err != nil {
		m.errorf("c2pa.hash.boxes: %v", err)
		m.status(CodeAssertionBoxesHashMismatch)
		return
	}
	if boxes == nil {
		// Not a pass: a hard binding that cannot be checked leaves the
		// file not fully inspected (fail closed), not silently valid.
		m.errorf("c2pa.hash.boxes: no box map for this format, not checked")
		m.cut("c2pa.hash.boxes: no box map for this format: the hard binding was not checked")
		return
	}
	i := 0
	for _, x := range asSlice(a["boxes"]) {
		e := asMap(x)
		names := asSlice(e["names"])
		if len(names) == 0 {
			m.status(CodeAssertionBoxesHashMismatch)
			return
		}
		first, last, skip := -1, -1, false
		for _, n := range names {
			name, _ := n.(string)
			if i >= len(boxes) || boxes[i].name != name {
				m.errorf("c2pa.hash.boxes: expected box %q at entry %d", name, i)
				m.status(CodeAssertionBoxesHashUnknown)
				return
			}
			if name == boxNameC2PA {
				skip = true
			}
			if first < 0 {
				first = i
			}
			last = i
			i++
		}
		if skip {
			continue
		}
		top := str(a, "alg")
		if top == "" {
			top = def
		}
		h, ok := hashAlg(str(e, "alg"), top)
		if !ok {
			m.status(CodeAlgorithmUnsupported)
			return
		}
		want, _ := e["hash"].([]byte)
		got, err := hashExcluding(io.NewSectionReader(v.content, boxes[first].start, boxes[last].end-boxes[first].start),
			boxes[last].end-boxes[first].start, h, nil, nil)
		if err != nil || !bytes.Equal(got, want) {
			m.status(CodeAssertionBoxesHashMismatch)
			return
		}
	}
	if i != len(boxes) {
		m.errorf("c2pa.hash.boxes: %d boxes of the file are not covered", len(boxes)-i)
		m.status(CodeAssertionBoxesHashMismatch)
		return
	}
	m.status(CodeAssertionBoxesHashMatch)
}

// jpegMarkerName names a JPEG marker as the boxes hash does.
func jpegMarkerName(mk byte) string {
	switch {
	case mk == 0xD8:
		return "SOI"
	case mk == 0xD9:
		return "EOI"
	case mk >= 0xE0 && mk <= 0xEF:
		return fmt.Sprintf("APP%d", mk-0xE0)
	case mk == 0xDB:
		return "DQT"
	case mk == 0xC4:
		return "DHT"
	case mk == 0xCC:
		return "DAC"
	case mk >= 0xC0 && mk <= 0xCF:
		return fmt.Sprintf("SOF%d", mk-0xC0)
	case mk == 0xDA:
		return "SOS"
	case mk == 0xDD:
		return "DRI"
	case mk == 0xFE:
		return "COM"
	case mk == 0xDC:
		return "DNL"
	case mk == 0xDE:
		return "DHP"
	case mk == 0xDF:
		return "EXP"
	}
	return fmt.Sprintf("FF%02X", mk)
}

// jpegBoxMap returns the box map of a JPEG, or nil when r is not a JPEG.
// Scan data after an SOS belongs to the SOS box; the walk goes on after it
// (a progressive JPEG has several scans) up to EOI.
func jpegBoxMap(r io.ReaderAt, size int64) ([]namedBox, error) {
	hdr := make([]byte, 2)
	if size < 4 || seg.ReadAt(r, hdr, 0) != nil || hdr[0] != 0xFF || hdr[1] != seg.SOI {
		return nil, nil
	}
	out := []namedBox{{"SOI", 0, 2}}
	for it := seg.NewJPEG(r, size); ; {
		if !it.Next() {
			return out, it.Err()
		}
		sg := it.Segment()
		mk, pos, end := sg.Marker, sg.Off, sg.End()
		if seg.Standalone(mk) {
			out = append(out, namedBox{jpegMarkerName(mk), pos, end})
			if mk == seg.EOI {
				return out, nil
			}
			continue
		}
		name := jpegMarkerName(mk)
		if mk == seg.APP11 && end-pos >= 6 && seg.ReadAt(r, hdr, sg.Payload()) == nil && hdr[0] == 'J' && hdr[1] == 'P' {
			name = boxNameC2PA
			if n := len(out); n > 0 && out[n-1].name == boxNameC2PA && out[n-1].end == pos {
				out[n-1].end = end // one C2PA box for the whole run of segments
				continue
			}
		}
		if mk == seg.SOS {
			e, err := entropyEnd(r, end, size)
			if err != nil {
				return out, err
			}
			end = e
			it.SkipTo(end)
		}
		out = append(out, namedBox{name, pos, end})
	}
}

// entropyEnd finds the end of entropy-coded data starting at pos: the next
// marker that is not a stuffed zero or a restart marker.
func entropyEnd(r io.ReaderAt, pos, size int64) (int64, error) {
	buf := make([]byte, 64<<10)
	for pos < size {
		n := min(int64(len(buf)), size-pos)
		if err := seg.ReadAt(r, buf[:n], pos); err != nil {
			return 0, err
		}
		for i := int64(0); i+1 < n; i++ {
			if buf[i] == 0xFF && buf[i+1] != 0 && !(buf[i+1] >= 0xD0 && buf[i+1] <= 0xD7) && buf[i+1] != 0xFF {
				return pos + i, nil
			}
		}
		if n < 2 {
			break
		}
		pos += n - 1 // keep the last byte: a marker may straddle the buffers
	}
	return size, nil
}
