package scanner

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif" // registered for image.DecodeConfig and image.Decode
	"image/jpeg"
	_ "image/png" // registered for image.DecodeConfig and image.Decode
	"io"
	"sync"
	"time"

	xdraw "golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // registered for image.DecodeConfig and image.Decode

	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/provenance/container"
	"github.com/provscan/provscan/provenance/exif"
	"github.com/provscan/provscan/scanner/report"
)

// Thumbnails of flagged files, for the HTML report (Options.Thumbnails).
// Each is made while its file is open, after the rules and the hash, from
// the first of: the active C2PA manifest's claim thumbnail, the EXIF IFD1
// thumbnail, a decode of the still itself (JPEG, PNG, GIF, WebP). Whatever
// the source, the bytes are decoded within a pixel and memory budget,
// scaled to at most ThumbnailSide pixels on the long side and encoded anew
// as a JPEG: what reaches the report is an image provscan made, never the
// file's bytes. A thumbnail is never a verdict: whatever stops one (a
// budget, a malformed image, a cap) leaves the file without one, quietly.
const (
	// ThumbnailSide is the longest side of a thumbnail, in pixels.
	ThumbnailSide = 256
	// ThumbnailQuality is the JPEG quality of a thumbnail.
	ThumbnailQuality = 70
	// MaxThumbnails caps the thumbnails of one scan.
	MaxThumbnails = 2000
	// MaxThumbnailBytes caps the encoded bytes of all thumbnails of one scan.
	MaxThumbnailBytes = 64 << 20
	// thumbMaxPixels is the largest image decoded, read from its header
	// before any pixel is: a decompression bomb is refused by its size.
	thumbMaxPixels = 40_000_000
	// thumbMaxFile is the largest still decoded whole, in bytes.
	thumbMaxFile = 128 << 20
)

// thumbCap counts the thumbnails of one scan against MaxThumbnails and
// MaxThumbnailBytes.
type thumbCap struct {
	mu    sync.Mutex
	n     int
	bytes int64
}

// full reports whether the cap is reached.
func (c *thumbCap) full() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n >= MaxThumbnails || c.bytes >= MaxThumbnailBytes
}

// take counts a thumbnail of n bytes, or reports false when it does not fit.
func (c *thumbCap) take(n int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n >= MaxThumbnails || c.bytes+int64(n) > MaxThumbnailBytes {
		return false
	}
	c.n++
	c.bytes += int64(n)
	return true
}

// thumbEntry is the thumbnail of one flagged file or member.
type thumbEntry struct {
	root, path string
	thumb      report.Thumbnail
}

// Sources of thumbnails (report.Thumbnail.Source).
const (
	thumbFromC2PA  = "C2PA thumbnail"
	thumbFromEXIF  = "EXIF thumbnail"
	thumbFromStill = "decoded still"
)

// stillFormats are the formats whose stills are decoded when they carry no
// thumbnail of their own.
var stillFormats = map[string]bool{"JPEG": true, "PNG": true, "GIF": true, "WebP": true}

// thumbnail makes the thumbnail of one flagged item, read through br (its
// reads count against the item's read and time budgets) with memory
// reserved from fb.
func (s *scan) thumbnail(br *budgetReaderAt, size int64, p *provenance.Provenance, fb *provenance.Budget) (report.Thumbnail, bool) {
	if s.thumbs.full() {
		return report.Thumbnail{}, false
	}
	reserve := func(n int64) error { return fb.Reserve(provenance.Memory, n) }
	try := func(src string, r io.ReaderAt, n int64) (report.Thumbnail, bool) {
		data, err := makeThumbnail(r, n, reserve)
		if err != nil || !s.thumbs.take(len(data)) {
			return report.Thumbnail{}, false
		}
		return report.Thumbnail{MIME: "image/jpeg", Data: data, Source: src}, true
	}
	for _, st := range p.C2PA {
		if st.Store == nil {
			continue
		}
		for i := len(st.Manifests) - 1; i >= 0; i-- { // the active manifest is the last
			if _, data := st.Manifests[i].Thumbnail(); data != nil {
				if t, ok := try(thumbFromC2PA, bytes.NewReader(data), int64(len(data))); ok {
					return t, true
				}
				break
			}
		}
	}
	for _, b := range p.Blocks {
		if b.Kind != container.KindEXIF {
			continue
		}
		if data := exif.Thumbnail(b.Data); data != nil {
			if t, ok := try(thumbFromEXIF, bytes.NewReader(data), int64(len(data))); ok {
				return t, true
			}
		}
	}
	if p.Media != "image" || !stillFormats[p.Format] || size > thumbMaxFile {
		return report.Thumbnail{}, false
	}
	return try(thumbFromStill, thumbReader{s, br}, size)
}

// thumbReader reads a still for its thumbnail through the item's budgets
// without tripping them: a thumbnail that would overspend the read budget
// or outlast the time budget fails alone, and the reads that came before
// (of members, say) are not marked over budget.
type thumbReader struct {
	s *scan
	b *budgetReaderAt
}

var errThumbBudget = errors.New("thumbnail: over the file's budget")

func (t thumbReader) ReadAt(p []byte, off int64) (int, error) {
	b := t.b
	if b.tripped != nil {
		return 0, b.tripped
	}
	if t.s.ctx != nil && t.s.ctx.Err() != nil {
		return 0, t.s.ctx.Err()
	}
	if !b.deadline.IsZero() && time.Now().After(b.deadline) {
		return 0, errThumbBudget
	}
	if b.left >= 0 {
		if int64(len(p)) > b.left {
			return 0, errThumbBudget
		}
		b.left -= int64(len(p))
	}
	return b.r.ReadAt(p, off)
}

// bytesPerPixel bounds the memory a decoder of this format and colour
// model holds per pixel while it decodes: a progressive JPEG keeps its DCT
// coefficients (4 bytes per sample, 3 samples) beside the image; a 16-bit
// PNG decodes to 8 bytes a pixel, and an interlaced PNG holds its seven
// passes (the image's size together) beside the image.
func bytesPerPixel(format string, m color.Model) int64 {
	switch {
	case format == "jpeg":
		return 16
	case format == "png" && (m == color.RGBA64Model || m == color.NRGBA64Model):
		return 16
	case format == "png":
		return 8
	}
	return 5 // GIF (one byte a pixel), WebP (4:2:0 and alpha, or NRGBA)
}

// makeThumbnail decodes the image of the first size bytes of r (JPEG, PNG,
// GIF or WebP) if its header's size is within thumbMaxPixels and the memory
// its decode needs can be reserved, and returns it scaled to at most
// ThumbnailSide pixels on the long side, encoded as a JPEG.
func makeThumbnail(r io.ReaderAt, size int64, reserve func(int64) error) ([]byte, error) {
	cfg, format, err := image.DecodeConfig(io.NewSectionReader(r, 0, size))
	if err != nil {
		return nil, err
	}
	if format != "jpeg" && format != "png" && format != "gif" && format != "webp" {
		return nil, fmt.Errorf("thumbnail: %s is not decoded", format)
	}
	w, h := int64(cfg.Width), int64(cfg.Height)
	if w <= 0 || h <= 0 || w > thumbMaxPixels || h > thumbMaxPixels || w*h > thumbMaxPixels {
		return nil, fmt.Errorf("thumbnail: %dx%d is over %d pixels", w, h, thumbMaxPixels)
	}
	if err := reserve(w*h*bytesPerPixel(format, cfg.ColorModel) + thumbScaleMem); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(io.NewSectionReader(r, 0, size))
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	if int64(b.Dx())*int64(b.Dy()) > w*h {
		return nil, fmt.Errorf("thumbnail: decoded %v, larger than its header", b)
	}
	tw, th := thumbSize(b.Dx(), b.Dy())
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src) // transparency shows on white
	// Two steps: a cheap bilinear sampling down to at most thumbStage
	// pixels a side, then Catmull-Rom (which looks at every source pixel,
	// and costs four decodes on a 24 Mpx still) from that.
	var src image.Image = img
	if sw, sh := thumbStageSize(b.Dx(), b.Dy()); sw < b.Dx() || sh < b.Dy() {
		mid := image.NewRGBA(image.Rect(0, 0, sw, sh))
		xdraw.ApproxBiLinear.Scale(mid, mid.Bounds(), img, b, xdraw.Src, nil)
		src, b = mid, mid.Bounds()
	}
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, b, xdraw.Over, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: ThumbnailQuality}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// thumbStage is the long side of the intermediate image of a scale: four
// times the thumbnail's, so that the final filter still averages 4 x 4
// samples per pixel.
const thumbStage = 4 * ThumbnailSide

// thumbScaleMem bounds the memory of the scale beyond the decoded image:
// the intermediate image (thumbStage squared, RGBA) and Catmull-Rom's
// buffer (a float64 RGBA row of the source per row of the thumbnail).
const thumbScaleMem = thumbStage*thumbStage*4 + thumbStage*ThumbnailSide*32 + ThumbnailSide*ThumbnailSide*4

// thumbStageSize is the size of the intermediate image of a w x h image.
func thumbStageSize(w, h int) (int, int) { return fitSize(w, h, thumbStage) }

// thumbSize is the size of the thumbnail of a w x h image: at most
// ThumbnailSide on the long side, the aspect kept, at least 1 x 1.
func thumbSize(w, h int) (int, int) { return fitSize(w, h, ThumbnailSide) }

// fitSize is the size of a w x h image fitted in side x side: its own when
// it fits, else side on the long side, the aspect kept, at least 1 x 1.
func fitSize(w, h, side int) (int, int) {
	if w <= side && h <= side {
		return w, h
	}
	if w >= h {
		return side, max(1, int(int64(h)*int64(side)/int64(w)))
	}
	return max(1, int(int64(w)*int64(side)/int64(h))), side
}
