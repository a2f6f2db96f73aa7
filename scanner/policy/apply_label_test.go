package policy

import (
	"testing"

	"github.com/provscan/provscan/scanner/report"
	"github.com/provscan/provscan/scanner/rules"
)

// A GenAI label says the file is generated, as a source type does: an
// allowed generator named in its finding allows it; a label without a
// generator, and a synthetic performance, stay open.
func TestAllowedGeneratorLabel(t *testing.T) {
	c := &Config{AllowedGenerators: []AllowedGenerator{{Name: "Acme Video", Reason: "licence L-9"}}}
	fs := ApplyConfig([]report.Finding{
		{Path: "a.mp4", Rule: rules.GenAILabel, Generator: "Acme Video", Severity: rules.High},
		{Path: "b.mp4", Rule: rules.GenAILabel, Severity: rules.Medium},
		{Path: "a.mp4", Rule: rules.SyntheticPerformance, Generator: "Acme Video", Severity: rules.Critical},
	}, c)
	if fs[0].Status != report.StatusAllowed || fs[0].Severity != rules.Info {
		t.Errorf("label of an allowed generator: %+v", fs[0])
	}
	if fs[1].Status != report.StatusOpen || fs[1].Severity != rules.Medium {
		t.Errorf("label without a generator: %+v", fs[1])
	}
	if fs[2].Status != report.StatusOpen || fs[2].Severity != rules.Critical {
		t.Errorf("synthetic performance: %+v", fs[2])
	}
}
