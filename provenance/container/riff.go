package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/provscan/provscan/provenance/internal/reader"
	"github.com/provscan/provscan/provenance/internal/seg"
)

// matchRIFF reports whether head is a RIFF file (WebP, WAV, AVI ...),
// including the 64-bit RF64 and BW64 forms of WAV.
func matchRIFF(head []byte) bool {
	if len(head) < 12 {
		return false
	}
	switch string(head[:4]) {
	case "RIFF", "RF64", "BW64":
		return true
	}
	return false
}

// riffWalker holds the state of one walk over a RIFF file.
type riffWalker struct {
	r      io.ReaderAt
	size   int64
	res    *Result
	where  string // the format name used in block locations: "WebP", "WAV", "RF64", "BW64", "AVI"
	rf64   bool
	ds64   map[string]int64 // chunk sizes from the RF64 ds64 chunk
	steps  int
	errs   error
	halted bool
}

// readRIFF reads the metadata chunks of a RIFF file. WebP: EXIF, XMP and
// C2PA chunks. WAV (also BWF, and RF64 and BW64 of ITU-R BS.2088, whose
// ds64 chunk holds the 64-bit sizes of the data chunk and of any other
// chunk over 4 GiB): _PMX (XMP), C2PA, LIST/INFO, bext, iXML, and the ADM
// metadata of BW64, axml (XML) and bxml (gzip-compressed XML). AVI: the
// same, descending into LIST hdrl/INFO and skipping LIST movi and idx1.
// Media chunks (data, movi, VP8, ANMF ...) are skipped by their sizes and
// never read; so is chna, the ADM track table, which holds only IDs.
func readRIFF(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatRIFF, Budget: b}
	var hdr [12]byte
	if err := readAt(r, hdr[:], 0); err != nil {
		return res, err
	}
	form := string(hdr[:4])
	if form != "RIFF" && form != "RF64" && form != "BW64" {
		return res, fmt.Errorf("%w: no RIFF header", ErrMalformed)
	}
	w := &riffWalker{r: r, size: size, res: res, rf64: form != "RIFF"}
	switch string(hdr[8:12]) {
	case "WEBP":
		res.Format, w.where = formatWebP, "WebP"
	case "WAVE":
		switch form {
		case "RF64":
			res.Format, w.where = formatRF64, "RF64"
		case "BW64":
			res.Format, w.where = formatBW64, "BW64"
		default:
			res.Format, w.where = formatWAV, "WAV"
		}
	case "AVI ", "AVIX":
		res.Format, w.where = formatAVI, "AVI"
	default:
		w.where = "RIFF " + seg.FourCC(string(hdr[8:12]))
	}
	declared := int64(binary.LittleEndian.Uint32(hdr[4:8]))
	end := 8 + declared
	if w.rf64 || declared >= 0xFFFFFFF0 || size > 1<<32 {
		// RF64 keeps the real size in ds64, and writers of plain RIFF files
		// over 4 GiB saturate or wrap the size: walk to the end of the file.
		end = size
	}
	if end > size {
		res.Warn("RIFF declares %d bytes, the file has %d", end, size)
		end = size
	}
	w.walk(12, end, 1)
	return res, w.errs
}

// fail records an error and stops the walk.
func (w *riffWalker) fail(err error) {
	w.errs = errors.Join(w.errs, err)
	w.halted = true
}

// walk reads the chunks between start and end.
func (w *riffWalker) walk(start, end int64, depth int) {
	if depth > maxDepth {
		w.fail(fmt.Errorf("%w: RIFF lists nested deeper than %d", errLimit, maxDepth))
		return
	}
	var hdr [12]byte
	pos := start
	for pos+8 <= end && !w.halted {
		if w.steps++; w.steps > maxSteps {
			w.fail(fmt.Errorf("%w: more than %d RIFF chunks", errLimit, maxSteps))
			return
		}
		if err := readAt(w.r, hdr[:8], pos); err != nil {
			w.fail(err)
			return
		}
		id := string(hdr[:4])
		n := int64(binary.LittleEndian.Uint32(hdr[4:8]))
		dataOff := pos + 8
		if w.rf64 && n == 0xFFFFFFFF {
			if v, ok := w.ds64[id]; ok {
				n = v
				if n > end-dataOff {
					// A lying ds64 (or a file cut short): what follows
					// the chunk cannot be found.
					w.res.Warn("%s ds64 gives chunk %q at offset %d %d bytes, past the end of the file", w.where, seg.FourCC(id), pos, n)
				}
			} else {
				n = end - dataOff
				if n > 0 {
					w.res.Cut("%s chunk %q at offset %d has size 0xFFFFFFFF and no ds64 size: taken to run to the end of the file, any chunk after it not read", w.where, seg.FourCC(id), pos)
				}
			}
		}
		if n > end-dataOff {
			if !riffMediaChunk(id) && id != "LIST" {
				// One problem, one message: the error names the end the
				// chunk runs past, its container's or the file's.
				past := "its container"
				if end == w.size {
					past = "the file"
				}
				w.fail(fmt.Errorf("%w: RIFF chunk %q at offset %d runs past the end of %s", errTruncated, seg.FourCC(string(hdr[:4])), pos, past))
				return
			}
			if id != "data" && id != "LIST" {
				w.res.Warn("RIFF chunk %q at offset %d runs past the end of its container", seg.FourCC(string(hdr[:4])), pos)
			}
			n = end - dataOff
		}
		next := dataOff + n + n&1 // chunks are padded to an even size
		switch id {
		case "LIST":
			if n < 4 {
				break
			}
			if err := readAt(w.r, hdr[8:12], dataOff); err != nil {
				w.fail(err)
				return
			}
			switch typ := string(hdr[8:12]); typ {
			case "movi", "rec ":
				// AVI media data: never read.
			case "INFO":
				w.info(dataOff+4, dataOff+n, depth+1)
			default:
				w.walk(dataOff+4, dataOff+n, depth+1)
			}
		case "ds64":
			w.readDS64(dataOff, n)
		case "EXIF", "XMP ", "_PMX", "C2PA", "bext", "iXML", "axml", "bxml":
			w.metadata(id, dataOff, n)
		case "id3 ", "ID3 ":
			w.id3(dataOff, n)
		case "ANIM":
			// An animated WebP (a SaveAnimatedWEBP output of ComfyUI, for
			// one) is a moving picture: media video, so that the talent
			// rule looks at it as it does at any clip.
			if w.res.Format == formatWebP {
				w.res.Format = formatWebPAnim
			}
		}
		pos = next
	}
}

// riffMediaChunk reports whether id is a chunk of media data that the reader
// skips without reading.
func riffMediaChunk(id string) bool {
	switch id {
	case "data", "idx1", "VP8 ", "VP8L", "ANMF", "ALPH", "JUNK", "junk", "chna":
		return true
	}
	return false
}

// read reads a chunk payload, enforcing the per-file total.
func (w *riffWalker) read(off, n int64) ([]byte, bool) {
	if w.res.Reserve(reader.Payload, n) != nil {
		w.fail(fmt.Errorf("%w: metadata chunks exceed %d bytes", errLimit, maxTotalBlocks))
		return nil, false
	}
	p, err := readBlock(w.r, off, n, w.size)
	if err != nil {
		w.res.Warn("RIFF chunk at offset %d: %v", off-8, err)
		w.errs = errors.Join(w.errs, reader.Noted(err))
		return nil, false
	}
	return p, true
}

func (w *riffWalker) add(b Block) {
	if err := w.res.Add(b); err != nil {
		w.fail(err)
	}
}

// metadata turns one metadata chunk into blocks.
func (w *riffWalker) metadata(id string, off, n int64) {
	p, ok := w.read(off, n)
	if !ok {
		return
	}
	loc := w.where + " " + strings.TrimSpace(id) + " chunk"
	switch id {
	case "EXIF":
		d := p
		if bytes.HasPrefix(d, []byte("Exif\x00\x00")) {
			d = d[6:]
			off += 6
		}
		w.add(Block{Kind: KindEXIF, Container: loc, Offset: off, Size: int64(len(d)), Data: d})
	case "XMP ", "_PMX":
		w.add(Block{Kind: KindXMP, Container: loc, Offset: off, Size: n, Data: bytes.TrimRight(p, "\x00")})
	case "C2PA":
		w.add(Block{Kind: KindC2PA, Container: loc, Offset: off, Size: n, Data: p})
	case "iXML":
		w.add(Block{Kind: KindText, Container: w.where + " iXML", Offset: off, Size: n, Key: "iXML", Data: bytes.TrimRight(p, "\x00")})
	case "axml":
		w.xml(loc, "axml", bytes.TrimRight(p, "\x00"), off, n, "")
	case "bxml":
		w.bxml(loc, p, off, n)
	case "bext":
		w.bext(p, off)
	}
}

// bext reads the text fields of a Broadcast Wave Format bext chunk (EBU Tech 3285).
func (w *riffWalker) bext(p []byte, off int64) {
	// Originator (the equipment or software that made the file) and the
	// coding history (one row per process, naming the tools) name tools.
	fields := []struct {
		key        string
		start, end int
		tool       bool
	}{
		{"Description", 0, 256, false},
		{"Originator", 256, 288, true},
		{"OriginatorReference", 288, 320, false},
		{"CodingHistory", 602, len(p), true},
	}
	for _, f := range fields {
		if f.start >= len(p) {
			break
		}
		v := riffText(p[f.start:min(f.end, len(p))])
		if len(v) == 0 {
			continue
		}
		w.add(Block{Kind: KindText, Container: w.where + " bext", Offset: off + int64(f.start), Size: int64(min(f.end, len(p)) - f.start), Key: f.key, Data: v, Tool: f.tool})
	}
}

// info reads the text sub-chunks of a LIST INFO.
func (w *riffWalker) info(start, end int64, depth int) {
	if depth > maxDepth {
		w.fail(fmt.Errorf("%w: RIFF lists nested deeper than %d", errLimit, maxDepth))
		return
	}
	var hdr [8]byte
	for pos := start; pos+8 <= end && !w.halted; {
		if w.steps++; w.steps > maxSteps {
			w.fail(fmt.Errorf("%w: more than %d RIFF chunks", errLimit, maxSteps))
			return
		}
		if err := readAt(w.r, hdr[:], pos); err != nil {
			w.fail(err)
			return
		}
		n := int64(binary.LittleEndian.Uint32(hdr[4:]))
		dataOff := pos + 8
		if n > end-dataOff {
			w.res.Warn("RIFF INFO entry %q at offset %d runs past the end of its list", seg.FourCC(string(hdr[:4])), pos)
			n = end - dataOff
		}
		if string(hdr[:4]) == "LIST" {
			// A list inside INFO is not standard; walk it with the depth bound.
			w.walk(pos, min(dataOff+n, end), depth+1)
		} else if p, ok := w.read(dataOff, n); ok {
			// ISFT names the software that wrote the file.
			w.add(Block{Kind: KindText, Container: "RIFF LIST/INFO", Offset: dataOff, Size: n, Key: seg.FourCC(string(hdr[:4])), Data: riffText(p), Tool: string(hdr[:4]) == "ISFT"})
		}
		pos = dataOff + n + n&1
	}
}

// readDS64 reads the RF64/BW64 ds64 chunk: the 64-bit sizes of the RIFF, the
// data chunk and any other chunk listed in its table.
func (w *riffWalker) readDS64(off, n int64) {
	if n < 28 {
		w.res.Warn("ds64 chunk of %d bytes is too short", n)
		return
	}
	p, ok := w.read(off, min(n, 28+12*1024))
	if !ok {
		return
	}
	w.ds64 = map[string]int64{}
	clamp := func(v uint64) int64 {
		if v > 1<<62 {
			return 1 << 62
		}
		return int64(v)
	}
	if riff := clamp(binary.LittleEndian.Uint64(p[0:8])); riff > w.size-8 {
		w.res.Warn("%s ds64 declares %d bytes, the file has %d", w.where, riff+8, w.size)
	}
	w.ds64["data"] = clamp(binary.LittleEndian.Uint64(p[8:16]))
	count := int64(binary.LittleEndian.Uint32(p[24:28]))
	if have := int64(len(p)-28) / 12; count > have {
		w.res.Warn("%s ds64 lists %d chunk sizes, %d read", w.where, count, have)
	}
	for i, q := int64(0), p[28:]; i < count && len(q) >= 12; i, q = i+1, q[12:] {
		w.ds64[string(q[:4])] = clamp(binary.LittleEndian.Uint64(q[4:12]))
	}
}

// riffText decodes a NUL-padded RIFF text value (ASCII or Latin-1).
func riffText(p []byte) []byte {
	if i := bytes.IndexByte(p, 0); i >= 0 {
		p = p[:i]
	}
	return []byte(pngLatin1(bytes.TrimRight(p, " \r\n")))
}

// id3 reads an ID3v2 tag embedded in a RIFF chunk (WAV and AVI writers put
// one in an "id3 " chunk) with the MP3 reader, relocating its blocks.
func (w *riffWalker) id3(off, n int64) {
	sub, err := readMP3(io.NewSectionReader(w.r, off, n), n, w.res.Budget.Item())
	if err != nil {
		w.res.Warn("RIFF id3 chunk at offset %d: %v", off-8, err)
		w.errs = errors.Join(w.errs, reader.Noted(fmt.Errorf("RIFF id3 chunk at offset %d: %w", off-8, err)))
	}
	if sub == nil {
		return
	}
	for _, b := range sub.Blocks {
		if w.res.Reserve(reader.Payload, int64(len(b.Data))) != nil {
			w.fail(fmt.Errorf("%w: metadata chunks exceed %d bytes", errLimit, maxTotalBlocks))
			return
		}
		b.Offset += off
		b.Container = w.where + " id3 chunk " + b.Container
		w.add(b)
	}
	for _, m := range sub.Warnings {
		w.res.Warn("RIFF id3 chunk: %s", m)
	}
}

// xml adds an XML document of a chunk (ADM axml, bxml): an XMP block when
// it holds an XMP packet, a text block otherwise.
func (w *riffWalker) xml(loc, key string, p []byte, off, n int64, note string) {
	if len(p) == 0 {
		return
	}
	if holdsXMPPacket(p) {
		w.add(Block{Kind: KindXMP, Container: loc, Offset: off, Size: n, Data: p, Note: note})
		return
	}
	w.add(Block{Kind: KindText, Container: loc, Offset: off, Size: n, Key: key, Data: p, Note: note})
}

// bxml reads a BW64 bxml chunk: a 16-bit format field, then the XML
// compressed with gzip, inflated through the bounded inflate.
func (w *riffWalker) bxml(loc string, p []byte, off, n int64) {
	z := p
	if len(z) >= 2 && !bytes.HasPrefix(z, []byte{0x1f, 0x8b}) {
		z = z[2:]
	}
	raw, ok := gzipDeflate(z)
	if !ok {
		w.res.Warn("%s at offset %d: no gzip stream", loc, off-8)
		w.errs = errors.Join(w.errs, reader.Noted(fmt.Errorf("%w: %s at offset %d: no gzip stream", ErrMalformed, loc, off-8)))
		return
	}
	limit := min(maxBlockSize, w.res.Left(reader.BlockBytes))
	if limit <= 0 {
		w.fail(fmt.Errorf("%w: metadata blocks of this file exceed %d bytes in total", errLimit, maxTotalBlocks))
		return
	}
	out, over, err := reader.Inflate(raw, limit)
	if over {
		w.fail(fmt.Errorf("%w: %s at offset %d inflates to more than %d bytes", errLimit, loc, off-8, limit))
		return
	}
	if err != nil {
		w.res.Warn("%s at offset %d: %v", loc, off-8, err)
		w.errs = errors.Join(w.errs, reader.Noted(fmt.Errorf("%w: %s at offset %d: %v", ErrMalformed, loc, off-8, err)))
	}
	w.xml(loc, "bxml", bytes.TrimRight(out, "\x00"), off, n, "gzip-compressed")
}

// gzipDeflate returns the raw deflate data of a gzip member (RFC 1952)
// after its header, or false when p has no gzip header.
func gzipDeflate(p []byte) ([]byte, bool) {
	if len(p) < 10 || p[0] != 0x1f || p[1] != 0x8b || p[2] != 8 {
		return nil, false
	}
	flags, p := p[3], p[10:]
	if flags&0x04 != 0 { // FEXTRA
		if len(p) < 2 {
			return nil, false
		}
		k := int(binary.LittleEndian.Uint16(p))
		if k > len(p)-2 {
			return nil, false
		}
		p = p[2+k:]
	}
	for _, f := range []byte{0x08, 0x10} { // FNAME, FCOMMENT: NUL-terminated
		if flags&f != 0 {
			i := bytes.IndexByte(p, 0)
			if i < 0 {
				return nil, false
			}
			p = p[i+1:]
		}
	}
	if flags&0x02 != 0 { // FHCRC
		if len(p) < 2 {
			return nil, false
		}
		p = p[2:]
	}
	return p, true
}
