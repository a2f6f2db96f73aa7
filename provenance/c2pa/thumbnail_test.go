package c2pa

import (
	"bytes"
	"testing"
)

func thumbAssertion(label, mime string, data []byte) []byte {
	desc := append([]byte{0}, mime...)
	desc = append(desc, 0)
	return superbox(TypeEmbeddedFile, label, box(BoxFileDesc, desc), box(BoxFileData, data))
}

func TestThumbnail(t *testing.T) {
	jpeg := []byte("\xff\xd8\xff\xe0 a jpeg thumbnail")
	tm := &testManifest{label: "urn:uuid:1", claim: map[string]any{"claim_generator": "x"},
		assertions: [][]byte{cborAssertion("c2pa.actions", map[string]any{"actions": []any{}}),
			thumbAssertion("c2pa.thumbnail.claim.jpeg", "image/jpeg", jpeg)}}
	s, err := Parse(storeOf(tm.build(nil)))
	if err != nil {
		t.Fatal(err)
	}
	mime, data := s.Manifests[0].Thumbnail()
	if mime != "image/jpeg" || !bytes.Equal(data, jpeg) {
		t.Fatalf("Thumbnail() = %q, %q", mime, data)
	}

	// No description: the type comes from the label.
	tm.assertions = [][]byte{superbox(TypeEmbeddedFile, "c2pa.thumbnail.claim.png__1", box(BoxFileData, []byte("png")))}
	s, _ = Parse(storeOf(tm.build(nil)))
	if mime, data := s.Manifests[0].Thumbnail(); mime != "image/png" || string(data) != "png" {
		t.Fatalf("Thumbnail() = %q, %q", mime, data)
	}

	// An ingredient thumbnail is not the claim's; an oversized one is refused.
	tm.assertions = [][]byte{thumbAssertion("c2pa.thumbnail.ingredient.jpeg", "image/jpeg", jpeg),
		thumbAssertion("c2pa.thumbnail.claim.jpeg", "image/jpeg", make([]byte, MaxThumbnail+1))}
	s, _ = Parse(storeOf(tm.build(nil)))
	if mime, data := s.Manifests[0].Thumbnail(); mime != "" || data != nil {
		t.Fatalf("Thumbnail() = %q, %d bytes, want none", mime, len(data))
	}
	var nilM *Manifest
	if _, data := nilM.Thumbnail(); data != nil {
		t.Fatal("nil manifest has a thumbnail")
	}
}
