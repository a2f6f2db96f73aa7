package container

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
)

// inflateZlibBounded decompresses a zlib stream (RFC 1950), refusing to
// produce more than limit bytes. It is shared by the readers that meet
// compressed metadata (ID3 frames, PNG zTXt/iTXt, ...). The limit is clamped
// to maxBlockSize.
func inflateZlibBounded(data []byte, limit int64) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: zlib header: %v", ErrMalformed, err)
	}
	defer zr.Close()
	return readBounded(zr, limit)
}

// inflateRawBounded decompresses a raw deflate stream (RFC 1951) with the
// same bound as inflateZlibBounded.
func inflateRawBounded(data []byte, limit int64) ([]byte, error) {
	fr := flate.NewReader(bytes.NewReader(data))
	defer fr.Close()
	return readBounded(fr, limit)
}

// readBounded reads r to its end, failing with ErrLimit past limit bytes.
func readBounded(r io.Reader, limit int64) ([]byte, error) {
	if limit <= 0 || limit > maxBlockSize {
		limit = maxBlockSize
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, limit+1))
	if n > limit {
		return nil, fmt.Errorf("%w: decompressed data larger than %d bytes", ErrLimit, limit)
	}
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return buf.Bytes(), fmt.Errorf("%w: compressed stream ends early", ErrTruncated)
		}
		return buf.Bytes(), fmt.Errorf("%w: inflate: %v", ErrMalformed, err)
	}
	return buf.Bytes(), nil
}
