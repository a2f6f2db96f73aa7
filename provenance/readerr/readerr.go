// Package readerr holds the error values every reader and interpreter of
// provenance wraps, so that a caller tells a file no reader knows, a file
// cut short, a malformed file and a limit reached apart with errors.Is,
// whichever package returned the error; and the cap on the warnings kept
// for one file.
package readerr

import "errors"

// Errors returned by readers and interpreters; wrap them with context.
var (
	// ErrUnknownFormat says no reader knows the bytes.
	ErrUnknownFormat = errors.New("unknown format")
	// ErrTruncated says the bytes end before a length read from them.
	ErrTruncated = errors.New("truncated")
	// ErrMalformed says the bytes break the format's rules.
	ErrMalformed = errors.New("malformed")
	// ErrLimit says a cap on allocation, count, depth or size was reached.
	ErrLimit = errors.New("limit exceeded")
)
