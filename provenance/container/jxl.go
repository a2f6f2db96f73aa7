package container

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"github.com/provscan/provscan/provenance/internal/reader"
	"github.com/provscan/provscan/provenance/internal/seg"
	"io"
)

// jxlSignature is the JPEG XL container's signature box.
var jxlSignature = []byte{0, 0, 0, 0x0C, 'J', 'X', 'L', ' ', 0x0D, 0x0A, 0x87, 0x0A}

// matchJXL reports whether head is a JPEG XL file: the container signature
// box or a bare codestream (FF 0A).
func matchJXL(head []byte) bool {
	return bytes.HasPrefix(head, jxlSignature) || len(head) >= 2 && head[0] == 0xFF && head[1] == 0x0A
}

// readJXL reads the metadata boxes of a JPEG XL container: jumb (C2PA),
// Exif and xml (XMP). Brotli-compressed brob boxes are reported in a warning
// and not decoded. A bare codestream has no metadata boxes.
func readJXL(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatJXL, Budget: b}
	head := make([]byte, min(size, int64(len(jxlSignature))))
	if err := readAt(r, head, 0); err != nil {
		return res, err
	}
	if len(head) >= 2 && head[0] == 0xFF && head[1] == 0x0A {
		return res, nil // bare codestream
	}
	if !bytes.Equal(head, jxlSignature) {
		return res, fmt.Errorf("%w: no JPEG XL signature", ErrMalformed)
	}
	w := &bmffWalker{r: r, size: size, res: res}
	w.boxes(int64(len(jxlSignature)), size, w.fail, func(b bmffBox) {
		w.note(fmt.Errorf("%w: JXL box %q at offset %d runs past the end of the file", errTruncated, seg.FourCC(b.typ), b.off))
	}, func(b bmffBox) bool {
		switch b.typ {
		case "jumb":
			// The block is the whole superbox, header included.
			if d, ok := w.read(b.off, b.end); ok {
				w.add(Block{Kind: KindC2PA, Container: "JXL jumb box", Offset: b.off, Size: b.end - b.off, Data: d})
			}
		case "Exif":
			d, ok := w.read(b.start, b.end)
			if !ok {
				break
			}
			if len(d) < 4 {
				w.note(fmt.Errorf("%w: JXL Exif box at offset %d is too short", ErrMalformed, b.off))
				break
			}
			skip := uint64(binary.BigEndian.Uint32(d))
			if skip > uint64(len(d)-4) {
				w.note(fmt.Errorf("%w: JXL Exif box at offset %d has TIFF header offset %d past its end", ErrMalformed, b.off, skip))
				break
			}
			off := int64(4 + skip)
			w.add(Block{Kind: KindEXIF, Container: "JXL Exif box", Offset: b.start + off, Size: b.end - b.start - off, Data: d[off:]})
		case "xml ":
			if d, ok := w.read(b.start, b.end); ok {
				w.add(Block{Kind: KindXMP, Container: "JXL xml box", Offset: b.start, Size: b.end - b.start, Data: d})
			}
		case "brob":
			var inner [4]byte
			if b.end-b.start >= 4 {
				if err := readAt(r, inner[:], b.start); err != nil {
					w.note(err)
					break
				}
			}
			res.Warn("JXL brob box at offset %d holds a Brotli-compressed %q box (%d bytes), not decoded", b.off, seg.FourCC(string(inner[:])), b.end-b.off)
		}
		return true
	})
	return res, w.errs
}
