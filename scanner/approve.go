package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/provscan/provscan/scanner/objstore"
	"github.com/provscan/provscan/scanner/policy"
	"github.com/provscan/provscan/scanner/report"
	"github.com/provscan/provscan/scanner/rules"
)

// ApproveTarget is one file content that provscan approve records.
type ApproveTarget struct {
	Path   string   // as named, or found under a named folder; '/' separators, members as archive.zip!/inner/path
	SHA256 string   // of the file or member
	Size   int64    // bytes of the file or member
	Rules  []string // the rules of its findings, sorted; empty: it has no finding
}

// ApproveTargets resolves the paths given to provscan approve:
//
//   - a file: approved by its content, whether or not it has a finding (a
//     warning says when it has none, or none of rule);
//   - an archive member, archive.zip!/inner/file.png (nested archives as
//     a.zip!/b.zip!/c.png): approved by the member's content and size;
//   - a folder: every flagged file under it (a finding other than
//     unreadable; of rule, when rule is not "*"), archive members included,
//     found by scanning the folder with opts.
//
// Every path is scanned with opts (--hash implied), so the findings are
// those a scan with the same options reports. Warnings name files that are
// not approved or have no finding; an error (a path that does not exist, a
// member not in its archive, a hash cut short by the file's budget) stops
// everything, so that nothing is written for half a command.
func ApproveTargets(ctx context.Context, paths []string, rule string, opts Options) ([]ApproveTarget, []string, error) {
	if rule == "" {
		rule = "*"
	}
	if rule != "*" && rules.Lookup(rule) == nil {
		return nil, nil, fmt.Errorf("unknown rule %q", rule)
	}
	opts.Hash = true
	var out []ApproveTarget
	var warns []string
	for _, p := range paths {
		if p == "" {
			return nil, nil, errors.New("empty path")
		}
		if objstore.IsURL(p) {
			t, w, err := approveBucket(ctx, p, rule, opts)
			if err != nil {
				return nil, nil, err
			}
			out, warns = append(out, t...), append(warns, w...)
			continue
		}
		archive, member, isMember := strings.Cut(filepath.ToSlash(p), "!/")
		if _, err := os.Stat(p); err == nil || !isMember {
			archive, member, isMember = p, "", false
		}
		fi, err := os.Stat(archive)
		if err != nil {
			if isMember {
				return nil, nil, fmt.Errorf("cannot approve %s: archive %s: %w", p, archive, unwrapPathError(err))
			}
			return nil, nil, fmt.Errorf("cannot approve %s: %w", p, unwrapPathError(err))
		}
		r, err := Scan(ctx, []string{archive}, opts)
		if err != nil {
			return nil, nil, err
		}
		for _, e := range r.Errors {
			warns = append(warns, fmt.Sprintf("%s: not scanned, not approved: %s", join(archive, e.Path), e.Error))
		}
		found := groupFindings(r.Findings)
		switch {
		case fi.IsDir():
			dir := filepath.ToSlash(filepath.Clean(archive))
			ts, w, err := flaggedUnder(found, rule, func(rel string) string { return path.Join(dir, rel) }, "; name the file to approve it")
			if err != nil {
				return nil, nil, err
			}
			out, warns = append(out, ts...), append(warns, w...)
			if len(ts) == 0 {
				warns = append(warns, fmt.Sprintf("%s: no flagged file%s under this folder", p, ruleSuffix(rule)))
			}
		case !fi.Mode().IsRegular():
			return nil, nil, fmt.Errorf("cannot approve %s: not a regular file or folder", p)
		default:
			rel := filepath.ToSlash(filepath.Base(archive))
			if isMember {
				rel += "!/" + member
			}
			name := filepath.ToSlash(filepath.Clean(archive))
			if isMember {
				name += "!/" + member
			}
			t, ok := found[rel]
			if !ok {
				sum, size, err := hashTarget(archive, member, opts)
				if err != nil {
					return nil, nil, fmt.Errorf("cannot approve %s: %w", p, err)
				}
				t = &targetFindings{ApproveTarget: ApproveTarget{SHA256: sum, Size: size}}
			}
			if t.SHA256 == "" {
				return nil, nil, fmt.Errorf("cannot approve %s: %s", p, t.first.Note)
			}
			switch {
			case len(t.Rules) == 0:
				warns = append(warns, fmt.Sprintf("%s: has no finding; approved all the same", p))
			case !t.flagged(rule):
				warns = append(warns, fmt.Sprintf("%s: has no %s finding (its findings: %s); approved all the same", p, ruleName(rule), strings.Join(t.Rules, ", ")))
			}
			t.Path = name
			out = append(out, t.ApproveTarget)
		}
	}
	return out, warns, nil
}

// approveBucket resolves an object or a folder (prefix) of a bucket given
// to provscan approve: the object if it is flagged, or the flagged objects
// under the folder, hashed as they are read (as a folder on disk is: an
// object named alone is approved only when flagged); the paths are the
// objects' URLs without the query.
func approveBucket(ctx context.Context, u, rule string, opts Options) ([]ApproveTarget, []string, error) {
	r, err := Scan(ctx, []string{u}, opts)
	if err != nil {
		return nil, nil, err
	}
	root := strings.TrimSuffix(objstore.Display(u), "/")
	var warns []string
	for _, e := range r.Errors {
		warns = append(warns, fmt.Sprintf("%s/%s: not scanned, not approved: %s", root, e.Path, e.Error))
	}
	if r.Summary.Files == 0 {
		return nil, nil, fmt.Errorf("cannot approve %s: no object there or under it", root)
	}
	out, w, err := flaggedUnder(groupFindings(r.Findings), rule, func(rel string) string { return report.ObjectURL(root, rel) }, "")
	if err != nil {
		return nil, nil, err
	}
	warns = append(warns, w...)
	if len(out) == 0 {
		warns = append(warns, fmt.Sprintf("%s: no flagged object%s under this folder", root, ruleSuffix(rule)))
	}
	return out, warns, nil
}

// flaggedUnder returns the files found under a folder that have a finding
// of rule, named by name(path), in path order; files with only unreadable
// findings are warnings (hint ends their message), and a flagged file whose
// hash could not be computed is an error.
func flaggedUnder(found map[string]*targetFindings, rule string, name func(string) string, hint string) ([]ApproveTarget, []string, error) {
	var out []ApproveTarget
	var warns []string
	for _, k := range sortedKeys(found) {
		g := found[k]
		n := name(g.Path)
		if !g.flagged(rule) {
			if !g.flagged("*") {
				warns = append(warns, fmt.Sprintf("%s: not approved: only unreadable (%s)%s", n, g.first.Message, hint))
			}
			continue
		}
		if g.SHA256 == "" {
			return nil, nil, fmt.Errorf("cannot approve %s: %s", n, g.first.Note)
		}
		g.Path = n
		out = append(out, g.ApproveTarget)
	}
	return out, warns, nil
}

// targetFindings is an ApproveTarget with the first finding read for it.
type targetFindings struct {
	ApproveTarget
	first report.Finding
}

// flagged reports whether the target has a finding of rule ("*": any rule)
// other than unreadable.
func (t *targetFindings) flagged(rule string) bool {
	for _, r := range t.Rules {
		if r != rules.Unreadable && (rule == "*" || r == rule) {
			return true
		}
	}
	return false
}

// groupFindings groups the findings of one root by path, in path order.
func groupFindings(fs []report.Finding) map[string]*targetFindings {
	m := map[string]*targetFindings{}
	for _, f := range fs {
		t := m[f.Path]
		if t == nil {
			t = &targetFindings{ApproveTarget: ApproveTarget{Path: f.Path, SHA256: f.SHA256, Size: f.Size}, first: f}
			m[f.Path] = t
		}
		if !slices.Contains(t.Rules, f.Rule) {
			t.Rules = append(t.Rules, f.Rule)
			slices.Sort(t.Rules)
		}
	}
	return m
}

// sortedKeys returns the paths of m in order.
func sortedKeys(m map[string]*targetFindings) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func ruleName(rule string) string {
	if rule == "*" {
		return "flagging"
	}
	return rule
}

func ruleSuffix(rule string) string {
	if rule == "*" {
		return ""
	}
	return " with a " + rule + " finding"
}

// hashTarget returns the SHA-256 and size of a file, or of a member of it
// (member: "inner/file.png", or "inner.zip!/file.png" for nested archives),
// for a file or member without findings.
func hashTarget(file, member string, opts Options) (string, int64, error) {
	f, err := openFile(file)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", 0, err
	}
	if !fi.Mode().IsRegular() {
		return "", 0, fmt.Errorf("%s is not a regular file", file)
	}
	var r io.ReaderAt = f
	size := fi.Size()
	name := filepath.Base(file)
	for member != "" {
		var next string
		next, member, _ = strings.Cut(member, "!/")
		p, err := opts.inspect()(r, size, name, opts.InspectOptions)
		if err != nil || p == nil {
			return "", 0, fmt.Errorf("%s is not an archive provscan reads: %v", name, err)
		}
		found := false
		for _, m := range p.Members {
			if m.Name != next {
				continue
			}
			if r, err = m.Open(); err != nil {
				return "", 0, err
			}
			size, name, found = m.Size, name+"!/"+next, true
			break
		}
		if !found {
			return "", 0, fmt.Errorf("%s has no member %q", name, next)
		}
	}
	sum, err := hashReaderAt(r, size)
	return sum, size, err
}

// NewApprovals hashes each file and returns one approval entry per file,
// with its size.
func NewApprovals(paths []string, rule, reference, approvedBy, expires string) ([]policy.ApprovalEntry, error) {
	var ts []ApproveTarget
	for _, p := range paths {
		sum, size, err := hashTarget(p, "", Options{})
		if err != nil {
			return nil, err
		}
		ts = append(ts, ApproveTarget{Path: filepath.ToSlash(filepath.Clean(p)), SHA256: sum, Size: size})
	}
	return ApprovalEntries(ts, rule, reference, approvedBy, expires)
}

// ApprovalEntries returns one approval entry per target.
func ApprovalEntries(targets []ApproveTarget, rule, reference, approvedBy, expires string) ([]policy.ApprovalEntry, error) {
	if rule == "" {
		rule = "*"
	}
	out := make([]policy.ApprovalEntry, 0, len(targets))
	for _, t := range targets {
		size := t.Size
		e := policy.ApprovalEntry{SHA256: t.SHA256, Size: &size, Path: t.Path, Rule: rule,
			Reference: reference, ApprovedBy: approvedBy, Expires: expires}
		if err := e.Check(); err != nil {
			return nil, fmt.Errorf("%s: %w", t.Path, err)
		}
		out = append(out, e)
	}
	return out, nil
}
