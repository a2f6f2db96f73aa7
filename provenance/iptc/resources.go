// Package iptc reads Photoshop image resources (the 8BIM blocks of a JPEG
// APP13 segment, a PSD file or a TIFF tag 34377) and the IPTC-IIM records
// that one of them holds. It knows nothing of files on disk: callers hand it
// the bytes of a block.
package iptc

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/provscan/provscan/provenance/readerr"
)

// Image resource ids of note.
const (
	ResIPTC      = 1028 // 0x0404: IPTC-IIM records (ParseIIM)
	ResThumbnail = 1036 // 0x040C: JPEG thumbnail
	ResEXIF      = 1058 // 0x0422: EXIF data 1 (a TIFF block)
	ResEXIF3     = 1059 // 0x0423: EXIF data 3
	ResXMP       = 1060 // 0x0424: XMP packet
)

// maxResources bounds the number of resources read from one block.
const maxResources = 1 << 16

// Resource is one Photoshop image resource.
type Resource struct {
	Signature string `json:"signature"` // "8BIM", or another writer's signature ("MeSa", "PHUT", "AgHg"...)
	ID        uint16 `json:"id"`
	Name      string `json:"name,omitempty"` // the Pascal-string name, usually empty
	Data      []byte `json:"-"`              // the payload, a slice of the input (not copied)
}

// photoshopHeader starts a JPEG APP13 segment before its resources.
var photoshopHeader = []byte("Photoshop 3.0\x00")

// ParseResources reads a sequence of image resource blocks: a 4-byte
// signature, a big-endian id, a Pascal name padded to an even length, a
// 32-bit size and the data padded to an even length. A leading
// "Photoshop 3.0\0" header is skipped. It stops at the end of data or at
// bytes that are not a resource (zero padding is accepted silently) and
// returns what it read, with an error wrapping readerr.ErrMalformed,
// ErrTruncated or ErrLimit when the block is damaged.
func ParseResources(data []byte) ([]Resource, error) {
	data = bytes.TrimPrefix(data, photoshopHeader)
	var out []Resource
	p := 0
	for p < len(data) {
		if len(out) >= maxResources {
			return out, fmt.Errorf("%w: iptc: more than %d image resources", readerr.ErrLimit, maxResources)
		}
		rest := data[p:]
		if len(rest) < 4 || !isSignature(rest[:4]) {
			if allZero(rest) {
				return out, nil
			}
			return out, fmt.Errorf("%w: iptc: no resource signature at offset %d", readerr.ErrMalformed, p)
		}
		if len(rest) < 7 {
			return out, fmt.Errorf("%w: iptc: resource header at offset %d", readerr.ErrTruncated, p)
		}
		r := Resource{Signature: string(rest[:4]), ID: binary.BigEndian.Uint16(rest[4:])}
		nameLen := int(rest[6])
		q := 7 + nameLen
		if q%2 == 1 {
			q++ // the Pascal string (length byte + name) is padded to even
		}
		if q+4 > len(rest) {
			return out, fmt.Errorf("%w: iptc: resource %d header at offset %d", readerr.ErrTruncated, r.ID, p)
		}
		r.Name = latin1(rest[7 : 7+nameLen])
		size := uint64(binary.BigEndian.Uint32(rest[q:]))
		q += 4
		if size > uint64(len(rest)-q) {
			r.Data = rest[q:]
			out = append(out, r)
			return out, fmt.Errorf("%w: iptc: resource %d of %d bytes at offset %d runs past the end", readerr.ErrTruncated, r.ID, size, p)
		}
		r.Data = rest[q : q+int(size)]
		out = append(out, r)
		n := q + int(size)
		if n%2 == 1 {
			n++
		}
		p += n
	}
	return out, nil
}

// Find returns the data of the first resource with the given id, or nil.
func Find(rs []Resource, id uint16) []byte {
	for _, r := range rs {
		if r.ID == id {
			return r.Data
		}
	}
	return nil
}

// isSignature accepts four printable ASCII bytes ("8BIM", "MeSa", "PHUT"...).
func isSignature(b []byte) bool {
	for _, c := range b {
		if c < 0x21 || c > 0x7E {
			return false
		}
	}
	return true
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// latin1 decodes b as ISO 8859-1 (Pascal names and untagged IIM text).
func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}
