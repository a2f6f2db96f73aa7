// Package pdf reads the provenance metadata of a PDF: the Info dictionary,
// the catalog's XMP stream and embedded C2PA manifest stores, through the
// cross-reference data (tables, streams, object streams, incremental
// updates), decrypting standard-security files when the empty user password
// opens them. It has its own lexer for PDF objects and shares the bounded
// inflate and the result model of every container reader.
package pdf

import (
	"bytes"
	"encoding/ascii85"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"

	"github.com/provscan/provscan/provenance/internal/reader"
	"github.com/provscan/provscan/provenance/internal/seg"
	"github.com/provscan/provscan/provenance/readerr"
)

// Format is the format a PDF is reported as.
const Format reader.Format = "PDF"

// Limits of the PDF reader.
const (
	// pdfMaxScan is how many bytes the fallback scan for object headers reads
	// when the cross-reference data is broken or missing.
	pdfMaxScan = 64 << 20
	// pdfMaxSections is the most cross-reference sections followed through
	// /Prev and /XRefStm links.
	pdfMaxSections = 256
	// pdfMaxObjectWindow is the largest window read to parse one object
	// (its dictionary, not its stream data).
	pdfMaxObjectWindow = 4 << 20
	// pdfMaxObjStmCache bounds the decoded object streams kept in memory.
	pdfMaxObjStmCache = 64 << 20
	// pdfMaxEmbedded is the most embedded-file specifications examined.
	pdfMaxEmbedded = 1024
	// pdfMaxObjects is the most objects parsed per file.
	pdfMaxObjects = 20000
)

// The PDF object model of the tokenizer.
type (
	pdfName    string
	pdfString  []byte
	pdfArray   []any
	pdfDict    map[pdfName]any
	pdfKeyword string
	pdfRef     struct{ num, gen int }
	// pdfStream is a stream object: its dictionary and the file offset of
	// its data.
	pdfStream struct {
		dict     pdfDict
		dataOff  int64
		num, gen int // the object's number, for decryption
	}
)

// errPDFEncrypted says a stream could not be read because the file is
// encrypted.
var errPDFEncrypted = errors.New("stream is encrypted")

// errPDFUnsupported marks a stream filter or predictor the reader does not
// implement: reported as a warning, not as a malformed file.
var errPDFUnsupported = errors.New("not supported")

// errPDFEnd says the tokenizer ran out of bytes: a larger window may help.
var errPDFEnd = fmt.Errorf("%w: PDF object runs past the bytes read", readerr.ErrTruncated)

// Match matches the %PDF- header at the start of the file (or after a
// little binary junk, which readers tolerate).
func Match(head []byte) bool {
	i := bytes.Index(head, []byte("%PDF-"))
	return i == 0 || (i > 0 && i < 512 && !bytes.ContainsAny(head[:i], "<>"))
}

// Read reads the metadata of a PDF from its trailer and cross-reference
// data: the document Info dictionary (one reader.KindText block per entry, Key the
// entry name), the catalog's XMP /Metadata stream (reader.KindXMP) and C2PA
// manifest stores embedded as files with /AFRelationship /C2PA_Manifest
// (reader.KindC2PA), found through the catalog's /AF array and the /EmbeddedFiles
// name tree. Cross-reference tables and streams are followed through every
// /Prev link, newest definitions first; objects inside object streams are
// resolved. When the cross-reference data is broken the reader scans at
// most pdfMaxScan bytes for object headers instead. Page content is never
// read.
func Read(r io.ReaderAt, size int64) (*reader.Result, error) {
	return ReadBudget(r, size, nil)
}

// ReadBudget is Read drawing on budget b (nil: a fresh default budget).
func ReadBudget(r io.ReaderAt, size int64, b *reader.Budget) (*reader.Result, error) {
	p := &pdfReader{r: r, size: size, res: &reader.Result{Format: Format, Budget: b}, xref: map[int]pdfXref{}, objstm: map[int]*pdfObjStm{}, cache: map[pdfCacheKey]any{}}
	err := p.read()
	return p.res, err
}

// pdfXref is one cross-reference entry.
type pdfXref struct {
	typ      uint8 // 0 free, 1 at off, 2 in object stream stm at index idx
	off      int64
	stm, idx int
}

// pdfObjStm is a decoded object stream.
type pdfObjStm struct {
	data  []byte
	nums  []int
	offs  []int
	first int
}

type pdfReader struct {
	r    io.ReaderAt
	size int64
	res  *reader.Result

	xref    map[int]pdfXref // from the cross-reference data, newest first
	scanned bool
	scan    map[int]pdfXref // from the fallback scan, last definition in the file wins

	root, info pdfRef
	haveRoot   bool
	haveInfo   bool
	encrypted  bool   // encrypted, and not decryptable
	encrypt    any    // the trailer's /Encrypt
	id0        []byte // the first part of the trailer's /ID
	crypt      *pdfCrypt

	objstm      map[int]*pdfObjStm
	objstmBytes int
	depth       int // nesting of getObj calls
	steps       int
	loads       int // objects parsed
	cache       map[pdfCacheKey]any
}

func (p *pdfReader) step() error {
	p.steps++
	if p.steps > seg.MaxSteps {
		return fmt.Errorf("%w: more than %d PDF parsing steps", readerr.ErrLimit, seg.MaxSteps)
	}
	return nil
}

func (p *pdfReader) read() error {
	if err := p.loadXref(); err != nil {
		if errors.Is(err, readerr.ErrLimit) && p.steps > seg.MaxSteps {
			return err
		}
		p.res.Warn("cross-reference data unusable (%v): scanning for objects", err)
		if err := p.runScan(); err != nil {
			return err
		}
	}
	cryptErr := p.tryCrypt()
	catalog, err := p.catalog()
	if err != nil && !p.scanned && !errors.Is(err, errPDFEncrypted) {
		p.res.Warn("catalog not found through the cross-reference data (%v): scanning for objects", err)
		if err := p.runScan(); err != nil {
			return err
		}
		if cryptErr == nil {
			cryptErr = p.tryCrypt()
		}
		catalog, err = p.catalog()
	}
	if cryptErr != nil {
		p.res.Warn("encrypted PDF: strings and streams are not decrypted: %v", cryptErr)
	}
	// the provenance blocks first, so that a hostile Info dictionary cannot
	// spend the budgets before them
	var errs []error
	if err != nil {
		errs = append(errs, err)
	} else {
		if cerr := p.readC2PA(catalog); cerr != nil {
			errs = append(errs, cerr)
		}
		if merr := p.readMetadata(catalog); merr != nil {
			errs = append(errs, merr)
		}
	}
	if ierr := p.readInfo(); ierr != nil {
		errs = append(errs, ierr)
	}
	errs = slices.DeleteFunc(errs, func(e error) bool {
		if errors.Is(e, errPDFUnsupported) {
			p.res.Warn("%v", e)
			return true
		}
		return p.encrypted && errors.Is(e, errPDFEncrypted)
	})
	return errors.Join(errs...)
}

// catalog resolves the document catalog.
func (p *pdfReader) catalog() (pdfDict, error) {
	if !p.haveRoot {
		return nil, fmt.Errorf("%w: no /Root in the PDF trailer", readerr.ErrMalformed)
	}
	v, err := p.getObj(p.root.num)
	if err != nil {
		return nil, fmt.Errorf("catalog %d: %w", p.root.num, err)
	}
	d, ok := v.(pdfDict)
	if !ok {
		return nil, fmt.Errorf("%w: catalog %d is not a dictionary", readerr.ErrMalformed, p.root.num)
	}
	return d, nil
}

// readInfo adds one reader.KindText block per entry of the Info dictionary.
func (p *pdfReader) readInfo() error {
	if !p.haveInfo {
		return nil
	}
	v, err := p.getObj(p.info.num)
	if err != nil {
		return fmt.Errorf("info %d: %w", p.info.num, err)
	}
	d, ok := v.(pdfDict)
	if !ok {
		return fmt.Errorf("%w: Info %d is not a dictionary", readerr.ErrMalformed, p.info.num)
	}
	off := p.objOffset(p.info.num)
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, err := p.resolve(d[pdfName(k)])
		if err != nil {
			p.res.Warn("Info /%s: %v", k, err)
			continue
		}
		var text string
		var raw int
		switch t := v.(type) {
		case pdfString:
			if p.encrypted {
				continue
			}
			text, raw = pdfText(t), len(t)
		case pdfName:
			text, raw = string(t), len(t)
		case int64, float64, bool:
			text = fmt.Sprint(t)
			raw = len(text)
		default:
			continue
		}
		b := reader.Block{Kind: reader.KindText, Container: "PDF Info", Key: k, Offset: off, Size: int64(raw), Data: []byte(text)}
		if err := p.add(b); err != nil {
			return err
		}
	}
	return nil
}

// readMetadata adds the catalog's XMP metadata stream.
func (p *pdfReader) readMetadata(catalog pdfDict) error {
	ref, ok := catalog["Metadata"].(pdfRef)
	if !ok {
		return nil
	}
	v, err := p.getObj(ref.num)
	if err != nil {
		return fmt.Errorf("metadata stream %d: %w", ref.num, err)
	}
	s, ok := v.(*pdfStream)
	if !ok {
		return fmt.Errorf("%w: /Metadata %d is not a stream", readerr.ErrMalformed, ref.num)
	}
	data, raw, err := p.streamData(s)
	if err != nil {
		return fmt.Errorf("metadata stream %d: %w", ref.num, err)
	}
	return p.add(reader.Block{Kind: reader.KindXMP, Container: "PDF Metadata stream", Offset: s.dataOff, Size: raw, Data: data})
}

// add adds a block, within the budget's metadata bytes (Result.Add).
func (p *pdfReader) add(b reader.Block) error {
	return p.res.Add(b)
}

// readC2PA adds every embedded file whose file specification has
// /AFRelationship /C2PA_Manifest, reached from the catalog's /AF array and
// from the /EmbeddedFiles name tree.
func (p *pdfReader) readC2PA(catalog pdfDict) error {
	var specs []any
	if af, err := p.resolve(catalog["AF"]); err == nil {
		if a, ok := af.(pdfArray); ok {
			specs = append(specs, a...)
		}
	}
	if names, err := p.resolve(catalog["Names"]); err == nil {
		if nd, ok := names.(pdfDict); ok {
			p.nameTree(nd["EmbeddedFiles"], 0, &specs, map[pdfRef]bool{})
		}
	}
	seen := map[any]bool{}
	var errs []error
	for i, spec := range specs {
		if i >= pdfMaxEmbedded {
			p.res.Cut("more than %d embedded files: the rest were not examined", pdfMaxEmbedded)
			break
		}
		if ref, ok := spec.(pdfRef); ok {
			if seen[ref] {
				continue
			}
			seen[ref] = true
		}
		fs, err := p.resolve(spec)
		if err != nil {
			errs = append(errs, fmt.Errorf("file specification: %w", err))
			continue
		}
		d, ok := fs.(pdfDict)
		if !ok {
			continue
		}
		if rel, _ := p.resolve(d["AFRelationship"]); rel != pdfName("C2PA_Manifest") {
			continue
		}
		ef, _ := p.resolve(d["EF"])
		efd, ok := ef.(pdfDict)
		if !ok {
			errs = append(errs, fmt.Errorf("%w: C2PA file specification without /EF", readerr.ErrMalformed))
			continue
		}
		fref := efd["F"]
		if fref == nil {
			fref = efd["UF"]
		}
		if ref, ok := fref.(pdfRef); ok {
			if seen[pdfRef{num: -1 - ref.num}] {
				continue
			}
			seen[pdfRef{num: -1 - ref.num}] = true
		}
		sv, err := p.resolve(fref)
		if err != nil {
			errs = append(errs, fmt.Errorf("C2PA embedded file: %w", err))
			continue
		}
		s, ok := sv.(*pdfStream)
		if !ok {
			errs = append(errs, fmt.Errorf("%w: C2PA embedded file is not a stream", readerr.ErrMalformed))
			continue
		}
		data, raw, err := p.streamData(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("C2PA embedded file: %w", err))
			continue
		}
		b := reader.Block{Kind: reader.KindC2PA, Container: "PDF embedded file (C2PA_Manifest)", Offset: s.dataOff, Size: raw, Data: data}
		if st, _ := p.resolve(s.dict["Subtype"]); st != nil && st != pdfName("application/c2pa") {
			b.Note = fmt.Sprintf("embedded file subtype %v", st)
		}
		if err := p.add(b); err != nil {
			return err
		}
	}
	return errors.Join(errs...)
}

// nameTree collects the values of a name tree node and its kids.
func (p *pdfReader) nameTree(node any, depth int, out *[]any, seen map[pdfRef]bool) {
	if depth > seg.MaxDepth || len(*out) > pdfMaxEmbedded || len(seen) > pdfMaxEmbedded {
		return
	}
	if ref, ok := node.(pdfRef); ok {
		if seen[ref] {
			return
		}
		seen[ref] = true
	}
	v, err := p.resolve(node)
	if err != nil {
		return
	}
	d, ok := v.(pdfDict)
	if !ok {
		return
	}
	if names, err := p.resolve(d["Names"]); err == nil {
		if a, ok := names.(pdfArray); ok {
			for i := 1; i < len(a); i += 2 {
				*out = append(*out, a[i])
			}
		}
	}
	if kids, err := p.resolve(d["Kids"]); err == nil {
		if a, ok := kids.(pdfArray); ok {
			for _, k := range a {
				p.nameTree(k, depth+1, out, seen)
			}
		}
	}
}

// objOffset returns the file offset of a top-level object, or 0.
func (p *pdfReader) objOffset(num int) int64 {
	for range 2 {
		e, ok := p.xref[num]
		if !ok {
			e = p.scan[num]
		}
		switch e.typ {
		case 1:
			return e.off
		case 2: // the offset of the object stream
			num = e.stm
			continue
		}
		break
	}
	return 0
}

// resolve follows indirect references.
func (p *pdfReader) resolve(v any) (any, error) {
	for range 8 {
		ref, ok := v.(pdfRef)
		if !ok {
			return v, nil
		}
		var err error
		if v, err = p.getObj(ref.num); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("%w: reference chain too long", readerr.ErrLimit)
}

// getObj returns object num, through the cross-reference data and then
// through the fallback scan.
func (p *pdfReader) getObj(num int) (any, error) {
	if err := p.step(); err != nil {
		return nil, err
	}
	if p.depth >= 16 {
		return nil, fmt.Errorf("%w: object %d: references nested too deep", readerr.ErrLimit, num)
	}
	p.depth++
	defer func() { p.depth-- }()
	e, ok := p.xref[num]
	if ok && e.typ == 0 {
		return nil, nil // a free object is null
	}
	var err error
	if ok {
		var v any
		if v, err = p.fromEntry(num, e); err == nil || errors.Is(err, errPDFEncrypted) {
			return v, err
		}
	} else {
		err = fmt.Errorf("%w: object %d is not in the cross-reference data", readerr.ErrMalformed, num)
	}
	if !p.scanned {
		p.res.Warn("object %d: %v: scanning for objects", num, err)
		if serr := p.runScan(); serr != nil {
			return nil, serr
		}
	}
	if e, ok := p.scan[num]; ok {
		return p.fromEntry(num, e)
	}
	return nil, err
}

func (p *pdfReader) fromEntry(num int, e pdfXref) (any, error) {
	key := pdfCacheKey{num, e}
	if v, ok := p.cache[key]; ok {
		return v, nil
	}
	p.loads++
	if p.loads > pdfMaxObjects {
		return nil, fmt.Errorf("%w: more than %d objects loaded", readerr.ErrLimit, pdfMaxObjects)
	}
	var v any
	var err error
	switch e.typ {
	case 1:
		v, err = p.objectAt(e.off, num)
	case 2:
		v, err = p.fromObjStm(e.stm, e.idx, num)
	}
	if err == nil {
		if len(p.cache) >= 4096 {
			clear(p.cache)
		}
		p.cache[key] = v
	}
	return v, err
}

type pdfCacheKey struct {
	num int
	e   pdfXref
}

// objectAt parses the indirect object "num gen obj" at off. A num below zero
// accepts any object number.
func (p *pdfReader) objectAt(off int64, num int) (any, error) {
	if off < 0 || off >= p.size {
		return nil, fmt.Errorf("%w: object offset %d outside the file", readerr.ErrMalformed, off)
	}
	for window := int64(4 << 10); ; window *= 8 {
		n := min(window, p.size-off, pdfMaxObjectWindow)
		buf := make([]byte, n)
		if err := seg.ReadAt(p.r, buf, off); err != nil {
			return nil, err
		}
		v, err := p.parseIndirect(buf, off, num)
		if errors.Is(err, errPDFEnd) && n < p.size-off && n < pdfMaxObjectWindow {
			continue
		}
		return v, err
	}
}

func (p *pdfReader) parseIndirect(buf []byte, off int64, num int) (any, error) {
	l := &pdfLexer{b: buf, steps: &p.steps, final: int64(len(buf)) >= p.size-off}
	n, err := l.value(0)
	if err != nil {
		return nil, err
	}
	g, err := l.value(0)
	if err != nil {
		return nil, err
	}
	kw, err := l.value(0)
	if err != nil {
		return nil, err
	}
	ni, ok1 := n.(int64)
	_, ok2 := g.(int64)
	if !ok1 || !ok2 || kw != pdfKeyword("obj") {
		return nil, fmt.Errorf("%w: no object header at offset %d", readerr.ErrMalformed, off)
	}
	if num >= 0 && ni != int64(num) {
		return nil, fmt.Errorf("%w: object %d expected at offset %d, found %d", readerr.ErrMalformed, num, off, ni)
	}
	v, err := l.value(0)
	if err != nil {
		return nil, err
	}
	gen, _ := g.(int64)
	if p.crypt != nil && !(p.encrypt == pdfRef{num: int(ni), gen: int(gen)}) {
		v = p.crypt.strings(v, int(ni), int(gen), 0)
	}
	d, ok := v.(pdfDict)
	if !ok {
		return v, nil
	}
	l.skipSpace()
	rest := buf[l.pos:]
	if len(rest) < 7 && int64(len(buf)) < p.size-off {
		return nil, errPDFEnd
	}
	if !bytes.HasPrefix(rest, []byte("stream")) {
		return d, nil
	}
	i := l.pos + 6
	if i < len(buf) && buf[i] == '\r' {
		i++
	}
	if i < len(buf) && buf[i] == '\n' {
		i++
	}
	return &pdfStream{dict: d, dataOff: off + int64(i), num: int(ni), gen: int(gen)}, nil
}

// streamData returns the decoded data of a stream and the number of raw
// bytes it occupies in the file.
func (p *pdfReader) streamData(s *pdfStream) ([]byte, int64, error) {
	if p.encrypted {
		return nil, 0, errPDFEncrypted
	}
	raw, err := p.rawStream(s)
	if err != nil {
		return nil, 0, err
	}
	n := int64(len(raw))
	if c := p.crypt; c != nil && s.dict["Type"] != pdfName("XRef") && (c.encryptMetadata || s.dict["Type"] != pdfName("Metadata")) && !p.identityCrypt(s.dict) {
		if raw, err = c.decrypt(raw, s.num, s.gen); err != nil {
			return nil, 0, err
		}
	}
	data, err := p.decode(s.dict, raw)
	return data, n, err
}

// rawStream reads the undecoded bytes of a stream, from /Length or, when
// that is unusable, up to the endstream keyword.
func (p *pdfReader) rawStream(s *pdfStream) ([]byte, error) {
	lv, err := p.resolve(s.dict["Length"])
	if n, ok := lv.(int64); ok && err == nil && n >= 0 && n <= p.size-s.dataOff {
		if n > reader.MaxBlockSize {
			return nil, fmt.Errorf("%w: stream of %d bytes", readerr.ErrLimit, n)
		}
		data, err := reader.ReadBlock(p.r, s.dataOff, n, p.size)
		if err != nil {
			return nil, err
		}
		// trust /Length when endstream follows it
		tail := make([]byte, 32)
		m, _ := p.r.ReadAt(tail, s.dataOff+n)
		if bytes.Contains(tail[:m], []byte("endstream")) {
			return data, nil
		}
	}
	// search for endstream
	const chunk = 1 << 20
	var out []byte
	for off := s.dataOff; off < p.size; off += chunk {
		if len(out) > reader.MaxBlockSize {
			return nil, fmt.Errorf("%w: stream without a usable /Length larger than %d bytes", readerr.ErrLimit, reader.MaxBlockSize)
		}
		buf := make([]byte, min(chunk+16, p.size-off))
		if err := seg.ReadAt(p.r, buf, off); err != nil {
			return nil, err
		}
		if i := bytes.Index(buf, []byte("endstream")); i >= 0 {
			out = append(out, buf[:i]...)
			out = bytes.TrimSuffix(out, []byte("\n"))
			out = bytes.TrimSuffix(out, []byte("\r"))
			return out, nil
		}
		out = append(out, buf[:min(chunk, len(buf))]...)
	}
	return nil, fmt.Errorf("%w: stream at offset %d has no endstream", readerr.ErrTruncated, s.dataOff)
}

// decode applies the stream's filters.
func (p *pdfReader) decode(d pdfDict, data []byte) ([]byte, error) {
	fv, _ := p.resolve(d["Filter"])
	pv, _ := p.resolve(d["DecodeParms"])
	var filters, parms pdfArray
	switch f := fv.(type) {
	case pdfName:
		filters, parms = pdfArray{f}, pdfArray{pv}
	case pdfArray:
		filters = f
		parms, _ = pv.(pdfArray)
	}
	for i, f := range filters {
		var parm pdfDict
		if i < len(parms) {
			pr, _ := p.resolve(parms[i])
			parm, _ = pr.(pdfDict)
		}
		var err error
		switch f {
		case pdfName("FlateDecode"), pdfName("Fl"):
			left := p.res.Left(reader.PDFInflate)
			if left <= 0 {
				return nil, fmt.Errorf("%w: streams inflate to more than %d bytes in all", readerr.ErrLimit, p.res.Budget.Limits().PDFInflate)
			}
			if data, err = pdfInflate(data, min(reader.MaxBlockSize, left)); err != nil {
				return nil, err
			}
			if err := p.res.Reserve(reader.PDFInflate, int64(len(data))); err != nil {
				return nil, err
			}
			if data, err = pdfPredictor(data, parm); err != nil {
				return nil, err
			}
		case pdfName("ASCII85Decode"), pdfName("A85"):
			if data, err = pdfASCII85(data); err != nil {
				return nil, err
			}
		case pdfName("Crypt"): // decryption is done before the filters
		case pdfName("ASCIIHexDecode"), pdfName("AHx"):
			l := &pdfLexer{b: append(append([]byte{'<'}, data...), '>'), steps: &p.steps}
			v, err := l.value(0)
			if err != nil {
				return nil, err
			}
			data, _ = v.(pdfString)
		default:
			return nil, fmt.Errorf("PDF filter %v: %w", f, errPDFUnsupported)
		}
	}
	return data, nil
}

// pdfInflate inflates zlib (or raw deflate) data, refusing output larger
// than limit. Data that ends early is returned as far as it inflated.
func pdfInflate(data []byte, limit int64) ([]byte, error) {
	out, over, err := reader.Inflate(data, limit)
	if over {
		return nil, fmt.Errorf("%w: stream inflates to more than %d bytes", readerr.ErrLimit, limit)
	}
	if err != nil && len(out) == 0 {
		return nil, fmt.Errorf("%w: FlateDecode: %v", readerr.ErrMalformed, err)
	}
	return out, nil
}

// pdfASCII85 decodes ASCII base-85 data up to its ~> end marker, refusing
// output larger than reader.MaxBlockSize.
func pdfASCII85(data []byte) ([]byte, error) {
	if i := bytes.Index(data, []byte("~>")); i >= 0 {
		data = data[:i]
	}
	data = bytes.TrimPrefix(bytes.TrimLeft(data, " \t\r\n\f\x00"), []byte("<~"))
	out, err := io.ReadAll(io.LimitReader(ascii85.NewDecoder(bytes.NewReader(data)), reader.MaxBlockSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: ASCII85Decode: %v", readerr.ErrMalformed, err)
	}
	if len(out) > reader.MaxBlockSize {
		return nil, fmt.Errorf("%w: ASCII85 stream decodes to more than %d bytes", readerr.ErrLimit, reader.MaxBlockSize)
	}
	return out, nil
}

// pdfPredictor undoes the PNG predictors of /DecodeParms.
func pdfPredictor(data []byte, parm pdfDict) ([]byte, error) {
	pred, _ := parm["Predictor"].(int64)
	if pred <= 1 {
		return data, nil
	}
	if pred < 10 {
		return nil, fmt.Errorf("PDF predictor %d: %w", pred, errPDFUnsupported)
	}
	cols, colors, bpc := int64(1), int64(1), int64(8)
	if v, ok := parm["Columns"].(int64); ok {
		cols = v
	}
	if v, ok := parm["Colors"].(int64); ok {
		colors = v
	}
	if v, ok := parm["BitsPerComponent"].(int64); ok {
		bpc = v
	}
	if cols < 1 || cols > int64(len(data)) || colors < 1 || colors > 32 || bpc < 1 || bpc > 16 {
		return nil, fmt.Errorf("%w: bad predictor parameters", readerr.ErrMalformed)
	}
	bpp := int((colors*bpc + 7) / 8)
	row := int((cols*colors*bpc + 7) / 8)
	out := make([]byte, 0, len(data))
	prev := make([]byte, row)
	for i := 0; i+1+row <= len(data); i += 1 + row {
		typ, cur := data[i], slices.Clone(data[i+1:i+1+row])
		for j := range cur {
			var a, b, c byte
			if j >= bpp {
				a, c = cur[j-bpp], prev[j-bpp]
			}
			b = prev[j]
			switch typ {
			case 1:
				cur[j] += a
			case 2:
				cur[j] += b
			case 3:
				cur[j] += byte((int(a) + int(b)) / 2)
			case 4:
				cur[j] += paeth(a, b, c)
			}
		}
		out = append(out, cur...)
		prev = cur
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	pa, pb, pc := absInt(int(b)-int(c)), absInt(int(a)-int(c)), absInt(int(a)+int(b)-2*int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// fromObjStm parses object num, stored at index idx of object stream stm.
func (p *pdfReader) fromObjStm(stm, idx, num int) (any, error) {
	os, err := p.loadObjStm(stm)
	if err != nil {
		return nil, fmt.Errorf("object stream %d: %w", stm, err)
	}
	i := idx
	if i < 0 || i >= len(os.nums) || os.nums[i] != num {
		i = slices.Index(os.nums, num)
		if i < 0 {
			return nil, fmt.Errorf("%w: object %d not in object stream %d", readerr.ErrMalformed, num, stm)
		}
	}
	start := os.first + os.offs[i]
	if start < 0 || start > len(os.data) {
		return nil, fmt.Errorf("%w: object %d outside object stream %d", readerr.ErrMalformed, num, stm)
	}
	l := &pdfLexer{b: os.data[start:], steps: &p.steps, final: true}
	return l.value(0)
}

func (p *pdfReader) loadObjStm(num int) (*pdfObjStm, error) {
	if os, ok := p.objstm[num]; ok {
		if os == nil {
			return nil, fmt.Errorf("%w: object stream %d refers to itself", readerr.ErrMalformed, num)
		}
		return os, nil
	}
	p.objstm[num] = nil // loop guard
	v, err := p.getObj(num)
	if err != nil {
		return nil, err
	}
	s, ok := v.(*pdfStream)
	if !ok {
		return nil, fmt.Errorf("%w: not a stream", readerr.ErrMalformed)
	}
	n, _ := s.dict["N"].(int64)
	first, _ := s.dict["First"].(int64)
	data, _, err := p.streamData(s)
	if err != nil {
		return nil, err
	}
	if n < 0 || n > int64(len(data)) || first < 0 || first > int64(len(data)) {
		return nil, fmt.Errorf("%w: bad /N or /First", readerr.ErrMalformed)
	}
	os := &pdfObjStm{data: data, first: int(first)}
	l := &pdfLexer{b: data[:first], steps: &p.steps, final: true}
	for range n {
		a, err1 := l.value(0)
		b, err2 := l.value(0)
		an, ok1 := a.(int64)
		bn, ok2 := b.(int64)
		if err1 != nil || err2 != nil || !ok1 || !ok2 || an < 0 || bn < 0 || bn > int64(len(data)) {
			break
		}
		os.nums = append(os.nums, int(an))
		os.offs = append(os.offs, int(bn))
	}
	if p.objstmBytes+len(data) > pdfMaxObjStmCache {
		clear(p.objstm)
		p.objstmBytes = 0
	}
	p.objstm[num] = os
	p.objstmBytes += len(data)
	return os, nil
}

// loadXref follows the cross-reference chain from startxref.
func (p *pdfReader) loadXref() error {
	tail := min(p.size, 2048)
	buf := make([]byte, tail)
	if err := seg.ReadAt(p.r, buf, p.size-tail); err != nil {
		return err
	}
	i := bytes.LastIndex(buf, []byte("startxref"))
	if i < 0 {
		return fmt.Errorf("%w: no startxref in the last %d bytes", readerr.ErrMalformed, tail)
	}
	l := &pdfLexer{b: buf[i+9:], steps: &p.steps, final: true}
	v, err := l.value(0)
	off, ok := v.(int64)
	if err != nil || !ok {
		return fmt.Errorf("%w: startxref without an offset", readerr.ErrMalformed)
	}
	visited := map[int64]bool{}
	queue := []int64{off}
	for len(queue) > 0 {
		off := queue[0]
		queue = queue[1:]
		if visited[off] {
			p.res.Warn("cross-reference loop at offset %d", off)
			continue
		}
		if len(visited) >= pdfMaxSections {
			p.res.Cut("more than %d cross-reference sections: older ones ignored", pdfMaxSections)
			break
		}
		visited[off] = true
		trailer, err := p.xrefSection(off)
		if err != nil {
			return fmt.Errorf("cross-reference section at %d: %w", off, err)
		}
		if r, ok := trailer["Root"].(pdfRef); ok && !p.haveRoot {
			p.root, p.haveRoot = r, true
		}
		if r, ok := trailer["Info"].(pdfRef); ok && !p.haveInfo {
			p.info, p.haveInfo = r, true
		}
		p.noteEncrypt(trailer)
		// a hybrid file's stream entries come before the older sections
		var next []int64
		if x, ok := trailer["XRefStm"].(int64); ok {
			next = append(next, x)
		}
		if x, ok := trailer["Prev"].(int64); ok {
			next = append(next, x)
		}
		queue = append(next, queue...)
	}
	return nil
}

// xrefSection reads a cross-reference table or stream at off, adds its
// entries where no newer section defined them, and returns its trailer.
func (p *pdfReader) xrefSection(off int64) (pdfDict, error) {
	if off < 0 || off >= p.size {
		return nil, fmt.Errorf("%w: offset outside the file", readerr.ErrMalformed)
	}
	head := make([]byte, min(64, p.size-off))
	if err := seg.ReadAt(p.r, head, off); err != nil {
		return nil, err
	}
	// tolerate an offset that lands on the line end before the section
	for len(head) > 0 && isPDFSpace(head[0]) {
		head = head[1:]
		off++
	}
	if bytes.HasPrefix(head, []byte("xref")) {
		return p.xrefTable(off)
	}
	v, err := p.objectAt(off, -1)
	if err != nil {
		return nil, err
	}
	s, ok := v.(*pdfStream)
	if !ok || s.dict["Type"] != pdfName("XRef") {
		return nil, fmt.Errorf("%w: neither a cross-reference table nor stream", readerr.ErrMalformed)
	}
	return s.dict, p.xrefStream(s)
}

type pdfXrefNum struct {
	num int
	e   pdfXref
}

func (p *pdfReader) merge(entries []pdfXrefNum) {
	for _, e := range entries {
		if _, ok := p.xref[e.num]; !ok {
			p.xref[e.num] = e.e
		}
	}
}

func (p *pdfReader) xrefTable(off int64) (pdfDict, error) {
	for window := int64(64 << 10); ; window *= 8 {
		n := min(window, p.size-off, reader.MaxBlockSize)
		buf := make([]byte, n)
		if err := seg.ReadAt(p.r, buf, off); err != nil {
			return nil, err
		}
		entries, trailer, err := p.parseXrefTable(buf, (p.size-off)/4)
		if errors.Is(err, errPDFEnd) && n < p.size-off && n < reader.MaxBlockSize {
			continue
		}
		if err != nil {
			return nil, err
		}
		p.merge(entries)
		return trailer, nil
	}
}

func (p *pdfReader) parseXrefTable(buf []byte, maxCount int64) ([]pdfXrefNum, pdfDict, error) {
	// the table's tokens are counted per entry, not per token
	var tokens int
	l := &pdfLexer{b: buf[4:], steps: &tokens, max: 4 * seg.MaxSteps}
	var entries []pdfXrefNum
	for {
		v, err := l.value(0)
		if err != nil {
			return nil, nil, err
		}
		if v == pdfKeyword("trailer") {
			t, err := l.value(0)
			if err != nil {
				return nil, nil, err
			}
			d, ok := t.(pdfDict)
			if !ok {
				return nil, nil, fmt.Errorf("%w: trailer is not a dictionary", readerr.ErrMalformed)
			}
			return entries, d, nil
		}
		start, ok1 := v.(int64)
		c, err := l.value(0)
		if err != nil {
			return nil, nil, err
		}
		count, ok2 := c.(int64)
		if !ok1 || !ok2 || start < 0 || count < 0 || start > 1<<31 || count > maxCount {
			return nil, nil, fmt.Errorf("%w: bad cross-reference subsection header", readerr.ErrMalformed)
		}
		for i := range count {
			o, err1 := l.value(0)
			g, err2 := l.value(0)
			k, err3 := l.value(0)
			if err := errors.Join(err1, err2, err3); err != nil {
				if errors.Is(err, errPDFEnd) {
					return nil, nil, errPDFEnd
				}
				return nil, nil, err
			}
			if err := p.step(); err != nil {
				return nil, nil, err
			}
			eo, ok1 := o.(int64)
			_, ok2 := g.(int64)
			if !ok1 || !ok2 || (k != pdfKeyword("n") && k != pdfKeyword("f")) {
				return nil, nil, fmt.Errorf("%w: bad cross-reference entry", readerr.ErrMalformed)
			}
			e := pdfXref{typ: 0}
			if k == pdfKeyword("n") {
				e = pdfXref{typ: 1, off: eo}
			}
			entries = append(entries, pdfXrefNum{num: int(start + i), e: e})
		}
	}
}

func (p *pdfReader) xrefStream(s *pdfStream) error {
	// cross-reference streams are never encrypted
	raw, err := p.rawStream(s)
	if err != nil {
		return err
	}
	data, err := p.decode(s.dict, raw)
	if err != nil {
		return err
	}
	wa, _ := s.dict["W"].(pdfArray)
	if len(wa) != 3 {
		return fmt.Errorf("%w: cross-reference stream /W", readerr.ErrMalformed)
	}
	var w [3]int
	for i, v := range wa {
		n, ok := v.(int64)
		if !ok || n < 0 || n > 8 {
			return fmt.Errorf("%w: cross-reference stream /W", readerr.ErrMalformed)
		}
		w[i] = int(n)
	}
	width := w[0] + w[1] + w[2]
	if width == 0 {
		return fmt.Errorf("%w: cross-reference stream /W is zero", readerr.ErrMalformed)
	}
	index, _ := s.dict["Index"].(pdfArray)
	if index == nil {
		sz, _ := s.dict["Size"].(int64)
		index = pdfArray{int64(0), sz}
	}
	var entries []pdfXrefNum
	pos := 0
	field := func(n int) int64 {
		var v int64
		for range n {
			v = v<<8 | int64(data[pos])
			pos++
		}
		return v
	}
	for i := 0; i+1 < len(index); i += 2 {
		start, ok1 := index[i].(int64)
		count, ok2 := index[i+1].(int64)
		if !ok1 || !ok2 || start < 0 || count < 0 || start > 1<<31 {
			return fmt.Errorf("%w: cross-reference stream /Index", readerr.ErrMalformed)
		}
		for j := range count {
			if pos+width > len(data) {
				p.merge(entries)
				return fmt.Errorf("%w: cross-reference stream shorter than its /Index", readerr.ErrTruncated)
			}
			if err := p.step(); err != nil {
				return err
			}
			typ := int64(1)
			if w[0] > 0 {
				typ = field(w[0])
			}
			a, b := field(w[1]), field(w[2])
			var e pdfXref
			switch typ {
			case 0:
			case 1:
				e = pdfXref{typ: 1, off: a}
			case 2:
				if a > 1<<31 || b > 1<<31 {
					continue
				}
				e = pdfXref{typ: 2, stm: int(a), idx: int(b)}
			default:
				continue // reserved types are null references
			}
			entries = append(entries, pdfXrefNum{num: int(start + j), e: e})
		}
	}
	p.merge(entries)
	return nil
}

// runScan builds the scan map from the object headers in the first
// pdfMaxScan bytes, and takes /Root and /Info from trailers and
// cross-reference streams found on the way when the cross-reference chain
// gave none.
func (p *pdfReader) runScan() error {
	if p.scanned {
		return nil
	}
	p.scanned = true
	p.scan = map[int]pdfXref{}
	limit := min(p.size, pdfMaxScan)
	if limit < p.size {
		p.res.Cut("object scan limited to the first %d of %d bytes", limit, p.size)
	}
	const chunk, overlap = 1 << 20, 64
	var trailers, catalogs, objstms []int64
	for base := int64(0); base < limit; base += chunk - overlap {
		n := min(chunk, limit-base)
		buf := make([]byte, n)
		if err := seg.ReadAt(p.r, buf, base); err != nil {
			return err
		}
		atEnd := base+n >= limit
		for i := 0; ; {
			j := bytes.Index(buf[i:], []byte("obj"))
			if j < 0 {
				break
			}
			at := i + j
			i = at + 3
			if err := p.step(); err != nil {
				return err
			}
			if at+3 < len(buf) && !isPDFSpace(buf[at+3]) && !isPDFDelim(buf[at+3]) {
				continue
			}
			if at+3 == len(buf) && !atEnd {
				continue
			}
			num, start, ok := objHeaderBefore(buf, at, base == 0)
			if !ok {
				continue
			}
			off := base + int64(start)
			p.scan[num] = pdfXref{typ: 1, off: off}
			after := buf[at:min(len(buf), at+512)]
			if bytes.Contains(after, []byte("/Catalog")) || bytes.Contains(after, []byte("/XRef")) {
				catalogs = append(catalogs, off)
			}
			if bytes.Contains(after, []byte("/ObjStm")) {
				objstms = append(objstms, off)
			}
		}
		for i := 0; ; {
			j := bytes.Index(buf[i:], []byte("trailer"))
			if j < 0 {
				break
			}
			if at := i + j; at+len("trailer") < len(buf) || atEnd {
				trailers = append(trailers, base+int64(at))
			}
			i += j + 7
		}
		if atEnd {
			break
		}
	}
	trailers = slices.Compact(trailers)
	catalogs = slices.Compact(catalogs)
	objstms = slices.Compact(objstms)
	// objects inside object streams, where no direct definition exists
	var stmCatalogs []int
	for i, off := range objstms {
		if i >= 4096 {
			break
		}
		v, err := p.objectAt(off, -1)
		s, ok := v.(*pdfStream)
		if err != nil || !ok || s.dict["Type"] != pdfName("ObjStm") {
			continue
		}
		data, _, err := p.streamData(s)
		if err != nil {
			continue
		}
		n, _ := s.dict["N"].(int64)
		first, _ := s.dict["First"].(int64)
		if first < 0 || first > int64(len(data)) {
			continue
		}
		num := p.numAt(off)
		hasCatalog := bytes.Contains(data, []byte("/Catalog"))
		l := &pdfLexer{b: data[:first], steps: &p.steps, final: true}
		for k := range min(n, int64(len(data))) {
			a, err := l.value(0)
			b, err2 := l.value(0)
			if err != nil || err2 != nil {
				break
			}
			an, ok1 := a.(int64)
			bn, ok2 := b.(int64)
			if !ok1 || !ok2 || an < 0 || an >= 1<<31 {
				continue
			}
			if e, ok := p.scan[int(an)]; !ok || e.typ == 2 {
				p.scan[int(an)] = pdfXref{typ: 2, stm: num, idx: int(k)}
			}
			if hasCatalog && bn >= 0 && first+bn < int64(len(data)) {
				ol := &pdfLexer{b: data[first+bn:], steps: &p.steps, final: true}
				if d, ok := ignoreErr(ol.value(0)).(pdfDict); ok && d["Type"] == pdfName("Catalog") {
					stmCatalogs = append(stmCatalogs, int(an))
				}
			}
		}
	}
	if p.haveRoot {
		return nil
	}
	// trailers and cross-reference streams, the last in the file wins
	var dicts []pdfDict
	sources := append(trailers, catalogs...)
	slices.Sort(sources)
	sources = slices.Compact(sources)
	if len(sources) > 2048 { // the newest are last
		sources = sources[len(sources)-2048:]
	}
	for _, off := range sources {
		buf := make([]byte, min(64<<10, p.size-off))
		if seg.ReadAt(p.r, buf, off) != nil {
			continue
		}
		if bytes.HasPrefix(buf, []byte("trailer")) {
			l := &pdfLexer{b: buf[7:], steps: &p.steps}
			if d, ok := ignoreErr(l.value(0)).(pdfDict); ok {
				dicts = append(dicts, d)
			}
			continue
		}
		v, err := p.objectAt(off, -1)
		if err != nil {
			continue
		}
		if s, ok := v.(*pdfStream); ok && s.dict["Type"] == pdfName("XRef") {
			dicts = append(dicts, s.dict)
		} else if d, ok := v.(pdfDict); ok && d["Type"] == pdfName("Catalog") {
			dicts = append(dicts, pdfDict{"Root": pdfRef{num: p.numAt(off)}})
		}
	}
	for i := len(dicts) - 1; i >= 0; i-- {
		if r, ok := dicts[i]["Root"].(pdfRef); ok && !p.haveRoot {
			p.root, p.haveRoot = r, true
		}
		if r, ok := dicts[i]["Info"].(pdfRef); ok && !p.haveInfo {
			p.info, p.haveInfo = r, true
		}
		p.noteEncrypt(dicts[i])
	}
	if !p.haveRoot && len(stmCatalogs) > 0 {
		p.root, p.haveRoot = pdfRef{num: stmCatalogs[len(stmCatalogs)-1]}, true
	}
	return nil
}

func ignoreErr(v any, _ error) any { return v }

// numAt returns the object number of the header at off, or -1.
func (p *pdfReader) numAt(off int64) int {
	buf := make([]byte, min(32, p.size-off))
	if seg.ReadAt(p.r, buf, off) != nil {
		return -1
	}
	l := &pdfLexer{b: buf, steps: &p.steps}
	if n, ok := ignoreErr(l.value(0)).(int64); ok && n < 1<<31 {
		return int(n)
	}
	return -1
}

// objHeaderBefore checks that "obj" at buf[at] ends an object header
// "num gen obj" and returns num and the header's start.
func objHeaderBefore(buf []byte, at int, fileStart bool) (int, int, bool) {
	i := at - 1
	spaces := func() bool {
		s := i
		for i >= 0 && isPDFSpace(buf[i]) {
			i--
		}
		return i < s
	}
	digits := func(maxLen int) (int, bool) {
		e := i
		for i >= 0 && buf[i] >= '0' && buf[i] <= '9' && e-i < maxLen {
			i--
		}
		if i == e {
			return 0, false
		}
		n, err := strconv.Atoi(string(buf[i+1 : e+1]))
		return n, err == nil
	}
	if !spaces() {
		return 0, 0, false
	}
	if _, ok := digits(5); !ok || !spaces() {
		return 0, 0, false
	}
	num, ok := digits(10)
	if !ok || num >= 1<<31 {
		return 0, 0, false
	}
	if i < 0 {
		return num, 0, fileStart
	}
	if !isPDFSpace(buf[i]) && !isPDFDelim(buf[i]) {
		return 0, 0, false
	}
	return num, i + 1, true
}
