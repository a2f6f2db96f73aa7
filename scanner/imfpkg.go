package scanner

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/provscan/provscan/scanner/report"
)

// IMF packages (SMPTE ST 2067-2, ST 429-9): an ASSETMAP.xml lists every
// asset of the package by its Id, with the path of each of its chunks
// relative to the ASSETMAP's folder; a composition playlist (CPL) names the
// content (ContentTitle). The scanner reads both with a small bounded XML
// walk of its own, to say which package each track file belongs to.

// Caps of the IMF read.
const (
	maxIMFBytes  = 4 << 20 // an ASSETMAP or CPL read at most
	maxIMFAssets = 100000  // assets of one ASSETMAP
	maxIMFDepth  = 64      // element depth
	maxIMFText   = 1024    // bytes kept of one value
	imfPeek      = 4096    // bytes of an .xml file looked at for a CPL root element
)

// maxIMFHeld bounds the memory of the IMF documents a scan keeps until the
// end (to group packages): each is cut at maxIMFBytes, but a crafted tree
// of many ASSETMAPs would otherwise hold them all. Past it a document is a
// report error (the gate fails), not a silent drop.
var maxIMFHeld int64 = 64 << 20 // a variable for the tests

// held estimates the memory d holds: its strings and slice headers.
func (d *imfDoc) held() int64 {
	n := int64(128 + len(d.root) + len(d.path) + len(d.id) + len(d.annotation) + len(d.title) + len(d.err))
	for _, a := range d.assets {
		n += int64(48 + len(a.id))
		for _, p := range a.paths {
			n += int64(16 + len(p))
		}
	}
	return n
}

// imfDoc is an ASSETMAP or a CPL read.
type imfDoc struct {
	root, path string // the file, relative to its root
	assetMap   bool   // an ASSETMAP; else a CPL
	id         string
	annotation string
	title      string // a CPL's ContentTitle
	assets     []imfAsset
	err        string // why it was not read in full
}

// imfAsset is one asset of an ASSETMAP and the paths of its chunks, as
// written (relative to the ASSETMAP's folder).
type imfAsset struct {
	id    string
	paths []string
}

// isAssetMapName reports whether base names an ASSETMAP (ST 429-9 names it
// ASSETMAP or ASSETMAP.xml; case varies on some file systems).
func isAssetMapName(base string) bool {
	b := strings.ToUpper(base)
	return b == "ASSETMAP.XML" || b == "ASSETMAP"
}

// readIMF reads the file at rel when it is an ASSETMAP or a CPL (an .xml
// file whose first bytes hold a CompositionPlaylist element); nil
// otherwise. r is the file's budget reader.
func readIMF(r io.ReaderAt, size int64, rel string) *imfDoc {
	base := path.Base(rel)
	am := isAssetMapName(base)
	if !am {
		if !strings.HasSuffix(strings.ToLower(base), ".xml") || size > maxIMFBytes {
			return nil
		}
		head := make([]byte, min(size, imfPeek))
		n, _ := r.ReadAt(head, 0)
		if !bytes.Contains(head[:n], []byte("CompositionPlaylist")) {
			return nil
		}
	}
	d := &imfDoc{path: rel, assetMap: am}
	if size > maxIMFBytes {
		d.err = fmt.Sprintf("larger than the %d MiB cap of an ASSETMAP", maxIMFBytes>>20)
		return d
	}
	if err := d.parse(io.NewSectionReader(r, 0, size)); err != nil {
		d.err = err.Error()
	}
	if !am && d.title == "" && d.id == "" {
		return nil // not a CPL after all
	}
	return d
}

// errIMFCap says an IMF document went past a cap.
var errIMFCap = errors.New("over a cap")

// parse walks the XML: no entities are expanded (encoding/xml knows only
// the predefined ones, and a DTD is skipped), the depth and the assets are
// capped, values cut.
func (d *imfDoc) parse(r io.Reader) error {
	dec := xml.NewDecoder(io.LimitReader(r, maxIMFBytes))
	dec.Strict = true
	var stack []string
	var text []byte
	var cur *imfAsset
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) == maxIMFDepth {
				return fmt.Errorf("elements nested more than %d deep: %w", maxIMFDepth, errIMFCap)
			}
			stack = append(stack, t.Name.Local)
			text = text[:0]
			if d.assetMap && t.Name.Local == "Asset" && len(stack) == 3 {
				if len(d.assets) == maxIMFAssets {
					return fmt.Errorf("more than %d assets: %w", maxIMFAssets, errIMFCap)
				}
				cur = &imfAsset{}
			}
		case xml.CharData:
			if len(text) < maxIMFText {
				text = append(text, t[:min(len(t), maxIMFText-len(text))]...)
			}
		case xml.EndElement:
			if len(stack) == 0 {
				return nil
			}
			v := strings.TrimSpace(string(text))
			d.element(stack, v, &cur)
			stack = stack[:len(stack)-1]
			text = text[:0]
		}
	}
}

// element takes the value v of the element at the top of stack.
func (d *imfDoc) element(stack []string, v string, cur **imfAsset) {
	name := stack[len(stack)-1]
	switch {
	case d.assetMap && len(stack) == 2 && name == "Id":
		d.id = v
	case d.assetMap && len(stack) == 2 && name == "AnnotationText":
		d.annotation = v
	case d.assetMap && *cur != nil && len(stack) == 4 && name == "Id":
		(*cur).id = v
	case d.assetMap && *cur != nil && len(stack) == 6 && name == "Path" && stack[4] == "Chunk":
		if len((*cur).paths) < 64 {
			(*cur).paths = append((*cur).paths, v)
		}
	case d.assetMap && *cur != nil && len(stack) == 3 && name == "Asset":
		d.assets = append(d.assets, **cur)
		*cur = nil
	case !d.assetMap && len(stack) == 2 && stack[0] == "CompositionPlaylist" && name == "Id":
		d.id = v
	case !d.assetMap && len(stack) == 2 && stack[0] == "CompositionPlaylist" && name == "ContentTitle":
		d.title = v
	}
}

// assetPath resolves a chunk path of an ASSETMAP in folder dir (relative to
// the root); ok is false when it is absolute or leaves the root.
func assetPath(dir, p string) (string, bool) {
	p = strings.ReplaceAll(p, "\\", "/")
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, ":") {
		return p, false
	}
	j := path.Clean(path.Join(dir, p))
	if j == ".." || strings.HasPrefix(j, "../") {
		return p, false
	}
	return j, true
}

// packages builds the report's packages from the ASSETMAPs read and names
// each listed file's package in its findings, unsupported entry and errors.
func (b *reportBuilder) packages() {
	b.Packages = []report.Package{}
	if len(b.imf) == 0 {
		return
	}
	cpls := map[fileKey]*imfDoc{}
	var maps []*imfDoc
	for _, d := range b.imf {
		if d.assetMap {
			maps = append(maps, d)
		} else {
			cpls[fileKey{d.root, d.path}] = d
		}
	}
	slices.SortFunc(maps, func(x, y *imfDoc) int {
		return strings.Compare(x.root+"\x00"+x.path, y.root+"\x00"+y.path)
	})
	present := map[fileKey]bool{}
	byDir := map[fileKey][]string{} // files on disk by folder
	for _, f := range b.Scanned {
		if f.Member {
			continue
		}
		present[fileKey{f.Root, f.Path}] = true
		dir := path.Dir(f.Path)
		byDir[fileKey{f.Root, dir}] = append(byDir[fileKey{f.Root, dir}], f.Path)
	}
	for _, e := range b.Errors {
		if !strings.Contains(e.Path, "!/") {
			present[fileKey{e.Root, e.Path}] = true // there, but not opened
		}
	}
	refs := map[fileKey]*report.PackageRef{}
	for _, d := range maps {
		dir := path.Dir(d.path)
		pk := report.Package{AssetMap: d.path, Root: d.root, ID: d.id, Annotation: d.annotation, Assets: len(d.assets),
			Titles: []string{}, Missing: []report.PackageAsset{}, Unlisted: []string{}, Error: d.err}
		listed := map[string]bool{d.path: true}
		type member struct {
			key fileKey
			id  string
		}
		var members []member
		for _, a := range d.assets {
			found := len(a.paths) > 0
			for _, p := range a.paths {
				rp, ok := assetPath(dir, p)
				if ok {
					listed[rp] = true
				}
				k := fileKey{d.root, rp}
				if !ok || !present[k] {
					found = false
					if len(pk.Missing) < report.MaxRangesListed {
						pk.Missing = append(pk.Missing, report.PackageAsset{ID: a.id, Path: rp})
					}
					continue
				}
				members = append(members, member{k, a.id})
				if c := cpls[k]; c != nil && c.title != "" && len(pk.Titles) < maxIMFTitles && !slices.Contains(pk.Titles, c.title) {
					pk.Titles = append(pk.Titles, c.title)
				}
			}
			if found {
				pk.Present++
			}
		}
		for _, p := range byDir[fileKey{d.root, dir}] {
			if !listed[p] && len(pk.Unlisted) < report.MaxRangesListed {
				pk.Unlisted = append(pk.Unlisted, p)
			}
		}
		slices.Sort(pk.Unlisted)
		title := strings.Join(pk.Titles, "; ")
		for _, m := range members {
			if refs[m.key] == nil {
				refs[m.key] = &report.PackageRef{AssetMap: d.path, ID: d.id, Annotation: d.annotation, Title: title, AssetID: m.id}
			}
		}
		b.Packages = append(b.Packages, pk)
	}
	b.eachGrouping(func(root, p string, g *report.Grouping) {
		if r := refs[fileKey{root, p}]; r != nil {
			c := *r
			g.Package = &c
		}
	})
}

// maxIMFTitles bounds the CPL titles a package names: each file the
// package lists carries them all, joined, in its entries.
const maxIMFTitles = 16

// maxIMFSiblings bounds the listed XML files PackageOf reads for a CPL.
const maxIMFSiblings = 16

// PackageOf returns the IMF package whose ASSETMAP, in the folder of the
// file at p, lists that file (for `provscan inspect`); nil when there is no
// ASSETMAP there, it cannot be read or it does not list the file. The
// ASSETMAP and the CPLs it lists are read within the caps of a scan.
func PackageOf(p string) *report.PackageRef {
	dir, base := filepath.Split(p)
	var am *imfDoc
	var amName string
	for _, name := range []string{"ASSETMAP.xml", "ASSETMAP", "assetmap.xml"} {
		if d := readIMFFile(filepath.Join(dir, name), name); d != nil && d.assetMap {
			am, amName = d, name
			break
		}
	}
	if am == nil {
		return nil
	}
	ref := &report.PackageRef{AssetMap: filepath.Join(dir, amName), ID: am.id, Annotation: am.annotation}
	var titles []string
	read := 0
	for _, a := range am.assets {
		for _, cp := range a.paths {
			rp, ok := assetPath("", cp)
			if !ok {
				continue
			}
			if rp == base {
				ref.AssetID = a.id
			}
			if strings.HasSuffix(strings.ToLower(rp), ".xml") && read < maxIMFSiblings && rp != base {
				read++
				if d := readIMFFile(filepath.Join(dir, filepath.FromSlash(rp)), rp); d != nil && !d.assetMap && d.title != "" && !slices.Contains(titles, d.title) {
					titles = append(titles, d.title)
				}
			}
		}
	}
	if ref.AssetID == "" {
		return nil
	}
	ref.Title = strings.Join(titles, "; ")
	return ref
}

// readIMFFile reads the file at p (named rel) as readIMF does; nil when it
// cannot be opened or is not a regular file.
func readIMFFile(p, rel string) *imfDoc {
	f, err := openFile(p)
	if err != nil {
		return nil
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	return readIMF(f, fi.Size(), rel)
}
