package container

import (
	"bytes"
	"fmt"
	"github.com/provscan/provscan/provenance/internal/reader"
	"io"
)

// skipXMLProlog returns head without a leading byte order mark, white space,
// XML declaration, processing instructions (other than xpacket), comments
// and document type declaration. It returns nil when the prolog does not end
// within head.
func skipXMLProlog(head []byte) []byte {
	p := bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	for steps := 0; steps < 64; steps++ {
		p = bytes.TrimLeft(p, " \t\r\n")
		var end []byte
		switch {
		case bytes.HasPrefix(p, []byte("<?xpacket")):
			return p
		case bytes.HasPrefix(p, []byte("<?")):
			end = []byte("?>")
		case bytes.HasPrefix(p, []byte("<!--")):
			end = []byte("-->")
		case bytes.HasPrefix(p, []byte("<!DOCTYPE")), bytes.HasPrefix(p, []byte("<!doctype")):
			i := skipDoctype(p)
			if i < 0 {
				return nil
			}
			p = p[i:]
			continue
		default:
			return p
		}
		i := bytes.Index(p[2:], end)
		if i < 0 {
			return nil
		}
		p = p[2+i+len(end):]
	}
	return nil
}

// skipDoctype returns the length of the document type declaration at the
// start of p, internal subset included, or -1 when it does not end in p.
func skipDoctype(p []byte) int {
	depth := 0
	var quote byte
	for i := 2; i < len(p); i++ {
		c := p[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '>' && depth <= 0:
			return i + 1
		}
	}
	return -1
}

// matchXMPSidecar matches a bare XMP file: an xpacket or x:xmpmeta start,
// after an optional byte order mark and XML declaration.
func matchXMPSidecar(head []byte) bool {
	p := skipXMLProlog(head)
	return bytes.HasPrefix(p, []byte("<?xpacket")) || bytes.HasPrefix(p, []byte("<x:xmpmeta")) ||
		bytes.HasPrefix(p, []byte("<x:xapmeta"))
}

// readXMPSidecar reads a bare XMP file (a NAME.xmp sidecar) as one KindXMP
// block of the whole file. The scanner ties the sidecar to the media file
// of the same stem.
func readXMPSidecar(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatXMPSidecar, Budget: b}
	return res, readWhole(r, size, res, KindXMP, "XMP sidecar")
}

// matchC2PASidecar matches a bare JUMBF file: a box whose type is "jumb".
func matchC2PASidecar(head []byte) bool {
	return len(head) >= 8 && string(head[4:8]) == "jumb"
}

// readC2PASidecar reads a bare JUMBF manifest store (a NAME.c2pa file) as
// one KindC2PA block of the whole file. The scanner ties it to the media
// file of the same stem.
func readC2PASidecar(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: FormatC2PASidecar, Budget: b}
	return res, readWhole(r, size, res, KindC2PA, string(FormatC2PASidecar))
}

// readWhole adds the whole file as one block, within maxBlockSize.
func readWhole(r io.ReaderAt, size int64, res *Result, kind Kind, where string) error {
	if size > maxBlockSize {
		return fmt.Errorf("%w: %s of %d bytes is larger than %d", errLimit, where, size, maxBlockSize)
	}
	if err := res.Hold(size + reader.DecodeCost(kind, size)); err != nil {
		return err
	}
	data, err := readBlock(r, 0, size, size)
	if err != nil {
		return err
	}
	return res.Add(Block{Kind: kind, Container: where, Offset: 0, Size: size, Data: data})
}
