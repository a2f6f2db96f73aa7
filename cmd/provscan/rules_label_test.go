package main

import (
	"strings"
	"testing"

	"github.com/provscan/provscan/scanner/rules"
)

// TestRulePageLabelSeverity: the page of genai-label says its findings take
// their severity from the label, not that every one fails the default gate.
func TestRulePageLabelSeverity(t *testing.T) {
	r := rules.Lookup(rules.GenAILabel)
	if r == nil {
		t.Fatal("no genai-label rule")
	}
	page := rulePage(r)
	if !strings.Contains(page, "high, medium or low by the label") || strings.Contains(page, "high: fails the default gate") {
		t.Errorf("page:\n%s", page)
	}
}
