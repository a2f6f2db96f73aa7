package policy

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/provscan/provscan/scanner/report"
	"github.com/provscan/provscan/scanner/rules"
)

// ApprovalsFile is the default approvals file, looked up in the current folder.
const ApprovalsFile = report.ApprovalsFileDefault

// ApprovalEntry is one written approval: the content (by SHA-256 and size)
// and the rule it covers, the approval reference, who approved and until when.
//
// The size tells a scan which flagged files to hash: only a flagged file of
// an approved size is read whole. An entry without a size (written before
// approvals recorded it) may match a file of any size, so it makes every
// flagged file hashed; running provscan approve again on the file adds it.
type ApprovalEntry struct {
	SHA256     string `yaml:"sha256"`
	Size       *int64 `yaml:"size,omitempty"` // bytes of the approved file; nil: not recorded
	Path       string `yaml:"path,omitempty"` // informational: where the file was when approved
	Rule       string `yaml:"rule"`           // a rule ID, or "*" for every rule
	Reference  string `yaml:"reference"`      // the approval ticket or letter
	ApprovedBy string `yaml:"approved_by"`
	Expires    string `yaml:"expires,omitempty"` // YYYY-MM-DD (valid through that day, UTC) or RFC 3339; empty: never
}

// Approvals is an approvals file.
type Approvals struct {
	Entries []ApprovalEntry `yaml:"approvals"`
	Path    string          `yaml:"-"`
	sum     string          // the hex SHA-256 of the bytes read from Path

	once   sync.Once
	bySHA  map[string][]int // entry indexes by content hash, built on first use
	bySize map[int64][]int  // entry indexes by size; -1: entries without a size
	byPath map[string][]int // entry indexes by cleaned informational path
}

func (a *Approvals) index() { a.once.Do(a.build) }

func (a *Approvals) build() {
	a.bySHA, a.bySize, a.byPath = map[string][]int{}, map[int64][]int{}, map[string][]int{}
	for i, e := range a.Entries {
		a.bySHA[e.SHA256] = append(a.bySHA[e.SHA256], i)
		size := int64(-1)
		if e.Size != nil {
			size = *e.Size
		}
		a.bySize[size] = append(a.bySize[size], i)
		if e.Path != "" {
			a.byPath[path.Base(filepath.ToSlash(e.Path))] = append(a.byPath[path.Base(filepath.ToSlash(e.Path))], i)
		}
	}
}

// LoadApprovals reads and checks an approvals file named by the operator.
func LoadApprovals(path string) (*Approvals, error) {
	return loadApprovals(path, ReadControlFile)
}

func loadApprovals(path string, read func(string, int64) ([]byte, error)) (*Approvals, error) {
	b, err := read(path, MaxApprovalsFile)
	if err != nil {
		return nil, fmt.Errorf("approvals: %w", err)
	}
	a := &Approvals{Path: path, sum: SHA256Hex(b)}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(a); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(path, b, a, err)
	}
	for i := range a.Entries {
		if err := a.Entries[i].Check(); err != nil {
			return nil, fmt.Errorf("approvals %s: entry %d: %w", path, i+1, err)
		}
	}
	return a, nil
}

// Check normalises the entry's hash and checks every field: a SHA-256 in
// hex, a known rule (or "*"), a reference, who approved, a valid expiry.
func (e *ApprovalEntry) Check() error {
	e.SHA256 = strings.ToLower(strings.TrimSpace(e.SHA256))
	if b, err := hex.DecodeString(e.SHA256); err != nil || len(b) != 32 {
		return fmt.Errorf("sha256 %q is not a SHA-256 in hex", e.SHA256)
	}
	if e.Size != nil && *e.Size < 0 {
		return fmt.Errorf("size %d is negative", *e.Size)
	}
	if e.Rule == "" {
		return errors.New("rule is empty (use \"*\" for every rule)")
	}
	if e.Rule != "*" && rules.Lookup(e.Rule) == nil {
		return fmt.Errorf("unknown rule %q", e.Rule)
	}
	if strings.TrimSpace(e.Reference) == "" {
		return errors.New("reference is empty")
	}
	if strings.TrimSpace(e.ApprovedBy) == "" {
		return errors.New("approved_by is empty")
	}
	if _, err := ParseExpiry(e.Expires); err != nil {
		return err
	}
	return nil
}

// ParseExpiry parses an expiry: a date (the approval is valid through that
// day, UTC) or an RFC 3339 time. The zero time means no expiry; a year
// before 2000 is refused (year 0 would read as "no expiry").
func ParseExpiry(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	day := err == nil
	if !day {
		if t, err = time.Parse(time.RFC3339, s); err != nil {
			return time.Time{}, fmt.Errorf("expires %q is not a date (YYYY-MM-DD)", s)
		}
	}
	if t.Year() < minExpiryYear {
		return time.Time{}, fmt.Errorf("expires %q is before the year %d", s, minExpiryYear)
	}
	if day {
		t = t.Add(24 * time.Hour) // valid through that day
	}
	return t, nil
}

// minExpiryYear is the earliest year an expiry may name.
const minExpiryYear = 2000

func (e *ApprovalEntry) expired(now time.Time) bool {
	t, err := ParseExpiry(e.Expires)
	return err == nil && !t.IsZero() && !now.Before(t)
}

func (e *ApprovalEntry) covers(rule string) bool { return e.Rule == "*" || e.Rule == rule }

// sizeMatches reports whether the entry may cover a file of this size: its
// size, or any size when it has none.
func (e *ApprovalEntry) sizeMatches(size int64) bool { return e.Size == nil || *e.Size == size }

func (e *ApprovalEntry) reported() *report.Approval {
	return &report.Approval{Reference: e.Reference, ApprovedBy: e.ApprovedBy, Expires: e.Expires, Rule: e.Rule, SHA256: e.SHA256, Size: e.Size}
}

// MayMatch reports whether an entry of this size (or one without a size)
// covers the rule, so that a flagged file of that size must be hashed to
// know whether it is approved. Expired entries count: the verdict then says
// the approval expired.
func (a *Approvals) MayMatch(size int64, rule string) bool {
	a.index()
	for _, k := range []int64{size, -1} {
		for _, i := range a.bySize[k] {
			if a.Entries[i].covers(rule) {
				return true
			}
		}
	}
	return false
}

// Apply sets the status of one open finding from the approvals. A finding
// without a content hash (not needed, or cut by the file's budget) is never
// approved.
func (a *Approvals) Apply(f *report.Finding, now time.Time) {
	a.index()
	var expired *ApprovalEntry
	for _, i := range a.bySHA[f.SHA256] {
		e := &a.Entries[i]
		if f.SHA256 == "" || !e.covers(f.Rule) || !e.sizeMatches(f.Size) {
			continue
		}
		if !e.expired(now) {
			f.Status, f.Approval = report.StatusApproved, e.reported()
			return
		}
		if expired == nil {
			expired = e
		}
	}
	if expired != nil {
		f.Status, f.Approval = report.StatusExpired, expired.reported()
		f.Note = fmt.Sprintf("approval %s (by %s) expired on %s", expired.Reference, expired.ApprovedBy, expired.Expires)
		return
	}
	for _, i := range a.byPath[path.Base(f.Path)] {
		e := &a.Entries[i]
		if !e.covers(f.Rule) || !samePath(e.Path, f.Root, f.Path) {
			continue
		}
		switch {
		case f.SHA256 != "":
			f.Note = fmt.Sprintf("approval %s covers an earlier version of this path (sha256 %.12s…); the file has changed since and needs a new approval",
				e.Reference, e.SHA256)
		case !e.sizeMatches(f.Size):
			f.Note = fmt.Sprintf("approval %s covers an earlier version of this path (%d bytes, now %d); the file has changed since and needs a new approval",
				e.Reference, *e.Size, f.Size)
		case f.Note != "":
			// not hashed within the budget: the note says why
			f.Note += fmt.Sprintf("; approval %s names this path", e.Reference)
		}
		return
	}
}

// samePath reports whether an approval's informational path names the file
// found at rel under root.
func samePath(approved, root, rel string) bool {
	approved = filepath.ToSlash(filepath.Clean(approved))
	if approved == rel {
		return true
	}
	full := filepath.Join(root, filepath.FromSlash(rel))
	if filepath.ToSlash(full) == approved {
		return true
	}
	a, err1 := filepath.Abs(filepath.FromSlash(approved))
	b, err2 := filepath.Abs(full)
	return err1 == nil && err2 == nil && a == b
}

const approvalsHeader = `provscan written approvals. Each entry covers one file content (by SHA-256 and size)
for one rule ("*": every rule). An edited file has a new hash and needs a new approval.
A scan reads a flagged file whole only when an entry of its size exists.
Append entries with: provscan approve PATH... --reference REF --by NAME [--expires YYYY-MM-DD]`

// AppendApprovals appends entries to the approvals file at path (created if
// missing), keeping its comments and existing entries. Entries already
// present (same hash, rule and reference) are not added twice. The file is
// replaced atomically. It returns how many entries were added.
func AppendApprovals(path string, entries []ApprovalEntry) (int, error) {
	b, err := ReadControlFile(path, MaxApprovalsFile)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, err
	}
	existing := &Approvals{}
	var doc yaml.Node
	if len(bytes.TrimSpace(b)) > 0 {
		if existing, err = LoadApprovals(path); err != nil {
			return 0, err
		}
		if err := yaml.Unmarshal(b, &doc); err != nil {
			return 0, fmt.Errorf("approvals %s: %w", path, err)
		}
	}
	if doc.Kind == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, HeadComment: approvalsHeader,
			Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return 0, fmt.Errorf("approvals %s: the top level must be a mapping with an approvals list", path)
	}
	var seq *yaml.Node
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value == "approvals" {
			seq = top.Content[i+1]
		}
	}
	if seq == nil || seq.Kind != yaml.SequenceNode {
		seq = &yaml.Node{Kind: yaml.SequenceNode}
		top.Content = append(top.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "approvals"}, seq)
	}
	added := 0
	for _, e := range entries {
		dup := false
		for _, x := range existing.Entries {
			if x.SHA256 == e.SHA256 && x.Rule == e.Rule && x.Reference == e.Reference {
				dup = true
			}
		}
		if dup {
			continue
		}
		var n yaml.Node
		if err := n.Encode(e); err != nil {
			return 0, err
		}
		seq.Content = append(seq.Content, &n)
		existing.Entries = append(existing.Entries, e)
		added++
	}
	if added == 0 {
		return 0, nil
	}
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return 0, err
	}
	if err := enc.Close(); err != nil {
		return 0, err
	}
	return added, writeAtomic(path, out.Bytes())
}

// writeAtomic replaces path with data through a temporary file in the same folder.
func writeAtomic(path string, data []byte) error {
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
