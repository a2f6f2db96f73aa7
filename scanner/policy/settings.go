package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/provscan/provscan/scanner/report"
	"github.com/provscan/provscan/scanner/rules"
)

// Settings are the command-line flags of a scan. A nil pointer or an empty
// string means the flag was not given, so that the config file (and then the
// default) decides: flags take precedence over the config, which takes
// precedence over the defaults. --exclude globs are added to the config's.
type Settings struct {
	Config          string  // --config FILE; default: see FindConfig
	NoTreePolicy    bool    // --no-tree-policy: no policy or ignore file from inside the scanned tree applies
	Approvals       string  // --approvals FILE; default: the config's approvals, then ./provscan-approvals.yaml if present
	Baseline        string  // --baseline FILE
	FailOn          *string // --fail-on SEVERITY
	AllowUnreadable *bool   // --allow-unreadable
	Strict          *bool   // --strict (deprecated: the default); --strict=false is --allow-unreadable
	AllowEmpty      *bool   // --allow-empty
	Unsupported     *string // --unsupported report|fail
	Workers         *int
	FollowSymlinks  *bool
	Exclude         []string
	// Outputs are the report files this scan writes: never scanned.
	Outputs []string
}

// Policy file kinds and sources, as named in the report.
const (
	KindPolicy    = "policy"
	KindIgnore    = "ignore"
	KindApprovals = "approvals"
	KindBaseline  = "baseline"

	SourceFlag    = "flag"
	SourceRoot    = "root"
	SourceWorkdir = "working-directory"
	SourcePolicy  = "policy"
	SourceDefault = "default"
)

// Resolved is the policy in force for a scan: the flags, then the policy
// file, then the defaults. A nil pointer means neither the flags nor the
// policy file set that value.
type Resolved struct {
	FailOn          rules.Severity // the gate threshold, rules.None included
	AllowUnreadable *bool
	AllowEmpty      *bool
	Unsupported     string // report.UnsupportedReport or report.UnsupportedFail
	Workers         *int
	FollowSymlinks  *bool
	// Exclude holds the policy's globs, then those of --exclude.
	Exclude []string
	// NoTreePolicy: no policy or ignore file from inside the scanned tree applies.
	NoTreePolicy bool
	// Config is the policy file applied; nil when there is none.
	Config *Config
	// Approvals are the written approvals applied; nil when there are none.
	Approvals *Approvals
	// Baseline is the earlier report given with --baseline; nil without.
	Baseline *Baseline
	// ControlFiles are the files that configure or receive the scan (policy,
	// approvals, baseline, report files): never scanned as deliverables.
	ControlFiles []string
	// Report describes the policy files applied and not applied, for the report.
	Report *report.Policy
}

// Resolve loads the config, approvals and baseline files named by s (or
// found by default) and returns the effective policy. Its errors are usage
// or configuration errors.
//
// With --config or --no-tree-policy, no policy or ignore file from inside
// the scanned tree applies; the report lists such files as not applied.
func Resolve(roots []string, s Settings) (*Resolved, error) {
	o := &Resolved{}
	tree := s.Config == "" && !s.NoTreePolicy
	pol := &report.Policy{TreePolicy: tree}
	o.NoTreePolicy = !tree
	cfgPath, source, err := FindConfig(s.Config, roots, tree)
	if err != nil {
		return nil, err
	}
	cfg := &Config{}
	if cfgPath != "" {
		if cfg, err = LoadConfigFrom(cfgPath, source); err != nil {
			return nil, err
		}
		o.Config = cfg
		pol.Files = append(pol.Files, policyFile(KindPolicy, cfgPath, source, cfg.sum))
	}
	if !tree {
		for _, r := range dirRoots(roots) {
			p := filepath.Join(r, ConfigFile)
			if fi, err := os.Lstat(p); err == nil && !fi.IsDir() && !sameFile(p, cfgPath) {
				pf := report.PolicyFile{Kind: KindPolicy, Path: p, Source: SourceRoot}
				if fi.Mode().IsRegular() {
					pf.SHA256 = TreeFileSHA256(p)
				}
				pol.NotApplied = append(pol.NotApplied, pf)
			}
		}
	}

	o.FailOn = cfg.failOn.OrDefault()
	if s.FailOn != nil {
		if o.FailOn, err = rules.ParseSeverity(*s.FailOn); err != nil {
			return nil, fmt.Errorf("--fail-on: %w", err)
		}
	}
	switch {
	case s.AllowUnreadable != nil:
		o.AllowUnreadable = s.AllowUnreadable
	case s.Strict != nil:
		o.AllowUnreadable = ptr(!*s.Strict)
	case cfg.AllowUnreadable != nil:
		o.AllowUnreadable = cfg.AllowUnreadable
	case cfg.Strict != nil:
		o.AllowUnreadable = ptr(!*cfg.Strict)
	}
	if s.AllowEmpty != nil {
		o.AllowEmpty = s.AllowEmpty
	} else if cfg.AllowEmpty != nil {
		o.AllowEmpty = cfg.AllowEmpty
	}
	o.Unsupported = report.UnsupportedReport
	if cfg.Unsupported != "" {
		o.Unsupported = cfg.Unsupported
	}
	if s.Unsupported != nil {
		o.Unsupported = *s.Unsupported
	}
	if err := CheckUnsupported(o.Unsupported); err != nil {
		return nil, fmt.Errorf("--unsupported: %w", err)
	}
	if s.Workers != nil {
		o.Workers = s.Workers
	} else if cfg.Workers != nil {
		o.Workers = cfg.Workers
	}
	if s.FollowSymlinks != nil {
		o.FollowSymlinks = s.FollowSymlinks
	} else if cfg.FollowSymlinks != nil {
		o.FollowSymlinks = cfg.FollowSymlinks
	}
	o.Exclude = append(append([]string(nil), cfg.Exclude...), s.Exclude...)

	approvals, asource := s.Approvals, SourceFlag
	readApprovals := ReadControlFile // named by the operator
	if approvals == "" && cfg.Approvals != "" {
		approvals, asource = cfg.Approvals, SourcePolicy
		if source == SourceFlag {
			// A policy given with --config may name any file.
			if !filepath.IsAbs(approvals) {
				approvals = filepath.Join(filepath.Dir(cfgPath), approvals)
			}
		} else {
			// A policy found in the delivery or the working folder names
			// files under its own folder only, links resolved.
			joined, real, err := confined(filepath.Dir(cfgPath), approvals)
			if err != nil && !errors.Is(err, errOutside) {
				return nil, fmt.Errorf("approvals: %w", err)
			}
			if err != nil {
				return nil, fmt.Errorf("config %s: approvals: %q is %w: a policy found by provscan may name a file under its own folder only (give --approvals FILE, or this policy with --config)", cfgPath, cfg.Approvals, err)
			}
			approvals = joined
			readApprovals = func(p string, max int64) ([]byte, error) { return readResolved(real, p, max) }
		}
	}
	if approvals == "" {
		if _, err := os.Stat(ApprovalsFile); err == nil {
			switch {
			case !tree:
				// --config or --no-tree-policy: approvals only as named (by
				// --approvals or the policy); the working folder may be
				// inside the delivery, whatever the roots say.
				src := SourceDefault
				if insideRoots(ApprovalsFile, roots) {
					src = SourceRoot
				}
				pol.NotApplied = append(pol.NotApplied, policyFile(KindApprovals, ApprovalsFile, src, fileSHA256(ReadControlFile, ApprovalsFile, MaxApprovalsFile)))
			case insideRoots(ApprovalsFile, roots): // the delivery's own approvals: applied, and said so
				approvals, asource = ApprovalsFile, SourceRoot
			default:
				approvals, asource = ApprovalsFile, SourceDefault
			}
			readApprovals = ReadFoundControlFile // found, not named: no link out of its folder
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("approvals: %w", err)
		}
	}
	if approvals != "" {
		if o.Approvals, err = loadApprovals(approvals, readApprovals); err != nil {
			return nil, err
		}
		pol.Files = append(pol.Files, policyFile(KindApprovals, approvals, asource, o.Approvals.sum))
	}
	if s.Baseline != "" {
		if o.Baseline, err = LoadBaseline(s.Baseline); err != nil {
			return nil, err
		}
		pol.Files = append(pol.Files, policyFile(KindBaseline, s.Baseline, SourceFlag, o.Baseline.sum))
	}
	o.ControlFiles = append(o.ControlFiles, s.Outputs...)
	for _, p := range []string{cfgPath, approvals, s.Baseline} {
		if p != "" {
			o.ControlFiles = append(o.ControlFiles, p)
		}
	}
	o.Report = pol
	return o, nil
}

func ptr[T any](v T) *T { return &v }

// CheckUnsupported checks a value of --unsupported or of the policy's unsupported key.
func CheckUnsupported(v string) error {
	if v != report.UnsupportedReport && v != report.UnsupportedFail {
		return fmt.Errorf("%q is not report or fail", v)
	}
	return nil
}

// policyFile describes a control file for the report, with the SHA-256 of
// the bytes read from it.
func policyFile(kind, path, source, sum string) report.PolicyFile {
	return report.PolicyFile{Kind: kind, Path: filepath.ToSlash(path), Source: source, SHA256: sum}
}

// TreeFileSHA256 returns the hex SHA-256 of a small control file inside a
// scanned tree, never read through a link, or "" when it cannot be read (the
// report then lacks the hash).
func TreeFileSHA256(path string) string {
	return fileSHA256(ReadTreeControlFile, path, MaxPolicyFile)
}

// fileSHA256 returns the hex SHA-256 of the control file read by read
// within max bytes (the cap of its kind), or "".
func fileSHA256(read func(string, int64) ([]byte, error), path string, max int64) string {
	b, err := read(path, max)
	if err != nil {
		return ""
	}
	return SHA256Hex(b)
}

// SHA256Hex returns the hex SHA-256 of b, as reports name control files.
func SHA256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// dirRoots returns the roots that are folders ("." when none is given).
func dirRoots(roots []string) []string {
	if len(roots) == 0 {
		roots = []string{"."}
	}
	var out []string
	for _, r := range roots {
		if fi, err := os.Stat(r); err == nil && fi.IsDir() {
			out = append(out, r)
		}
	}
	return out
}

// sameFile reports whether a and b name the same file on disk.
func sameFile(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}
