package container

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"github.com/provscan/provscan/provenance/internal/reader"
	"io"
	"strings"
)

// FLAC metadata block types the reader acts on.
const (
	flacApplication   = 2
	flacVorbisComment = 4
	flacPicture       = 6
)

// matchFLAC reports whether head starts a native FLAC stream ("fLaC"). A FLAC
// file that begins with an ID3v2 tag is recognised by matchMP3, and readMP3
// hands it over to the FLAC reader.
func matchFLAC(head []byte) bool {
	return len(head) >= 4 && string(head[:4]) == "fLaC"
}

// readFLAC reads a FLAC file: an optional ID3v2 tag before "fLaC" (with any
// GEOB C2PA store), then the metadata blocks: VORBIS_COMMENT entries become
// text blocks keyed by the upper-cased field name, APPLICATION blocks a text
// block keyed by their 4-byte id when printable (or a C2PA block when they
// hold a JUMBF C2PA store). PICTURE blocks and audio frames are skipped.
func readFLAC(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatFLAC, Budget: b}
	d := &id3Reader{r: r, size: size, res: res}
	off, err := d.tags(0)
	if err != nil {
		return res, err
	}
	return res, flacBlocks(r, off, size, res)
}

// flacBlocks reads the metadata blocks of the FLAC stream whose "fLaC"
// marker is at off.
func flacBlocks(r io.ReaderAt, off, size int64, res *Result) error {
	res.Format = formatFLAC
	var m [4]byte
	if err := readAt(r, m[:], off); err != nil {
		return fmt.Errorf("FLAC marker: %w", err)
	}
	if string(m[:]) != "fLaC" {
		return fmt.Errorf("%w: no fLaC marker at offset %d", ErrMalformed, off)
	}
	off += 4
	for steps := 0; ; steps++ {
		if steps >= maxSteps {
			return fmt.Errorf("%w: more than %d FLAC metadata blocks", errLimit, maxSteps)
		}
		var h [4]byte
		if err := readAt(r, h[:], off); err != nil {
			return fmt.Errorf("FLAC metadata block header: %w", err)
		}
		last, typ := h[0]&0x80 != 0, h[0]&0x7F
		n := int64(h[1])<<16 | int64(h[2])<<8 | int64(h[3])
		data := off + 4
		if n > size-data {
			return fmt.Errorf("%w: FLAC metadata block type %d (%d bytes at %d) runs past the end of the file", errTruncated, typ, n, data)
		}
		switch typ {
		case flacVorbisComment:
			b, err := readBlockBudget(res, r, data, n, size)
			if err != nil {
				return err
			}
			if err := vorbisComments(b, "FLAC VORBIS_COMMENT", data, res); err != nil {
				return err
			}
		case flacApplication:
			if n >= 4 {
				b, err := readBlockBudget(res, r, data, n, size)
				if err != nil {
					return err
				}
				if err := flacApplicationBlock(b, data, n, res); err != nil {
					return err
				}
			}
		case 127:
			return fmt.Errorf("%w: FLAC metadata block type 127 at %d", ErrMalformed, off)
		}
		off = data + n
		if last {
			return nil
		}
	}
}

// flacApplicationBlock reports one APPLICATION block: a C2PA store when it
// holds one, its text when printable, nothing otherwise.
func flacApplicationBlock(b []byte, off, n int64, res *Result) error {
	id, body := string(b[:4]), b[4:]
	container := fmt.Sprintf("FLAC APPLICATION %q", id)
	if len(body) >= 8 && string(body[4:8]) == "jumb" && bytes.Contains(body[:min(len(body), 64)], []byte("c2pa")) {
		return res.Add(Block{Kind: KindC2PA, Container: container, Offset: off + 4, Size: n - 4, Data: body})
	}
	if !id3Printable(body) {
		return nil
	}
	return res.Add(Block{Kind: KindText, Container: container, Offset: off + 4, Size: n - 4, Key: id, Data: bytes.TrimRight(body, "\x00")})
}

// vorbisComments reads a Vorbis comment structure (the body of a FLAC
// VORBIS_COMMENT block, of an Ogg "OpusTags" or "\x03vorbis" packet after its
// magic): little-endian lengths, a vendor string, then "KEY=value" fields.
// The vendor becomes a text block keyed "VENDOR"; embedded pictures are skipped.
func vorbisComments(b []byte, container string, off int64, res *Result) error {
	add := func(key string, value []byte) error {
		if len(value) == 0 {
			return nil
		}
		return res.Add(Block{Kind: KindText, Container: container, Offset: off, Size: int64(len(b)), Key: key,
			Data: []byte(strings.ToValidUTF8(string(value), "\uFFFD"))})
	}
	field := func(p int) ([]byte, int, error) {
		if len(b)-p < 4 {
			return nil, p, fmt.Errorf("%w: %s length at byte %d", errTruncated, container, p)
		}
		n := int64(binary.LittleEndian.Uint32(b[p:]))
		p += 4
		if n > int64(len(b)-p) {
			return nil, p, fmt.Errorf("%w: %s field of %d bytes at byte %d", errTruncated, container, n, p)
		}
		return b[p : p+int(n)], p + int(n), nil
	}
	vendor, p, err := field(0)
	if err != nil {
		return err
	}
	if err := add("VENDOR", vendor); err != nil {
		return err
	}
	if len(b)-p < 4 {
		return fmt.Errorf("%w: %s comment count", errTruncated, container)
	}
	count := binary.LittleEndian.Uint32(b[p:])
	p += 4
	for i := uint32(0); i < count; i++ {
		if i >= maxBlocks {
			return fmt.Errorf("%w: %s declares %d comments", errLimit, container, count)
		}
		var c []byte
		c, p, err = field(p)
		if err != nil {
			return err
		}
		k, v, ok := bytes.Cut(c, []byte("="))
		if !ok {
			res.Warn("%s comment %d has no '='", container, i)
			continue
		}
		key := strings.ToUpper(string(k))
		if key == "METADATA_BLOCK_PICTURE" || key == "COVERART" {
			continue
		}
		if err := add(key, v); err != nil {
			return err
		}
	}
	return nil
}
