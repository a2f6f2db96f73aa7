package synth

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"strings"
)

// Sample is one typical file of a format, for per-reader benchmarks.
type Sample struct {
	Name   string // benchmark name
	Reader string // the sniff table row expected to read it
	Size   int64
	R      io.ReaderAt
}

// SparseReaderAt serves a sparse file of Size bytes: the pieces, and zeros
// elsewhere. A 4 GiB master costs only its metadata in memory.
type SparseReaderAt struct {
	Size   int64
	Pieces []Piece
}

// ReadAt implements io.ReaderAt.
func (s *SparseReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if off >= s.Size {
		return 0, io.EOF
	}
	n := len(p)
	if int64(n) > s.Size-off {
		n = int(s.Size - off)
	}
	clear(p[:n])
	for _, pc := range s.Pieces {
		lo, hi := max(off, pc.Off), min(off+int64(n), pc.Off+int64(len(pc.Data)))
		if lo < hi {
			copy(p[lo-off:hi-off], pc.Data[lo-pc.Off:hi-pc.Off])
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// FLAC is a FLAC stream with STREAMINFO, a VORBIS_COMMENT block of the given
// "KEY=value" comments and 64 KiB of (zero) audio frames.
func FLAC(comments ...string) []byte {
	b := []byte("fLaC")
	b = append(b, 0, 0, 0, 34)
	b = append(b, make([]byte, 34)...)
	vc := binary.LittleEndian.AppendUint32(nil, 9)
	vc = append(vc, "Lavf60.16"...)
	vc = binary.LittleEndian.AppendUint32(vc, uint32(len(comments)))
	for _, c := range comments {
		vc = binary.LittleEndian.AppendUint32(vc, uint32(len(c)))
		vc = append(vc, c...)
	}
	b = append(b, 0x80|4, byte(len(vc)>>16), byte(len(vc)>>8), byte(len(vc)))
	b = append(b, vc...)
	return append(b, make([]byte, 64<<10)...)
}

// ZIP is a stored (uncompressed) zip of the given members, in name order given.
func ZIP(names []string, members [][]byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i, name := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			panic(err)
		}
		w.Write(members[i])
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// PSD is a Photoshop document whose image resources hold XMP (1060) and
// EXIF (1058), followed by payload random bytes of image data.
func PSD(rng *rand.Rand, payload int, xmp string, exif []byte) []byte {
	b := []byte("8BPS\x00\x01\x00\x00\x00\x00\x00\x00\x00\x03")
	b = binary.BigEndian.AppendUint32(b, 64) // height
	b = binary.BigEndian.AppendUint32(b, 64) // width
	b = append(b, 0, 8, 0, 3)                // depth 8, RGB
	b = binary.BigEndian.AppendUint32(b, 0)  // colour mode data
	var res []byte
	for _, r := range []struct {
		id   uint16
		data []byte
	}{{1060, []byte(xmp)}, {1058, exif}} {
		res = append(res, "8BIM"...)
		res = binary.BigEndian.AppendUint16(res, r.id)
		res = append(res, 0, 0) // empty name, padded
		res = binary.BigEndian.AppendUint32(res, uint32(len(r.data)))
		res = append(res, r.data...)
		if len(r.data)%2 == 1 {
			res = append(res, 0)
		}
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(res)))
	b = append(b, res...)
	b = binary.BigEndian.AppendUint32(b, 0) // layer and mask information
	b = append(b, 0, 0)                     // raw image data
	return append(b, Fill(rng, payload)...)
}

// JXL is a JPEG XL container with Exif and xml (XMP) boxes and a jxlc box
// of payload random codestream bytes.
func JXL(rng *rand.Rand, payload int, exif []byte, xmp string) []byte {
	b := []byte{0, 0, 0, 0x0C, 'J', 'X', 'L', ' ', 0x0D, 0x0A, 0x87, 0x0A}
	b = append(b, Box("ftyp", []byte("jxl \x00\x00\x00\x00jxl "))...)
	b = append(b, Box("Exif", []byte{0, 0, 0, 0}, exif)...)
	b = append(b, Box("xml ", []byte(xmp))...)
	return append(b, Box("jxlc", []byte{0xff, 0x0a}, Fill(rng, payload))...)
}

// SVG is an SVG document with the XMP packet's x:xmpmeta in <metadata>.
func SVG(xmp string) []byte {
	i, j := strings.Index(xmp, "<x:xmpmeta"), strings.Index(xmp, "<?xpacket end")
	return []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><metadata>` +
		xmp[i:j] + `</metadata><rect width="64" height="64"/></svg>`)
}

// Samples returns one typical file per format, each with GenAI or camera
// metadata: stills of about 200 KiB, and 4 GiB masters served sparsely.
func Samples() []Sample {
	rng := rand.New(rand.NewPCG(1, 2))
	const payload = 200 << 10
	xmp := XMP(SourceType("trainedAlgorithmicMedia") + `<xmp:CreatorTool>Adobe Firefly</xmp:CreatorTool>`)
	camera := EXIF(false, []Tag{ASCII(TagMake, "Canon"), ASCII(TagModel, "Canon EOS R5"),
		ASCII(TagSoftware, "Adobe Lightroom Classic 13.1")}, []Tag{UserCommentASCII("take 3")})
	png := PNG(rng, payload, PNGText("parameters", A1111("a harbour at dawn", 42)),
		PNGText("prompt", ComfyPrompt("a lighthouse", 7)), PNGText("workflow", ComfyWorkflow()))
	dense := func(name, reader string, b []byte) Sample {
		return Sample{Name: name, Reader: reader, Size: int64(len(b)), R: bytes.NewReader(b)}
	}
	const master = int64(4) << 30
	sparse := func(name, reader string, pieces []Piece) Sample {
		return Sample{Name: name, Reader: reader, Size: master, R: &SparseReaderAt{Size: master, Pieces: pieces}}
	}
	return []Sample{
		dense("JPEG", "JPEG", JPEG(rng, payload, JPEGExif(camera), JPEGXMP(xmp))),
		dense("PNG", "PNG", png),
		dense("WebP", "RIFF", WebP(rng, payload, camera, xmp)),
		dense("TIFF", "TIFF", TIFFImage(rng, payload, "Adobe Photoshop 25.0", xmp)),
		dense("GIF", "GIF", GIF(rng, payload, xmp)),
		dense("PDF", "PDF", PDF("Adobe Firefly", xmp)),
		dense("MP3", "MP3", MP3(rng, payload, map[string]string{"TIT2": "Main title", "TSSE": "Lavf60.16.100", "COMM": "generated with Suno"})),
		dense("FLAC", "FLAC", FLAC("TITLE=Main title", "ENCODER=Lavf60.16", "COMMENT=made with Udio")),
		dense("SVG", "SVG", SVG(xmp)),
		dense("XMPSidecar", "XMP sidecar", []byte(xmp)),
		dense("PSD", "PSD", PSD(rng, payload, xmp, camera)),
		dense("JXL", "JXL", JXL(rng, payload, camera, xmp)),
		dense("ZIP", "ZIP", ZIP([]string{"press/readme.txt", "press/keyart.png"}, [][]byte{[]byte("press kit"), png})),
		dense("OpenEXR", "OpenEXR", EXR(rng, payload, EXRString("software", "ComfyUI 0.3.44"), EXRString("comments", "denoised"))),
		dense("DPX", "DPX", DPX(rng, payload, "Nuke 15.1", "Show 101")),
		dense("Cineon", "Cineon", Cineon(rng, payload, "Kodak Genesis")),
		sparse("MP4_4GiB_moov_at_end", "ISOBMFF", MP4MoovAtEnd(master, "Lavf60.16.100")),
		sparse("MOV_4GiB", "ISOBMFF", MOVMoovAtFront(master, "Lavf60.16.100")),
		sparse("WAV_4GiB", "RIFF", []Piece{{Off: 0, Data: WAVHead(master, "Lavf60.16.100")}}),
		sparse("MXF_4GiB_footer", "MXF", MXFMaster(master, "Blackmagic Design", "DaVinci Resolve")),
		sparse("Matroska_4GiB_tags_at_end", "Matroska", MatroskaMaster(master, "mkvmerge v89.0")),
		sparse("RF64_4GiB_adm_after_data", "RIFF", RF64Master(master, "Main mix", "Pyramix")),
	}
}
