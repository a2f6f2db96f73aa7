// Package synth builds synthetic deliverable files in memory (stills, masters,
// sidecars) for the benchmarks and the bench tree generator. The files are
// structurally valid containers with metadata blocks and random "media"
// payloads; the payloads are never decodable images, which no reader of
// provscan needs.
package synth

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"strings"
)

// Fill returns n pseudo-random bytes from rng (a stand-in for compressed media data).
func Fill(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		binary.LittleEndian.PutUint64(b[i:], rng.Uint64())
	}
	for i := n &^ 7; i < n; i++ {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// --- TIFF / EXIF ---

// TIFF field types used here.
const (
	TypeASCII     = 2
	TypeShort     = 3
	TypeLong      = 4
	TypeUndefined = 7
)

// Tag is one TIFF/EXIF field with its raw value bytes (in the file's byte order).
type Tag struct {
	ID    uint16
	Type  uint16
	Count uint32
	Data  []byte
}

// ASCII is a NUL-terminated ASCII field.
func ASCII(id uint16, s string) Tag {
	d := append([]byte(s), 0)
	return Tag{ID: id, Type: TypeASCII, Count: uint32(len(d)), Data: d}
}

// Undefined is a field of raw bytes.
func Undefined(id uint16, b []byte) Tag {
	return Tag{ID: id, Type: TypeUndefined, Count: uint32(len(b)), Data: b}
}

// UserCommentASCII is an EXIF UserComment (0x9286) with the ASCII prefix.
func UserCommentASCII(s string) Tag {
	return Undefined(0x9286, append([]byte("ASCII\x00\x00\x00"), s...))
}

// Common TIFF/EXIF tag IDs.
const (
	TagImageDescription = 0x010e
	TagMake             = 0x010f
	TagModel            = 0x0110
	TagSoftware         = 0x0131
	TagArtist           = 0x013b
	TagXMP              = 0x02bc
	TagExifIFD          = 0x8769
)

// EXIF returns a TIFF-structured EXIF block (no "Exif\0\0" prefix) with IFD0
// and, when exifIFD is not empty, an Exif sub-IFD.
func EXIF(bigEndian bool, ifd0, exifIFD []Tag) []byte {
	var bo byteOrder = binary.LittleEndian
	b := []byte("II*\x00")
	if bigEndian {
		bo, b = binary.BigEndian, []byte("MM\x00*")
	}
	b = bo.AppendUint32(b, 8)
	if len(exifIFD) > 0 {
		ifd0 = append(append([]Tag{}, ifd0...), Tag{ID: TagExifIFD, Type: TypeLong, Count: 1, Data: make([]byte, 4)})
	}
	b, ptr := appendIFD(b, bo, ifd0)
	if len(exifIFD) > 0 {
		bo.PutUint32(b[ptr:], uint32(len(b)))
		b, _ = appendIFD(b, bo, exifIFD)
	}
	return b
}

type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// appendIFD appends an IFD (sorted by the caller) followed by its out-of-line
// values; it returns the offset of the ExifIFD pointer value, if any.
func appendIFD(b []byte, bo byteOrder, tags []Tag) ([]byte, int) {
	start := len(b)
	dataOff := start + 2 + 12*len(tags) + 4
	var data []byte
	ptr := 0
	b = bo.AppendUint16(b, uint16(len(tags)))
	for _, t := range tags {
		b = bo.AppendUint16(b, t.ID)
		b = bo.AppendUint16(b, t.Type)
		b = bo.AppendUint32(b, t.Count)
		if len(t.Data) <= 4 {
			if t.ID == TagExifIFD {
				ptr = len(b)
			}
			v := make([]byte, 4)
			copy(v, t.Data)
			b = append(b, v...)
			continue
		}
		b = bo.AppendUint32(b, uint32(dataOff+len(data)))
		data = append(data, t.Data...)
		if len(data)%2 == 1 {
			data = append(data, 0)
		}
	}
	b = bo.AppendUint32(b, 0) // no next IFD
	return append(b, data...), ptr
}

// --- XMP ---

// XMP wraps properties (RDF/XML elements) in a complete XMP packet.
func XMP(props string) string {
	return `<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">
` + props + `
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>`
}

// SourceType is an XMP DigitalSourceType property with an IPTC term.
func SourceType(term string) string {
	return `<Iptc4xmpExt:DigitalSourceType>http://cv.iptc.org/newscodes/digitalsourcetype/` + term + `</Iptc4xmpExt:DigitalSourceType>`
}

// --- JPEG ---

// JPEGSegment is a marker segment with its length field.
func JPEGSegment(marker byte, payload []byte) []byte {
	s := []byte{0xff, marker}
	s = binary.BigEndian.AppendUint16(s, uint16(len(payload)+2))
	return append(s, payload...)
}

// JPEGExif is an APP1 Exif segment.
func JPEGExif(tiff []byte) []byte {
	return JPEGSegment(0xe1, append([]byte("Exif\x00\x00"), tiff...))
}

// JPEGXMP is an APP1 XMP segment.
func JPEGXMP(packet string) []byte {
	return JPEGSegment(0xe1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), packet...))
}

// JPEG returns SOI, JFIF, the given segments, tables, a frame header and a
// scan of payload random bytes, then EOI.
func JPEG(rng *rand.Rand, payload int, segs ...[]byte) []byte {
	b := []byte{0xff, 0xd8}
	b = append(b, JPEGSegment(0xe0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))...)
	for _, s := range segs {
		b = append(b, s...)
	}
	b = append(b, JPEGSegment(0xdb, append([]byte{0}, make([]byte, 64)...))...)
	b = append(b, JPEGSegment(0xc0, []byte{8, 0, 64, 0, 64, 1, 1, 0x11, 0})...)
	b = append(b, JPEGSegment(0xc4, append([]byte{0}, make([]byte, 16+1)...))...)
	b = append(b, JPEGSegment(0xda, []byte{1, 1, 0, 0, 63, 0})...)
	scan := Fill(rng, payload)
	for i := range scan {
		if scan[i] == 0xff {
			scan[i] = 0xfe // no markers inside the entropy-coded data
		}
	}
	b = append(b, scan...)
	return append(b, 0xff, 0xd9)
}

// --- PNG ---

// PNGChunk is a chunk with its CRC.
func PNGChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// PNGText is a tEXt chunk.
func PNGText(key, value string) []byte { return PNGChunk("tEXt", []byte(key+"\x00"+value)) }

// PNGiTXt is an uncompressed iTXt chunk.
func PNGiTXt(key, value string) []byte {
	return PNGChunk("iTXt", []byte(key+"\x00\x00\x00\x00\x00"+value))
}

// PNG returns a PNG with the given chunks after IHDR and one IDAT chunk of
// payload random bytes.
func PNG(rng *rand.Rand, payload int, chunks ...[]byte) []byte {
	b := []byte("\x89PNG\r\n\x1a\n")
	ihdr := binary.BigEndian.AppendUint32(nil, 64)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 64)
	ihdr = append(ihdr, 8, 2, 0, 0, 0)
	b = append(b, PNGChunk("IHDR", ihdr)...)
	for _, c := range chunks {
		b = append(b, c...)
	}
	b = append(b, PNGChunk("IDAT", Fill(rng, payload))...)
	return append(b, PNGChunk("IEND", nil)...)
}

// A1111 is an AUTOMATIC1111-style "parameters" text.
func A1111(prompt string, seed int) string {
	return fmt.Sprintf("%s\nNegative prompt: blurry, lowres\nSteps: 28, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: %d, Size: 1024x1024, Model hash: 31e35c80fc, Model: sd_xl_base_1.0, Version: v1.10.1", prompt, seed)
}

// ComfyPrompt is a ComfyUI API-format prompt graph.
func ComfyPrompt(prompt string, seed int) string {
	return fmt.Sprintf(`{"3": {"inputs": {"seed": %d, "steps": 20, "cfg": 8, "sampler_name": "euler", "model": ["4", 0], "positive": ["6", 0]}, "class_type": "KSampler"}, "4": {"inputs": {"ckpt_name": "flux1-dev.safetensors"}, "class_type": "CheckpointLoaderSimple"}, "6": {"inputs": {"text": %q, "clip": ["4", 1]}, "class_type": "CLIPTextEncode"}}`, seed, prompt)
}

// ComfyWorkflow is a small ComfyUI UI-format workflow.
func ComfyWorkflow() string {
	return `{"last_node_id": 9, "last_link_id": 9, "nodes": [{"id": 3, "type": "KSampler", "pos": [863, 186]}, {"id": 4, "type": "CheckpointLoaderSimple"}], "links": [], "version": 0.4}`
}

// --- RIFF (WebP, WAV) ---

// RIFFChunk is a chunk with its pad byte.
func RIFFChunk(fourcc string, data []byte) []byte {
	c := append([]byte(fourcc), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
	c = append(c, data...)
	if len(data)%2 == 1 {
		c = append(c, 0)
	}
	return c
}

// WebP returns an extended WebP (VP8X) with a VP8 chunk of payload random
// bytes and the optional EXIF (TIFF block) and XMP chunks.
func WebP(rng *rand.Rand, payload int, exif []byte, xmp string) []byte {
	flags := byte(0)
	if exif != nil {
		flags |= 0x08
	}
	if xmp != "" {
		flags |= 0x04
	}
	body := []byte("WEBP")
	body = append(body, RIFFChunk("VP8X", []byte{flags, 0, 0, 0, 63, 0, 0, 63, 0, 0})...)
	vp8 := append([]byte{0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 64, 0, 64, 0}, Fill(rng, payload)...)
	body = append(body, RIFFChunk("VP8 ", vp8)...)
	if exif != nil {
		body = append(body, RIFFChunk("EXIF", exif)...)
	}
	if xmp != "" {
		body = append(body, RIFFChunk("XMP ", []byte(xmp))...)
	}
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}

// WAVHead is the start of a WAV file of total size bytes: RIFF header, fmt,
// a LIST/INFO chunk with an encoder, and the header of a data chunk that
// fills the rest of the file. size must be below 4 GiB + 8.
func WAVHead(size int64, software string) []byte {
	fmtc := RIFFChunk("fmt ", []byte{1, 0, 2, 0, 0x80, 0xbb, 0, 0, 0, 0xee, 2, 0, 4, 0, 16, 0})
	info := append([]byte("INFO"), RIFFChunk("ISFT", append([]byte(software), 0))...)
	list := RIFFChunk("LIST", info)
	head := append([]byte("WAVE"), fmtc...)
	head = append(head, list...)
	dataLen := size - 8 - int64(len(head)) - 8
	head = append(head, "data"...)
	head = binary.LittleEndian.AppendUint32(head, uint32(dataLen))
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(size-8))...), head...)
}

// --- ISO BMFF (MP4, MOV) ---

// Box is an ISO BMFF box with a 32-bit size.
func Box(typ string, payload ...[]byte) []byte {
	n := 8
	for _, p := range payload {
		n += len(p)
	}
	b := binary.BigEndian.AppendUint32(nil, uint32(n))
	b = append(b, typ...)
	for _, p := range payload {
		b = append(b, p...)
	}
	return b
}

// FtypMP4 and FtypMOV are file-type boxes.
var (
	FtypMP4 = Box("ftyp", []byte("isom\x00\x00\x02\x00isomiso2avc1mp41"))
	FtypMOV = Box("ftyp", []byte("qt  \x00\x00\x02\x00qt  "))
)

// Moov is a movie box with a header and a QuickTime encoder tag.
func Moov(encoder string) []byte {
	tool := Box("\xa9too", binary.BigEndian.AppendUint16(nil, uint16(len(encoder))), []byte{0x55, 0xc4}, []byte(encoder))
	return Box("moov", Box("mvhd", make([]byte, 100)), Box("trak", Box("tkhd", make([]byte, 84))), Box("udta", tool))
}

// MdatHeader is a 64-bit mdat box header for a payload of n bytes.
func MdatHeader(n int64) []byte {
	b := binary.BigEndian.AppendUint32(nil, 1)
	b = append(b, "mdat"...)
	return binary.BigEndian.AppendUint64(b, uint64(n+16))
}

// Piece is bytes at an offset of a (sparse) file.
type Piece struct {
	Off  int64
	Data []byte
}

// MP4MoovAtEnd lays out an MP4 of size bytes: ftyp, mdat, moov at the end.
func MP4MoovAtEnd(size int64, encoder string) []Piece {
	moov := Moov(encoder)
	head := append(append([]byte{}, FtypMP4...), MdatHeader(size-int64(len(FtypMP4)+len(moov)+16))...)
	return []Piece{{0, head}, {size - int64(len(moov)), moov}}
}

// MOVMoovAtFront lays out a QuickTime movie of size bytes: ftyp, moov, mdat.
func MOVMoovAtFront(size int64, encoder string) []Piece {
	moov := Moov(encoder)
	head := append(append([]byte{}, FtypMOV...), moov...)
	head = append(head, MdatHeader(size-int64(len(head)+16))...)
	return []Piece{{0, head}}
}

// Assemble writes pieces into a dense buffer of size bytes (for small files).
func Assemble(size int64, pieces []Piece) []byte {
	b := make([]byte, size)
	for _, p := range pieces {
		copy(b[p.Off:], p.Data)
	}
	return b
}

// --- TIFF, GIF, PDF, ID3 ---

// TIFFImage is a little-endian TIFF with one strip of payload random bytes,
// Software and an XMP packet in IFD0.
func TIFFImage(rng *rand.Rand, payload int, software, xmp string) []byte {
	strip := Fill(rng, payload)
	tags := []Tag{
		{ID: 0x0100, Type: TypeShort, Count: 1, Data: []byte{64, 0}},
		{ID: 0x0101, Type: TypeShort, Count: 1, Data: []byte{64, 0}},
		{ID: 0x0111, Type: TypeLong, Count: 1, Data: make([]byte, 4)}, // StripOffsets, patched below
		ASCII(TagSoftware, software),
		{ID: 0x0117, Type: TypeLong, Count: 1, Data: binary.LittleEndian.AppendUint32(nil, uint32(len(strip)))},
		Undefined(TagXMP, []byte(xmp)),
	}
	tags[5].Type = 1 // BYTE, as TIFF writers store XMP
	b := EXIF(false, tags, nil)
	// StripOffsets is the third entry: header 8 + count 2 + 2*12 + tag/type/count 8.
	binary.LittleEndian.PutUint32(b[8+2+2*12+8:], uint32(len(b)))
	return append(b, strip...)
}

// GIF is a 1x1 GIF89a with an XMP application extension and payload random
// bytes of image data in 255-byte sub-blocks.
func GIF(rng *rand.Rand, payload int, xmp string) []byte {
	b := []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00")
	if xmp != "" {
		b = append(b, 0x21, 0xff, 11)
		b = append(b, "XMP DataXMP"...)
		b = append(b, xmp...)
		b = append(b, 1) // magic trailer: 0x01, 0xff ... 0x00, 0x00
		for i := 255; i >= 0; i-- {
			b = append(b, byte(i))
		}
		b = append(b, 0)
	}
	b = append(b, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2)
	data := Fill(rng, payload)
	for len(data) > 0 {
		n := min(255, len(data))
		b = append(b, byte(n))
		b = append(b, data[:n]...)
		data = data[n:]
	}
	return append(b, 0, 0x3b)
}

// PDF is a one-page PDF with an Info dictionary (Producer) and an XMP
// metadata stream, with a classic cross-reference table.
func PDF(producer, xmp string) []byte {
	var b strings.Builder
	var offs []int
	obj := func(s string) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offs), s)
	}
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	obj("<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>")
	obj(fmt.Sprintf("<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n%s\nendstream", len(xmp)+1, xmp))
	obj(fmt.Sprintf("<< /Producer (%s) >>", producer))
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	return []byte(b.String())
}

// MP3 is an ID3v2.4 tag with text frames followed by payload random bytes of
// MPEG audio frames.
func MP3(rng *rand.Rand, payload int, frames map[string]string) []byte {
	var body []byte
	for _, id := range []string{"TIT2", "TSSE", "TENC", "COMM"} {
		v, ok := frames[id]
		if !ok {
			continue
		}
		data := append([]byte{3}, v...) // UTF-8
		if id == "COMM" {
			data = append([]byte{3, 'e', 'n', 'g', 0}, v...)
		}
		body = append(body, id...)
		body = append(body, syncsafe(len(data))...)
		body = append(body, 0, 0)
		body = append(body, data...)
	}
	b := append([]byte("ID3\x04\x00\x00"), syncsafe(len(body))...)
	b = append(b, body...)
	audio := Fill(rng, payload)
	for i := 0; i+4 <= len(audio); i += 417 {
		copy(audio[i:], []byte{0xff, 0xfb, 0x90, 0x64}) // MPEG-1 layer III frame headers
	}
	return append(b, audio...)
}

func syncsafe(n int) []byte {
	return []byte{byte(n >> 21 & 0x7f), byte(n >> 14 & 0x7f), byte(n >> 7 & 0x7f), byte(n & 0x7f)}
}

// SRT is a subtitle file with n cues.
func SRT(n int) []byte {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%d\n00:%02d:%02d,000 --> 00:%02d:%02d,500\nLine %d of the dialogue.\n\n", i, i/60, i%60, i/60, i%60, i)
	}
	return []byte(b.String())
}
