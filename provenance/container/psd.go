package container

import (
	"encoding/binary"
	"fmt"
	"github.com/provscan/provscan/provenance/internal/reader"
	"io"
)

// Photoshop image resource IDs the PSD reader returns as blocks of their own.
const (
	psdResIPTC = 1028 // IPTC-NAA record
	psdResEXIF = 1058 // EXIF data 1 (a TIFF-structured block)
	psdResXMP  = 1060 // XMP metadata
)

// psdMaxWhole is the largest image resources section returned whole as a
// KindPhotoshop block; larger sections (big thumbnails) are only walked.
const psdMaxWhole = 8 << 20

// matchPSD reports whether head starts a Photoshop document (PSD or PSB).
func matchPSD(head []byte) bool {
	return len(head) >= 6 && string(head[:4]) == "8BPS" && head[4] == 0 && (head[5] == 1 || head[5] == 2)
}

// readPSD reads a Photoshop PSD or PSB file: the header, the colour mode data
// section (skipped) and the image resources section, where resources 1060
// (XMP), 1058 (EXIF) and 1028 (IPTC) become blocks of their own and the
// whole section, when small enough, one KindPhotoshop block. Layer and image
// data are never read.
func readPSD(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatPSD, Budget: b}
	var hdr [26]byte
	if err := readAt(r, hdr[:], 0); err != nil {
		return res, fmt.Errorf("PSD header: %w", err)
	}
	if !matchPSD(hdr[:]) {
		return res, fmt.Errorf("%w: not a PSD header", ErrMalformed)
	}
	kind := "PSD"
	if hdr[5] == 2 {
		kind = "PSB"
	}
	var l [4]byte
	if err := readAt(r, l[:], 26); err != nil {
		return res, fmt.Errorf("%s colour mode data length: %w", kind, err)
	}
	off := int64(26) + 4 + int64(binary.BigEndian.Uint32(l[:]))
	if err := readAt(r, l[:], off); err != nil {
		return res, fmt.Errorf("%s image resources length: %w", kind, err)
	}
	start := off + 4
	secLen := int64(binary.BigEndian.Uint32(l[:]))
	end := start + secLen
	var err error
	if end > size {
		err = fmt.Errorf("%w: %s image resources section (%d bytes at %d) runs past the end of the file", errTruncated, kind, secLen, start)
		end = size
	}
	if secLen <= psdMaxWhole && end-start == secLen {
		data, rerr := readBlockBudget(res, r, start, secLen, size)
		if rerr != nil {
			return res, rerr
		}
		if aerr := res.Add(Block{Kind: KindPhotoshop, Container: kind + " image resources", Offset: start, Size: secLen, Data: data}); aerr != nil {
			return res, aerr
		}
	}
	if werr := psdResources(r, start, end, kind, res); werr != nil {
		return res, werr
	}
	return res, err
}

// psdResources walks the image resource blocks between start and end.
func psdResources(r io.ReaderAt, start, end int64, kind string, res *Result) error {
	var h [4 + 2 + 1]byte
	for off, steps := start, 0; off < end; steps++ {
		if steps >= maxSteps {
			return fmt.Errorf("%w: more than %d %s image resources", errLimit, maxSteps, kind)
		}
		if end-off < int64(len(h)) {
			return fmt.Errorf("%w: %s image resource header at %d", errTruncated, kind, off)
		}
		if err := readAt(r, h[:], off); err != nil {
			return err
		}
		if string(h[:4]) != "8BIM" && string(h[:4]) != "MeSa" && string(h[:4]) != "AgHg" && string(h[:4]) != "PHUT" && string(h[:4]) != "DCSR" {
			return fmt.Errorf("%w: %s image resource at %d has signature %q", ErrMalformed, kind, off, h[:4])
		}
		id := binary.BigEndian.Uint16(h[4:])
		nameLen := int64(h[6]) + 1 // the Pascal string with its length byte, padded to even
		nameLen += nameLen & 1
		lenAt := off + 6 + nameLen
		if end-lenAt < 4 {
			return fmt.Errorf("%w: %s image resource %d at %d", errTruncated, kind, id, off)
		}
		var l [4]byte
		if err := readAt(r, l[:], lenAt); err != nil {
			return err
		}
		dataAt := lenAt + 4
		n := int64(binary.BigEndian.Uint32(l[:]))
		if n > end-dataAt {
			return fmt.Errorf("%w: %s image resource %d (%d bytes at %d) runs past its section", errTruncated, kind, id, n, dataAt)
		}
		var k Kind
		switch id {
		case psdResXMP:
			k = KindXMP
		case psdResEXIF:
			k = KindEXIF
		case psdResIPTC:
			k = KindIPTC
		}
		if k != "" {
			data, err := readBlockBudget(res, r, dataAt, n, end)
			if err != nil {
				return err
			}
			if err := res.Add(Block{Kind: k, Container: fmt.Sprintf("%s image resource %d", kind, id), Offset: dataAt, Size: n, Data: data}); err != nil {
				return err
			}
		}
		off = dataAt + n + n&1
	}
	return nil
}
