package container

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// Cineon (Kodak's image file format draft 4.5, the ancestor of DPX): a
// 1024-byte generic header (file information with the file name and
// creation time; image, data format and origination information with the
// source file, the input device, its model and serial number), a 1024-byte
// motion-picture header (film format, frame identification, slate), then a
// user-defined area whose length the file information gives, then the
// pixels, never read. Fields are fixed-length text, padded with NUL; the
// numbers are big-endian, or little-endian when the magic number reads
// backwards.

const (
	cineonMagicBE      = "\x80\x2a\x5f\xd7"
	cineonMagicLE      = "\xd7\x5f\x2a\x80"
	cineonHeaderSize   = 2048    // the generic and motion-picture headers
	cineonMaxUserBytes = 1 << 20 // user data read at most
)

var cineonFields = []dpxField{
	{"Cineon file information", "image file name", 32, 100, false},
	{"Cineon file information", "creation date", 132, 12, false},
	{"Cineon file information", "creation time", 144, 12, false},
	{"Cineon origination information", "source image file name", 1032, 100, false},
	{"Cineon origination information", "source creation date", 1132, 12, false},
	{"Cineon origination information", "input device", 1156, 64, true},
	{"Cineon origination information", "input device model number", 1220, 32, true},
	{"Cineon origination information", "input device serial number", 1252, 32, false},
	{"Cineon film information", "format", 1348, 32, false},
	{"Cineon film information", "frame identification", 1388, 32, false},
	{"Cineon film information", "slate information", 1420, 200, false},
}

// matchCineon reports whether head starts a Cineon file.
func matchCineon(head []byte) bool {
	return bytes.HasPrefix(head, []byte(cineonMagicBE)) || bytes.HasPrefix(head, []byte(cineonMagicLE))
}

// readCineon reads the text fields of a Cineon file's headers and its user
// data.
func readCineon(r io.ReaderAt, size int64, b *Budget) (*Result, error) {
	res := &Result{Format: formatCineon, Budget: b}
	n := min(size, cineonHeaderSize)
	hdr := make([]byte, n)
	if err := readAt(r, hdr, 0); err != nil {
		return res, fmt.Errorf("file information: %w", err)
	}
	for _, f := range cineonFields {
		if f.off+f.n > n {
			res.Warn("Cineon file of %d bytes ends before its %s field", size, f.key)
			continue
		}
		if v := dpxText(hdr[f.off : f.off+f.n]); v != "" {
			if err := res.Add(Block{Kind: KindText, Container: f.container, Key: f.key, Offset: f.off, Size: f.n, Data: []byte(v), Tool: f.tool}); err != nil {
				return res, err
			}
		}
	}
	if n < 24 {
		return res, fmt.Errorf("%w: Cineon file of %d bytes, shorter than its file information", errTruncated, n)
	}
	var order binary.ByteOrder = binary.BigEndian
	if string(hdr[:4]) == cineonMagicLE {
		order = binary.LittleEndian
	}
	generic, industry, user := int64(order.Uint32(hdr[8:])), int64(order.Uint32(hdr[12:])), int64(order.Uint32(hdr[16:]))
	if user == 0 || user == 0xFFFFFFFF {
		return res, nil
	}
	off := generic + industry
	if generic < 1024 || industry > 1<<20 || off > size {
		return res, fmt.Errorf("%w: Cineon header lengths %d and %d put the user data outside the file (%d bytes)", ErrMalformed, generic, industry, size)
	}
	if user > size-off {
		res.Cut("Cineon user data of %d bytes runs past the end of the file (%d bytes)", user, size)
		user = size - off
	}
	if user > cineonMaxUserBytes {
		res.Cut("Cineon user data of %d bytes: only the first %d read", user, cineonMaxUserBytes)
		user = cineonMaxUserBytes
	}
	if user == 0 {
		return res, nil
	}
	data, err := readBlockBudget(res, r, off, user, size)
	if err != nil {
		return res, fmt.Errorf("user data: %w", err)
	}
	if holdsXMPPacket(data) {
		return res, res.Add(Block{Kind: KindXMP, Container: "Cineon user data", Offset: off, Size: user, Data: data})
	}
	if v := dpxText(data); v != "" && isText(data) {
		return res, res.Add(Block{Kind: KindText, Container: "Cineon user data", Key: "user data", Offset: off, Size: user, Data: []byte(v)})
	}
	return res, nil
}
