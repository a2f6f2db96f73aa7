//go:build unix

package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const approvalsBody = "approvals: []\n"

// TestTreePolicyPathsStayInTheTree: the approvals a policy found at a root
// or in the working folder names must lie under the policy's folder, links
// resolved; a policy given with --config may name any file.
func TestTreePolicyPathsStayInTheTree(t *testing.T) {
	base := t.TempDir()
	outside := write(t, filepath.Join(base, "outside.yaml"), approvalsBody)
	root := filepath.Join(base, "delivery")
	os.MkdirAll(filepath.Join(root, "approvals"), 0o755)
	write(t, filepath.Join(root, "approvals", "ok.yaml"), approvalsBody)
	os.Symlink(outside, filepath.Join(root, "approvals", "out.yaml"))
	os.Symlink("ok.yaml", filepath.Join(root, "approvals", "alias.yaml"))
	os.Symlink(base, filepath.Join(root, "up"))
	for value, want := range map[string]string{
		"../outside.yaml":                "goes up out of it",
		"approvals/../../x.yaml":         "goes up out of it",
		outside:                          "an absolute path",
		"/etc/passwd":                    "an absolute path",
		"approvals/out.yaml":             "a symbolic link out of it",
		"up/outside.yaml":                "a symbolic link out of it",
		"approvals/ok.yaml":              "",
		"./approvals/alias.yaml":         "",
		"approvals/missing.yaml":         "no such file",
		"approvals/../approvals/ok.yaml": "",
	} {
		write(t, filepath.Join(root, ConfigFile), "approvals: "+value+"\n")
		_, err := Resolve([]string{root}, Settings{})
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", value, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%s: error %v, want %q", value, err, want)
		case want != "" && want != "no such file" && !strings.Contains(err.Error(), "approvals: "):
			t.Errorf("%s: the error does not name the key: %v", value, err)
		}
	}
	// The same policy named with --config: any file.
	cfg := write(t, filepath.Join(base, "studio.yaml"), "approvals: "+outside+"\n")
	if _, err := Resolve([]string{root}, Settings{Config: cfg}); err != nil {
		t.Errorf("--config naming an absolute approvals file: %v", err)
	}
	write(t, filepath.Join(root, ConfigFile), "approvals: approvals/out.yaml\n")
	if _, err := Resolve([]string{root}, Settings{Config: filepath.Join(root, ConfigFile)}); err != nil {
		t.Errorf("--config naming a link out: %v", err)
	}
	// A policy found in the working folder: the same rule.
	wd := filepath.Join(base, "project")
	os.MkdirAll(wd, 0o755)
	write(t, filepath.Join(wd, ConfigFile), "approvals: ../outside.yaml\n")
	os.Remove(filepath.Join(root, ConfigFile))
	t.Chdir(wd)
	if _, err := Resolve([]string{root}, Settings{}); err == nil || !strings.Contains(err.Error(), "approvals: ") {
		t.Errorf("working-folder policy naming ../: %v", err)
	}
}

// TestFoundControlFilesAndLinks: a control file provscan finds is read
// through a link only within its folder, and one inside a scanned tree not
// through a link at all.
func TestFoundControlFilesAndLinks(t *testing.T) {
	base := t.TempDir()
	other := filepath.Join(base, "other")
	os.MkdirAll(other, 0o755)
	write(t, filepath.Join(other, "p.yaml"), "fail_on: none\n")
	dir := filepath.Join(base, "d")
	os.MkdirAll(dir, 0o755)
	write(t, filepath.Join(dir, "real.yaml"), "fail_on: none\n")
	os.Symlink("real.yaml", filepath.Join(dir, "same.yaml"))
	os.Symlink(filepath.Join(other, "p.yaml"), filepath.Join(dir, "out.yaml"))
	os.Symlink("/dev/zero", filepath.Join(dir, "zero.yaml"))

	if _, err := ReadFoundControlFile(filepath.Join(dir, "same.yaml"), MaxPolicyFile); err != nil {
		t.Errorf("a link within the folder: %v", err)
	}
	for _, n := range []string{"out.yaml", "zero.yaml"} {
		if _, err := ReadFoundControlFile(filepath.Join(dir, n), MaxPolicyFile); err == nil || !strings.Contains(err.Error(), "out of its folder") {
			t.Errorf("%s: %v", n, err)
		}
	}
	for _, n := range []string{"same.yaml", "out.yaml"} {
		if _, err := ReadTreeControlFile(filepath.Join(dir, n), MaxPolicyFile); err == nil || !strings.Contains(err.Error(), "symbolic link") {
			t.Errorf("tree %s: %v", n, err)
		}
	}
	if _, err := ReadTreeControlFile(filepath.Join(dir, "real.yaml"), MaxPolicyFile); err != nil {
		t.Error(err)
	}
	// The working folder's policy and default approvals file.
	write(t, filepath.Join(dir, ApprovalsFile+".real"), approvalsBody)
	os.Symlink(filepath.Join(other, "p.yaml"), filepath.Join(dir, ConfigFile))
	t.Chdir(dir)
	scanned := t.TempDir()
	if _, err := Resolve([]string{scanned}, Settings{}); err == nil || !strings.Contains(err.Error(), "out of its folder") {
		t.Errorf("working-folder policy linked out of its folder: %v", err)
	}
	os.Remove(ConfigFile)
	os.Symlink(filepath.Join(other, "p.yaml"), ApprovalsFile)
	if _, err := Resolve([]string{scanned}, Settings{}); err == nil || !strings.Contains(err.Error(), "out of its folder") {
		t.Errorf("default approvals linked out of its folder: %v", err)
	}
	os.Remove(ApprovalsFile)
	os.Symlink(ApprovalsFile+".real", ApprovalsFile)
	if r, err := Resolve([]string{scanned}, Settings{}); err != nil || r.Approvals == nil {
		t.Errorf("default approvals linked within its folder: %v", err)
	}
	// Named by the operator: links followed.
	write(t, filepath.Join(other, "a.yaml"), approvalsBody)
	os.Symlink(filepath.Join(other, "a.yaml"), filepath.Join(dir, "outappr.yaml"))
	if r, err := Resolve([]string{scanned}, Settings{Approvals: filepath.Join(dir, "outappr.yaml"), Config: filepath.Join(dir, "out.yaml")}); err != nil || r.Approvals == nil || r.Config == nil {
		t.Errorf("files named by the operator: %v", err)
	}
}
