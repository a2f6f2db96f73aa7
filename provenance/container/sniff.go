package container

import (
	"io"

	"github.com/provscan/provscan/provenance/container/pdf"
	"github.com/provscan/provscan/provenance/internal/reader"
)

// sniffLen is how many leading bytes sniff looks at.
const sniffLen = 512

// Format is a container format, by the name reports show (the JSON report's
// "format"): one row of the format registry.
type Format = reader.Format

// The formats the readers report. A reader reports its family's first
// format unless the bytes say which of the family's formats the file is.
const (
	FormatJPEG        Format = "JPEG"
	FormatPNG         Format = "PNG"
	FormatGIF         Format = "GIF"
	FormatTIFF        Format = "TIFF"
	FormatDNG         Format = "DNG"
	FormatPSD         Format = "PSD"
	FormatJXL         Format = "JXL"
	FormatSVG         Format = "SVG"
	FormatRIFF        Format = "RIFF" // a RIFF form other than WebP, WAV and AVI
	FormatWebP        Format = "WebP"
	FormatWAV         Format = "WAV"
	FormatAVI         Format = "AVI"
	FormatMP4         Format = "MP4"
	FormatMOV         Format = "MOV"
	FormatM4V         Format = "M4V"
	FormatM4A         Format = "M4A"
	Format3GP         Format = "3GP"
	FormatHEIF        Format = "HEIF"
	FormatAVIF        Format = "AVIF"
	FormatMP3         Format = "MP3"
	FormatFLAC        Format = "FLAC"
	FormatOgg         Format = "Ogg"
	FormatPDF         Format = pdf.Format
	FormatZIP         Format = "ZIP"
	FormatFont        Format = "Font"
	FormatXMPSidecar  Format = "XMP sidecar"
	FormatC2PASidecar Format = "C2PA sidecar" // a .c2pa manifest store file: its hard binding covers another file, the asset it goes with
)

// Media is the kind of content a format carries.
type Media = reader.Media

// The media kinds; a format of none of them (a font, a sidecar, an unknown
// RIFF form) has the empty Media.
const (
	MediaImage    Media = "image"
	MediaVideo    Media = "video"
	MediaAudio    Media = "audio"
	MediaDocument Media = "document"
	MediaPackage  Media = "package"
)

// family names the reader a format belongs to, as its errors are prefixed.
type family string

// formatRow is one row of the format registry.
type formatRow struct {
	format Format
	family family
	media  Media
	// match reports whether head starts with the family's magic bytes; set
	// on the first row of a family only, the row sniff returns.
	match func(head []byte) bool
	read  readFunc
}

// formats is the format registry; sniff tries the rows with a match in
// order. A new container format is one new file in this package plus one
// row here (and a row for each other format its reader may report).
var formats = []formatRow{
	{FormatFont, "Font", "", matchFont, readFont},
	{FormatOgg, "Ogg", MediaAudio, matchOgg, readOgg},
	{FormatFLAC, "FLAC", MediaAudio, matchFLAC, readFLAC},
	{FormatMP3, "MP3", MediaAudio, matchMP3, readMP3},
	{FormatGIF, "GIF", MediaImage, matchGIF, readGIF},
	{FormatPSD, "PSD", MediaImage, matchPSD, readPSD},
	{FormatTIFF, "TIFF", MediaImage, matchTIFF, readTIFF},
	{FormatDNG, "TIFF", MediaImage, nil, readTIFF},
	{FormatZIP, "ZIP", MediaPackage, matchZIP, readZIP},
	{FormatSVG, "SVG", MediaImage, matchSVG, readSVG},
	{FormatXMPSidecar, "XMP sidecar", "", matchXMPSidecar, readXMPSidecar},
	{FormatC2PASidecar, "C2PA sidecar", "", matchC2PASidecar, readC2PASidecar},
	{FormatPDF, "PDF", MediaDocument, pdf.Match, pdf.Read},
	{FormatJPEG, "JPEG", MediaImage, matchJPEG, readJPEG},
	{FormatPNG, "PNG", MediaImage, matchPNG, readPNG},
	{FormatRIFF, "RIFF", "", matchRIFF, readRIFF},
	{FormatWebP, "RIFF", MediaImage, nil, readRIFF},
	{FormatWAV, "RIFF", MediaAudio, nil, readRIFF},
	{FormatAVI, "RIFF", MediaVideo, nil, readRIFF},
	{FormatMP4, "ISOBMFF", MediaVideo, matchISOBMFF, readISOBMFF},
	{FormatMOV, "ISOBMFF", MediaVideo, nil, readISOBMFF},
	{FormatM4V, "ISOBMFF", MediaVideo, nil, readISOBMFF},
	{Format3GP, "ISOBMFF", MediaVideo, nil, readISOBMFF},
	{FormatM4A, "ISOBMFF", MediaAudio, nil, readISOBMFF},
	{FormatHEIF, "ISOBMFF", MediaImage, nil, readISOBMFF},
	{FormatAVIF, "ISOBMFF", MediaImage, nil, readISOBMFF},
	{FormatJXL, "JXL", MediaImage, matchJXL, readJXL},
}

// mediaOf returns the media kind of format f from its registry row ("" for
// a format of no media kind).
func mediaOf(f Format) Media {
	for i := range formats {
		if formats[i].format == f {
			return formats[i].media
		}
	}
	return ""
}

// sniff returns the registry row of the family whose magic bytes head
// starts with, or nil.
func sniff(head []byte) *formatRow {
	for i := range formats {
		if formats[i].match != nil && formats[i].match(head) {
			return &formats[i]
		}
	}
	return nil
}

// Read sniffs the format of r and reads its metadata blocks. It returns an
// error wrapping ErrUnknownFormat when no reader knows the bytes.
func Read(r io.ReaderAt, size int64) (*Result, error) {
	head := make([]byte, min(size, sniffLen))
	if err := readAt(r, head, 0); err != nil {
		return nil, err
	}
	f := sniff(head)
	if f == nil {
		return nil, ErrUnknownFormat
	}
	res, err := f.read(r, size)
	if res != nil {
		if res.Format == "" {
			res.Format = f.format
		}
		res.Media = mediaOf(res.Format)
	}
	if err != nil {
		return res, &familyError{f.family, err}
	}
	return res, nil
}

// familyError is a reader's error, named by the family of the reader.
type familyError struct {
	family family
	err    error
}

func (e *familyError) Error() string { return string(e.family) + ": " + e.err.Error() }
func (e *familyError) Unwrap() error { return e.err }

// Unnoted returns the part of an error of Read that its Result's Warnings
// do not already say (nil when they say it all): what a caller that keeps
// the blocks of a reader that failed part-way adds to the warnings, so that
// one problem surfaces once.
func Unnoted(err error) error {
	if fe, ok := err.(*familyError); ok {
		if rest := reader.Unnoted(fe.err); rest != fe.err {
			if rest == nil {
				return nil
			}
			return &familyError{fe.family, rest}
		}
	}
	return reader.Unnoted(err)
}
