package policy

import (
	"os"
	"path/filepath"
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
