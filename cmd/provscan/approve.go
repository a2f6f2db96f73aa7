package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/provscan/provscan/scanner"
	"github.com/provscan/provscan/scanner/policy"
	"github.com/provscan/provscan/scanner/report"
)

// approveFlags are the flags of `provscan approve`.
type approveFlags struct {
	reference, by, expires, rule, file string
	dryRun                             bool
	config                             string
	exclude                            []string
	followSymlinks                     bool
	fileTimeout                        time.Duration
	c2pa                               c2paFlags
}

func newApproveCmd(stdout, stderr io.Writer) *cobra.Command {
	var f approveFlags
	cmd := &cobra.Command{
		Use:   "approve PATH...",
		Short: "Record written approvals for files, by content hash and size",
		Long: `Approve appends one entry per file to the approvals file (default
./` + policy.ApprovalsFile + `): the file's SHA-256 and size, its path (for
information), the rule it covers ("*" for every rule), the approval
reference, who approved and until when. A later scan reports the matching
findings as approved and does not fail on them. Editing a file changes its
hash, so the approval no longer covers it. Nothing is written next to the
approved files unless the approvals file is there.

Each PATH is
  a file                    approved by its content; a warning says when it has
                            no finding (or none of --rule)
  archive.zip!/inner/x.png  an archive member, approved by the member's content
                            and size (nested: a.zip!/b.zip!/x.png)
  a folder                  every flagged file under it (archive members
                            included; with --rule, those with a finding of that
                            rule), found by scanning it as provscan scan would
                            with the same --config, --exclude, --follow-symlinks
                            and C2PA flags

--dry-run lists what would be approved and writes nothing. Any error (a
path that does not exist, a member not in its archive, a file that could not
be hashed) writes nothing.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runApprove(cmd, args, &f, stdout, stderr)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.reference, "reference", "", "the approval ticket or letter (required)")
	fl.StringVar(&f.by, "by", "", "who approved (required)")
	fl.StringVar(&f.expires, "expires", "", "last day the approval is valid, `YYYY-MM-DD` (default: no expiry)")
	fl.StringVar(&f.rule, "rule", "*", "the rule ID the approval covers, or * for every rule")
	fl.StringVar(&f.file, "approvals", policy.ApprovalsFile, "approvals `FILE` to append to")
	fl.BoolVar(&f.dryRun, "dry-run", false, "list what would be approved; write nothing")
	fl.StringVar(&f.config, "config", "", "policy `FILE` for the scan of folders (default: .provscan.yaml at a given folder)")
	fl.StringArrayVar(&f.exclude, "exclude", nil, "skip paths matching `GLOB` in folders (as provscan scan; repeatable)")
	fl.BoolVar(&f.followSymlinks, "follow-symlinks", false, "follow symbolic links in folders (loop-safe)")
	fl.DurationVar(&f.fileTimeout, "file-timeout", 0, "give up on a file after `DURATION`, hashing included (default: no limit)")
	f.c2pa.register(fl)
	return cmd
}

func runApprove(cmd *cobra.Command, args []string, f *approveFlags, stdout, stderr io.Writer) error {
	if strings.TrimSpace(f.reference) == "" || strings.TrimSpace(f.by) == "" {
		return usageError{fmt.Errorf("--reference and --by are required")}
	}
	if f.expires != "" {
		t, err := policy.ParseExpiry(f.expires)
		if err != nil {
			return usageError{fmt.Errorf("--expires: %w", err)}
		}
		if !t.After(time.Now()) {
			return usageError{fmt.Errorf("--expires %s is in the past", f.expires)}
		}
	}
	opts, err := f.options(cmd, args)
	if err != nil {
		if strings.HasPrefix(err.Error(), "--") {
			return usageError{err} // a flag's value
		}
		return err // the policy file: its error names the file, the line and the key
	}
	targets, warnings, err := scanner.ApproveTargets(cmd.Context(), args, f.rule, opts)
	for _, w := range warnings {
		fmt.Fprintln(stderr, "provscan: warning:", report.Clean(w, 400))
	}
	if err != nil {
		return err // a file that is missing, unreadable or has nothing to approve: not a usage error
	}
	entries, err := scanner.ApprovalEntries(targets, f.rule, f.reference, f.by, f.expires)
	if err != nil {
		return err
	}
	if f.dryRun {
		for _, e := range entries {
			fmt.Fprintf(stdout, "would approve %s (%d bytes, sha256 %s, rule %s)\n", report.Clean(e.Path, 300), *e.Size, e.SHA256, e.Rule)
		}
		_, err = fmt.Fprintf(stdout, "provscan: dry run: %d approval(s) for %s; nothing written\n", len(entries), f.file)
		return err
	}
	if len(entries) == 0 {
		_, err = fmt.Fprintf(stdout, "provscan: nothing to approve; %s unchanged\n", f.file)
		return err
	}
	n, err := policy.AppendApprovals(f.file, entries)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "provscan: %d approval(s) added to %s (%d already present)\n", n, f.file, len(entries)-n)
	return err
}

// options are the scan options of approve: the policy's exclusions and link
// handling, the C2PA flags, and the time budget.
func (f *approveFlags) options(cmd *cobra.Command, args []string) (scanner.Options, error) {
	o := scanner.Options{Version: toolVersion(), Inspect: inspector, FileTimeout: f.fileTimeout}
	if f.fileTimeout == 0 {
		o.FileTimeout = -1 // no limit: approving is reading whole files
	}
	var err error
	if o.InspectOptions, err = f.c2pa.options(); err != nil {
		return o, err
	}
	// The policy found as provscan scan finds it, for the folders' files.
	roots := make([]string, len(args))
	for i, a := range args {
		roots[i] = a
		if archive, _, ok := strings.Cut(filepath.ToSlash(a), "!/"); ok {
			roots[i] = filepath.FromSlash(archive)
		}
	}
	cfgPath, source, err := policy.FindConfig(f.config, roots, f.config == "")
	if err != nil {
		return o, err
	}
	o.NoTreePolicy = f.config != "" // as scan: with --config, nothing from inside the tree applies
	if cfgPath != "" {
		if o.Config, err = policy.LoadConfigFrom(cfgPath, source); err != nil { // read as scan reads it
			return o, err
		}
		o.Exclude = append(o.Exclude, o.Config.Exclude...)
		if o.Config.FollowSymlinks != nil {
			o.FollowSymlinks = *o.Config.FollowSymlinks
		}
	}
	o.Exclude = append(o.Exclude, f.exclude...)
	if cmd.Flags().Changed("follow-symlinks") {
		o.FollowSymlinks = f.followSymlinks
	}
	return o, nil
}
