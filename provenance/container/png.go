package container

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/provscan/provscan/provenance/internal/reader"
)

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// pngXMPKeyword is the iTXt keyword under which XMP is stored.
const pngXMPKeyword = "XML:com.adobe.xmp"

// pngRawProfile starts the keyword of ImageMagick's hex-encoded profiles:
// "Raw profile type exif", "... xmp", "... iptc", "... 8bim".
const pngRawProfile = "Raw profile type "

// matchPNG reports whether head starts with the PNG signature.
func matchPNG(head []byte) bool { return bytes.HasPrefix(head, pngSignature) }

// readPNG reads the metadata chunks of a PNG file (tEXt, zTXt, iTXt, eXIf,
// caBX and ComfyUI's private comf chunk), before and after the image data.
// It seeks past IDAT and every other chunk it does not need, and does not
// check CRCs.
func readPNG(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatPNG, Budget: b}
	sig := make([]byte, len(pngSignature))
	if err := readAt(r, sig, 0); err != nil {
		return res, err
	}
	if !bytes.Equal(sig, pngSignature) {
		return res, fmt.Errorf("%w: no PNG signature", ErrMalformed)
	}
	var (
		hdr    [8]byte
		retErr error
	)
	pos := int64(len(pngSignature))
	for steps := 0; ; steps++ {
		if steps >= maxSteps {
			return res, errors.Join(retErr, fmt.Errorf("%w: more than %d PNG chunks", errLimit, maxSteps))
		}
		if pos == size {
			res.Warn("PNG ends without an IEND chunk")
			return res, retErr
		}
		if err := readAt(r, hdr[:], pos); err != nil {
			return res, errors.Join(retErr, err)
		}
		n := int64(binary.BigEndian.Uint32(hdr[:4]))
		typ := string(hdr[4:8])
		if n > 1<<31-1 {
			return res, errors.Join(retErr, fmt.Errorf("%w: PNG chunk %q at offset %d has length %d", ErrMalformed, typ, pos, n))
		}
		dataOff := pos + 8
		if dataOff+n > size {
			return res, errors.Join(retErr, fmt.Errorf("%w: PNG chunk %q at offset %d runs past the end of the file", errTruncated, typ, pos))
		}
		pos = dataOff + n + 4 // data and CRC
		if typ == "IEND" {
			return res, retErr
		}
		switch typ {
		case "tEXt", "zTXt", "iTXt", "eXIf", "caBX", "comf":
		default:
			continue // IDAT and every other chunk: seek past
		}
		if res.Reserve(reader.Payload, n) != nil {
			return res, errors.Join(retErr, fmt.Errorf("%w: metadata chunks exceed %d bytes", errLimit, maxTotalBlocks))
		}
		p, err := readBlock(r, dataOff, n, size)
		if err != nil {
			return res, errors.Join(retErr, err)
		}
		b, err := pngChunkBlock(typ, p)
		if err != nil {
			res.Warn("PNG %s chunk at offset %d: %v", typ, dataOff-8, err)
			retErr = errors.Join(retErr, reader.Noted(fmt.Errorf("PNG %s chunk at offset %d: %w", typ, dataOff-8, err)))
			if b.Data == nil {
				continue
			}
		}
		b.Offset, b.Size = dataOff, n
		if b.Kind == KindText && strings.HasPrefix(b.Key, pngRawProfile) {
			pngDecodeRawProfile(res, &b)
		}
		if err := res.Add(b); err != nil {
			return res, errors.Join(retErr, err)
		}
	}
}

// pngChunkBlock turns the data of one metadata chunk into a block. On a
// decompression limit it returns the truncated text with the error.
func pngChunkBlock(typ string, p []byte) (Block, error) {
	switch typ {
	case "eXIf":
		return Block{Kind: KindEXIF, Container: "PNG eXIf", Data: bytes.TrimPrefix(p, []byte("Exif\x00\x00"))}, nil
	case "caBX":
		return Block{Kind: KindC2PA, Container: "PNG caBX", Data: p}, nil
	}
	key, rest, ok := bytes.Cut(p, []byte{0})
	if !ok {
		return Block{}, fmt.Errorf("%w: no NUL after the keyword", ErrMalformed)
	}
	b := Block{Kind: KindText, Container: "PNG " + typ, Key: pngLatin1(key)}
	switch typ {
	case "tEXt":
		b.Data = []byte(pngLatin1(rest))
	case "comf":
		// ComfyUI: "workflow\0{json}", UTF-8.
		b.Data = rest
	case "zTXt":
		if len(rest) < 1 {
			return Block{}, fmt.Errorf("%w: no compression method", ErrMalformed)
		}
		if rest[0] != 0 {
			return Block{}, fmt.Errorf("%w: unknown compression method %d", ErrMalformed, rest[0])
		}
		text, err := inflateZlibBounded(rest[1:], maxBlockSize)
		if err != nil {
			return Block{}, err
		}
		b.Data = []byte(pngLatin1(text))
	case "iTXt":
		if len(rest) < 2 {
			return Block{}, fmt.Errorf("%w: iTXt header too short", ErrMalformed)
		}
		compressed, method := rest[0], rest[1]
		rest = rest[2:]
		var lang, tkey []byte
		if lang, rest, ok = bytes.Cut(rest, []byte{0}); !ok {
			return Block{}, fmt.Errorf("%w: no NUL after the language tag", ErrMalformed)
		}
		if tkey, rest, ok = bytes.Cut(rest, []byte{0}); !ok {
			return Block{}, fmt.Errorf("%w: no NUL after the translated keyword", ErrMalformed)
		}
		_, _ = lang, tkey
		if compressed != 0 {
			if method != 0 {
				return Block{}, fmt.Errorf("%w: unknown compression method %d", ErrMalformed, method)
			}
			text, err := inflateZlibBounded(rest, maxBlockSize)
			if err != nil {
				return Block{}, err
			}
			rest = text
		}
		b.Data = rest
		if b.Key == pngXMPKeyword {
			b.Kind = KindXMP
		}
	}
	return b, nil
}

// pngLatin1 converts ISO 8859-1 text to UTF-8. Many writers put UTF-8 in
// tEXt in spite of the specification; bytes that already form valid UTF-8
// with non-ASCII characters are kept as they are.
func pngLatin1(p []byte) string {
	ascii := true
	for _, c := range p {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii || utf8.Valid(p) {
		return string(p)
	}
	out := make([]rune, 0, len(p))
	for _, c := range p {
		out = append(out, rune(c))
	}
	return string(out)
}

// pngDecodeRawProfile turns an ImageMagick "Raw profile type NAME" text
// ("\nNAME\n   LENGTH\nHEX...") into the EXIF, XMP, Photoshop or IPTC
// block it encodes. The block stays text when it does not decode.
func pngDecodeRawProfile(res *Result, b *Block) {
	fields := strings.Fields(string(b.Data))
	// fields: the name (may be several words), the decimal length, then hex lines.
	li := -1
	for i, f := range fields {
		if _, err := strconv.ParseUint(f, 10, 31); err == nil {
			li = i
			break
		}
	}
	if li < 0 {
		res.Warn("PNG %s: no length", b.Key)
		return
	}
	n, _ := strconv.ParseUint(fields[li], 10, 31)
	if n > maxBlockSize || uint64(len(b.Data)) < 2*n {
		res.Warn("PNG %s: declared length %d does not fit the text", b.Key, n)
		return
	}
	data, err := hex.DecodeString(strings.Join(fields[li+1:], ""))
	if err != nil || uint64(len(data)) < n {
		res.Warn("PNG %s: hex data does not decode", b.Key)
		return
	}
	data = data[:n]
	switch name := strings.ToLower(strings.TrimPrefix(b.Key, pngRawProfile)); {
	case name == "exif":
		b.Kind, b.Data = KindEXIF, bytes.TrimPrefix(data, []byte("Exif\x00\x00"))
	case name == "xmp":
		b.Kind, b.Data = KindXMP, data
	case bytes.HasPrefix(data, []byte("8BIM")):
		b.Kind, b.Data = KindPhotoshop, data
	case name == "iptc" && len(data) > 0 && data[0] == 0x1C:
		b.Kind, b.Data = KindIPTC, data
	default:
		return
	}
	b.Note = "hex-decoded ImageMagick raw profile"
}
