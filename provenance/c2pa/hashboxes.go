package c2pa

import (
	"bytes"
	"fmt"
	"io"

	"github.com/provscan/provscan/provenance/container"
	"github.com/provscan/provscan/provenance/readerr"
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
		m.errorf("c2pa.hash.boxes: no box map for this format, not checked")
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
func jpegBoxMap(r io.ReaderAt, size int64) ([]namedBox, error) {
	hdr := make([]byte, 8)
	if size < 4 || container.ReadAt(r, hdr[:2], 0) != nil || hdr[0] != 0xFF || hdr[1] != 0xD8 {
		return nil, nil
	}
	out := []namedBox{{"SOI", 0, 2}}
	pos := int64(2)
	for steps := 0; pos < size; steps++ {
		if steps > container.MaxSteps {
			return out, fmt.Errorf("%w: JPEG segments", readerr.ErrLimit)
		}
		if pos+2 > size {
			return out, fmt.Errorf("%w: JPEG marker at %d", readerr.ErrTruncated, pos)
		}
		if err := container.ReadAt(r, hdr[:2], pos); err != nil {
			return out, err
		}
		if hdr[0] != 0xFF {
			return out, fmt.Errorf("%w: no JPEG marker at %d", readerr.ErrMalformed, pos)
		}
		mk := hdr[1]
		if mk == 0xFF {
			pos++
			continue
		}
		if mk == 0xD9 || mk == 0x01 || (mk >= 0xD0 && mk <= 0xD7) {
			out = append(out, namedBox{jpegMarkerName(mk), pos, pos + 2})
			pos += 2
			if mk == 0xD9 {
				break
			}
			continue
		}
		if err := container.ReadAt(r, hdr[:4], pos); err != nil {
			return out, err
		}
		var end int64
		end = pos + 2 + (int64(hdr[2])<<8 | int64(hdr[3]))
		if end > size {
			return out, fmt.Errorf("%w: JPEG segment at %d", readerr.ErrTruncated, pos)
		}
		name := jpegMarkerName(mk)
		if mk == 0xEB && end-pos >= 6 && container.ReadAt(r, hdr[:2], pos+4) == nil && hdr[0] == 'J' && hdr[1] == 'P' {
			name = boxNameC2PA
			if n := len(out); n > 0 && out[n-1].name == boxNameC2PA && out[n-1].end == pos {
				out[n-1].end = end // one C2PA box for the whole run of segments
				pos = end
				continue
			}
		}
		if mk == 0xDA {
			e, err := entropyEnd(r, end, size)
			if err != nil {
				return out, err
			}
			end = e
		}
		out = append(out, namedBox{name, pos, end})
		pos = end
	}
	return out, nil
}

// entropyEnd finds the end of entropy-coded data starting at pos: the next
// marker that is not a stuffed zero or a restart marker.
func entropyEnd(r io.ReaderAt, pos, size int64) (int64, error) {
	buf := make([]byte, 64<<10)
	for pos < size {
		n := min(int64(len(buf)), size-pos)
		if err := container.ReadAt(r, buf[:n], pos); err != nil {
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
