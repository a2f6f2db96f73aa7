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
// The findings, the sequences and the objects, the lists that grow with the
// delivery, are streamed one element at a time through a buffered writer: a report of a
// large delivery (tens of thousands of findings, thousands of sequences) is
// never built as one buffer in memory. The bytes are those of encoding the
// whole report at once.
func WriteJSON(w io.Writer, r *Report) error {
	head := *r
	head.Findings, head.Sequences = nil, nil
	if len(r.Objects) > 0 {
		head.Objects = []ObjectStats{{}} // a placeholder, replaced by the stream (the list is omitted when empty)
	}
	var hb bytes.Buffer
	enc := json.NewEncoder(&hb)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(normalized(&head)); err != nil {
		return err
	}
	var eb bytes.Buffer
	eenc := json.NewEncoder(&eb)
	eenc.SetIndent("    ", "  ")
	eenc.SetEscapeHTML(false)
	if err := eenc.Encode(ObjectStats{}); err != nil {
		return err
	}
	objectsSlot := "\n  \"objects\": [\n    " + string(bytes.TrimSuffix(eb.Bytes(), []byte("\n"))) + "\n  ]"
	nr := normalized(&Report{Findings: r.Findings})
	lists := []struct {
		name string
		n    int
		elem func(i int) any
		slot string // what the head holds in the list's place; its end follows "]"
		end  string
	}{
		{"findings", len(r.Findings), func(i int) any { return nr.Findings[i] }, "\n  \"findings\": [],\n", "  ],\n"},
		{"sequences", len(r.Sequences), func(i int) any { return r.Sequences[i] }, "\n  \"sequences\": [],\n", "  ],\n"},
		{"objects", len(r.Objects), func(i int) any { return r.Objects[i] }, objectsSlot, "  ]"},
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	rest := hb.Bytes()
	for _, l := range lists {
		before, after, ok := bytes.Cut(rest, []byte(l.slot))
		if !ok || l.n == 0 {
			continue
		}
		bw.Write(before)
		bw.WriteString("\n  \"" + l.name + "\": [\n")
		for i := range l.n {
			eb.Reset()
			if err := eenc.Encode(l.elem(i)); err != nil {
				return err
			}
			bw.WriteString("    ")
			bw.Write(bytes.TrimSuffix(eb.Bytes(), []byte("\n")))
			if i < l.n-1 {
				bw.WriteString(",")
			}
			bw.WriteString("\n")
		}
		bw.WriteString(l.end)
		rest = after
	}
	bw.Write(rest)
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
