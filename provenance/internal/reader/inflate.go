package reader

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"errors"
	"fmt"
	"io"

	"github.com/provscan/provscan/provenance/readerr"
)

// InflateZlib decompresses a zlib stream (RFC 1950), refusing to produce
// more than limit bytes. It is shared by the readers that meet compressed
// metadata (ID3 frames, PNG zTXt/iTXt, WOFF font tables). The
// limit is clamped to MaxBlockSize.
func InflateZlib(data []byte, limit int64) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: zlib header: %v", readerr.ErrMalformed, err)
	}
	defer zr.Close()
	return readBounded(zr, limit)
}

// Inflate decompresses data as a zlib stream, or as raw deflate when it has
// no zlib header, and reads at most limit bytes of the result (clamped to
// MaxBlockSize). over reports that the stream holds more than limit bytes;
// err is the decompressor's error, io.ErrUnexpectedEOF for a stream cut
// short, with out holding what inflated before it.
func Inflate(data []byte, limit int64) (out []byte, over bool, err error) {
	var rd io.Reader
	if zr, zerr := zlib.NewReader(bytes.NewReader(data)); zerr == nil {
		rd = zr
	} else {
		rd = flate.NewReader(bytes.NewReader(data))
	}
	return readAtMost(rd, limit)
}

// readBounded reads r to its end, failing with readerr.ErrLimit past limit
// bytes (clamped to MaxBlockSize).
func readBounded(r io.Reader, limit int64) ([]byte, error) {
	out, over, err := readAtMost(r, limit)
	if over {
		return nil, fmt.Errorf("%w: decompressed data larger than %d bytes", readerr.ErrLimit, clampLimit(limit))
	}
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return out, fmt.Errorf("%w: compressed stream ends early", readerr.ErrTruncated)
		}
		return out, fmt.Errorf("%w: inflate: %v", readerr.ErrMalformed, err)
	}
	return out, nil
}

// clampLimit keeps a decompression limit within (0, MaxBlockSize].
func clampLimit(limit int64) int64 {
	if limit <= 0 || limit > MaxBlockSize {
		return MaxBlockSize
	}
	return limit
}

// readAtMost reads r to its end or to one byte past limit (clamped), the
// one place every inflation of a reader is bounded.
func readAtMost(r io.Reader, limit int64) (out []byte, over bool, err error) {
	limit = clampLimit(limit)
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, limit+1))
	if n > limit {
		return nil, true, nil
	}
	return buf.Bytes(), false, err
}
