package policy

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/provscan/provscan/scanner/report"
)

// Fingerprint identifies a finding for --baseline without reading the whole
// file: "rule:size:evidence:path", where evidence is EvidenceDigest of the
// metadata that produced the finding (for a finding without evidence, an
// unreadable file, of its message: the reason it could not be read).
func Fingerprint(rule string, size int64, ev []report.Evidence, message, path string) string {
	return rule + ":" + strconv.FormatInt(size, 10) + ":" + findingDigest(ev, message) + ":" + path
}

// findingDigest is EvidenceDigest of the evidence, or of the message when
// there is none.
func findingDigest(ev []report.Evidence, message string) string {
	if len(ev) == 0 {
		ev = []report.Evidence{{Field: "message", Value: message}}
	}
	return EvidenceDigest(ev)
}

// EvidenceDigest is the first 128 bits, in hex, of the SHA-256 of the
// evidence items' container, location, field and value, taken in sorted
// order. Offsets are left out: they say where a block lies, not what it
// says, and the size already changes with nearly every edit that moves one.
// The digest is stable across runs of one version; a version whose readers
// report evidence differently gives other digests.
func EvidenceDigest(ev []report.Evidence) string {
	items := make([]string, len(ev))
	for i, e := range ev {
		var b []byte
		for _, s := range []string{e.Container, e.Location, e.Field, e.Value} {
			b = binary.AppendUvarint(b, uint64(len(s)))
			b = append(b, s...)
		}
		items[i] = string(b)
	}
	slices.Sort(items)
	h := sha256.New()
	for _, it := range items {
		h.Write(binary.AppendUvarint(nil, uint64(len(it))))
		h.Write([]byte(it))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// contentKey is the fingerprint without the path: what the file says and
// how big it is.
func contentKey(rule string, size int64, ev []report.Evidence, message string) string {
	return rule + ":" + strconv.FormatInt(size, 10) + ":" + findingDigest(ev, message)
}

// Baseline is an earlier JSON report whose findings are not reported again.
//
// A finding is known when the baseline has a finding with the same rule,
// file size and evidence (EvidenceDigest): at the same path it is unchanged;
// at another path, if that baseline finding was not matched at its own path
// in this scan, the file was moved (or renamed). Each baseline finding is
// matched once, so a copy of a known file next to the original, or a new
// frame of a sequence whose frames all carry the same metadata, is new. When
// both the baseline finding and the new one carry a sha256 (--hash, or an
// approval of that size), different hashes make the finding new although
// size and metadata agree.
//
// What this cannot see: an edit that keeps the size and the metadata (a
// pixel edit in an uncompressed frame) looks unchanged unless both scans
// hashed the file.
//
// A report written before fingerprints took this form (rule:sha256:path)
// needs no conversion: the fingerprint of each baseline finding is computed
// again from its rule, size, evidence and path, and its sha256 is used as
// above.
type Baseline struct {
	Path    string
	sum     string // the hex SHA-256 of the bytes read from Path
	entries []baselineEntry
	byFP    map[string][]int // entry indexes by fingerprint
	byKey   map[string][]int // entry indexes by contentKey
}

type baselineEntry struct {
	sha256 string
	status string // the finding's status then
	used   bool
}

// gating reports whether a finding of this status counts towards the gate.
func gating(status string) bool {
	return status == "" || status == report.StatusOpen || status == report.StatusExpired
}

// LoadBaseline reads a JSON report written by provscan scan --format json.
func LoadBaseline(path string) (*Baseline, error) {
	b, err := ReadControlFile(path, MaxBaselineFile)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	var r report.Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("baseline %s: not a provscan JSON report: %w", path, err)
	}
	if !strings.HasPrefix(r.Schema, "provscan.report/") {
		return nil, fmt.Errorf("baseline %s: not a provscan JSON report (schema %q)", path, r.Schema)
	}
	bl := &Baseline{Path: path, sum: SHA256Hex(b), byFP: map[string][]int{}, byKey: map[string][]int{}}
	for i, f := range r.Findings {
		if f.Rule == "" || f.Path == "" {
			return nil, fmt.Errorf("baseline %s: finding %d has no rule or path", path, i+1)
		}
		bl.entries = append(bl.entries, baselineEntry{sha256: f.SHA256, status: f.Status})
		fp := Fingerprint(f.Rule, f.Size, f.Evidence, f.Message, f.Path)
		key := contentKey(f.Rule, f.Size, f.Evidence, f.Message)
		bl.byFP[fp] = append(bl.byFP[fp], i)
		bl.byKey[key] = append(bl.byKey[key], i)
	}
	return bl, nil
}

// take marks and returns the first unused entry among idx whose content hash
// does not contradict sum and that was known as failing when f fails now: a
// finding that was approved or allowed in the baseline and counts towards
// the gate now (its approval expired or was withdrawn, it left an allowed
// folder) is new, not known.
func (bl *Baseline) take(idx []int, f *report.Finding) bool {
	for _, i := range idx {
		e := &bl.entries[i]
		if e.used || (f.SHA256 != "" && e.sha256 != "" && e.sha256 != f.SHA256) || gating(f.Status) && !gating(e.status) {
			continue
		}
		e.used = true
		return true
	}
	return false
}

// Filter drops the known findings and counts them. Findings are matched in
// path order (unchanged ones first), so that the result does not depend on
// the order the workers finished in.
func (bl *Baseline) Filter(fs []report.Finding) ([]report.Finding, *report.BaselineSummary) {
	for i := range bl.entries {
		bl.entries[i].used = false
	}
	sum := &report.BaselineSummary{File: bl.Path}
	order := make([]int, len(fs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(fs[a].Path, fs[b].Path), cmp.Compare(fs[a].Root, fs[b].Root), cmp.Compare(fs[a].Rule, fs[b].Rule))
	})
	known := make([]bool, len(fs))
	for _, i := range order {
		f := &fs[i]
		if bl.take(bl.byFP[f.Fingerprint], f) {
			known[i] = true
			sum.Unchanged++
		}
	}
	for _, i := range order {
		f := &fs[i]
		if !known[i] && bl.take(bl.byKey[contentKey(f.Rule, f.Size, f.Evidence, f.Message)], f) {
			known[i] = true
			sum.Moved++
		}
	}
	out := fs[:0]
	for i, f := range fs {
		if !known[i] {
			sum.New++
			out = append(out, f)
		}
	}
	return out, sum
}
