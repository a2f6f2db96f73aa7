package container

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/provscan/provscan/provenance/internal/reader"
)

// The formats of the text timed-text readers (TTML is XML: xmldoc.go).
const (
	formatWebVTT Format = "WebVTT"
	formatSRT    Format = "SRT"
)

// vttMaxLine is the longest WebVTT line read.
const vttMaxLine = 1 << 20

// matchWebVTT matches a WebVTT file: "WEBVTT" after an optional byte order
// mark, followed by a space, a tab, a line break or the end of the file.
func matchWebVTT(head []byte) bool {
	p := bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	if !bytes.HasPrefix(p, []byte("WEBVTT")) {
		return false
	}
	return len(p) == 6 || p[6] == ' ' || p[6] == '\t' || p[6] == '\n' || p[6] == '\r'
}

// readWebVTT reads a WebVTT file: the text of its header (after WEBVTT on
// the first line, and the header lines before the first blank line) as a
// text block keyed "WEBVTT", and each NOTE block as a comment. Cues, styles
// and regions are passed over. At most Limits.SVGRead bytes are read.
func readWebVTT(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatWebVTT, Budget: b}
	limit := min(size, b.Limits().SVGRead)
	var pos, next int64 // offset of the line scanned, and of the line after it
	sc := bufio.NewScanner(io.NewSectionReader(r, 0, limit))
	sc.Buffer(make([]byte, 0, 4096), vttMaxLine)
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line = data[:i]
		}
		if i := bytes.IndexByte(line, 0); i >= 0 {
			// text has none: a file of zeros is refused where they start
			return 0, nil, fmt.Errorf("%w: NUL byte at offset %d", ErrMalformed, next+int64(i))
		}
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			pos, next = next, next+int64(i)+1
			return i + 1, bytes.TrimSuffix(data[:i], []byte("\r")), nil
		}
		if atEOF && len(data) > 0 {
			pos, next = next, next+int64(len(data))
			return len(data), bytes.TrimSuffix(data, []byte("\r")), nil
		}
		return 0, nil, nil
	})
	// The cue text goes to the document's text block, as an XML document's
	// character data does (xmlDoc.flushText).
	x := &xmlDoc{res: res, off: func(o int64) int64 { return o }, span: limit}
	defer x.flushText()
	var block bytes.Buffer
	var blockStart int64
	inBlock := false // a block is being read: the header or a NOTE
	header, first := true, true
	flush := func(end int64) error {
		if !inBlock {
			return nil
		}
		inBlock = false
		kind, key := KindComment, ""
		if header {
			kind, key = KindText, "WEBVTT"
		}
		err := x.add(kind, "WebVTT", key, false, block.Bytes(), blockStart, end)
		block.Reset()
		return err
	}
	blank := true // the previous line was blank (or there was none)
	for sc.Scan() {
		line := sc.Bytes()
		if first {
			line = bytes.TrimPrefix(line, []byte("\xEF\xBB\xBF"))
		}
		if !utf8.Valid(line) {
			return res, fmt.Errorf("%w: line at offset %d is not UTF-8", ErrMalformed, pos)
		}
		switch {
		case first:
			first = false
			inBlock, blockStart = true, pos
			block.Write(bytes.TrimSpace(line[min(len(line), 6):]))
		case len(bytes.TrimSpace(line)) == 0:
			if err := flush(pos); err != nil {
				return res, err
			}
			header = false
		case header && inBlock:
			if block.Len() > 0 {
				block.WriteByte('\n')
			}
			block.Write(line)
		case blank && (bytes.Equal(line, []byte("NOTE")) || bytes.HasPrefix(line, []byte("NOTE ")) || bytes.HasPrefix(line, []byte("NOTE\t"))):
			inBlock, blockStart = true, pos
			block.Write(bytes.TrimSpace(line[4:]))
		case inBlock:
			if block.Len() > 0 {
				block.WriteByte('\n')
			}
			block.Write(line)
		default: // a cue: its timing line and its text
			if err := res.Hold(int64(len(line)) + 1); err != nil {
				return res, err
			}
			x.text.Write(line)
			x.text.WriteByte('\n')
		}
		if block.Len() > xmlTextCap {
			return res, fmt.Errorf("%w: WebVTT block at offset %d larger than %d bytes", errLimit, blockStart, xmlTextCap)
		}
		blank = len(bytes.TrimSpace(line)) == 0
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, ErrMalformed) {
			return res, err
		}
		if err == bufio.ErrTooLong {
			return res, fmt.Errorf("%w: WebVTT line at offset %d longer than %d bytes", errLimit, next, vttMaxLine)
		}
		return res, err
	}
	if err := flush(next); err != nil {
		return res, err
	}
	if limit < size {
		res.Cut("stopped reading after %d of %d bytes", limit, size)
	}
	return res, nil
}

// matchSRT matches a SubRip file: after an optional byte order mark and
// blank lines, a cue number on a line of its own and a time line
// ("00:00:01,000 --> ...").
func matchSRT(head []byte) bool {
	p := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF")), " \t\r\n")
	i := 0
	for i < len(p) && i < 10 && p[i] >= '0' && p[i] <= '9' {
		i++
	}
	if i == 0 || i == 10 {
		return false
	}
	p = bytes.TrimLeft(p[i:], " \t")
	switch {
	case bytes.HasPrefix(p, []byte("\r\n")):
		p = p[2:]
	case bytes.HasPrefix(p, []byte("\n")):
		p = p[1:]
	default:
		return false
	}
	// hours (1 to 3 digits) ':' mm ':' ss (',' or '.') fraction, then "-->"
	j := 0
	for j < len(p) && j < 3 && p[j] >= '0' && p[j] <= '9' {
		j++
	}
	if j == 0 || len(p) < j+6 || p[j] != ':' || !isDigits(p[j+1:j+3]) || p[j+3] != ':' || !isDigits(p[j+4:j+6]) {
		return false
	}
	p = p[j+6:]
	if len(p) < 2 || p[0] != ',' && p[0] != '.' {
		return false
	}
	k := 1
	for k < len(p) && k < 5 && p[k] >= '0' && p[k] <= '9' {
		k++
	}
	return k > 1 && bytes.HasPrefix(bytes.TrimLeft(p[k:], " \t"), []byte("-->"))
}

func isDigits(p []byte) bool {
	for _, c := range p {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(p) > 0
}

// readSRT reads a SubRip file: it has no metadata, only numbered cues, whose
// text is one text block (a prompt or a workflow pasted in a cue is seen).
func readSRT(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatSRT, Budget: b}
	_, err := readWholeText(res, r, size, "SRT", "text")
	return res, err
}
