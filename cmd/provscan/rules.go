package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/provscan/provscan/scanner/rules"
)

// principles explains each production principle (DESIGN.md) on a rule's page.
var principles = map[string]string{
	rules.PrincipleTemporary:  "generated material is temporary and not part of the final deliverables",
	rules.PrincipleTalent:     "GenAI does not replace or generate talent performances or union-covered work without consent",
	rules.PrincipleInputs:     "inputs are safeguarded; tools are used in an enterprise-secured environment",
	rules.PrincipleNoTraining: "tools do not store, reuse or train on production data",
	rules.PrincipleCopyright:  "outputs do not recreate unowned material",
}

func newRulesCmd(stdout io.Writer) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "rules [RULE]",
		Short: "List the rules, or explain one: what it means, what to do, how to change it",
		Long: `Rules lists the rules: id, severity, principle and title. With a rule ID,
it prints that rule's page: what a finding means, what to do about it, how the
policy changes it, and how to record a written approval.`,
		Example: "  provscan rules\n  provscan rules genai-generator\n  provscan rules --json",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 1 {
				r := rules.Lookup(args[0])
				if r == nil {
					ids := make([]string, len(rules.Table))
					for i, x := range rules.Table {
						ids[i] = x.ID
					}
					return usageError{fmt.Errorf("unknown rule %q (the rules: %s)", args[0], strings.Join(ids, ", "))}
				}
				if asJSON {
					return writeJSON(stdout, r)
				}
				_, err := io.WriteString(stdout, rulePage(r))
				return err
			}
			if asJSON {
				return writeJSON(stdout, rules.Table)
			}
			tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSEVERITY\tPRINCIPLE\tTITLE")
			for _, r := range rules.Table {
				p := r.Principle
				if p == "" {
					p = "-"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, p, r.Title)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			_, err := fmt.Fprintln(stdout, "\n`provscan rules RULE` explains one.")
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the rule table (or the rule) as JSON")
	return cmd
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// rulePage is the page `provscan rules RULE` prints.
func rulePage(r *rules.Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n\n", r.ID, r.Title)
	gate := fmt.Sprintf("fails the default gate (--fail-on %s)", rules.DefaultFailOn)
	switch {
	case r.ID == rules.Unreadable:
		gate = "the file was not inspected, which fails the gate unless --allow-unreadable"
	case r.ID == rules.GenAILabel:
		// The one rule whose findings take their severity from the file.
		gate = fmt.Sprintf("at most; each finding is high, medium or low by the label (Label 1, 2, 3), and only a high one fails the default gate (--fail-on %s)", rules.DefaultFailOn)
	case r.Severity < rules.DefaultFailOn:
		gate = fmt.Sprintf("below the default gate (--fail-on %s); --fail-on %s makes it fail", rules.DefaultFailOn, r.Severity)
	}
	const hang = "             "
	b.WriteString(wrapText(fmt.Sprintf("%s: %s", r.Severity, gate), "  Severity   ", hang, 78))
	if r.Principle != "" {
		b.WriteString(wrapText(fmt.Sprintf("%s: %s", r.Principle, principles[r.Principle]), "  Principle  ", hang, 78))
	} else {
		b.WriteString("  Principle  none: the finding says what provscan could not check\n")
	}
	b.WriteString("\nWhat it means and what to do\n")
	b.WriteString(wrapText(r.Help, "  ", "  ", 78))
	fmt.Fprintf(&b, `
Change it in the policy (.provscan.yaml)
  rules:
    %[1]s:
      severity: %-8[2]s  # info, low, medium, high or critical
      # disabled: true    # or: never report it
  A path or a generator can be allowed instead: see "paths" and
  "allowed_generators" in the README.

Approve a file in writing (by content: an edited file needs a new approval)
  provscan approve PATH --rule %[1]s \
    --reference LEGAL-2026-114 --by "Jane Doe, post supervisor" \
    --expires 2026-12-31
`, r.ID, r.Severity.String())
	return b.String()
}

// wrapText wraps text at width columns, the first line starting with first,
// the next ones with rest.
func wrapText(text, first, rest string, width int) string {
	var b strings.Builder
	line, empty := first, true
	for _, w := range strings.Fields(text) {
		if !empty && len(line)+1+len(w) > width {
			b.WriteString(line + "\n")
			line, empty = rest, true
		}
		if !empty {
			line += " "
		}
		line += w
		empty = false
	}
	if !empty {
		b.WriteString(line + "\n")
	}
	return b.String()
}
