// Package exif reads the text fields of a raw EXIF (TIFF-structured) block,
// from any container. A bounded walk of its own finds the IFDs (the
// github.com/dsoprea/go-exif/v3 library is consulted only where that walk
// stops on a broken link, and its IFDs merged with the walk's); values are
// decoded from the raw entries.
package exif

// Field is one decoded EXIF field.
type Field struct {
	IFD      string `json:"ifd"`                // "IFD0", "ExifIFD", "GPSIFD", "IFD1"
	Tag      uint16 `json:"tag"`                // the tag number, e.g. 0x9286
	Name     string `json:"name"`               // the tag name, e.g. "UserComment"
	Value    string `json:"value"`              // the decoded text
	Encoding string `json:"encoding,omitempty"` // for UserComment: "ascii", "unicode/utf-16-be", "unicode/utf-16-le", "unicode/utf-8", "jis", "undefined", "no-prefix"
}
