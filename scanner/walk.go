package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"

	gitignore "github.com/sabhiram/go-gitignore"

	"github.com/provscan/provscan/provenance/evidence"
	"github.com/provscan/provscan/scanner/glob"
	"github.com/provscan/provscan/scanner/internal/fsx"
	"github.com/provscan/provscan/scanner/policy"
	"github.com/provscan/provscan/scanner/report"
	"github.com/provscan/provscan/scanner/rules"
)

// job is one file on disk for a worker to read.
type job struct {
	root       string // the root as given, cleaned
	path       string // the OS path to open
	rel        string // path relative to the root, '/' separators
	sidecarOf  string // the media file this .xmp/.c2pa sidecar describes, relative to the root
	linkTarget string // set when rel is a symbolic link: where its target lies (see report.Link.Resolved)

	// dir, when set, is the open folder of the file and name its name
	// there: the file is opened relative to it without following a link
	// (see dirFD). The job holds a reference to dir until open or drop.
	// Without dir (a root named by the user) the file is opened by path.
	dir  *dirFD
	name string

	// obj, when set, is an object in object storage to read instead.
	obj *objRef
}

// open opens the job's file, read-only, and returns it with its size if it
// is a regular file; it drops the job's reference to its folder.
func (j *job) open() (*diskFile, int64, error) {
	if j.dir == nil {
		return openRegular(j.path)
	}
	d := j.dir
	j.dir = nil
	defer d.release()
	return d.openFile(j.name, j.path)
}

// drop releases the job's folder when the job is not opened (a cancelled
// scan drains its queue; Count opens nothing).
func (j *job) drop() {
	if j.dir != nil {
		j.dir.release()
		j.dir = nil
	}
}

// walkStats counts what the walker saw but did not hand to the workers.
type walkStats struct {
	symlinks int // links whose target the walk reaches at its own path, or a folder already walked
	special  int // FIFOs, sockets, devices
	excluded int // files and folders matched by --exclude or .provscanignore
}

// walker lists the files under the roots in a fixed order (lexical, depth
// first) and hands each regular file to emit. It runs in one goroutine.
//
// Symbolic links are never followed blindly. A link whose target lies inside
// a root is resolved: when the walk reaches the target at its own path (it
// is not excluded), the target is inspected there, once; otherwise it is
// inspected through the link. A link whose target lies outside every root,
// or dangles, is a finding of its own (symlink-unchecked): a handoff would
// carry content nobody checked.
type walker struct {
	ctx      context.Context
	opts     *Options
	emit     func(job) bool // false stops the walk
	fail     func(root, rel string, err error)
	stats    walkStats
	roots    []root
	control  *controlSet
	ignores  []*gitignore.GitIgnore // per root; nil when none applies
	excludes []excludeGlob          // opts.Exclude, compiled once per scan

	via          *via                                    // the link the current folder was reached through, if any
	linkDirs     []string                                // real paths of the folders holding the links followed, and of their targets
	linked       int                                     // entries walked through links so far
	onLink       func(report.Link, *report.Finding)      // every link, with its finding if it has one
	onAlias      func(a alias)                           // a link path whose target is inspected at its own path
	viaEmitted   map[string]alias                        // files read through a link: real path -> the path they were read at
	onExclude    func(report.Excluded)                   // every excluded path
	onIgnoreFile func(f report.PolicyFile, applied bool) // every ignore file at a root

	depth int // folders of the walk's current chain held open
}

// maxDirDepth bounds how deep the walk goes into nested folders (each level
// holds a folder descriptor while the walk is below it). Past it a folder
// is an error, not walked: far above any delivery, far below the
// descriptors a process may open.
const maxDirDepth = 256

// walkHookListed, when set (by tests), is called after each folder is listed
// and before its entries are handed on: a test swaps entries for links there.
var walkHookListed func(dirPath string)

// walkHookResolved, when set (by tests), is called after a link is resolved
// and before what it leads to is opened.
var walkHookResolved func(linkPath string)

// via is a folder link being walked: paths under rel (in the link's root)
// lie under target (relative to root ti).
type via struct {
	rel    string
	ti     int
	target string
}

// targetOf returns where rel (v.rel or a path under it) really lies,
// relative to the root of the target, when the walk reached it through a
// link to a folder.
func (v *via) targetOf(rel string) string {
	if rel == v.rel {
		return v.target
	}
	return path.Join(v.target, strings.TrimPrefix(rel, v.rel+"/"))
}

// alias is a path reached through a link whose target the walk inspects at
// the target's own path: the findings there are reported at the link's path
// too, under its policy.
type alias struct {
	Root, Path             string // the link's path
	TargetRoot, TargetPath string // the target's path
}

// maxLinked bounds the entries walked through links in one scan: links to
// folders that link to folders can make a tree of paths that grows
// exponentially. Past it the walk through links stops with an error.
const maxLinked = 100000

// root describes a scanned root after validation.
type root struct {
	given string // as given by the user, cleaned, '/' separators
	path  string // OS path
	real  string // absolute path with every link resolved
	info  fs.FileInfo
}

// resolveRoots checks that every root exists and can be read; a missing or
// unreadable root fails the scan (exit 2), so that a gate never passes
// because it could not look.
func resolveRoots(paths []string) ([]root, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	out := make([]root, 0, len(paths))
	for _, p := range paths {
		if p == "" {
			return nil, errors.New("empty path")
		}
		clean := filepath.Clean(p)
		fi, err := os.Stat(clean) // a root named by the user is followed even if it is a link
		if err != nil {
			return nil, fmt.Errorf("cannot scan %s: %w", p, unwrapPathError(err))
		}
		if !fi.IsDir() && !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("cannot scan %s: not a regular file or folder (%s)", p, fi.Mode().Type())
		}
		if err := readable(clean, fi); err != nil {
			return nil, fmt.Errorf("cannot scan %s: %w", p, unwrapPathError(err))
		}
		out = append(out, root{given: filepath.ToSlash(clean), path: clean, real: canonical(clean), info: fi})
	}
	return out, nil
}

// readable checks that a root can be listed (a folder) or opened (a file).
func readable(p string, fi fs.FileInfo) error {
	switch {
	case fi.IsDir():
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := f.ReadDir(1); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
	case fi.Mode().IsRegular():
		f, err := openFile(p)
		if err != nil {
			return err
		}
		f.Close()
	}
	return nil
}

// excludeGlob is an --exclude or policy glob, compiled.
type excludeGlob struct {
	m    *glob.Matcher
	base bool // no '/': the glob also matches the base name at any depth
}

// compileGlobs compiles exclude globs (doublestar syntax, matched in linear
// time); a malformed or too complex pattern is an error.
func compileGlobs(globs []string) ([]excludeGlob, error) {
	out := make([]excludeGlob, 0, len(globs))
	for _, g := range globs {
		m, err := glob.Compile(g)
		if err != nil {
			return nil, fmt.Errorf("invalid --exclude pattern %q: %w", g, err)
		}
		out = append(out, excludeGlob{m: m, base: !strings.Contains(g, "/")})
	}
	return out, nil
}

func (w *walker) walk(roots []root) {
	w.roots = roots
	w.ignores = make([]*gitignore.GitIgnore, len(roots))
	for i, r := range roots {
		if r.info.IsDir() {
			w.ignores[i] = w.loadIgnore(r)
		}
	}
	for i, r := range roots {
		if w.ctx.Err() != nil {
			return
		}
		switch {
		case r.info.Mode().IsRegular():
			if !w.send(job{root: r.given, path: r.path, rel: filepath.ToSlash(filepath.Base(r.path))}) {
				return
			}
		case r.info.IsDir():
			d, err := openRootDir(r.path)
			if err != nil {
				w.fail(r.given, ".", unwrapPathError(err))
				continue
			}
			if !w.dir(i, d, r.path, "", r.real) {
				return
			}
		default:
			w.count(&w.stats.special, r.given, ".")
			w.opts.logf(fmt.Sprintf("skipped %s: not a regular file or folder", r.given))
		}
	}
}

// loadIgnore reads the .provscanignore of a root folder. With NoTreePolicy
// it is only recorded as not applied. One that is not a regular file, or
// cannot be read, is a scan error: the gate fails rather than guess.
func (w *walker) loadIgnore(r root) *gitignore.GitIgnore {
	p := filepath.Join(r.path, IgnoreFile)
	fi, err := os.Lstat(p)
	if err != nil {
		return nil
	}
	pf := report.PolicyFile{Kind: policy.KindIgnore, Path: filepath.ToSlash(p), Source: policy.SourceRoot}
	if w.opts.NoTreePolicy {
		if fi.Mode().IsRegular() {
			pf.SHA256 = policy.TreeFileSHA256(p)
		}
		w.ignoreFile(pf, false)
		return nil
	}
	if !fi.Mode().IsRegular() {
		w.fail(r.given, IgnoreFile, fmt.Errorf("not a regular file (%s): not applied", fi.Mode().Type()))
		return nil
	}
	if fi.Size() > policy.MaxPolicyFile {
		w.fail(r.given, IgnoreFile, fmt.Errorf("larger than %d bytes: not applied", policy.MaxPolicyFile))
		return nil
	}
	b, err := policy.ReadTreeControlFile(p, policy.MaxPolicyFile) // never through a link swapped in since the Lstat
	if err != nil {
		w.fail(r.given, IgnoreFile, unwrapPathError(err))
		return nil
	}
	pf.SHA256 = policy.SHA256Hex(b)
	w.ignoreFile(pf, true)
	w.control = w.control.with(p) // applied: not a deliverable
	return gitignore.CompileIgnoreLines(strings.Split(string(b), "\n")...)
}

func (w *walker) ignoreFile(pf report.PolicyFile, applied bool) {
	if w.onIgnoreFile != nil {
		w.onIgnoreFile(pf, applied)
	}
}

// send hands j to the workers with a reference to its folder; false stops
// the walk.
func (w *walker) send(j job) bool {
	if j.dir != nil {
		j.dir.acquire()
	}
	if !w.emit(j) {
		j.drop()
		return false
	}
	return true
}

// dir walks one folder of root ri, open as d (the walker's reference to d
// is released on return); it returns false when the walk must stop. rel is
// the folder's path relative to the root as reported (through a link, the
// link's path); realDir is where it really lies (absolute, no links).
func (w *walker) dir(ri int, d *dirFD, dirPath, rel, realDir string) bool {
	defer d.release()
	w.depth++
	defer func() { w.depth-- }()
	r := w.roots[ri]
	entries, err := d.list()
	if err != nil {
		w.fail(r.given, relOrDot(rel), unwrapPathError(err))
		// The entries read before the error, if any: go on with them.
	}
	if walkHookListed != nil {
		walkHookListed(dirPath)
	}
	var sb *siblings // built on the first sidecar of the folder
	names := func() *siblings {
		if sb == nil {
			m := make(map[string]bool, len(entries))
			for _, e := range entries {
				if !e.IsDir() {
					m[e.Name()] = true
				}
			}
			sb = newSiblings(m)
		}
		return sb
	}
	for _, e := range entries {
		if w.ctx.Err() != nil {
			return false
		}
		if w.via != nil {
			if w.linked++; w.linked == maxLinked {
				w.fail(r.given, relOrDot(rel), fmt.Errorf("symbolic links lead to more than %d paths: the rest of what they lead to was not walked", maxLinked))
			}
			if w.linked >= maxLinked {
				return true
			}
		}
		name := e.Name()
		childRel := path.Join(rel, name)
		childPath := filepath.Join(dirPath, name)
		mode := e.Type()
		if mode&fs.ModeSymlink != 0 {
			if !w.link(ri, childPath, childRel, filepath.Join(realDir, name)) {
				return false
			}
			continue
		}
		if mode.IsRegular() && w.control.has(childPath) {
			w.opts.logf("not scanning " + join(r.given, childRel) + ": a policy, ignore, approvals, baseline or report file of this scan")
			continue
		}
		isDir := mode.IsDir()
		if by := w.excludedBy(ri, childRel, isDir); by != "" {
			w.exclude(r, childRel, isDir, by)
			continue
		}
		switch {
		case isDir:
			if w.depth >= maxDirDepth {
				w.fail(r.given, childRel, fmt.Errorf("folders nested more than %d deep: not walked", maxDirDepth))
				continue
			}
			sub, err := d.openDir(name, childPath)
			if err != nil {
				w.fail(r.given, childRel, unwrapPathError(err))
				continue
			}
			if !w.dir(ri, sub, childPath, childRel, filepath.Join(realDir, name)) {
				return false
			}
		case mode.IsRegular():
			j := job{root: r.given, path: childPath, rel: childRel, dir: d, name: name}
			if w.via != nil {
				// Reached through a link to a folder: a file the walk
				// reaches at its own path is inspected there, once.
				target := w.via.targetOf(childRel)
				if w.reached(w.via.ti, target, false, filepath.Join(realDir, name)) {
					w.aliased(alias{Root: r.given, Path: childRel, TargetRoot: w.roots[w.via.ti].given, TargetPath: target})
					continue
				}
				j.linkTarget = w.linkTarget(w.via.ti, ri, target)
				if !w.once(filepath.Join(realDir, name), r.given, childRel) {
					continue
				}
			}
			if sidecarExts[strings.ToLower(path.Ext(name))] {
				if media := sidecarMedia(name, names()); media != "" {
					j.sidecarOf = path.Join(rel, media)
				}
			}
			if !w.send(j) {
				return false
			}
		default:
			w.count(&w.stats.special, r.given, childRel)
			w.opts.logf("skipped " + join(r.given, childRel) + ": not a regular file (" + mode.String() + ")")
		}
	}
	return true
}

// once reports whether the file at real, which the walk does not reach at
// its own path, is read at (root, rel): the first path a link leads to it
// at. A later path is an alias of that one.
func (w *walker) once(real, root, rel string) bool {
	if first, ok := w.viaEmitted[real]; ok {
		w.aliased(alias{Root: root, Path: rel, TargetRoot: first.Root, TargetPath: first.Path})
		return false
	}
	if w.viaEmitted == nil {
		w.viaEmitted = map[string]alias{}
	}
	w.viaEmitted[real] = alias{Root: root, Path: rel}
	return true
}

func (w *walker) aliased(a alias) {
	if w.onAlias != nil {
		w.onAlias(a)
	}
}

// linkTarget names a target in root ti as seen from root ri.
func (w *walker) linkTarget(ti, ri int, rel string) string {
	if ti != ri {
		return join(w.roots[ti].given, rel)
	}
	return relOrDot(rel)
}

// count adds one to a walk counter for the path rel under root, when the
// scan's shard owns that path.
func (w *walker) count(n *int, root, rel string) {
	if w.opts.Shard.Owns(root, rel) {
		*n++
	}
}

func (w *walker) exclude(r root, rel string, isDir bool, by string) {
	w.excludeAt(r.given, rel, isDir, by)
}

// excludeAt counts and reports the path rel under root, excluded by by.
func (w *walker) excludeAt(root, rel string, isDir bool, by string) {
	w.count(&w.stats.excluded, root, rel)
	w.opts.logf("excluded " + join(root, rel) + " (" + by + ")")
	if w.onExclude != nil {
		if isDir {
			rel += "/"
		}
		w.onExclude(report.Excluded{Path: rel, Root: root, By: by})
	}
}

// link handles the symbolic link at childPath (childRel in root ri, lying
// at linkReal with its folder's links resolved); it returns false when the
// walk must stop.
func (w *walker) link(ri int, childPath, childRel, linkReal string) bool {
	r := w.roots[ri]
	target, _ := os.Readlink(childPath)
	l := report.Link{Path: childRel, Root: r.given, Target: target}
	real, kernel, err := resolve(childPath)
	if kernel {
		// /proc/self/cwd and the like resolve against provscan, not the delivery.
		l.Outcome = report.LinkOutside
		w.linked1(l, "symbolic link into /proc, /sys or /dev: what it names depends on the process reading it")
		return true
	}
	var fi fs.FileInfo
	if err == nil {
		fi, err = os.Stat(real)
	}
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrPermission):
			w.fail(r.given, childRel, fmt.Errorf("symbolic link: %w", unwrapPathError(err)))
		case errors.Is(err, syscall.ELOOP) || strings.Contains(err.Error(), "too many links"):
			l.Outcome = report.LinkLoop
			w.linked1(l, "symbolic link that never ends: links that lead to each other")
		default:
			l.Outcome = report.LinkDangling
			w.linked1(l, "symbolic link to nothing: its target does not exist")
		}
		return true
	}
	if walkHookResolved != nil {
		walkHookResolved(childPath)
	}
	rj, rel2, inside := w.locate(real)
	if !inside {
		l.Outcome = report.LinkOutside
		w.linked1(l, "symbolic link to a path outside the scanned roots")
		return true
	}
	l.Resolved = w.linkTarget(rj, ri, rel2)
	if !fi.IsDir() && !fi.Mode().IsRegular() {
		l.Outcome = report.LinkSpecial
		w.count(&w.stats.special, r.given, childRel)
		w.linked1(l, "")
		return true
	}
	if by := w.excludedBy(ri, childRel, fi.IsDir()); by != "" {
		// The link itself is excluded: what it names is not part of the delivery.
		w.exclude(r, childRel, fi.IsDir(), by)
		return true
	}
	if fi.Mode().IsRegular() {
		l.Outcome = report.LinkInspected
		w.linked1(l, "")
		if w.reached(rj, rel2, false, real) {
			w.count(&w.stats.symlinks, w.roots[rj].given, rel2) // counted with the alias, by the target's shard
			w.opts.logf("link " + join(r.given, childRel) + ": its target is inspected at " + l.Resolved)
			w.aliased(alias{Root: r.given, Path: childRel, TargetRoot: w.roots[rj].given, TargetPath: rel2})
			return true
		}
		if !w.once(real, r.given, childRel) {
			return true
		}
		j := job{root: r.given, path: real, rel: childRel, linkTarget: l.Resolved}
		if w.roots[rj].info.IsDir() {
			// Opened where the link resolved to, beneath the root that
			// holds it, no link followed on the way (see openBeneath).
			d, err := openBeneath(w.roots[rj].real, path.Dir(rel2))
			if err != nil {
				w.fail(r.given, childRel, fmt.Errorf("symbolic link to %s: %w", l.Resolved, unwrapPathError(err)))
				return true
			}
			defer d.release()
			j.dir, j.name = d, path.Base(rel2)
		}
		return w.send(j)
	}
	// A folder: a loop when it holds the link (or a folder the walk entered
	// through a link on the way here); otherwise walked through the link,
	// each file the walk reaches at its own path being inspected there.
	for _, d := range append(append([]string(nil), w.linkDirs...), filepath.Dir(linkReal)) {
		if d == real || strings.HasPrefix(d, real+string(filepath.Separator)) {
			l.Outcome = report.LinkLoop
			w.linked1(l, "symbolic link to a folder that holds it: a copy of the delivery with its links resolved never ends")
			return true
		}
	}
	l.Outcome = report.LinkInspected
	w.linked1(l, "")
	saved, depth := w.via, len(w.linkDirs)
	w.via = &via{rel: childRel, ti: rj, target: rel2}
	w.linkDirs = append(w.linkDirs, filepath.Dir(linkReal), real)
	defer func() {
		w.via = saved
		w.linkDirs = w.linkDirs[:depth]
	}()
	if w.depth >= maxDirDepth {
		w.fail(r.given, childRel, fmt.Errorf("folders nested more than %d deep: not walked", maxDirDepth))
		return true
	}
	d, err := openBeneath(w.roots[rj].real, rel2)
	if err != nil {
		w.fail(r.given, childRel, fmt.Errorf("symbolic link to %s: %w", l.Resolved, unwrapPathError(err)))
		return true
	}
	return w.dir(ri, d, real, childRel, real)
}

// kernelPath reports whether p lies in /proc, /sys or /dev, whose contents
// are made by the kernel for the process that reads them.
func kernelPath(p string) bool {
	for _, k := range []string{"/proc", "/sys", "/dev"} {
		if p == k || strings.HasPrefix(p, k+"/") {
			return true
		}
	}
	return false
}

// linked1 reports a link, with a symlink-unchecked finding when msg is set.
func (w *walker) linked1(l report.Link, msg string) {
	if w.onLink == nil {
		return
	}
	if msg == "" {
		w.onLink(l, nil)
		return
	}
	rule := rules.Lookup(rules.SymlinkUnchecked)
	f := &report.Finding{
		Path: l.Path, File: l.Path, Root: l.Root, Format: "symlink",
		Rule: rule.ID, Severity: rule.Severity, Principle: rule.Principle,
		Confidence: evidence.Declared, Message: msg,
		Evidence: []report.Evidence{{Container: "symbolic link", Field: "target", Value: evidence.Truncate(l.Target)}},
	}
	w.onLink(l, f)
}

// locate finds the root that holds the absolute, resolved path real and
// returns real relative to it ("" for the root folder itself).
func (w *walker) locate(real string) (int, string, bool) {
	for i, r := range w.roots {
		if !r.info.IsDir() {
			if real == r.real {
				return i, filepath.ToSlash(filepath.Base(r.path)), true
			}
			continue
		}
		rel, ok := fsx.Within(r.real, real)
		if !ok {
			continue
		}
		if rel == "." {
			rel = ""
		}
		return i, filepath.ToSlash(rel), true
	}
	return 0, "", false
}

// reached reports whether the walk of root ri reaches rel (a link-free
// path, lying at real) by itself: no folder on the way and not rel itself is
// excluded, and it is not a control file of the scan (those are not walked).
func (w *walker) reached(ri int, rel string, isDir bool, real string) bool {
	if !isDir && w.control.has(real) {
		return false
	}
	if rel == "" || !w.roots[ri].info.IsDir() {
		return true
	}
	parts := strings.Split(rel, "/")
	for i := range parts {
		if w.excludedBy(ri, strings.Join(parts[:i+1], "/"), i < len(parts)-1 || isDir) != "" {
			return false
		}
	}
	return true
}

// excludedBy returns what excludes rel in root ri: an --exclude or policy
// glob, or a line of the root's ignore file; "" when nothing does. A glob
// without '/' also matches the base name at any depth.
func (w *walker) excludedBy(ri int, rel string, isDir bool) string {
	base := path.Base(rel)
	for _, g := range w.excludes {
		if g.m.Match(rel) || g.base && g.m.Match(base) {
			return "exclude " + g.m.String()
		}
	}
	if ri < len(w.ignores) && w.ignores[ri] != nil {
		p := rel
		if isDir {
			p += "/"
		}
		if ok, how := w.ignores[ri].MatchesPathHow(p); ok {
			if how != nil {
				return fmt.Sprintf("%s line %d: %s", IgnoreFile, how.LineNo, how.Line)
			}
			return IgnoreFile
		}
	}
	return ""
}

// sidecarExts are the extensions of metadata sidecar files.
var sidecarExts = map[string]bool{".xmp": true, ".c2pa": true}

// siblings indexes the files of one folder for sidecar pairing.
type siblings struct {
	names  map[string]bool
	byStem map[string]string // stem -> lexically first non-sidecar file with that stem
}

func newSiblings(names map[string]bool) *siblings {
	sb := &siblings{names: names, byStem: map[string]string{}}
	for n := range names {
		e := path.Ext(n)
		if e == "" || sidecarExts[strings.ToLower(e)] {
			continue
		}
		stem := n[:len(n)-len(e)]
		if cur, ok := sb.byStem[stem]; !ok || n < cur {
			sb.byStem[stem] = n
		}
	}
	return sb
}

// sidecarMedia returns the media file that the sidecar name describes, or ""
// when name is not a sidecar. Both NAME.xmp (next to NAME.ext) and
// NAME.ext.xmp are recognised; for NAME.xmp the first NAME.ext in lexical
// order wins.
func sidecarMedia(name string, sb *siblings) string {
	ext := strings.ToLower(path.Ext(name))
	if !sidecarExts[ext] {
		return ""
	}
	stem := name[:len(name)-len(ext)]
	if stem == "" {
		return ""
	}
	if e := path.Ext(stem); e != "" && !sidecarExts[strings.ToLower(e)] && sb.names[stem] {
		return stem
	}
	return sb.byStem[stem]
}

func relOrDot(rel string) string {
	if rel == "" {
		return "."
	}
	return rel
}

func join(root, rel string) string {
	if root == "." {
		return rel
	}
	return root + "/" + rel
}

// unwrapPathError drops the *PathError wrapper, whose text repeats the full
// OS path; reports name files relative to their root.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// Count walks roots as a scan would, without reading any file, and returns
// how many files the scan will read (a total for progress bars). Errors are
// ignored: the scan reports them.
func Count(ctx context.Context, roots []string, opts Options) int {
	rs, err := resolveRoots(roots)
	if err != nil {
		return 0
	}
	exclude, err := compileGlobs(opts.Exclude)
	if err != nil {
		return 0
	}
	n := 0
	quiet := opts
	quiet.Log = nil
	w := &walker{ctx: ctx, opts: &quiet, control: newControlSet(opts.ControlFiles), excludes: exclude,
		emit: func(j job) bool {
			if opts.Shard.Owns(j.root, j.rel) {
				n++
			}
			j.drop()
			return true
		},
		fail: func(string, string, error) {}}
	w.walk(rs)
	return n
}
