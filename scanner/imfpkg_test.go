package scanner

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/provscan/provscan/scanner/report"
)

// assetMapXML writes an ASSETMAP listing the assets (id, path pairs).
func assetMapXML(id, annotation string, assets ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<AssetMap xmlns="http://www.smpte-ra.org/schemas/429-9/2007/AM">
  <Id>` + id + `</Id>
  <AnnotationText>` + annotation + `</AnnotationText>
  <Creator>Clipster 6.1</Creator>
  <AssetList>
`)
	for i := 0; i+1 < len(assets); i += 2 {
		b.WriteString(`    <Asset><Id>` + assets[i] + `</Id><ChunkList><Chunk><Path>` + assets[i+1] + `</Path><VolumeIndex>1</VolumeIndex></Chunk></ChunkList></Asset>
`)
	}
	b.WriteString("  </AssetList>\n</AssetMap>\n")
	return b.String()
}

const testCPL = `<?xml version="1.0" encoding="UTF-8"?>
<CompositionPlaylist xmlns="http://www.smpte-ra.org/schemas/2067-3/2016">
  <Id>urn:uuid:cccc</Id>
  <ContentTitle language="en">Show S01E01 &amp; more</ContentTitle>
  <SegmentList><Segment><Id>urn:uuid:seg</Id></Segment></SegmentList>
</CompositionPlaylist>
`

// TestIMFPackage: every listed file present names its package (with the
// CPL's title); a listed asset that is absent, or whose path leaves the
// root, is missing; a file of the folder not listed is noted.
func TestIMFPackage(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"pkg/ASSETMAP.xml": assetMapXML("urn:uuid:aaaa", "Show_S01E01_IMF", "urn:uuid:pkl", "PKL_1.xml", "urn:uuid:cccc", "CPL_1.xml",
			"urn:uuid:vvvv", "video.mxf", "urn:uuid:audio", "audio.mxf", "urn:uuid:out", "../../etc/passwd"),
		"pkg/PKL_1.xml":  "<PackingList/>\n",
		"pkg/CPL_1.xml":  testCPL,
		"pkg/video.mxf":  "GENAI\n",
		"pkg/extra.txt":  "CLEAN\n",
		"other/file.mxf": "GENAI\n",
	})
	r, err := Scan(t.Context(), []string{dir}, Options{Inspect: fakeInspect})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Packages) != 1 {
		t.Fatalf("packages: %+v", r.Packages)
	}
	p := r.Packages[0]
	if p.AssetMap != "pkg/ASSETMAP.xml" || p.ID != "urn:uuid:aaaa" || p.Annotation != "Show_S01E01_IMF" || p.Assets != 5 || p.Present != 3 ||
		!slices.Equal(p.Titles, []string{"Show S01E01 & more"}) || !slices.Equal(p.Unlisted, []string{"pkg/extra.txt"}) || p.Error != "" {
		t.Errorf("package: %+v", p)
	}
	if len(p.Missing) != 2 || p.Missing[0] != (report.PackageAsset{ID: "urn:uuid:audio", Path: "pkg/audio.mxf"}) || p.Missing[1].ID != "urn:uuid:out" {
		t.Errorf("missing: %+v", p.Missing)
	}
	found := false
	for _, f := range r.Findings {
		switch f.Path {
		case "pkg/video.mxf":
			found = true
			want := report.PackageRef{AssetMap: "pkg/ASSETMAP.xml", ID: "urn:uuid:aaaa", Annotation: "Show_S01E01_IMF", Title: "Show S01E01 & more", AssetID: "urn:uuid:vvvv"}
			if f.Package == nil || *f.Package != want {
				t.Errorf("video.mxf package: %+v", f.Package)
			}
		case "other/file.mxf":
			if f.Package != nil {
				t.Errorf("a file outside the package names it: %+v", f.Package)
			}
		}
	}
	if !found {
		t.Error("no finding on pkg/video.mxf")
	}
	for _, u := range r.Unsupported {
		if u.Path == "pkg/CPL_1.xml" && (u.Package == nil || u.Package.AssetID != "urn:uuid:cccc") {
			t.Errorf("CPL package: %+v", u.Package)
		}
	}
	var js, text bytes.Buffer
	if err := report.WriteJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	if err := validate(t, compileSchema(t), "report", js.Bytes()); err != nil {
		t.Errorf("schema: %v", err)
	}
	if err := report.WriteText(&text, r, report.TextOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"IMF PACKAGES (1)", `pkg/ASSETMAP.xml  Show_S01E01_IMF "Show S01E01 & more" (3 of 5 assets present)`,
		"missing: pkg/audio.mxf (urn:uuid:audio)", "not listed: extra.txt"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
	ref := PackageOf(filepath.Join(dir, "pkg", "video.mxf"))
	if ref == nil || ref.AssetID != "urn:uuid:vvvv" || ref.Title != "Show S01E01 & more" || ref.AssetMap != filepath.Join(dir, "pkg", "ASSETMAP.xml") {
		t.Errorf("PackageOf: %+v", ref)
	}
	if ref := PackageOf(filepath.Join(dir, "pkg", "extra.txt")); ref != nil {
		t.Errorf("PackageOf an unlisted file: %+v", ref)
	}
	if ref := PackageOf(filepath.Join(dir, "other", "file.mxf")); ref != nil {
		t.Errorf("PackageOf a file with no ASSETMAP beside it: %+v", ref)
	}
}

// TestIMFHostile: an entity bomb, a document past the cap, nesting past the
// depth cap and broken XML give a package with an error (what was read
// before kept), never a crash or an expansion.
func TestIMFHostile(t *testing.T) {
	bomb := `<?xml version="1.0"?>
<!DOCTYPE AssetMap [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<AssetMap><Id>urn:uuid:bomb</Id><AnnotationText>&c;</AnnotationText></AssetMap>`
	deep := "<AssetMap><Id>urn:uuid:deep</Id>" + strings.Repeat("<x>", 100) + strings.Repeat("</x>", 100) + "</AssetMap>"
	cut := assetMapXML("urn:uuid:cut", "Cut", "urn:uuid:v", "v.mxf")
	cut = cut[:len(cut)-40]
	for name, body := range map[string]string{"bomb": bomb, "deep": deep, "cut": cut} {
		t.Run(name, func(t *testing.T) {
			d := readIMF(strings.NewReader(body), int64(len(body)), "ASSETMAP.xml")
			if d == nil || d.err == "" {
				t.Fatalf("no error: %+v", d)
			}
			if !strings.HasPrefix(d.id, "urn:uuid:") {
				t.Errorf("what was read before the error is lost: %+v", d)
			}
			if len(d.annotation) > maxIMFText {
				t.Errorf("annotation of %d bytes", len(d.annotation))
			}
		})
	}
	big := int64(maxIMFBytes + 1)
	d := readIMF(bytes.NewReader(make([]byte, 16)), big, "pkg/ASSETMAP.xml")
	if d == nil || !strings.Contains(d.err, "cap") {
		t.Errorf("oversized ASSETMAP: %+v", d)
	}
	if d := readIMF(strings.NewReader("<x/>"), 4, "notes.xml"); d != nil {
		t.Errorf("an XML file that is not a CPL is read as one: %+v", d)
	}
}

// TestIMFCorpusPhoton maps the assets of the Photon sample package: its
// ASSETMAP, PKL and CPL copied beside files named like the assets it lists.
func TestIMFCorpusPhoton(t *testing.T) {
	src := corpusDir(t, "pro", "photon")
	dir := t.TempDir()
	copyFile := func(from, to string) {
		b, err := os.ReadFile(filepath.Join(src, from))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, to), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("ASSETMAP.xml", "ASSETMAP.xml")
	copyFile("PKL_0429fedd-b55d-442a-aa26-2a81ec71ed05.xml", "PKL_0429fedd-b55d-442a-aa26-2a81ec71ed05.xml")
	// The ASSETMAP lists another CPL than the one beside it: the CPL's
	// content under the name listed.
	copyFile("CPL_b2e1ace2-9c7d-4c12-b2f7-24bde303869e.xml", "CPL_a453b63a-cf4d-454a-8c34-141f560c0100.xml")
	writeTree(t, dir, map[string]string{"NYCbCrLT_3840x2160x2398_full_full.mxf": "not really MXF\n", "notes.txt": "x\n"})
	r, err := Scan(t.Context(), []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Packages) != 1 {
		t.Fatalf("packages: %+v", r.Packages)
	}
	p := r.Packages[0]
	if p.ID != "urn:uuid:1942573c-09d4-42bb-afd0-c77a28cb39b7" || p.Annotation != "NYCbCrLT_3820x2160x23.98" || p.Assets != 4 || p.Present != 3 ||
		!slices.Equal(p.Titles, []string{"smpte-bumper-dark-hd-2020-pq-ht"}) || !slices.Equal(p.Unlisted, []string{"notes.txt"}) ||
		len(p.Missing) != 1 || p.Missing[0].Path != "NYCbCrLT_3840x2160x2chx24bitx30.03sec.mxf" {
		t.Errorf("package: %+v", p)
	}
	named := 0
	for _, u := range r.Unsupported {
		if u.Path == "NYCbCrLT_3840x2160x2398_full_full.mxf" {
			named++
			if u.Package == nil || u.Package.AssetID != "urn:uuid:dc418b71-3ff2-4049-9a03-3988476285bc" || u.Package.Title != "smpte-bumper-dark-hd-2020-pq-ht" {
				t.Errorf("track file package: %+v", u.Package)
			}
		}
	}
	if named != 1 {
		t.Errorf("the track file is not among the unsupported files: %+v", r.Unsupported)
	}
	if ref := PackageOf(filepath.Join(dir, "NYCbCrLT_3840x2160x2398_full_full.mxf")); ref == nil || ref.Annotation != "NYCbCrLT_3820x2160x23.98" {
		t.Errorf("PackageOf: %+v", ref)
	}
}

// TestCoverage counts files and bytes per format and media kind and what
// was not read.
func TestCoverage(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a.png": "GENAI\n", "b.png": "CLEAN\n", "z.zip": "ZIP2\n", "bad.jpg": "BROKEN\n", "n.txt": "hello\n",
		"skip/x.png": "CLEAN\n"})
	r, err := Scan(t.Context(), []string{dir}, Options{Inspect: fakeInspect, Exclude: []string{"skip/**"}})
	if err != nil {
		t.Fatal(err)
	}
	c := r.Coverage
	if c == nil {
		t.Fatal("no coverage")
	}
	want := report.Coverage{Files: 5, Bytes: 6 + 6 + 5 + 7 + 6, Inspected: report.Count{Files: 3, Bytes: 6 + 6 + 5}, Members: 2,
		ByMedia: []report.FormatCount{{Name: "image", Files: 4, Bytes: 24, Inspected: 3}}, // the fake reader calls a ZIP an image
		ByFormat: []report.FormatCount{{Name: "FAKE", Family: "FAKE", Media: "image", Files: 3, Bytes: 19, Inspected: 2},
			{Name: "ZIP", Family: "ZIP", Media: "image", Files: 1, Bytes: 5, Inspected: 1}},
		ByFamily: []report.FormatCount{{Name: "FAKE", Media: "image", Files: 3, Bytes: 19, Inspected: 2},
			{Name: "ZIP", Media: "image", Files: 1, Bytes: 5, Inspected: 1}}, // the fake reader names no family: the format stands for it
		NotRead: report.NotRead{Unsupported: report.Count{Files: 1, Bytes: 6}, Unreadable: report.Count{Files: 1, Bytes: 7}, Errors: len(r.Errors), Excluded: 1}}
	if !equalCoverage(*c, want) {
		t.Errorf("coverage\n got %+v\nwant %+v", *c, want)
	}
	var text bytes.Buffer
	if err := report.WriteText(&text, r, report.TextOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"COVERAGE", "inspected  3 files of 5 (17 B of 30 B)", "media      image 4 (24 B, 3 inspected)", "formats    FAKE 3 (19 B, 2 inspected), ZIP 1 (5 B)", "members    2 archive members",
		"not read   1 unsupported (6 B), 1 unreadable (7 B)", "1 excluded"} {
		if !strings.Contains(text.String(), w) {
			t.Errorf("text lacks %q:\n%s", w, text.String())
		}
	}
}

func equalCoverage(a, b report.Coverage) bool {
	return a.Files == b.Files && a.Bytes == b.Bytes && a.Inspected == b.Inspected && a.Members == b.Members && a.NotRead == b.NotRead &&
		slices.Equal(a.ByMedia, b.ByMedia) && slices.Equal(a.ByFormat, b.ByFormat) && slices.Equal(a.ByFamily, b.ByFamily)
}

// FuzzIMF reads hostile ASSETMAPs and CPLs: no panic, the caps hold, and
// the packages built from them keep their paths inside the root.
func FuzzIMF(f *testing.F) {
	f.Add(assetMapXML("urn:uuid:a", "A", "urn:uuid:v", "v.mxf", "urn:uuid:o", "../x"), true)
	f.Add(testCPL, false)
	f.Add("<AssetMap><AssetList><Asset><Id>i</Id><ChunkList><Chunk><Path>/etc/passwd</Path></Chunk></ChunkList></Asset></AssetList></AssetMap>", true)
	f.Add("<!DOCTYPE x [<!ENTITY a \"b\">]><AssetMap><Id>&a;</Id></AssetMap>", true)
	f.Fuzz(func(t *testing.T, doc string, am bool) {
		name := "pkg/ASSETMAP.xml"
		if !am {
			name = "pkg/CPL.xml"
		}
		d := readIMF(strings.NewReader(doc), int64(len(doc)), name)
		if d == nil {
			return
		}
		if len(d.id) > maxIMFText || len(d.annotation) > maxIMFText || len(d.title) > maxIMFText || len(d.assets) > maxIMFAssets {
			t.Fatalf("a cap did not hold: %d %d %d %d", len(d.id), len(d.annotation), len(d.title), len(d.assets))
		}
		d.root = "r"
		b := &reportBuilder{Report: &report.Report{Scanned: []report.ScannedFile{{Root: "r", Path: "pkg/v.mxf"}, {Root: "r", Path: "x"}}}, imf: []*imfDoc{d}}
		b.packages()
		for _, a := range d.assets {
			for _, p := range a.paths {
				if rp, ok := assetPath("pkg", p); ok && (rp == ".." || strings.HasPrefix(rp, "../") || strings.HasPrefix(rp, "/")) {
					t.Fatalf("asset path %q resolves to %q, out of the root", p, rp)
				}
			}
		}
		if len(b.Packages) != 1 && d.assetMap {
			t.Fatalf("%d packages from one ASSETMAP", len(b.Packages))
		}
	})
}

// TestIMFTitlesCapped: an ASSETMAP listing many CPLs of distinct titles
// names maxIMFTitles of them, in the package and in each listed file's
// entries (which carry them all, joined: a crafted package of n CPLs made
// n entries of n titles each).
func TestIMFTitlesCapped(t *testing.T) {
	am := &imfDoc{root: "r", path: "pkg/ASSETMAP.xml", assetMap: true, id: "urn:uuid:1"}
	var files []report.ScannedFile
	var docs []*imfDoc
	for i := range 3 * maxIMFTitles {
		p := fmt.Sprintf("cpl%03d.xml", i)
		am.assets = append(am.assets, imfAsset{id: fmt.Sprintf("urn:uuid:c%d", i), paths: []string{p}})
		files = append(files, report.ScannedFile{Root: "r", Path: "pkg/" + p})
		docs = append(docs, &imfDoc{root: "r", path: "pkg/" + p, id: fmt.Sprintf("urn:uuid:c%d", i), title: strings.Repeat("t", 100) + strconv.Itoa(i)})
	}
	b := &reportBuilder{Report: &report.Report{Scanned: files, Findings: []report.Finding{{Root: "r", Path: "pkg/cpl000.xml", Rule: "x"}}}, imf: append(docs, am)}
	b.packages()
	if len(b.Packages) != 1 || len(b.Packages[0].Titles) != maxIMFTitles || b.Packages[0].Present != 3*maxIMFTitles {
		t.Fatalf("packages: %+v", b.Packages)
	}
	if g := b.Findings[0].Package; g == nil || strings.Count(g.Title, "; ") != maxIMFTitles-1 {
		t.Errorf("finding's package: %+v", g)
	}
}

// TestIMFHeldCapped: the IMF documents a scan keeps are bounded as a whole;
// one past the bound is a report error (the gate fails), not dropped unseen.
func TestIMFHeldCapped(t *testing.T) {
	defer func(n int64) { maxIMFHeld = n }(maxIMFHeld)
	maxIMFHeld = 600
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"a/ASSETMAP.xml": assetMapXML("urn:uuid:aaaa", "A", "urn:uuid:v1", "video.mxf"),
		"b/ASSETMAP.xml": assetMapXML("urn:uuid:bbbb", "B", "urn:uuid:v2", "video.mxf"),
		"c/ASSETMAP.xml": assetMapXML("urn:uuid:cccc", "C", "urn:uuid:v3", "video.mxf"),
	})
	r, err := Scan(t.Context(), []string{dir}, Options{Inspect: fakeInspect, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	capped := 0
	for _, e := range r.Errors {
		if strings.Contains(e.Error, "IMF document not used to group packages") {
			capped++
		}
	}
	if capped == 0 || len(r.Packages)+capped != 3 || !r.Gate.Failed {
		t.Errorf("%d packages, %d capped, gate %+v", len(r.Packages), capped, r.Gate)
	}
}
