package scanner

import (
	"fmt"
	"sync/atomic"

	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/provenance/evidence"
	"github.com/provscan/provscan/scanner/report"
)

// Inspection is everything provscan sees in one file, for `provscan inspect`.
// Values read from the file are truncated like those of the report.
type Inspection struct {
	Path        string `json:"path"`
	Size        int64  `json:"size"`
	BytesRead   int64  `json:"bytes_read"`
	Unsupported bool   `json:"unsupported,omitempty"` // no reader knows the format
	Error       string `json:"error,omitempty"`       // why the container could not be read
	*provenance.Provenance
	MemberNames []string         `json:"members,omitempty"`
	Findings    []report.Finding `json:"findings"`
	// Package is the IMF package whose ASSETMAP, beside the file, lists it.
	Package *report.PackageRef `json:"package,omitempty"`
}

// InspectFile reads one file. An error means the file could not be opened;
// a file that cannot be parsed gives an Inspection with Error set and an
// unreadable finding.
func InspectFile(path string, opts Options) (*Inspection, error) {
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	s := &scan{opts: &opts, inspect: opts.inspect()}
	// As a scan reads a file: the head once, and bytes_read counting each
	// byte of the file once at most.
	c := &countingReaderAt{r: f, n: new(atomic.Int64)}
	r := newHeadReaderAt(c, fi.Size())
	defer r.release()
	in := &Inspection{Path: path, Size: fi.Size(), Findings: []report.Finding{}}
	p, err := s.safeInspect(s.budgetReader(r, fi.Size()), fi.Size(), path, nil)
	s.bytesRead.Add(c.upTo(fi.Size()))
	if p == nil {
		p = &provenance.Provenance{Name: path}
	}
	in.Provenance = truncated(p)
	switch {
	case err != nil && provenance.IsUnknownFormat(err):
		in.Unsupported = true
	case err != nil:
		in.Error = err.Error()
		in.Findings = append(in.Findings, unreadableFinding(err))
	default:
		in.Findings = append(in.Findings, findingsOf(p)...)
	}
	for i := range in.Findings {
		in.Findings[i].Path, in.Findings[i].Format, in.Findings[i].Size = path, p.Format, fi.Size()
	}
	for _, m := range p.Members {
		in.MemberNames = append(in.MemberNames, m.Name)
	}
	in.BytesRead = s.bytesRead.Load()
	in.Package = PackageOf(path)
	return in, nil
}

// truncated returns a copy of p whose values read from the file are cut to
// evidence.MaxValue runes.
func truncated(p *provenance.Provenance) *provenance.Provenance {
	c := *p
	c.XMP = append([]provenance.XMPProperty(nil), p.XMP...)
	for i := range c.XMP {
		c.XMP[i].Value = evidence.Truncate(c.XMP[i].Value)
	}
	c.EXIF = append([]provenance.EXIFField(nil), p.EXIF...)
	for i := range c.EXIF {
		c.EXIF[i].Value = evidence.Truncate(c.EXIF[i].Value)
	}
	c.Text = append([]provenance.TextEntry(nil), p.Text...)
	for i := range c.Text {
		c.Text[i].Value = evidence.Truncate(c.Text[i].Value)
	}
	if c.Evidence == nil {
		c.Evidence = []evidence.Item{}
	}
	return &c
}
