package scanner

import (
	"cmp"
	"slices"

	"github.com/provscan/provscan/scanner/report"
)

// group fills what the report says of groups of files: the image
// sequences, the IMF packages and the coverage.
func (b *reportBuilder) group() {
	b.sequences()
	b.packages()
	b.coverage()
}

// eachGrouping calls fn with the root, path and grouping of each finding,
// unsupported entry and error of the report.
func (b *reportBuilder) eachGrouping(fn func(root, path string, g *report.Grouping)) {
	for i := range b.Findings {
		fn(b.Findings[i].Root, b.Findings[i].Path, &b.Findings[i].Grouping)
	}
	for i := range b.Unsupported {
		fn(b.Unsupported[i].Root, b.Unsupported[i].Path, &b.Unsupported[i].Grouping)
	}
	for i := range b.Errors {
		fn(b.Errors[i].Root, b.Errors[i].Path, &b.Errors[i].Grouping)
	}
}

// mediaOther names, in the coverage, the formats of no media kind (sidecars,
// fonts, RIFF forms other than WebP, WAV and AVI).
const mediaOther = "other"

// coverage counts the files on disk read, by format and media kind, and
// what was not read.
func (b *reportBuilder) coverage() {
	c := &report.Coverage{ByFamily: []report.FormatCount{}, ByFormat: []report.FormatCount{}, ByMedia: []report.FormatCount{}}
	byFamily := map[string]*report.FormatCount{}
	byFormat := map[string]*report.FormatCount{}
	byMedia := map[string]*report.FormatCount{}
	add := func(m map[string]*report.FormatCount, name, family, media string, f *report.ScannedFile) {
		fc := m[name]
		if fc == nil {
			fc = &report.FormatCount{Name: name, Family: family, Media: media}
			m[name] = fc
		}
		if fc.Media != media { // a family of several media kinds (ISOBMFF, RIFF)
			fc.Media = ""
		}
		fc.Files++
		fc.Bytes += f.Size
		if f.Status == report.ScanInspected {
			fc.Inspected++
		}
	}
	for i := range b.Scanned {
		f := &b.Scanned[i]
		if f.Member {
			c.Members++
			continue
		}
		c.Files++
		c.Bytes += f.Size
		switch f.Status {
		case report.ScanInspected:
			c.Inspected.Files++
			c.Inspected.Bytes += f.Size
		case report.ScanUnsupported:
			c.NotRead.Unsupported.Files++
			c.NotRead.Unsupported.Bytes += f.Size
		default:
			c.NotRead.Unreadable.Files++
			c.NotRead.Unreadable.Bytes += f.Size
		}
		if f.Format == "" {
			continue
		}
		media := cmp.Or(f.Media, mediaOther)
		family := cmp.Or(f.Family, f.Format)
		add(byFamily, family, "", media, f)
		add(byFormat, f.Format, family, media, f)
		add(byMedia, media, "", "", f)
	}
	for _, m := range []struct {
		from map[string]*report.FormatCount
		to   *[]report.FormatCount
	}{{byFamily, &c.ByFamily}, {byFormat, &c.ByFormat}, {byMedia, &c.ByMedia}} {
		for _, fc := range m.from {
			*m.to = append(*m.to, *fc)
		}
		slices.SortFunc(*m.to, func(x, y report.FormatCount) int { return cmp.Compare(x.Name, y.Name) })
	}
	c.NotRead.Errors = len(b.Errors)
	c.NotRead.Excluded = b.Summary.Excluded
	b.Coverage = c
}
