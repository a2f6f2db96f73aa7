package readerr

import "fmt"

// MaxWarnings caps the warnings kept for one file: past it, more warnings
// are dropped (the file's error, if any, still says what stopped it).
const MaxWarnings = 64

// Warn appends a warning to *ws unless it already holds MaxWarnings.
func Warn(ws *[]string, format string, args ...any) {
	if len(*ws) < MaxWarnings {
		*ws = append(*ws, fmt.Sprintf(format, args...))
	}
}
