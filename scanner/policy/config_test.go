package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadConfigChecks(t *testing.T) {
	for name, body := range map[string]string{
		"unknown rule":      "rules:\n  no-such-rule: {severity: low}\n",
		"bad severity":      "rules:\n  prompt-embedded: {severity: urgent}\n",
		"none is no level":  "rules:\n  prompt-embedded: {severity: none}\n",
		"bad glob":          "paths:\n  - {path: \"[\", severity: info}\n",
		"path does nothing": "paths:\n  - {path: \"wip/**\"}\n",
		"no reason":         "allowed_generators:\n  - name: Adobe Firefly\n",
		"bad fail_on":       "fail_on: sometimes\n",
		"not yaml":          "fail_on: [\n",
	} {
		p := write(t, filepath.Join(t.TempDir(), ConfigFile), body)
		if _, err := LoadConfig(p); err == nil {
			t.Errorf("%s: accepted %q", name, body)
		}
	}
	p := write(t, filepath.Join(t.TempDir(), ConfigFile), "")
	if c, err := LoadConfig(p); err != nil || c.FailOn != "" {
		t.Errorf("empty config: %v", err)
	}
}

// TestPathGlobsCompiled: a path policy's glob is compiled like an exclude
// glob, so one too complex to match in linear time is refused at load.
func TestPathGlobsCompiled(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "p.yaml")
	slow := strings.Repeat("{*,**/}", 20) + "z"
	os.WriteFile(p, []byte("paths:\n  - path: \""+slow+"\"\n    allow: true\n"), 0o644)
	if _, err := LoadConfig(p); err == nil || !strings.Contains(err.Error(), "paths[0]") {
		t.Errorf("a backtracking path glob accepted: %v", err)
	}
	os.WriteFile(p, []byte("paths:\n  - path: \"wip/**\"\n    allow: true\n    reason: wip\n"), 0o644)
	c, err := LoadConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.pathPolicy("wip/a.png", "wip/a.png") == nil || c.pathPolicy("final/a.png", "final/a.png") != nil {
		t.Error("compiled path policy matches wrongly")
	}
}
