package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Format is one report format of --format and --report: each writer file
// registers its own with Register, so that a new format is one new file.
type Format struct {
	// Name is the format's name on the command line ("json").
	Name string
	// Rank orders the list of formats (lowest first; the default, text, is 0).
	Rank int
	// Write writes a report in this format. opts are zero unless TextOptions.
	Write func(w io.Writer, r *Report, opts TextOptions) error
	// TextOptions says that Write takes the text options (colour, evidence,
	// width): the caller fills them for the destination.
	TextOptions bool
}

var formats = map[string]Format{}

// Register adds a report format. It panics on an empty or duplicate name or
// a missing Write: a programming error, found at start-up.
func Register(f Format) {
	if f.Name == "" || f.Write == nil {
		panic("report: Register needs a name and a Write function")
	}
	if _, dup := formats[f.Name]; dup {
		panic("report: format " + f.Name + " registered twice")
	}
	formats[f.Name] = f
}

// Formats returns the names of the registered formats, by rank.
func Formats() []string {
	fs := make([]Format, 0, len(formats))
	for _, f := range formats {
		fs = append(fs, f)
	}
	slices.SortFunc(fs, func(a, b Format) int { return cmp.Or(cmp.Compare(a.Rank, b.Rank), cmp.Compare(a.Name, b.Name)) })
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return names
}

// FormatList returns the format names for a sentence: "text, json, sarif or junit".
func FormatList() string {
	names := Formats()
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// LookupFormat returns the format of that name; an unknown name is an error
// that lists the formats.
func LookupFormat(name string) (Format, error) {
	f, ok := formats[name]
	if !ok {
		return Format{}, fmt.Errorf("unknown format %q (want %s)", name, strings.Join(Formats(), ", "))
	}
	return f, nil
}
