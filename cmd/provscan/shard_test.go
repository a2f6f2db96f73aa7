package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provscan/provscan/scanner/report"
)

// TestShardFlags: --shard and --shards are checked before anything is
// read, --shards takes its index from JOB_COMPLETION_INDEX, and the shard's
// JSON report says which shard of which run it is.
func TestShardFlags(t *testing.T) {
	dir := tree(t, map[string]string{"a.png": "CLEAN", "b/c.png": "CLEAN", "d.png": "CLEAN"})
	for _, c := range []struct {
		args []string
		env  string
		want string
	}{
		{[]string{"--shard", "3/3"}, "", "K must be between 0 and 2"},
		{[]string{"--shard", "x/3"}, "", "want K/N with whole numbers"},
		{[]string{"--shard", "0/0"}, "", "N must be at least 1"},
		{[]string{"--shard", "0/2", "--shards", "2"}, "", "give one"},
		{[]string{"--scan-id", "r1"}, "", "--scan-id names the run of a sharded scan"},
		{[]string{"--shards", "4"}, "", "JOB_COMPLETION_INDEX is not set"},
		{[]string{"--shards", "4"}, "4", "K must be between 0 and 3"},
	} {
		t.Run(strings.Join(c.args, " ")+" "+c.env, func(t *testing.T) {
			if c.env != "" {
				t.Setenv("JOB_COMPLETION_INDEX", c.env)
			} else {
				os.Unsetenv("JOB_COMPLETION_INDEX")
			}
			code, _, stderr := runCLI(append(append([]string{"scan", "-q"}, c.args...), dir)...)
			if code != 2 || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, c.want)
			}
		})
	}

	t.Setenv("JOB_COMPLETION_INDEX", "1")
	out := filepath.Join(t.TempDir(), "shard.json")
	code, _, stderr := runCLI("scan", "-q", "--shards", "2", "--scan-id", "run-1", "--format", "json", "-o", out, dir)
	if code == 2 {
		t.Fatalf("exit 2: %s", stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var r report.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Shard == nil || r.Shard.Index != 1 || r.Shard.Count != 2 || r.Shard.ScanID != "run-1" || r.Shard.Listing.Files != 3 || len(r.Shard.Scan) != 64 {
		t.Errorf("shard: %+v", r.Shard)
	}
	if r.Summary.Files >= 3 {
		t.Errorf("shard 1/2 read %d of 3 files", r.Summary.Files)
	}
	// A baseline is the merge's.
	code, _, stderr = runCLI("scan", "-q", "--shards", "2", "--baseline", out, dir)
	if code != 2 || !strings.Contains(stderr, "provscan merge") {
		t.Errorf("shard with --baseline: exit %d, %s", code, stderr)
	}
	// A full report is not a shard: merge refuses it, exit 2.
	full := filepath.Join(t.TempDir(), "full.json")
	runCLI("scan", "-q", "--format", "json", "-o", full, dir)
	code, _, stderr = runCLI("merge", full)
	if code != 2 || !strings.Contains(stderr, "not the report of a shard") {
		t.Errorf("merge of a full report: exit %d, %s", code, stderr)
	}
	code, _, stderr = runCLI("merge", filepath.Join(t.TempDir(), "nope.json"))
	if code != 2 || !strings.Contains(stderr, "cannot read the report") {
		t.Errorf("merge of a missing file: exit %d, %s", code, stderr)
	}
}
