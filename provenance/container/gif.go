package container

import (
	"bytes"
	"fmt"
	"github.com/provscan/provscan/provenance/internal/reader"
	"io"
)

// gifXMPTrailer is the 257-byte "magic trailer" that follows an XMP packet
// in a GIF application extension: 0x01, 0xFF, 0xFE, ..., 0x01, 0x00. It lets
// GIF readers that treat the packet as sub-blocks land on the terminator.
var gifXMPTrailer = func() []byte {
	b := make([]byte, 257)
	b[0] = 1
	for i := 1; i < 257; i++ {
		b[i] = byte(256 - i)
	}
	return b
}()

// matchGIF reports whether head starts a GIF file ("GIF87a" or "GIF89a").
func matchGIF(head []byte) bool {
	return len(head) >= 6 && (string(head[:6]) == "GIF87a" || string(head[:6]) == "GIF89a")
}

// readGIF reads a GIF file's blocks, skipping image data: the application
// extensions "XMP DataXMP" (XMP, stored raw across the sub-blocks and
// followed by the magic trailer) and "C2PA_GIF" (a JUMBF manifest store
// split over sub-blocks), and comment extensions.
func readGIF(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatGIF, Budget: b}
	var hdr [13]byte
	if err := readAt(r, hdr[:], 0); err != nil {
		return res, fmt.Errorf("GIF header: %w", err)
	}
	if !matchGIF(hdr[:]) {
		return res, fmt.Errorf("%w: not a GIF header", ErrMalformed)
	}
	off := int64(13)
	if hdr[10]&0x80 != 0 {
		off += 3 << (hdr[10]&7 + 1) // global colour table
	}
	g := &gifWalker{r: r, size: size, res: res}
	for off < size {
		var b [2]byte
		if err := readAt(r, b[:1], off); err != nil {
			return res, err
		}
		switch b[0] {
		case 0x00: // stray padding between blocks, tolerated
			g.steps++
			if g.steps > maxSteps {
				return res, fmt.Errorf("%w: more than %d GIF blocks", errLimit, maxSteps)
			}
			off++
		case 0x3B: // trailer
			return res, nil
		case 0x2C: // image descriptor, local colour table, LZW code size, data sub-blocks
			var d [10]byte
			if err := readAt(r, d[:], off); err != nil {
				return res, fmt.Errorf("GIF image descriptor: %w", err)
			}
			off += 10
			if d[9]&0x80 != 0 {
				off += 3 << (d[9]&7 + 1)
			}
			off++ // LZW minimum code size
			end, err := g.skip(off)
			if err != nil {
				return res, err
			}
			off = end
		case 0x21: // extension: label, then sub-blocks
			if err := readAt(r, b[:], off); err != nil {
				return res, fmt.Errorf("GIF extension: %w", err)
			}
			end, err := g.extension(b[1], off+2, res)
			if err != nil {
				return res, err
			}
			off = end
		default:
			return res, fmt.Errorf("%w: GIF block introducer 0x%02x at offset %d", ErrMalformed, b[0], off)
		}
	}
	return res, fmt.Errorf("%w: GIF has no trailer", errTruncated)
}

// gifWalker walks the sub-blocks of one GIF file within the step limit.
type gifWalker struct {
	r     io.ReaderAt
	size  int64
	steps int
	res   *Result
}

// skip walks the sub-blocks starting at off, reading only their length
// bytes, and returns the offset after the zero-length terminator.
func (g *gifWalker) skip(off int64) (int64, error) {
	var l [1]byte
	for {
		g.steps++
		if g.steps > maxSteps {
			return off, fmt.Errorf("%w: more than %d GIF sub-blocks", errLimit, maxSteps)
		}
		if err := readAt(g.r, l[:], off); err != nil {
			return off, fmt.Errorf("GIF sub-block: %w", err)
		}
		off += 1 + int64(l[0])
		if l[0] == 0 {
			return off, nil
		}
	}
}

// collect reads the sub-blocks starting at off and returns their
// concatenated payload and the offset after the terminator.
func (g *gifWalker) collect(off int64) ([]byte, int64, error) {
	end, err := g.skip(off)
	if err != nil {
		return nil, end, err
	}
	raw, err := readBlockBudget(g.res, g.r, off, end-off, g.size)
	if err != nil {
		return nil, end, err
	}
	var out []byte
	for i := 0; i < len(raw) && raw[i] != 0; i += 1 + int(raw[i]) {
		out = append(out, raw[i+1:i+1+int(raw[i])]...)
	}
	return out, end, nil
}

// extension handles one extension whose label is label and whose sub-blocks
// start at off, returning the offset after it.
func (g *gifWalker) extension(label byte, off int64, res *Result) (int64, error) {
	switch label {
	case 0xFE: // comment
		data, end, err := g.collect(off)
		if err != nil {
			return end, err
		}
		return end, res.Add(Block{Kind: KindComment, Container: "GIF comment extension", Offset: off, Size: end - off, Data: data})
	case 0xFF: // application: an 11-byte identifier and authentication code, then data
		var id [12]byte
		if err := readAt(g.r, id[:], off); err != nil {
			return off, fmt.Errorf("GIF application extension: %w", err)
		}
		if id[0] != 11 {
			return g.skip(off)
		}
		app := string(id[1:12])
		dataOff := off + 12
		switch {
		case app == "XMP DataXMP":
			end, err := g.skip(dataOff)
			if err != nil {
				return end, err
			}
			raw, err := readBlockBudget(g.res, g.r, dataOff, end-1-dataOff, g.size)
			if err != nil {
				return end, err
			}
			return end, res.Add(Block{Kind: KindXMP, Container: "GIF application extension XMP DataXMP",
				Offset: dataOff, Size: end - dataOff, Data: gifTrimXMP(raw)})
		case app[:8] == "C2PA_GIF":
			data, end, err := g.collect(dataOff)
			if err != nil {
				return end, err
			}
			return end, res.Add(Block{Kind: KindC2PA, Container: "GIF application extension C2PA_GIF", Offset: dataOff, Size: end - dataOff, Data: data})
		}
	}
	return g.skip(off)
}

// gifTrimXMP removes the magic trailer after a raw XMP packet, or, when the
// trailer is damaged, cuts after the packet's end processing instruction.
func gifTrimXMP(raw []byte) []byte {
	if bytes.HasSuffix(raw, gifXMPTrailer) {
		return raw[:len(raw)-len(gifXMPTrailer)]
	}
	if i := bytes.LastIndex(raw, []byte("<?xpacket end")); i >= 0 {
		if j := bytes.Index(raw[i:], []byte("?>")); j >= 0 {
			return raw[:i+j+2]
		}
	}
	if i := bytes.Index(raw, gifXMPTrailer[:3]); i >= 0 {
		return raw[:i]
	}
	return raw
}
