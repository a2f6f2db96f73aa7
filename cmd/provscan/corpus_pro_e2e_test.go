package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// proRow is one line of ../shared/corpus/pro/expected.jsonl.
type proRow struct {
	Path        string   `json:"path"`
	Family      string   `json:"family"`
	Identity    []string `json:"identity"`
	ExpectGenAI bool     `json:"expect_genai"`
}

// TestCorpusPro: every real file of a professional delivery in
// ../shared/corpus/pro is read (not unsupported, no error) with the format
// family the corpus lists, every identity string listed for it is in
// `provscan inspect --json`, and none gets a GenAI finding.
func TestCorpusPro(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := corpusFile(t, "pro")
	f, err := os.Open(filepath.Join(dir, "expected.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bin := buildBinary(t)
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var row proRow
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatalf("expected.jsonl: %v", err)
		}
		n++
		path := filepath.Join(dir, strings.TrimPrefix(row.Path, "pro/"))
		t.Run(row.Path, func(t *testing.T) {
			r := runBinary(t, bin, t.TempDir(), "inspect", "--json", path)
			var in struct {
				Unsupported bool   `json:"unsupported"`
				Error       string `json:"error"`
				Format      string `json:"format"`
				Family      string `json:"family"`
				Findings    []struct{ Rule string }
			}
			if err := json.Unmarshal([]byte(r.stdout), &in); err != nil {
				t.Fatalf("inspect --json (exit %d, %s): %v", r.code, r.stderr, err)
			}
			if in.Unsupported || in.Error != "" || in.Family != row.Family {
				t.Errorf("read as family %q (format %q, unsupported %v, error %q), want family %q", in.Family, in.Format, in.Unsupported, in.Error, row.Family)
			}
			for _, id := range row.Identity {
				if !strings.Contains(r.stdout, id) {
					t.Errorf("identity %q not in inspect --json", id)
				}
			}
			for _, f := range in.Findings {
				if strings.HasPrefix(f.Rule, "genai-") != row.ExpectGenAI && strings.HasPrefix(f.Rule, "genai-") {
					t.Errorf("GenAI finding %s", f.Rule)
				}
			}
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 30 {
		t.Errorf("only %d rows in expected.jsonl", n)
	}
}
