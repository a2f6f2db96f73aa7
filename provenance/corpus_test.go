package provenance_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/provenance/genai"
	"github.com/provscan/provscan/scanner/rules"
)

// corpusDir is the shared corpus of real files; tests that need it skip
// cleanly when it is absent (a checkout elsewhere has no ../shared).
const corpusDir = "../../shared/corpus"

func needCorpus(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(corpusDir, "README.md")); err != nil {
		t.Skipf("shared corpus not present at %s", corpusDir)
	}
}

func readJSONL(t *testing.T, path string, each func(line []byte)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		if len(strings.TrimSpace(sc.Text())) > 0 {
			each(sc.Bytes())
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

// knownDifferences reads testdata/known-differences.md: lines of the form
// "- `path`: reason". A listed file may disagree with the corpus expectation.
func knownDifferences(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("testdata/known-differences.md")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "- `") {
			continue
		}
		rest := line[3:]
		end := strings.Index(rest, "`")
		if end < 0 {
			continue
		}
		reason := strings.TrimSpace(strings.TrimPrefix(rest[end+1:], ":"))
		if reason == "" {
			t.Fatalf("known difference %q has no reason", rest[:end])
		}
		out[rest[:end]] = reason
	}
	return out
}

// corpusStatus is the status of a corpus file from the problem found with
// it ("" for none): "agree", a known difference, or a disagreement, which is
// a test error and counted in disagree.
func corpusStatus(t *testing.T, known map[string]string, path, problem string, disagree *int) string {
	t.Helper()
	if problem == "" {
		return "agree"
	}
	if reason, ok := known[path]; ok {
		return "known: " + reason
	}
	*disagree++
	t.Errorf("%s: %s", path, problem)
	return "DISAGREE: " + problem
}

func inspectFile(t *testing.T, path string) (*provenance.Provenance, error) {
	t.Helper()
	p, _, err := inspectCounted(t, path, provenance.Options{})
	return p, err
}

// inspectCounted inspects the file at path with opts, counting the bytes
// the inspection reads.
func inspectCounted(t *testing.T, path string, opts provenance.Options) (*provenance.Provenance, int64, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	cr := &countingReaderAt{r: f}
	p, err := provenance.Inspect(cr, st.Size(), filepath.Base(path), opts)
	return p, cr.n.Load(), err
}

// genaiRules are the rules that say "this file holds generated material".
var genaiRules = map[string]bool{
	rules.GenAISourceType: true, rules.GenAIGenerator: true, rules.GenAIEdit: true, rules.GenAIIngredient: true,
}

// familyOf maps a corpus folder to the generator family provscan must name.
var familyOf = map[string][]string{
	"automatic1111":    {"AUTOMATIC1111"},
	"civitai":          {"Civitai", "AUTOMATIC1111"}, // the kohya API file is plain A1111 text
	"comfyui":          {"ComfyUI"},
	"firefly":          {"Adobe Firefly"},
	"fooocus":          {"Fooocus", "RuinedFooocus"},
	"forge":            {"Forge"},
	"google":           {"Google"},
	"hf-space":         {"Hugging Face Space"},
	"invokeai":         {"InvokeAI"},
	"microsoft":        {"Microsoft Designer"},
	"novelai":          {"NovelAI"},
	"openai":           {"OpenAI"},
	"sdnext":           {"SD.Next"},
	"sora":             {"OpenAI Sora"},
	"stability-matrix": {"Stability Matrix"},
	"swarmui":          {"SwarmUI"},
	"tensorart":        {"TensorArt"},
}

type expectedRow struct {
	Path        string `json:"path"`
	Format      string `json:"sniffed_format"`
	ExpectGenAI bool   `json:"expect_genai"`
	Generator   string `json:"expected_generator"`
}

// TestCorpusGenAI checks every still of genai/expected.jsonl: GenAI files are
// flagged and attributed to their family, others get no GenAI finding.
func TestCorpusGenAI(t *testing.T) {
	needCorpus(t)
	known := knownDifferences(t)
	var table []string
	disagree := 0
	readJSONL(t, filepath.Join(corpusDir, "genai/expected.jsonl"), func(line []byte) {
		var row expectedRow
		if err := json.Unmarshal(line, &row); err != nil {
			t.Fatal(err)
		}
		p, err := inspectFile(t, filepath.Join(corpusDir, row.Path))
		var found []string
		flagged := false
		if err == nil {
			for _, m := range rules.Evaluate(p.Evidence, p.Media) {
				if genaiRules[m.Rule.ID] {
					flagged = true
					found = append(found, m.Rule.ID+"("+m.Generator+")")
				}
			}
		}
		var problem string
		switch {
		case err != nil:
			problem = "unreadable: " + err.Error()
		case row.ExpectGenAI && !flagged:
			problem = "GenAI file not flagged"
		case !row.ExpectGenAI && flagged:
			problem = "non-GenAI file flagged: " + strings.Join(found, ", ")
		case row.ExpectGenAI:
			dir := strings.Split(row.Path, "/")[1]
			if !namesFamily(found, familyOf[dir]) {
				problem = fmt.Sprintf("generator not attributed to %v: %s", familyOf[dir], strings.Join(found, ", "))
			}
		}
		status := corpusStatus(t, known, row.Path, problem, &disagree)
		table = append(table, fmt.Sprintf("%-62s %-10s genai=%-5v found=%-50s %s", row.Path, p.Format, row.ExpectGenAI, strings.Join(found, ","), status))
	})
	sort.Strings(table)
	t.Logf("corpus agreement (genai/expected.jsonl), %d disagreements:\n%s", disagree, strings.Join(table, "\n"))
}

func namesFamily(found []string, families []string) bool {
	for _, f := range found {
		for _, fam := range families {
			if strings.Contains(f, "("+fam) {
				return true
			}
		}
	}
	return false
}

type referenceRow struct {
	Path        string   `json:"path"`
	Ext         string   `json:"ext"`
	HasManifest *bool    `json:"has_manifest"`
	ReaderError *string  `json:"reader_error"`
	GenAIAny    bool     `json:"genai_any_manifest"`
	Types       []string `json:"digital_source_types_any_manifest"`
}

// referenceGenAITerms are the terms the reference counts as GenAI in
// genai_any_manifest (it counts algorithmicMedia and composite too; provscan's
// policy, CATALOGUE.md section 1, does not flag those).
var referenceGenAITerms = map[string]bool{
	"trainedAlgorithmicMedia": true, "compositeWithTrainedAlgorithmicMedia": true, "compositeSynthetic": true,
	"algorithmicMedia": true, "composite": true, "virtualRecording": true, "c2pa:trainedAlgorithmicData": true,
}

// TestCorpusC2PAReference compares manifest presence and GenAI-in-any-manifest
// with the official C2PA SDK's reading, for every file it read.
func TestCorpusC2PAReference(t *testing.T) {
	needCorpus(t)
	known := knownDifferences(t)
	var table []string
	agree, disagree := 0, 0
	readJSONL(t, filepath.Join(corpusDir, "c2pa/reference.jsonl"), func(line []byte) {
		var row referenceRow
		if err := json.Unmarshal(line, &row); err != nil {
			t.Fatal(err)
		}
		if row.ReaderError != nil || row.HasManifest == nil {
			return // the reference could not read it: nothing to compare
		}
		p, err := inspectFile(t, filepath.Join(corpusDir, "c2pa", row.Path))
		has, genAI := false, false
		if p != nil {
			for _, s := range p.C2PA {
				if len(s.Manifests) > 0 {
					has = true
				}
				for _, m := range s.Manifests {
					for _, a := range m.Actions {
						if term, _, ok := genai.SourceType(a.DigitalSourceType); ok && referenceGenAITerms[term] {
							genAI = true
						}
					}
				}
			}
		}
		status := "agree"
		if has != *row.HasManifest || genAI != row.GenAIAny {
			problem := fmt.Sprintf("manifest %v (ref %v), genai %v (ref %v)", has, *row.HasManifest, genAI, row.GenAIAny)
			if err != nil {
				problem += ", error: " + err.Error()
			}
			status = corpusStatus(t, known, "c2pa/"+row.Path, problem, &disagree)
		} else {
			agree++
		}
		table = append(table, fmt.Sprintf("%-70s %-5s manifest=%-5v genai=%-5v %s", row.Path, row.Ext, has, genAI, status))
	})
	sort.Strings(table)
	t.Logf("C2PA reference agreement: %d agree, %d disagree:\n%s", agree, disagree, strings.Join(table, "\n"))
}
