package scanner

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	gitignore "github.com/sabhiram/go-gitignore"
)

// job is one file on disk for a worker to read.
type job struct {
	root      string // the root as given, cleaned
	path      string // the OS path to open
	rel       string // path relative to the root, '/' separators
	sidecarOf string // the media file this .xmp/.c2pa sidecar describes, relative to the root
}

// walkStats counts what the walker saw but did not hand to the workers.
type walkStats struct {
	symlinks int // links not followed, or followed into a folder already visited
	special  int // FIFOs, sockets, devices
	excluded int // files and folders matched by --exclude or .provscanignore
}

// walker lists the files under the roots in a fixed order (lexical, depth
// first) and hands each regular file to emit. It runs in one goroutine.
type walker struct {
	ctx     context.Context
	opts    *Options
	emit    func(job) bool // false stops the walk
	fail    func(root, rel string, err error)
	stats   walkStats
	visited map[fileID]bool
}

// root describes a scanned root after validation.
type root struct {
	given string // as given by the user, cleaned, '/' separators
	path  string // OS path
	info  fs.FileInfo
}

// resolveRoots checks that every root exists; a missing root fails the scan.
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
		out = append(out, root{given: filepath.ToSlash(clean), path: clean, info: fi})
	}
	return out, nil
}

// validateGlobs rejects malformed --exclude patterns before any work.
func validateGlobs(globs []string) error {
	for _, g := range globs {
		if g == "" || !doublestar.ValidatePattern(g) {
			return fmt.Errorf("invalid --exclude pattern %q", g)
		}
	}
	return nil
}

func (w *walker) walk(roots []root) {
	for _, r := range roots {
		if w.ctx.Err() != nil {
			return
		}
		switch {
		case r.info.Mode().IsRegular():
			if !w.emit(job{root: r.given, path: r.path, rel: filepath.ToSlash(filepath.Base(r.path))}) {
				return
			}
		case r.info.IsDir():
			var ign *gitignore.GitIgnore
			ignPath := filepath.Join(r.path, IgnoreFile)
			if _, err := os.Lstat(ignPath); err == nil {
				g, err := gitignore.CompileIgnoreFile(ignPath)
				if err != nil {
					w.fail(r.given, IgnoreFile, err)
				} else {
					ign = g
				}
			}
			if w.opts.FollowSymlinks {
				if id, ok := idOf(r.info); ok {
					w.visited[id] = true
				}
			}
			if !w.dir(r, ign, r.path, "") {
				return
			}
		default:
			w.stats.special++
			w.opts.logf(fmt.Sprintf("skipped %s: not a regular file or folder", r.given))
		}
	}
}

// dir walks one folder; it returns false when the walk must stop.
func (w *walker) dir(r root, ign *gitignore.GitIgnore, dirPath, rel string) bool {
	entries, err := os.ReadDir(dirPath)
	if err != nil {
		w.fail(r.given, relOrDot(rel), unwrapPathError(err))
		// ReadDir may return the entries read before the error: go on with them.
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
		name := e.Name()
		childRel := path.Join(rel, name)
		childPath := filepath.Join(dirPath, name)
		if rel == "" && isControlFile(name) {
			continue
		}
		mode := e.Type()
		var info fs.FileInfo
		if mode&fs.ModeSymlink != 0 {
			if !w.opts.FollowSymlinks {
				w.stats.symlinks++
				w.opts.logf("not following symlink " + join(r.given, childRel))
				continue
			}
			fi, err := os.Stat(childPath)
			if err != nil {
				w.fail(r.given, childRel, fmt.Errorf("broken symlink: %w", unwrapPathError(err)))
				continue
			}
			info, mode = fi, fi.Mode().Type()
		}
		isDir := mode.IsDir()
		if w.excluded(ign, childRel, isDir) {
			w.stats.excluded++
			w.opts.logf("excluded " + join(r.given, childRel))
			continue
		}
		switch {
		case isDir:
			if w.opts.FollowSymlinks {
				if info == nil {
					fi, err := e.Info()
					if err != nil {
						w.fail(r.given, childRel, unwrapPathError(err))
						continue
					}
					info = fi
				}
				if id, ok := idOf(info); ok {
					if w.visited[id] {
						w.stats.symlinks++
						w.opts.logf("not entering " + join(r.given, childRel) + " again: folder already visited (symlink loop)")
						continue
					}
					w.visited[id] = true
				}
			}
			if !w.dir(r, ign, childPath, childRel) {
				return false
			}
		case mode.IsRegular():
			j := job{root: r.given, path: childPath, rel: childRel}
			if sidecarExts[strings.ToLower(path.Ext(name))] {
				if media := sidecarMedia(name, names()); media != "" {
					j.sidecarOf = path.Join(rel, media)
				}
			}
			if !w.emit(j) {
				return false
			}
		default:
			w.stats.special++
			w.opts.logf("skipped " + join(r.given, childRel) + ": not a regular file (" + mode.String() + ")")
		}
	}
	return true
}

// excluded reports whether rel is matched by an --exclude glob or the root's
// ignore file. A glob without '/' also matches the base name at any depth.
func (w *walker) excluded(ign *gitignore.GitIgnore, rel string, isDir bool) bool {
	base := path.Base(rel)
	for _, g := range w.opts.Exclude {
		if doublestar.MatchUnvalidated(g, rel) {
			return true
		}
		if !strings.Contains(g, "/") && doublestar.MatchUnvalidated(g, base) {
			return true
		}
	}
	if ign != nil {
		if isDir {
			return ign.MatchesPath(rel + "/")
		}
		return ign.MatchesPath(rel)
	}
	return false
}

// isControlFile names the files at a root that configure provscan itself.
func isControlFile(name string) bool {
	return name == IgnoreFile || name == ConfigFile
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
	if err != nil || validateGlobs(opts.Exclude) != nil {
		return 0
	}
	n := 0
	quiet := opts
	quiet.Log = nil
	w := &walker{ctx: ctx, opts: &quiet, visited: map[fileID]bool{},
		emit: func(job) bool { n++; return true },
		fail: func(string, string, error) {}}
	w.walk(rs)
	return n
}
