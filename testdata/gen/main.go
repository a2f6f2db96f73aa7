// Command gen writes the sample deliverables tree under testdata/deliverables:
// small stills, clean ones and ones carrying each kind of GenAI marker. Every
// file is built here from scratch; run it with `go run ./testdata/gen` (or
// `make testdata`) after changing it, and commit its output.
package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"unicode/utf16"

	"github.com/fxamacker/cbor/v2"

	"github.com/provscan/provscan/bench/synth"
)

func main() {
	out := flag.String("o", "testdata/deliverables", "output folder")
	flag.Parse()
	files := map[string][]byte{
		// Clean deliverables: camera and editor metadata, no GenAI.
		"clean/stills/camera.jpg": jpegWith(exifSeg(true, []tag{{0x010F, "Canon"}, {0x0110, "Canon EOS 5D Mark IV"}, {0x0131, "Adobe Photoshop 25.0"}}, nil),
			xmpSeg(xmpPacket(`<xmp:CreatorTool>Adobe Photoshop 25.0 (Macintosh)</xmp:CreatorTool>
   <Iptc4xmpExt:DigitalSourceType>http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture</Iptc4xmpExt:DigitalSourceType>`))),
		"clean/stills/graphic.png":    pngWith(textChunk("tEXt", "Software", "GIMP 2.10.36"), textChunk("tEXt", "Comment", "Created with GIMP")),
		"clean/stills/plain.webp":     webpWith(nil),
		"clean/stills/procedural.jpg": jpegWith(xmpSeg(xmpPacket(`<Iptc4xmpExt:DigitalSourceType>http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia</Iptc4xmpExt:DigitalSourceType>`))),
		"clean/notes.txt":             []byte("Delivery notes: final grade v3, approved 2026-11-20.\n"),

		// GenAI markers, one kind per file.
		"stills/a1111.png": pngWith(textChunk("tEXt", "parameters",
			"matte painting of a harbour at dawn\nNegative prompt: blurry\nSteps: 20, Sampler: DPM++ 2M, CFG scale: 7, Seed: 1234, Size: 64x64, Model hash: 0123456789, Model: sdxl_base, Version: v1.10.1")),
		"stills/comfyui.png": pngWith(
			textChunk("tEXt", "prompt", `{"3": {"inputs": {"seed": 42, "steps": 20}, "class_type": "KSampler"}}`),
			textChunk("tEXt", "workflow", `{"last_node_id": 9, "nodes": [{"id": 3, "type": "KSampler"}]}`)),
		"stills/unicode-prompt.png": pngWith(itxtChunk("parameters", "ポスター、夕暮れの港\nSteps: 28, Sampler: Euler a, CFG scale: 6, Seed: 7, Version: f2.0.1v1.10.1-previous-669")),
		"stills/swarmui.jpg":        jpegWith(exifSeg(false, nil, []tag{{0x9286, userCommentUTF16LE(`{"sui_image_params": {"prompt": "a lighthouse", "seed": 9}}`)}})),
		"stills/novelai.webp":       webpWith(exifPayload(false, []tag{{0x0131, "NovelAI Diffusion V4.5 4BDE2A90"}, {0x010D, "NovelAI generated image"}}, nil)),
		"stills/generated-xmp.jpg": jpegWith(xmpSeg(xmpPacket(`<Iptc4xmpExt:DigitalSourceType>http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia</Iptc4xmpExt:DigitalSourceType>
   <photoshop:Credit>Made with Google AI</photoshop:Credit>`))),
		"stills/inpainted.jpg": jpegWith(xmpSeg(xmpPacket(`<Iptc4xmpExt:DigitalSourceType>https://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia</Iptc4xmpExt:DigitalSourceType>`))),
		"stills/c2pa-generated.png": pngWith(chunk("caBX", c2paStore("urn:c2pa:00000000-0000-4000-8000-000000000001", "ExampleGen/1.0",
			"c2pa.created", "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia", "Adobe Firefly"))),
		"stills/cloud-credential.jpg": jpegWith(xmpSeg(xmpPacket(`<dcterms:provenance>https://cai-manifests.example.com/manifests/urn-uuid-0000</dcterms:provenance>`))),
		"stills/misnamed.jpeg":        pngWith(textChunk("tEXt", "Software", "NovelAI"), textChunk("tEXt", "Source", "Stable Diffusion 1D44365E")),

		// Damaged files: reported as unreadable, the scan goes on.
		"broken/truncated.png": pngWith(textChunk("tEXt", "Software", "GIMP"))[:40],
	}
	addProfessional(files)
	for name, data := range files {
		path := filepath.Join(*out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("wrote %d files under %s\n", len(files), *out)
}

// --- images ---

func tinyImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 30), uint8(y * 30), 128, 255})
		}
	}
	return img
}

// jpegWith encodes a tiny JPEG and inserts the given segments after SOI.
func jpegWith(segments ...[]byte) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, tinyImage(), &jpeg.Options{Quality: 80}); err != nil {
		log.Fatal(err)
	}
	b := buf.Bytes()
	out := append([]byte{}, b[:2]...)
	for _, s := range segments {
		out = append(out, s...)
	}
	return append(out, b[2:]...)
}

func segment(marker byte, payload []byte) []byte {
	if len(payload)+2 > 0xFFFF {
		log.Fatalf("segment too large")
	}
	s := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(payload)+2))
	return append(s, payload...)
}

func xmpSeg(packet string) []byte {
	return segment(0xE1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), packet...))
}

func exifSeg(bigEndian bool, ifd0, exifIFD []tag) []byte {
	return segment(0xE1, exifPayload(bigEndian, ifd0, exifIFD))
}

func xmpPacket(props string) string {
	return `<?xpacket begin="` + "\uFEFF" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:dcterms="http://purl.org/dc/terms/"
    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/">
   ` + props + `
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>`
}

// --- EXIF ---

type tag struct {
	id    uint16
	value any // string (ASCII) or []byte (UNDEFINED)
}

// exifPayload builds "Exif\0\0" + a TIFF block with IFD0 and, if given, an Exif IFD.
func exifPayload(bigEndian bool, ifd0, exifIFD []tag) []byte {
	var bo binary.ByteOrder = binary.LittleEndian
	hdr := []byte("II*\x00\x08\x00\x00\x00")
	if bigEndian {
		bo = binary.BigEndian
		hdr = []byte("MM\x00*\x00\x00\x00\x08")
	}
	if len(exifIFD) > 0 {
		ifd0 = append(ifd0, tag{0x8769, uint32(0)}) // patched below
	}
	ifd0Size := 2 + 12*len(ifd0) + 4
	exifOff := 8 + ifd0Size + dataSize(ifd0)
	for i := range ifd0 {
		if ifd0[i].id == 0x8769 {
			ifd0[i].value = uint32(exifOff)
		}
	}
	tiff := append([]byte{}, hdr...)
	tiff = appendIFD(tiff, bo, ifd0)
	if len(exifIFD) > 0 {
		tiff = appendIFD(tiff, bo, exifIFD)
	}
	return append([]byte("Exif\x00\x00"), tiff...)
}

func valueBytes(v any) (typ uint16, data []byte) {
	switch x := v.(type) {
	case string:
		return 2, append([]byte(x), 0)
	case []byte:
		return 7, x
	case uint32:
		b := make([]byte, 4)
		return 4, b
	}
	log.Fatalf("bad tag value %T", v)
	return 0, nil
}

func dataSize(tags []tag) int {
	n := 0
	for _, t := range tags {
		_, d := valueBytes(t.value)
		if len(d) > 4 {
			n += len(d) + len(d)%2
		}
	}
	return n
}

// appendIFD appends one IFD (entries, next-IFD 0, then out-of-line data) at the end of tiff.
func appendIFD(tiff []byte, bo binary.ByteOrder, tags []tag) []byte {
	start := len(tiff)
	dataOff := start + 2 + 12*len(tags) + 4
	ifd := make([]byte, 2+12*len(tags)+4)
	bo.PutUint16(ifd, uint16(len(tags)))
	var data []byte
	for i, t := range tags {
		typ, d := valueBytes(t.value)
		e := ifd[2+12*i:]
		bo.PutUint16(e[0:], t.id)
		bo.PutUint16(e[2:], typ)
		count := len(d)
		if typ == 4 {
			count = 1
			bo.PutUint32(e[8:], t.value.(uint32))
		} else if len(d) <= 4 {
			copy(e[8:], d)
		} else {
			bo.PutUint32(e[8:], uint32(dataOff+len(data)))
			data = append(data, d...)
			if len(d)%2 == 1 {
				data = append(data, 0)
			}
		}
		bo.PutUint32(e[4:], uint32(count))
	}
	return append(append(tiff, ifd...), data...)
}

// userCommentUTF16LE encodes a UserComment the way SwarmUI does: "UNICODE\0" + UTF-16LE.
func userCommentUTF16LE(s string) []byte {
	b := []byte("UNICODE\x00")
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}

// --- PNG ---

func pngWith(chunks ...[]byte) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, tinyImage()); err != nil {
		log.Fatal(err)
	}
	b := buf.Bytes()
	ihdrEnd := 8 + 8 + 13 + 4 // signature, IHDR header, data, CRC
	out := append([]byte{}, b[:ihdrEnd]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, b[ihdrEnd:]...)
}

func chunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

func textChunk(typ, key, value string) []byte {
	return chunk(typ, []byte(key+"\x00"+value))
}

// itxtChunk is an uncompressed iTXt chunk (UTF-8 text).
func itxtChunk(key, value string) []byte {
	return chunk("iTXt", []byte(key+"\x00\x00\x00\x00\x00"+value))
}

// --- WebP ---

// vp8l1x1 is a 1x1 lossless VP8L bitstream: every prefix code is a simple
// one-symbol code, so the single pixel needs no bits.
func vp8l1x1() []byte {
	var bits []int
	put := func(v, n int) {
		for i := 0; i < n; i++ {
			bits = append(bits, (v>>i)&1)
		}
	}
	put(0, 14) // width-1
	put(0, 14) // height-1
	put(0, 1)  // alpha hint
	put(0, 3)  // version
	put(0, 1)  // no transform
	put(0, 1)  // no colour cache
	put(0, 1)  // no meta prefix codes
	for i := 0; i < 5; i++ {
		put(1, 1) // simple code
		put(0, 1) // one symbol
		if i == 3 {
			put(1, 1)   // 8-bit symbol
			put(255, 8) // alpha 255
		} else {
			put(0, 1) // 1-bit symbol
			put(0, 1) // symbol 0
		}
	}
	out := []byte{0x2f}
	for i := 0; i < len(bits); i += 8 {
		var b byte
		for j := 0; j < 8 && i+j < len(bits); j++ {
			b |= byte(bits[i+j]) << j
		}
		out = append(out, b)
	}
	return out
}

func riffChunk(fourcc string, data []byte) []byte {
	c := append([]byte(fourcc), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
	c = append(c, data...)
	if len(data)%2 == 1 {
		c = append(c, 0)
	}
	return c
}

// webpWith builds an extended WebP (VP8X) with an optional EXIF chunk.
func webpWith(exif []byte) []byte {
	flags := byte(0)
	if exif != nil {
		flags |= 0x08
	}
	vp8x := []byte{flags, 0, 0, 0, 0, 0, 0, 0, 0, 0} // canvas 1x1 (stored minus one)
	body := []byte("WEBP")
	body = append(body, riffChunk("VP8X", vp8x)...)
	body = append(body, riffChunk("VP8L", vp8l1x1())...)
	if exif != nil {
		body = append(body, riffChunk("EXIF", exif[6:])...) // WebP stores the TIFF block without "Exif\0\0"
	}
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}

// --- C2PA (unsigned, for detection) ---

func jumbfBox(typ string, payload []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(8+len(payload)))
	return append(append(b, typ...), payload...)
}

// superbox builds a JUMBF superbox with a description box of the given type and label.
func superbox(typeUUID [16]byte, label string, children ...[]byte) []byte {
	desc := append(append([]byte{}, typeUUID[:]...), 0x03) // requestable + label present
	desc = append(append(desc, label...), 0)
	payload := jumbfBox("jumd", desc)
	for _, c := range children {
		payload = append(payload, c...)
	}
	return jumbfBox("jumb", payload)
}

func c2paUUID(tag string) [16]byte {
	var u [16]byte
	copy(u[:4], tag)
	copy(u[4:], []byte{0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71})
	return u
}

var cborUUID = [16]byte{'c', 'b', 'o', 'r', 0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}

// detCBOR encodes maps with sorted keys, so the generator's output never
// depends on Go's map order.
var detCBOR = func() cbor.EncMode {
	em, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		log.Fatal(err)
	}
	return em
}()

func cborBox(label string, v any) []byte {
	data, err := detCBOR.Marshal(v)
	if err != nil {
		log.Fatal(err)
	}
	return superbox(cborUUID, label, jumbfBox("cbor", data))
}

// c2paStore builds a one-manifest store with a v2 claim and a c2pa.actions.v2
// assertion. It is not signed: it exercises detection only.
func c2paStore(label, generator, action, sourceType, agent string) []byte {
	actions := map[string]any{"actions": []any{map[string]any{
		"action": action, "digitalSourceType": sourceType, "softwareAgent": map[string]any{"name": agent},
	}}}
	claim := map[string]any{
		"instanceID":           "xmp:iid:00000000-0000-4000-8000-000000000002",
		"claim_generator_info": map[string]any{"name": generator},
		"signature":            "self#jumbf=c2pa.signature",
		"created_assertions":   []any{map[string]any{"url": "self#jumbf=c2pa.assertions/c2pa.actions.v2", "hash": make([]byte, 32)}},
		"alg":                  "sha256",
	}
	assertions := superbox(c2paUUID("c2as"), "c2pa.assertions", cborBox("c2pa.actions.v2", actions))
	manifest := superbox(c2paUUID("c2ma"), label, assertions, cborBox("c2pa.claim.v2", claim))
	return superbox(c2paUUID("c2pa"), "c2pa", manifest)
}

// addProfessional adds what a studio delivery is made of, built by
// bench/synth: OpenEXR and DPX frame sequences (one frame of a VFX shot
// rendered by ComfyUI, the rest by Nuke), and short MXF and Matroska
// masters (one MXF written by a GenAI tool).
func addProfessional(files map[string][]byte) {
	rng := rand.New(rand.NewPCG(13, 13))
	for i := 1001; i <= 1004; i++ {
		files[fmt.Sprintf("clean/vfx/sh010_comp.%d.exr", i)] = synth.EXR(rng, 256, synth.EXRString("software", "Nuke 15.1v3"))
		software := "Nuke 15.1v3"
		if i == 1003 {
			software = "ComfyUI 0.3.44"
		}
		files[fmt.Sprintf("vfx/sh020_comp.%d.exr", i)] = synth.EXR(rng, 256, synth.EXRString("software", software))
	}
	for i := 1; i <= 3; i++ {
		files[fmt.Sprintf("clean/scans/reel1_%06d.dpx", i)] = synth.DPX(rng, 256, "DaVinci Resolve Studio", "Show 101")
	}
	const master = 16 << 10
	files["masters/reel2.mxf"] = synth.Assemble(master, synth.MXFMaster(master, "Runway AI, Inc.", "Runway Gen-4"))
	files["clean/masters/reel1.mxf"] = synth.Assemble(master, synth.MXFMaster(master, "Blackmagic Design", "DaVinci Resolve"))
	files["clean/masters/reel1.mkv"] = synth.Assemble(master, synth.MatroskaMaster(master, "mkvmerge v89.0"))
	// C2PA-signed video tools, named by claim generator or software agent
	// (unsigned here: they also fail validation).
	files["masters/runway_gen3.mp4"] = c2paMP4(c2paStore("urn:c2pa:00000000-0000-4000-8000-000000000003", "Runway AI, Inc.",
		"c2pa.created", "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia", "Video Generation"))
	files["masters/seedance.mp4"] = c2paMP4(c2paStore("urn:c2pa:00000000-0000-4000-8000-000000000004", "c2pa-rs",
		"c2pa.created", "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia", "BytePlus_ModelArk"))
}

// c2paMP4 is a short MP4 (ftyp, the C2PA uuid box holding store, moov)
// as C2PA tools lay out a signed clip.
func c2paMP4(store []byte) []byte {
	payload := []byte{0xd8, 0xfe, 0xc3, 0xd6, 0x1b, 0x0e, 0x48, 0x3c, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7e, 0xc4, 0x81}
	payload = append(payload, 0, 0, 0, 0)
	payload = append(payload, "manifest\x00"...)
	payload = append(payload, make([]byte, 8)...) // offset of the first merkle box: none
	payload = append(payload, store...)
	b := append([]byte(nil), synth.FtypMP4...)
	b = append(b, synth.Box("uuid", payload)...)
	return append(b, synth.Moov("Lavf58.29.100")...)
}
