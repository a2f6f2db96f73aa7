package scanner

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/provscan/provscan/scanner/rules"
)

// Settings are the command-line flags of a scan. A nil pointer or an empty
// string means the flag was not given, so that the config file (and then the
// default) decides: flags take precedence over the config, which takes
// precedence over the defaults. --exclude globs are added to the config's.
type Settings struct {
	Config         string // --config FILE; default: .provscan.yaml at a scanned root
	Approvals      string // --approvals FILE; default: the config's approvals, then ./provscan-approvals.yaml if present
	Baseline       string // --baseline FILE
	FailOn         *string
	Strict         *bool
	Workers        *int
	FollowSymlinks *bool
	Exclude        []string
}

// Resolve loads the config, approvals and baseline files named by s (or
// found by default) and returns base completed with the effective options.
// Its errors are usage or configuration errors.
func Resolve(roots []string, s Settings, base Options) (Options, error) {
	o := base
	cfgPath, err := FindConfig(s.Config, roots)
	if err != nil {
		return o, err
	}
	cfg := &Config{}
	if cfgPath != "" {
		if cfg, err = LoadConfig(cfgPath); err != nil {
			return o, err
		}
		o.Config = cfg
	}

	o.FailOn = "high"
	if cfg.FailOn != "" {
		o.FailOn = cfg.FailOn
	}
	if s.FailOn != nil {
		o.FailOn = *s.FailOn
	}
	if _, err := rules.ParseSeverity(o.FailOn); err != nil {
		return o, fmt.Errorf("--fail-on: %w", err)
	}
	if s.Strict != nil {
		o.Strict = *s.Strict
	} else if cfg.Strict != nil {
		o.Strict = *cfg.Strict
	}
	if s.Workers != nil {
		o.Workers = *s.Workers
	} else if cfg.Workers != nil {
		o.Workers = *cfg.Workers
	}
	if s.FollowSymlinks != nil {
		o.FollowSymlinks = *s.FollowSymlinks
	} else if cfg.FollowSymlinks != nil {
		o.FollowSymlinks = *cfg.FollowSymlinks
	}
	o.Exclude = append(append([]string(nil), cfg.Exclude...), s.Exclude...)

	approvals := s.Approvals
	if approvals == "" && cfg.Approvals != "" {
		approvals = cfg.Approvals
		if !filepath.IsAbs(approvals) {
			approvals = filepath.Join(filepath.Dir(cfgPath), approvals)
		}
	}
	if approvals == "" {
		if _, err := os.Stat(ApprovalsFile); err == nil {
			approvals = ApprovalsFile
		} else if !errors.Is(err, fs.ErrNotExist) {
			return o, fmt.Errorf("approvals: %w", err)
		}
	}
	if approvals != "" {
		if o.Approvals, err = LoadApprovals(approvals); err != nil {
			return o, err
		}
	}
	if s.Baseline != "" {
		if o.Baseline, err = LoadBaseline(s.Baseline); err != nil {
			return o, err
		}
	}
	return o, nil
}
