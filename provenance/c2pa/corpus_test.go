package c2pa

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/provscan/provscan/provenance/internal/corpustest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provscan/provscan/provenance/container"
	"github.com/provscan/provscan/provenance/readerr"
)

// refRecord is one line of corpus/c2pa/reference.jsonl (the fields used here).
type refRecord struct {
	Path               string   `json:"path"`
	HasManifest        bool     `json:"has_manifest"`
	ReaderError        *string  `json:"reader_error"`
	RemoteManifest     *string  `json:"remote_manifest"`
	ActiveManifest     *string  `json:"active_manifest"`
	ManifestCount      int      `json:"manifest_count"`
	ClaimGenerator     *string  `json:"claim_generator"`
	ClaimGeneratorInfo []string `json:"claim_generator_info"`
	Actions            []struct {
		Action            string  `json:"action"`
		DigitalSourceType *string `json:"digitalSourceType"`
		SoftwareAgent     *string `json:"softwareAgent"`
	} `json:"actions"`
	GenAIAny             bool     `json:"genai_any_manifest"`
	SourceTypesAny       []string `json:"digital_source_types_any_manifest"`
	ValidationState      *string  `json:"validation_state"`
	ValidationFailures   []string `json:"validation_failures"`
	IngredientValidation []string `json:"ingredient_validation_failures"`
	Readers              struct {
		Wasm struct {
			Manifests map[string]struct {
				SignatureIssuer *string `json:"signature_issuer"`
				SignatureCN     *string `json:"signature_cn"`
				SignatureTime   *string `json:"signature_time"`
			} `json:"manifests"`
		} `json:"c2pa-wasm"`
	} `json:"readers"`
}

// corpusDir returns ../../../shared/corpus/c2pa, or skips the test.
func corpusDir(t testing.TB) string {
	t.Helper()
	return corpustest.Dir(t, "c2pa")
}

func loadReference(t testing.TB, dir string) []refRecord {
	f, err := os.Open(filepath.Join(dir, "reference.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []refRecord
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var r refRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("reference.jsonl: %v", err)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// storeBytes returns the JUMBF of a corpus file: the whole file for a .c2pa
// sidecar, else the first KindC2PA block that container.Read finds.
func storeBytes(path string) ([]byte, error) {
	if strings.HasSuffix(path, ".c2pa") {
		return os.ReadFile(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	res, err := container.Read(f, st.Size())
	if res == nil {
		return nil, err
	}
	for _, b := range res.Blocks {
		if b.Kind == container.KindC2PA {
			return b.Data, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return nil, ErrNoStore
}

// knownDifferences reads the paths listed in testdata/known-differences.md
// (lines of the form "- `path` [aspect]: reason").
func knownDifferences(t testing.TB) map[string]bool {
	b, err := os.ReadFile(filepath.Join("testdata", "known-differences.md"))
	if err != nil {
		return map[string]bool{}
	}
	out := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "- `") {
			continue
		}
		rest := line[3:]
		i := strings.Index(rest, "`")
		if i < 0 {
			continue
		}
		key := rest[:i]
		if j := strings.Index(rest[i:], "["); j >= 0 {
			if k := strings.Index(rest[i+j:], "]"); k > 0 {
				key += " " + rest[i+j+1:i+j+k]
			}
		}
		out[key] = true
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// actionKey renders actions for comparison.
func actionKey(action, dst, agent string) string {
	return action + "|" + strings.TrimSpace(dst) + "|" + agent
}

// TestCorpusReference compares Parse with the official SDK's reading of
// every corpus file it read a manifest from: active manifest, manifest
// count, claim generator, claim_generator_info and actions.
func TestCorpusReference(t *testing.T) {
	dir := corpusDir(t)
	refs := loadReference(t, dir)
	ag := newAgreement(knownDifferences(t), "presence", "active", "count", "claim_generator", "generator_info", "actions")
	for _, r := range refs {
		path := filepath.Join(dir, filepath.FromSlash(r.Path))
		data, err := storeBytes(path)
		var s *Store
		if err == nil {
			s, err = Parse(data)
		}
		have := s != nil && len(s.Manifests) > 0
		// Presence: a reader error in the reference (unsupported container,
		// unknown algorithm) says nothing about presence; skip those.
		if r.ReaderError != nil && !r.HasManifest {
			continue
		}
		if errors.Is(err, readerr.ErrUnknownFormat) {
			// A container whose reader is not in the sniff table yet: counted, not compared.
			ag.unread = append(ag.unread, r.Path)
			continue
		}
		ag.record(r.Path, "presence", have == r.HasManifest, fmt.Sprintf("reference %v, provscan %v (err %v)", r.HasManifest, have, err))
		if !r.HasManifest || !have {
			continue
		}
		am := s.ActiveManifest()
		ag.record(r.Path, "active", s.Active == deref(r.ActiveManifest), fmt.Sprintf("reference %q, provscan %q", deref(r.ActiveManifest), s.Active))
		ag.record(r.Path, "count", len(s.Manifests) == r.ManifestCount, fmt.Sprintf("reference %d, provscan %d", r.ManifestCount, len(s.Manifests)))
		ag.record(r.Path, "claim_generator", am.ClaimGenerator == deref(r.ClaimGenerator), fmt.Sprintf("reference %q, provscan %q", deref(r.ClaimGenerator), am.ClaimGenerator))
		var gi []string
		for _, g := range am.ClaimGeneratorInfo {
			if g.Version != "" {
				gi = append(gi, g.Name+"/"+g.Version)
			} else {
				gi = append(gi, g.Name)
			}
		}
		// The reference lists claim_generator_info only for some claims; compare when it has one.
		if len(r.ClaimGeneratorInfo) > 0 {
			ag.record(r.Path, "generator_info", strings.Join(gi, ",") == strings.Join(r.ClaimGeneratorInfo, ","),
				fmt.Sprintf("reference %q, provscan %q", r.ClaimGeneratorInfo, gi))
		}
		var want, got []string
		for _, a := range r.Actions {
			want = append(want, actionKey(a.Action, deref(a.DigitalSourceType), deref(a.SoftwareAgent)))
		}
		for _, a := range am.Actions {
			got = append(got, actionKey(a.Action, a.DigitalSourceType, a.SoftwareAgent))
		}
		ag.record(r.Path, "actions", strings.Join(want, ";") == strings.Join(got, ";"), fmt.Sprintf("reference %q\n\tprovscan  %q", want, got))
	}
	ag.report(t, "files")
}
