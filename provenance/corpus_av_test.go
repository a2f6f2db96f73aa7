package provenance_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/provscan/provscan/scanner/rules"
)

// avGenAIRules are the rules that say a file holds or may hold generated
// material: none may fire on a file the corpus expects to be clean.
var avGenAIRules = map[string]bool{
	rules.GenAISourceType: true, rules.GenAIGenerator: true, rules.GenAIEdit: true, rules.GenAIIngredient: true,
	rules.GenAILabel: true, rules.GenAIReview: true, rules.SyntheticPerformance: true, rules.PromptEmbedded: true,
}

// TestCorpusAV checks every file of av/expected.jsonl (real GenAI video and
// audio, with their negatives): a file expected to be GenAI gets a GenAI
// finding that fails the default gate, and on video or audio a
// synthetic-performance finding; a file expected clean (negatives, and AI
// files that carry no marker in their metadata) gets no GenAI finding.
// Files listed in testdata/known-differences.md are reported, not failed.
func TestCorpusAV(t *testing.T) {
	needCorpus(t)
	expected := filepath.Join(corpusDir, "av/expected.jsonl")
	if _, err := os.Stat(expected); err != nil {
		t.Skipf("corpus has no av/expected.jsonl: %v", err)
	}
	known := knownDifferences(t)
	var table []string
	disagree := 0
	readJSONL(t, expected, func(line []byte) {
		var row expectedRow
		if err := json.Unmarshal(line, &row); err != nil {
			t.Fatal(err)
		}
		p, err := inspectFile(t, filepath.Join(corpusDir, row.Path))
		var found []string
		failing, talent, flagged := false, false, false
		format := ""
		if err == nil {
			format = p.Format
			for _, m := range rules.Evaluate(p.Evidence, p.Media) {
				if !avGenAIRules[m.Rule.ID] {
					continue
				}
				flagged = true
				sev := m.Rule.Severity
				if m.Severity != 0 {
					sev = m.Severity
				}
				if sev >= rules.DefaultFailOn && m.Rule.ID != rules.PromptEmbedded && m.Rule.ID != rules.GenAIReview {
					failing = true
				}
				talent = talent || m.Rule.ID == rules.SyntheticPerformance
				found = append(found, fmt.Sprintf("%s/%s(%s)", m.Rule.ID, sev, m.Generator))
			}
		}
		var problem string
		switch {
		case err != nil:
			problem = "unreadable: " + err.Error()
		case row.ExpectGenAI && !failing:
			problem = "GenAI file does not fail the default gate"
		case row.ExpectGenAI && (p.Media == rules.MediaVideo || p.Media == rules.MediaAudio) && !talent:
			problem = "GenAI " + p.Media + " without synthetic-performance"
		case !row.ExpectGenAI && flagged:
			problem = "file expected clean got GenAI findings: " + strings.Join(found, ", ")
		}
		status := corpusStatus(t, known, row.Path, problem, &disagree)
		table = append(table, fmt.Sprintf("%-72s %-5s genai=%-5v found=%-60s %s", row.Path, format, row.ExpectGenAI, strings.Join(found, ","), status))
	})
	sort.Strings(table)
	t.Logf("corpus agreement (av/expected.jsonl), %d disagreements:\n%s", disagree, strings.Join(table, "\n"))
}
