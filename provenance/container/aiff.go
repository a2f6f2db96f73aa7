package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/provscan/provscan/provenance/internal/reader"
	"github.com/provscan/provscan/provenance/internal/seg"
)

// AIFF and AIFF-C (Apple's Audio Interchange File Format, an EA IFF 85
// form): "FORM", a big-endian 32-bit size, the form type "AIFF" or "AIFC",
// then chunks of a 4-byte ID, a big-endian 32-bit size and a payload padded
// to an even length. The reader keeps the text chunks (NAME, AUTH, "(c) ",
// ANNO), the comments of a COMT chunk, an ID3v2 tag in an "ID3 " chunk
// (read by the ID3 reader), application chunks (APPL: the signature names
// the application, "stoc" then a Pascal string with its name; an XMP packet
// in one is an XMP block), an "XMP " chunk and a "C2PA" chunk. The sound
// data (SSND) is skipped by its size and never read.

const (
	aiffMaxChunk    = 4 << 20 // largest text, comment or application chunk read
	aiffMaxComments = 4096    // comments of one COMT chunk
)

// matchAIFF reports whether head starts an AIFF or AIFF-C file.
func matchAIFF(head []byte) bool {
	return len(head) >= 12 && string(head[:4]) == "FORM" && (string(head[8:12]) == "AIFF" || string(head[8:12]) == "AIFC")
}

// aiffWalker holds the state of one walk over an AIFF file.
type aiffWalker struct {
	r     io.ReaderAt
	size  int64
	res   *Result
	where string // "AIFF" or "AIFC"
	errs  error
}

// readAIFF reads the metadata chunks of an AIFF or AIFF-C file.
func readAIFF(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatAIFF, Budget: b}
	var hdr [12]byte
	if err := readAt(r, hdr[:], 0); err != nil {
		return res, fmt.Errorf("AIFF header: %w", err)
	}
	if !matchAIFF(hdr[:]) {
		return res, fmt.Errorf("%w: no FORM AIFF header", ErrMalformed)
	}
	w := &aiffWalker{r: r, size: size, res: res, where: "AIFF"}
	if string(hdr[8:12]) == "AIFC" {
		res.Format, w.where = formatAIFC, "AIFC"
	}
	end := 8 + int64(binary.BigEndian.Uint32(hdr[4:8]))
	if end > size {
		res.Warn("AIFF FORM declares %d bytes, the file has %d", end, size)
		end = size
	}
	if end < 12 {
		return res, fmt.Errorf("%w: AIFF FORM of %d bytes, shorter than its form type", ErrMalformed, end-8)
	}
	err := w.walk(12, end)
	return res, errors.Join(w.errs, err)
}

// walk reads the chunks between start and end.
func (w *aiffWalker) walk(start, end int64) error {
	var hdr [8]byte
	steps := 0
	for pos := start; pos+8 <= end; {
		if steps++; steps > maxSteps {
			return fmt.Errorf("%w: more than %d AIFF chunks", errLimit, maxSteps)
		}
		if err := readAt(w.r, hdr[:], pos); err != nil {
			return err
		}
		id := string(hdr[:4])
		n := int64(binary.BigEndian.Uint32(hdr[4:8]))
		off := pos + 8
		if n > end-off {
			if id != "SSND" {
				return fmt.Errorf("%w: AIFF chunk %q at offset %d runs past the end of the FORM (%d bytes)", errTruncated, seg.FourCC(id), pos, end)
			}
			// Sound data cut short (a file still being written, or cut): it
			// is never read, so only say so.
			w.res.Warn("AIFF SSND chunk at offset %d runs past the end of the FORM", pos)
			n = end - off
		}
		if err := w.chunk(id, off, n); err != nil {
			return err
		}
		pos = off + n + n&1 // chunks are padded to an even size
	}
	return nil
}

// chunk reads one chunk of n bytes at off; an error stops the walk.
func (w *aiffWalker) chunk(id string, off, n int64) error {
	loc := w.where + " " + strings.TrimSpace(id) + " chunk"
	switch id {
	case "NAME", "AUTH", "(c) ", "ANNO":
		p, err := w.read(id, off, n)
		if p == nil {
			return err
		}
		if v := riffText(p); len(v) > 0 {
			return w.res.Add(Block{Kind: KindText, Container: loc, Offset: off, Size: int64(len(p)), Key: strings.TrimSpace(id), Data: v})
		}
	case "COMT":
		p, err := w.read(id, off, n)
		if p == nil {
			return err
		}
		return w.comments(p, off, loc)
	case "APPL":
		p, err := w.read(id, off, n)
		if p == nil {
			return err
		}
		return w.appl(p, off, loc)
	case "XMP ":
		p, err := w.read(id, off, n)
		if p == nil {
			return err
		}
		return w.res.Add(Block{Kind: KindXMP, Container: loc, Offset: off, Size: int64(len(p)), Data: bytes.TrimRight(p, "\x00")})
	case "C2PA":
		p, err := w.read(id, off, n)
		if p == nil {
			return err
		}
		return w.res.Add(Block{Kind: KindC2PA, Container: loc, Offset: off, Size: int64(len(p)), Data: p})
	case "ID3 ", "id3 ":
		return w.id3(off, n, loc)
	}
	return nil // SSND, COMM, FVER, MARK, INST ...: never read
}

// read reads the payload of a chunk. A chunk over aiffMaxChunk is not read
// (a cut, the walk goes on); nil with a nil error is such a chunk.
func (w *aiffWalker) read(id string, off, n int64) ([]byte, error) {
	if n > aiffMaxChunk {
		w.res.Cut("AIFF %s chunk of %d bytes at offset %d not read (over %d bytes)", seg.FourCC(id), n, off-8, aiffMaxChunk)
		return nil, nil
	}
	p, err := readBlockBudget(w.res, w.r, off, n, w.size)
	if err != nil {
		return nil, fmt.Errorf("AIFF %s chunk: %w", seg.FourCC(id), err)
	}
	return p, nil
}

// comments reads a COMT chunk: a count, then comments of a timestamp, a
// marker ID, a text length and the text, padded to an even length.
func (w *aiffWalker) comments(p []byte, off int64, loc string) error {
	if len(p) < 2 {
		w.res.Warn("AIFF COMT chunk at offset %d of %d bytes is too short", off-8, len(p))
		return nil
	}
	count := int(binary.BigEndian.Uint16(p))
	if count > aiffMaxComments {
		return fmt.Errorf("%w: AIFF COMT chunk with %d comments", errLimit, count)
	}
	pos := 2
	for i := 0; i < count; i++ {
		if len(p)-pos < 8 {
			w.res.Warn("AIFF COMT chunk at offset %d ends before its comment %d of %d", off-8, i+1, count)
			return nil
		}
		k := int(binary.BigEndian.Uint16(p[pos+6:]))
		start := pos + 8
		if k > len(p)-start {
			w.res.Warn("AIFF COMT comment %d at offset %d runs past the end of its chunk", i+1, off+int64(pos))
			k = len(p) - start
		}
		if v := riffText(p[start : start+k]); len(v) > 0 {
			if err := w.res.Add(Block{Kind: KindText, Container: loc, Offset: off + int64(start), Size: int64(k), Key: "COMT", Data: v}); err != nil {
				return err
			}
		}
		pos = start + k + k&1
	}
	return nil
}

// appl reads an application-specific chunk: a 4-byte signature naming the
// application ("stoc": a Pascal string with the name follows), then the
// application's data; an XMP packet in it is an XMP block.
func (w *aiffWalker) appl(p []byte, off int64, loc string) error {
	if len(p) < 4 {
		w.res.Warn("AIFF APPL chunk at offset %d of %d bytes is too short", off-8, len(p))
		return nil
	}
	sig, data, dataOff := string(p[:4]), p[4:], off+4
	name := seg.FourCC(sig)
	if sig == "stoc" && len(data) >= 1 && int(data[0]) < len(data) {
		k := int(data[0])
		name = string(riffText(data[1 : 1+k]))
		data, dataOff = data[1+k:], dataOff+1+int64(k)
	}
	if name = strings.TrimSpace(name); name != "" {
		if err := w.res.Add(Block{Kind: KindText, Container: loc, Offset: off, Size: dataOff - off, Key: "APPL signature", Data: []byte(name), Tool: true}); err != nil {
			return err
		}
	}
	if holdsXMPPacket(data) {
		return w.res.Add(Block{Kind: KindXMP, Container: loc + " " + name, Offset: dataOff, Size: int64(len(data)), Data: data})
	}
	return nil
}

// id3 reads the ID3v2 tag of an "ID3 " chunk with the ID3 reader, within the
// chunk. A broken tag is a warning (what it held before is kept): the walk
// goes on.
func (w *aiffWalker) id3(off, n int64, loc string) error {
	first := len(w.res.Blocks)
	_, err := id3Tags(w.r, off, off+n, w.res)
	for i := first; i < len(w.res.Blocks); i++ {
		w.res.Blocks[i].Container = loc + " " + w.res.Blocks[i].Container
	}
	if err != nil {
		if errors.Is(err, errLimit) {
			return fmt.Errorf("AIFF ID3 chunk at offset %d: %w", off-8, err)
		}
		w.res.Warn("AIFF ID3 chunk at offset %d: %v", off-8, err)
		w.errs = errors.Join(w.errs, reader.Noted(fmt.Errorf("AIFF ID3 chunk at offset %d: %w", off-8, err)))
	}
	return nil
}
