package synth

import (
	"bytes"
	"encoding/binary"
	"unicode/utf16"
)

// --- MXF (SMPTE ST 377-1) ---

var (
	mxfPartitionKey = []byte{0x06, 0x0e, 0x2b, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0d, 0x01, 0x02, 0x01, 0x01}
	mxfIdentKey     = []byte{0x06, 0x0e, 0x2b, 0x34, 0x02, 0x53, 0x01, 0x01, 0x0d, 0x01, 0x01, 0x01, 0x01, 0x01, 0x30, 0x00}
	mxfEssenceKey   = []byte{0x06, 0x0e, 0x2b, 0x34, 0x01, 0x02, 0x01, 0x01, 0x0d, 0x01, 0x03, 0x01, 0x15, 0x01, 0x08, 0x01}
	mxfRIPKey       = []byte{0x06, 0x0e, 0x2b, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0d, 0x01, 0x02, 0x01, 0x01, 0x11, 0x01, 0x00}
	mxfDMKey        = []byte{0x06, 0x0e, 0x2b, 0x34, 0x02, 0x53, 0x01, 0x01, 0x0d, 0x01, 0x04, 0x01, 0x04, 0x01, 0x01, 0x00}
)

// mxfKLV is a KLV triplet with an 8-byte BER length of n (the value may be
// shorter: the rest is left to a sparse file's holes).
func mxfKLV(key, val []byte, n uint64) []byte {
	b := append(append([]byte(nil), key...), 0x88)
	b = binary.BigEndian.AppendUint64(b, n)
	return append(b, val...)
}

// mxfPack is a closed, complete partition pack (kind 2 header, 3 body, 4
// footer).
func mxfPack(kind byte, this, prev, footer, headerBytes uint64, sid uint32) []byte {
	v := make([]byte, 88)
	be := binary.BigEndian
	be.PutUint16(v, 1)
	be.PutUint16(v[2:], 3)
	be.PutUint32(v[4:], 1)
	be.PutUint64(v[8:], this)
	be.PutUint64(v[16:], prev)
	be.PutUint64(v[24:], footer)
	be.PutUint64(v[32:], headerBytes)
	be.PutUint32(v[60:], sid)
	be.PutUint32(v[84:], 16)
	return mxfKLV(append(append([]byte(nil), mxfPartitionKey...), kind, 4, 0), v, 88)
}

// mxfMetadata is header metadata: an empty primer pack and an
// Identification set naming company and product (UTF-16BE).
func mxfMetadata(company, product string) []byte {
	item := func(tag uint16, s string) []byte {
		var v []byte
		for _, u := range utf16.Encode([]rune(s)) {
			v = binary.BigEndian.AppendUint16(v, u)
		}
		b := binary.BigEndian.AppendUint16(nil, tag)
		b = binary.BigEndian.AppendUint16(b, uint16(len(v)))
		return append(b, v...)
	}
	set := append(item(0x3c01, company), item(0x3c02, product)...)
	primer := []byte{0, 0, 0, 0, 0, 0, 0, 18}
	b := mxfKLV(append(append([]byte(nil), mxfPartitionKey...), 0x05, 0x01, 0x00), primer, uint64(len(primer)))
	return append(b, mxfKLV(mxfIdentKey, set, uint64(len(set)))...)
}

// MXFMaster lays out an OP1a MXF master of size bytes: the header partition
// and its metadata, a body partition with one clip-wrapped essence element
// filling the file, the footer partition with its metadata and the Random
// Index Pack.
func MXFMaster(size int64, company, product string) []Piece {
	meta := mxfMetadata(company, product)
	packLen := int64(len(mxfPack(2, 0, 0, 0, 0, 0)))
	body := packLen + int64(len(meta))
	ripLen := int64(16 + 9 + 3*12 + 4)
	footer := size - ripLen - packLen - int64(len(meta))
	essence := footer - body - packLen - 25
	head := append(mxfPack(2, 0, 0, uint64(footer), uint64(len(meta)), 0), meta...)
	head = append(head, mxfPack(3, uint64(body), 0, uint64(footer), 0, 1)...)
	head = append(head, mxfKLV(mxfEssenceKey, nil, uint64(essence))...)
	tail := append(mxfPack(4, uint64(footer), uint64(body), uint64(footer), uint64(len(meta)), 0), meta...)
	var rip []byte
	for _, off := range []int64{0, body, footer} {
		rip = binary.BigEndian.AppendUint32(rip, 0)
		rip = binary.BigEndian.AppendUint64(rip, uint64(off))
	}
	rip = binary.BigEndian.AppendUint32(rip, uint32(ripLen))
	tail = append(tail, mxfKLV(mxfRIPKey, rip, uint64(len(rip)))...)
	return []Piece{{Off: 0, Data: head}, {Off: footer, Data: tail}}
}

// MXFHeader is an OP1a MXF header partition alone (no body partition,
// footer or RIP), closed and complete, whose Identification set names
// company and product; when dmXML is set, a descriptive metadata set holds
// it inline (local tag 0x8001), and a frame, when given, is an essence
// element after the metadata (body SID 1).
func MXFHeader(company, product, dmXML string, frame []byte) []byte {
	meta := mxfMetadata(company, product)
	if dmXML != "" {
		dm := binary.BigEndian.AppendUint16(nil, 0x8001)
		dm = binary.BigEndian.AppendUint16(dm, uint16(len(dmXML)))
		dm = append(dm, dmXML...)
		meta = append(meta, mxfKLV(mxfDMKey, dm, uint64(len(dm)))...)
	}
	var sid uint32
	if frame != nil {
		sid = 1
	}
	b := append(mxfPack(2, 0, 0, 0, uint64(len(meta)), sid), meta...)
	if frame != nil {
		b = append(b, mxfKLV(mxfEssenceKey, frame, uint64(len(frame)))...)
	}
	return b
}

// --- Matroska (EBML) ---

// ebml is an EBML element with an 8-byte size (size < 0: unknown), then
// data.
func ebml(id uint32, size int64, data ...[]byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, id)
	for len(b) > 1 && b[0] == 0 {
		b = b[1:]
	}
	s := binary.BigEndian.AppendUint64(nil, uint64(size))
	if size < 0 {
		s = bytes.Repeat([]byte{0xff}, 8)
	}
	s[0] = 0x01
	return append(append(b, s...), bytes.Join(data, nil)...)
}

// EBMLSized is an EBML element (its ID as stored) with an 8-byte size of
// size, -1 for unknown (a live stream's Segment or Cluster), then data.
func EBMLSized(id uint32, size int64, data ...[]byte) []byte { return ebml(id, size, data...) }

// EBMLElement is an EBML element (its ID as stored, an 8-byte size) whose
// size is that of its data.
func EBMLElement(id uint32, data ...[]byte) []byte {
	return ebml(id, int64(len(bytes.Join(data, nil))), data...)
}

// MatroskaMaster lays out a Matroska master of size bytes as mkvmerge
// writes one: the EBML header, a Segment whose SeekHead names the Tags at
// the end, Info with the muxing and writing apps, one Cluster filling the
// file, and the Tags (a statistics tag naming the writing app) at the tail.
func MatroskaMaster(size int64, writingApp string) []Piece {
	header := EBMLElement(0x1A45DFA3, EBMLElement(0x4282, []byte("matroska")))
	tags := EBMLElement(0x1254C367, EBMLElement(0x7373, EBMLElement(0x67C8,
		EBMLElement(0x45A3, []byte("_STATISTICS_WRITING_APP")), EBMLElement(0x4487, []byte(writingApp)))))
	segData := int64(len(header) + len(ebml(0x18538067, 0)))
	tagsAt := size - int64(len(tags))
	pos := binary.BigEndian.AppendUint64(nil, uint64(tagsAt-segData))
	seek := EBMLElement(0x114D9B74, EBMLElement(0x4DBB, EBMLElement(0x53AB, []byte{0x12, 0x54, 0xC3, 0x67}), EBMLElement(0x53AC, pos)))
	info := EBMLElement(0x1549A966, EBMLElement(0x4D80, []byte("libebml v1.4.5 + libmatroska v1.7.1")), EBMLElement(0x5741, []byte(writingApp)))
	head := append(append([]byte(nil), header...), ebml(0x18538067, size-segData)...)
	head = append(append(head, seek...), info...)
	head = append(head, ebml(0x1F43B675, tagsAt-int64(len(head))-12)...)
	return []Piece{{Off: 0, Data: head}, {Off: tagsAt, Data: tags}}
}

// --- RF64 (EBU Tech 3306) ---

// RF64Master lays out an RF64 master of size bytes: the ds64 chunk with
// the real sizes, fmt, a data chunk filling the file, then an ADM axml chunk
// naming the audio programme and a bext chunk whose Originator names
// originator.
func RF64Master(size int64, programme, originator string) []Piece {
	return wav64Master("RF64", size, programme, originator)
}

// BW64Master is RF64Master in the BW64 form of ITU-R BS.2088.
func BW64Master(size int64, programme, originator string) []Piece {
	return wav64Master("BW64", size, programme, originator)
}

// wav64Master lays out the master of RF64Master with the form ID form.
func wav64Master(form string, size int64, programme, originator string) []Piece {
	chunk := func(id string, data []byte) []byte {
		b := append([]byte(id), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
		b = append(b, data...)
		if len(data)%2 == 1 {
			b = append(b, 0)
		}
		return b
	}
	bext := make([]byte, 602)
	copy(bext[256:288], originator)
	tail := append(chunk("axml", []byte(`<ebuCoreMain><audioProgramme audioProgrammeName="`+programme+`"/></ebuCoreMain>`)), chunk("bext", bext)...)
	fmtChunk := chunk("fmt ", []byte{1, 0, 2, 0, 0x80, 0xBB, 0, 0, 0, 0xEE, 2, 0, 4, 0, 16, 0})
	headLen := int64(12 + 8 + 28 + len(fmtChunk) + 8)
	data := size - headLen - int64(len(tail))
	ds64 := binary.LittleEndian.AppendUint64(nil, uint64(size-8))
	ds64 = binary.LittleEndian.AppendUint64(ds64, uint64(data))
	ds64 = binary.LittleEndian.AppendUint64(ds64, uint64(data/4))
	ds64 = binary.LittleEndian.AppendUint32(ds64, 0)
	head := append([]byte(form+"\xff\xff\xff\xffWAVE"), chunk("ds64", ds64)...)
	head = append(append(head, fmtChunk...), "data\xff\xff\xff\xff"...)
	return []Piece{{Off: 0, Data: head}, {Off: size - int64(len(tail)), Data: tail}}
}
