package container

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// DPX (SMPTE ST 268): a file starts with "SDPX" (big-endian fields) or
// "XPDS" (little-endian), then fixed-size headers: the generic file header
// (image file name, creation time, creator, project, copyright), the image
// header, the orientation header (source file name and time, input device
// name and serial number), the film and television industry headers, and
// then, when its size field says so, user-defined data: a 32-byte user ID
// and free data. Text fields are fixed-length, NUL- or 0xFF-padded.
//
// The text fields become text blocks (those of the film industry header too:
// film format, frame identification, slate; the television header holds only
// numbers and is not read), so that the creating software (the
// creator: "Nuke", an encoder's "Lavc58.54.100", a datacine) reaches the
// generator catalogue; user data that is text is a text block too, and an
// XMP packet in it an XMP block. The pixels are never read.

// dpxField is one fixed-length text field of the headers.
type dpxField struct {
	container, key string
	off, n         int64
	tool           bool // the field names the software or device that made the image
}

var dpxFields = []dpxField{
	{"DPX file header", "image file name", 36, 100, false},
	{"DPX file header", "creation date", 136, 24, false},
	{"DPX file header", "creator", 160, 100, true},
	{"DPX file header", "project", 260, 200, false},
	{"DPX file header", "copyright", 460, 200, false},
	{"DPX orientation header", "source image file name", 1432, 100, false},
	{"DPX orientation header", "source creation date", 1532, 24, false},
	{"DPX orientation header", "input device name", 1556, 32, true},
	{"DPX orientation header", "input device serial number", 1588, 32, false},
	{"DPX film header", "film format", 1680, 32, false},
	{"DPX film header", "frame identification", 1732, 32, false},
	{"DPX film header", "slate information", 1764, 100, false},
}

const (
	dpxHeaderSize     = 2048    // the generic and industry headers
	dpxFileHeaderSize = 768     // the generic file header, up to the image header
	dpxUserIDSize     = 32      // the user ID that starts user-defined data
	dpxMaxUserBytes   = 1 << 20 // user data read at most (the field allows 1 MB)
	dpxUserOffset     = int64(dpxHeaderSize)
	dpxMagicBE        = "SDPX"
	dpxMagicLE        = "XPDS"
)

// matchDPX reports whether head starts a DPX file.
func matchDPX(head []byte) bool {
	return bytes.HasPrefix(head, []byte(dpxMagicBE)) || bytes.HasPrefix(head, []byte(dpxMagicLE))
}

// readDPX reads the text fields of a DPX file's headers and its user data.
func readDPX(r io.ReaderAt, size int64, b *Budget) (*Result, error) {
	res := &Result{Format: formatDPX, Budget: b}
	n := min(size, dpxHeaderSize)
	hdr := make([]byte, n)
	if err := readAt(r, hdr, 0); err != nil {
		return res, fmt.Errorf("DPX header: %w", err)
	}
	var order binary.ByteOrder = binary.BigEndian
	if string(hdr[:4]) == dpxMagicLE {
		order = binary.LittleEndian
	}
	for _, f := range dpxFields {
		if f.off+f.n > n {
			res.Warn("DPX file of %d bytes ends before its %s field", size, f.key)
			continue
		}
		if v := dpxText(hdr[f.off : f.off+f.n]); v != "" {
			if err := res.Add(Block{Kind: KindText, Container: f.container, Key: f.key, Offset: f.off, Size: f.n, Data: []byte(v), Tool: f.tool}); err != nil {
				return res, err
			}
		}
	}
	if n < dpxFileHeaderSize {
		return res, fmt.Errorf("%w: DPX file of %d bytes, shorter than its %d-byte file header", errTruncated, n, dpxFileHeaderSize)
	}
	user := int64(order.Uint32(hdr[32:36])) // the size of the user-defined data, user ID included
	if user == 0 || user == 0xFFFFFFFF {    // none, or "undefined"
		return res, nil
	}
	if user < dpxUserIDSize {
		return res, fmt.Errorf("%w: DPX user data of %d bytes, shorter than its user ID", ErrMalformed, user)
	}
	if user > size-dpxUserOffset {
		// A file cut short (or a size that lies): read what is there, and say so.
		res.Cut("DPX user data of %d bytes runs past the end of the file (%d bytes)", user, size)
		if user = size - dpxUserOffset; user < dpxUserIDSize {
			return res, nil
		}
	}
	id := make([]byte, dpxUserIDSize)
	if err := readAt(r, id, dpxUserOffset); err != nil {
		return res, fmt.Errorf("DPX user ID: %w", err)
	}
	if v := dpxText(id); v != "" {
		if err := res.Add(Block{Kind: KindText, Container: "DPX user data", Key: "user id", Offset: dpxUserOffset, Size: dpxUserIDSize, Data: []byte(v)}); err != nil {
			return res, err
		}
	}
	dataOff, dataLen := dpxUserOffset+dpxUserIDSize, user-dpxUserIDSize
	if dataLen > dpxMaxUserBytes {
		res.Cut("DPX user data of %d bytes: only the first %d read", dataLen, dpxMaxUserBytes)
		dataLen = dpxMaxUserBytes
	}
	if dataLen == 0 {
		return res, nil
	}
	data, err := readBlockBudget(res, r, dataOff, dataLen, size)
	if err != nil {
		return res, fmt.Errorf("DPX user data: %w", err)
	}
	if holdsXMPPacket(data) {
		return res, res.Add(Block{Kind: KindXMP, Container: "DPX user data", Offset: dataOff, Size: dataLen, Data: data})
	}
	if v := dpxText(data); v != "" && isText(data) {
		return res, res.Add(Block{Kind: KindText, Container: "DPX user data", Key: "user data", Offset: dataOff, Size: dataLen, Data: []byte(v)})
	}
	return res, nil
}

// dpxText returns a fixed-length text field up to its padding (NUL, or the
// 0xFF of an undefined field), without surrounding spaces.
func dpxText(b []byte) string {
	// Byte by byte: bytes.IndexAny(b, "\x00\xff") would match every byte
	// that is not UTF-8, cutting a Latin-1 "Caf\xe9" short.
	for i, c := range b {
		if c == 0x00 || c == 0xFF {
			b = b[:i]
			break
		}
	}
	return string(bytes.TrimSpace(b))
}
