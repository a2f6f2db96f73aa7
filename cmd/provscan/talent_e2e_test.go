package main

import (
	"strings"
	"testing"
)

// TestGateSyntheticPerformanceStill: a still whose ComfyUI graph holds a
// face swap (ReActor with InsightFace's inswapper) fails the default gate
// with synthetic-performance, whose message names the technique; the same
// graph without the swap is a generator finding but no synthetic
// performance, and a title that only mentions a face swap is nothing.
func TestGateSyntheticPerformanceStill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	swap := `{"3": {"inputs": {"seed": 1}, "class_type": "KSampler"}, "7": {"inputs": {"swap_model": "inswapper_128.onnx"}, "class_type": "ReActorFaceSwap"}}`
	plain := `{"3": {"inputs": {"seed": 1}, "class_type": "KSampler"}}`
	deliv := t.TempDir()
	writeFiles(t, deliv, map[string][]byte{
		"keyart/poster.png": pngOf(pngChunk("tEXt", []byte("prompt\x00"+swap))),
		"keyart/plain.png":  pngOf(pngChunk("tEXt", []byte("prompt\x00"+plain))),
		"keyart/title.png":  pngOf(pngChunk("tEXt", []byte("Title\x00ReActorFaceSwap look test"))),
	})
	r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", deliv)
	rep := parseReport(t, r)
	rules := map[string]string{}
	for _, f := range rep.Findings {
		rules[f.Path] += f.Rule + " "
	}
	if r.code != 1 || !strings.Contains(rules["keyart/poster.png"], "synthetic-performance") ||
		strings.Contains(rules["keyart/plain.png"], "synthetic-performance") || !strings.Contains(rules["keyart/plain.png"], "genai-generator") ||
		rules["keyart/title.png"] != "" {
		t.Errorf("exit %d, rules %v", r.code, rules)
	}
	if !strings.Contains(r.stdout, "face swap (ReActor), face swap (InsightFace inswapper) in the generation inputs") {
		t.Errorf("message does not name the technique:\n%s", r.stdout)
	}
}
