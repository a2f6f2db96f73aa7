package report

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// ReadJSON reads a JSON report written by WriteJSON (a shard's, for merge):
// one object of at most MaxReadJSON bytes, with nothing after it.
func ReadJSON(r io.Reader) (*Report, error) {
	lr := &io.LimitedReader{R: r, N: MaxReadJSON + 1}
	dec := json.NewDecoder(bufio.NewReaderSize(lr, 64<<10))
	var rep Report
	if err := dec.Decode(&rep); err != nil {
		if lr.N <= 0 {
			return nil, fmt.Errorf("larger than %d bytes", int64(MaxReadJSON))
		}
		return nil, fmt.Errorf("not a JSON report: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("not a JSON report: data after the report object")
	}
	if rep.Schema == "" {
		return nil, errors.New("not a provscan JSON report: no schema")
	}
	return &rep, nil
}
