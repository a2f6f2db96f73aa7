package report

import (
	"bytes"
	"strings"
	"testing"
)

// TestRegistry: every registered format writes a report, the formats are
// listed text first, and an unknown format is refused with the list.
func TestRegistry(t *testing.T) {
	if got, want := strings.Join(Formats(), ","), "text,json,sarif,junit,html"; got != want {
		t.Errorf("Formats() = %s, want %s", got, want)
	}
	if got, want := FormatList(), "text, json, sarif, junit or html"; got != want {
		t.Errorf("FormatList() = %q, want %q", got, want)
	}
	for _, name := range Formats() {
		f, err := LookupFormat(name)
		if err != nil || f.Name != name {
			t.Fatalf("LookupFormat(%q) = %+v, %v", name, f, err)
		}
		var b bytes.Buffer
		if err := f.Write(&b, sample(), TextOptions{}); err != nil || b.Len() == 0 {
			t.Errorf("%s: wrote %d bytes, error %v", name, b.Len(), err)
		}
	}
	_, err := LookupFormat("pdf")
	if err == nil || err.Error() != `unknown format "pdf" (want text, json, sarif, junit, html)` {
		t.Errorf("unknown format: %v", err)
	}
}
