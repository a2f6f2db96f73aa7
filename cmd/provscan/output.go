package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/provscan/provscan/scanner/objstore"
	"github.com/provscan/provscan/scanner/report"
)

// checkFormat refuses a format no writer registered.
func checkFormat(f string) error {
	_, err := report.LookupFormat(f)
	return err
}

// writeReport writes r in format to w, through the writer registered for it.
func writeReport(w io.Writer, format string, r *report.Report, verbose bool) error {
	f, err := report.LookupFormat(format)
	if err != nil {
		return err
	}
	var opts report.TextOptions
	if f.TextOptions {
		opts = report.TextOptions{Color: report.ColorFor(w), Evidence: verbose, Width: report.WidthFor(w)}
	}
	return f.Write(w, r, opts)
}

// output is one report destination.
type output struct {
	format string
	name   string // file name, "" for standard output
	w      io.Writer
	file   *os.File
	blob   *blobOutput // a report written to object storage
}

// openOutputs opens every report destination before the scan starts, so that
// an unwritable file fails fast (exit 2) instead of after a long scan.
func openOutputs(format, path string, extra []string, stdout io.Writer, roots []string) ([]*output, error) {
	if err := checkFormat(format); err != nil {
		return nil, usageError{fmt.Errorf("--format: %w", err)}
	}
	specs := []*output{{format: format, name: path}}
	for _, r := range extra {
		f, file, ok := strings.Cut(r, "=")
		if !ok || file == "" {
			return nil, usageError{fmt.Errorf("--report %q: want FORMAT=FILE", r)}
		}
		if err := checkFormat(f); err != nil {
			return nil, usageError{fmt.Errorf("--report: %w", err)}
		}
		specs = append(specs, &output{format: f, name: file})
	}
	seen := map[string]bool{}
	for _, o := range specs {
		if o.name == "" {
			o.w = stdout
			continue
		}
		if seen[o.name] {
			closeOutputs(specs)
			return nil, usageError{fmt.Errorf("report file %s named twice", o.name)}
		}
		seen[o.name] = true
		if objstore.IsURL(o.name) {
			bo, err := openBlobOutput(context.Background(), o.name, roots)
			if err != nil {
				closeOutputs(specs)
				return nil, err
			}
			o.blob = bo // its writer is made when the report is written
			continue
		}
		// Never through a symbolic link: a link planted where a report is
		// written (in a delivery scanned in place) would aim it at any file.
		if link := linkInTree(o.name, roots); link != "" {
			closeOutputs(specs)
			return nil, fmt.Errorf("cannot write the report %s: %s, on its way inside the scanned tree, is a symbolic link; provscan does not write through one", o.name, link)
		}
		f, err := os.OpenFile(o.name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|oNoFollow|oNonBlock, 0o644)
		if err != nil {
			closeOutputs(specs)
			if isLinkError(err) {
				return nil, fmt.Errorf("cannot write the report: %s is a symbolic link; provscan does not write through one", o.name)
			}
			return nil, fmt.Errorf("cannot write the report: %w", err)
		}
		// A FIFO with no reader failed the open at once (O_NONBLOCK): it
		// cannot hang the scan. Devices (/dev/null) and pipes with a reader
		// are fine: the os package waits on a full pipe.
		o.file, o.w = f, f
	}
	return specs, nil
}

// linkInTree returns the first folder on the way to name, below a scanned
// root that holds it, that is a symbolic link ("" when there is none).
// Folders above the roots are the operator's own (/tmp may well be a link).
func linkInTree(name string, roots []string) string {
	abs, err := filepath.Abs(name)
	if err != nil {
		return ""
	}
	if len(roots) == 0 {
		roots = []string{"."}
	}
	for _, r := range roots {
		ar, err := filepath.Abs(r)
		if err != nil {
			continue
		}
		rel, err := filepath.Rel(ar, filepath.Dir(abs))
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || rel == "." {
			continue
		}
		p := ar
		for _, part := range strings.Split(rel, string(filepath.Separator)) {
			p = filepath.Join(p, part)
			if fi, err := os.Lstat(p); err == nil && fi.Mode()&os.ModeSymlink != 0 {
				return p
			}
		}
	}
	return ""
}

func closeOutputs(outs []*output) {
	for _, o := range outs {
		if o.file != nil {
			o.file.Close()
		}
		if o.blob != nil {
			o.blob.finish(false)
			o.blob = nil
		}
	}
}

// writeOutputs writes r to every destination and closes the files.
func writeOutputs(outs []*output, r *report.Report, verbose bool) error {
	var first error
	for _, o := range outs {
		var err error
		if o.blob != nil {
			o.w, err = o.blob.writer()
		}
		if err == nil {
			err = writeReport(o.w, o.format, r, verbose)
		}
		if o.blob != nil {
			if cerr := o.blob.finish(err == nil); err == nil {
				err = cerr
			}
			o.blob = nil
		}
		if o.file != nil {
			if cerr := o.file.Close(); err == nil {
				err = cerr
			}
			o.file = nil
		}
		if err != nil && first == nil {
			first = fmt.Errorf("cannot write the %s report: %w", o.format, err)
		}
	}
	return first
}
