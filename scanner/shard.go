package scanner

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	"github.com/provscan/provscan/scanner/report"
)

// Shard selects one part of a scan: the files (and walk events) whose path
// hashes to Index modulo Count. The zero value scans everything.
type Shard struct {
	Index int // 0-based
	Count int // 0 or 1: not sharded
	// ScanID names the run (--scan-id); shards of one run must give the same.
	ScanID string
	// Settings describes the settings of the scan that the scanner does not
	// see itself (trust anchors, verification flags): part of the scan's
	// identity, so that shards run with other settings are not merged.
	Settings []string
}

// MaxShards bounds the shard count.
const MaxShards = 100000

// ParseShard parses "K/N" (0 <= K < N).
func ParseShard(s string) (Shard, error) {
	k, n, ok := strings.Cut(s, "/")
	if !ok {
		return Shard{}, fmt.Errorf("shard %q: want K/N, e.g. 0/7 (K counts from 0)", s)
	}
	ki, err1 := strconv.Atoi(k)
	ni, err2 := strconv.Atoi(n)
	if err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("shard %q: want K/N with whole numbers, e.g. 0/7", s)
	}
	if ni < 1 {
		return Shard{}, fmt.Errorf("shard %q: N must be at least 1", s)
	}
	sh := Shard{Index: ki, Count: ni}
	return sh, sh.check()
}

func (sh Shard) check() error {
	switch {
	case sh.Count < 0 || sh.Count > MaxShards:
		return fmt.Errorf("shard count %d: must be between 1 and %d", sh.Count, MaxShards)
	case sh.Count == 0 && sh.Index == 0:
		return nil
	case sh.Index < 0 || sh.Index >= sh.Count:
		return fmt.Errorf("shard %d/%d: K must be between 0 and %d (K counts from 0)", sh.Index, sh.Count, sh.Count-1)
	}
	return nil
}

// On reports whether the scan is sharded.
func (sh Shard) On() bool { return sh.Count > 0 }

// Owns reports whether the path rel under root belongs to this shard. The
// hash is FNV-1a 64 of root, a NUL and rel: stable across machines,
// versions and runs, so that every shard of a scan agrees.
func (sh Shard) Owns(root, rel string) bool {
	if sh.Count <= 1 {
		return true
	}
	return ShardOf(root, rel, sh.Count) == sh.Index
}

// ShardOf returns the shard (of n) that the path rel under root belongs to.
func ShardOf(root, rel string, n int) int {
	h := fnv.New64a()
	h.Write([]byte(root))
	h.Write([]byte{0})
	h.Write([]byte(rel))
	return int(h.Sum64() % uint64(n))
}

// listing digests the files a walk met, in walk order (every shard's).
type listing struct {
	files int
	bytes int64
	h     hash.Hash
}

func newListing() *listing { return &listing{h: sha256.New()} }

// add counts the file of j: its root, path and, for an object, size (the
// walk on disk does not stat files).
func (l *listing) add(j job) {
	root, rel, size := j.root, j.rel, int64(-1)
	if j.obj != nil {
		size = j.obj.size
	}
	l.files++
	l.bytes += max(size, 0)
	var n [8]byte
	l.h.Write([]byte(root))
	l.h.Write([]byte{0})
	l.h.Write([]byte(rel))
	l.h.Write([]byte{0})
	binary.BigEndian.PutUint64(n[:], uint64(size))
	l.h.Write(n[:])
}

func (l *listing) report() report.Listing {
	return report.Listing{Files: l.files, Bytes: l.bytes, SHA256: hex.EncodeToString(l.h.Sum(nil))}
}

// scanIdentity digests what makes shards parts of one scan: the schema and
// tool version, the roots, the gate, the walk settings, the policy files
// applied (with their SHA-256), the inspection settings, the shard count
// and the scan id.
func scanIdentity(r *report.Report, opts *Options) string {
	h := sha256.New()
	put := func(parts ...string) {
		for _, p := range parts {
			fmt.Fprintf(h, "%d:%s;", len(p), p)
		}
		h.Write([]byte{'\n'})
	}
	put("schema", r.Schema, r.Tool.Version)
	put(append([]string{"roots"}, r.Roots...)...)
	put("shards", strconv.Itoa(opts.Shard.Count), opts.Shard.ScanID)
	put("gate", opts.FailOn.OrDefault().String(), strconv.FormatBool(opts.AllowUnreadable), strconv.FormatBool(opts.AllowEmpty), opts.Unsupported)
	put(append([]string{"exclude", strconv.FormatBool(opts.NoTreePolicy)}, opts.Exclude...)...)
	put("budgets", opts.FileTimeout.String(), strconv.FormatInt(opts.FileReadBudget, 10), strconv.FormatInt(opts.MaxMemory, 10), strconv.FormatBool(opts.Hash))
	io := opts.InspectOptions
	put("inspect", strconv.FormatBool(io.VerifyContent), strconv.FormatInt(io.VerifyContentMax, 10), fmt.Sprint(io.Limits))
	put(append([]string{"settings"}, opts.Shard.Settings...)...)
	if r.Policy != nil {
		files := slices.Clone(r.Policy.Files)
		files = append(files, r.Policy.NotApplied...)
		for _, f := range files {
			put("policy", f.Kind, f.Source, f.SHA256)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// errShard is the class of the errors that refuse a merge.
var errShard = errors.New("shards do not make one scan")
