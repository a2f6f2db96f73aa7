package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/provscan/provscan/provenance/internal/reader"
	"github.com/provscan/provscan/provenance/internal/seg"
)

var (
	jpegExifSig   = []byte("Exif\x00\x00")
	jpegXMPSig    = []byte("http://ns.adobe.com/xap/1.0/\x00")
	jpegExtXMPSig = []byte("http://ns.adobe.com/xmp/extension/\x00")
	jpegPSSig     = []byte("Photoshop 3.0\x00")
)

// matchJPEG reports whether head starts with a JPEG SOI marker.
func matchJPEG(head []byte) bool {
	return len(head) >= 3 && head[0] == 0xFF && head[1] == seg.SOI && head[2] == 0xFF
}

// jpegJUMBFSeg is one APP11 JUMBF segment of a box instance.
type jpegJUMBFSeg struct {
	seq  uint32
	off  int64  // file offset of the JUMBF box bytes in this segment
	size int64  // bytes of the segment payload in the file
	data []byte // box bytes after the 8-byte "JP" En Z header
}

// jpegExtChunk is one Extended XMP chunk.
type jpegExtChunk struct {
	off   uint32 // offset of the chunk in the full extended packet
	full  uint32 // declared full length
	data  []byte
	foff  int64
	fsize int64
}

// readJPEG reads the metadata segments of a JPEG file: it walks the markers
// from SOI up to the first SOS and never reads entropy-coded scan data.
func readJPEG(r io.ReaderAt, size int64, b *reader.Budget) (*Result, error) {
	res := &Result{Format: formatJPEG, Budget: b}
	var hdr [4]byte
	if size < 4 {
		return res, fmt.Errorf("%w: file of %d bytes is too short for JPEG", errTruncated, size)
	}
	if err := readAt(r, hdr[:2], 0); err != nil {
		return res, err
	}
	if hdr[0] != 0xFF || hdr[1] != seg.SOI {
		return res, fmt.Errorf("%w: no JPEG SOI marker", ErrMalformed)
	}
	var (
		jumbf     = map[uint16][]jpegJUMBFSeg{}
		jumbfKeys []uint16
		ext       = map[string][]jpegExtChunk{}
		extKeys   []string
		ps        []byte
		psOff     int64 = -1
		psSize    int64
		retErr    error
	)
	keep := func(n int) error { // bytes kept in memory for blocks
		if res.Reserve(reader.Payload, int64(n)) != nil {
			return fmt.Errorf("%w: metadata segments exceed %d bytes", errLimit, maxTotalBlocks)
		}
		return nil
	}
	it, stopped := seg.NewJPEG(r, size), false
	for it.Next() {
		sg := it.Segment()
		marker := sg.Marker
		if marker == seg.EOI || marker == seg.SOS {
			stopped = true
			break
		}
		if seg.Standalone(marker) {
			continue // standalone markers carry no length
		}
		payOff, payLen := sg.Payload(), sg.Len-2
		if marker != seg.APP1 && marker != seg.APP11 && marker != seg.APP13 && marker != seg.COM {
			continue
		}
		if err := keep(int(payLen)); err != nil {
			retErr = err
			break
		}
		p, err := readBlock(r, payOff, payLen, size)
		if err != nil {
			retErr = err
			break
		}
		switch marker {
		case seg.APP1:
			switch {
			case bytes.HasPrefix(p, jpegExifSig):
				err = res.Add(Block{Kind: KindEXIF, Container: "JPEG APP1 Exif", Offset: payOff + 6, Size: payLen - 6, Data: p[6:]})
			case bytes.HasPrefix(p, jpegXMPSig):
				n := len(jpegXMPSig)
				err = res.Add(Block{Kind: KindXMP, Container: "JPEG APP1 XMP", Offset: payOff + int64(n), Size: payLen - int64(n), Data: p[n:]})
			case bytes.HasPrefix(p, jpegExtXMPSig):
				n := len(jpegExtXMPSig)
				if len(p) < n+40 {
					res.Warn("JPEG Extended XMP segment at offset %d is too short", payOff)
					break
				}
				guid := string(p[n : n+32])
				c := jpegExtChunk{
					full:  binary.BigEndian.Uint32(p[n+32:]),
					off:   binary.BigEndian.Uint32(p[n+36:]),
					data:  p[n+40:],
					foff:  payOff + int64(n+40),
					fsize: payLen - int64(n+40),
				}
				if _, ok := ext[guid]; !ok {
					extKeys = append(extKeys, guid)
				}
				ext[guid] = append(ext[guid], c)
			}
		case seg.APP11:
			if len(p) < 8 || p[0] != 'J' || p[1] != 'P' {
				break // APP11 used for something other than JUMBF
			}
			en := binary.BigEndian.Uint16(p[2:4])
			if _, ok := jumbf[en]; !ok {
				jumbfKeys = append(jumbfKeys, en)
			}
			jumbf[en] = append(jumbf[en], jpegJUMBFSeg{seq: binary.BigEndian.Uint32(p[4:8]), off: payOff + 8, size: payLen, data: p[8:]})
		case seg.APP13:
			if bytes.HasPrefix(p, jpegPSSig) {
				n := len(jpegPSSig)
				if psOff < 0 {
					psOff = payOff + int64(n)
				}
				psSize += payLen - int64(n)
				ps = append(ps, p[n:]...)
			}
		case seg.COM:
			err = res.Add(Block{Kind: KindComment, Container: "JPEG COM", Offset: payOff, Size: payLen, Data: p})
		}
		if err != nil {
			retErr = err
			break
		}
	}
	if retErr == nil && !stopped {
		if retErr = it.Err(); retErr == nil {
			res.Warn("JPEG ends at offset %d without SOS or EOI", it.Pos())
		}
	}

	// Blocks assembled from several segments come after the walk.
	for _, en := range jumbfKeys {
		b, err := jpegAssembleJUMBF(res, en, jumbf[en])
		if err != nil {
			res.Warn("JPEG APP11 JUMBF box instance %d: %v", en, err)
			retErr = errors.Join(retErr, reader.Noted(err))
			continue
		}
		if err := res.Add(b); err != nil {
			return res, errors.Join(retErr, err)
		}
	}
	for _, g := range extKeys {
		if err := keep(int(ext[g][0].full)); err != nil {
			retErr = errors.Join(retErr, err)
			break
		}
		b, err := jpegAssembleExtXMP(res, g, ext[g])
		if err != nil {
			res.Warn("JPEG Extended XMP %q: %v", g, err)
			retErr = errors.Join(retErr, reader.Noted(err))
			continue
		}
		if err := res.Add(b); err != nil {
			return res, errors.Join(retErr, err)
		}
	}
	if psOff >= 0 {
		if err := res.Add(Block{Kind: KindPhotoshop, Container: "JPEG APP13 Photoshop", Offset: psOff, Size: psSize, Data: ps}); err != nil {
			retErr = errors.Join(retErr, err)
		}
	}
	return res, retErr
}

// jpegBoxHeaderLen returns the length of the JUMBF box header (LBox, TBox and
// XLBox when LBox is 1) at the start of p, or 0 when p is too short.
func jpegBoxHeaderLen(p []byte) int {
	if _, hdr, _, ok := seg.BoxHeader(p, 0, int64(len(p))); ok {
		return int(hdr)
	}
	return 0
}

// jpegAssembleJUMBF joins the APP11 segments of one JUMBF box instance into
// the complete box, ordered by sequence number. Real files number segments
// from 0 or 1 and sometimes repeat or skip a number: those are warnings.
func jpegAssembleJUMBF(res *Result, en uint16, segs []jpegJUMBFSeg) (Block, error) {
	sort.SliceStable(segs, func(i, j int) bool { return segs[i].seq < segs[j].seq })
	// Drop repeated sequence numbers, keeping the first one in file order.
	uniq := segs[:0:0]
	for i, s := range segs {
		if i > 0 && s.seq == segs[i-1].seq {
			res.Warn("JPEG APP11 JUMBF box instance %d: sequence number %d repeated", en, s.seq)
			continue
		}
		if i > 0 && s.seq != segs[i-1].seq+1 {
			res.Warn("JPEG APP11 JUMBF box instance %d: sequence number jumps from %d to %d", en, segs[i-1].seq, s.seq)
		}
		uniq = append(uniq, s)
	}
	if uniq[0].seq > 1 {
		res.Warn("JPEG APP11 JUMBF box instance %d: first sequence number is %d", en, uniq[0].seq)
	}
	first := uniq[0].data
	if jpegBoxHeaderLen(first) == 0 {
		return Block{}, fmt.Errorf("%w: first segment has no box header", ErrMalformed)
	}
	data := append([]byte(nil), first...)
	fileSize := uniq[0].size
	for _, s := range uniq[1:] {
		h := jpegBoxHeaderLen(s.data)
		if h == 0 {
			res.Warn("JPEG APP11 JUMBF box instance %d: segment %d has no box header", en, s.seq)
			continue
		}
		if len(data)+len(s.data)-h > maxBlockSize {
			return Block{}, fmt.Errorf("%w: JUMBF box larger than %d bytes", errLimit, maxBlockSize)
		}
		data = append(data, s.data[h:]...)
		fileSize += s.size
	}
	declared := int64(binary.BigEndian.Uint32(data))
	if declared == 1 {
		declared = int64(binary.BigEndian.Uint64(data[8:]))
	}
	if declared != int64(len(data)) && declared != 0 {
		res.Warn("JPEG APP11 JUMBF box instance %d: box declares %d bytes, segments hold %d", en, declared, len(data))
	}
	if string(data[4:8]) != "jumb" {
		res.Warn("JPEG APP11 JUMBF box instance %d: box type %q is not jumb", en, data[4:8])
	}
	return Block{
		Kind:      KindC2PA,
		Container: fmt.Sprintf("JPEG APP11 JUMBF (%d %s)", len(uniq), map[bool]string{true: "segment", false: "segments"}[len(uniq) == 1]),
		Offset:    uniq[0].off,
		Size:      fileSize,
		Data:      data,
	}, nil
}

// jpegAssembleExtXMP places the Extended XMP chunks of one GUID at their
// offsets in the full packet.
func jpegAssembleExtXMP(res *Result, guid string, chunks []jpegExtChunk) (Block, error) {
	full := chunks[0].full
	if int64(full) > maxBlockSize {
		return Block{}, fmt.Errorf("%w: Extended XMP of %d bytes is larger than %d", errLimit, full, maxBlockSize)
	}
	buf := make([]byte, full)
	var covered int64
	var size int64
	for _, c := range chunks {
		if c.full != full {
			res.Warn("JPEG Extended XMP %q: chunks disagree on the full length (%d, %d)", guid, full, c.full)
		}
		end := int64(c.off) + int64(len(c.data))
		if end > int64(full) {
			return Block{}, fmt.Errorf("%w: Extended XMP chunk at %d+%d runs past the full length %d", ErrMalformed, c.off, len(c.data), full)
		}
		copy(buf[c.off:], c.data)
		covered += int64(len(c.data))
		size += c.fsize
	}
	if covered != int64(full) {
		res.Warn("JPEG Extended XMP %q: chunks hold %d of %d bytes", guid, covered, full)
	}
	return Block{
		Kind:      KindXMP,
		Container: "JPEG APP1 Extended XMP",
		Offset:    chunks[0].foff,
		Size:      size,
		Key:       guid,
		Data:      buf,
	}, nil
}
