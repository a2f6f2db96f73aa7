package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/provscan/provscan/scanner"
)

func newApproveCmd(stdout io.Writer) *cobra.Command {
	var reference, by, expires, rule, file string
	cmd := &cobra.Command{
		Use:   "approve PATH...",
		Short: "Record written approvals for files, by content hash",
		Long: `Approve appends one entry per file to the approvals file (default
./` + scanner.ApprovalsFile + `): the file's SHA-256, its path (for information),
the rule it covers ("*" for every rule), the approval reference, who approved
and until when. A later scan reports the matching findings as approved and
does not fail on them. Editing a file changes its hash, so the approval no
longer covers it. Nothing is written next to the approved files unless the
approvals file is there.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if strings.TrimSpace(reference) == "" || strings.TrimSpace(by) == "" {
				return usageError{fmt.Errorf("--reference and --by are required")}
			}
			if expires != "" {
				t, err := scanner.ParseExpiry(expires)
				if err != nil {
					return usageError{fmt.Errorf("--expires: %w", err)}
				}
				if !t.After(time.Now()) {
					return usageError{fmt.Errorf("--expires %s is in the past", expires)}
				}
			}
			entries, err := scanner.NewApprovals(args, rule, reference, by, expires)
			if err != nil {
				return usageError{err}
			}
			n, err := scanner.AppendApprovals(file, entries)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(stdout, "provscan: %d approval(s) added to %s (%d already present)\n", n, file, len(entries)-n)
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&reference, "reference", "", "the approval ticket or letter (required)")
	fl.StringVar(&by, "by", "", "who approved (required)")
	fl.StringVar(&expires, "expires", "", "last day the approval is valid, `YYYY-MM-DD` (default: no expiry)")
	fl.StringVar(&rule, "rule", "*", "the rule ID the approval covers, or * for every rule")
	fl.StringVar(&file, "approvals", scanner.ApprovalsFile, "approvals `FILE` to append to")
	return cmd
}
