package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/provscan/provscan/provenance/internal/reader"
)

// Matroska and WebM (RFC 8794 EBML, RFC 9559 Matroska): a file is an EBML
// header (its DocType says "matroska" or "webm") and one or more Segments.
// Every element is an ID (a variable-length integer of 1 to 4 bytes that
// keeps its length marker) and a data size (a variable-length integer of 1
// to 8 bytes; all value bits set means "unknown", allowed for a Segment or
// a Cluster only). A Segment holds the top-level elements: SeekHead (the
// positions of the others, relative to the Segment's data), Info, Tracks,
// Cluster (the media, never read), Cues, Chapters, Tags and Attachments.
//
// Read: Info (MuxingApp, WritingApp, Title, DateUTC), Tracks (each track's
// Name; a file of audio tracks only is reported as Matroska audio or WebM
// audio), every SimpleTag of Tags at any nesting (TagString, or TagBinary
// when it is text; ENCODER and _STATISTICS_WRITING_APP name the software),
// and Attachments (the name, media type and description of each file as
// text; a C2PA manifest store, media type application/c2pa or a .c2pa name
// as in the C2PA SDK's Matroska embedding, as a C2PA block; XMP, JSON and
// text files as blocks; any other attached file, a cover image or a font,
// as a member, read by its own reader).
// The Segment is walked element by element, skipping Clusters by their
// sizes; a Cluster of unknown size (a live WebM) is walked by its children's
// headers, never their payloads, within a bound; then the SeekHead's
// targets not yet seen are visited (Tags written after the Cues at the
// tail, or past a Cluster the walk could not cross).

const (
	mkvIDEBML            = 0x1A45DFA3
	mkvIDDocType         = 0x4282
	mkvIDSegment         = 0x18538067
	mkvIDSeekHead        = 0x114D9B74
	mkvIDSeek            = 0x4DBB
	mkvIDSeekID          = 0x53AB
	mkvIDSeekPosition    = 0x53AC
	mkvIDInfo            = 0x1549A966
	mkvIDMuxingApp       = 0x4D80
	mkvIDWritingApp      = 0x5741
	mkvIDTitle           = 0x7BA9
	mkvIDDateUTC         = 0x4461
	mkvIDTracks          = 0x1654AE6B
	mkvIDTrackEntry      = 0xAE
	mkvIDTrackType       = 0x83
	mkvIDTrackName       = 0x536E
	mkvIDCluster         = 0x1F43B675
	mkvIDCues            = 0x1C53BB6B
	mkvIDChapters        = 0x1043A770
	mkvIDTags            = 0x1254C367
	mkvIDTag             = 0x7373
	mkvIDSimpleTag       = 0x67C8
	mkvIDTagName         = 0x45A3
	mkvIDTagString       = 0x4487
	mkvIDTagBinary       = 0x4485
	mkvIDAttachments     = 0x1941A469
	mkvIDAttachedFile    = 0x61A7
	mkvIDFileDescription = 0x467E
	mkvIDFileName        = 0x466E
	mkvIDFileMediaType   = 0x4660
	mkvIDFileData        = 0x465C
	mkvIDVoid            = 0xEC
	mkvIDCRC32           = 0xBF

	mkvMaxHeader       = 64 << 10 // bytes of the EBML header
	mkvMaxName         = 4096     // bytes of a TagName, FileName or FileMediaType
	mkvMaxTagBinary    = 1 << 20  // bytes of a TagBinary read to see whether it is text
	mkvMaxTopLevel     = 1 << 19  // top-level elements walked per file (a 2-hour film has a few thousand Clusters, a day of 1-second Clusters 86,400)
	mkvMaxClusterScan  = 1 << 19  // children of Clusters of unknown size walked per file (about 2 hours of a live WebM at 60 blocks a second)
	mkvMaxSeekTargets  = 256      // SeekHead targets visited per file
	mkvMaxSegments     = 64       // Segments per file
	mkvMaxAttachedData = maxBlockSize
)

// matchMatroska reports whether head starts with an EBML header.
func matchMatroska(head []byte) bool {
	return len(head) >= 5 && bytes.HasPrefix(head, []byte("\x1a\x45\xdf\xa3"))
}

// mkvElem is one element header.
type mkvElem struct {
	id      uint32
	off     int64 // the ID's offset
	dataOff int64
	size    int64 // -1: unknown
}

// end is the end of the element's data (known sizes only).
func (e mkvElem) end() int64 { return e.dataOff + e.size }

// mkvWalker holds the state of one walk over a Matroska file.
type mkvWalker struct {
	r       io.ReaderAt
	size    int64
	res     *Result
	steps   int
	scanned int              // children of unknown-size Clusters walked
	visited map[int64]bool   // offsets of the top-level elements read
	targets []int64          // SeekHead targets, absolute offsets
	seekIDs map[int64]uint32 // the ID each target should have
	video   bool             // a video (or complex) track was seen
	audio   bool             // an audio track was seen
}

// readMatroska reads the metadata elements of a Matroska or WebM file.
func readMatroska(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatMatroska, Budget: b}
	w := &mkvWalker{r: r, size: size, res: res, visited: map[int64]bool{}, seekIDs: map[int64]uint32{}}
	defer w.audioOnly()
	hdr, err := w.header(0, size)
	if err != nil {
		return res, fmt.Errorf("EBML header: %w", err)
	}
	if hdr.id != mkvIDEBML || hdr.size < 0 {
		return res, fmt.Errorf("%w: no EBML header of known size", ErrMalformed)
	}
	if hdr.size > mkvMaxHeader {
		return res, fmt.Errorf("%w: EBML header of %d bytes (limit %d)", errLimit, hdr.size, mkvMaxHeader)
	}
	if hdr.end() > size {
		return res, fmt.Errorf("%w: EBML header of %d bytes runs past the end of the file", errTruncated, hdr.size)
	}
	doc, err := w.docType(hdr)
	if err != nil {
		return res, err
	}
	switch doc {
	case "webm":
		res.Format = formatWebM
	case "matroska":
	default:
		res.Warn("EBML DocType %q: read as Matroska", truncName(doc))
	}
	pos, segments, tops := hdr.end(), 0, 0
	for pos < size {
		if tops++; tops > mkvMaxTopLevel {
			res.Cut("Matroska: elements after the first %d at the top level", mkvMaxTopLevel)
			break
		}
		e, err := w.header(pos, size)
		if err != nil {
			if segments > 0 && allZero(r, pos, size) {
				break // padding after the last Segment
			}
			return res, fmt.Errorf("top-level element at offset %d: %w", pos, err)
		}
		switch e.id {
		case mkvIDSegment:
			if segments++; segments > mkvMaxSegments {
				return res, fmt.Errorf("%w: more than %d Matroska Segments", errLimit, mkvMaxSegments)
			}
			end := e.end()
			if e.size < 0 {
				end = size
			} else if end > size {
				res.Warn("Matroska Segment at offset %d declares %d bytes, the file ends %d bytes after its start", e.off, e.size, size-e.dataOff)
				end = size
			}
			// The SeekHead's targets are visited even when the walk
			// failed: they may lie past the element that stopped it.
			if err := errors.Join(w.segment(e.dataOff, end), w.seekTargets(e.dataOff, end)); err != nil {
				return res, err
			}
			pos = end
		case mkvIDEBML, mkvIDVoid:
			if e.size < 0 || e.end() > size {
				return res, fmt.Errorf("%w: element %X at offset %d runs past the end of the file", errTruncated, e.id, e.off)
			}
			pos = e.end()
		default:
			return res, fmt.Errorf("%w: element %X at offset %d where a Segment was expected", ErrMalformed, e.id, e.off)
		}
	}
	if segments == 0 {
		return res, fmt.Errorf("%w: no Matroska Segment", errTruncated)
	}
	return res, nil
}

// audioOnly reports a file whose tracks are audio only (an .mka, a .weba)
// as Matroska audio or WebM audio.
func (w *mkvWalker) audioOnly() {
	if !w.audio || w.video {
		return
	}
	if w.res.Format == formatWebM {
		w.res.Format = formatWebMAudio
	} else {
		w.res.Format = formatMKA
	}
}

// allZero reports whether the (at most 4 KiB) rest of the file from pos is
// zero bytes: padding some writers leave after the last element.
func allZero(r io.ReaderAt, pos, size int64) bool {
	if size-pos > 4096 {
		return false
	}
	p := make([]byte, size-pos)
	if readAt(r, p, pos) != nil {
		return false
	}
	return len(bytes.Trim(p, "\x00")) == 0
}

// header reads the element header at pos, which must start before end.
func (w *mkvWalker) header(pos, end int64) (mkvElem, error) {
	if w.steps++; w.steps > maxSteps {
		return mkvElem{}, fmt.Errorf("%w: more than %d Matroska elements", errLimit, maxSteps)
	}
	var buf [12]byte
	n := min(int64(len(buf)), end-pos, w.size-pos)
	if n < 2 {
		return mkvElem{}, fmt.Errorf("%w: element header at offset %d cut by the end of its parent", errTruncated, pos)
	}
	if err := readAt(w.r, buf[:n], pos); err != nil {
		return mkvElem{}, err
	}
	p := buf[:n]
	idLen := mkvVintLen(p[0])
	if idLen == 0 || idLen > 4 {
		return mkvElem{}, fmt.Errorf("%w: invalid element ID byte %#02x at offset %d", ErrMalformed, p[0], pos)
	}
	if int64(idLen) >= n {
		return mkvElem{}, fmt.Errorf("%w: element header at offset %d cut by the end of its parent", errTruncated, pos)
	}
	var id uint32
	for _, c := range p[:idLen] {
		id = id<<8 | uint32(c)
	}
	if id == 1<<(8*idLen)-1 { // all ones: reserved
		return mkvElem{}, fmt.Errorf("%w: reserved element ID %X at offset %d", ErrMalformed, id, pos)
	}
	p = p[idLen:]
	sizeLen := mkvVintLen(p[0])
	if sizeLen == 0 {
		return mkvElem{}, fmt.Errorf("%w: invalid element size byte 0x00 at offset %d", ErrMalformed, pos+int64(idLen))
	}
	if sizeLen > len(p) {
		return mkvElem{}, fmt.Errorf("%w: element header at offset %d cut by the end of its parent", errTruncated, pos)
	}
	v := uint64(p[0]) & (0xFF >> sizeLen)
	for _, c := range p[1:sizeLen] {
		v = v<<8 | uint64(c)
	}
	e := mkvElem{id: id, off: pos, dataOff: pos + int64(idLen+sizeLen), size: int64(v)}
	if v == 1<<(7*sizeLen)-1 {
		e.size = -1
		if id != mkvIDSegment && id != mkvIDCluster {
			return e, fmt.Errorf("%w: element %X at offset %d has an unknown size", ErrMalformed, id, pos)
		}
	} else if v > uint64(w.size) {
		e.size = w.size // a size past any file; reported where it is used
		e.size++
	}
	return e, nil
}

// mkvVintLen is the length of a variable-length integer from its first
// byte, 0 for the invalid 0x00.
func mkvVintLen(b byte) int {
	for i := 0; i < 8; i++ {
		if b&(0x80>>i) != 0 {
			return i + 1
		}
	}
	return 0
}

// children calls fn for each child of the element [start, end), stopping at
// the first error. A child that runs past end is errTruncated.
func (w *mkvWalker) children(start, end int64, fn func(e mkvElem) error) error {
	for pos := start; pos < end; {
		e, err := w.header(pos, end)
		if err != nil {
			return err
		}
		if e.size < 0 || e.size > end-e.dataOff {
			return fmt.Errorf("%w: element %X at offset %d of %d bytes runs past the end of its parent", errTruncated, e.id, e.off, e.size)
		}
		if err := fn(e); err != nil {
			return err
		}
		pos = e.end()
	}
	return nil
}

// docType returns the DocType of the EBML header.
func (w *mkvWalker) docType(hdr mkvElem) (string, error) {
	doc := "matroska" // the default of RFC 8794 when absent
	err := w.children(hdr.dataOff, hdr.end(), func(e mkvElem) error {
		if e.id != mkvIDDocType {
			return nil
		}
		p, err := w.small(e, 256, "DocType")
		doc = strings.TrimRight(string(p), "\x00")
		return err
	})
	if err != nil {
		return "", fmt.Errorf("EBML header: %w", err)
	}
	return doc, nil
}

// small reads the data of e, a name or number of at most limit bytes.
func (w *mkvWalker) small(e mkvElem, limit int64, what string) ([]byte, error) {
	if e.size > limit {
		return nil, fmt.Errorf("%w: %s of %d bytes at offset %d (limit %d)", errLimit, what, e.size, e.dataOff, limit)
	}
	p := make([]byte, e.size)
	if err := readAt(w.r, p, e.dataOff); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return p, nil
}

// segment walks the top-level elements of the Segment whose data is
// [start, end).
func (w *mkvWalker) segment(start, end int64) error {
	tops := 0
	for pos := start; pos < end; {
		if tops++; tops > mkvMaxTopLevel {
			w.res.Cut("Matroska Segment: elements after the first %d", mkvMaxTopLevel)
			return nil
		}
		e, err := w.header(pos, end)
		if err != nil {
			return fmt.Errorf("segment: %w", err)
		}
		if e.size < 0 { // a Cluster of unknown size: a live stream
			next, ok := w.scanCluster(e, end)
			if !ok {
				return nil
			}
			pos = next
			continue
		}
		if e.size > end-e.dataOff {
			if e.id == mkvIDCluster || e.id == mkvIDCues || e.id == mkvIDVoid {
				w.res.Warn("Matroska element %X at offset %d of %d bytes runs past the end of its Segment: the file is cut short", e.id, e.off, e.size)
				return nil
			}
			return fmt.Errorf("%w: element %X at offset %d of %d bytes runs past the end of its Segment", errTruncated, e.id, e.off, e.size)
		}
		if err := w.top(e, start); err != nil {
			return err
		}
		pos = e.end()
	}
	return nil
}

// top reads one top-level element of a Segment whose data starts at seg.
func (w *mkvWalker) top(e mkvElem, seg int64) error {
	switch e.id {
	case mkvIDSeekHead, mkvIDInfo, mkvIDTracks, mkvIDTags, mkvIDAttachments:
	default:
		return nil
	}
	if w.visited[e.off] {
		return nil
	}
	w.visited[e.off] = true
	switch e.id {
	case mkvIDSeekHead:
		return w.seekHead(e, seg)
	case mkvIDInfo:
		return w.info(e)
	case mkvIDTracks:
		return w.tracks(e)
	case mkvIDTags:
		return w.tags(e)
	default:
		return w.attachments(e)
	}
}

// tracks reads the Tracks: each track's Name as a text block, and its type,
// so that a file of audio tracks only is reported as audio.
func (w *mkvWalker) tracks(t mkvElem) error {
	const where = "Matroska Tracks"
	return w.children(t.dataOff, t.end(), func(e mkvElem) error {
		if e.id != mkvIDTrackEntry {
			return nil
		}
		return w.children(e.dataOff, e.end(), func(c mkvElem) error {
			switch c.id {
			case mkvIDTrackName:
				return w.text(c, where, "TrackName", false)
			case mkvIDTrackType:
				p, err := w.small(c, 8, "TrackType")
				var v uint64
				for _, b := range p {
					v = v<<8 | uint64(b)
				}
				switch v {
				case 1, 3: // video, complex
					w.video = true
				case 2:
					w.audio = true
				}
				return err
			}
			return nil
		})
	})
}

// clusterChild reports whether id may be a child of a Cluster.
func clusterChild(id uint32) bool {
	switch id {
	case 0xE7, 0xA7, 0xAB, 0xA3, 0xA0, 0xAF, 0x5854, mkvIDVoid, mkvIDCRC32:
		return true
	}
	return false
}

// scanCluster walks the children of a Cluster of unknown size by their
// headers to the first element that is not one (the next top-level
// element, where the walk goes on), within mkvMaxClusterScan. ok is false
// when the walk cannot go on: the end of the Segment (fine) or a cut.
func (w *mkvWalker) scanCluster(c mkvElem, end int64) (next int64, ok bool) {
	pos := c.dataOff
	for pos < end {
		if w.scanned++; w.scanned > mkvMaxClusterScan {
			w.res.Cut("Matroska: Clusters of unknown size walked for %d elements; the Segment from offset %d", mkvMaxClusterScan, pos)
			return 0, false
		}
		e, err := w.header(pos, end)
		if err != nil {
			w.res.Warn("Matroska Cluster of unknown size at offset %d: walk stopped at offset %d: %v", c.off, pos, err)
			w.res.Cut("Matroska Segment from offset %d (inside a Cluster of unknown size)", pos)
			return 0, false
		}
		if !clusterChild(e.id) {
			return pos, true
		}
		if e.size < 0 || e.size > end-e.dataOff {
			w.res.Warn("Matroska Cluster of unknown size at offset %d: block at offset %d runs past the end of the Segment: the file is cut short", c.off, e.off)
			return 0, false
		}
		pos = e.end()
	}
	return pos, false
}

// seekHead records the targets of a SeekHead's Seek entries.
func (w *mkvWalker) seekHead(sh mkvElem, seg int64) error {
	return w.children(sh.dataOff, sh.end(), func(e mkvElem) error {
		if e.id != mkvIDSeek {
			return nil
		}
		var id uint32
		var at int64 = -1
		err := w.children(e.dataOff, e.end(), func(c mkvElem) error {
			switch c.id {
			case mkvIDSeekID:
				p, err := w.small(c, 4, "SeekID")
				for _, b := range p {
					id = id<<8 | uint32(b)
				}
				return err
			case mkvIDSeekPosition:
				p, err := w.small(c, 8, "SeekPosition")
				var v uint64
				for _, b := range p {
					v = v<<8 | uint64(b)
				}
				if v < uint64(w.size) {
					at = seg + int64(v)
				}
				return err
			}
			return nil
		})
		if err != nil {
			return err
		}
		switch id {
		case mkvIDSeekHead, mkvIDInfo, mkvIDTracks, mkvIDTags, mkvIDAttachments:
		default:
			return nil
		}
		if at < 0 || at >= w.size {
			w.res.Warn("Matroska SeekHead points element %X past the end of the file", id)
			return nil
		}
		if _, dup := w.seekIDs[at]; dup {
			return nil
		}
		if len(w.targets) >= mkvMaxSeekTargets {
			w.res.Cut("Matroska SeekHead targets after the first %d", mkvMaxSeekTargets)
			return nil
		}
		w.targets = append(w.targets, at)
		w.seekIDs[at] = id
		return nil
	})
}

// seekTargets visits the SeekHead targets of the Segment [start, end) that
// the walk did not reach (a SeekHead target may add more).
func (w *mkvWalker) seekTargets(start, end int64) error {
	for i := 0; i < len(w.targets); i++ {
		at := w.targets[i]
		if w.visited[at] || at < start || at >= end {
			continue
		}
		e, err := w.header(at, end)
		if err != nil || e.id != w.seekIDs[at] {
			w.res.Warn("Matroska SeekHead target at offset %d is not the element %X it names", at, w.seekIDs[at])
			continue
		}
		if e.size < 0 || e.size > end-e.dataOff {
			return fmt.Errorf("%w: element %X at offset %d of %d bytes runs past the end of its Segment", errTruncated, e.id, e.off, e.size)
		}
		if err := w.top(e, start); err != nil {
			return err
		}
	}
	return nil
}

// text adds the data of e as a text block keyed key.
func (w *mkvWalker) text(e mkvElem, container, key string, tool bool) error {
	data, err := readBlockBudget(w.res, w.r, e.dataOff, e.size, w.size)
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	data = bytes.TrimRight(data, "\x00") // strings may be padded with NULs
	if len(data) == 0 {
		return nil
	}
	if err := w.res.Add(Block{Kind: KindText, Container: container, Key: key, Offset: e.dataOff, Size: e.size, Data: data, Tool: tool}); err != nil {
		return err
	}
	if holdsXMPPacket(data) {
		return w.res.Add(Block{Kind: KindXMP, Container: container + " > " + key, Offset: e.dataOff, Size: e.size, Data: data})
	}
	return nil
}

// info reads the Segment Info.
func (w *mkvWalker) info(in mkvElem) error {
	const where = "Matroska Info"
	return w.children(in.dataOff, in.end(), func(e mkvElem) error {
		switch e.id {
		case mkvIDMuxingApp:
			return w.text(e, where, "MuxingApp", true)
		case mkvIDWritingApp:
			return w.text(e, where, "WritingApp", true)
		case mkvIDTitle:
			return w.text(e, where, "Title", false)
		case mkvIDDateUTC:
			p, err := w.small(e, 8, "DateUTC")
			if err != nil {
				return err
			}
			if len(p) != 8 {
				w.res.Warn("Matroska DateUTC of %d bytes", len(p))
				return nil
			}
			ns := int64(binary.BigEndian.Uint64(p))
			t := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(ns))
			return w.res.Add(Block{Kind: KindText, Container: where, Key: "DateUTC", Offset: e.dataOff, Size: 8, Data: []byte(t.Format(time.RFC3339Nano))})
		}
		return nil
	})
}

// mkvToolTags are the TagNames whose value names the writing software.
var mkvToolTags = map[string]bool{
	"ENCODER": true, "_STATISTICS_WRITING_APP": true, "WRITING_APP": true, "SOFTWARE": true,
	"ENCODING_TOOL": true, "CREATOR_TOOL": true,
}

// tags reads every SimpleTag of a Tags element.
func (w *mkvWalker) tags(t mkvElem) error {
	return w.children(t.dataOff, t.end(), func(e mkvElem) error {
		if e.id != mkvIDTag {
			return nil
		}
		return w.children(e.dataOff, e.end(), func(c mkvElem) error {
			if c.id == mkvIDSimpleTag {
				return w.simpleTag(c, "", 1)
			}
			return nil
		})
	})
}

// simpleTag reads a SimpleTag and the SimpleTags nested in it; parent is
// the name path of the tags it is nested in.
func (w *mkvWalker) simpleTag(st mkvElem, parent string, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: SimpleTags nested deeper than %d", errLimit, maxDepth)
	}
	var name string
	var value, bin *mkvElem
	var nested []mkvElem
	err := w.children(st.dataOff, st.end(), func(e mkvElem) error {
		switch e.id {
		case mkvIDTagName:
			p, err := w.small(e, mkvMaxName, "TagName")
			name = strings.TrimRight(string(p), "\x00")
			return err
		case mkvIDTagString:
			value = &e
		case mkvIDTagBinary:
			bin = &e
		case mkvIDSimpleTag:
			if len(nested) >= maxBlocks {
				return fmt.Errorf("%w: more than %d nested Matroska SimpleTags", errLimit, maxBlocks)
			}
			nested = append(nested, e)
		}
		return nil
	})
	if err != nil {
		return err
	}
	key := name
	if parent != "" {
		key = parent + "/" + name
	}
	const where = "Matroska Tags"
	tool := mkvToolTags[strings.ToUpper(name)]
	if value != nil {
		if err := w.text(*value, where, key, tool); err != nil {
			return err
		}
	}
	if bin != nil && bin.size > 0 {
		if bin.size > mkvMaxTagBinary {
			w.res.Warn("Matroska TagBinary %q of %d bytes not read (limit %d)", truncName(key), bin.size, mkvMaxTagBinary)
		} else {
			p := make([]byte, bin.size)
			if err := readAt(w.r, p, bin.dataOff); err != nil {
				return fmt.Errorf("binary tag %q: %w", truncName(key), err)
			}
			if isText(bytes.TrimRight(p, "\x00")) {
				if err := w.text(*bin, where, key, tool); err != nil {
					return err
				}
			}
		}
	}
	for _, n := range nested {
		if err := w.simpleTag(n, key, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// attachments reads every AttachedFile of an Attachments element.
func (w *mkvWalker) attachments(a mkvElem) error {
	return w.children(a.dataOff, a.end(), func(e mkvElem) error {
		if e.id != mkvIDAttachedFile {
			return nil
		}
		return w.attachedFile(e)
	})
}

// attachedFile reads one AttachedFile: its name, media type and
// description as text blocks, and its data as a block of the kind its type
// names, or as a member.
func (w *mkvWalker) attachedFile(af mkvElem) error {
	const where = "Matroska Attachments"
	var name, mime string
	var data *mkvElem
	var texts []mkvElem
	err := w.children(af.dataOff, af.end(), func(e mkvElem) error {
		switch e.id {
		case mkvIDFileName:
			p, err := w.small(e, mkvMaxName, "FileName")
			name = strings.TrimRight(string(p), "\x00")
			texts = append(texts, e)
			return err
		case mkvIDFileMediaType:
			p, err := w.small(e, mkvMaxName, "FileMediaType")
			mime = strings.ToLower(strings.TrimSpace(strings.TrimRight(string(p), "\x00")))
			texts = append(texts, e)
			return err
		case mkvIDFileDescription:
			texts = append(texts, e)
		case mkvIDFileData:
			data = &e
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range texts {
		key := map[uint32]string{mkvIDFileName: "FileName", mkvIDFileMediaType: "FileMediaType", mkvIDFileDescription: "FileDescription"}[e.id]
		if err := w.text(e, where, key, false); err != nil {
			return err
		}
	}
	if data == nil || data.size == 0 {
		return nil
	}
	ext := strings.ToLower(path.Ext(name))
	label := where + " > " + truncName(name)
	var kind Kind
	switch {
	case mime == "application/c2pa" || ext == ".c2pa":
		kind = KindC2PA
	case strings.Contains(mime, "xmp") || mime == "application/rdf+xml" || ext == ".xmp":
		kind = KindXMP
	case strings.HasPrefix(mime, "text/") || strings.Contains(mime, "json") || ext == ".json" || ext == ".txt":
		kind = KindText
	}
	if kind == "" {
		return w.member(*data, name)
	}
	if data.size > mkvMaxAttachedData {
		return fmt.Errorf("%w: attachment %q of %d bytes (limit %d)", errLimit, truncName(name), data.size, mkvMaxAttachedData)
	}
	p, err := readBlockBudget(w.res, w.r, data.dataOff, data.size, w.size)
	if err != nil {
		return fmt.Errorf("attachment %q: %w", truncName(name), err)
	}
	b := Block{Kind: kind, Container: label, Offset: data.dataOff, Size: data.size, Data: p}
	if kind == KindText {
		b.Key = name
	}
	if err := w.res.Add(b); err != nil {
		return err
	}
	if kind == KindText && holdsXMPPacket(p) {
		return w.res.Add(Block{Kind: KindXMP, Container: label, Offset: data.dataOff, Size: data.size, Data: p})
	}
	return nil
}

// member lists an attached file of no metadata kind (a cover image, a
// font) as a member, read as a file of its own.
func (w *mkvWalker) member(data mkvElem, name string) error {
	if name == "" {
		name = fmt.Sprintf("attachment at offset %d", data.dataOff)
	}
	if err := w.res.Reserve(reader.Members, 1); err != nil {
		w.res.Cut("Matroska attachment %q and those after it: %v", truncName(name), err)
		return nil
	}
	r, off, n := w.r, data.dataOff, data.size
	w.res.Members = append(w.res.Members, Member{Name: name, Size: n, Open: func() (io.ReaderAt, error) {
		return io.NewSectionReader(r, off, n), nil
	}})
	return nil
}
