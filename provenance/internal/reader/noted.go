package reader

import "errors"

// Noted marks an error that a reader has also recorded in Result.Warnings,
// in its own words. The error still fails a file in which the reader found
// nothing; when the reader found blocks, Unnoted leaves it out so that one
// problem surfaces once among the warnings. errors.Is and errors.As see
// through the mark.
func Noted(err error) error {
	if err == nil {
		return nil
	}
	return noted{err}
}

type noted struct{ error }

func (n noted) Unwrap() error { return n.error }

// Unnoted returns err without its parts marked Noted (the parts of an
// errors.Join are looked at one by one): nil when every part was noted.
func Unnoted(err error) error {
	switch e := err.(type) {
	case nil, noted:
		return nil
	case interface{ Unwrap() []error }:
		parts := e.Unwrap()
		var kept []error
		for _, p := range parts {
			if u := Unnoted(p); u != nil {
				kept = append(kept, u)
			}
		}
		if len(kept) == len(parts) {
			return err
		}
		return errors.Join(kept...)
	}
	return err
}
