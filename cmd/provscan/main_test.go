package main

import (
	"github.com/provscan/provscan/scanner/s3test"

	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/provenance/container"
	"github.com/provscan/provscan/provenance/evidence"
)

// fakeInspect decides by the first line of a file: GENAI (high), PROMPT
// (medium), CLEAN, BROKEN; anything else is an unknown format.
func fakeInspect(r io.ReaderAt, size int64, name string, _ provenance.Options) (*provenance.Provenance, error) {
	buf := make([]byte, size)
	if _, err := r.ReadAt(buf, 0); err != nil && err != io.EOF {
		return nil, err
	}
	word, _, _ := strings.Cut(string(buf), "\n")
	p := &provenance.Provenance{Name: name, Format: "FAKE", Media: "image", Blocks: []container.Block{
		{Kind: container.KindText, Container: "FAKE text", Offset: 4, Size: int64(len(word)), Key: "word"}}}
	switch word {
	case "GENAI":
		p.Evidence = []evidence.Item{{Kind: evidence.Generator, Generator: "TestGen", Container: "FAKE text",
			Offset: 4, Field: "Software", Value: "TestGen 1.0 \x1b[31mred", Confidence: evidence.Declared}}
	case "PROMPT":
		p.Evidence = []evidence.Item{{Kind: evidence.Prompt, Container: "FAKE text", Offset: 4,
			Field: "prompt", Value: "a cat", Confidence: evidence.Inferred}}
	case "CLEAN":
	case "BROKEN":
		return p, fmt.Errorf("FAKE: %w: bad length", container.ErrMalformed)
	default:
		return &provenance.Provenance{Name: name}, container.ErrUnknownFormat
	}
	return p, nil
}

func TestMain(m *testing.M) {
	inspector = fakeInspect
	code := m.Run()
	s3test.Stop()
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
	os.Exit(code)
}

func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	b := make(map[string][]byte, len(files))
	for p, c := range files {
		b[p] = []byte(c)
	}
	writeFiles(t, dir, b)
	return dir
}

func runCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

func TestExitCodes(t *testing.T) {
	genai := tree(t, map[string]string{"a.png": "GENAI\n", "b.png": "CLEAN\n"})
	prompt := tree(t, map[string]string{"p.png": "PROMPT\n", "x.bin": "zzz\n", "bad.jpg": "BROKEN\n"})
	clean := tree(t, map[string]string{"b.png": "CLEAN\n", "notes.txt": "hello\n"})
	out := filepath.Join(t.TempDir(), "r.json")
	cases := []struct {
		name string
		args []string
		want int
	}{
		{"clean tree", []string{"scan", clean}, 0},
		{"clean tree json", []string{"scan", "--format", "json", clean}, 0},
		{"genai finding", []string{"scan", genai}, 1},
		{"genai below threshold", []string{"scan", "--fail-on", "critical", genai}, 0},
		{"fail-on none", []string{"scan", "--fail-on", "none", genai}, 0},
		{"medium below default high, but an unreadable file", []string{"scan", prompt}, 1},
		{"medium below default high, unreadable allowed", []string{"scan", "--allow-unreadable", prompt}, 0},
		{"strict=false is allow-unreadable", []string{"scan", "--strict=false", prompt}, 0},
		{"unsupported fail", []string{"scan", "--unsupported", "fail", clean}, 1},
		{"bad unsupported", []string{"scan", "--unsupported", "maybe", clean}, 2},
		{"empty folder", []string{"scan", t.TempDir()}, 1},
		{"empty folder allowed", []string{"scan", "--allow-empty", t.TempDir()}, 0},
		{"medium at --fail-on medium", []string{"scan", "--fail-on", "medium", prompt}, 1},
		{"unreadable is info, not a failure", []string{"scan", "--fail-on", "low", prompt}, 1},
		{"two roots", []string{"scan", clean, genai}, 1},
		{"excluded", []string{"scan", "--exclude", "a.png", genai}, 0},
		{"output file", []string{"scan", "-o", out, "--format", "json", genai}, 1},
		{"missing root", []string{"scan", filepath.Join(clean, "nope")}, 2},
		{"unknown flag", []string{"scan", "--nope", clean}, 2},
		{"bad fail-on", []string{"scan", "--fail-on", "severe", clean}, 2},
		{"bad format", []string{"scan", "--format", "xml", clean}, 2},
		{"bad workers", []string{"scan", "--workers", "-1", clean}, 2},
		{"too many workers", []string{"scan", "--workers", "100000000", clean}, 2},
		{"workers not a number", []string{"scan", "--workers", "many", clean}, 2},
		{"bad glob", []string{"scan", "--exclude", "[", clean}, 2},
		{"unwritable output", []string{"scan", "-o", filepath.Join(clean, "no", "dir", "r.json"), clean}, 2},
		{"unknown command", []string{"scna", clean}, 2},
		{"inspect needs a file", []string{"inspect"}, 2},
		{"inspect missing file", []string{"inspect", filepath.Join(clean, "nope")}, 2},
		{"inspect", []string{"inspect", filepath.Join(genai, "a.png")}, 0},
		{"rules", []string{"rules"}, 0},
		{"rules with an argument", []string{"rules", "x"}, 2},
		{"version", []string{"version"}, 0},
		{"help", []string{"scan", "--help"}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runCLI(c.args...)
			if code != c.want {
				t.Errorf("provscan %s: exit %d, want %d (stderr %q)", strings.Join(c.args, " "), code, c.want, stderr)
			}
			if c.want == 2 && !strings.HasPrefix(stderr, "provscan: ") {
				t.Errorf("exit 2 without a message on stderr: %q", stderr)
			}
			if c.want != 2 && stderr != "" {
				t.Errorf("nothing but the report should print without --verbose; stderr %q", stderr)
			}
		})
	}
	b, err := os.ReadFile(out)
	if err != nil || !json.Valid(b) {
		t.Errorf("-o did not write a JSON report: %v %q", err, b)
	}
}

func TestJSONFieldNames(t *testing.T) {
	dir := tree(t, map[string]string{"a.png": "GENAI\n"})
	code, stdout, _ := runCLI("scan", "--format", "json", "--hash", dir) // sha256 only when hashed
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(stdout), &top); err != nil {
		t.Fatal(err)
	}
	keys := func(raw json.RawMessage) map[string]json.RawMessage {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		return m
	}
	need := func(where string, m map[string]json.RawMessage, names ...string) {
		for _, n := range names {
			if _, ok := m[n]; !ok {
				t.Errorf("%s: missing field %q", where, n)
			}
		}
	}
	need("report", top, "schema", "tool", "roots", "summary", "findings", "errors")
	need("summary", keys(top["summary"]), "files", "bytes", "bytes_read", "flagged", "by_rule", "by_severity", "errors", "duration_ms")
	var findings []json.RawMessage
	if err := json.Unmarshal(top["findings"], &findings); err != nil || len(findings) != 1 {
		t.Fatalf("findings: %v %d", err, len(findings))
	}
	f := keys(findings[0])
	need("finding", f, "path", "format", "size", "sha256", "rule", "severity", "principle", "generator", "confidence", "message", "evidence")
	var ev []json.RawMessage
	if err := json.Unmarshal(f["evidence"], &ev); err != nil || len(ev) != 1 {
		t.Fatalf("evidence: %v", err)
	}
	need("evidence", keys(ev[0]), "container", "location", "offset", "field", "value")
	if string(f["path"]) != `"a.png"` || string(f["severity"]) != `"high"` || string(f["generator"]) != `"TestGen"` {
		t.Errorf("finding %s", findings[0])
	}

	// errors entries: a .provscanignore that is a folder cannot be applied
	if err := os.Mkdir(filepath.Join(dir, ".provscanignore"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, stdout, _ = runCLI("scan", "--format", "json", dir)
	top = nil
	if err := json.Unmarshal([]byte(stdout), &top); err != nil {
		t.Fatal(err)
	}
	var errs []json.RawMessage
	if err := json.Unmarshal(top["errors"], &errs); err != nil || len(errs) != 1 {
		t.Fatalf("errors: %v %s", err, top["errors"])
	}
	need("error", keys(errs[0]), "path", "error")
}

func TestTextReportIsSafeAndSummarised(t *testing.T) {
	dir := tree(t, map[string]string{"a.png": "GENAI\n", "p.png": "PROMPT\n"})
	_, stdout, _ := runCLI("scan", "--verbose", dir)
	if strings.Contains(stdout, "\x1b") {
		t.Errorf("no colour or raw escape from a file may reach a non-terminal: %q", stdout)
	}
	hi, med := strings.Index(stdout, "HIGH (1)"), strings.Index(stdout, "MEDIUM (1)")
	if hi < 0 || med < hi {
		t.Errorf("findings should be grouped by severity, highest first:\n%s", stdout)
	}
	if !strings.Contains(stdout, "\nprovscan: 2 files scanned") || !strings.Contains(stdout, "; 2 files with findings, 2 findings (1 high, 1 medium), 1 failing the gate;") {
		t.Errorf("summary line:\n%s", stdout)
	}
	if !strings.Contains(stdout, `TestGen 1.0 \u001b[31mred`) {
		t.Errorf("--verbose should list the evidence, escaped:\n%s", stdout)
	}
}

func TestInspectOutput(t *testing.T) {
	dir := tree(t, map[string]string{"a.png": "GENAI\n", "bad.jpg": "BROKEN\n", "x.txt": "hi\n"})
	_, stdout, _ := runCLI("inspect", filepath.Join(dir, "a.png"))
	for _, want := range []string{"format  FAKE", "metadata blocks (1)", "FAKE text", "evidence (1)", "genai-generator", "TestGen"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("inspect text lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ := runCLI("inspect", "--json", filepath.Join(dir, "bad.jpg"))
	var in struct {
		Format   string `json:"format"`
		Error    string `json:"error"`
		Findings []struct {
			Rule string `json:"rule"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &in); err != nil || code != 0 {
		t.Fatalf("inspect --json: %v %d %s", err, code, stdout)
	}
	if in.Format != "FAKE" || !strings.Contains(in.Error, "bad length") || len(in.Findings) != 1 || in.Findings[0].Rule != "unreadable" {
		t.Errorf("inspect of a broken file: %+v", in)
	}
	_, stdout, _ = runCLI("inspect", filepath.Join(dir, "x.txt"))
	if !strings.Contains(stdout, "unknown") {
		t.Errorf("inspect of an unknown format: %s", stdout)
	}
}

func TestRulesAndVersion(t *testing.T) {
	_, stdout, _ := runCLI("rules", "--json")
	var table []struct {
		ID, Severity, Principle, Title string
	}
	if err := json.Unmarshal([]byte(stdout), &table); err != nil || len(table) < 7 {
		t.Fatalf("rules --json: %v", err)
	}
	_, text, _ := runCLI("rules")
	for _, r := range table {
		if !strings.Contains(text, r.ID) {
			t.Errorf("rules text lacks %s", r.ID)
		}
	}
	_, v, _ := runCLI("version")
	if !strings.HasPrefix(v, "provscan dev (go") {
		t.Errorf("version %q", v)
	}
}
