package main

import (
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// newRootCmd builds the command tree writing to the given streams.
func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "provscan",
		Short: "Find generative-AI provenance markers in deliverables",
		Long: `provscan reads only the metadata of every file in a folder of deliverables
(C2PA manifests, XMP, EXIF, IPTC, PNG text chunks ...) and reports each
generative-AI marker as a finding. Its exit code gates a handoff:
0 nothing at or above --fail-on, 1 findings at or above it, 2 usage error or scan failure.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       toolVersion(),
	}
	root.SetVersionTemplate(versionLine()) // --version prints what `provscan version` prints
	root.Flags().BoolP("version", "", false, "print the version and the Go version it was built with")
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(newScanCmd(stdout, stderr), newMergeCmd(stdout, stderr), newApproveCmd(stdout, stderr), newInspectCmd(stdout), newRulesCmd(stdout), newVersionCmd(stdout))
	return root
}

// isCobraUsage recognises the usage errors cobra returns as plain errors
// (unknown command, wrong number of arguments).
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "accepts ", "requires at least", "requires at most", "unknown flag", "unknown shorthand"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
