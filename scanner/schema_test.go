package scanner

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/provscan/provscan/scanner/policy"
	"github.com/provscan/provscan/scanner/report"
)

const schemaFile = "../docs/report.schema.json"

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	sch, err := jsonschema.NewCompiler().Compile(schemaFile)
	if err != nil {
		t.Fatalf("docs/report.schema.json: %v", err)
	}
	return sch
}

func validate(t *testing.T, sch *jsonschema.Schema, name string, doc []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return sch.Validate(inst)
}

// TestReportMatchesSchema validates reports that use every optional field
// (policy, approvals, expired approvals, baseline, archive members, errors)
// against docs/report.schema.json, and checks that the schema rejects
// reports that break it.
func TestReportMatchesSchema(t *testing.T) {
	sch := compileSchema(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"a.png": "GENAI\n", "b.png": "GENAI\nb\n", "c.png": "GENAI\nc\n", "p.png": "PROMPT\n", "bad.jpg": "BROKEN\n",
		"x.zip": "ZIP2\n", "deep.zip": "ZIPDEEP\n", "wip/w.png": "GENAI\nw\n", "notes.txt": "hi\n",
	})
	cfg := write(t, filepath.Join(t.TempDir(), "c.yaml"), "rules:\n  prompt-embedded: {severity: low}\npaths:\n  - {path: \"wip/**\", severity: info, allow: true, reason: wip}\n")
	appr := &policy.Approvals{Entries: []policy.ApprovalEntry{
		{SHA256: sha("GENAI\n"), Size: ptr(int64(len("GENAI\n"))), Rule: "*", Reference: "L-1", ApprovedBy: "Ana", Expires: "2030-01-01"},
		{SHA256: sha("GENAI\nb\n"), Rule: "*", Reference: "L-2", ApprovedBy: "Ben", Expires: "2020-01-01"},
	}}
	o, err := Resolve([]string{dir}, policy.Settings{Config: cfg}, Options{Inspect: fakeInspect, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	o.Approvals = appr
	old, err := Scan(t.Context(), []string{dir}, Options{Inspect: fakeInspect})
	if err != nil {
		t.Fatal(err)
	}
	var keep []report.Finding
	for _, f := range old.Findings {
		if f.Path == "p.png" {
			keep = append(keep, f)
		}
	}
	old.Findings = keep
	var ob bytes.Buffer
	report.WriteJSON(&ob, old)
	base := write(t, filepath.Join(t.TempDir(), "old.json"), ob.String())
	if o.Baseline, err = policy.LoadBaseline(base); err != nil {
		t.Fatal(err)
	}
	r, err := Scan(t.Context(), []string{dir}, o)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	doc := buf.Bytes()
	for _, want := range []string{`"approval"`, `"original_severity"`, `"baseline"`, `"gate"`, `"expired"`, `"note"`, `"reason"`} {
		if !bytes.Contains(doc, []byte(want)) {
			t.Errorf("the report under test lacks %s; the schema check would not cover it", want)
		}
	}
	if err := validate(t, sch, "report", doc); err != nil {
		t.Errorf("report does not match docs/report.schema.json: %v\n%s", err, doc)
	}
	for _, golden := range []string{"../testdata/deliverables.golden.json"} {
		if b, err := os.ReadFile(golden); err == nil {
			if err := validate(t, sch, golden, b); err != nil {
				t.Errorf("%s does not match the schema: %v", golden, err)
			}
		}
	}

	// The schema is not a rubber stamp.
	var m map[string]any
	json.Unmarshal(doc, &m)
	bad := func(name string, change func(map[string]any)) {
		var c map[string]any
		json.Unmarshal(doc, &c)
		change(c)
		b, _ := json.Marshal(c)
		if validate(t, sch, name, b) == nil {
			t.Errorf("schema accepts a report with %s", name)
		}
	}
	bad("no summary", func(c map[string]any) { delete(c, "summary") })
	bad("a renamed finding field", func(c map[string]any) {
		f := c["findings"].([]any)[0].(map[string]any)
		f["rule_id"] = f["rule"]
		delete(f, "rule")
	})
	bad("an unknown severity", func(c map[string]any) {
		c["findings"].([]any)[0].(map[string]any)["severity"] = "severe"
	})
	bad("a short sha256", func(c map[string]any) {
		c["findings"].([]any)[0].(map[string]any)["sha256"] = "abc"
	})
	bad("an undocumented field", func(c map[string]any) { c["extra"] = 1 })
	if !strings.Contains(string(doc), `"schema": "provscan.report/v1"`) {
		t.Error("schema version missing")
	}
}
