package provenance

import (
	"bytes"
	"errors"
	"testing"
)

// TestInspectLimitsFromOptions: the readers' limits come from the options.
func TestInspectLimitsFromOptions(t *testing.T) {
	xmp := []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF></x:xmpmeta>`)
	if _, err := Inspect(bytes.NewReader(xmp), int64(len(xmp)), "a.xmp", Options{}); err != nil {
		t.Fatalf("default limits: %v", err)
	}
	_, err := Inspect(bytes.NewReader(xmp), int64(len(xmp)), "a.xmp", Options{Limits: Limits{BlockBytes: 16}})
	if !errors.Is(err, ErrLimit) {
		t.Errorf("16 bytes of metadata: err = %v", err)
	}
}
