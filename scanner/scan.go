package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/provenance/evidence"
	"github.com/provscan/provscan/scanner/report"
	"github.com/provscan/provscan/scanner/rules"
)

// Scan walks roots (files or folders; none means ".") and returns the report.
// An error means the scan itself failed (a root that does not exist, a bad
// option, a cancelled context); problems with single files are report errors
// and unreadable findings instead.
func Scan(ctx context.Context, roots []string, opts Options) (*report.Report, error) {
	start := time.Now()
	if err := validateGlobs(opts.Exclude); err != nil {
		return nil, err
	}
	failOn := rules.High
	if opts.FailOn != "" {
		v, err := rules.ParseSeverity(opts.FailOn)
		if err != nil {
			return nil, fmt.Errorf("fail on: %w", err)
		}
		failOn = v
	}
	rs, err := resolveRoots(roots)
	if err != nil {
		return nil, err
	}
	s := &scan{ctx: ctx, opts: &opts, inspect: opts.inspect()}
	n := opts.workers()
	jobs := make(chan job, queueLen)
	results := make(chan fileResult, queueLen)

	var walkErrs []report.Error
	var stats walkStats
	walkDone := make(chan struct{})
	go func() {
		defer close(walkDone)
		defer close(jobs)
		w := &walker{ctx: ctx, opts: &opts, visited: map[fileID]bool{}}
		w.emit = func(j job) bool {
			select {
			case jobs <- j:
				return true
			case <-ctx.Done():
				return false
			}
		}
		w.fail = func(root, rel string, err error) {
			walkErrs = append(walkErrs, report.Error{Path: rel, Error: err.Error(), Root: root})
		}
		w.walk(rs)
		stats = w.stats
	}()

	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if ctx.Err() != nil {
					continue // drain
				}
				results <- s.file(j)
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	rep := newReport(rs, opts.Version, start)
	var prog Progress
	for fr := range results {
		rep.add(fr)
		prog.Files += fr.files
		prog.Bytes += fr.bytes
		prog.BytesRead = s.bytesRead.Load()
		if opts.Progress != nil {
			opts.Progress(prog)
		}
	}
	<-walkDone
	interrupted := ctx.Err()
	rep.Errors = append(rep.Errors, walkErrs...)
	rep.Summary.SkippedSymlinks = stats.symlinks
	rep.Summary.SkippedSpecial = stats.special
	rep.Summary.Excluded = stats.excluded
	rep.Summary.BytesRead = s.bytesRead.Load()
	rep.finish(&opts, failOn)
	rep.Summary.DurationMS = time.Since(start).Milliseconds()
	if interrupted != nil {
		// The files done so far, marked incomplete; the caller exits 2.
		rep.Report.Incomplete = true
		return rep.Report, interrupted
	}
	return rep.Report, nil
}

// queueLen is the room in the channels from the walker to the workers and
// from the workers to the report: with a few jobs only, the walker, the
// workers and the collector take turns at every file (a tenth of the wall
// time of a scan of small files on two cores went to those hand-offs).
const queueLen = 128

// scan is the state shared by the workers of one scan.
type scan struct {
	ctx       context.Context
	opts      *Options
	inspect   InspectFunc
	bytesRead atomic.Int64
}

// fileResult is what one worker found in one file on disk (members included).
type fileResult struct {
	files, members, unsupported int
	bytes                       int64
	findings                    []report.Finding
	errors                      []report.Error
	scanned                     []report.ScannedFile
}

// file reads one file on disk.
func (s *scan) file(j job) fileResult {
	var fr fileResult
	f, size, err := openRegular(j.path)
	if err != nil {
		if os.IsNotExist(err) {
			err = fmt.Errorf("vanished during the scan: %w", unwrapPathError(err))
		}
		fr.errors = append(fr.errors, report.Error{Path: j.rel, Error: unwrapPathError(err).Error(), Root: j.root})
		return fr
	}
	defer f.Close()
	fr.files, fr.bytes = 1, size
	r := newHeadReaderAt(&countingReaderAt{r: f, n: &s.bytesRead}, size)
	defer r.release()
	s.item(&fr, r, size, j.root, j.rel, j.sidecarOf, 0)
	return fr
}

// item reads one file or archive member and, for archives, its members.
func (s *scan) item(fr *fileResult, r io.ReaderAt, size int64, root, rel, sidecarOf string, depth int) {
	fr.scanned = append(fr.scanned, report.ScannedFile{Root: root, Path: rel})
	p, err := s.safeInspect(r, size, rel)
	if err != nil && provenance.IsUnknownFormat(err) {
		fr.unsupported++
		return
	}
	format := ""
	if p != nil {
		format = p.Format
		for _, w := range p.Warnings {
			s.opts.logf(join(root, rel) + ": " + w)
		}
	}
	var found []report.Finding
	if err != nil {
		found = append(found, unreadableFinding(err))
	} else {
		found = findingsOf(p)
	}
	if len(found) > 0 {
		// Hash flagged files (approvals and baselines key on content). An
		// unreadable file is hashed only with --strict, where it can fail the
		// gate and so may need an approval: a broken 40 GB master is not
		// read in full otherwise.
		sum := ""
		if err == nil || s.opts.Strict {
			var herr error
			if sum, herr = hashReaderAt(r, size); herr != nil {
				fr.errors = append(fr.errors, report.Error{Path: rel, Error: "computing SHA-256: " + herr.Error(), Root: root})
			}
		}
		for i := range found {
			f := &found[i]
			f.Path, f.Root, f.Format, f.Size, f.SHA256 = rel, root, format, size, sum
			if sidecarOf != "" {
				f.Message += "; sidecar of " + sidecarOf
			}
		}
		fr.findings = append(fr.findings, found...)
	}
	if p == nil || len(p.Members) == 0 {
		return
	}
	if depth+1 > MaxArchiveDepth {
		fr.errors = append(fr.errors, report.Error{Path: rel, Root: root,
			Error: fmt.Sprintf("archive nested more than %d levels deep: %d members not scanned", MaxArchiveDepth, len(p.Members))})
		return
	}
	for _, m := range p.Members {
		if s.ctx.Err() != nil {
			return
		}
		name := rel + "!/" + m.Name
		mr, err := m.Open()
		if err != nil {
			fr.errors = append(fr.errors, report.Error{Path: name, Error: err.Error(), Root: root})
			continue
		}
		fr.members++
		s.item(fr, mr, m.Size, root, name, "", depth+1)
	}
}

// safeInspect runs the inspector within the file's time and read budgets
// and turns a panic into an error, so that one hostile file cannot stop the
// scan. A file over its budget is an error (an unreadable finding) even when
// the reader kept what it had found so far.
func (s *scan) safeInspect(r io.ReaderAt, size int64, name string) (p *provenance.Provenance, err error) {
	timeout, budget := s.opts.budgets(size)
	br := newBudgetReaderAt(r, timeout, budget)
	defer func() {
		if v := recover(); v != nil {
			p, err = nil, fmt.Errorf("internal error while reading the file: %v", v)
		}
		if br.tripped != nil && (err == nil || !errors.Is(err, errBudget)) {
			err = br.tripped
		}
	}()
	return s.inspect(br, size, name, s.opts.InspectOptions)
}

// findingsOf applies the rule table to the evidence of one file.
func findingsOf(p *provenance.Provenance) []report.Finding {
	matches := rules.Evaluate(p.Evidence, p.Media)
	out := make([]report.Finding, 0, len(matches))
	for _, m := range matches {
		out = append(out, report.Finding{
			Rule:       m.Rule.ID,
			Severity:   m.Rule.Severity,
			Principle:  m.Rule.Principle,
			Generator:  m.Generator,
			Confidence: m.Confidence,
			Message:    m.Message,
			Evidence:   evidenceOf(m.Evidence),
		})
	}
	return out
}

func unreadableFinding(err error) report.Finding {
	r := rules.Lookup(rules.Unreadable)
	return report.Finding{
		Rule:       r.ID,
		Severity:   r.Severity,
		Principle:  r.Principle,
		Confidence: evidence.Declared,
		Message:    "could not be read: " + evidence.Truncate(err.Error()),
		Evidence:   []report.Evidence{},
	}
}

func evidenceOf(items []evidence.Item) []report.Evidence {
	out := make([]report.Evidence, 0, len(items))
	for _, it := range items {
		out = append(out, report.Evidence{
			Container: it.Container,
			Location:  it.Location,
			Offset:    it.Offset,
			Field:     it.Field,
			Value:     it.Value,
		})
	}
	return out
}

// reportBuilder accumulates results into a Report.
type reportBuilder struct {
	*report.Report
}

func newReport(rs []root, version string, start time.Time) *reportBuilder {
	if version == "" {
		version = "dev"
	}
	roots := make([]string, len(rs))
	dirs := make([]string, len(rs))
	for i, r := range rs {
		roots[i] = r.given
		dir := r.path
		if !r.info.IsDir() {
			dir = filepath.Dir(r.path)
		}
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs
		}
		dirs[i] = filepath.ToSlash(dir)
	}
	return &reportBuilder{Report: &report.Report{
		Schema:   report.SchemaVersion,
		Tool:     report.Tool{Name: "provscan", Version: version},
		Started:  start.UTC().Format(time.RFC3339),
		Roots:    roots,
		RootDirs: dirs,
		Findings: []report.Finding{},
		Errors:   []report.Error{},
	}}
}

func (b *reportBuilder) add(fr fileResult) {
	sm := &b.Summary
	sm.Files += fr.files
	sm.Members += fr.members
	sm.Bytes += fr.bytes
	sm.Unsupported += fr.unsupported
	b.Findings = append(b.Findings, fr.findings...)
	b.Errors = append(b.Errors, fr.errors...)
	b.Scanned = append(b.Scanned, fr.scanned...)
}

// finish applies the policy, the approvals, the baseline and the gate, sorts
// the report and fills the derived counters.
func (b *reportBuilder) finish(opts *Options, failOn rules.Severity) {
	now := time.Now()
	if opts.Now != nil {
		now = opts.Now()
	}
	fs := applyConfig(b.Findings, opts.Config)
	for i := range fs {
		f := &fs[i]
		if f.Status == report.StatusOpen && opts.Approvals != nil {
			opts.Approvals.apply(f, now)
		}
		f.Fingerprint = Fingerprint(f.Rule, f.SHA256, f.Path)
	}
	if opts.Baseline != nil {
		fs, b.Baseline = opts.Baseline.filter(fs)
	}
	b.Findings = fs
	SortReport(b.Report)
	applyGate(b.Report, failOn, opts.Strict)

	b.Summary.ByRule = map[string]int{}
	b.Summary.BySeverity = map[string]int{}
	for _, r := range rules.Table {
		b.Summary.ByRule[r.ID] = 0
	}
	for s := rules.Info; s <= rules.Critical; s++ {
		b.Summary.BySeverity[s.String()] = 0
	}
	flagged := map[string]bool{}
	for _, f := range b.Findings {
		b.Summary.ByRule[f.Rule]++
		b.Summary.BySeverity[f.Severity.String()]++
		if f.Rule != rules.Unreadable {
			flagged[f.Root+"\x00"+f.Path] = true
		}
	}
	b.Summary.Flagged = len(flagged)
	b.Summary.Errors = len(b.Errors)
}
