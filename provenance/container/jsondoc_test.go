package container

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/provscan/provscan/provenance/internal/reader"
)

// comfyWorkflow is the start of a ComfyUI workflow as the UI saves it.
const comfyWorkflow = `{
  "last_node_id": 9,
  "last_link_id": 9,
  "nodes": [{"id": 3, "type": "KSampler", "widgets_values": [156680208700286, "randomize", 20, 8, "euler", "normal", 1]}],
  "links": [], "version": 0.4
}`

// comfyPrompt is a ComfyUI API-format prompt.
const comfyPrompt = `{"3": {"inputs": {"seed": 1, "steps": 20}, "class_type": "KSampler"}}`

func TestJSONSniff(t *testing.T) {
	for _, c := range []struct {
		head string
		want bool
	}{
		{comfyWorkflow, true},
		{comfyPrompt, true},
		{"\xEF\xBB\xBF  [1, 2]", true},
		{"[{\"a\":1}]", true},
		{"{}", true},
		{"[]", true},
		{"{ \n", false},
		{"{" + strings.Repeat(" ", sniffLen), true},
		{"{a: 1}", false},
		{"[section]\nkey=1", false},
		{"{\\rtf1\\ansi", false},
		{"{\"a\":\x00}", false},
		{"Delivery notes\n", false},
		{"{", false},
		{"{\"a\": 1, oops}", false},
		{"[1] Introduction\n", false},
		{"[1, 2] and more", false},
		{comfyWorkflow + strings.Repeat(" ", sniffLen), true},
		{`{"a": "` + strings.Repeat("x", sniffLen), true},
		{`{"a": 1` + strings.Repeat(" ", sniffLen), true},
		{`{"a": ` + strings.Repeat("1", sniffLen), true},
		{`{"a" 1}` + strings.Repeat(" ", sniffLen), false},
	} {
		if got := matchJSON([]byte(c.head)); got != c.want {
			t.Errorf("%q: %v, want %v", c.head, got, c.want)
		}
	}
	if f := sniff([]byte(comfyWorkflow)); f == nil || f.format != formatJSON {
		t.Errorf("a workflow is sniffed as %v", f)
	}
}

func TestJSON(t *testing.T) {
	for _, doc := range []string{comfyWorkflow, comfyPrompt} {
		res, err := Read(strings.NewReader(doc), int64(len(doc)))
		if err != nil {
			t.Fatal(err)
		}
		if res.Format != formatJSON || res.Media != mediaDocument || len(res.Blocks) != 1 {
			t.Fatalf("%+v", res)
		}
		b := res.Blocks[0]
		if b.Kind != KindText || b.Key != "json" || string(b.Data) != doc || b.Offset != 0 || b.Size != int64(len(doc)) {
			t.Errorf("block %+v", b)
		}
	}
}

func TestJSONHostile(t *testing.T) {
	for _, c := range []struct {
		name, doc string
		want      error
		msg       string
	}{
		{"not JSON after the head", `{"a": "` + strings.Repeat("x", sniffLen) + `", oops}`, ErrMalformed, "not valid JSON"},
		{"truncated", `{"class_type": "KSampler", "b": "` + strings.Repeat("x", sniffLen), ErrMalformed, "not valid JSON"},
		{"deep", strings.Repeat("[", 20000) + strings.Repeat("]", 20000), ErrMalformed, "depth"},
	} {
		res, err := Read(strings.NewReader(c.doc), int64(len(c.doc)))
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want %v with %q", c.name, err, c.want, c.msg)
		}
		if res == nil || len(res.Blocks) != 1 || string(res.Blocks[0].Data) != c.doc {
			t.Errorf("%s: the document read is not kept", c.name)
		}
	}
	big := `{"class_type": "` + strings.Repeat("x", 8192) + `"}`
	res, err := readJSON(strings.NewReader(big), int64(len(big)), reader.NewBudget(reader.Limits{SVGRead: 4096}, nil))
	if err != nil || len(res.Blocks) != 1 || len(res.Blocks[0].Data) != 4096 || len(res.Incomplete) != 1 {
		t.Errorf("over the cap: %v, %+v", err, res)
	}
	res, err = readJSON(strings.NewReader(big), int64(len(big)), reader.NewBudget(reader.Limits{BlockBytes: 1024}, nil))
	if !errors.Is(err, errLimit) {
		t.Errorf("over the block budget: %v, %+v", err, res)
	}
}

func FuzzJSONDoc(f *testing.F) {
	f.Add([]byte(comfyWorkflow))
	f.Add([]byte(comfyPrompt))
	f.Add([]byte("\xEF\xBB\xBF[1, \"a\", {\"b\": null}]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if !matchJSON(b) {
			return
		}
		defer watchdog(b)()
		res, err := readJSON(bytes.NewReader(b), int64(len(b)), nil)
		if len(res.Blocks) != 1 || !bytes.Equal(res.Blocks[0].Data, b) {
			t.Fatalf("the document is not one block of its bytes: %v", err)
		}
	})
}
