package scanner

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/provscan/provscan/scanner/policy"
	"github.com/provscan/provscan/scanner/report"
)

// copyTree copies the regular files under src into dst.
func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// mergeTree builds a delivery with every kind of entry a merge must put
// back together: the sample deliverables (stills, masters, EXR and DPX
// sequences, an unreadable file), an IMF package whose files fall into
// different shards, links to a file inside (an alias) and outside (a
// finding), an excluded folder and files of formats provscan does not read.
func mergeTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	copyTree(t, "../testdata/deliverables", dir)
	writeTree(t, dir, map[string]string{
		"imf/ASSETMAP.xml": assetMapXML("urn:uuid:aaaa", "Show_S01E01_IMF", "urn:uuid:cccc", "CPL_1.xml",
			"urn:uuid:vvvv", "video.mxf", "urn:uuid:audio", "audio.mxf"),
		"imf/CPL_1.xml":      testCPL,
		"imf/video.mxf":      "not really MXF\n",
		"imf/extra.bin":      "\x00\x01\x02",
		"tmp/scratch.txt":    "scratch\n",
		"renders/a.1001.bin": "\x00a", "renders/a.1002.bin": "\x00b", "renders/a.1003.bin": "\x00c",
	})
	if err := os.Symlink("comfyui.png", filepath.Join(dir, "stills", "alias.png")); err != nil {
		t.Skip("symbolic links not available:", err)
	}
	if err := os.Symlink("/etc/hostname", filepath.Join(dir, "outside")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// shardJSON writes r as JSON with its timing fields zeroed.
func shardJSON(t *testing.T, r *report.Report) []byte {
	t.Helper()
	r.Started = ""
	r.Summary.DurationMS = 0
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// scanShards scans dir as n shards and returns their reports, read back
// from their JSON as `provscan merge` reads them.
func scanShards(t *testing.T, dir string, n int, opts Options) []*report.Report {
	t.Helper()
	var out []*report.Report
	for k := range n {
		o := opts
		o.Shard = Shard{Index: k, Count: n, ScanID: "test"}
		r, err := Scan(t.Context(), []string{dir}, o)
		if err != nil {
			t.Fatal(err)
		}
		if r.Shard == nil || r.Shard.Index != k || r.Shard.Count != n {
			t.Fatalf("shard %d/%d: report shard %+v", k, n, r.Shard)
		}
		back, err := report.ReadJSON(bytes.NewReader(shardJSON(t, r)))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, back)
	}
	return out
}

// TestShardsMergeEqualFullScan: for N = 1, 3 and 7, the N shards' JSON
// reports merged are byte for byte the JSON report of one full scan,
// timing fields aside; with a baseline given to the merge, as to the scan.
func TestShardsMergeEqualFullScan(t *testing.T) {
	dir := mergeTree(t)
	opts := Options{Version: "test", Exclude: []string{"tmp/**"}}
	full, err := Scan(t.Context(), []string{dir}, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := shardJSON(t, full)
	for _, s := range []string{`"sequences": [`, `"assetmap": "imf/ASSETMAP.xml"`, `"outcome": "outside"`, `"link_target": "stills/comfyui.png"`, `"by": "exclude tmp/**"`, `"rule": "unreadable"`} {
		if !bytes.Contains(want, []byte(s)) {
			t.Fatalf("the full report lacks %s: the tree does not test what it should", s)
		}
	}
	for _, n := range []int{1, 3, 7} {
		shards := scanShards(t, dir, n, opts)
		files := 0
		for _, r := range shards {
			files += r.Summary.Files
			if n > 1 && r.Summary.Files == full.Summary.Files {
				t.Errorf("N=%d: shard %d read every file", n, r.Shard.Index)
			}
		}
		if files != full.Summary.Files {
			t.Errorf("N=%d: the shards read %d files, the full scan %d", n, files, full.Summary.Files)
		}
		// Merged in reverse order: the order of the reports given does not matter.
		for i, j := 0, len(shards)-1; i < j; i, j = i+1, j-1 {
			shards[i], shards[j] = shards[j], shards[i]
		}
		m, err := Merge(shards, MergeOptions{})
		if err != nil {
			t.Fatalf("N=%d: %v", n, err)
		}
		if got := shardJSON(t, m); !bytes.Equal(got, want) {
			t.Errorf("N=%d: merged report differs from the full scan's:\n%s", n, firstDiff(got, want))
		}
	}

	// A baseline applies to the whole at the merge, as in a full scan.
	base := filepath.Join(t.TempDir(), "base.json")
	if err := os.WriteFile(base, want, 0o644); err != nil {
		t.Fatal(err)
	}
	bl, err := policy.LoadBaseline(base)
	if err != nil {
		t.Fatal(err)
	}
	bo := opts
	bo.Baseline = bl
	fullB, err := Scan(t.Context(), []string{dir}, bo)
	if err != nil {
		t.Fatal(err)
	}
	if fullB.Baseline == nil || fullB.Baseline.Unchanged == 0 {
		t.Fatalf("baseline: %+v", fullB.Baseline)
	}
	m, err := Merge(scanShards(t, dir, 3, opts), MergeOptions{Baseline: bl})
	if err != nil {
		t.Fatal(err)
	}
	if got, w := shardJSON(t, m), shardJSON(t, fullB); !bytes.Equal(got, w) {
		t.Errorf("merged with a baseline differs from the full scan with it:\n%s", firstDiff(got, w))
	}
	if _, err := Scan(t.Context(), []string{dir}, Options{Baseline: bl, Shard: Shard{Index: 0, Count: 3}}); err == nil || !strings.Contains(err.Error(), "merge") {
		t.Errorf("a shard given a baseline: %v", err)
	}
}

// firstDiff shows the first differing line of two reports.
func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "line " + strconv.Itoa(i+1) + ":\n  got:  " + al[i] + "\n  want: " + bl[i]
		}
	}
	return "lengths differ: " + strconv.Itoa(len(al)) + " and " + strconv.Itoa(len(bl)) + " lines"
}

// TestMergeRefuses: a missing shard, a shard given twice, shards of another
// scan (other settings, other scan id) and shards that listed different
// trees are refused, each with an error that says so.
func TestMergeRefuses(t *testing.T) {
	dir := mergeTree(t)
	opts := Options{Version: "test"}
	three := scanShards(t, dir, 3, opts)
	check := func(name string, rs []*report.Report, want string) {
		t.Helper()
		_, err := Merge(rs, MergeOptions{})
		if err == nil || !errors.Is(err, errShard) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error saying %q", name, err, want)
		}
	}
	check("missing", three[:2], "1 of 3 shards missing (2)")
	check("twice", []*report.Report{three[0], three[1], three[1]}, "given twice")
	check("none", nil, "no report")

	strict := opts
	strict.FailOn = 1 // another gate
	other := scanShards(t, dir, 3, strict)
	check("other settings", []*report.Report{three[0], three[1], other[2]}, "another scan")
	check("other count", []*report.Report{three[0], three[1], scanShards(t, dir, 2, opts)[1]}, "another scan")

	full, err := Scan(t.Context(), []string{dir}, opts)
	if err != nil {
		t.Fatal(err)
	}
	check("not a shard", []*report.Report{full}, "not the report of a shard")

	// A file added between the shards' walks.
	writeTree(t, dir, map[string]string{"late/added.png": "x"})
	later := scanShards(t, dir, 3, opts)
	check("tree changed", []*report.Report{three[0], three[1], later[2]}, "the tree changed")
}

// FuzzMerge reads hostile bytes as a shard's JSON report and merges it as
// the only shard of a scan: no input may crash the merge or make it loop
// (the reports of a merge come from other machines, maybe a bucket anyone
// could write to). Seeded with the shards of the sample deliverables.
func FuzzMerge(f *testing.F) {
	for k := range 3 {
		r, err := Scan(context.Background(), []string{"../testdata/deliverables"}, Options{Version: "fuzz", Shard: Shard{Index: k, Count: 3}})
		if err != nil {
			f.Fatal(err)
		}
		var buf bytes.Buffer
		if err := report.WriteJSON(&buf, r); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Add([]byte(`{"schema":"provscan.report/v1","shard":{"index":0,"count":1,"scanned":[{"root":"r","path":"a.0001.exr","status":"inspected"},{"root":"r","path":"a.0003.exr","status":"inspected"}],"imf":[{"root":"r","path":"ASSETMAP.xml","assetmap":true,"assets":[{"id":"x","paths":["../../x","a.0001.exr"]}]}]},"gate":{"fail_on":"high"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := report.ReadJSON(bytes.NewReader(data))
		if err != nil {
			return
		}
		if r.Shard != nil {
			r.Shard.Index, r.Shard.Count = 0, 1
		}
		m, err := Merge([]*report.Report{r}, MergeOptions{})
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := report.WriteJSON(&buf, m); err != nil {
			t.Fatalf("the merged report cannot be written: %v", err)
		}
	})
}
