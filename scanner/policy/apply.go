package policy

import (
	"cmp"
	"fmt"
	"path"
	"strings"

	"github.com/provscan/provscan/scanner/glob"
	"github.com/provscan/provscan/scanner/report"
	"github.com/provscan/provscan/scanner/rules"
)

// ApplyConfig applies the policy file to the findings: disabled rules are
// dropped, severities overridden, path policies and allowed generators
// applied. It returns the findings kept.
func ApplyConfig(fs []report.Finding, c *Config) []report.Finding {
	out := fs[:0]
	for _, f := range fs {
		f.Status = report.StatusOpen
		if c == nil {
			out = append(out, f)
			continue
		}
		rc := c.Rules[f.Rule]
		if rc.Disabled {
			continue
		}
		if rc.Severity != "" {
			sev, _ := parseFindingSeverity(rc.Severity)
			setSeverity(&f, sev, fmt.Sprintf("rule %s set to %s by the policy", f.Rule, sev))
		}
		if pp := c.pathPolicy(cmp.Or(f.File, f.Path), f.Path); pp != nil {
			why := pp.Reason
			if why == "" {
				why = "path policy " + pp.Path
			}
			if pp.Severity != "" {
				sev, _ := parseFindingSeverity(pp.Severity)
				setSeverity(&f, sev, why)
			}
			if pp.Allow {
				f.Status, f.Reason = report.StatusAllowed, why
			}
		}
		if g := c.allowedGenerator(f.Generator); g != nil && generatorAllowable[f.Rule] {
			setSeverity(&f, rules.Info, "")
			f.Status = report.StatusAllowed
			f.Reason = fmt.Sprintf("generator %s is allowed for this production: %s", f.Generator, g.Reason)
		}
		out = append(out, f)
	}
	return out
}

// generatorAllowable lists the rules an allowed generator allows: those that
// say the file is generated. Not the others: a credential that fails
// validation, a stripped or untrusted one (the generator's name may come
// from a forged or copied manifest), prompts left in the file (an approved
// tool still must not leak production inputs), a synthetic performance
// (talent consent is not a tool licence), unreadable files and links.
var generatorAllowable = map[string]bool{
	rules.GenAISourceType: true,
	rules.GenAIGenerator:  true,
	rules.GenAIEdit:       true,
	rules.GenAIIngredient: true,
	rules.GenAILabel:      true,
	rules.GenAIReview:     true,
}

func setSeverity(f *report.Finding, sev rules.Severity, why string) {
	if sev == f.Severity {
		return
	}
	if f.OriginalSeverity == nil {
		orig := f.Severity
		f.OriginalSeverity = &orig
	}
	f.Severity = sev
	if why != "" {
		f.Reason = why
	}
}

// pathPolicy returns the first path policy matching a finding's path p. An
// archive member ("a.zip!/x.png") is matched by the path of the file on disk
// that holds it (outer) too.
func (c *Config) pathPolicy(outer, p string) *PathPolicy {
	for i := range c.Paths {
		pp := &c.Paths[i]
		m := c.pathMatcher(i)
		if m == nil {
			continue
		}
		if m.Match(p) || m.Match(outer) || !strings.Contains(pp.Path, "/") && m.Match(path.Base(outer)) {
			return pp
		}
	}
	return nil
}

func (c *Config) allowedGenerator(gen string) *AllowedGenerator {
	if gen == "" {
		return nil
	}
	for i := range c.AllowedGenerators {
		if strings.EqualFold(strings.TrimSpace(c.AllowedGenerators[i].Name), gen) {
			return &c.AllowedGenerators[i]
		}
	}
	return nil
}

// pathMatcher returns the compiled glob of path policy i, compiling the
// policy's globs once (a pattern LoadConfig refused never gets here; one in
// a Config built by hand that does not compile matches nothing, and
// pathMatchErr says so).
func (c *Config) pathMatcher(i int) *glob.Matcher {
	c.pathOnce.Do(func() {
		c.pathMatchers = make([]*glob.Matcher, len(c.Paths))
		for j, pp := range c.Paths {
			m, err := glob.Compile(pp.Path)
			if err != nil {
				c.pathMatchErr = err
				continue
			}
			c.pathMatchers[j] = m
		}
	})
	if i >= len(c.pathMatchers) {
		return nil
	}
	return c.pathMatchers[i]
}
