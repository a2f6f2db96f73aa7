package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/provscan/provscan/scanner/glob"
	"github.com/provscan/provscan/scanner/internal/fsx"
	"github.com/provscan/provscan/scanner/rules"
)

// ConfigFile is the name of the policy file read at a scanned root.
const ConfigFile = ".provscan.yaml"

// Config is the policy file, .provscan.yaml at a scanned root or --config FILE.
// Every field is optional; command-line flags take precedence over it.
type Config struct {
	FailOn            string                `yaml:"fail_on"`
	Strict            *bool                 `yaml:"strict"` // deprecated: strict: false is allow_unreadable: true
	AllowUnreadable   *bool                 `yaml:"allow_unreadable"`
	AllowEmpty        *bool                 `yaml:"allow_empty"`
	Unsupported       string                `yaml:"unsupported"` // report (default) or fail
	Workers           *int                  `yaml:"workers"`
	FollowSymlinks    *bool                 `yaml:"follow_symlinks"` // deprecated, no effect (links are always resolved)
	Exclude           []string              `yaml:"exclude"`
	Approvals         string                `yaml:"approvals"` // relative to the config file's folder
	Rules             map[string]RuleConfig `yaml:"rules"`
	Paths             []PathPolicy          `yaml:"paths"`
	AllowedGenerators []AllowedGenerator    `yaml:"allowed_generators"`

	// Path is the file the config was read from.
	Path string `yaml:"-"`
	sum  string // the hex SHA-256 of the bytes read from Path

	pathOnce     sync.Once       // compiles the path policies' globs once
	pathMatchers []*glob.Matcher // one per Paths entry (nil: did not compile)
	pathMatchErr error           // the first glob of Paths that did not compile

	failOn rules.Severity // FailOn parsed by LoadConfig; zero when unset
}

// RuleConfig changes one rule.
type RuleConfig struct {
	Severity string `yaml:"severity"`
	Disabled bool   `yaml:"disabled"`
}

// PathPolicy applies to findings whose path matches Path (a doublestar glob
// relative to the root). The first matching entry wins.
type PathPolicy struct {
	Path     string `yaml:"path"`
	Severity string `yaml:"severity"` // report findings there at this severity
	Allow    bool   `yaml:"allow"`    // never fail the gate on findings there
	Reason   string `yaml:"reason"`
}

// AllowedGenerator is a generator approved for this production: its findings
// are reported at info with the reason and do not fail the gate.
type AllowedGenerator struct {
	Name   string `yaml:"name"` // the generator name as reported (case-insensitive)
	Reason string `yaml:"reason"`
}

// LoadConfig reads and checks a policy file named by the operator. Unknown
// keys, unknown rules, bad severities and bad globs are errors.
func LoadConfig(path string) (*Config, error) { return LoadConfigFrom(path, SourceFlag) }

// LoadConfigFrom reads and checks a policy file that came from source (as
// FindConfig returns it): one found at a root is never read through a link,
// one found in the working folder or a parent only through a link within
// its folder (see ReadControlFile).
func LoadConfigFrom(path, source string) (*Config, error) {
	read := ReadControlFile
	switch source {
	case SourceRoot:
		read = ReadTreeControlFile
	case SourceWorkdir:
		read = ReadFoundControlFile
	}
	b, err := read(path, MaxPolicyFile)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) { // an empty file is an empty config
		return nil, yamlError(path, b, &c, err)
	}
	c.Path = path
	c.sum = SHA256Hex(b)
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return &c, nil
}

func (c *Config) check() error {
	if c.FailOn != "" {
		v, err := rules.ParseSeverity(c.FailOn)
		if err != nil {
			return fmt.Errorf("fail_on: %w", err)
		}
		c.failOn = v
	}
	if c.Unsupported != "" {
		if err := CheckUnsupported(c.Unsupported); err != nil {
			return fmt.Errorf("unsupported: %w", err)
		}
	}
	if c.Workers != nil && *c.Workers < 0 {
		return fmt.Errorf("workers: must be 0 or more")
	}
	if err := ValidateGlobs(c.Exclude); err != nil {
		return err
	}
	for id, rc := range c.Rules {
		if rules.Lookup(id) == nil {
			return fmt.Errorf("rules: unknown rule %q", id)
		}
		if rc.Severity != "" {
			if _, err := parseFindingSeverity(rc.Severity); err != nil {
				return fmt.Errorf("rules.%s.severity: %w", id, err)
			}
		}
	}
	for i, p := range c.Paths {
		if _, err := glob.Compile(p.Path); err != nil {
			return fmt.Errorf("paths[%d]: invalid path glob %q", i, p.Path)
		}
		if p.Severity == "" && !p.Allow {
			return fmt.Errorf("paths[%d] (%s): give a severity, allow: true, or both", i, p.Path)
		}
		if p.Severity != "" {
			if _, err := parseFindingSeverity(p.Severity); err != nil {
				return fmt.Errorf("paths[%d].severity: %w", i, err)
			}
		}
	}
	for i, g := range c.AllowedGenerators {
		if strings.TrimSpace(g.Name) == "" {
			return fmt.Errorf("allowed_generators[%d]: name is empty", i)
		}
		if strings.TrimSpace(g.Reason) == "" {
			return fmt.Errorf("allowed_generators[%d] (%s): say why it is allowed (reason)", i, g.Name)
		}
	}
	return nil
}

// ValidateGlobs rejects malformed or too complex --exclude patterns before
// any work (they are compiled with scanner/glob, as the walk matches them).
func ValidateGlobs(globs []string) error {
	for _, g := range globs {
		if _, err := glob.Compile(g); err != nil {
			return fmt.Errorf("invalid --exclude pattern %q: %w", g, err)
		}
	}
	return nil
}

// parseFindingSeverity parses a severity a finding can have ("none" is not one).
func parseFindingSeverity(s string) (rules.Severity, error) {
	v, err := rules.ParseSeverity(s)
	if err == nil && v == rules.None {
		err = fmt.Errorf("%q is not a severity a finding can have", s)
	}
	return v, err
}

// FindConfig returns the policy file to use and where it came from, in this
// order:
//  1. explicit, when given (--config);
//  2. with tree true, the .provscan.yaml of the scanned root folders (two
//     roots with different files are an error: pass --config). One that is
//     not a regular file (a link, a folder) is an error: a policy from
//     inside the delivery must be the delivery's own file;
//  3. with tree true, the nearest .provscan.yaml in the working directory
//     or one of its parents (as linters find theirs). With tree false
//     (--no-tree-policy) nothing is searched for: only --config applies.
//
// "" means none.
func FindConfig(explicit string, roots []string, tree bool) (path, source string, err error) {
	if explicit != "" {
		return explicit, SourceFlag, nil
	}
	if !tree {
		// --no-tree-policy: nothing found by searching applies. The working
		// folder may well be inside the delivery, whatever the roots say.
		return "", "", nil
	}
	found := ""
	for _, r := range dirRoots(roots) {
		p := filepath.Join(r, ConfigFile)
		fi, err := os.Lstat(p)
		if err != nil {
			continue
		}
		if !fi.Mode().IsRegular() {
			if fi.IsDir() {
				continue // a folder of that name is a deliverable
			}
			return "", "", fmt.Errorf("%s is not a regular file (%s): a policy inside the delivery must be the delivery's own file; give --config", p, fi.Mode().Type())
		}
		if found != "" && !sameFile(found, p) {
			return "", "", fmt.Errorf("both %s and %s exist: choose one with --config", found, p)
		}
		found = p
	}
	if found != "" {
		return found, SourceRoot, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", "", nil
	}
	for dir := wd; ; {
		p := filepath.Join(dir, ConfigFile)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			if rel, err := filepath.Rel(wd, p); err == nil {
				p = rel
			}
			return p, SourceWorkdir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", "", nil
		}
		dir = parent
	}
}

// insideRoots reports whether path, or the file it links to, lies under
// one of the root folders.
func insideRoots(path string, roots []string) bool {
	ap, err := filepath.Abs(path)
	if err != nil {
		return true
	}
	if under(ap, roots) {
		return true
	}
	if rp, err := filepath.EvalSymlinks(ap); err == nil {
		return under(rp, roots)
	}
	return false
}

// under reports whether the absolute path ap lies under one of the roots.
func under(ap string, roots []string) bool {
	for _, r := range roots {
		ar, err := filepath.Abs(r)
		if err != nil {
			continue
		}
		candidates := []string{ar}
		if rr, err := filepath.EvalSymlinks(ar); err == nil && rr != ar {
			candidates = append(candidates, rr)
		}
		for _, c := range candidates {
			if _, ok := fsx.Within(c, ap); ok {
				return true
			}
		}
	}
	return false
}
