package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/provscan/provscan/scanner"
	"github.com/provscan/provscan/scanner/policy"
	"github.com/provscan/provscan/scanner/report"
	"github.com/provscan/provscan/scanner/rules"
)

// scanFlags are the flags of `provscan scan`.
type scanFlags struct {
	format          string
	output          string
	reports         []string
	workers         int
	exclude         []string
	followSymlinks  bool
	failOn          string
	strict          bool
	allowUnreadable bool
	allowEmpty      bool
	unsupported     string
	noTreePolicy    bool
	config          string
	approvals       string
	baseline        string
	quiet           bool
	verbose         bool
	fileTimeout     time.Duration
	maxMemory       sizeFlag
	hash            bool
	c2pa            c2paFlags
	shard           string
	shards          int
	scanID          string
}

const scanLong = `Scan reads the metadata of every file under the given paths (default ".") and
reports each generative-AI provenance marker as a finding.

The gate fails closed: it passes only when every file under the roots was
inspected (or excluded by the policy in force) and no open finding is at or
above --fail-on. Files that could not be inspected (permission denied,
unparseable, over budget, vanished), symbolic links out of the delivery and a
scan that inspected nothing fail it unless allowed. Files of formats provscan
does not read are listed in every report.

Settings come from the flags, then from the policy file, then from the
defaults. The policy file is --config FILE, else .provscan.yaml at a scanned
root, else the nearest .provscan.yaml in the working directory or above it.
With --config or --no-tree-policy, no .provscan.yaml or .provscanignore from
inside the scanned tree applies. Written approvals are read from
--approvals, the policy's approvals file, or ./provscan-approvals.yaml when
it exists. Every report names the policy files applied.

A root may be a bucket in object storage: s3://BUCKET/PREFIX, gs://...,
azblob://CONTAINER/PREFIX, with gocloud.dev's query parameters (for example
s3://deliv/show1?endpoint=http://127.0.0.1:8333&use_path_style=true) and
credentials from the standard environment. Objects are read in place with
ranged requests; the JSON report counts the requests and bytes transferred
per object. Policy and ignore files inside a bucket are listed, never applied.
Reports may be written to a bucket (--output s3://...), never inside a
scanned root.

A big scan can be split: --shard K/N reads only the paths whose hash falls
in shard K (0 to N-1) and writes a report that provscan merge combines with
the other shards' into the report of the whole (--shards N takes K from
JOB_COMPLETION_INDEX, in a Kubernetes Indexed Job).

Only metadata is read, except: a flagged file is read whole for its SHA-256
when an approval of its size exists (approvals written without a size match
any size), or with --hash; --verify-content reads the files whose C2PA hard
binding it checks. --file-timeout bounds the hash too: a hash cut short
leaves the finding open, with a note.

Exit codes:
  0  the gate passes
  1  the gate fails: findings at or above --fail-on, files not inspected,
     links out of the delivery, nothing inspected (see the gate's reasons)
  2  usage or configuration error, or the scan itself failed (a root that
     does not exist or cannot be read, a report file that cannot be written)`

func newScanCmd(stdout, stderr io.Writer) *cobra.Command {
	var f scanFlags
	cmd := &cobra.Command{
		Use:   "scan [PATH|URL...]",
		Short: "Scan files and folders for generative-AI provenance markers",
		Long:  scanLong,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScan(cmd, args, &f, stdout, stderr)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.format, "format", "text", "report `FORMAT`: "+report.FormatList())
	fl.StringVarP(&f.output, "output", "o", "", "write the report to `FILE` (or a bucket URL) instead of standard output")
	fl.StringArrayVar(&f.reports, "report", nil, "also write a report as `FORMAT=FILE` (repeatable)")
	fl.IntVar(&f.workers, "workers", 0, "read `N` files at once (default: number of CPUs; 32 when a root is a bucket)")
	fl.StringArrayVar(&f.exclude, "exclude", nil, "skip paths matching `GLOB` (** allowed; relative to the root; repeatable)")
	fl.BoolVar(&f.followSymlinks, "follow-symlinks", false, "deprecated, no effect: links inside the roots are always resolved, links out of them are findings")
	fl.StringVar(&f.failOn, "fail-on", rules.DefaultFailOn.String(), "exit 1 on open findings at or above `SEVERITY` (info, low, medium, high, critical, none)")
	fl.BoolVar(&f.strict, "strict", true, "deprecated: the default (files that could not be inspected fail the gate); --strict=false is --allow-unreadable")
	fl.BoolVar(&f.allowUnreadable, "allow-unreadable", false, "files that could not be inspected do not fail the gate (they are still reported)")
	fl.BoolVar(&f.allowEmpty, "allow-empty", false, "a scan that inspected no file passes the gate")
	fl.StringVar(&f.unsupported, "unsupported", "report", "files of formats provscan does not read: `report` them, or fail the gate")
	fl.StringVar(&f.config, "config", "", "policy `FILE` (default: .provscan.yaml at a scanned root, else in the working directory or above); no policy from inside the tree applies then")
	fl.BoolVar(&f.noTreePolicy, "no-tree-policy", false, "apply no .provscan.yaml or .provscanignore found inside the scanned tree")
	fl.StringVar(&f.approvals, "approvals", "", "written approvals `FILE` (default: ./"+policy.ApprovalsFile+" if present)")
	fl.StringVar(&f.baseline, "baseline", "", "report only findings that are not in this earlier JSON report `FILE`")
	f.maxMemory = scanner.DefaultMaxMemory
	fl.Var(&f.maxMemory, "max-memory", "cap the memory held by the inspections in flight, all workers and nested archives together, at `SIZE` (KiB, MiB, GiB; 0: no cap); what the cap stops makes a file \"not fully inspected\"")
	fl.DurationVar(&f.fileTimeout, "file-timeout", scanner.DefaultFileTimeout, "give up on a file after `DURATION` (it becomes an unreadable finding; a hash cut short leaves its finding open); 0 for no limit")
	fl.BoolVar(&f.hash, "hash", false, "compute the SHA-256 of every file with a finding (reads each whole), e.g. for a report that becomes an approvals record")
	f.c2pa.register(fl)
	fl.StringVar(&f.shard, "shard", "", "scan only shard `K/N` of the tree (K from 0 to N-1; paths split by a hash), writing a report for provscan merge")
	fl.IntVar(&f.shards, "shards", 0, "scan shard $JOB_COMPLETION_INDEX of `N` (a Kubernetes Indexed Job); see --shard")
	fl.StringVar(&f.scanID, "scan-id", "", "name of this run, the same in every shard (merge refuses shards of other runs)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print nothing but the report (no progress bar)")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "log skipped and excluded paths to standard error; list evidence in the text report")
	return cmd
}

// settings collects the flags that were given, for scanner.Resolve (policy.Resolve).
func (f *scanFlags) settings(cmd *cobra.Command) policy.Settings {
	s := policy.Settings{Config: f.config, NoTreePolicy: f.noTreePolicy, Approvals: f.approvals, Baseline: f.baseline, Exclude: f.exclude}
	fl := cmd.Flags()
	s.AllowUnreadable = ifChanged(fl, "allow-unreadable", &f.allowUnreadable)
	s.AllowEmpty = ifChanged(fl, "allow-empty", &f.allowEmpty)
	s.Unsupported = ifChanged(fl, "unsupported", &f.unsupported)
	s.FailOn = ifChanged(fl, "fail-on", &f.failOn)
	s.Strict = ifChanged(fl, "strict", &f.strict)
	s.Workers = ifChanged(fl, "workers", &f.workers)
	s.FollowSymlinks = ifChanged(fl, "follow-symlinks", &f.followSymlinks)
	if f.output != "" {
		s.Outputs = append(s.Outputs, f.output)
	}
	for _, r := range f.reports {
		if _, file, ok := strings.Cut(r, "="); ok && file != "" {
			s.Outputs = append(s.Outputs, file)
		}
	}
	return s
}

// shardOf returns the shard to scan: --shard K/N, or with --shards N the
// index the Kubernetes Job controller gives an Indexed Job's pod.
func (f *scanFlags) shardOf() (scanner.Shard, error) {
	sh := scanner.Shard{ScanID: f.scanID}
	switch {
	case f.shard != "" && f.shards != 0:
		return sh, errors.New("--shard and --shards: give one")
	case f.shard != "":
		p, err := scanner.ParseShard(f.shard)
		if err != nil {
			return sh, fmt.Errorf("--shard: %w", err)
		}
		p.ScanID = f.scanID
		return p, nil
	case f.shards != 0:
		idx, ok := os.LookupEnv("JOB_COMPLETION_INDEX")
		if !ok {
			return sh, fmt.Errorf("--shards %d: JOB_COMPLETION_INDEX is not set (it is in the pods of a Kubernetes Indexed Job); elsewhere use --shard K/N", f.shards)
		}
		p, err := scanner.ParseShard(idx + "/" + strconv.Itoa(f.shards))
		if err != nil {
			return sh, fmt.Errorf("--shards with JOB_COMPLETION_INDEX=%q: %w", report.Clean(idx, 40), err)
		}
		p.ScanID = f.scanID
		return p, nil
	case f.scanID != "":
		return sh, errors.New("--scan-id names the run of a sharded scan: give it with --shard or --shards")
	}
	return sh, nil
}

// ifChanged returns v when the flag name was given, else nil (the policy
// file or the default decides).
func ifChanged[T any](fl *pflag.FlagSet, name string, v *T) *T {
	if fl.Changed(name) {
		return v
	}
	return nil
}

func runScan(cmd *cobra.Command, args []string, f *scanFlags, stdout, stderr io.Writer) error {
	if f.quiet && f.verbose {
		return usageError{fmt.Errorf("--quiet and --verbose cannot be used together")}
	}
	if f.workers < 0 || f.workers > scanner.MaxWorkers {
		return usageError{fmt.Errorf("--workers: must be between 0 (one per CPU) and %d, not %d", scanner.MaxWorkers, f.workers)}
	}
	if cmd.Flags().Changed("follow-symlinks") {
		fmt.Fprintln(stderr, "provscan: --follow-symlinks is deprecated and has no effect: links inside the roots are always resolved, links out of them are symlink-unchecked findings")
	}
	base := scanner.Options{Version: toolVersion(), Inspect: inspector, FileTimeout: f.fileTimeout, Hash: f.hash, MaxMemory: int64(f.maxMemory)}
	if f.maxMemory == 0 {
		base.MaxMemory = -1 // no cap
	}
	if f.fileTimeout == 0 {
		base.FileTimeout = -1 // no limit
	} else if !cmd.Flags().Changed("file-timeout") {
		base.FileTimeout = 0 // the default, lifted by --verify-content
	}
	var err error
	if base.InspectOptions, err = f.c2pa.options(); err != nil {
		return usageError{err}
	}
	if f.verbose {
		var mu sync.Mutex
		base.Log = func(msg string) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintln(stderr, "provscan:", report.Clean(msg, 300))
		}
	}
	if base.Shard, err = f.shardOf(); err != nil {
		return usageError{err}
	}
	base.Shard.Settings = append(base.Shard.Settings, f.c2pa.identity...)
	opts, err := scanner.Resolve(args, f.settings(cmd), base)
	if err != nil {
		return usageError{err}
	}
	if opts.Shard.On() && opts.Baseline != nil {
		return usageError{errors.New("--baseline: a sharded scan applies the baseline when the shards are merged: give it to provscan merge")}
	}
	outs, err := openOutputs(f.format, f.output, f.reports, stdout, args)
	if err != nil {
		return err
	}
	defer closeOutputs(outs)
	for _, o := range outs {
		opts.Thumbnails = opts.Thumbnails || o.format == "html" // previews of flagged stills, for the HTML report
	}
	done := func() {}
	if progressOn(stderr, f.quiet || f.verbose) { // --verbose logs lines that a bar would garble
		opts.Progress, done = startProgress(cmd.Context(), stderr, args, opts)
	}
	rep, err := scanner.Scan(cmd.Context(), args, opts)
	done() // clear the bar before any report reaches the terminal
	// The scan's garbage (every file's metadata, read and dropped) is
	// returned before the reports are encoded, so that the peak is the
	// larger of the two phases, not their sum (bench: 100,000 files).
	debug.FreeOSMemory()
	if err != nil {
		if errors.Is(err, context.Canceled) && rep != nil {
			if werr := writeOutputs(outs, rep, f.verbose); werr != nil {
				return werr
			}
			return errors.New("scan interrupted: the report holds the files done so far and is marked incomplete")
		}
		return err
	}
	if err := writeOutputs(outs, rep, f.verbose); err != nil {
		return err
	}
	if policy.Failed(rep) {
		return errFindings
	}
	return nil
}
