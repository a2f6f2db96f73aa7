//go:build linux

package scanner

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/provscan/provscan/scanner/report"
)

// TestLinksIntoKernelFileSystems: links to /proc, /sys and /dev are
// symlink-unchecked findings, never walked or read, with or without
// --follow-symlinks (deprecated, no effect), and so is a link out of the
// root by "..".
func TestLinksIntoKernelFileSystems(t *testing.T) {
	links := map[string]string{
		"proc-root":  "/proc/self/root",
		"proc-fd":    "/proc/self/fd",
		"sys":        "/sys",
		"sys-kernel": "/sys/kernel",
		"zero.png":   "/dev/zero",
		"dev":        "/dev",
		"slash":      "/",
		"up":         "../..",
	}
	for _, follow := range []bool{false, true} {
		dir := symlinkTree(t, map[string]string{"d/a.png": "CLEAN\n"}, nil)
		for name, target := range links {
			must(t, os.Symlink(target, filepath.Join(dir, "d", name)))
		}
		r := scanWithin(t, []string{filepath.Join(dir, "d")}, Options{FollowSymlinks: follow})
		o := linkOutcomes(r)
		for name := range links {
			if o[name] != report.LinkOutside+" " {
				t.Errorf("follow=%v: %s: %q, want outside", follow, name, o[name])
			}
		}
		if r.Summary.Files != 1 || len(r.Errors) != 0 || len(r.Findings) != len(links) || !r.Gate.Failed {
			t.Errorf("follow=%v: files %d, errors %+v, findings %v", follow, r.Summary.Files, r.Errors, paths(r.Findings))
		}
		for _, f := range r.Findings {
			if f.Rule != "symlink-unchecked" {
				t.Errorf("follow=%v: %s %s", follow, f.Path, f.Rule)
			}
		}
	}
}
