// Package rules turns evidence into findings: each rule has a stable ID, a
// severity and the production principle it serves. Rules know evidence and
// nothing of bytes or files.
package rules

import (
	"fmt"
	"strings"
)

// Severity orders findings; the gate fails on findings at or above a
// threshold. The zero value is no severity: as a threshold it stands for
// DefaultFailOn.
type Severity int

// Severities, lowest first.
const (
	Info Severity = iota + 1
	Low
	Medium
	High
	Critical
	// None is a gate threshold above every severity: nothing fails the gate.
	// No finding has it.
	None
)

// DefaultFailOn is the lowest severity that fails the gate unless the
// policy or --fail-on says otherwise.
const DefaultFailOn = High

// OrDefault returns s, or DefaultFailOn when s is the zero value.
func (s Severity) OrDefault() Severity {
	if s == 0 {
		return DefaultFailOn
	}
	return s
}

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// String returns the lower-case name of s.
func (s Severity) String() string {
	if s == None {
		return "none"
	}
	if s < Info || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s-Info]
}

// MarshalText encodes s as its name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSeverity parses a severity name (case-insensitive); "none" (None) is above critical, so nothing fails.
func ParseSeverity(name string) (Severity, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	for i, s := range severityNames {
		if n == s {
			return Info + Severity(i), nil
		}
	}
	if n == "none" || n == "never" {
		return None, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want info, low, medium, high, critical or none)", name)
}

// The production principles of DESIGN.md that findings serve.
const (
	PrincipleTemporary  = "temporary"
	PrincipleTalent     = "talent"
	PrincipleInputs     = "inputs"
	PrincipleNoTraining = "no-training"
	PrincipleCopyright  = "copyright"
)

// Rule is one row of the rule table.
type Rule struct {
	ID        string   `json:"id"`
	Severity  Severity `json:"severity"`
	Principle string   `json:"principle"`
	Title     string   `json:"title"`
	Help      string   `json:"help"`
	// Decide returns the rule's matches on the sorted evidence of one file;
	// nil for a rule the scanner raises itself (unreadable, symlink-unchecked).
	Decide func(*Signs) []Match `json:"-"`
}

// Stable rule IDs. Changing one is a breaking change (see CHANGELOG.md).
const (
	GenAISourceType      = "genai-source-type"
	GenAIGenerator       = "genai-generator"
	GenAIEdit            = "genai-edit"
	GenAIIngredient      = "genai-ingredient"
	GenAIReview          = "genai-review"
	PromptEmbedded       = "prompt-embedded"
	ProvenanceRemoteOnly = "provenance-remote-only"
	TrainingMining       = "training-mining"
	Unreadable           = "unreadable"
	SymlinkUnchecked     = "symlink-unchecked"
)
