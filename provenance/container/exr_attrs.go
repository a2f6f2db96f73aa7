package container

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// OpenEXR attributes of types other than string and stringvector are shown
// as text entries too, rendered from their value (the OpenEXR file layout
// document, "Attribute Types"): what a person inspecting a frame expects
// to see (channels, windows, compression, timecode, frame rate ...). A
// preview attribute is shown by its size only; its pixels are never read.
// Types this reader does not know, and opaque ones (bytes, idManifest,
// opaque), are named by their type only.

const (
	exrMaxRendered = 64 << 10 // largest typed value read to be rendered
	exrMaxChannels = 64       // channel names listed; more are marked "..."
	exrMaxTyped    = 256      // typed attributes shown per file (numbers name no tool: the rest are counted in a warning)
)

var exrCompression = []string{"none", "RLE", "ZIPS", "ZIP", "PIZ", "PXR24", "B44", "B44A", "DWAA", "DWAB", "HTJ2K"}

// exrRender renders a typed attribute value, or returns "" when the type is
// rendered from its size alone (exrNamed).
func exrRender(typ string, v []byte) string {
	le := binary.LittleEndian
	ints := func(n int) string {
		if len(v) < 4*n {
			return ""
		}
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprint(int32(le.Uint32(v[4*i:])))
		}
		return strings.Join(parts, " ")
	}
	floats := func(n int) string {
		if len(v) < 4*n {
			return ""
		}
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprint(math.Float32frombits(le.Uint32(v[4*i:])))
		}
		return strings.Join(parts, " ")
	}
	switch typ {
	case "int":
		return ints(1)
	case "float":
		return floats(1)
	case "double":
		if len(v) >= 8 {
			return fmt.Sprint(math.Float64frombits(le.Uint64(v)))
		}
	case "v2i":
		return ints(2)
	case "v3i":
		return ints(3)
	case "box2i":
		if s := ints(4); s != "" {
			f := strings.Fields(s)
			return fmt.Sprintf("(%s, %s) - (%s, %s)", f[0], f[1], f[2], f[3])
		}
	case "v2f":
		return floats(2)
	case "v3f":
		return floats(3)
	case "box2f":
		return floats(4)
	case "chromaticities":
		return floats(8)
	case "m33f":
		return floats(9)
	case "m44f":
		return floats(16)
	case "rational":
		if len(v) >= 8 {
			return fmt.Sprintf("%d/%d", int32(le.Uint32(v)), le.Uint32(v[4:]))
		}
	case "timecode":
		if len(v) >= 4 {
			t := le.Uint32(v)
			bcd := func(shift, mask uint32) uint32 { return (t>>shift)&mask>>4*10 + (t>>shift)&0xF }
			return fmt.Sprintf("%02d:%02d:%02d:%02d", bcd(24, 0x3F), bcd(16, 0x7F), bcd(8, 0x7F), bcd(0, 0x3F))
		}
	case "keycode":
		return ints(7)
	case "compression":
		if len(v) >= 1 {
			if int(v[0]) < len(exrCompression) {
				return exrCompression[v[0]]
			}
			return fmt.Sprintf("compression %d", v[0])
		}
	case "lineOrder", "envmap", "deepImageState":
		if len(v) >= 1 {
			return fmt.Sprint(v[0])
		}
	case "tiledesc":
		if len(v) >= 9 {
			return fmt.Sprintf("%dx%d tiles, mode %d", le.Uint32(v), le.Uint32(v[4:]), v[8])
		}
	case "chlist":
		var names []string
		for n := 0; len(v) > 0 && v[0] != 0; n++ {
			i := bytes.IndexByte(v, 0)
			if i < 0 || len(v) < i+1+16 {
				break
			}
			if n < exrMaxChannels {
				names = append(names, string(v[:i]))
			} else if n == exrMaxChannels {
				names = append(names, "...")
			}
			v = v[i+1+16:]
		}
		return strings.Join(names, " ")
	}
	return ""
}

// exrRendered reports whether values of type typ are rendered by exrRender
// (else the attribute is named by its type and size).
func exrRendered(typ string) bool {
	switch typ {
	case "int", "float", "double", "v2i", "v3i", "box2i", "v2f", "v3f", "box2f", "chromaticities", "m33f", "m44f",
		"rational", "timecode", "keycode", "compression", "lineOrder", "envmap", "deepImageState", "tiledesc", "chlist":
		return true
	}
	return false
}

// typed adds the typed attribute name at off (n bytes) as a text entry: its
// rendered value, or its type and size.
func (e *exrWalker) typed(container, name, typ string, off, n int64) error {
	if e.typedN++; e.typedN > exrMaxTyped {
		if e.typedN == exrMaxTyped+1 {
			e.res.Warn("more than %d typed OpenEXR attributes: the others are not shown", exrMaxTyped)
		}
		return nil
	}
	value := typ + " (value not shown)" // its size is the block's; it may vary from frame to frame
	switch {
	case typ == "preview" && n >= 8:
		var wh [8]byte
		if err := readAt(e.r, wh[:], off); err != nil {
			return fmt.Errorf("OpenEXR attribute %q: %w", name, err)
		}
		value = fmt.Sprintf("preview %dx%d (pixels not read)", binary.LittleEndian.Uint32(wh[:]), binary.LittleEndian.Uint32(wh[4:]))
	case exrRendered(typ) && n <= exrMaxRendered:
		v := make([]byte, n)
		if err := readAt(e.r, v, off); err != nil {
			return fmt.Errorf("OpenEXR attribute %q: %w", name, err)
		}
		if s := exrRender(typ, v); s != "" {
			value = s
		}
	}
	// Note says the value is rendered from a typed value (Data is not the
	// bytes at Offset).
	return e.res.Add(Block{Kind: KindText, Container: container, Key: name, Offset: off, Size: n, Data: []byte(value), Note: "rendered from type " + strconv.Quote(typ)})
}
