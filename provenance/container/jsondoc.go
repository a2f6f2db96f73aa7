package container

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/provscan/provscan/provenance/internal/reader"
)

// formatJSON is a JSON document (a ComfyUI workflow, an application's
// settings ...).
const formatJSON Format = "JSON"

// matchJSON matches a JSON document: after an optional byte order mark and
// white space, an object or an array whose tokens in the head are valid
// JSON (the whole document, when the head is all of it), in a head that is
// UTF-8 text.
func matchJSON(head []byte) bool {
	p := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF")), " \t\r\n")
	if len(p) < 2 || (p[0] != '{' && p[0] != '[') || !isText(p) {
		return false
	}
	if len(head) < sniffLen {
		return json.Valid(p)
	}
	d := json.NewDecoder(bytes.NewReader(p))
	d.UseNumber()
	for range sniffLen {
		if _, err := d.Token(); err != nil {
			return err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF)
		}
	}
	return true
}

// readJSON reads a JSON document as one text block keyed "json": the
// generator catalogue matches a ComfyUI workflow or API prompt, or a
// generator's settings, wherever it lies in a delivery. A document larger
// than Limits.SVGRead is read up to it and cut; one that is not valid JSON
// is kept as read, with an error.
func readJSON(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatJSON, Budget: b}
	data, err := readWholeText(res, r, size, "JSON", "json")
	if err != nil || int64(len(data)) < size {
		return res, err
	}
	if !json.Valid(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))) {
		var v any
		err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")), &v)
		return res, fmt.Errorf("%w: not valid JSON: %v", ErrMalformed, err)
	}
	return res, nil
}

// readWholeText reads a text file, up to the XML read cap and the block
// cap, as one text block (container, key); what lies beyond is a cut. It
// returns the bytes read.
func readWholeText(res *Result, r io.ReaderAt, size int64, container, key string) ([]byte, error) {
	n := min(size, res.Budget.Limits().SVGRead, maxBlockSize)
	data, err := readBlockBudget(res, r, 0, n, size)
	if err != nil {
		return nil, err
	}
	if err := res.Add(Block{Kind: KindText, Container: container, Key: key, Offset: 0, Size: n, Data: data}); err != nil {
		return data, err
	}
	if n < size {
		res.Cut("stopped reading after %d of %d bytes", n, size)
	}
	return data, nil
}
