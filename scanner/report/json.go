package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
)

func init() {
	Register(Format{Name: "json", Rank: 1, Write: func(w io.Writer, r *Report, _ TextOptions) error { return WriteJSON(w, r) }})
}

// WriteJSON writes r as JSON indented by two spaces, followed by a newline.
// Empty lists are written as [] and never as null; map keys are sorted, so
// two reports of the same tree differ only in their timing fields.
//
// The findings are streamed one by one through a buffered writer: a report of
// a large delivery (tens of thousands of findings) is never built as one
// buffer in memory. The bytes are those of encoding the whole report at once.
func WriteJSON(w io.Writer, r *Report) error {
	head := *r
	head.Findings = nil
	var hb bytes.Buffer
	enc := json.NewEncoder(&hb)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(normalized(&head)); err != nil {
		return err
	}
	const slot = "\n  \"findings\": [],\n"
	before, after, ok := bytes.Cut(hb.Bytes(), []byte(slot))
	if !ok || len(r.Findings) == 0 {
		_, err := w.Write(hb.Bytes())
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(before)
	bw.WriteString("\n  \"findings\": [\n")
	var fb bytes.Buffer
	fenc := json.NewEncoder(&fb)
	fenc.SetIndent("    ", "  ")
	fenc.SetEscapeHTML(false)
	one := []Finding{{}}
	for i := range r.Findings {
		one[0] = r.Findings[i]
		f := normalized(&Report{Findings: one}).Findings[0]
		fb.Reset()
		if err := fenc.Encode(f); err != nil {
			return err
		}
		bw.WriteString("    ")
		bw.Write(bytes.TrimSuffix(fb.Bytes(), []byte("\n")))
		if i < len(r.Findings)-1 {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
	}
	bw.WriteString("  ],\n")
	bw.Write(after)
	return bw.Flush()
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
	if c.Unsupported == nil {
		c.Unsupported = []UnsupportedFile{}
	}
	if c.Links == nil {
		c.Links = []Link{}
	}
	if c.Sequences == nil {
		c.Sequences = []Sequence{}
	}
	if c.Packages == nil {
		c.Packages = []Package{}
	}
	if c.Gate != nil && c.Gate.Reasons == nil {
		g := *c.Gate
		g.Reasons = []string{}
		c.Gate = &g
	}
	if c.Policy != nil {
		p := *c.Policy
		if p.Files == nil {
			p.Files = []PolicyFile{}
		}
		if p.NotApplied == nil {
			p.NotApplied = []PolicyFile{}
		}
		if p.Excluded == nil {
			p.Excluded = []Excluded{}
		}
		c.Policy = &p
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
