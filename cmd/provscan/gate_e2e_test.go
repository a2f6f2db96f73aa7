package main

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests run the built binary on deliveries made to get past a gate:
// each shows that what provscan could not look at, or a switch placed inside
// the delivery, never turns into "gate passed".

// jsonReport is the part of the JSON report these tests read.
type jsonReport struct {
	Summary struct {
		Files, Inspected, Excluded int
	} `json:"summary"`
	Findings []struct {
		Path, Rule string
		FailsGate  bool `json:"fails_gate"`
	} `json:"findings"`
	Errors []struct {
		Path, Error string
	} `json:"errors"`
	Unsupported []struct {
		Path      string
		Size      int64
		Head      string
		LooksLike string `json:"looks_like"`
	} `json:"unsupported"`
	Links []struct {
		Path, Target, Outcome string
	} `json:"links"`
	Policy struct {
		Files []struct {
			Kind, Path, Source, SHA256 string
		} `json:"files"`
		NotApplied []struct {
			Kind, Path, Source, SHA256 string
		} `json:"not_applied"`
		TreePolicy bool `json:"tree_policy"`
		Excluded   []struct {
			Path, By string
		} `json:"excluded"`
	} `json:"policy"`
	Gate struct {
		Failed       bool
		NotInspected int `json:"not_inspected"`
		Reasons      []string
	} `json:"gate"`
}

func parseReport(t *testing.T, r result) jsonReport {
	t.Helper()
	var rep jsonReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("not a JSON report (exit %d, stderr %q): %v\n%s", r.code, r.stderr, err, r.stdout)
	}
	return rep
}

// runAs runs the binary as uid/gid 65534 (nobody) when the test runs as root,
// so that file permissions apply as they do to a CI user; otherwise as the
// current user.
func runAs(t *testing.T, bin, dir string, args ...string) result {
	t.Helper()
	if os.Geteuid() != 0 {
		return runBinary(t, bin, dir, args...)
	}
	cmd := exec.Command(bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	return runCmd(t, cmd, dir, args)
}

// openTree makes dir and every folder above it up to the temp root readable
// by everyone, so that the unprivileged user of runAs can reach it.
func openTree(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		for p := d; p != "/" && p != os.TempDir() && p != "."; p = filepath.Dir(p) {
			os.Chmod(p, 0o755)
		}
	}
}

func TestGateUnreadableFailsClosed(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	deliv := filepath.Join(t.TempDir(), "delivery")
	writeFiles(t, deliv, map[string][]byte{"plate.png": stillPNG(), "locked/secret.png": generatedPNG, "key-art.png": generatedPNG})
	if err := os.Chmod(filepath.Join(deliv, "key-art.png"), 0); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(deliv, "locked"), 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		os.Chmod(filepath.Join(deliv, "locked"), 0o755)
		os.Chmod(filepath.Join(deliv, "key-art.png"), 0o644)
	})
	work := t.TempDir()
	openTree(t, bin, deliv, work)

	r := runAs(t, bin, work, "scan", "--format", "json", deliv)
	rep := parseReport(t, r)
	if r.code != 1 || !rep.Gate.Failed {
		t.Fatalf("an unreadable file and folder must fail the default gate: exit %d, gate %+v", r.code, rep.Gate)
	}
	named := map[string]bool{}
	for _, e := range rep.Errors {
		named[e.Path] = strings.Contains(e.Error, "permission denied")
	}
	if !named["key-art.png"] || !named["locked"] || rep.Gate.NotInspected != 2 {
		t.Errorf("errors %+v, not_inspected %d: want key-art.png and locked, permission denied", rep.Errors, rep.Gate.NotInspected)
	}
	if len(rep.Gate.Reasons) == 0 || !strings.Contains(strings.Join(rep.Gate.Reasons, "\n"), "could not be scanned") {
		t.Errorf("gate reasons %q", rep.Gate.Reasons)
	}
	text := runAs(t, bin, work, "scan", deliv)
	if text.code != 1 || !strings.Contains(text.stdout, "key-art.png") || !strings.Contains(text.stdout, "locked") {
		t.Errorf("text report must name what was not inspected (exit %d):\n%s", text.code, text.stdout)
	}
	if r := runAs(t, bin, work, "scan", "--allow-unreadable", deliv); r.code != 0 {
		t.Errorf("--allow-unreadable: exit %d, want 0\n%s", r.code, r.stdout)
	}
	policy := filepath.Join(work, "relaxed.yaml")
	os.WriteFile(policy, []byte("allow_unreadable: true\n"), 0o644)
	if r := runAs(t, bin, work, "scan", "--config", policy, deliv); r.code != 0 {
		t.Errorf("allow_unreadable in the policy: exit %d, want 0\n%s", r.code, r.stdout)
	}

	// An unreadable root is no scan at all: exit 2, whatever the flags.
	if err := os.Chmod(deliv, 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(deliv, 0o755)
	for _, args := range [][]string{{"scan", deliv}, {"scan", "--allow-unreadable", "--allow-empty", deliv}} {
		if r := runAs(t, bin, work, args...); r.code != 2 || !strings.Contains(r.stderr, "permission denied") {
			t.Errorf("%v on an unreadable root: exit %d, stderr %q; want 2 and the reason", args, r.code, r.stderr)
		}
	}
}

func TestGateTreePolicyCannotSwitchItOff(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	deliv := filepath.Join(t.TempDir(), "delivery")
	writeFiles(t, deliv, map[string][]byte{
		"stills/hero.png":  generatedPNG,
		"stills/plate.png": stillPNG(),
		".provscanignore":  []byte("*\n"),
		".provscan.yaml":   []byte("fail_on: none\nallow_empty: true\n"),
	})
	work := t.TempDir()
	studio := filepath.Join(work, "studio.yaml")
	os.WriteFile(studio, []byte("fail_on: high\n"), 0o644)

	// With the studio's policy, nothing from inside the delivery applies.
	r := runBinary(t, bin, work, "scan", "--config", studio, "--format", "json", deliv)
	rep := parseReport(t, r)
	if r.code != 1 || len(rep.Findings) == 0 || rep.Summary.Excluded != 0 {
		t.Fatalf("--config with a tree ignoring *: exit %d, findings %+v, excluded %d; want 1", r.code, rep.Findings, rep.Summary.Excluded)
	}
	if rep.Policy.TreePolicy || len(rep.Policy.Files) != 1 || rep.Policy.Files[0].Source != "flag" || len(rep.Policy.Files[0].SHA256) != 64 {
		t.Errorf("policy in force: %+v", rep.Policy)
	}
	if len(rep.Policy.NotApplied) != 2 {
		t.Errorf("the tree's .provscan.yaml and .provscanignore must be named as not applied: %+v", rep.Policy.NotApplied)
	}
	if r := runBinary(t, bin, work, "scan", "--config", studio, deliv); !strings.Contains(r.stdout, ".provscanignore") || !strings.Contains(r.stdout, "not applied") {
		t.Errorf("the text report must name the tree files it did not apply:\n%s", r.stdout)
	}
	// --no-tree-policy does the same without a config.
	r = runBinary(t, bin, work, "scan", "--no-tree-policy", "--format", "json", deliv)
	if rep := parseReport(t, r); r.code != 1 || len(rep.Policy.NotApplied) != 2 || len(rep.Policy.Files) != 0 {
		t.Errorf("--no-tree-policy: exit %d, policy %+v", r.code, rep.Policy)
	}
	// Without either, the tree's files apply, but the report names them with
	// their hashes and what they excluded; and a delivery that excludes
	// everything inspected nothing, which fails unless the operator allows it.
	r = runBinary(t, bin, work, "scan", "--format", "json", deliv)
	rep = parseReport(t, r)
	kinds := map[string]string{}
	for _, f := range rep.Policy.Files {
		kinds[f.Kind] = f.Source
		if len(f.SHA256) != 64 {
			t.Errorf("policy file without its SHA-256: %+v", f)
		}
	}
	if kinds["policy"] != "root" || kinds["ignore"] != "root" {
		t.Errorf("policy files applied: %+v", rep.Policy.Files)
	}
	if len(rep.Policy.Excluded) != 1 || rep.Policy.Excluded[0].Path != "stills/" || !strings.Contains(rep.Policy.Excluded[0].By, ".provscanignore line 1: *") {
		t.Errorf("excluded: %+v", rep.Policy.Excluded)
	}
	if rep.Summary.Inspected != 0 {
		t.Errorf("inspected %d", rep.Summary.Inspected)
	}
}

func TestGateEmptyScan(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	work := t.TempDir()
	empty := t.TempDir()
	r := runBinary(t, bin, work, "scan", "--format", "json", empty)
	if r.code != 1 || !strings.Contains(strings.Join(parseReport(t, r).Gate.Reasons, "\n"), "no file was inspected") {
		t.Errorf("empty folder: exit %d, want 1 with the reason\n%s", r.code, r.stdout)
	}
	if r := runBinary(t, bin, work, "scan", empty); r.code != 1 || !strings.Contains(r.stdout, "no file was inspected") {
		t.Errorf("the text report must say why an empty scan fails: exit %d\n%s", r.code, r.stdout)
	}
	if r := runBinary(t, bin, work, "scan", "--allow-empty", empty); r.code != 0 {
		t.Errorf("--allow-empty: exit %d", r.code)
	}
	// Files of formats provscan does not read are not "inspected" either.
	writeFiles(t, empty, map[string][]byte{"notes.txt": []byte("nothing to read\n")})
	if r := runBinary(t, bin, work, "scan", empty); r.code != 1 {
		t.Errorf("only unsupported files: exit %d, want 1", r.code)
	}
}

// genaiXMP is an XMP packet declaring trainedAlgorithmicMedia.
const genaiXMP = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/></rdf:RDF></x:xmpmeta>`

// exrWithXMP is an OpenEXR header whose "xmp" string attribute holds
// genaiXMP.
func exrWithXMP() []byte {
	b := []byte("\x76\x2f\x31\x01\x02\x00\x00\x00")
	b = append(b, "xmp\x00string\x00"...)
	n := len(genaiXMP)
	b = append(b, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
	b = append(b, genaiXMP...)
	return append(b, 0)
}

// hdrWithXMP is the start of a Radiance HDR file (its signature line)
// followed by genaiXMP: provscan has no Radiance reader, so the file must be
// named, never silently passed.
func hdrWithXMP() []byte {
	b := make([]byte, 2048)
	copy(b, "#?RADIANCE\n")
	return append(b, genaiXMP...)
}

// dpxWithXMP is a DPX file (big-endian) whose user-defined data, after its
// 32-byte user ID, is genaiXMP.
func dpxWithXMP() []byte {
	b := make([]byte, 2048)
	copy(b, "SDPX")
	copy(b[160:], "Nuke")
	binary.BigEndian.PutUint32(b[32:], uint32(32+len(genaiXMP)))
	b = append(b, make([]byte, 32)...)
	copy(b[2048:], "example user")
	return append(b, genaiXMP...)
}

func TestGateUnsupportedNamed(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	work := t.TempDir()
	deliv := filepath.Join(t.TempDir(), "delivery")
	writeFiles(t, deliv, map[string][]byte{
		"plates/plate.png":       stillPNG(),
		"frames/shot.0001.hdr":   hdrWithXMP(),
		"frames/shot.0002.hdr":   hdrWithXMP(),
		"subs/en.ttml.gz":        {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03},
		"audio/stem.bin":         {0, 1, 2, 3, 0xfe},
		"plates/.DS_Store.local": {},
	})
	r := runBinary(t, bin, work, "scan", "--fail-on", "info", "--format", "json", deliv)
	rep := parseReport(t, r)
	if r.code != 0 {
		t.Errorf("unsupported files are reported, not failed, by default: exit %d", r.code)
	}
	looks := map[string]string{}
	for _, u := range rep.Unsupported {
		looks[u.Path] = u.LooksLike
		if u.Path == "frames/shot.0001.hdr" && (u.Head != "233f52414449414e43450a0000000000" || u.Size == 0) {
			t.Errorf("head of the Radiance file: %+v", u)
		}
	}
	want := map[string]string{"frames/shot.0001.hdr": "Radiance HDR", "frames/shot.0002.hdr": "Radiance HDR", "subs/en.ttml.gz": "gzip", "audio/stem.bin": "", "plates/.DS_Store.local": "empty"}
	for p, w := range want {
		if l, ok := looks[p]; !ok || l != w {
			t.Errorf("unsupported %s: listed %v, looks like %q; want %q", p, ok, l, w)
		}
	}
	if len(rep.Unsupported) != len(want) {
		t.Errorf("unsupported: %+v", rep.Unsupported)
	}
	if r := runBinary(t, bin, work, "scan", "--unsupported", "fail", deliv); r.code != 1 {
		t.Errorf("--unsupported fail: exit %d, want 1", r.code)
	}
	policy := filepath.Join(work, "p.yaml")
	os.WriteFile(policy, []byte("unsupported: fail\n"), 0o644)
	if r := runBinary(t, bin, work, "scan", "--config", policy, deliv); r.code != 1 {
		t.Errorf("unsupported: fail in the policy: exit %d, want 1", r.code)
	}
	os.WriteFile(policy, []byte("unsupported: sometimes\n"), 0o644)
	if r := runBinary(t, bin, work, "scan", "--config", policy, deliv); r.code != 2 {
		t.Errorf("a bad unsupported value: exit %d, want 2", r.code)
	}
}

func TestGateControlFilesNotScanned(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	deliv := filepath.Join(t.TempDir(), "delivery")
	writeFiles(t, deliv, map[string][]byte{
		"stills/plate.png":           stillPNG(),
		"qc/policy.yaml":             []byte("fail_on: high\n"),
		"qc/provscan-approvals.yaml": []byte("approvals: []\n"),
		"qc/old-report.json":         []byte(`{"schema":"provscan.report/v1","findings":[]}`),
		"qc/notes.txt":               []byte("a deliverable of its own\n"),
	})
	qc := filepath.Join(deliv, "qc")
	args := []string{"scan", "--config", filepath.Join(qc, "policy.yaml"), "--approvals", filepath.Join(qc, "provscan-approvals.yaml"),
		"--baseline", filepath.Join(qc, "old-report.json"), "--report", "sarif=" + filepath.Join(qc, "out.sarif"),
		"-o", filepath.Join(qc, "out.json"), "--format", "json", deliv}
	r := runBinary(t, bin, t.TempDir(), args...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	b, err := os.ReadFile(filepath.Join(qc, "out.json"))
	if err != nil {
		t.Fatal(err)
	}
	rep := parseReport(t, result{stdout: string(b)})
	var listed []string
	for _, u := range rep.Unsupported {
		listed = append(listed, u.Path)
	}
	if strings.Join(listed, ",") != "qc/notes.txt" || rep.Summary.Files != 2 {
		t.Errorf("only the plate and qc/notes.txt are deliverables; unsupported %v, files %d", listed, rep.Summary.Files)
	}
	kinds := map[string]bool{}
	for _, f := range rep.Policy.Files {
		kinds[f.Kind] = true
	}
	if !kinds["policy"] || !kinds["approvals"] || !kinds["baseline"] {
		t.Errorf("policy files named: %+v", rep.Policy.Files)
	}
}

func TestGatePolicyFromWorkingDirectory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	project := t.TempDir()
	writeFiles(t, project, map[string][]byte{".provscan.yaml": []byte("fail_on: critical\n")})
	sub := filepath.Join(project, "pipeline", "step")
	os.MkdirAll(sub, 0o755)
	deliv := filepath.Join(t.TempDir(), "delivery")
	writeFiles(t, deliv, map[string][]byte{"hero.png": generatedPNG})

	r := runBinary(t, bin, sub, "scan", "--format", "json", deliv)
	rep := parseReport(t, r)
	if r.code != 0 || len(rep.Policy.Files) != 1 || rep.Policy.Files[0].Source != "working-directory" {
		t.Errorf("the policy above the working directory (fail_on: critical) must apply: exit %d, policy %+v", r.code, rep.Policy.Files)
	}
	// A policy at the scanned root comes first.
	writeFiles(t, deliv, map[string][]byte{".provscan.yaml": []byte("fail_on: high\n")})
	if r := runBinary(t, bin, sub, "scan", deliv); r.code != 1 {
		t.Errorf("the root's policy must come before the working directory's: exit %d", r.code)
	}
	// --config comes before both.
	cfg := filepath.Join(project, "ci.yaml")
	os.WriteFile(cfg, []byte("fail_on: none\n"), 0o644)
	if r := runBinary(t, bin, sub, "scan", "--config", cfg, deliv); r.code != 0 {
		t.Errorf("--config: exit %d", r.code)
	}
}

func TestGateSymlinkOutOfDelivery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	outside := t.TempDir()
	writeFiles(t, outside, map[string][]byte{"elsewhere.png": generatedPNG})
	deliv := filepath.Join(t.TempDir(), "delivery")
	writeFiles(t, deliv, map[string][]byte{"plates/plate.png": stillPNG()})
	os.Symlink(filepath.Join(outside, "elsewhere.png"), filepath.Join(deliv, "plates", "hero.png"))
	os.Symlink("plate.png", filepath.Join(deliv, "plates", "alias.png"))
	r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", deliv)
	rep := parseReport(t, r)
	if r.code != 1 {
		t.Fatalf("a link out of the delivery: exit %d, want 1", r.code)
	}
	got := map[string]string{}
	for _, l := range rep.Links {
		got[l.Path] = l.Outcome
	}
	if got["plates/hero.png"] != "outside" || got["plates/alias.png"] != "inspected" || rep.Summary.Files != 1 {
		t.Errorf("links %+v, files %d", rep.Links, rep.Summary.Files)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Rule != "symlink-unchecked" || !rep.Findings[0].FailsGate {
		t.Errorf("findings %+v", rep.Findings)
	}
}

// TestGateRedTeam holds the attacks of a review of the gate, end to end:
// each got "gate passed" (or worse) before it was fixed.
func TestGateRedTeam(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)

	t.Run("with --no-tree-policy, a policy link in the delivery to a file outside is not applied", func(t *testing.T) {
		base := t.TempDir()
		writeFiles(t, base, map[string][]byte{"vendor/p.yaml": []byte("fail_on: none\n"), "d/hero.png": generatedPNG})
		os.Symlink(filepath.Join(base, "vendor", "p.yaml"), filepath.Join(base, "d", ".provscan.yaml"))
		r := runBinary(t, bin, filepath.Join(base, "d"), "scan", "--no-tree-policy", "--format", "json", ".")
		if rep := parseReport(t, r); r.code != 1 || len(rep.Policy.Files) != 0 {
			t.Errorf("exit %d, policy %+v", r.code, rep.Policy.Files)
		}
		// and in tree mode, a policy at a root that is a link is refused
		if r := runBinary(t, bin, filepath.Join(base, "d"), "scan", "."); r.code != 2 || !strings.Contains(r.stderr, "not a regular file") {
			t.Errorf("tree mode: exit %d, stderr %q", r.code, r.stderr)
		}
	})
	t.Run("with --no-tree-policy, no policy or approvals file is found by searching", func(t *testing.T) {
		base := t.TempDir()
		writeFiles(t, base, map[string][]byte{".provscan.yaml": []byte("fail_on: none\n"),
			"d1/hero.png": generatedPNG, "d1/stills/plate.png": stillPNG(), "d1/.provscan.yaml": []byte("fail_on: none\n")})
		d1 := filepath.Join(base, "d1")
		if r := runBinary(t, bin, d1, "approve", "hero.png", "--reference", "VENDOR-1", "--by", "vendor"); r.code != 0 {
			t.Fatalf("approve: %+v", r)
		}
		// run from inside the delivery, scanning a folder of it and then all of it
		for _, root := range []string{"stills", "."} {
			r := runBinary(t, bin, d1, "scan", "--no-tree-policy", "--format", "json", root)
			rep := parseReport(t, r)
			if len(rep.Policy.Files) != 0 {
				t.Errorf("%s: policy files applied %+v", root, rep.Policy.Files)
			}
			if root == "." && r.code != 1 {
				t.Errorf("the generated file must fail the gate: exit %d", r.code)
			}
		}
	})
	t.Run("a vendor's approvals file in the delivery is not applied with --config", func(t *testing.T) {
		base := t.TempDir()
		writeFiles(t, base, map[string][]byte{"d/hero.png": generatedPNG, "studio.yaml": []byte("fail_on: high\n")})
		d := filepath.Join(base, "d")
		if r := runBinary(t, bin, d, "approve", "hero.png", "--reference", "VENDOR-1", "--by", "vendor"); r.code != 0 {
			t.Fatalf("approve: %+v", r)
		}
		r := runBinary(t, bin, d, "scan", "--config", filepath.Join(base, "studio.yaml"), "--format", "json", ".")
		rep := parseReport(t, r)
		if r.code != 1 || len(rep.Policy.NotApplied) != 1 || rep.Policy.NotApplied[0].Kind != "approvals" {
			t.Errorf("exit %d, policy %+v", r.code, rep.Policy)
		}
		// without --config the delivery's approvals apply, named as coming from inside it
		r = runBinary(t, bin, d, "scan", "--format", "json", ".")
		if rep := parseReport(t, r); r.code != 0 || len(rep.Policy.Files) != 1 || rep.Policy.Files[0].Source != "root" {
			t.Errorf("tree mode: exit %d, policy %+v", r.code, rep.Policy)
		}
	})
	t.Run("a root that is a FIFO or a device is exit 2", func(t *testing.T) {
		fifo := filepath.Join(t.TempDir(), "pipe")
		if err := syscall.Mkfifo(fifo, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, root := range []string{fifo, "/dev/null"} {
			if r := runBinary(t, bin, t.TempDir(), "scan", "--allow-empty", root); r.code != 2 {
				t.Errorf("%s: exit %d", root, r.code)
			}
		}
	})
	t.Run("a report file planted as a link is not written through", func(t *testing.T) {
		base := t.TempDir()
		writeFiles(t, base, map[string][]byte{"d/plate.png": stillPNG(), "victim.txt": []byte("keep me\n")})
		os.Symlink(filepath.Join(base, "victim.txt"), filepath.Join(base, "d", "provscan.json"))
		r := runBinary(t, bin, filepath.Join(base, "d"), "scan", "--report", "json=provscan.json", ".")
		if b, _ := os.ReadFile(filepath.Join(base, "victim.txt")); r.code != 2 || string(b) != "keep me\n" {
			t.Errorf("exit %d, victim now %q", r.code, b)
		}
	})
	t.Run("a report path through a folder link in the delivery, or a FIFO, is refused", func(t *testing.T) {
		base := t.TempDir()
		writeFiles(t, base, map[string][]byte{"d/plate.png": stillPNG(), "victimdir/provscan.json": []byte("keep me\n")})
		os.Symlink(filepath.Join(base, "victimdir"), filepath.Join(base, "d", "reports"))
		syscall.Mkfifo(filepath.Join(base, "d", "fifo.json"), 0o644)
		for _, report := range []string{"json=reports/provscan.json", "json=fifo.json"} {
			r, ok := runWithin(t, time.Minute, bin, filepath.Join(base, "d"), "scan", "--report", report, ".")
			if !ok {
				t.Fatalf("%s: still running after a minute", report)
			}
			if b, _ := os.ReadFile(filepath.Join(base, "victimdir", "provscan.json")); r.code != 2 || string(b) != "keep me\n" {
				t.Errorf("%s: exit %d, victim %q, stderr %q", report, r.code, b, r.stderr)
			}
		}
	})
	t.Run("reports still go to /dev/null and to a pipe with a reader", func(t *testing.T) {
		base := t.TempDir()
		writeFiles(t, base, map[string][]byte{"d/plate.png": stillPNG()})
		if r := runBinary(t, bin, base, "scan", "-o", "/dev/null", "--format", "json", "d"); r.code != 0 {
			t.Errorf("-o /dev/null: exit %d, stderr %q", r.code, r.stderr)
		}
		fifo := filepath.Join(base, "pipe.json")
		syscall.Mkfifo(fifo, 0o644)
		got := make(chan []byte, 1)
		go func() { b, _ := os.ReadFile(fifo); got <- b }()
		time.Sleep(100 * time.Millisecond) // the reader opens its end first
		if r := runBinary(t, bin, base, "scan", "-o", fifo, "--format", "json", "d"); r.code != 0 {
			t.Errorf("a pipe with a reader: exit %d, stderr %q", r.code, r.stderr)
		}
		select {
		case b := <-got:
			if !bytes.Contains(b, []byte(`"schema": "provscan.report/v1"`)) {
				t.Errorf("the reader got %q", b)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the pipe's reader got nothing")
		}
	})
	t.Run("a link named like the policy, to the policy, is still a link out of the delivery", func(t *testing.T) {
		base := t.TempDir()
		writeFiles(t, base, map[string][]byte{"d/plate.png": stillPNG(), "studio.yaml": []byte("fail_on: high\n")})
		os.Symlink(filepath.Join(base, "studio.yaml"), filepath.Join(base, "d", "studio.yaml"))
		r := runBinary(t, bin, t.TempDir(), "scan", "--config", filepath.Join(base, "studio.yaml"), filepath.Join(base, "d"))
		if r.code != 1 || !strings.Contains(r.stdout, "symlink-unchecked") {
			t.Errorf("exit %d\n%s", r.code, r.stdout)
		}
	})
	t.Run("control files that are FIFOs or devices are refused, not read", func(t *testing.T) {
		base := t.TempDir()
		writeFiles(t, base, map[string][]byte{"d/plate.png": stillPNG()})
		fifo := filepath.Join(base, "fifo.yaml")
		syscall.Mkfifo(fifo, 0o644)
		os.WriteFile(filepath.Join(base, "d", ".provscan.yaml"), []byte("approvals: ../fifo.yaml\n"), 0o644)
		for _, args := range [][]string{
			{"scan", filepath.Join(base, "d")},
			{"scan", "--approvals", "/dev/zero", "--no-tree-policy", filepath.Join(base, "d")},
			{"scan", "--config", fifo, filepath.Join(base, "d")},
		} {
			r, ok := runWithin(t, time.Minute, bin, base, args...)
			if !ok {
				t.Fatalf("%v: still running after a minute (hung on a control file)", args)
			}
			// a tree policy naming a file outside the tree is refused before any open
			if r.code != 2 || !(strings.Contains(r.stderr, "not a regular file") || strings.Contains(r.stderr, "outside the folder of the policy")) {
				t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
			}
		}
	})
}

// TestGateSkippedArchiveMembers: a member provscan does not open (encrypted,
// an unknown method, over a limit) is named as not inspected and fails the
// default gate; before, it was only logged with -v.
func TestGateSkippedArchiveMembers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	fw, err := zw.CreateRaw(&zip.FileHeader{Name: "shot.png", Method: 12, CompressedSize64: uint64(len(generatedPNG)), UncompressedSize64: uint64(len(generatedPNG))})
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(generatedPNG)
	plain, _ := zw.Create("plate.png")
	plain.Write(stillPNG())
	zw.Close()
	deliv := t.TempDir()
	writeFiles(t, deliv, map[string][]byte{"pkg.zip": buf.Bytes()})
	r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", deliv)
	rep := parseReport(t, r)
	if r.code != 1 || len(rep.Errors) != 1 || rep.Errors[0].Path != "pkg.zip!/shot.png" || !strings.Contains(rep.Errors[0].Error, "not inspected") {
		t.Errorf("exit %d, errors %+v", r.code, rep.Errors)
	}
	if r := runBinary(t, bin, t.TempDir(), "scan", "--allow-unreadable", deliv); r.code != 0 {
		t.Errorf("--allow-unreadable: exit %d", r.code)
	}
}

// TestGateOpenEXRFrames: OpenEXR and DPX frames carrying an XMP
// DigitalSourceType (the delivery that passed with --strict --fail-on info
// when provscan had no reader for them) fail the default gate.
func TestGateOpenEXRFrames(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	deliv := t.TempDir()
	writeFiles(t, deliv, map[string][]byte{"frames/shot.0001.exr": exrWithXMP(), "frames/shot.0002.exr": exrWithXMP(),
		"scans/reel1.0001.dpx": dpxWithXMP(), "scans/reel1.0002.dpx": dpxWithXMP()})
	r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", deliv)
	rep := parseReport(t, r)
	n := 0
	for _, f := range rep.Findings {
		if f.Rule == "genai-source-type" && f.FailsGate {
			n++
		}
	}
	if r.code != 1 || n != 4 || len(rep.Unsupported) != 0 {
		t.Errorf("exit %d, %d failing genai-source-type findings, unsupported %+v", r.code, n, rep.Unsupported)
	}
}
