package container

import (
	"encoding/binary"
	"fmt"
	"github.com/provscan/provscan/provenance/internal/reader"
	"io"
)

// oggScan is how far into an Ogg file the reader looks for the header
// packets; it reads further only while a comment packet is still open.
const oggScan = 1 << 20

// oggMaxStreams bounds the logical streams followed in one file.
const oggMaxStreams = 16

// matchOgg reports whether head starts an Ogg page ("OggS", version 0).
func matchOgg(head []byte) bool {
	return len(head) >= 5 && string(head[:4]) == "OggS" && head[4] == 0
}

// oggStream is one logical stream's header packet reassembly.
type oggStream struct {
	codec   string // "Opus", "Vorbis", "Theora", "FLAC", "Speex", or "" before the first packet
	packets int    // complete packets seen
	cur     []byte // the packet being reassembled
	curOff  int64  // file offset of its first byte
	done    bool
}

// readOgg reads the comment headers of an Ogg file (Opus "OpusTags", Vorbis
// and Theora comment headers, Ogg FLAC VORBIS_COMMENT, Speex): it reads the
// first pages only, reassembles each logical stream's second packet and
// returns its fields as text blocks. Audio and video pages are not read.
func readOgg(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatOgg, Budget: b}
	streams := map[uint32]*oggStream{}
	var order []uint32
	off := int64(0)
	for steps := 0; off < size; steps++ {
		if steps >= maxSteps {
			return res, fmt.Errorf("%w: more than %d Ogg pages", errLimit, maxSteps)
		}
		open := false
		for _, s := range streams {
			open = open || (!s.done && len(s.cur) > 0)
		}
		if off >= oggScan && !open {
			break
		}
		var h [27]byte
		if err := readAt(r, h[:], off); err != nil {
			return res, fmt.Errorf("page header: %w", err)
		}
		if string(h[:4]) != "OggS" || h[4] != 0 {
			return res, fmt.Errorf("%w: no Ogg page at offset %d", ErrMalformed, off)
		}
		flags, serial, nseg := h[5], binary.LittleEndian.Uint32(h[14:]), int(h[26])
		lacing := make([]byte, nseg)
		if err := readAt(r, lacing, off+27); err != nil {
			return res, fmt.Errorf("segment table: %w", err)
		}
		dataOff := off + 27 + int64(nseg)
		var n int64
		for _, l := range lacing {
			n += int64(l)
		}
		s := streams[serial]
		if s == nil && flags&0x02 != 0 && len(streams) < oggMaxStreams {
			s = &oggStream{}
			streams[serial] = s
			order = append(order, serial)
		}
		if s != nil && !s.done {
			if flags&0x01 == 0 && len(s.cur) > 0 {
				res.Warn("Ogg stream %08x: packet interrupted at offset %d", serial, off)
				s.cur = nil
			}
			var pending int64 // bytes held in unfinished packets of every stream
			for _, o := range streams {
				pending += int64(len(o.cur))
			}
			if err := blockBudget(res, pending+n); err != nil {
				return res, err
			}
			data, err := readBlock(r, dataOff, n, size)
			if err != nil {
				return res, fmt.Errorf("page data: %w", err)
			}
			if err := oggSegments(s, data, lacing, dataOff, res); err != nil {
				return res, err
			}
		}
		off = dataOff + n
		done := len(streams) > 0
		for _, s := range streams {
			done = done && s.done
		}
		if done && flags&0x02 == 0 {
			break
		}
	}
	for _, serial := range order {
		if s := streams[serial]; !s.done && s.codec != "" {
			res.Warn("Ogg %s stream %08x: comment header not found in the first pages", s.codec, serial)
		}
	}
	return res, nil
}

// oggSegments feeds one page's segments into the stream's reassembly and
// handles each completed packet.
func oggSegments(s *oggStream, data, lacing []byte, dataOff int64, res *Result) error {
	p := 0
	for _, l := range lacing {
		if s.done {
			return nil
		}
		if len(s.cur) == 0 {
			s.curOff = dataOff + int64(p)
		}
		if len(s.cur)+int(l) > maxBlockSize {
			return fmt.Errorf("%w: Ogg header packet larger than %d bytes", errLimit, maxBlockSize)
		}
		s.cur = append(s.cur, data[p:p+int(l)]...)
		p += int(l)
		if l == 255 {
			continue // the packet goes on
		}
		pkt := s.cur
		s.cur = nil
		if err := oggPacket(s, pkt, res); err != nil {
			return err
		}
	}
	return nil
}

// oggPacket handles one complete header packet of a stream.
func oggPacket(s *oggStream, pkt []byte, res *Result) error {
	s.packets++
	if s.packets == 1 {
		switch {
		case oggHasPrefix(pkt, "OpusHead"):
			s.codec = "Opus"
		case oggHasPrefix(pkt, "\x01vorbis"):
			s.codec = "Vorbis"
		case oggHasPrefix(pkt, "\x80theora"):
			s.codec = "Theora"
		case oggHasPrefix(pkt, "\x7fFLAC"):
			s.codec = "FLAC"
		case oggHasPrefix(pkt, "Speex   "):
			s.codec = "Speex"
		default:
			s.done = true // a codec without a comment header we know
		}
		return nil
	}
	s.done = true
	var magic string
	switch s.codec {
	case "Opus":
		magic = "OpusTags"
	case "Vorbis":
		magic = "\x03vorbis"
	case "Theora":
		magic = "\x81theora"
	case "FLAC":
		if len(pkt) < 4 || pkt[0]&0x7F != flacVorbisComment {
			res.Warn("Ogg FLAC: second packet is not a VORBIS_COMMENT block")
			return nil
		}
		magic = string(pkt[:4])
	}
	if !oggHasPrefix(pkt, magic) {
		res.Warn("Ogg %s: second packet is not a comment header", s.codec)
		return nil
	}
	return vorbisComments(pkt[len(magic):], "Ogg "+s.codec+" comment header", s.curOff, res)
}

// oggHasPrefix reports whether b starts with s.
func oggHasPrefix(b []byte, s string) bool {
	return len(b) >= len(s) && string(b[:len(s)]) == s
}
