package scanner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/provscan/provscan/scanner/report"
)

// corpusDir returns the folder of ../shared/corpus (beside the repository)
// named by parts, or skips t when it is absent (provenance/internal/corpustest
// does this for the provenance packages; scanner cannot import it).
func corpusDir(t *testing.T, parts ...string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(append([]string{"..", "..", "shared", "corpus"}, parts...)...))
	if err != nil {
		t.Skipf("corpus not located: %v", err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Skipf("corpus not present: %v", err)
	}
	return p
}

// dpxFrame builds a small DPX file (big-endian headers, 0xFF-padded) with
// the creator, and per-frame values a render writes in every frame: the
// image file name and the creation date.
func dpxFrame(creator, name, date string) []byte {
	b := bytes.Repeat([]byte{0xFF}, 2048)
	copy(b, "SDPX")
	copy(b[32:36], []byte{0, 0, 0, 0}) // no user data
	field := func(off, n int, v string) { copy(b[off:off+n], append([]byte(v), make([]byte, n)...)) }
	field(36, 100, name)
	field(136, 24, date)
	field(160, 100, creator)
	field(260, 200, "Show 101")
	return append(b, bytes.Repeat([]byte{0x11}, 512)...)
}

// scanText scans dir with the real readers and returns the report and its
// text form.
func scanText(t *testing.T, dir string, opts Options) (*report.Report, string) {
	t.Helper()
	r, err := Scan(t.Context(), []string{dir}, opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.WriteText(&buf, r, report.TextOptions{}); err != nil {
		t.Fatal(err)
	}
	return r, buf.String()
}

// checkCollapsed checks that the text report names the sequence on one
// line with its missing range, the outlier frames listed first under it,
// and no frame on a line of its own.
func checkCollapsed(t *testing.T, text, line, outliers, frameName string) {
	t.Helper()
	lines := strings.Split(text, "\n")
	at := -1
	for i, l := range lines {
		if strings.Contains(l, line) {
			if at >= 0 {
				t.Errorf("the sequence is named on two lines (%d and %d):\n%s", at, i, text)
			}
			at = i
		}
		if strings.Contains(l, frameName) {
			t.Errorf("a frame has a line of its own: %q\n%s", l, text)
		}
	}
	if at < 0 {
		t.Fatalf("no line %q in:\n%s", line, text)
	}
	if at+1 >= len(lines) || !strings.Contains(lines[at+1], "differs on 3 frames "+outliers) {
		t.Errorf("the line after the sequence does not name the outliers %q first:\n%s", outliers, text)
	}
}

// TestSequenceCollapsesDPX: 48 generated DPX frames, 2 removed, 3 with
// another creator: one line, the missing range, the 3 outliers first.
func TestSequenceCollapsesDPX(t *testing.T) {
	dir := t.TempDir()
	for i := 1; i <= 48; i++ {
		if i == 10 || i == 11 {
			continue
		}
		creator := "Nuke 15.1v2"
		if i == 30 || i == 31 || i == 40 {
			creator = "Baselight 6.0"
		}
		name := fmt.Sprintf("sh010_%06d.dpx", i)
		data := dpxFrame(creator, "D:/renders/"+name, fmt.Sprintf("2026:11:29:10:%02d:00", i))
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, text := scanText(t, dir, Options{})
	checkCollapsed(t, text, "sh010_000001-000048@@@@@@.dpx (46 frames, missing 000010-000011 (2))", "000030-000031, 000040", "sh010_000005")
	if !strings.Contains(text, "tool: Baselight 6.0 (most frames: Nuke 15.1v2)") {
		t.Errorf("the outliers' difference is not named:\n%s", text)
	}
	if len(r.Sequences) != 1 {
		t.Fatalf("sequences: %+v", r.Sequences)
	}
	s := r.Sequences[0]
	if s.Path != "sh010_######.dpx" || s.Pattern != "sh010_######.dpx" || s.Padding != 6 || s.First != 1 || s.Last != 48 || s.Count != 46 ||
		s.MissingFrames != 2 || !slices.Equal(s.Missing, []report.FrameRange{{First: 10, Last: 11}}) || s.OutlierFrames != 3 || s.Mixed ||
		!slices.Equal(s.Formats, []string{"DPX"}) {
		t.Errorf("sequence: %+v", s)
	}
	var frames []int
	for _, o := range s.Outliers {
		frames = append(frames, o.Frame)
	}
	if !slices.Equal(frames, []int{30, 31, 40}) {
		t.Errorf("outliers: %+v", s.Outliers)
	}
}

// TestSequenceCorpusDPX is TestSequenceCollapsesDPX on a real DPX frame
// (FFmpeg's, from RAWcooked's examples), copied as 48 frames.
func TestSequenceCorpusDPX(t *testing.T) {
	src := filepath.Join(corpusDir(t, "pro", "rawcooked_examples"), "dont_call_me_eddie_000001.dpx")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data[160:174], []byte("Lavc57.107.100")) {
		t.Fatalf("the corpus file's creator is not where this test expects it")
	}
	dir := t.TempDir()
	for i := 1; i <= 48; i++ {
		if i == 20 || i == 21 {
			continue
		}
		d := data
		if i == 5 || i == 6 || i == 7 {
			d = bytes.Clone(data)
			copy(d[160:260], append([]byte("Topaz Video AI 5.1"), make([]byte, 100)...))
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("dont_call_me_eddie_%06d.dpx", i)), d, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, text := scanText(t, dir, Options{})
	checkCollapsed(t, text, "dont_call_me_eddie_000001-000048@@@@@@.dpx (46 frames, missing 000020-000021 (2))", "000005-000007", "eddie_000003")
	if len(r.Sequences) != 1 || r.Sequences[0].OutlierFrames != 3 {
		t.Fatalf("sequences: %+v", r.Sequences)
	}
	for _, o := range r.Sequences[0].Outliers {
		if !strings.Contains(o.Differs, "Topaz Video AI 5.1") {
			t.Errorf("outlier %d: %q", o.Frame, o.Differs)
		}
	}
}

// TestSequenceCorpusEXR builds 8 frames of a real EXR sequence from its
// first frame.
func TestSequenceCorpusEXR(t *testing.T) {
	src := filepath.Join(corpusDir(t, "pro", "openexr-images"), "singlepart.0001.exr")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "shots"), 0o755); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 8; i++ {
		if err := os.WriteFile(filepath.Join(dir, "shots", fmt.Sprintf("singlepart.%04d.exr", i)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, text := scanText(t, dir, Options{})
	if len(r.Sequences) != 1 {
		t.Fatalf("sequences: %+v\n%s", r.Sequences, text)
	}
	s := r.Sequences[0]
	if s.Path != "shots/singlepart.####.exr" || s.Folder != "shots" || s.Count != 8 || s.First != 1 || s.Last != 8 || s.MissingFrames != 0 ||
		len(s.Outliers) != 0 || s.Mixed || !slices.Equal(s.Formats, []string{"OpenEXR"}) {
		t.Errorf("sequence: %+v", s)
	}
	if !strings.Contains(text, "shots/singlepart.0001-0008#.exr (8 frames)") {
		t.Errorf("text:\n%s", text)
	}
}

// TestSequenceJSON: findings of frames name their sequence and frame; the
// text report shows them on one line; sidecars attach; a single numbered
// file is no sequence; unsupported frames name theirs too.
func TestSequenceJSON(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"one.0001.png": "CLEAN\n", "notes_v2.png": "CLEAN\n"}
	for i := 1001; i <= 1006; i++ {
		files[fmt.Sprintf("plates/a.%d.png", i)] = fmt.Sprintf("GENAI\n%d\n", i)
		files[fmt.Sprintf("plates/a.%d.xmp", i)] = "x"
		files[fmt.Sprintf("raw/b_%03d.ari", i-1000)] = "\x00ARRI unknown\n"
	}
	files["plates/a.c2pa"] = "x"
	files["plates/a.json"] = "{}"
	writeTree(t, dir, files)
	r, err := Scan(t.Context(), []string{dir}, Options{Inspect: fakeInspect})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, s := range r.Sequences {
		paths = append(paths, s.Path)
	}
	if !slices.Equal(paths, []string{"plates/a.####.png", "raw/b_###.ari"}) {
		t.Fatalf("sequences: %q", paths)
	}
	a := r.Sequences[0]
	if !slices.Equal(a.Sidecars, []string{"plates/a.####.xmp (6 files)", "plates/a.c2pa", "plates/a.json"}) {
		t.Errorf("sidecars: %q", a.Sidecars)
	}
	if len(a.Findings) != 1 || a.Findings[0].Count != 6 || !slices.Equal(a.Findings[0].Frames, []report.FrameRange{{First: 1001, Last: 1006}}) {
		t.Errorf("sequence findings: %+v", a.Findings)
	}
	n := 0
	for _, f := range r.Findings {
		if strings.HasPrefix(f.Path, "plates/a.") {
			n++
			if f.Sequence != "plates/a.####.png" || f.Frame == nil || fmt.Sprintf("plates/a.%d.png", *f.Frame) != f.Path {
				t.Errorf("finding %s: sequence %q frame %v", f.Path, f.Sequence, f.Frame)
			}
		}
	}
	if n != 6 {
		t.Errorf("%d findings on frames, want 6", n)
	}
	for _, u := range r.Unsupported {
		if strings.HasPrefix(u.Path, "raw/") && (u.Sequence != "raw/b_###.ari" || u.Frame == nil) {
			t.Errorf("unsupported %s: %q %v", u.Path, u.Sequence, u.Frame)
		}
	}
	var js bytes.Buffer
	if err := report.WriteJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"sequence": "plates/a.####.png",`) || !strings.Contains(js.String(), `"frame": 1003`) {
		t.Errorf("JSON lacks sequence and frame:\n%s", js.String())
	}
	var back map[string]any
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	sch := compileSchema(t)
	if err := validate(t, sch, "report", js.Bytes()); err != nil {
		t.Errorf("schema: %v", err)
	}
	var text bytes.Buffer
	if err := report.WriteText(&text, r, report.TextOptions{}); err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, l := range strings.Split(text.String(), "\n") {
		if strings.Contains(l, "a.1001-1006#.png") && strings.Contains(l, "(6 frames: 1001-1006)") {
			rows++
		}
		if strings.Contains(l, "a.1003.png") && !strings.Contains(l, "provscan approve") {
			t.Errorf("a frame's finding is shown on its own line: %q", l)
		}
	}
	if rows != 1 {
		t.Errorf("%d collapsed finding rows, want 1:\n%s", rows, text.String())
	}
}

// TestFrameGrouping checks the padding rules: zero-padded numbers group by
// width, numbers with no leading zero join the padded ones of their width,
// unpadded numbers of varying width group together, a lone file is no
// sequence.
func TestFrameGrouping(t *testing.T) {
	var files []report.ScannedFile
	add := func(names ...string) {
		for _, n := range names {
			files = append(files, report.ScannedFile{Root: "r", Path: n, Media: "image", Format: "PNG"})
		}
	}
	add("p.0998.png", "p.0999.png", "p.1000.png", "p.1001.png", // one padded run of width 4
		"p.00001.png", "p.00002.png", // width 5: another sequence
		"u1.png", "u2.png", "u10.png", "u11.png", // unpadded
		"solo.0001.png",                 // alone
		"x.1.tif", "x.2.tif", "x.1.png", // extensions apart: x.#.tif only
		"d/p.0001.png", "d/p.0002.png", // another folder
		"v_1.mov")
	files = append(files, report.ScannedFile{Root: "r", Path: "z.zip!/m.0001.png", Member: true, Media: "image"},
		report.ScannedFile{Root: "r", Path: "z.zip!/m.0002.png", Member: true, Media: "image"})
	var got []string
	for _, b := range buildSequences(files) {
		var fs []int
		for _, f := range b.frames {
			fs = append(fs, f.frame)
		}
		got = append(got, fmt.Sprintf("%s %v", joinRel(b.dir, b.pattern()), fs))
	}
	slices.Sort(got)
	want := []string{"d/p.####.png [1 2]", "p.#####.png [1 2]", "p.####.png [998 999 1000 1001]", "u#.png [1 2 10 11]", "x.#.tif [1 2]"}
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// BenchmarkSequences groups 10k and 100k frame paths (sequences of 1000
// frames, in walk order, a tenth of them with a finding): the time per
// path stays flat (linear but for sorting each sequence's frames). The
// baseline sorts the 100k paths, the least a grouping by name could do.
func BenchmarkSequences(b *testing.B) {
	build := func(n int) ([]report.ScannedFile, []report.Finding) {
		var files []report.ScannedFile
		var findings []report.Finding
		for s := range n / 1000 {
			for f := range 1000 {
				p := fmt.Sprintf("shots/sh%03d/comp/sh%03d_comp_v001.%04d.exr", s, s, 1001+f)
				files = append(files, report.ScannedFile{Root: "d", Path: p, Media: "image", Format: "OpenEXR", Status: report.ScanInspected, Size: 1 << 20})
				if f%10 == 0 {
					findings = append(findings, report.Finding{Root: "d", Path: p, Rule: "ai-generated"})
				}
			}
		}
		return files, findings
	}
	for _, n := range []int{10000, 100000} {
		files, findings := build(n)
		b.Run(fmt.Sprintf("paths=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rb := &reportBuilder{Report: &report.Report{Scanned: files, Findings: slices.Clone(findings)}}
				rb.group()
				if len(rb.Sequences) != n/1000 {
					b.Fatalf("%d sequences", len(rb.Sequences))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/path")
		})
	}
	files, _ := build(100000)
	b.Run("baseline=sort-100k-paths", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ps := make([]string, len(files))
			for i := range files {
				ps[i] = files[i].Path
			}
			slices.Sort(ps)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(files)), "ns/path")
	})
}

func TestPerFrameKeys(t *testing.T) {
	for _, k := range []string{"image file name", "creation date", "timeCode", "capDate", "xmp:CreateDate", "xmpMM:InstanceID",
		"input/filename", "input/mtime", "input/filesize", "DateTimeOriginal", "source creation date", "xmpMM:History[1]/stEvt:when"} {
		if !perFrameKey(k) {
			t.Errorf("%q is not per-frame", k)
		}
	}
	for _, k := range []string{"creator", "project", "copyright", "input device name", "Software", "xmp:CreatorTool",
		"xmpMM:History[1]/stEvt:softwareAgent", "owner", "comments", "nuke/node_hash", "Sharpness", "Shadows"} {
		if perFrameKey(k) {
			t.Errorf("%q is per-frame", k)
		}
	}
}

// TestSequenceFrameNotOpened: a frame that could not be opened (a report
// error) is a frame of its sequence, named as an outlier, not a gap.
func TestSequenceFrameNotOpened(t *testing.T) {
	var files []report.ScannedFile
	for _, n := range []string{"a.0001.exr", "a.0002.exr", "a.0004.exr"} {
		files = append(files, report.ScannedFile{Root: "r", Path: n, Media: "image", Format: "OpenEXR", Status: report.ScanInspected})
	}
	rb := &reportBuilder{Report: &report.Report{Scanned: files, Errors: []report.Error{{Root: "r", Path: "a.0003.exr", Error: "permission denied"},
		{Root: "r", Path: "a.0001.exr", Error: "not fully inspected"}}}}
	rb.group()
	if len(rb.Sequences) != 1 {
		t.Fatalf("sequences: %+v", rb.Sequences)
	}
	s := rb.Sequences[0]
	if s.Count != 4 || s.MissingFrames != 0 || len(s.Outliers) != 1 || s.Outliers[0].Frame != 3 || !strings.Contains(s.Outliers[0].Differs, "not inspected (error)") {
		t.Errorf("sequence: %+v", s)
	}
	if e := rb.Errors[0]; e.Sequence != "a.####.exr" || e.Frame == nil || *e.Frame != 3 {
		t.Errorf("error entry: %+v", e)
	}
	if rb.Coverage.Files != 3 {
		t.Errorf("coverage counts %d files, want the 3 read", rb.Coverage.Files)
	}
}

// FuzzSequences groups hostile file names: no panic, and every sequence
// holds at least two frames, its gaps within its range, its frames named.
func FuzzSequences(f *testing.F) {
	f.Add("a.0001.exr\na.0002.exr\na.0004.exr\na.c2pa\na.0001.xmp")
	f.Add("u1.png\nu2.png\nu10.png\nx.1.tif\nx.2.tif\nd/p.0001.png\nd/p.0002.png")
	f.Add("999999999.a\n000000001.a\n1.a\n.1\n.2\n1\n2")
	f.Fuzz(func(t *testing.T, names string) {
		var files []report.ScannedFile
		seen := map[string]bool{} // a scan reads each path once
		for i, n := range strings.Split(names, "\n") {
			if i == 2000 {
				break
			}
			if !seen[n] {
				seen[n] = true
				files = append(files, report.ScannedFile{Root: "r", Path: n, Media: "image", Format: "X", Status: report.ScanInspected})
			}
		}
		rb := &reportBuilder{Report: &report.Report{Scanned: files}}
		rb.group()
		inSeq := 0
		for _, s := range rb.Sequences {
			if s.Count < 2 || s.First > s.Last || s.MissingFrames > s.Last-s.First || s.Count+s.MissingFrames != s.Last-s.First+1 {
				t.Fatalf("sequence %+v", s)
			}
			if report.SequenceDisplay(&s) == "" {
				t.Fatalf("sequence %+v has no name", s)
			}
			inSeq += s.Count
		}
		if inSeq > len(files) {
			t.Fatalf("%d frames of %d files", inSeq, len(files))
		}
	})
}
