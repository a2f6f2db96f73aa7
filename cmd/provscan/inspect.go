package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/provscan/provscan/provenance/c2pa"
	"github.com/provscan/provscan/scanner"
	"github.com/provscan/provscan/scanner/report"
)

func newInspectCmd(stdout io.Writer) *cobra.Command {
	var asJSON bool
	var cf c2paFlags
	cmd := &cobra.Command{
		Use:   "inspect FILE|URL",
		Short: "Show everything provscan sees in one file",
		Long: `Inspect shows the container of one file, each metadata block found (kind,
location, offset, size), the decoded XMP properties, EXIF fields, IPTC
datasets, text chunks, C2PA manifests in summary, the evidence and the findings.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			iopts, err := cf.options()
			if err != nil {
				return usageError{err}
			}
			in, err := scanner.InspectFile(args[0], scanner.Options{Version: toolVersion(), Inspect: inspector, InspectOptions: iopts})
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				return enc.Encode(in)
			}
			return writeInspection(stdout, in)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of text")
	cf.register(cmd.Flags())
	return cmd
}

// clean shortens a value from the file for one line of text output.
func clean(s string) string { return report.Clean(s, 160) }

// writeInspection prints an Inspection as sections of aligned text.
func writeInspection(w io.Writer, in *scanner.Inspection) error {
	ew := &report.ErrWriter{W: w}
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	format := in.Format
	if in.Unsupported {
		format = "unknown (not a format provscan reads)"
	}
	fmt.Fprintf(tw, "file\t%s\n", clean(in.Path))
	fmt.Fprintf(tw, "format\t%s\n", format)
	if in.Media != "" {
		fmt.Fprintf(tw, "media\t%s\n", in.Media)
	}
	if in.Requests > 0 {
		fmt.Fprintf(tw, "size\t%d bytes (%d read; %d requests, %d bytes transferred)\n", in.Size, in.BytesRead, in.Requests, in.Transferred)
	} else {
		fmt.Fprintf(tw, "size\t%d bytes (%d read)\n", in.Size, in.BytesRead)
	}
	if in.Error != "" {
		fmt.Fprintf(tw, "error\t%s\n", clean(in.Error))
	}
	if p := in.Package; p != nil {
		pkg := p.Annotation
		if pkg == "" {
			pkg = p.ID
		}
		if p.Title != "" {
			pkg += " \"" + p.Title + "\""
		}
		fmt.Fprintf(tw, "package\t%s (IMF, %s lists it as %s)\n", clean(pkg), clean(p.AssetMap), clean(p.AssetID))
	}
	tw.Flush()

	section(ew, "metadata blocks", len(in.Blocks))
	if len(in.Blocks) > 0 {
		fmt.Fprintln(tw, "  KIND\tCONTAINER\tOFFSET\tSIZE\tKEY")
		for _, b := range in.Blocks {
			fmt.Fprintf(tw, "  %s\t%s\t%d\t%d\t%s\n", b.Kind, clean(b.Container), b.Offset, b.Size, clean(b.Key))
		}
		tw.Flush()
	}
	if len(in.XMP) > 0 {
		section(ew, "XMP properties", len(in.XMP))
		for _, p := range in.XMP {
			lang := ""
			if p.Lang != "" {
				lang = " [" + p.Lang + "]"
			}
			fmt.Fprintf(tw, "  %s%s\t%s\n", clean(p.Path), lang, clean(p.Value))
		}
		tw.Flush()
	}
	if len(in.EXIF) > 0 {
		section(ew, "EXIF fields", len(in.EXIF))
		for _, f := range in.EXIF {
			enc := ""
			if f.Encoding != "" {
				enc = " (" + f.Encoding + ")"
			}
			fmt.Fprintf(tw, "  %s.%s\t0x%04x\t%s%s\n", f.IFD, f.Name, f.Tag, clean(f.Value), enc)
		}
		tw.Flush()
	}
	if len(in.IPTC) > 0 {
		section(ew, "IPTC datasets", len(in.IPTC))
		for _, d := range in.IPTC {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", clean(d.Container), clean(d.Key), clean(d.Value))
		}
		tw.Flush()
	}
	if len(in.Text) > 0 {
		section(ew, "text entries", len(in.Text))
		for _, t := range in.Text {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", clean(t.Container), clean(t.Key), clean(t.Value))
		}
		tw.Flush()
	}
	for _, st := range in.C2PA {
		section(ew, fmt.Sprintf("C2PA manifest store (%s @%d)", clean(st.Container), st.Offset), -1)
		if st.Store != nil {
			writeStore(ew, st.Store)
		}
	}
	if len(in.MemberNames) > 0 {
		section(ew, "archive members", len(in.MemberNames))
		for _, m := range in.MemberNames {
			fmt.Fprintf(ew, "  %s\n", clean(m))
		}
	}
	section(ew, "evidence", len(in.Evidence))
	for _, e := range in.Evidence {
		loc := e.Container
		if e.Location != "" {
			loc += " > " + e.Location
		}
		gen := e.Generator
		if gen == "" {
			gen = "-"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s @%d\t%s\t%s\n", e.Kind, clean(gen), clean(loc), e.Offset, clean(e.Field), clean(e.Value))
	}
	tw.Flush()
	section(ew, "findings", len(in.Findings))
	for _, f := range in.Findings {
		gen := f.Generator
		if gen == "" {
			gen = "-"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", f.Severity, f.Rule, clean(gen), f.Confidence, clean(f.Message))
	}
	tw.Flush()
	if len(in.Incomplete) > 0 {
		section(ew, "not fully inspected", len(in.Incomplete))
		for _, m := range in.Incomplete {
			fmt.Fprintf(ew, "  %s\n", clean(m))
		}
	}
	if len(in.Warnings) > 0 {
		section(ew, "warnings", len(in.Warnings))
		for _, m := range in.Warnings {
			fmt.Fprintf(ew, "  %s\n", clean(m))
		}
	}
	return ew.Err
}

// writeStore prints the manifest tree: the active manifest first, each
// ingredient's manifest indented under the ingredient, recursively, then any
// manifest no ingredient refers to (update manifests, leftovers).
func writeStore(w io.Writer, st *c2pa.Store) {
	if st.ValidationState != "" {
		fmt.Fprintf(w, "  validation state: %s\n", st.ValidationState)
	}
	byLabel := map[string]*c2pa.Manifest{}
	for _, m := range st.Manifests {
		byLabel[m.Label] = m
	}
	printed := map[string]bool{}
	if m := byLabel[st.Active]; m != nil {
		writeManifest(w, st, m, byLabel, printed, 1)
	}
	for _, m := range st.Manifests {
		if !printed[m.Label] {
			writeManifest(w, st, m, byLabel, printed, 1)
		}
	}
}

func writeManifest(w io.Writer, st *c2pa.Store, m *c2pa.Manifest, byLabel map[string]*c2pa.Manifest, printed map[string]bool, depth int) {
	pad := strings.Repeat("  ", depth)
	printed[m.Label] = true
	active := ""
	if m.Label == st.Active {
		active = " (active)"
	}
	fmt.Fprintf(w, "%smanifest %s%s\n", pad, clean(m.Label), active)
	pad += "  "
	var gens []string
	if m.ClaimGenerator != "" {
		gens = append(gens, m.ClaimGenerator)
	}
	for _, g := range m.ClaimGeneratorInfo {
		gens = append(gens, strings.TrimSpace(g.Name+" "+g.Version))
	}
	if len(gens) > 0 {
		fmt.Fprintf(w, "%sclaim generator: %s\n", pad, clean(strings.Join(gens, "; ")))
	}
	if m.Title != "" {
		fmt.Fprintf(w, "%stitle: %s\n", pad, clean(m.Title))
	}
	if m.Signer != nil {
		fmt.Fprintf(w, "%ssigner: %s\n", pad, clean(m.Signer.String()))
	}
	if m.SigningTime != nil {
		fmt.Fprintf(w, "%ssigning time: %s\n", pad, m.SigningTime.UTC().Format("2006-01-02T15:04:05Z"))
	}
	if m.ValidationState != "" {
		line := pad + "validation: " + m.ValidationState
		if len(m.ValidationStatus) > 0 {
			line += " (" + clean(strings.Join(m.ValidationStatus, ", ")) + ")"
		}
		fmt.Fprintln(w, line)
	}
	if len(m.Assertions) > 0 {
		fmt.Fprintf(w, "%sassertions: %s\n", pad, clean(strings.Join(m.Assertions, ", ")))
	}
	for _, a := range m.Actions {
		line := pad + "action " + clean(a.Action)
		if a.DigitalSourceType != "" {
			line += ", source type " + clean(a.DigitalSourceType)
		}
		if a.SoftwareAgent != "" {
			line += ", agent " + clean(a.SoftwareAgent)
		}
		fmt.Fprintln(w, line)
	}
	for _, t := range m.IPTCSourceTypes {
		fmt.Fprintf(w, "%sIPTC source type: %s\n", pad, clean(t))
	}
	for _, k := range slices.Sorted(maps.Keys(m.TrainingMining)) {
		fmt.Fprintf(w, "%straining-mining %s: %s\n", pad, clean(k), clean(m.TrainingMining[k]))
	}
	for _, in := range m.Ingredients {
		line := pad + "ingredient " + clean(in.Title)
		if in.Relationship != "" {
			line += " (" + clean(in.Relationship) + ")"
		}
		if len(in.ValidationStatus) > 0 {
			line += ", recorded status " + clean(strings.Join(in.ValidationStatus, ", "))
		}
		sub := byLabel[in.Manifest]
		switch {
		case in.Manifest == "":
			line += ", no manifest"
		case sub == nil:
			line += ", manifest " + clean(in.Manifest) + " (missing from the store)"
		case printed[in.Manifest]:
			line += ", manifest " + clean(in.Manifest) + " (shown above)"
		}
		fmt.Fprintln(w, line)
		if sub != nil && !printed[in.Manifest] && depth < 16 {
			writeManifest(w, st, sub, byLabel, printed, depth+2)
		}
	}
}

func section(w io.Writer, title string, n int) {
	if n >= 0 {
		fmt.Fprintf(w, "\n%s (%d)\n", title, n)
		return
	}
	fmt.Fprintf(w, "\n%s\n", title)
}
