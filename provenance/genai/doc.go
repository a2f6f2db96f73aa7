package genai

import (
	"fmt"
	"io"
	"strings"
)

// WriteCatalogue writes the generator catalogue and the talent techniques as
// Markdown (docs/catalogue.md is its output, checked by a test): one table
// row per catalogue row, with where it looks, what it matches, its example
// and its source.
func WriteCatalogue(w io.Writer) error {
	var b strings.Builder
	b.WriteString(`# The generator catalogue

Generated from ` + "`provenance/genai`" + ` (` + "`Catalogue`, `Techniques`, `Sources`" + `) by
` + "`go test ./provenance/genai -run TestCatalogueDoc -update`" + `; do not edit by hand.

A fact (a field of a file's metadata: EXIF, XMP, IPTC, a text entry, a C2PA
manifest field, or a *tool* value naming the writing software) is matched
against the rows in order; the first row that matches names the generator.
Source "any" means every source but C2PA and tool facts; "tool" rows look at
tool facts of every container. A row marked *prompt* also reports the field
as generation inputs left in the file (` + "`prompt-embedded`" + `).

## Generators

| ID | generator | source and fields | matches | confidence | prompt | example | source |
|---|---|---|---|---|---|---|---|
`)
	for _, s := range Catalogue {
		src := string(s.Source)
		if src == "" {
			src = "any"
		}
		if len(s.Fields) > 0 {
			src += ": " + strings.Join(s.Fields, ", ")
		}
		match := "the field is present"
		switch {
		case s.A1111 && s.Value != nil:
			match = "an AUTOMATIC1111 parameters text with `" + s.Value.String() + "`"
		case s.A1111:
			match = "an AUTOMATIC1111 parameters text"
		case s.Value != nil:
			match = "`" + s.Value.String() + "`"
		}
		if s.Named {
			match += " (the generator is named by the value)"
		}
		if s.PromptOnly {
			match += " (generation inputs only: names no generator)"
		}
		if s.Attribution {
			match += " (attribution only: names the generator of source types of its store)"
		}
		prompt := ""
		if s.Prompt {
			prompt = "prompt"
		}
		example := fmt.Sprintf("%s `%s` = `%s`", s.Example.Source, s.Example.Field, s.Example.Value)
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", s.ID, cell(s.Generator), cell(src), cell(match), s.Confidence, prompt, cell(example), cell(Sources[s.ID]))
	}
	b.WriteString(`
## Talent techniques

A technique named in a file's generation inputs (a prompt graph, a workflow,
a parameters text) is a ` + "`synthetic-performance`" + ` finding on any file,
stills included, naming the technique and the tool.

| ID | technique | tool | matches | example |
|---|---|---|---|---|
`)
	for _, t := range Techniques {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", t.ID, t.Name, cell(t.Tool), cell("`"+t.Value.String()+"`"), cell("`"+t.Example+"`"))
	}
	b.WriteString(`
## Labels and flags read as values

Some markers are values to read, not text to match, and are read by code
rather than by a row:

| reader | what it reads | finding | source |
|---|---|---|---|
| ` + "`LabelOf` (label.go)" + ` | the GB 45438-2025 implicit label, JSON under the key ` + "`AIGC`" + ` in any carrier (Label 1, 2, 3) | ` + "`genai-label`" + ` high, medium, low | TC260 practice guide on the implicit label (2025-08); corpus av/MARKERS.md |
| ` + "`LabelOf` (label.go)" + ` | TikTok ` + "`aigc_info`" + ` (` + "`aigc_label_type`" + ` 1 or 2; 0 is not a label) | ` + "`genai-label`" + ` high | corpus av/MARKERS.md; sample av/tiktok/ |
| ` + "`topazEdit` (enhance.go)" + ` | a Topaz Video AI ` + "`videoai`" + ` key | ` + "`genai-edit`" + ` (AI enhancement) | issue 14; corpus av/MARKERS.md (Topaz ships an ffmpeg build with tvai_* filters; no sample) |
| ` + "`capcutFlags` (capcut.go)" + ` | CapCut/vicut per-feature AI-usage flags, only those set to 1 | ` + "`genai-generator`" + ` CapCut; a voice, singing-voice or face clone also ` + "`synthetic-performance`" + ` | corpus av/MARKERS.md, "CapCut / vicut exports" row |
`)
	_, err := io.WriteString(w, b.String())
	return err
}

// cell makes s fit one Markdown table cell: pipes escaped, line breaks as
// spaces, cut at 300 characters.
func cell(s string) string {
	s = strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ").Replace(s)
	if r := []rune(s); len(r) > 300 {
		s = string(r[:300]) + "…"
		if strings.Count(s, "`")%2 == 1 {
			s += "`"
		}
	}
	return s
}
