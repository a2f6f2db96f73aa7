package container

import (
	"fmt"
	"io"
)

// SniffLen is how many leading bytes Sniff looks at.
const SniffLen = 512

// Format is one row of the sniff table: a container format recognised by its
// magic bytes, never by its file name.
type Format struct {
	Name  string
	Match func(head []byte) bool
	Read  ReadFunc
}

// formats is the sniff table, tried in order. A new container format is one
// new file in this package plus one line here.
var formats = []Format{
	// rows are added by the format files' authors: {Name, Match, Read}
	{Name: "Font", Match: MatchFont, Read: ReadFont},
	{Name: "Ogg", Match: MatchOgg, Read: ReadOgg},
	{Name: "FLAC", Match: MatchFLAC, Read: ReadFLAC},
	{Name: "MP3", Match: MatchMP3, Read: ReadMP3},
	{Name: "GIF", Match: MatchGIF, Read: ReadGIF},
	{Name: "PSD", Match: MatchPSD, Read: ReadPSD},
	{Name: "TIFF", Match: MatchTIFF, Read: ReadTIFF},
	{Name: "ZIP", Match: MatchZIP, Read: ReadZIP},
	{Name: "SVG", Match: MatchSVG, Read: ReadSVG},
	{Name: "XMP sidecar", Match: MatchXMPSidecar, Read: ReadXMPSidecar},
	{Name: FormatC2PASidecar, Match: MatchC2PASidecar, Read: ReadC2PASidecar},
	{Name: "PDF", Match: MatchPDF, Read: ReadPDF},
	{Name: "JPEG", Match: MatchJPEG, Read: ReadJPEG},
	{Name: "PNG", Match: MatchPNG, Read: ReadPNG},
	{Name: "RIFF", Match: MatchRIFF, Read: ReadRIFF},
	{Name: "ISOBMFF", Match: MatchISOBMFF, Read: ReadISOBMFF},
	{Name: "JXL", Match: MatchJXL, Read: ReadJXL},
}

// Sniff returns the format whose magic bytes head starts with, or nil.
func Sniff(head []byte) *Format {
	for i := range formats {
		if formats[i].Match(head) {
			return &formats[i]
		}
	}
	return nil
}

// Read sniffs the format of r and reads its metadata blocks. It returns an
// error wrapping ErrUnknownFormat when no reader knows the bytes.
func Read(r io.ReaderAt, size int64) (*Result, error) {
	head := make([]byte, min(size, SniffLen))
	if err := ReadAt(r, head, 0); err != nil {
		return nil, err
	}
	f := Sniff(head)
	if f == nil {
		return nil, ErrUnknownFormat
	}
	res, err := f.Read(r, size)
	if res != nil && res.Format == "" {
		res.Format = f.Name
	}
	if err != nil {
		return res, fmt.Errorf("%s: %w", f.Name, err)
	}
	return res, nil
}
