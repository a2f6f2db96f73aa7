package report

import "io"

// ErrWriter passes writes to W and keeps the first write error in Err;
// after an error it writes nothing more, so a writer can check once at the end.
type ErrWriter struct {
	W   io.Writer
	Err error
}

// Write writes p to W unless an earlier write failed.
func (e *ErrWriter) Write(p []byte) (int, error) {
	if e.Err != nil {
		return 0, e.Err
	}
	n, err := e.W.Write(p)
	e.Err = err
	return n, err
}
