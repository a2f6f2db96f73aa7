package c2pa

import (
	"bytes"
	"strings"
)

// MaxThumbnail is the largest claim thumbnail Thumbnail returns: a claim
// thumbnail is a small preview, and a larger one is not handed on.
const MaxThumbnail = 1 << 20

// labelClaimThumbnail starts the label of a claim thumbnail assertion
// ("c2pa.thumbnail.claim.jpeg", "c2pa.thumbnail.claim.png", and with an
// instance suffix "__1").
const labelClaimThumbnail = "c2pa.thumbnail.claim"

// Thumbnail returns the bytes of the manifest's claim thumbnail (an
// embedded-file assertion c2pa.thumbnail.claim.*) and its media type as
// written ("image/jpeg"; derived from the label when the file description
// names none), or nil when the manifest has none or it is over
// MaxThumbnail bytes. The bytes are a slice of the parsed store, as hostile
// as the file: a caller decodes them within its own bounds.
func (m *Manifest) Thumbnail() (mime string, data []byte) {
	if m == nil || m.box == nil {
		return "", nil
	}
	as := m.box.Child(LabelAssertionStore)
	if as == nil {
		return "", nil
	}
	for i, ab := range as.Children {
		if i >= maxAssertions {
			break
		}
		label := ab.Label()
		if ab.Type != BoxSuperbox || !strings.HasPrefix(label, labelClaimThumbnail) {
			continue
		}
		var desc, bin *Box
		for _, c := range ab.Children {
			switch {
			case c.Type == BoxFileDesc && desc == nil:
				desc = c
			case c.Type == BoxFileData && bin == nil:
				bin = c
			}
		}
		if bin == nil || len(bin.Payload()) == 0 || len(bin.Payload()) > MaxThumbnail {
			continue
		}
		return thumbnailType(label, desc), bin.Payload()
	}
	return "", nil
}

// thumbnailType is the media type of a thumbnail: its file description's
// (a toggles byte, then a NUL-terminated media type), else the one its
// label's extension names.
func thumbnailType(label string, desc *Box) string {
	if desc != nil && len(desc.Payload()) > 1 {
		p := desc.Payload()[1:]
		if i := bytes.IndexByte(p, 0); i > 0 && i <= 64 {
			return string(p[:i])
		}
	}
	base, _, _ := strings.Cut(label, "__")
	switch strings.TrimPrefix(base, labelClaimThumbnail) {
	case ".jpeg", ".jpg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	}
	return ""
}
