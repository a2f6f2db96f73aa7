package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusFile returns a file of the shared corpus (../shared/corpus beside the
// repository), or skips t when it is absent. It mirrors
// provenance/internal/corpustest.Dir, which this package cannot import.
func corpusFile(t *testing.T, parts ...string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(append([]string{"..", "..", "..", "shared", "corpus"}, parts...)...))
	if err != nil {
		t.Skipf("corpus not located: %v", err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Skipf("corpus not present: %v", err)
	}
	return p
}

// jsonFindings scans one file with the built binary and returns the exit
// code and the findings of its JSON report.
type e2eFinding struct {
	Rule      string `json:"rule"`
	Generator string `json:"generator"`
	Severity  string `json:"severity"`
	Message   string `json:"message"`
	FailsGate bool   `json:"fails_gate"`
}

func scanCorpusJSON(t *testing.T, bin string, args ...string) (int, []e2eFinding) {
	t.Helper()
	res := runBinary(t, bin, t.TempDir(), append([]string{"scan", "-q", "--format", "json"}, args...)...)
	if res.code == 2 {
		t.Fatalf("provscan %v: exit 2\n%s", args, res.stderr)
	}
	var rep struct {
		Findings []e2eFinding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("provscan %v: %v\n%s", args, err, res.stdout)
	}
	return res.code, rep.Findings
}

func findingOf(fs []e2eFinding, rule string) (e2eFinding, bool) {
	for _, f := range fs {
		if f.Rule == rule {
			return f, true
		}
	}
	return e2eFinding{}, false
}

// TestVerdictsE2E runs the built binary on real files of the shared corpus
// whose verdicts the README rule table sets.
func TestVerdictsE2E(t *testing.T) {
	corpusFile(t) // skip at once without the corpus
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)

	// Google Gemini images: the active manifest re-encodes an ingredient that
	// only converted and watermarked (c2pa.edited "Added visible watermark")
	// an image created as trainedAlgorithmicMedia: the file is generated.
	for _, name := range []string{"hero.jpg", "gemini_3.1pro.png"} {
		t.Run("google/"+name, func(t *testing.T) {
			code, fs := scanCorpusJSON(t, bin, corpusFile(t, "genai", "google", name))
			if code != 1 {
				t.Fatalf("exit %d, want 1 (default gate fails); findings %+v", code, fs)
			}
			f, ok := findingOf(fs, "genai-source-type")
			if !ok || f.Severity != "high" || !f.FailsGate || !strings.Contains(f.Message, "c2pa.edited (watermark)") {
				t.Errorf("want a high genai-source-type failing the gate, derived through the watermark; findings %+v", fs)
			}
		})
	}

	// ChatGPT: the active manifest only opens the GPT-4o image.
	t.Run("openai/ChatGPT_Image.png", func(t *testing.T) {
		code, fs := scanCorpusJSON(t, bin, corpusFile(t, "genai", "openai", "ChatGPT_Image.png"))
		f, ok := findingOf(fs, "genai-source-type")
		if code != 1 || !ok || f.Severity != "high" || !strings.Contains(f.Message, "derived from a GenAI-created ingredient (trainedAlgorithmicMedia) through only c2pa.opened actions") {
			t.Errorf("exit %d, findings %+v", code, fs)
		}
	})

	// A manifest stripped from the file, its self#jumbf= reference left in
	// XMP, is not a remote manifest; an http(s) reference is.
	t.Run("c2pa-rs/video1_no_manifest.mp4", func(t *testing.T) {
		code, fs := scanCorpusJSON(t, bin, corpusFile(t, "c2pa", "c2pa-rs", "video1_no_manifest.mp4"))
		if _, ok := findingOf(fs, "provenance-remote-only"); ok {
			t.Errorf("a stripped manifest called remote: %+v", fs)
		}
		if f, ok := findingOf(fs, "provenance-stripped"); code != 1 || !ok || f.Severity != "high" || !strings.Contains(f.Message, "self#jumbf=") {
			t.Errorf("exit %d, findings %+v; want a high provenance-stripped failing the default gate", code, fs)
		}
	})
	t.Run("c2pa-rs/cloud.jpg", func(t *testing.T) {
		code, fs := scanCorpusJSON(t, bin, corpusFile(t, "c2pa", "c2pa-rs", "cloud.jpg"))
		if f, ok := findingOf(fs, "provenance-remote-only"); code != 0 || !ok || f.Severity != "low" || len(fs) != 1 {
			t.Errorf("exit %d, findings %+v; want only a low provenance-remote-only", code, fs)
		}
	})

	// A genuine camera file whose certificate expired passes a medium
	// gate; a file changed after signing fails the default gate, its hard
	// binding being checked by default.
	t.Run("nikon-20221019-building.jpeg", func(t *testing.T) {
		code, fs := scanCorpusJSON(t, bin, "--fail-on", "medium", corpusFile(t, "c2pa", "public-testfiles", "image", "jpeg", "nikon-20221019-building.jpeg"))
		f, ok := findingOf(fs, "provenance-untrusted")
		if code != 0 || !ok || f.Severity != "low" || !strings.Contains(f.Message, "signingCredential.expired") || !strings.Contains(f.Message, "assertion.dataHash.match") {
			t.Errorf("exit %d, findings %+v; want a low provenance-untrusted naming its codes, gate passed", code, fs)
		}
	})
	t.Run("cards_invalid.jpg", func(t *testing.T) {
		path := corpusFile(t, "c2pa", "c2pa-extension-validator", "cards_invalid.jpg")
		code, fs := scanCorpusJSON(t, bin, path)
		f, ok := findingOf(fs, "provenance-invalid")
		if code != 1 || !ok || f.Severity != "high" || !strings.Contains(f.Message, "assertion.dataHash.mismatch") {
			t.Errorf("exit %d, findings %+v; want a high provenance-invalid (dataHash.mismatch) failing the default gate", code, fs)
		}
		// --verify-content-max 0 leaves the content unchecked: only the expired credential shows.
		code, fs = scanCorpusJSON(t, bin, "--verify-content-max", "0", path)
		if _, ok := findingOf(fs, "provenance-untrusted"); code != 0 || !ok {
			t.Errorf("--verify-content-max 0: exit %d, findings %+v", code, fs)
		}
		// A limit below the file's size leaves it unchecked too; --verify-content checks it whatever the limit.
		if code, _ = scanCorpusJSON(t, bin, "--verify-content-max", "1KiB", path); code != 0 {
			t.Errorf("--verify-content-max 1KiB: exit %d, want the content unchecked", code)
		}
		if code, _ = scanCorpusJSON(t, bin, "--verify-content-max", "1KiB", "--verify-content", path); code != 1 {
			t.Errorf("--verify-content: exit %d, want the mismatch found", code)
		}
		if res := runBinary(t, bin, t.TempDir(), "scan", "--verify-content-max", "lots", path); res.code != 2 {
			t.Errorf("a bad size: exit %d, want 2", res.code)
		}
	})
}

// One generator finding per file, with the most specific name.
func TestOneGeneratorE2E(t *testing.T) {
	corpusFile(t)
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	for _, tc := range []struct {
		path []string
		want string
	}{
		{[]string{"genai", "openai", "ChatGPT_Image.png"}, "OpenAI GPT image"},              // and OpenAI
		{[]string{"genai", "openai", "chatgpt-image2.png"}, "OpenAI GPT image"},             // and OpenAI
		{[]string{"genai", "swarmui", "swarmui.png"}, "SwarmUI"},                            // and ComfyUI
		{[]string{"genai", "stability-matrix", "stability-matrix.png"}, "Stability Matrix"}, // and ComfyUI, AUTOMATIC1111
	} {
		t.Run(strings.Join(tc.path, "/"), func(t *testing.T) {
			_, fs := scanCorpusJSON(t, bin, corpusFile(t, tc.path...))
			var gens []string
			for _, f := range fs {
				if f.Rule == "genai-generator" {
					gens = append(gens, f.Generator)
				}
			}
			if len(gens) != 1 || gens[0] != tc.want {
				t.Errorf("generator findings %v, want one %s", gens, tc.want)
			}
		})
	}
}
