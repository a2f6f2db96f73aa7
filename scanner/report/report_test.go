package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/provscan/provscan/scanner/rules"
)

func sample() *Report {
	return &Report{
		Schema: SchemaVersion, Tool: Tool{Name: "provscan", Version: "dev"}, Roots: []string{"deliverables"},
		Summary: Summary{Files: 3, Bytes: 3 << 20, BytesRead: 2048, Flagged: 1},
		Findings: []Finding{
			{Path: "a.png", Rule: rules.GenAIGenerator, Severity: rules.High, Principle: "temporary", Generator: "ComfyUI",
				Confidence: "inferred", Message: "signature of ComfyUI (prompt)",
				Evidence: []Evidence{{Container: "PNG tEXt", Offset: 33, Field: "prompt", Value: "{\"1\":\n\x1b]0;pwned\x07}"}}},
			{Path: "b.png", Rule: rules.Unreadable, Severity: rules.Info, Confidence: "declared", Message: "could not be read: truncated"},
		},
	}
}

func TestWriteJSONStableAndNeverNull(t *testing.T) {
	r := sample()
	var a, b bytes.Buffer
	if err := WriteJSON(&a, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Error("two writes differ")
	}
	s := a.String()
	if strings.Contains(s, "null") {
		t.Errorf("nil lists and maps must be written as [] or {}:\n%s", s)
	}
	if !strings.Contains(s, "\n  \"schema\": \"provscan.report/v1\"") {
		t.Errorf("not indented by two spaces:\n%s", s)
	}
	var back Report
	if err := json.Unmarshal(a.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Findings[0].Severity != rules.High || back.Findings[0].Evidence[0].Value != r.Findings[0].Evidence[0].Value {
		t.Errorf("round trip lost data: %+v", back.Findings[0])
	}
	if r.Findings[1].Evidence != nil {
		t.Error("WriteJSON must not modify the report")
	}
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	if err := WriteText(&b, sample(), TextOptions{Evidence: true}); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	if strings.ContainsAny(s, "\x1b\x07") {
		t.Errorf("control characters from a file reached the text report: %q", s)
	}
	if !strings.Contains(s, `\u001b]0;pwned\u0007`) || !strings.Contains(s, `{"1":\n`) {
		t.Errorf("evidence not escaped visibly:\n%s", s)
	}
	if strings.Index(s, "HIGH (1)") > strings.Index(s, "INFO (1)") {
		t.Errorf("severity groups out of order:\n%s", s)
	}
	want := "provscan: 3 files scanned; 1 file with findings, 2 findings (1 high, 1 info); 0 errors; read 2.0 KiB of 3.0 MiB in 0 ms\n"
	if !strings.HasSuffix(s, want) {
		t.Errorf("summary line:\n%s\nwant suffix %q", s, want)
	}
	b.Reset()
	WriteText(&b, sample(), TextOptions{Color: true})
	if !strings.Contains(b.String(), "\x1b[1;31mHIGH (1)\x1b[0m") {
		t.Errorf("colour requested but missing: %q", b.String())
	}
}

func TestColorForNonTerminal(t *testing.T) {
	if ColorFor(&bytes.Buffer{}) {
		t.Error("a buffer is not a terminal")
	}
	t.Setenv("NO_COLOR", "1")
	if ColorFor(&bytes.Buffer{}) {
		t.Error("NO_COLOR must disable colour")
	}
}

func TestCleanAndHumanBytes(t *testing.T) {
	if got := Clean("abcdef", 3); got != "abc…" {
		t.Errorf("Clean cut = %q", got)
	}
	if got := Clean("a\tb\u202ec", 10); got != `a\tb\u202ec` {
		t.Errorf("Clean = %q", got)
	}
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 3 << 30: "3.0 GiB"} {
		if got := HumanBytes(n); got != want {
			t.Errorf("HumanBytes(%d) = %q, want %q", n, got, want)
		}
	}
}
