package synth

import (
	"encoding/binary"
	"math/rand/v2"
)

// EXRAttr is one OpenEXR header attribute: name, type name and value.
type EXRAttr struct {
	Name, Type string
	Value      []byte
}

// EXRString is an OpenEXR attribute of type string.
func EXRString(name, value string) EXRAttr { return EXRAttr{name, "string", []byte(value)} }

// EXR is a single-part scan-line OpenEXR frame: the header with the given
// attributes (after the channel list and the attributes every frame needs),
// an offset table of one entry and payload bytes of "pixels".
func EXR(rng *rand.Rand, payload int, attrs ...EXRAttr) []byte {
	b := []byte("\x76\x2f\x31\x01\x02\x00\x00\x00")
	put := func(a EXRAttr) {
		b = append(b, a.Name...)
		b = append(b, 0)
		b = append(b, a.Type...)
		b = append(b, 0)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(a.Value)))
		b = append(b, a.Value...)
	}
	chlist := append([]byte("R\x00"), 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0)
	box := make([]byte, 16)
	binary.LittleEndian.PutUint32(box[8:], 63)
	binary.LittleEndian.PutUint32(box[12:], 63)
	put(EXRAttr{"channels", "chlist", chlist})
	put(EXRAttr{"compression", "compression", []byte{0}})
	put(EXRAttr{"dataWindow", "box2i", box})
	put(EXRAttr{"displayWindow", "box2i", box})
	put(EXRAttr{"lineOrder", "lineOrder", []byte{0}})
	put(EXRAttr{"pixelAspectRatio", "float", []byte{0, 0, 0x80, 0x3f}})
	put(EXRAttr{"screenWindowCenter", "v2f", make([]byte, 8)})
	put(EXRAttr{"screenWindowWidth", "float", []byte{0, 0, 0x80, 0x3f}})
	for _, a := range attrs {
		put(a)
	}
	b = append(b, 0)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(b)+8))
	return append(b, Fill(rng, payload)...)
}

// DPX is a big-endian DPX frame whose file header names creator and
// project, followed by payload bytes of "pixels".
func DPX(rng *rand.Rand, payload int, creator, project string) []byte {
	b := make([]byte, 2048)
	copy(b, "SDPX")
	binary.BigEndian.PutUint32(b[4:], 2048)
	copy(b[8:], "V2.0")
	binary.BigEndian.PutUint32(b[16:], uint32(2048+payload))
	copy(b[160:260], creator)
	copy(b[260:460], project)
	return append(b, Fill(rng, payload)...)
}

// Cineon is a big-endian Cineon frame whose origination information names
// the input device, followed by payload bytes of "pixels".
func Cineon(rng *rand.Rand, payload int, device string) []byte {
	b := make([]byte, 2048)
	copy(b, "\x80\x2a\x5f\xd7")
	binary.BigEndian.PutUint32(b[4:], 2048)
	binary.BigEndian.PutUint32(b[8:], 1024)
	binary.BigEndian.PutUint32(b[12:], 1024)
	binary.BigEndian.PutUint32(b[20:], uint32(2048+payload))
	copy(b[1156:1220], device)
	return append(b, Fill(rng, payload)...)
}
