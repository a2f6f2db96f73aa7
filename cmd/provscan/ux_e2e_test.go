package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provscan/provscan/scanner/rules"
)

// uxTree writes work/deliverables with one generated PNG (AUTOMATIC1111
// parameters) and one clean plate, and returns work.
func uxTree(t *testing.T) string {
	t.Helper()
	work := t.TempDir()
	params := "parameters\x00a castle at dawn\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 512x512, Model: sd15"
	writeFiles(t, work, map[string][]byte{"deliverables/stills/key art.png": stillPNG(params), "deliverables/stills/plate.png": stillPNG()})
	return work
}

// TestUX runs the built binary as a person at a terminal would, for what the
// command line says: version, rule pages, errors and the next steps of a
// failing gate.
func TestUX(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	work := uxTree(t)

	t.Run("--version", func(t *testing.T) {
		a, b := runBinary(t, bin, work, "--version"), runBinary(t, bin, work, "version")
		if a.code != 0 || a.stdout != b.stdout || !strings.HasPrefix(a.stdout, "provscan v0.0.0-e2e (go") {
			t.Errorf("--version %+v, version %+v", a, b)
		}
	})

	t.Run("rules RULE", func(t *testing.T) {
		r := runBinary(t, bin, work, "rules", rules.GenAIGenerator)
		rule := rules.Lookup(rules.GenAIGenerator)
		for _, want := range []string{
			"genai-generator: " + rule.Title, "Severity   high: fails the default gate", "Principle  temporary: generated material",
			"What it means and what to do\n  The file carries the signature", "rules:\n    genai-generator:\n      severity: high",
			"# disabled: true", "provscan approve PATH --rule genai-generator \\\n    --reference LEGAL-2026-114",
		} {
			if r.code != 0 || !strings.Contains(r.stdout, want) {
				t.Errorf("missing %q (exit %d):\n%s", want, r.code, r.stdout)
			}
		}
		for _, line := range strings.Split(r.stdout, "\n") {
			if len(line) > 80 {
				t.Errorf("line over 80 columns: %q", line)
			}
		}
		if j := runBinary(t, bin, work, "rules", rules.PromptEmbedded, "--json"); j.code != 0 || !strings.Contains(j.stdout, `"id": "prompt-embedded"`) {
			t.Errorf("rules RULE --json: %+v", j)
		}
		if all := runBinary(t, bin, work, "rules"); all.code != 0 || strings.Count(all.stdout, "\n") < len(rules.Table)+1 {
			t.Errorf("rules: %+v", all)
		}
		bad := runBinary(t, bin, work, "rules", "genai-generater")
		if bad.code != 2 || !strings.Contains(bad.stderr, `unknown rule "genai-generater"`) || !strings.Contains(bad.stderr, "genai-generator, genai-edit") ||
			!strings.HasSuffix(bad.stderr, "Run 'provscan rules --help' for usage.\n") {
			t.Errorf("unknown rule: %+v", bad)
		}
	})

	t.Run("help hint only after usage errors", func(t *testing.T) {
		for _, c := range []struct {
			args []string
			hint string // "" for none
		}{
			{[]string{"scan", "--bogus"}, "Run 'provscan scan --help' for usage."},
			{[]string{"scan", "--fail-on", "severe", "deliverables"}, "Run 'provscan scan --help' for usage."},
			{[]string{"approve", "deliverables/stills/plate.png"}, "Run 'provscan approve --help' for usage."},
			{[]string{"scna"}, "Run 'provscan --help' for usage."},
			{[]string{"scan", "does-not-exist"}, ""},
			{[]string{"scan", "--config", "bad.yaml", "deliverables"}, ""},
			{[]string{"scan", "--approvals", "missing.yaml", "deliverables"}, ""},
		} {
			os.WriteFile(filepath.Join(work, "bad.yaml"), []byte("fail_on: high\nworkers: many\n"), 0o644)
			r := runBinary(t, bin, work, c.args...)
			if r.code != 2 {
				t.Errorf("%v: exit %d, want 2", c.args, r.code)
			}
			if got := strings.Contains(r.stderr, "Run '"); got != (c.hint != "") || c.hint != "" && !strings.HasSuffix(r.stderr, c.hint+"\n") {
				t.Errorf("%v: stderr %q, want hint %q", c.args, r.stderr, c.hint)
			}
		}
	})

	t.Run("configuration errors name file, line and key", func(t *testing.T) {
		os.WriteFile(filepath.Join(work, "typo.yaml"), []byte("fail_on: high\nfial_on: low\nworkers: many\n"), 0o644)
		r := runBinary(t, bin, work, "scan", "--config", "typo.yaml", "deliverables")
		want := "provscan: typo.yaml:2: unknown key \"fial_on\" (did you mean \"fail_on\"? known keys: fail_on,"
		if r.code != 2 || !strings.HasPrefix(r.stderr, want) || !strings.Contains(r.stderr, "\n  typo.yaml:3: key workers: want a whole number, not \"many\"\n") {
			t.Errorf("exit %d, stderr:\n%s\nwant prefix %s", r.code, r.stderr, want)
		}
		for _, leak := range []string{"scanner.", "!!", "unmarshal", "into int"} {
			if strings.Contains(r.stderr, leak) {
				t.Errorf("%q leaks into %q", leak, r.stderr)
			}
		}
	})

	t.Run("an error quoting a hostile name cannot draw on the terminal", func(t *testing.T) {
		for _, args := range [][]string{
			{"approve", "deliverables/\x1b[2K\rgate passed.png", "--reference", "R", "--by", "B"},
			{"scan", "deliverables/\x1b]0;title\a\nprovscan: gate passed"},
		} {
			r := runBinary(t, bin, work, args...)
			if r.code != 2 || strings.ContainsAny(r.stderr, "\x1b\r\a") || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("%q: exit %d, stderr %q", args[1], r.code, r.stderr)
			}
		}
	})

	t.Run("a file root is named once", func(t *testing.T) {
		r := runBinary(t, bin, work, "scan", "deliverables/stills/key art.png")
		if r.code != 1 || !strings.Contains(r.stdout, "* key art.png  ") || strings.Contains(r.stdout, "key art.png: key art.png") {
			t.Errorf("exit %d:\n%s", r.code, r.stdout)
		}
	})

	// The next steps of a failing gate work as printed: the approve command,
	// run as it stands (with a reference and a name), makes the gate pass.
	t.Run("next steps", func(t *testing.T) {
		r := runBinary(t, bin, work, "scan", "deliverables")
		if r.code != 1 {
			t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
		}
		for _, want := range []string{
			"provscan: 2 files scanned", "1 file with findings, 2 findings (1 high, 1 medium), 1 failing the gate;",
			"gate FAILED (fail-on high", "Next steps\n", "provscan rules RULE\n    rules that fired: genai-generator, prompt-embedded\n",
			"    provscan approve --reference REF --by NAME -- 'deliverables/stills/key art.png'\n",
		} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("missing %q:\n%s", want, r.stdout)
			}
		}
		if a := runBinary(t, bin, work, "approve", "deliverables/stills/key art.png", "--reference", "LEGAL-1", "--by", "Ana"); a.code != 0 {
			t.Fatalf("approve: %+v", a)
		}
		r = runBinary(t, bin, work, "scan", "deliverables")
		if r.code != 0 || !strings.Contains(r.stdout, "\ngate passed (fail-on high") || strings.Contains(r.stdout, "Next steps") ||
			!strings.Contains(r.stdout, "[approved: LEGAL-1]") {
			t.Errorf("after the approval: exit %d:\n%s", r.code, r.stdout)
		}
	})
}
