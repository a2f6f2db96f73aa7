package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
	"time"
)

// oggPages lays out packets as Ogg pages of the stream serial: each packet
// is split into 255-byte segments, at most maxSeg segments per page, so a
// large packet continues over several pages. The first page is flagged BOS.
func oggPages(serial uint32, maxSeg int, packets ...[]byte) []byte {
	return oggPagesFrom(serial, 0, maxSeg, packets...)
}

// oggPagesFrom is oggPages with page sequence numbers from seq; only
// sequence 0 is flagged BOS.
func oggPagesFrom(serial, seq uint32, maxSeg int, packets ...[]byte) []byte {
	var segs []byte // lacing values
	var data []byte
	for _, p := range packets {
		n := len(p)
		for n >= 255 {
			segs = append(segs, 255)
			n -= 255
		}
		segs = append(segs, byte(n))
		data = append(data, p...)
	}
	var out []byte
	cont := false
	for len(segs) > 0 {
		k := min(maxSeg, len(segs))
		var flags byte
		if seq == 0 {
			flags |= 0x02
		}
		if cont {
			flags |= 0x01
		}
		h := []byte("OggS\x00")
		h = append(h, flags)
		h = append(h, make([]byte, 8)...) // granule
		h = binary.LittleEndian.AppendUint32(h, serial)
		h = binary.LittleEndian.AppendUint32(h, seq)
		h = append(h, 0, 0, 0, 0, byte(k)) // crc (unchecked), segment count
		h = append(h, segs[:k]...)
		n := 0
		for _, l := range segs[:k] {
			n += int(l)
		}
		out = append(append(out, h...), data[:n]...)
		cont = segs[k-1] == 255
		segs, data = segs[k:], data[n:]
		seq++
	}
	return out
}

func opusFile(tags []byte, maxSeg int) []byte {
	head := append([]byte("OpusHead\x01\x02\x38\x01\x80\xbb\x00\x00\x00\x00\x00"), nil...)
	audio := bytes.Repeat([]byte{0x55}, 1000)
	out := oggPagesFrom(0x1234, 0, maxSeg, head)
	out = append(out, oggPagesFrom(0x1234, 1, maxSeg, append([]byte("OpusTags"), tags...))...)
	return append(out, oggPagesFrom(0x1234, 100, maxSeg, audio, audio)...)
}

func TestOggOpus(t *testing.T) {
	tags := vorbisCommentBody("Lavf60.3.100", "ENCODER=VoiceGen 3", "title=Line 12", "METADATA_BLOCK_PICTURE="+string(bytes.Repeat([]byte("A"), 3000)), "comment=cloned voice")
	for _, maxSeg := range []int{255, 3} { // whole pages, and a comment packet split over many pages
		data := opusFile(tags, maxSeg)
		if !matchOgg(data) {
			t.Fatal("matchOgg = false")
		}
		cr := &mediaCountingReader{r: mediaBytes(data)}
		res, err := readOgg(cr, int64(len(data)), nil)
		if err != nil {
			t.Fatal(err)
		}
		txt := mediaText(res)
		for k, v := range map[string]string{"VENDOR": "Lavf60.3.100", "ENCODER": "VoiceGen 3", "TITLE": "Line 12", "COMMENT": "cloned voice"} {
			if txt[k] != v {
				t.Errorf("maxSeg %d: %s = %q, want %q", maxSeg, k, txt[k], v)
			}
		}
		if _, ok := txt["METADATA_BLOCK_PICTURE"]; ok {
			t.Error("picture reported")
		}
		if cr.n >= int64(len(data)) {
			t.Errorf("maxSeg %d: read %d of %d bytes: audio pages were read", maxSeg, cr.n, len(data))
		}
	}
}

func TestOggVorbisAndFLAC(t *testing.T) {
	vorbis := oggPages(7, 255, []byte("\x01vorbis\x00\x00\x00\x00\x02"), append(append([]byte("\x03vorbis"), vorbisCommentBody("Xiph.Org libVorbis", "ARTIST=GenBand")...), 1), []byte("\x05vorbis"))
	res, err := readOgg(mediaBytes(vorbis), int64(len(vorbis)), nil)
	if err != nil || mediaText(res)["ARTIST"] != "GenBand" {
		t.Errorf("vorbis: err %v texts %q", err, mediaText(res))
	}
	body := vorbisCommentBody("libFLAC", "SOFTWARE=GenFLAC")
	flac := oggPages(9, 255, append([]byte("\x7fFLAC\x01\x00\x00\x01fLaC"), flacBlock(0, false, make([]byte, 34))...), flacBlock(flacVorbisComment, true, body))
	res, err = readOgg(mediaBytes(flac), int64(len(flac)), nil)
	if err != nil || mediaText(res)["SOFTWARE"] != "GenFLAC" {
		t.Errorf("ogg flac: err %v texts %q", err, mediaText(res))
	}
}

func TestOggMultiplexed(t *testing.T) {
	// two BOS pages first (a video and an audio stream), then their comments
	theora := append(oggPages(1, 255, []byte("\x80theora\x03\x02\x01")), oggPagesFrom(1, 1, 255, append([]byte("\x81theora"), vorbisCommentBody("Xiph.Org libtheora", "ENCODER=VidGen")...))...)
	opus := opusFile(vorbisCommentBody("libopus", "TOOL=VoiceGen"), 255)
	// interleave: theora BOS, opus BOS, then the rest
	p1 := bytes.Index(theora[4:], []byte("OggS")) + 4
	p2 := bytes.Index(opus[4:], []byte("OggS")) + 4
	data := append(append(append(append([]byte(nil), theora[:p1]...), opus[:p2]...), theora[p1:]...), opus[p2:]...)
	res, err := readOgg(mediaBytes(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	txt := mediaText(res)
	if txt["ENCODER"] != "VidGen" || txt["TOOL"] != "VoiceGen" {
		t.Errorf("texts %q", txt)
	}
}

func TestOggHostile(t *testing.T) {
	good := opusFile(vorbisCommentBody("v", "A=1"), 255)
	// a comment packet that never ends: every page full of 255 lacing values
	var endless []byte
	endless = append(endless, oggPages(1, 255, []byte("OpusHead\x01\x02\x38\x01\x80\xbb\x00\x00\x00\x00\x00"))...)
	endless = append(endless, oggPages(1, 255, bytes.Repeat([]byte{'x'}, 255*255*40))...) // no BOS needed: same serial, seq 0 is BOS again
	for name, c := range map[string]struct {
		data []byte
		want error
	}{
		"truncated page": {good[:40], errTruncated},
		"not a page":     {append(append([]byte(nil), good[:60]...), []byte("junkjunkjunkjunkjunkjunkjunkjunk")...), nil},
		"bad version":    {[]byte("OggS\x01" + string(make([]byte, 30))), ErrMalformed},
		"endless packet": {endless, nil},
	} {
		res, err := mediaQuick(t, readOgg, c.data, 2*time.Second)
		if res == nil || (c.want != nil && !errors.Is(err, c.want)) {
			t.Errorf("%s: err = %v, want %v", name, err, c.want)
		}
		t.Logf("%s: err=%v warnings=%q", name, err, res.Warnings)
	}
}

func TestOggCorpus(t *testing.T) {
	if n := mediaCorpusCheck(t, readOgg, "ogg", "opus", "oga"); n == 0 {
		t.Skip("no Ogg files in the corpus")
	}
}

func FuzzOgg(f *testing.F) {
	f.Add(opusFile(vorbisCommentBody("v", "ENCODER=x"), 255))
	f.Add(opusFile(vorbisCommentBody("v", "ENCODER=x"), 2))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, _ := readOgg(mediaBytes(data), int64(len(data)), nil)
		if res == nil {
			t.Fatal("nil result")
		}
		for _, b := range res.Blocks {
			if b.Offset < 0 || b.Offset+b.Size > int64(len(data)) {
				t.Fatalf("block %s at %d+%d outside %d bytes", b.Container, b.Offset, b.Size, len(data))
			}
		}
	})
}
