package synth

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// TreeConfig describes a synthetic deliverables tree.
type TreeConfig struct {
	Files      int    // small files (stills and sidecars)
	Masters    int    // sets of sparse masters (one MP4, one MOV and one WAV each)
	MasterSize int64  // size of each master; 4 GiB by default
	MaxPayload int    // largest media payload of a still, in bytes; 96 KiB by default
	PerFolder  int    // files per folder; 200 by default
	Seed       uint64 // random seed
}

// TreeStats counts what Tree wrote.
type TreeStats struct {
	Files   int   // all files, masters included
	Marked  int   // stills carrying a GenAI marker
	Masters int   // sparse masters
	Bytes   int64 // apparent size of all files
}

// kind is one row of the mix of small files, with its weight in thousandths.
type kind struct {
	weight int
	ext    string
	marked bool
	make   func(rng *rand.Rand, payload, i int) []byte
}

var cameraEXIF = func(i int) []byte {
	return EXIF(i%2 == 0, []Tag{ASCII(TagMake, "Canon"), ASCII(TagModel, "Canon EOS R5"), ASCII(TagSoftware, "Adobe Lightroom Classic 13.1")},
		[]Tag{UserCommentASCII("take 3, camera B")})
}

// mix is the share of each kind of small file: about a fifth of the stills
// carry GenAI markers; the rest are clean stills (most with camera or editor
// metadata) and sidecars.
var mix = []kind{
	{250, ".jpg", false, func(r *rand.Rand, p, i int) []byte { return JPEG(r, p, JPEGExif(cameraEXIF(i))) }},
	{60, ".jpg", false, func(r *rand.Rand, p, i int) []byte {
		return JPEG(r, p, JPEGExif(cameraEXIF(i)), JPEGXMP(XMP(SourceType("digitalCapture")+`<xmp:CreatorTool>Adobe Photoshop 25.0</xmp:CreatorTool>`)))
	}},
	{80, ".jpg", true, func(r *rand.Rand, p, i int) []byte {
		return JPEG(r, p, JPEGXMP(XMP(SourceType("trainedAlgorithmicMedia")+`<xmp:CreatorTool>Adobe Firefly</xmp:CreatorTool>`)))
	}},
	{130, ".png", false, func(r *rand.Rand, p, i int) []byte { return PNG(r, p, PNGText("Software", "GIMP 2.10.36")) }},
	{40, ".png", false, func(r *rand.Rand, p, i int) []byte { return PNG(r, p) }},
	{50, ".png", true, func(r *rand.Rand, p, i int) []byte {
		return PNG(r, p, PNGText("parameters", A1111(fmt.Sprintf("matte painting of a harbour at dawn, shot %d", i), i)))
	}},
	{50, ".png", true, func(r *rand.Rand, p, i int) []byte {
		return PNG(r, p, PNGText("prompt", ComfyPrompt("a lighthouse in fog", i)), PNGText("workflow", ComfyWorkflow()))
	}},
	{90, ".webp", false, func(r *rand.Rand, p, i int) []byte { return WebP(r, p, nil, "") }},
	{50, ".webp", false, func(r *rand.Rand, p, i int) []byte { return WebP(r, p, cameraEXIF(i), "") }},
	{30, ".webp", true, func(r *rand.Rand, p, i int) []byte {
		return WebP(r, p, EXIF(false, []Tag{ASCII(TagMake, "Prompt:"+ComfyPrompt("key art, neon city", i))}, nil), "")
	}},
	{60, ".exr", false, func(r *rand.Rand, p, i int) []byte {
		return EXR(r, p, EXRString("software", "Nuke 15.1v3"), EXRString("owner", "Example VFX"))
	}},
	{10, ".exr", true, func(r *rand.Rand, p, i int) []byte { return EXR(r, p, EXRString("software", "ComfyUI 0.3.44")) }},
	{40, ".dpx", false, func(r *rand.Rand, p, i int) []byte { return DPX(r, p, "DaVinci Resolve Studio", "Show 101") }},
	{10, ".cin", false, func(r *rand.Rand, p, i int) []byte { return Cineon(r, p, "Kodak Genesis") }},
	{120, ".srt", false, func(r *rand.Rand, p, i int) []byte { return SRT(20 + i%40) }},
	{50, ".json", false, func(r *rand.Rand, p, i int) []byte {
		return fmt.Appendf(nil, `{"shot": %d, "take": %d, "camera": "B", "lens": "35mm", "notes": "approved by DP"}`+"\n", i, i%7)
	}},
}

// Tree writes a synthetic deliverables tree under dir, which must not exist
// or be empty. Small files go to stills/NNNN/ folders; masters, sparse, to
// masters/.
func Tree(dir string, cfg TreeConfig) (TreeStats, error) {
	if cfg.MasterSize == 0 {
		cfg.MasterSize = 4 << 30
	}
	if cfg.MaxPayload <= 0 {
		cfg.MaxPayload = 96 << 10
	}
	if cfg.PerFolder <= 0 {
		cfg.PerFolder = 200
	}
	var st TreeStats
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	total := 0
	for _, k := range mix {
		total += k.weight
	}
	for i := range cfg.Files {
		folder := filepath.Join(dir, "stills", fmt.Sprintf("%04d", i/cfg.PerFolder))
		if i%cfg.PerFolder == 0 {
			if err := os.MkdirAll(folder, 0o755); err != nil {
				return st, err
			}
		}
		w := rng.IntN(total)
		k := mix[0]
		for _, c := range mix {
			if w < c.weight {
				k = c
				break
			}
			w -= c.weight
		}
		payload := 1024 + rng.IntN(cfg.MaxPayload)
		data := k.make(rng, payload, i)
		name := filepath.Join(folder, fmt.Sprintf("sh%06d%s", i, k.ext))
		if err := os.WriteFile(name, data, 0o644); err != nil {
			return st, err
		}
		st.Files++
		st.Bytes += int64(len(data))
		if k.marked {
			st.Marked++
		}
	}
	if cfg.Masters > 0 {
		mdir := filepath.Join(dir, "masters")
		if err := os.MkdirAll(mdir, 0o755); err != nil {
			return st, err
		}
		for i := range cfg.Masters {
			size := cfg.MasterSize
			layouts := map[string][]Piece{
				fmt.Sprintf("reel%02d_moov_at_end.mp4", i+1): MP4MoovAtEnd(size, "Lavf60.16.100"),
				fmt.Sprintf("reel%02d_prores.mov", i+1):      MOVMoovAtFront(size, "Lavf60.16.100"),
				fmt.Sprintf("reel%02d_stems.wav", i+1):       {{0, WAVHead(min(size, 4<<30), "Lavf60.16.100")}},
				fmt.Sprintf("reel%02d_imf.mxf", i+1):         MXFMaster(size, "Blackmagic Design", "DaVinci Resolve"),
				fmt.Sprintf("reel%02d_mezzanine.mkv", i+1):   MatroskaMaster(size, "mkvmerge v89.0"),
				fmt.Sprintf("reel%02d_adm.wav", i+1):         RF64Master(size, "Main mix", "Pyramix"),
			}
			for name, pieces := range layouts {
				if err := SparseFile(filepath.Join(mdir, name), size, pieces); err != nil {
					return st, err
				}
				st.Files++
				st.Masters++
				st.Bytes += size
			}
		}
	}
	return st, nil
}

// SparseFile writes pieces into a file of size bytes whose other bytes are
// holes (no disk space used on file systems with sparse files).
func SparseFile(path string, size int64, pieces []Piece) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		return err
	}
	for _, p := range pieces {
		if _, err := f.WriteAt(p.Data, p.Off); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}
