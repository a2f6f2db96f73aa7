package scanner

import (
	"cmp"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/provenance/evidence"
	"github.com/provscan/provscan/scanner/objstore"
	"github.com/provscan/provscan/scanner/policy"
	"github.com/provscan/provscan/scanner/report"
	"github.com/provscan/provscan/scanner/rules"
)

// Scan walks roots (files or folders; none means ".") and returns the report.
// An error means the scan itself failed (a root that does not exist, a bad
// option, a cancelled context); problems with single files are report errors
// and unreadable findings instead.
func Scan(ctx context.Context, roots []string, opts Options) (*report.Report, error) {
	start := time.Now()
	exclude, err := compileGlobs(opts.Exclude)
	if err != nil {
		return nil, err
	}
	if opts.Workers > MaxWorkers || opts.Workers < 0 {
		return nil, fmt.Errorf("workers: %d is not between 0 (one per CPU) and %d", opts.Workers, MaxWorkers)
	}
	if opts.Unsupported != "" {
		if err := policy.CheckUnsupported(opts.Unsupported); err != nil {
			return nil, fmt.Errorf("unsupported: %w", err)
		}
	}
	sh := opts.Shard
	if err := sh.check(); err != nil {
		return nil, err
	}
	if sh.On() && opts.Baseline != nil {
		return nil, errors.New("a baseline applies to the whole scan: give it to provscan merge, not to each shard")
	}
	diskRoots, bucketURLs := splitRoots(roots)
	var rs []root
	if len(diskRoots) > 0 || len(bucketURLs) == 0 {
		if rs, err = resolveRoots(diskRoots); err != nil {
			return nil, err
		}
	}
	bs, err := openBuckets(ctx, bucketURLs, opts.OpenBucket)
	if err != nil {
		return nil, err
	}
	defer closeBuckets(bs)
	if opts.InspectOptions.Context == nil {
		opts.InspectOptions.Context = ctx // an interrupted scan stops the hashing of C2PA validation
	}
	s := &scan{ctx: ctx, opts: &opts, inspect: opts.inspect()}
	if m := opts.maxMemory(); m > 0 {
		s.mem = semaphore.NewWeighted(m)
	}
	n := opts.workers()
	if len(bs) > 0 && opts.Workers == 0 {
		n = max(n, ObjectWorkers) // reading objects waits on the network, not on the CPU
	}
	if len(bs) > 0 && s.mem != nil {
		// The workers' block caches are held from the memory cap for the
		// whole scan; at most half of it, the rest for the inspections.
		caches := int64(n) * objstore.CacheBytes
		if 2*caches > opts.maxMemory() || !s.mem.TryAcquire(caches) {
			return nil, fmt.Errorf("max memory %d MiB is too small for %d workers reading objects: their block caches take %d MiB (%d MiB each), at most half of the cap; raise --max-memory or lower --workers",
				opts.maxMemory()>>20, n, caches>>20, objstore.CacheBytes>>20)
		}
	}
	jobs := make(chan job, queueLen)
	results := make(chan fileResult, queueLen)

	var walkErrs []report.Error
	var walkFindings []report.Finding
	var stats walkStats
	var links []report.Link
	var aliases []alias
	aliasesCut := false // more than maxAliases: the rest are reported at their targets only
	var excluded []report.Excluded
	pol := &report.Policy{TreePolicy: !opts.NoTreePolicy}
	if opts.Policy != nil {
		cp := *opts.Policy
		pol = &cp
		pol.Files = append([]report.PolicyFile(nil), cp.Files...)
		pol.NotApplied = append([]report.PolicyFile(nil), cp.NotApplied...)
	}
	control := newControlSet(opts.ControlFiles)
	lst := newListing() // of a sharded scan only
	walkDone := make(chan struct{})
	go func() {
		defer close(walkDone)
		defer close(jobs)
		w := &walker{ctx: ctx, opts: &opts, roots: rs, control: control, excludes: exclude}
		w.emit = func(j job) bool {
			if sh.On() {
				lst.add(j)
				if !sh.Owns(j.root, j.rel) {
					j.drop()
					return true
				}
			}
			select {
			case jobs <- j:
				return true
			case <-ctx.Done():
				return false
			}
		}
		w.fail = func(root, rel string, err error) {
			if !sh.Owns(root, rel) {
				return
			}
			walkErrs = append(walkErrs, report.Error{Path: rel, Error: err.Error(), Root: root})
		}
		w.onLink = func(l report.Link, f *report.Finding) {
			if !sh.Owns(l.Root, l.Path) {
				return
			}
			links = append(links, l)
			if f != nil {
				walkFindings = append(walkFindings, *f)
			}
		}
		w.onAlias = func(a alias) {
			if !sh.Owns(a.TargetRoot, a.TargetPath) {
				return // the shard that reads the target copies its findings
			}
			switch {
			case len(aliases) < maxAliases:
				aliases = append(aliases, a)
			case !aliasesCut:
				aliasesCut = true
				walkErrs = append(walkErrs, report.Error{Root: a.Root, Path: a.Path,
					Error: fmt.Sprintf("more than %d paths reached through symbolic links: findings of the rest are reported at their targets only", maxAliases)})
			}
		}
		w.onExclude = func(e report.Excluded) {
			if !sh.Owns(e.Root, strings.TrimSuffix(e.Path, "/")) {
				return
			}
			excluded = append(excluded, e)
			if len(excluded) >= 2*report.MaxExcludedListed {
				excluded = firstExcluded(excluded)
			}
		}
		w.onIgnoreFile = func(pf report.PolicyFile, applied bool) {
			if applied {
				pol.Files = append(pol.Files, pf)
			} else {
				pol.NotApplied = append(pol.NotApplied, pf)
			}
		}
		w.walk(rs)
		w.buckets(bs)
		stats = w.stats
	}()

	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if ctx.Err() != nil {
					j.drop()
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

	rep := newReport(rs, bs, opts.Version, start)
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
	rep.Findings = append(rep.Findings, walkFindings...)
	rep.Findings = append(rep.Findings, aliasFindings(rep.Findings, aliases)...)
	rep.Links = links
	pol.Excluded = firstExcluded(excluded)
	rep.Policy = pol
	rep.Summary.SkippedSymlinks = stats.symlinks
	rep.Summary.SkippedSpecial = stats.special
	rep.Summary.Excluded = stats.excluded
	rep.Summary.BytesRead = s.bytesRead.Load()
	for _, b := range bs {
		rep.Summary.ListRequests += b.src.ListRequests()
	}
	sortObjects(rep.Objects)
	rep.Incomplete = interrupted != nil
	rep.settle(&opts)
	rep.conclude(opts.Baseline, opts.gate())
	rep.group()
	rep.thumbnails()
	if sh.On() {
		rep.Shard = &report.Shard{Index: sh.Index, Count: sh.Count, ScanID: sh.ScanID,
			Scan: scanIdentity(rep.Report, &opts), Listing: lst.report(),
			Scanned: rep.Scanned, IMF: imfRecords(rep.imf)}
	}
	rep.Summary.DurationMS = time.Since(start).Milliseconds()
	if interrupted != nil {
		// The files done so far, marked incomplete; the caller exits 2.
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
	mem       *semaphore.Weighted // the scan's memory cap (nil: none); see memPool
	thumbs    thumbCap            // thumbnails made (Options.Thumbnails)
}

// fileResult is what one worker found in one file on disk (members included).
type fileResult struct {
	files, members, inspected int
	bytes                     int64
	findings                  []report.Finding
	errors                    []report.Error
	scanned                   []report.ScannedFile
	unsupported               []report.UnsupportedFile
	budgets                   []*budgetReaderAt // of the item being read and of the archives it lies in
	imf                       []*imfDoc         // ASSETMAPs and CPLs read
	thumbs                    []thumbEntry      // previews of flagged stills (Options.Thumbnails)
	object                    *report.ObjectStats
}

// file reads one file on disk.
func (s *scan) file(j job) fileResult {
	var fr fileResult
	var f fileHandle
	var obj *objstore.Object
	var size int64
	var err error
	if j.obj != nil {
		var cancel context.CancelFunc
		obj, cancel = s.openObject(j.obj)
		defer cancel()
		f, size = obj, j.obj.size
	} else {
		f, size, err = j.open()
	}
	if err != nil {
		if os.IsNotExist(err) {
			err = fmt.Errorf("vanished during the scan: %w", unwrapPathError(err))
		}
		fr.errors = append(fr.errors, report.Error{Path: j.rel, Error: unwrapPathError(err).Error(), Root: j.root})
		return fr
	}
	defer f.Close()
	fr.files, fr.bytes = 1, size
	c := &countingReaderAt{r: f, n: new(atomic.Int64)}
	r := newHeadReaderAt(c, size)
	timeout, _ := s.opts.budgets(size)
	fb := s.newFileBudget(timeout)
	s.item(&fr, r, size, j.root, j.rel, j.sidecarOf, 0, fb)
	fb.ReleaseTo(0)
	r.release()
	fr.budgets = nil
	s.bytesRead.Add(c.upTo(size))
	if obj != nil {
		fr.object = &report.ObjectStats{Root: j.root, Path: j.rel, Size: size, BytesRead: c.upTo(size),
			Requests: obj.Requests(), Transferred: obj.Transferred()}
	}
	for i := range fr.findings {
		fr.findings[i].File = j.rel
		if j.linkTarget != "" {
			fr.findings[i].LinkTarget = j.linkTarget
		}
	}
	return fr
}

// item reads one file or archive member and, for archives, its members.
// fb is the budget of the file on disk: a member draws on it too, and the
// memory the item holds (its blocks, an inflated entry of its members) is
// given back when the item and its members are done.
func (s *scan) item(fr *fileResult, r io.ReaderAt, size int64, root, rel, sidecarOf string, depth int, fb *provenance.Budget) {
	fr.scanned = append(fr.scanned, report.ScannedFile{Root: root, Path: rel, Member: depth > 0, Size: size})
	sf := len(fr.scanned) - 1
	br := s.budgetReader(r, size)
	fr.budgets = append(fr.budgets, br) // a member's reads go through its archive's too
	defer func() { fr.budgets = fr.budgets[:len(fr.budgets)-1] }()
	mark := fb.Held()
	defer fb.ReleaseTo(mark)
	p, err := s.safeInspect(br, size, rel, fb.Item())
	if depth == 0 {
		if d := readIMF(br, size, rel); d != nil {
			d.root = root
			fr.imf = append(fr.imf, d)
		}
	}
	if err != nil && provenance.IsUnknownFormat(err) {
		fr.unsupported = append(fr.unsupported, unsupportedFile(r, size, root, rel))
		fr.scanned[sf].Status = report.ScanUnsupported
		return
	}
	if err == nil {
		fr.inspected++
	}
	describeScanned(&fr.scanned[sf], p, err)
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
	found = append(found, cutShort(p, err)...)
	if len(found) > 0 {
		sum, note, herr := s.hashFlagged(fr.budgets, size, found)
		if herr != nil {
			fr.errors = append(fr.errors, report.Error{Path: rel, Error: "computing SHA-256: " + herr.Error(), Root: root})
		}
		for i := range found {
			f := &found[i]
			f.Path, f.Root, f.Format, f.Size, f.SHA256, f.Note = rel, root, format, size, sum, note
			if sidecarOf != "" {
				f.Message += "; sidecar of " + sidecarOf
			}
		}
		fr.findings = append(fr.findings, found...)
		if s.opts.Thumbnails && err == nil {
			if t, ok := s.thumbnail(br, size, p, fb); ok {
				fr.thumbs = append(fr.thumbs, thumbEntry{root: root, path: rel, thumb: t})
			}
		}
	}
	if p != nil {
		for _, sk := range p.Skipped {
			fr.errors = append(fr.errors, report.Error{Path: rel + "!/" + sk.Name, Root: root,
				Error: "archive member not inspected: " + sk.Reason})
		}
		for _, why := range p.Incomplete {
			fr.errors = append(fr.errors, report.Error{Path: rel, Root: root, Error: notFully + why})
		}
	}
	if err != nil && isScanMemory(err) {
		fr.errors = append(fr.errors, report.Error{Path: rel, Root: root, Error: notFully + err.Error()})
	}
	if p == nil || len(p.Members) == 0 {
		return
	}
	if depth+1 > MaxArchiveDepth {
		fr.errors = append(fr.errors, report.Error{Path: rel, Root: root,
			Error: fmt.Sprintf("archive nested more than %d levels deep: %d members not scanned", MaxArchiveDepth, len(p.Members))})
		return
	}
	cut := 0 // members a budget kept from being opened
	for _, m := range p.Members {
		if s.ctx.Err() != nil {
			return
		}
		name := rel + "!/" + m.Name
		mark := fb.Held()
		mr, err := m.Open()
		if err != nil {
			fb.ReleaseTo(mark)
			if errors.Is(err, provenance.ErrLimit) {
				if cut++; cut == 1 {
					fr.errors = append(fr.errors, report.Error{Path: rel, Error: notFully + err.Error(), Root: root})
				}
				continue
			}
			fr.errors = append(fr.errors, report.Error{Path: name, Error: err.Error(), Root: root})
			continue
		}
		fr.members++
		s.item(fr, mr, m.Size, root, name, "", depth+1, fb)
		fb.ReleaseTo(mark) // the inflated entry
	}
	if cut > 1 {
		fr.errors = append(fr.errors, report.Error{Path: rel, Root: root,
			Error: fmt.Sprintf("%s%d more archive members not opened for the same reason", notFully, cut-1)})
	}
}

// isScanMemory reports whether err says the scan's memory cap stopped a
// reader.
func isScanMemory(err error) bool {
	return errors.Is(err, provenance.ErrLimit) && strings.Contains(err.Error(), provenance.ErrScanMemory)
}

// safeInspect runs the inspector within the file's time and read budgets
// and turns a panic into an error, so that one hostile file cannot stop the
// scan. A file over its budget is an error (an unreadable finding) even when
// the reader kept what it had found so far.
func (s *scan) safeInspect(br *budgetReaderAt, size int64, name string, b *provenance.Budget) (p *provenance.Provenance, err error) {
	defer func() {
		if v := recover(); v != nil {
			p, err = nil, fmt.Errorf("internal error while reading the file: %v", v)
		}
		if br.tripped != nil && (err == nil || !errors.Is(err, errBudget)) {
			err = br.tripped
		}
	}()
	opts := s.opts.InspectOptions
	opts.Budget = b
	return s.inspect(br, size, name, opts)
}

// budgetReader wraps r in the time and read budgets of one file or member.
func (s *scan) budgetReader(r io.ReaderAt, size int64) *budgetReaderAt {
	timeout, budget := s.opts.budgets(size)
	return newBudgetReaderAt(r, timeout, budget)
}

// findingsOf applies the rule table to the evidence of one file.
func findingsOf(p *provenance.Provenance) []report.Finding {
	matches := rules.Evaluate(p.Evidence, p.Media)
	out := make([]report.Finding, 0, len(matches))
	for _, m := range matches {
		sev := m.Rule.Severity
		if m.Severity != 0 {
			sev = m.Severity
		}
		out = append(out, report.Finding{
			Rule:       m.Rule.ID,
			Severity:   sev,
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
			Container:  it.Container,
			Location:   it.Location,
			Offset:     it.Offset,
			Field:      it.Field,
			Value:      it.Value,
			Ingredient: it.Ingredient,
			Via:        it.Via,
		})
	}
	return out
}

// reportBuilder accumulates results into a Report.
type reportBuilder struct {
	*report.Report
	imf     []*imfDoc // ASSETMAPs and CPLs read, for Packages
	imfHeld int64     // their size in memory, at most maxIMFHeld
	// thumbs holds the thumbnails made, by path; a path met under two
	// roots keeps none (Report.Thumbnails is keyed by path alone).
	thumbs map[string]thumbEntry
}

func newReport(rs []root, bs []*bucketRoot, version string, start time.Time) *reportBuilder {
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
	for _, b := range bs {
		roots = append(roots, b.name())
		dirs = append(dirs, b.name())
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
	sm.Unsupported += len(fr.unsupported)
	sm.Inspected += fr.inspected
	b.Unsupported = append(b.Unsupported, fr.unsupported...)
	b.Findings = append(b.Findings, fr.findings...)
	b.Errors = append(b.Errors, fr.errors...)
	b.Scanned = append(b.Scanned, fr.scanned...)
	for _, d := range fr.imf {
		if h := d.held(); b.imfHeld+h <= maxIMFHeld {
			b.imf, b.imfHeld = append(b.imf, d), b.imfHeld+h
		} else {
			b.Errors = append(b.Errors, report.Error{Root: d.root, Path: d.path, Error: fmt.Sprintf(
				"IMF document not used to group packages: the ASSETMAPs and CPLs kept by this scan passed %d MiB", maxIMFHeld>>20)})
		}
	}
	if o := fr.object; o != nil {
		b.Objects = append(b.Objects, *o)
		b.Summary.Requests += o.Requests
		b.Summary.Transferred += o.Transferred
	}
	for _, t := range fr.thumbs {
		if b.thumbs == nil {
			b.thumbs = map[string]thumbEntry{}
		}
		if old, ok := b.thumbs[t.path]; ok && old.root != t.root {
			t.root = "" // ambiguous: dropped by thumbnails
		}
		b.thumbs[t.path] = t
	}
}

// thumbnails fills Report.Thumbnails with the thumbnails of the paths that
// still have findings once the policy, the approvals and the baseline have
// applied, under one root only.
func (b *reportBuilder) thumbnails() {
	if len(b.thumbs) == 0 {
		return
	}
	for _, f := range b.Findings {
		t, ok := b.thumbs[f.Path]
		if !ok || t.root == "" || t.root != f.Root {
			continue
		}
		if b.Thumbnails == nil {
			b.Thumbnails = map[string]report.Thumbnail{}
		}
		b.Thumbnails[f.Path] = t.thumb
	}
	b.thumbs = nil
}

// gate returns the gate settings of the scan.
func (o *Options) gate() policy.Gate {
	return policy.Gate{FailOn: o.FailOn.OrDefault(), AllowUnreadable: o.AllowUnreadable, AllowEmpty: o.AllowEmpty, Unsupported: o.Unsupported}
}

// firstExcluded sorts the excluded paths by path and root and keeps the
// first report.MaxExcludedListed: the same list whatever order the walk met
// them in, and whether the scan was sharded or not.
func firstExcluded(ex []report.Excluded) []report.Excluded {
	sortByPathRoot(ex, func(e *report.Excluded) (string, string) { return e.Path, e.Root })
	if len(ex) > report.MaxExcludedListed {
		ex = slices.Clip(ex[:report.MaxExcludedListed])
	}
	return ex
}

// settle applies the policy and the approvals to each finding and computes
// its fingerprint: what depends on one finding alone (a shard does it for
// its own findings).
func (b *reportBuilder) settle(opts *Options) {
	now := time.Now()
	if opts.Now != nil {
		now = opts.Now()
	}
	fs := policy.ApplyConfig(b.Findings, opts.Config)
	for i := range fs {
		f := &fs[i]
		if f.Status == report.StatusOpen && opts.Approvals != nil {
			opts.Approvals.Apply(f, now)
		}
		f.Fingerprint = policy.Fingerprint(f.Rule, f.Size, f.Evidence, f.Message, f.Path)
	}
	b.Findings = fs
}

// conclude applies the baseline (nil: none) and the gate to the findings
// of the whole scan, sorts the report and fills the derived counters.
func (b *reportBuilder) conclude(baseline *policy.Baseline, gp policy.Gate) {
	if baseline != nil {
		b.Findings, b.Baseline = baseline.Filter(b.Findings)
	}
	SortReport(b.Report)
	policy.ApplyGate(b.Report, gp)

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

// lookLen is how many leading bytes of an unsupported file are used to say
// what it looks like (MPEG-TS and tar need a few hundred).
const lookLen = 512

// unsupportedFile describes a file no reader knows: its size, its first
// bytes in hex and the format they suggest.
func unsupportedFile(r io.ReaderAt, size int64, root, rel string) report.UnsupportedFile {
	head := make([]byte, min(size, lookLen))
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	return report.UnsupportedFile{Path: rel, Root: root, Size: size,
		Head: hex.EncodeToString(head[:min(len(head), 16)]), LooksLike: provenance.LooksLike(head)}
}

// maxAliases bounds the link paths whose findings are copied from their
// targets (the walk through links is bounded by maxLinked too).
const maxAliases = maxLinked

// aliasFindings returns, for each path reached through a link whose target
// was inspected at its own path, a copy of the target's findings (archive
// members included) at the link's path: the policy of the link's path then
// applies to them, so that a link from the deliverables into an allowed
// folder cannot launder a finding.
func aliasFindings(fs []report.Finding, aliases []alias) []report.Finding {
	if len(aliases) == 0 {
		return nil
	}
	byTarget := map[string][]alias{}
	for _, a := range aliases {
		k := a.TargetRoot + "\x00" + a.TargetPath
		byTarget[k] = append(byTarget[k], a)
	}
	var out []report.Finding
	for _, f := range fs {
		file := cmp.Or(f.File, f.Path)
		member := strings.TrimPrefix(f.Path, file) // "!/inner/path" for an archive member
		for _, a := range byTarget[f.Root+"\x00"+file] {
			c := f
			c.Root, c.Path, c.File, c.LinkTarget = a.Root, a.Path+member, a.Path, f.Path
			switch {
			case f.LinkTarget != "": // read through a link itself: name where it really lies
				c.LinkTarget = f.LinkTarget
			case a.TargetRoot != a.Root:
				c.LinkTarget = join(a.TargetRoot, f.Path)
			}
			c.Evidence = append([]report.Evidence(nil), f.Evidence...)
			out = append(out, c)
		}
	}
	return out
}
