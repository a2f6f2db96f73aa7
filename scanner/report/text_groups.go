package report

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
)

// SequenceDisplay names a sequence with its frame range and padding, as
// fileseq writes it: "sh010_comp.1001-1240#.exr" ('#' is four digits of
// padding, '@' one).
func SequenceDisplay(s *Sequence) string {
	// The pattern is prefix, hashes, extension; the extension is empty or
	// starts at the last dot.
	hashes := strings.Repeat("#", max(1, s.Padding))
	prefix, ext := s.Pattern, ""
	if i := strings.LastIndexByte(s.Pattern, '.'); i >= 0 && strings.HasSuffix(s.Pattern[:i], hashes) {
		prefix, ext = s.Pattern[:i], s.Pattern[i:]
	}
	if !strings.HasSuffix(prefix, hashes) {
		return joinFolder(s.Folder, s.Pattern)
	}
	prefix = strings.TrimSuffix(prefix, hashes)
	pad := "@"
	switch {
	case s.Padding > 0 && s.Padding%4 == 0:
		pad = strings.Repeat("#", s.Padding/4)
	case s.Padding > 1:
		pad = strings.Repeat("@", s.Padding)
	}
	return joinFolder(s.Folder, prefix+padFrame(s.First, s.Padding)+"-"+padFrame(s.Last, s.Padding)+pad+ext)
}

func joinFolder(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// padFrame writes n with at least width digits.
func padFrame(n, width int) string {
	s := strconv.Itoa(n)
	if n >= 0 && len(s) < width {
		s = strings.Repeat("0", width-len(s)) + s
	}
	return s
}

// RangesText writes frame ranges as "1001-1003, 1007", with "..." when
// more were counted than listed.
func RangesText(rs []FrameRange, padding int, more bool) string {
	parts := make([]string, 0, len(rs)+1)
	for _, r := range rs {
		if r.First == r.Last {
			parts = append(parts, padFrame(r.First, padding))
		} else {
			parts = append(parts, padFrame(r.First, padding)+"-"+padFrame(r.Last, padding))
		}
	}
	if more {
		parts = append(parts, "...")
	}
	return strings.Join(parts, ", ")
}

// SequenceLine is the one line naming a sequence: its frames and the gaps.
func SequenceLine(s *Sequence) string { return sequenceLine(clean(SequenceDisplay(s)), s) }

func sequenceLine(display string, s *Sequence) string {
	line := display + " (" + plural(s.Count, "frame")
	if s.MissingFrames > 0 {
		line += ", missing " + RangesText(s.Missing, s.Padding, len(s.Missing) == MaxRangesListed)
		if s.MissingFrames > 1 {
			line += " (" + strconv.Itoa(s.MissingFrames) + ")"
		}
	}
	return line + ")"
}

// maxSequenceLines bounds the outlier and finding lines of one sequence
// shown without -v.
const maxSequenceLines = 5

// sequences prints one line per sequence; under it, first the frames whose
// metadata differs from the rest, then its frames' findings by rule, then
// its sidecars.
func (t *textWriter) sequences() {
	r := t.r
	if len(r.Sequences) == 0 {
		return
	}
	t.heading(colorBold, fmt.Sprintf("SEQUENCES (%d)", len(r.Sequences)))
	for i := range r.Sequences {
		s := &r.Sequences[i]
		p := sequenceLine(t.displayPath(s.Root, SequenceDisplay(s)), s)
		t.line("  " + cutLeft(p, t.limit(capPath+60)-2))
		// Outliers grouped by how they differ, frames as ranges.
		type group struct {
			why    string
			frames []int
		}
		var groups []*group
		byWhy := map[string]*group{}
		for _, o := range s.Outliers {
			g := byWhy[o.Differs]
			if g == nil {
				g = &group{why: o.Differs}
				byWhy[o.Differs] = g
				groups = append(groups, g)
			}
			g.frames = append(g.frames, o.Frame)
		}
		for gi, g := range groups {
			if gi == maxSequenceLines && !t.o.Evidence {
				t.line(fmt.Sprintf("    ... and %d more kinds of differing frames (-v lists them)", len(groups)-gi))
				break
			}
			n := len(g.frames)
			more := false
			if gi == len(groups)-1 && s.OutlierFrames > len(s.Outliers) {
				more = true
			}
			t.wrap("    ! "+t.paint(colorLoud, "differs")+" on "+plural(n, "frame")+" "+RangesText(frameRangesOf(g.frames), s.Padding, more)+": ", "        ", clean(g.why))
		}
		if s.Mixed {
			t.line("    metadata varies across frames (none shared by most): no outlier named")
		}
		for fi, f := range s.Findings {
			if fi == maxSequenceLines && !t.o.Evidence {
				t.line(fmt.Sprintf("    ... and %d more rules", len(s.Findings)-fi))
				break
			}
			t.wrap("    "+clean(f.Rule)+" x "+strconv.Itoa(f.Count)+" on frames ", "        ", RangesText(f.Frames, s.Padding, len(f.Frames) == MaxRangesListed))
		}
		if len(s.Sidecars) > 0 {
			sc := make([]string, len(s.Sidecars))
			for j, x := range s.Sidecars {
				sc[j] = clean(x)
			}
			t.wrapSegments("    sidecars: ", "      ", strings.Join(sc, ", "))
		}
	}
	t.line("")
}

// frameRangesOf turns sorted frame numbers into runs.
func frameRangesOf(frames []int) []FrameRange { return FrameRanges(frames, 0) }

// packages prints each IMF package: its ASSETMAP, id, annotation and
// titles, how many of its assets were found, the missing ones and the
// files of its folder it does not list.
func (t *textWriter) packages() {
	r := t.r
	if len(r.Packages) == 0 {
		return
	}
	t.heading(colorBold, fmt.Sprintf("IMF PACKAGES (%d)", len(r.Packages)))
	for i := range r.Packages {
		p := &r.Packages[i]
		name := p.Annotation
		if name == "" {
			name = p.ID
		}
		head := t.displayPath(p.Root, p.AssetMap) + "  " + clean(name)
		if len(p.Titles) > 0 {
			head += " \"" + clean(strings.Join(p.Titles, "; ")) + "\""
		}
		head += fmt.Sprintf(" (%d of %d assets present)", p.Present, p.Assets)
		t.line("  " + cutRight(head, t.limit(capPath+capMessage)-2))
		if p.Error != "" {
			t.line("    " + t.paint(colorLoud, "not read in full: ") + clean(p.Error))
		}
		for j, m := range p.Missing {
			if j == maxListed && !t.o.Evidence {
				t.line(fmt.Sprintf("    ... and %d more missing assets (-v lists them)", len(p.Missing)-j))
				break
			}
			t.line("    missing: " + clean(m.Path) + " (" + clean(m.ID) + ")")
		}
		if len(p.Unlisted) > 0 {
			names := make([]string, 0, min(len(p.Unlisted), maxListed))
			for j, u := range p.Unlisted {
				if j == maxListed && !t.o.Evidence {
					names = append(names, fmt.Sprintf("... %d more", len(p.Unlisted)-j))
					break
				}
				names = append(names, clean(path.Base(u)))
			}
			t.wrapSegments("    not listed: ", "      ", strings.Join(names, ", "))
		}
	}
	t.line("")
}

// coverage prints what was read, by media kind and format, and what was
// not.
func (t *textWriter) coverage() {
	c := t.r.Coverage
	if c == nil || c.Files == 0 {
		return
	}
	t.heading(colorBold, "COVERAGE")
	t.line(fmt.Sprintf("  inspected  %s of %s (%s of %s)", plural(c.Inspected.Files, "file"), strconv.Itoa(c.Files),
		HumanBytes(c.Inspected.Bytes), HumanBytes(c.Bytes)))
	list := func(fcs []FormatCount) string {
		parts := make([]string, 0, len(fcs))
		for _, fc := range fcs {
			s := fmt.Sprintf("%s %d (%s", clean(fc.Name), fc.Files, HumanBytes(fc.Bytes))
			if fc.Inspected != fc.Files {
				s += fmt.Sprintf(", %d inspected", fc.Inspected)
			}
			parts = append(parts, s+")")
		}
		return strings.Join(parts, ", ")
	}
	if len(c.ByMedia) > 0 {
		t.wrapSegments("  media      ", "             ", list(c.ByMedia))
		t.wrapSegments("  families   ", "             ", list(c.ByFamily))
		t.wrapSegments("  formats    ", "             ", list(c.ByFormat))
	}
	n := c.NotRead
	t.wrapSegments("  not read   ", "             ", fmt.Sprintf("%d unsupported (%s), %d unreadable (%s), %s, %d excluded",
		n.Unsupported.Files, HumanBytes(n.Unsupported.Bytes), n.Unreadable.Files, HumanBytes(n.Unreadable.Bytes), plural(n.Errors, "error"), n.Excluded))
	if c.Members > 0 {
		t.line("  members    " + plural(c.Members, "archive member") + " scanned")
	}
	t.line("")
}

// collapsedRow is the findings of one rule on several frames of a
// sequence, shown on one line.
type collapsedRow struct {
	display string // the sequence, as SequenceDisplay names it
	padding int
	frames  []int
}

// collapseFrames groups the findings on frames of a sequence that share
// the rule, generator, severity and status: the first of each group (by
// index) maps to the group, the others to nil. Findings alone in their
// group are not in the map.
func (t *textWriter) collapseFrames() map[int]*collapsedRow {
	r := t.r
	if len(r.Sequences) == 0 {
		return nil
	}
	seqs := map[[2]string]*Sequence{}
	for i := range r.Sequences {
		s := &r.Sequences[i]
		seqs[[2]string{s.Root, s.Path}] = s
	}
	type key struct {
		root, seq, rule, gen, sev, stat string
		fails                           bool
	}
	first := map[key]int{}
	groups := map[int]*collapsedRow{}
	members := map[int][]int{}
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Sequence == "" || f.Frame == nil {
			continue
		}
		s := seqs[[2]string{f.Root, f.Sequence}]
		if s == nil {
			continue
		}
		k := key{f.Root, f.Sequence, f.Rule, f.Generator, f.Severity.String(), statusText(*f), f.FailsGate}
		j, ok := first[k]
		if !ok {
			first[k] = i
			groups[i] = &collapsedRow{display: SequenceDisplay(s), padding: s.Padding, frames: []int{*f.Frame}}
			continue
		}
		groups[j].frames = append(groups[j].frames, *f.Frame)
		members[j] = append(members[j], i)
	}
	out := map[int]*collapsedRow{}
	for j, g := range groups {
		if len(g.frames) < 2 {
			continue
		}
		slices.Sort(g.frames)
		out[j] = g
		for _, i := range members[j] {
			out[i] = nil
		}
	}
	return out
}
