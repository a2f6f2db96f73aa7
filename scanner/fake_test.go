package scanner

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/provenance/container"
	"github.com/provscan/provscan/provenance/evidence"
)

// fakeInspect reads the whole (small) file once and decides by its first word:
//
//	GENAI   a generator signature (genai-generator, high)
//	PROMPT  a prompt left in the file (prompt-embedded, medium)
//	CLEAN   a known format without evidence
//	BROKEN  a malformed container
//	PANIC   a reader bug
//	ZIP2    an archive with members a.png (GENAI) and b.txt (unknown format)
//	ZIPDEEP an archive whose only member is itself
//
// anything else is of an unknown format.
func fakeInspect(r io.ReaderAt, size int64, name string, _ provenance.Options) (*provenance.Provenance, error) {
	buf := make([]byte, size)
	if _, err := r.ReadAt(buf, 0); err != nil && err != io.EOF {
		return nil, err
	}
	word, _, _ := strings.Cut(string(buf), "\n")
	p := &provenance.Provenance{Name: name, Format: "FAKE", Media: "image"}
	switch word {
	case "GENAI":
		p.Evidence = []evidence.Item{{Kind: evidence.Generator, Generator: "TestGen", Container: "fake block",
			Offset: 2, Field: "Software", Value: "TestGen 1.0", Confidence: evidence.Declared}}
	case "PROMPT":
		p.Evidence = []evidence.Item{{Kind: evidence.Prompt, Container: "fake text", Offset: 8,
			Field: "prompt", Value: "a cat", Confidence: evidence.Inferred}}
	case "CLEAN":
	case "BROKEN":
		return p, fmt.Errorf("FAKE: %w: bad segment length", container.ErrMalformed)
	case "PANIC":
		panic("reader bug")
	case "ZIP2":
		p.Format = "ZIP"
		p.Members = []container.Member{memberOf("a.png", "GENAI\n"), memberOf("b.txt", "hello\n")}
	case "ZIPDEEP":
		p.Format = "ZIP"
		p.Members = []container.Member{memberOf("inner.zip", "ZIPDEEP\n")}
	default:
		return &provenance.Provenance{Name: name}, container.ErrUnknownFormat
	}
	return p, nil
}

func memberOf(name, content string) container.Member {
	return container.Member{Name: name, Size: int64(len(content)), Open: func() (io.ReaderAt, error) {
		return bytes.NewReader([]byte(content)), nil
	}}
}
