package scanner

import (
	"crypto/sha256"
	"encoding/binary"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/scanner/report"
)

// describeScanned fills what the report keeps of one file read: its status,
// format, media kind and metadata signature.
func describeScanned(sf *report.ScannedFile, p *provenance.Provenance, err error) {
	sf.Status = report.ScanInspected
	if err != nil {
		sf.Status = report.ScanUnreadable
	}
	if p == nil {
		return
	}
	sf.Format, sf.Family, sf.Media = p.Format, p.Family, string(p.Media)
	sf.Meta, sf.Tool = metaSignature(p)
}

// maxToolText bounds the tool names kept per file.
const maxToolText = 120

// metaSignature digests the metadata values of p other than per-frame ones
// (see perFrameKey), so that the frames of a sequence written by one
// process share it and a frame that another tool touched does not; and it
// joins the values that name the writing software.
func metaSignature(p *provenance.Provenance) (uint64, string) {
	lines := make([]string, 0, len(p.Text)+len(p.XMP)+len(p.EXIF)+len(p.IPTC)+1)
	var tools []string
	tool := func(v string) {
		v = strings.TrimSpace(v)
		if v != "" && !slices.Contains(tools, v) && len(tools) < 8 {
			tools = append(tools, v)
		}
	}
	for _, t := range p.Text {
		if perFrameKey(t.Key) {
			continue
		}
		lines = append(lines, "t\x00"+t.Container+"\x00"+t.Key+"\x00"+t.Value)
		if t.Tool || toolKey(t.Key) {
			tool(t.Value)
		}
	}
	for _, x := range p.XMP {
		if perFrameKey(x.Path) {
			continue
		}
		lines = append(lines, "x\x00"+x.NS+"\x00"+x.Path+"\x00"+x.Value)
		if toolKey(x.Name) {
			tool(x.Value)
		}
	}
	for _, f := range p.EXIF {
		if perFrameKey(f.Name) {
			continue
		}
		lines = append(lines, "e\x00"+f.IFD+"\x00"+f.Name+"\x00"+f.Value)
		if toolKey(f.Name) {
			tool(f.Value)
		}
	}
	for _, t := range p.IPTC {
		if perFrameKey(t.Key) {
			continue
		}
		lines = append(lines, "i\x00"+t.Key+"\x00"+t.Value)
	}
	for _, s := range p.C2PA {
		if s.Store == nil {
			continue
		}
		for _, m := range s.Manifests {
			if m.Label == s.Active {
				lines = append(lines, "c\x00"+m.ClaimGenerator)
				tool(m.ClaimGenerator)
			}
		}
	}
	sort.Strings(lines)
	h := sha256.New()
	h.Write([]byte(p.Format))
	var n [8]byte
	for _, l := range lines {
		binary.BigEndian.PutUint64(n[:], uint64(len(l)))
		h.Write(n[:])
		h.Write([]byte(l))
	}
	sum := h.Sum(nil)
	t := strings.Join(tools, "; ")
	if r := []rune(t); len(r) > maxToolText {
		t = string(r[:maxToolText-1]) + "…"
	}
	return binary.BigEndian.Uint64(sum), t
}

// perFrameKeys are parts of the names of metadata fields whose values
// differ from frame to frame of one render: file names and paths, sizes,
// dates and times (timecode, mtime included), frame numbers, instance and
// document ids, offsets, checksums, film key codes, chunk counts.
var perFrameKeys = []string{"file name", "filename", "file_name", "path", "size", "date", "time", "frame", "instanceid", "documentid",
	"uuid", "when", "offset", "checksum", "digest", "md5", "sha1", "sha256", "sha-", "keycode", "chunkcount"}

func perFrameKey(k string) bool {
	k = strings.ToLower(k)
	for _, p := range perFrameKeys {
		if strings.Contains(k, p) {
			return true
		}
	}
	return false
}

// toolKeys are the names of fields that name the writing software, for
// readers that do not mark them (Block.Tool).
var toolKeys = []string{"creator", "software", "creatortool", "softwareagent", "writer", "encoder", "writingapp",
	"writing application", "application", "productname", "product name", "claim_generator"}

func toolKey(k string) bool {
	k = strings.ToLower(k)
	return slices.Contains(toolKeys, k)
}

// Frame numbers: at most maxFrameDigits digits (they fit an int anywhere).
const maxFrameDigits = 9

// frameName splits a file name into prefix, frame digits and extension:
// "sh010_comp.1001.exr" is ("sh010_comp.", "1001", ".exr"); ok is false when
// no digits end the name before its extension.
func frameName(base string) (prefix, digits, ext string, ok bool) {
	stem := base
	if i := strings.LastIndexByte(base, '.'); i > 0 {
		stem, ext = base[:i], base[i:]
	}
	j := len(stem)
	for j > 0 && stem[j-1] >= '0' && stem[j-1] <= '9' {
		j--
	}
	digits = stem[j:]
	if digits == "" || len(digits) > maxFrameDigits {
		return "", "", "", false
	}
	return stem[:j], digits, ext, true
}

// sidecarExt reports whether ext is that of a sidecar that goes with a
// sequence (an XMP packet, a C2PA manifest store, a JSON workflow).
func sidecarExt(ext string) bool {
	switch strings.ToLower(ext) {
	case ".xmp", ".c2pa", ".json":
		return true
	}
	return false
}

// frameCandidate reports whether a file read may be a frame: an image, or
// a file of no known format (an image format no reader knows).
func frameCandidate(f *report.ScannedFile) bool {
	if f.Member {
		return false
	}
	return f.Media == "image" || f.Format == ""
}

// seqFrame is one frame of a sequence being built.
type seqFrame struct {
	file  int // index into the files
	frame int
}

// seqBuild is one sequence being built.
type seqBuild struct {
	root, dir, prefix, ext string
	width                  int // 0: unpadded
	frames                 []seqFrame
}

// seqKey is a folder, prefix and extension under one root.
type seqKey struct{ root, dir, prefix, ext string }

// buildSequences groups the frame files among files into sequences of at
// least two frames: one per folder, prefix, padding and extension. A
// zero-padded number groups with the numbers of its width; a number with no
// leading zero joins the padded numbers of its width when there are any,
// else it groups with the other such numbers, as padded when they all have
// the same width and as unpadded otherwise. Linear in the files, but for
// sorting each sequence's frames.
func buildSequences(files []report.ScannedFile) []*seqBuild {
	type entry struct {
		file, frame, width int
		lead               bool // a leading zero
	}
	type bucket struct {
		k  seqKey
		es []entry
	}
	var buckets []bucket // in the order first seen
	at := map[seqKey]int{}
	last := -1 // the bucket of the file before (a walk gives a folder's files together)
	for i := range files {
		f := &files[i]
		if !frameCandidate(f) {
			continue
		}
		dir, base := folderOf(f.Path)
		prefix, digits, ext, ok := frameName(base)
		if !ok || sidecarExt(ext) {
			continue
		}
		n, err := strconv.Atoi(digits)
		if err != nil {
			continue
		}
		k := seqKey{f.Root, dir, prefix, ext}
		if last < 0 || buckets[last].k != k {
			j, seen := at[k]
			if !seen {
				j = len(buckets)
				at[k] = j
				buckets = append(buckets, bucket{k: k})
			}
			last = j
		}
		buckets[last].es = append(buckets[last].es, entry{file: i, frame: n, width: len(digits), lead: len(digits) > 1 && digits[0] == '0'})
	}
	var out []*seqBuild
	for _, bu := range buckets {
		k, es := bu.k, bu.es
		if len(es) < 2 {
			continue
		}
		padded := map[int]*seqBuild{}
		var widths []int
		for _, e := range es {
			if e.lead && padded[e.width] == nil {
				padded[e.width] = &seqBuild{root: k.root, dir: k.dir, prefix: k.prefix, ext: k.ext, width: e.width}
				widths = append(widths, e.width)
			}
		}
		rest := es // the entries of no padded width
		if len(padded) > 0 {
			rest = nil
			for _, e := range es {
				if b := padded[e.width]; b != nil {
					b.frames = append(b.frames, seqFrame{e.file, e.frame})
				} else {
					rest = append(rest, e)
				}
			}
		}
		if len(rest) > 0 {
			w := rest[0].width
			for _, e := range rest {
				if e.width != w {
					w = 0
					break
				}
			}
			if w == 1 {
				w = 0
			}
			b := &seqBuild{root: k.root, dir: k.dir, prefix: k.prefix, ext: k.ext, width: w, frames: make([]seqFrame, 0, len(rest))}
			for _, e := range rest {
				b.frames = append(b.frames, seqFrame{e.file, e.frame})
			}
			if w > 0 && padded[w] == nil {
				widths = append(widths, w)
				padded[w] = b
			} else {
				out = appendSeq(out, b)
			}
		}
		slices.Sort(widths)
		for _, w := range widths {
			out = appendSeq(out, padded[w])
		}
	}
	return out
}

func appendSeq(out []*seqBuild, b *seqBuild) []*seqBuild {
	if len(b.frames) < 2 {
		return out
	}
	slices.SortFunc(b.frames, func(x, y seqFrame) int { return x.frame - y.frame })
	return append(out, b)
}

// pattern names the frames of b: one '#' per digit of a padded number, one
// '#' for unpadded numbers.
func (b *seqBuild) pattern() string {
	return b.prefix + strings.Repeat("#", max(1, b.width)) + b.ext
}

// fileKey keys a file by its root and path.
type fileKey struct{ root, path string }

// sequences builds the report's sequences from the files read and names
// each frame's sequence and number in its findings, unsupported entry and
// errors.
func (b *reportBuilder) sequences() {
	files := withErrorFiles(b.Scanned, b.Errors)
	builds := buildSequences(files)
	b.Sequences = make([]report.Sequence, 0, len(builds))
	if len(builds) == 0 {
		return
	}
	// The frame each finding, unsupported entry and error is on: a map of
	// their files (far fewer than the frames, as a rule), then one look-up
	// per frame.
	type frameOf struct {
		seq, frame int
		file       int // index into files
	}
	frames := map[fileKey]frameOf{}
	notFrame := frameOf{seq: -1}
	b.eachGrouping(func(root, p string, _ *report.Grouping) { frames[fileKey{root, p}] = notFrame })
	if len(frames) > 0 {
		for si, sb := range builds {
			for _, fr := range sb.frames {
				f := &files[fr.file]
				if _, ok := frames[fileKey{f.Root, f.Path}]; ok {
					frames[fileKey{f.Root, f.Path}] = frameOf{si, fr.frame, fr.file}
				}
			}
		}
	}
	// The rules found on each frame (by file index), and per sequence and
	// rule the frames.
	rulesOf := map[int][]string{}
	perRule := make([]map[string][]int, len(builds))
	for i := range b.Findings {
		f := &b.Findings[i]
		fo, ok := frames[fileKey{f.Root, f.Path}]
		if !ok || fo.seq < 0 {
			continue
		}
		id := f.Rule
		if f.Generator != "" {
			id += " (" + f.Generator + ")"
		}
		if rs := rulesOf[fo.file]; !slices.Contains(rs, id) {
			rulesOf[fo.file] = append(rs, id)
		}
		if perRule[fo.seq] == nil {
			perRule[fo.seq] = map[string][]int{}
		}
		fs := perRule[fo.seq][f.Rule]
		if len(fs) == 0 || fs[len(fs)-1] != fo.frame {
			perRule[fo.seq][f.Rule] = append(fs, fo.frame)
		}
	}
	sidecars := sequenceSidecars(files, builds)
	paths := make([]string, len(builds)) // each sequence's path, by build
	for si, sb := range builds {
		s := report.Sequence{Root: sb.root, Folder: sb.dir, Pattern: sb.pattern(), Padding: sb.width,
			First: sb.frames[0].frame, Last: sb.frames[len(sb.frames)-1].frame, Count: len(sb.frames),
			Missing: []report.FrameRange{}, Outliers: []report.Outlier{}, Formats: []string{}, Sidecars: sidecars[si],
			Findings: []report.SequenceFindings{}}
		s.Path = joinRel(sb.dir, s.Pattern)
		paths[si] = s.Path
		if s.Sidecars == nil {
			s.Sidecars = []string{}
		}
		prev := s.First
		for _, fr := range sb.frames[1:] {
			if gap := fr.frame - prev - 1; gap > 0 {
				s.MissingFrames += gap
				if len(s.Missing) < report.MaxRangesListed {
					s.Missing = append(s.Missing, report.FrameRange{First: prev + 1, Last: fr.frame - 1})
				}
			}
			prev = fr.frame
		}
		for _, fr := range sb.frames {
			if ft := files[fr.file].Format; ft != "" && !slices.Contains(s.Formats, ft) {
				s.Formats = append(s.Formats, ft)
			}
		}
		slices.Sort(s.Formats)
		rs := make([]string, 0, len(perRule[si]))
		for r := range perRule[si] {
			rs = append(rs, r)
		}
		slices.Sort(rs)
		for _, r := range rs {
			fs := perRule[si][r]
			slices.Sort(fs)
			s.Findings = append(s.Findings, report.SequenceFindings{Rule: r, Count: len(fs), Frames: report.FrameRanges(fs, report.MaxRangesListed)})
		}
		outliers(&s, sb, files, rulesOf)
		b.Sequences = append(b.Sequences, s)
	}
	sort.SliceStable(b.Sequences, func(i, j int) bool {
		if b.Sequences[i].Path != b.Sequences[j].Path {
			return b.Sequences[i].Path < b.Sequences[j].Path
		}
		return b.Sequences[i].Root < b.Sequences[j].Root
	})
	b.eachGrouping(func(root, p string, g *report.Grouping) {
		if fo, ok := frames[fileKey{root, p}]; ok && fo.seq >= 0 {
			n := fo.frame
			g.Sequence, g.Frame = paths[fo.seq], &n
		}
	})
}

// scanError is the status of a file that could not be opened (a report
// error): a frame of its sequence all the same, not a missing one.
const scanError = "error"

// withErrorFiles returns files and, after them, the files on disk that
// could not be opened (errors not about a file read, nor about an archive
// member), so that a frame that could not be opened is a frame of its
// sequence (and an outlier), not a gap.
func withErrorFiles(files []report.ScannedFile, errs []report.Error) []report.ScannedFile {
	if len(errs) == 0 {
		return files
	}
	read := make(map[fileKey]bool, len(files))
	for i := range files {
		read[fileKey{files[i].Root, files[i].Path}] = true
	}
	out := files[:len(files):len(files)]
	for _, e := range errs {
		k := fileKey{e.Root, e.Path}
		if strings.Contains(e.Path, "!/") || read[k] {
			continue
		}
		read[k] = true
		out = append(out, report.ScannedFile{Root: e.Root, Path: e.Path, Status: scanError})
	}
	return out
}

// outliers names the frames of s whose signature (metadata digest, rules
// found, status) differs from the one most frames share, when more than
// half share one.
func outliers(s *report.Sequence, sb *seqBuild, files []report.ScannedFile, rulesOf map[int][]string) {
	type sig struct {
		meta   uint64
		rules  string
		status string
	}
	sigs := make([]sig, len(sb.frames))
	count := map[sig]int{}
	best, bestN, bestAt := sig{}, 0, 0
	for i, fr := range sb.frames {
		f := &files[fr.file]
		rs := rulesOf[fr.file]
		slices.Sort(rs)
		g := sig{f.Meta, strings.Join(rs, ", "), f.Status}
		sigs[i] = g
		n := count[g] + 1
		count[g] = n
		if n > bestN {
			best, bestN = g, n
		}
	}
	if bestN*2 <= len(sb.frames) {
		s.Mixed = true
		return
	}
	if bestN == len(sb.frames) {
		return
	}
	// The tool most frames of the common signature name: the first's.
	for sigs[bestAt] != best {
		bestAt++
	}
	restTool := files[sb.frames[bestAt].file].Tool
	for i, fr := range sb.frames {
		f := &files[fr.file]
		g := sigs[i]
		if g == best {
			continue
		}
		s.OutlierFrames++
		if len(s.Outliers) >= report.MaxOutliersListed {
			continue
		}
		var why []string
		if g.status != best.status {
			if g.status == report.ScanInspected {
				why = append(why, "inspected")
			} else {
				why = append(why, "not inspected ("+g.status+")")
			}
		}
		if g.rules != best.rules {
			if g.rules == "" {
				why = append(why, "no findings (most frames: "+best.rules+")")
			} else {
				why = append(why, "findings: "+g.rules)
			}
		}
		if f.Tool != restTool {
			t := f.Tool
			if t == "" {
				t = "none"
			}
			rt := restTool
			if rt == "" {
				rt = "none"
			}
			why = append(why, "tool: "+t+" (most frames: "+rt+")")
		}
		if len(why) == 0 || (g.meta != best.meta && f.Tool == restTool) {
			why = append(why, "metadata")
		}
		s.Outliers = append(s.Outliers, report.Outlier{Frame: fr.frame, Path: f.Path, Differs: strings.Join(why, "; ")})
	}
}

// sequenceSidecars finds, for each sequence, the sidecars beside it:
// per-frame sidecars with its prefix and padding ("name.####.xmp"), and
// sidecars named after its prefix ("name.c2pa", "name.json", "name.xmp").
func sequenceSidecars(files []report.ScannedFile, builds []*seqBuild) [][]string {
	out := make([][]string, len(builds))
	type frameKey struct {
		root, dir, prefix string
		width             int
	}
	type nameKey struct{ root, dir, stem string }
	byFrame := map[frameKey][]int{}
	byName := map[nameKey][]int{}
	for i, sb := range builds {
		byFrame[frameKey{sb.root, sb.dir, sb.prefix, sb.width}] = append(byFrame[frameKey{sb.root, sb.dir, sb.prefix, sb.width}], i)
		stem := strings.TrimRight(sb.prefix, "._- ")
		if stem != "" {
			byName[nameKey{sb.root, sb.dir, stem}] = append(byName[nameKey{sb.root, sb.dir, stem}], i)
		}
	}
	type perFrame struct {
		seq     int
		pattern string
	}
	counts := map[perFrame]int{}
	var order []perFrame
	for i := range files {
		f := &files[i]
		ext := path.Ext(f.Path) // the name's: path.Ext looks past no slash
		if f.Member || !sidecarExt(ext) {
			continue
		}
		dir, base := folderOf(f.Path)
		if prefix, digits, _, ok := frameName(base); ok {
			w := len(digits)
			seqs := byFrame[frameKey{f.Root, dir, prefix, w}]
			if len(seqs) == 0 && digits[0] != '0' {
				seqs = byFrame[frameKey{f.Root, dir, prefix, 0}]
				w = 0
			}
			for _, si := range seqs {
				pf := perFrame{si, joinRel(dir, prefix+strings.Repeat("#", max(1, w))+ext)}
				if counts[pf] == 0 {
					order = append(order, pf)
				}
				counts[pf]++
			}
			if len(seqs) > 0 {
				continue
			}
		}
		for _, si := range byName[nameKey{f.Root, dir, strings.TrimSuffix(base, ext)}] {
			out[si] = append(out[si], f.Path)
		}
	}
	for _, pf := range order {
		n := counts[pf]
		out[pf.seq] = append(out[pf.seq], pf.pattern+" ("+strconv.Itoa(n)+" "+plural(n, "file")+")")
	}
	for i := range out {
		slices.Sort(out[i])
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// folderOf splits a path relative to its root into its folder ("" for
// the root) and its name. Two paths have one folder only when they have
// the same one ("/x" or "a//x", which a walk never gives, keep their
// slashes).
func folderOf(p string) (dir, base string) {
	dir, base = path.Split(p)
	if d := strings.TrimSuffix(dir, "/"); d != "" && !strings.HasSuffix(d, "/") {
		dir = d
	}
	return dir, base
}

// joinRel joins a folder relative to a root ("" for the root) and a name.
func joinRel(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}
