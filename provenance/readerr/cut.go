package readerr

import "errors"

// Cuts returns the messages of the parts of err that wrap ErrLimit: each
// is a cap that stopped a reader or an interpreter before the end of its
// input, so that what lay beyond it was not inspected. The parts of an
// errors.Join are looked at one by one; a part that does not wrap ErrLimit
// gives nothing.
func Cuts(err error) []string {
	if err == nil || !errors.Is(err, ErrLimit) {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, p := range j.Unwrap() {
			out = append(out, Cuts(p)...)
		}
		return out
	}
	if w, ok := err.(interface{ Unwrap() error }); ok {
		// A wrapper of a join (a reader's family prefix around several
		// errors) names each limit, with its own prefix.
		if inner := w.Unwrap(); inner != nil {
			if _, joined := inner.(interface{ Unwrap() []error }); joined {
				return Cuts(inner)
			}
		}
	}
	return []string{err.Error()}
}
