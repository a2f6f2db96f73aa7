//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGateLinksAndControlFilesE2E: links into /proc, /sys and /dev are
// findings whatever --follow-symlinks says, and a policy found in the
// delivery cannot name a file outside it.
func TestGateLinksAndControlFilesE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)

	t.Run("--follow-symlinks never enters /proc, /sys or /dev", func(t *testing.T) {
		deliv := filepath.Join(t.TempDir(), "delivery")
		writeFiles(t, deliv, map[string][]byte{"plate.png": stillPNG()})
		links := map[string]string{"root": "/proc/self/root", "sys": "/sys", "zero.png": "/dev/zero", "up": "../.."}
		for name, target := range links {
			if err := os.Symlink(target, filepath.Join(deliv, name)); err != nil {
				t.Fatal(err)
			}
		}
		for _, args := range [][]string{{"scan", "--format", "json", deliv}, {"scan", "--follow-symlinks", "--format", "json", deliv}} {
			r := runBinary(t, bin, t.TempDir(), args...)
			rep := parseReport(t, r)
			if r.code != 1 || rep.Summary.Files != 1 || len(rep.Errors) != 0 || len(rep.Links) != len(links) {
				t.Errorf("%v: exit %d, files %d, errors %+v, links %+v", args, r.code, rep.Summary.Files, rep.Errors, rep.Links)
			}
			for _, l := range rep.Links {
				if l.Outcome != "outside" {
					t.Errorf("%v: link %s: %s, want outside", args, l.Path, l.Outcome)
				}
			}
			for _, f := range rep.Findings {
				if f.Rule != "symlink-unchecked" || !f.FailsGate {
					t.Errorf("%v: finding %+v", args, f)
				}
			}
		}
	})

	t.Run("a tree policy naming approvals outside the tree is a configuration error naming the key", func(t *testing.T) {
		base := t.TempDir()
		writeFiles(t, base, map[string][]byte{"vendor/a.yaml": []byte("approvals: []\n"), "d/hero.png": generatedPNG})
		d := filepath.Join(base, "d")
		os.Symlink(filepath.Join(base, "vendor"), filepath.Join(d, "v"))
		for _, value := range []string{"../../etc/passwd", "/etc/passwd", "../vendor/a.yaml", "v/a.yaml"} {
			os.WriteFile(filepath.Join(d, ".provscan.yaml"), []byte("approvals: "+value+"\n"), 0o644)
			r := runBinary(t, bin, base, "scan", d)
			if r.code != 2 || !strings.Contains(r.stderr, "approvals: \""+value+"\"") || !strings.Contains(r.stderr, "outside the folder of the policy") || strings.Contains(r.stderr, "root:") {
				t.Errorf("%s: exit %d, stderr %q", value, r.code, r.stderr)
			}
		}
		// The same policy given with --config may name any file.
		cfg := filepath.Join(base, "studio.yaml")
		os.WriteFile(cfg, []byte("approvals: "+filepath.Join(base, "vendor", "a.yaml")+"\n"), 0o644)
		if r := runBinary(t, bin, base, "scan", "--config", cfg, d); r.code != 1 {
			t.Errorf("--config: exit %d, stderr %q", r.code, r.stderr)
		}
	})

	t.Run("a root ignore file that is a link is not applied", func(t *testing.T) {
		base := t.TempDir()
		writeFiles(t, base, map[string][]byte{"vendor/ignore": []byte("*.png\n"), "d/hero.png": generatedPNG})
		os.Symlink(filepath.Join(base, "vendor", "ignore"), filepath.Join(base, "d", ".provscanignore"))
		r := runBinary(t, bin, base, "scan", "--format", "json", filepath.Join(base, "d"))
		if rep := parseReport(t, r); r.code != 1 || rep.Summary.Files != 1 {
			t.Errorf("exit %d, files %d, errors %+v", r.code, rep.Summary.Files, rep.Errors)
		}
	})
}
