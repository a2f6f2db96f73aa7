package report

import (
	"bytes"
	"strings"
	"testing"
)

// TestRegistry: every registered format writes a report, the formats are
// listed text first, and an unknown format is refused with the list.
func TestRegistry(t *testing.T) {
	if got, want := strings.Join(Formats(), ","), "text,json,sarif,junit"; got != want {
		t.Errorf("Formats() = %s, want %s", got, want)
	}
	if got, want := FormatList(), "text, json, sarif or junit"; got != want {
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
	_, err := LookupFormat("html")
	if err == nil || err.Error() != `unknown format "html" (want text, json, sarif, junit)` {
		t.Errorf("unknown format: %v", err)
	}
}
