package container

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

// count returns how many of ws contain s.
func count(ws []string, s string) int {
	n := 0
	for _, w := range ws {
		n += strings.Count(w, s)
	}
	return n
}

// TestOneProblemOneWarning checks that a reader problem surfaces once among
// the warnings a caller builds from Result.Warnings and Unnoted(err).
func TestOneProblemOneWarning(t *testing.T) {
	info := riffList("INFO", riffChunk("ISFT", []byte("Lavf\x00")))
	bad := riffChunk("XMP ", []byte("<x/>"))
	binary.LittleEndian.PutUint32(bad[4:], 100) // claims more than there is
	for name, c := range map[string]struct {
		data []byte
		past string
	}{
		"chunk past the file":      {buildRIFF("WAVE", info, bad), "runs past the end of the file"},
		"chunk past its container": {buildRIFF("WAVE", info, riffList("abcd", bad), riffChunk("JUNK", make([]byte, 200))), "runs past the end of its container"},
	} {
		res, err := Read(bytes.NewReader(c.data), int64(len(c.data)))
		if err == nil || len(res.Blocks) == 0 {
			t.Fatalf("%s: %d blocks, err %v", name, len(res.Blocks), err)
		}
		ws := append(append([]string(nil), res.Warnings...), Unnoted(err).Error())
		if count(ws, "runs past") != 1 || count(ws, c.past) != 1 {
			t.Errorf("%s: warnings %q", name, ws)
		}
	}

	// An ISO BMFF box past its container is a warning that the error repeats.
	trak := bmffBoxBytes("trak", make([]byte, 8))
	binary.BigEndian.PutUint32(trak, 1000)
	mp4 := bytes.Join([][]byte{
		bmffBoxBytes("ftyp", []byte("isom\x00\x00\x02\x00isom")),
		bmffC2PABox("manifest", crJUMBF(40)),
		bmffBoxBytes("moov", trak),
	}, nil)
	res, err := Read(bytes.NewReader(mp4), int64(len(mp4)))
	if err == nil || len(res.Blocks) == 0 {
		t.Fatalf("MP4: %d blocks, err %v", len(res.Blocks), err)
	}
	if rest := Unnoted(err); rest != nil || count(res.Warnings, "runs past the end of its container") != 1 {
		t.Errorf("MP4: warnings %q, unnoted %v", res.Warnings, rest)
	}
}
