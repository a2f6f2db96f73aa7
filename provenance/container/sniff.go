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
	formatJPEG       Format = "JPEG"
	formatPNG        Format = "PNG"
	formatGIF        Format = "GIF"
	formatTIFF       Format = "TIFF"
	formatDNG        Format = "DNG"
	formatPSD        Format = "PSD"
	formatJXL        Format = "JXL"
	formatEXR        Format = "OpenEXR"
	formatDPX        Format = "DPX"
	formatAIFF       Format = "AIFF"
	formatAIFC       Format = "AIFC"
	formatJP2        Format = "JPEG 2000"
	formatJ2K        Format = "JPEG 2000 codestream"
	formatCineon     Format = "Cineon"
	formatMatroska   Format = "Matroska"
	formatWebM       Format = "WebM"
	formatMKA        Format = "Matroska audio"
	formatWebMAudio  Format = "WebM audio"
	formatAAF        Format = "AAF"
	formatMXF        Format = "MXF"
	formatSVG        Format = "SVG"
	formatRIFF       Format = "RIFF" // a RIFF form other than WebP, WAV and AVI
	formatWebP       Format = "WebP"
	formatWebPAnim   Format = "WebP animation"
	formatWAV        Format = "WAV"
	formatRF64       Format = "RF64"
	formatBW64       Format = "BW64"
	formatAVI        Format = "AVI"
	formatMP4        Format = "MP4"
	formatMOV        Format = "MOV"
	formatM4V        Format = "M4V"
	formatM4A        Format = "M4A"
	format3GP        Format = "3GP"
	formatHEIF       Format = "HEIF"
	formatAVIF       Format = "AVIF"
	formatMP3        Format = "MP3"
	formatFLAC       Format = "FLAC"
	formatOgg        Format = "Ogg"
	formatPDF        Format = pdf.Format
	formatZIP        Format = "ZIP"
	formatFont       Format = "Font"
	formatXMPSidecar Format = "XMP sidecar"
)

// FormatC2PASidecar is the format of a .c2pa manifest store file: its hard
// binding covers another file, the asset it goes with.
const FormatC2PASidecar Format = "C2PA sidecar"

// Media is the kind of content a format carries.
type Media = reader.Media

// The media kinds; a format of none of them (a font, a sidecar, an unknown
// RIFF form) has the empty Media.
const (
	mediaImage    Media = "image"
	mediaVideo    Media = "video"
	mediaAudio    Media = "audio"
	mediaDocument Media = "document"
	mediaPackage  Media = "package"
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
	{formatFont, "Font", "", matchFont, readFont},
	{formatOgg, "Ogg", mediaAudio, matchOgg, readOgg},
	{formatFLAC, "FLAC", mediaAudio, matchFLAC, readFLAC},
	{formatMP3, "MP3", mediaAudio, matchMP3, readMP3},
	{formatGIF, "GIF", mediaImage, matchGIF, readGIF},
	{formatPSD, "PSD", mediaImage, matchPSD, readPSD},
	{formatTIFF, "TIFF", mediaImage, matchTIFF, readTIFF},
	{formatDNG, "TIFF", mediaImage, nil, readTIFF},
	{formatZIP, "ZIP", mediaPackage, matchZIP, readZIP},
	{formatSVG, "SVG", mediaImage, matchSVG, readSVG},
	{formatXMPSidecar, "XMP sidecar", "", matchXMPSidecar, readXMPSidecar},
	{FormatC2PASidecar, "C2PA sidecar", "", matchC2PASidecar, readC2PASidecar},
	{formatPDF, "PDF", mediaDocument, pdf.Match, pdf.ReadBudget},
	{formatJPEG, "JPEG", mediaImage, matchJPEG, readJPEG},
	{formatPNG, "PNG", mediaImage, matchPNG, readPNG},
	{formatRIFF, "RIFF", "", matchRIFF, readRIFF},
	{formatWebP, "RIFF", mediaImage, nil, readRIFF},
	{formatWebPAnim, "RIFF", mediaVideo, nil, readRIFF},
	{formatWAV, "RIFF", mediaAudio, nil, readRIFF},
	{formatRF64, "RIFF", mediaAudio, nil, readRIFF},
	{formatBW64, "RIFF", mediaAudio, nil, readRIFF},
	{formatAVI, "RIFF", mediaVideo, nil, readRIFF},
	{formatMP4, "ISOBMFF", mediaVideo, matchISOBMFF, readISOBMFF},
	{formatMOV, "ISOBMFF", mediaVideo, nil, readISOBMFF},
	{formatM4V, "ISOBMFF", mediaVideo, nil, readISOBMFF},
	{format3GP, "ISOBMFF", mediaVideo, nil, readISOBMFF},
	{formatM4A, "ISOBMFF", mediaAudio, nil, readISOBMFF},
	{formatHEIF, "ISOBMFF", mediaImage, nil, readISOBMFF},
	{formatAVIF, "ISOBMFF", mediaImage, nil, readISOBMFF},
	{formatJXL, "JXL", mediaImage, matchJXL, readJXL},
	{formatEXR, "OpenEXR", mediaImage, matchEXR, readEXR},
	{formatDPX, "DPX", mediaImage, matchDPX, readDPX},
	{formatAIFF, "AIFF", mediaAudio, matchAIFF, readAIFF},
	{formatAIFC, "AIFF", mediaAudio, nil, readAIFF},
	{formatJP2, "JPEG 2000", mediaImage, matchJP2, readJP2},
	{formatJ2K, "JPEG 2000", mediaImage, nil, readJP2},
	{formatCineon, "Cineon", mediaImage, matchCineon, readCineon},
	{formatMatroska, "Matroska", mediaVideo, matchMatroska, readMatroska},
	{formatWebM, "Matroska", mediaVideo, nil, readMatroska},
	{formatMKA, "Matroska", mediaAudio, nil, readMatroska},
	{formatWebMAudio, "Matroska", mediaAudio, nil, readMatroska},
	{formatAAF, "AAF", "", matchCFB, readAAF},
	{formatMXF, "MXF", mediaVideo, matchMXF, readMXF},
	{formatTTML, "TTML", mediaDocument, matchTTML, readXMLDoc},
	{formatEBUTT, "TTML", mediaDocument, nil, readXMLDoc},
	{formatXML, "XML", mediaDocument, matchXMLDoc, readXMLDoc},
	{formatIMFCPL, "XML", mediaDocument, nil, readXMLDoc},
	{formatDCPCPL, "XML", mediaDocument, nil, readXMLDoc},
	{formatIMFPKL, "XML", mediaDocument, nil, readXMLDoc},
	{formatIMFAssetMap, "XML", mediaDocument, nil, readXMLDoc},
	{formatIMFOPL, "XML", mediaDocument, nil, readXMLDoc},
	{formatDolbyVision, "XML", mediaDocument, nil, readXMLDoc},
	{formatWebVTT, "Timed text", mediaDocument, matchWebVTT, readWebVTT},
	{formatSRT, "Timed text", mediaDocument, matchSRT, readSRT},
	{formatJSON, "JSON", mediaDocument, matchJSON, readJSON}, // last: after every format whose bytes may look like JSON
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
	return ReadBudget(r, size, nil)
}

// ReadBudget is Read drawing on budget b (nil: a fresh budget under
// reader.DefaultLimits).
func ReadBudget(r io.ReaderAt, size int64, b *Budget) (*Result, error) {
	head := make([]byte, min(size, sniffLen))
	if err := readAt(r, head, 0); err != nil {
		return nil, err
	}
	f := sniff(head)
	if f == nil {
		return nil, ErrUnknownFormat
	}
	res, err := f.read(r, size, b)
	if res != nil {
		if res.Format == "" {
			res.Format = f.format
		}
		res.Media = mediaOf(res.Format)
		res.Family = string(f.family)
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
