package policy

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestYAMLErrors: mistakes in a policy or approvals file are told with the
// file, the line and the key, and never with a Go type name.
func TestYAMLErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, yaml string
		approvals  bool
		want       []string
	}{
		{"unknown top-level key", "fail_on: high\nfial_on: low\n", false,
			[]string{`policy.yaml:2: unknown key "fial_on" (did you mean "fail_on"? known keys: fail_on, strict, `}},
		{"unknown nested key", "rules:\n  prompt-embedded:\n    severity: high\n    disabld: true\n", false,
			[]string{`policy.yaml:4: unknown key "rules.prompt-embedded.disabld" (did you mean "disabled"? known keys: severity, disabled)`}},
		{"unknown key far from any", "colour: red\n", false,
			[]string{`policy.yaml:1: unknown key "colour" (known keys: fail_on,`}},
		{"not a number", "workers: x\n", false, []string{`policy.yaml:1: key workers: want a whole number, not "x"`}},
		{"not a bool in a list", "paths:\n  - path: a/**\n    allow: maybe\n", false,
			[]string{`policy.yaml:3: key paths[0].allow: want true or false, not "maybe"`}},
		{"not a list", "exclude: tmp\n", false, []string{`policy.yaml:1: key exclude: want a list, not "tmp"`}},
		{"a list for a text", "fail_on: [high]\n", false, []string{`policy.yaml:1: key fail_on: want a text, not a list`}},
		{"two mistakes", "workers: many\nstrict: sometimes\n", false,
			[]string{`policy.yaml:1: key workers: want a whole number, not "many"`, `policy.yaml:2: key strict: want true or false, not "sometimes"`}},
		{"syntax", "fail_on: [high\n", false, []string{`policy.yaml:1: not valid YAML: `}},
		{"block list for a text", "fail_on:\n  - high\n", false, []string{`policy.yaml:2: key fail_on: want a text, not a list`}},
		{"a list for the whole file", "- fail_on: high\n", false, []string{`policy.yaml:1: want a mapping of keys to values, not a list`}},
		{"a key twice", "fail_on: high\nfail_on: low\n", false, []string{`policy.yaml:2: mapping key "fail_on" already defined at line 1`}},
		{"approvals", "approvals:\n  - sha256: abc\n    rule: [x]\n    refrence: LEGAL-1\n", true,
			[]string{`approvals.yaml:3: key approvals[0].rule: want a text, not a list`,
				`approvals.yaml:4: unknown key "approvals[0].refrence" (did you mean "reference"? known keys: sha256, size, path, rule, reference, approved_by, expires)`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			name := "policy.yaml"
			if c.approvals {
				name = "approvals.yaml"
			}
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(c.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			var err error
			if c.approvals {
				_, err = LoadApprovals(p)
			} else {
				_, err = LoadConfig(p)
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v (%T) is not a *ConfigError", err, err)
			}
			msg := err.Error()
			lines := strings.Split(msg, "\n")
			if len(lines) != len(c.want) {
				t.Fatalf("%d lines, want %d:\n%s", len(lines), len(c.want), msg)
			}
			for i, w := range c.want {
				if !strings.HasPrefix(lines[i], filepath.Join(dir, w)) {
					t.Errorf("line %d:\n got %s\nwant %s...", i+1, lines[i], filepath.Join(dir, w))
				}
			}
			for _, leak := range []string{"scanner.", "!!", "unmarshal", "int", "[]string", "*bool"} {
				if strings.Contains(strings.ReplaceAll(msg, dir, ""), leak) && !strings.Contains(c.yaml, leak) {
					t.Errorf("a Go or YAML-library term %q leaks: %s", leak, msg)
				}
			}
		})
	}
}

func TestYAMLErrorHelpers(t *testing.T) {
	if d := editDistance("fial_on", "fail_on"); d != 2 {
		t.Errorf("editDistance = %d", d)
	}
	if s := closest("zzz", []string{"fail_on"}); s != "" {
		t.Errorf("closest = %q", s)
	}
	for goType, want := range map[string]string{"int": "a whole number", "*bool": "true or false", "[]string": "a list",
		"map[string]scanner.RuleConfig": "a mapping of keys to values", "scanner.RuleConfig": "a mapping of keys to values", "float64": "a number"} {
		if got := wantOf(goType); got != want {
			t.Errorf("wantOf(%s) = %q", goType, got)
		}
	}
}
