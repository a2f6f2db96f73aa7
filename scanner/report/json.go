package report

import (
	"encoding/json"
	"io"
)

// WriteJSON writes r as JSON indented by two spaces, followed by a newline.
// Empty lists are written as [] and never as null; map keys are sorted, so
// two reports of the same tree differ only in their timing fields.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(normalized(r))
}

// normalized returns a shallow copy of r whose lists and maps are never nil.
func normalized(r *Report) *Report {
	c := *r
	if c.Roots == nil {
		c.Roots = []string{}
	}
	if c.Findings == nil {
		c.Findings = []Finding{}
	}
	if c.Errors == nil {
		c.Errors = []Error{}
	}
	if c.Summary.ByRule == nil {
		c.Summary.ByRule = map[string]int{}
	}
	if c.Summary.BySeverity == nil {
		c.Summary.BySeverity = map[string]int{}
	}
	fs := make([]Finding, len(c.Findings))
	for i, f := range c.Findings {
		if f.Evidence == nil {
			f.Evidence = []Evidence{}
		}
		fs[i] = f
	}
	c.Findings = fs
	return &c
}
