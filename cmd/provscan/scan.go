package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/provscan/provscan/scanner"
	"github.com/provscan/provscan/scanner/report"
	"github.com/provscan/provscan/scanner/rules"
)

// scanFlags are the flags of `provscan scan`.
type scanFlags struct {
	format         string
	output         string
	workers        int
	exclude        []string
	followSymlinks bool
	failOn         string
	quiet          bool
	verbose        bool
}

func newScanCmd(stdout, stderr io.Writer) *cobra.Command {
	var f scanFlags
	cmd := &cobra.Command{
		Use:   "scan [PATH...]",
		Short: "Scan files and folders for generative-AI provenance markers",
		Long: `Scan reads the metadata of every file under the given paths (default ".") and
reports each generative-AI provenance marker as a finding.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
2 usage error or the scan itself failed (a path that does not exist, an
output file that cannot be written). A file that cannot be parsed is an
"unreadable" finding, not a failure of the scan.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScan(cmd, args, &f, stdout, stderr)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.format, "format", "text", "report format: text or json")
	fl.StringVarP(&f.output, "output", "o", "", "write the report to `FILE` instead of standard output")
	fl.IntVar(&f.workers, "workers", 0, "files read at once (default: number of CPUs)")
	fl.StringArrayVar(&f.exclude, "exclude", nil, "skip paths matching `GLOB` (** allowed; relative to the root; repeatable)")
	fl.BoolVar(&f.followSymlinks, "follow-symlinks", false, "follow symbolic links (loop-safe)")
	fl.StringVar(&f.failOn, "fail-on", "high", "exit 1 on findings at or above `SEVERITY` (info, low, medium, high, critical, none)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print nothing but the report")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "log skipped and excluded paths to standard error; list evidence in the text report")
	return cmd
}

func runScan(cmd *cobra.Command, args []string, f *scanFlags, stdout, stderr io.Writer) error {
	failOn, err := rules.ParseSeverity(f.failOn)
	if err != nil {
		return usageError{fmt.Errorf("--fail-on: %w", err)}
	}
	if f.format != "text" && f.format != "json" {
		return usageError{fmt.Errorf("--format: unknown format %q (want text or json)", f.format)}
	}
	if f.workers < 0 {
		return usageError{fmt.Errorf("--workers: must be 0 (one per CPU) or more, not %d", f.workers)}
	}
	if f.quiet && f.verbose {
		return usageError{fmt.Errorf("--quiet and --verbose cannot be used together")}
	}
	out := stdout
	if f.output != "" {
		file, err := os.OpenFile(f.output, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			return fmt.Errorf("cannot write the report: %w", err)
		}
		defer file.Close()
		out = file
	}
	opts := scanner.Options{
		Workers:        f.workers,
		Exclude:        f.exclude,
		FollowSymlinks: f.followSymlinks,
		Version:        toolVersion(),
		Inspect:        inspector,
	}
	if f.verbose {
		opts.Log = func(msg string) { fmt.Fprintln(stderr, "provscan:", report.Clean(msg, 300)) }
	}
	rep, err := scanner.Scan(cmd.Context(), args, opts)
	if err != nil {
		return err
	}
	switch f.format {
	case "json":
		err = report.WriteJSON(out, rep)
	default:
		err = report.WriteText(out, rep, report.TextOptions{Color: report.ColorFor(out), Evidence: f.verbose})
	}
	if err != nil {
		return fmt.Errorf("cannot write the report: %w", err)
	}
	if file, ok := out.(*os.File); ok && f.output != "" {
		if err := file.Close(); err != nil {
			return fmt.Errorf("cannot write the report: %w", err)
		}
	}
	if len(scanner.Failing(rep, failOn)) > 0 {
		return errFindings
	}
	return nil
}
