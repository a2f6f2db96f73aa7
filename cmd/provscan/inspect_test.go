package main

import (
	"strings"
	"testing"

	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/scanner"
)

// TestInspectIPTCSection: IPTC datasets get a section like XMP and EXIF.
func TestInspectIPTCSection(t *testing.T) {
	in := &scanner.Inspection{Path: "a.jpg", Provenance: &provenance.Provenance{
		Format: "jpeg",
		IPTC:   []provenance.TextEntry{{Container: "JPEG APP13 Photoshop > resource 1028", Key: "DigitalSourceType", Value: "trainedAlgorithmicMedia"}},
	}}
	var b strings.Builder
	if err := writeInspection(&b, in); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\nIPTC datasets (1)\n  JPEG APP13 Photoshop > resource 1028  DigitalSourceType  trainedAlgorithmicMedia\n") {
		t.Errorf("no IPTC section:\n%s", b.String())
	}
}
