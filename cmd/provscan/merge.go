package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/provscan/provscan/scanner"
	"github.com/provscan/provscan/scanner/objstore"
	"github.com/provscan/provscan/scanner/policy"
	"github.com/provscan/provscan/scanner/report"
)

const mergeLong = `Merge combines the JSON reports of the shards of one sharded scan
(scan --shard K/N --format json) into the report a scan of the whole tree
would have written, in any format, and gates on it as scan does.

It refuses, with exit code 2, reports that are not shards, shards of
another scan (another tree, version, policy, settings, shard count or
--scan-id), a shard given twice, a missing shard, and shards whose walks
listed different trees (the tree changed during the scan).

A baseline applies to the whole, here (a shard refuses one).

Exit codes:
  0  the gate passes
  1  the gate fails (see the gate's reasons)
  2  usage error, a report that cannot be read, shards that do not make one scan`

// mergeFlags are the flags of `provscan merge`.
type mergeFlags struct {
	format   string
	output   string
	reports  []string
	baseline string
	scanID   string
	verbose  bool
}

func newMergeCmd(stdout, stderr io.Writer) *cobra.Command {
	var f mergeFlags
	cmd := &cobra.Command{
		Use:   "merge REPORT|URL...",
		Short: "Merge the JSON reports of the shards of one scan into one report and gate on it",
		Long:  mergeLong,
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMerge(cmd, args, &f, stdout)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.format, "format", "text", "report `FORMAT`: "+report.FormatList())
	fl.StringVarP(&f.output, "output", "o", "", "write the report to `FILE` (or a bucket URL) instead of standard output")
	fl.StringArrayVar(&f.reports, "report", nil, "also write a report as `FORMAT=FILE` (repeatable)")
	fl.StringVar(&f.baseline, "baseline", "", "report only findings that are not in this earlier JSON report `FILE`")
	fl.StringVar(&f.scanID, "scan-id", "", "refuse shards of any other run than `ID` (the --scan-id the shards were given)")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "list evidence in the text report")
	return cmd
}

func runMerge(cmd *cobra.Command, args []string, f *mergeFlags, stdout io.Writer) error {
	mo := scanner.MergeOptions{ScanID: f.scanID, RequireScanID: cmd.Flags().Changed("scan-id")}
	if f.baseline != "" {
		bl, err := policy.LoadBaseline(f.baseline)
		if err != nil {
			return fmt.Errorf("--baseline: %w", err)
		}
		mo.Baseline = bl
	}
	shards := make([]*report.Report, 0, len(args))
	for _, a := range args {
		if objstore.IsURL(a) {
			rs, err := readBucketReports(cmd.Context(), a)
			if err != nil {
				return fmt.Errorf("cannot read the reports at %s: %w", report.Clean(objstore.Display(a), 200), err)
			}
			shards = append(shards, rs...)
			continue
		}
		r, err := readReport(a)
		if err != nil {
			return fmt.Errorf("cannot read the report %s: %w", report.Clean(a, 200), err)
		}
		shards = append(shards, r)
	}
	rep, err := scanner.Merge(shards, mo)
	if err != nil {
		return err
	}
	outs, err := openOutputs(f.format, f.output, f.reports, stdout, nil)
	if err != nil {
		return err
	}
	defer closeOutputs(outs)
	if err := writeOutputs(outs, rep, f.verbose); err != nil {
		return err
	}
	if rep.Incomplete {
		return errors.New("a shard was interrupted: the merged report holds the files done and is marked incomplete")
	}
	if policy.Failed(rep) {
		return errFindings
	}
	return nil
}

// readReport reads one shard's JSON report from a file.
func readReport(name string) (*report.Report, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return report.ReadJSON(fh)
}
