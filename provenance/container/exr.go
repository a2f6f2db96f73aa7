package container

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"github.com/provscan/provscan/provenance/internal/reader"
	"io"
)

// OpenEXR (the OpenEXR file layout document, "Header"): after the magic
// number and a 4-byte version field, each part's header is a list of
// attributes, each a NUL-terminated name, a NUL-terminated type name, a
// 32-bit little-endian size and the value; an empty name ends a header. A
// multi-part file (version flag 0x1000) has one header per part, and an
// empty header ends the list. The pixels follow the headers and their
// offset tables: never read.
//
// Every attribute of type string is a text block keyed by its name (owner,
// comments, software, a tool's own attributes such as nuke/...), so the
// generator catalogue sees the creating software; each string of a
// stringvector is one too. A string holding an XMP packet is an XMP block
// as well. Attributes of every other type are text blocks of their
// rendered value (exr_attrs.go), the preview by its size only.

const (
	exrMagic         = "\x76\x2f\x31\x01"
	exrFlagLongNames = 0x400  // attribute names and types up to 255 bytes (else 31)
	exrFlagMultipart = 0x1000 // one header per part
	exrMaxParts      = 1024   // parts read per file
	exrMaxAttributes = 4096   // attributes read per file, all parts
	exrMaxStrings    = 4096   // strings of one stringvector
)

// exrToolAttributes are the string attributes that name the software that
// wrote the file: the standard "software", and "creator" of some writers
// and ACES containers.
var exrToolAttributes = map[string]bool{"software": true, "creator": true, "writer": true}

// matchEXR reports whether head starts an OpenEXR file.
func matchEXR(head []byte) bool { return bytes.HasPrefix(head, []byte(exrMagic)) }

// readEXR reads the string attributes of every part's header.
func readEXR(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatEXR, Budget: b}
	var v [8]byte
	if err := readAt(r, v[:], 0); err != nil {
		return res, fmt.Errorf("OpenEXR version: %w", err)
	}
	flags := binary.LittleEndian.Uint32(v[4:]) >> 8 << 8 // the flag bits above the version number
	maxName := 31
	if flags&exrFlagLongNames != 0 {
		maxName = 255
	}
	e := &exrWalker{r: r, size: size, res: res, off: 8, maxName: maxName}
	for part := 0; ; part++ {
		if part >= exrMaxParts {
			return res, fmt.Errorf("%w: more than %d OpenEXR parts", errLimit, exrMaxParts)
		}
		container := "OpenEXR header"
		if flags&exrFlagMultipart != 0 {
			container = fmt.Sprintf("OpenEXR header, part %d", part)
		}
		n, err := e.header(container)
		if err != nil {
			return res, err
		}
		if flags&exrFlagMultipart == 0 || n == 0 { // one header, or the empty header that ends the list
			return res, nil
		}
	}
}

// exrWalker reads the headers of one OpenEXR file.
type exrWalker struct {
	r       io.ReaderAt
	size    int64
	res     *Result
	off     int64 // the next byte to read
	maxName int
	attrs   int
	typedN  int // typed (non-string) attributes seen
}

// header reads one header's attributes up to its terminating empty name and
// returns how many it held.
func (e *exrWalker) header(container string) (int, error) {
	for n := 0; ; n++ {
		name, err := e.cstring("attribute name")
		if err != nil {
			return n, err
		}
		if name == "" {
			return n, nil
		}
		if e.attrs++; e.attrs > exrMaxAttributes {
			return n, fmt.Errorf("%w: more than %d OpenEXR attributes", errLimit, exrMaxAttributes)
		}
		typ, err := e.cstring("attribute type of " + name)
		if err != nil {
			return n, err
		}
		var sz [4]byte
		if err := readAt(e.r, sz[:], e.off); err != nil {
			return n, fmt.Errorf("OpenEXR attribute %q size: %w", name, err)
		}
		valueOff, size := e.off+4, int64(int32(binary.LittleEndian.Uint32(sz[:])))
		if size < 0 || size > e.size-valueOff {
			return n, fmt.Errorf("%w: OpenEXR attribute %q of %d bytes at offset %d runs past the end of the file", errTruncated, name, size, valueOff)
		}
		e.off = valueOff + size
		switch typ {
		case "string":
			if err := e.text(container, name, valueOff, size); err != nil {
				return n, err
			}
		case "stringvector":
			if err := e.stringVector(container, name, valueOff, size); err != nil {
				return n, err
			}
		default:
			if err := e.typed(container, name, typ, valueOff, size); err != nil {
				return n, err
			}
		}
	}
}

// cstring reads a NUL-terminated name of at most maxName bytes at e.off.
func (e *exrWalker) cstring(what string) (string, error) {
	buf := make([]byte, min(int64(e.maxName+1), e.size-e.off))
	if len(buf) == 0 {
		return "", fmt.Errorf("%w: OpenEXR header ends before its %s", errTruncated, what)
	}
	if err := readAt(e.r, buf, e.off); err != nil {
		return "", fmt.Errorf("OpenEXR %s: %w", what, err)
	}
	i := bytes.IndexByte(buf, 0)
	if i < 0 {
		if len(buf) <= e.maxName {
			return "", fmt.Errorf("%w: OpenEXR header ends inside its %s", errTruncated, what)
		}
		return "", fmt.Errorf("%w: OpenEXR %s at offset %d longer than %d bytes", ErrMalformed, what, e.off, e.maxName)
	}
	e.off += int64(i) + 1
	return string(buf[:i]), nil
}

// text adds the string value at off as a text block (and an XMP block when
// it holds an XMP packet).
func (e *exrWalker) text(container, key string, off, n int64) error {
	data, err := readBlockBudget(e.res, e.r, off, n, e.size)
	if err != nil {
		return fmt.Errorf("OpenEXR attribute %q: %w", key, err)
	}
	if err := e.res.Add(Block{Kind: KindText, Container: container, Key: key, Offset: off, Size: n, Data: data, Tool: exrToolAttributes[key]}); err != nil {
		return err
	}
	if holdsXMPPacket(data) {
		return e.res.Add(Block{Kind: KindXMP, Container: container + " > " + key, Offset: off, Size: n, Data: data})
	}
	return nil
}

// stringVector adds each string of a stringvector value (a 32-bit length,
// then the bytes, repeated) as a text block keyed name[i].
func (e *exrWalker) stringVector(container, key string, off, n int64) error {
	end := off + n
	for i := 0; off < end; i++ {
		if i >= exrMaxStrings {
			return fmt.Errorf("%w: OpenEXR stringvector %q of more than %d strings", errLimit, key, exrMaxStrings)
		}
		var l [4]byte
		if end-off < 4 {
			return fmt.Errorf("%w: OpenEXR stringvector %q ends inside a length", ErrMalformed, key)
		}
		if err := readAt(e.r, l[:], off); err != nil {
			return fmt.Errorf("OpenEXR stringvector %q: %w", key, err)
		}
		sl := int64(int32(binary.LittleEndian.Uint32(l[:])))
		if sl < 0 || sl > end-off-4 {
			return fmt.Errorf("%w: OpenEXR stringvector %q: a string of %d bytes runs past the attribute", ErrMalformed, key, sl)
		}
		if err := e.text(container, fmt.Sprintf("%s[%d]", key, i), off+4, sl); err != nil {
			return err
		}
		off += 4 + sl
	}
	return nil
}
