package container

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

// ebmlID encodes an element ID as stored (its length marker kept).
func ebmlID(id uint32) []byte {
	b := binary.BigEndian.AppendUint32(nil, id)
	for len(b) > 1 && b[0] == 0 {
		b = b[1:]
	}
	return b
}

// ebmlSize encodes a data size on 8 bytes (-1: unknown).
func ebmlSize(n int64) []byte {
	if n < 0 {
		return []byte{0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}
	}
	b := binary.BigEndian.AppendUint64(nil, uint64(n))
	b[0] = 0x01
	return b
}

// ebml encodes an element of the given ID with the concatenated data.
func ebml(id uint32, data ...[]byte) []byte {
	d := bytes.Join(data, nil)
	return append(append(ebmlID(id), ebmlSize(int64(len(d)))...), d...)
}

// ebmlStr is a string element.
func ebmlStr(id uint32, s string) []byte { return ebml(id, []byte(s)) }

// ebmlUint is an unsigned integer element.
func ebmlUint(id uint32, v uint64) []byte { return ebml(id, binary.BigEndian.AppendUint64(nil, v)) }

// mkvHeader is an EBML header of the given DocType.
func mkvHeader(doc string) []byte { return ebml(mkvIDEBML, ebmlStr(mkvIDDocType, doc)) }

// mkvSimpleTag is a SimpleTag with a name, a string and nested tags.
func mkvSimpleTag(name, value string, nested ...[]byte) []byte {
	return ebml(mkvIDSimpleTag, append([][]byte{ebmlStr(mkvIDTagName, name), ebmlStr(mkvIDTagString, value)}, nested...)...)
}

// mkvSeekHead points at the given top-level elements (ID, position in the
// Segment's data).
func mkvSeekHead(targets ...[2]uint64) []byte {
	var seeks [][]byte
	for _, t := range targets {
		seeks = append(seeks, ebml(mkvIDSeek, ebml(mkvIDSeekID, ebmlID(uint32(t[0]))), ebmlUint(mkvIDSeekPosition, t[1])))
	}
	return ebml(mkvIDSeekHead, seeks...)
}

const mkvComfyGraph = `{"3": {"inputs": {"seed": 156680208700286, "steps": 20, "cfg": 8, "sampler_name": "euler"}, "class_type": "KSampler"}, "9": {"inputs": {"filename_prefix": "ComfyUI"}, "class_type": "SaveAnimatedWEBP"}}`

// mkvFile builds a Matroska (or WebM) file: a SeekHead naming Tags and
// Attachments at the tail, Info, a Cluster of media, Cues, then Tags and
// Attachments.
func mkvFile(doc string) []byte {
	info := ebml(mkvIDInfo, ebmlStr(mkvIDMuxingApp, "libebml v1.4.5 + libmatroska v1.7.1"), ebmlStr(mkvIDWritingApp, "ComfyUI VHS"),
		ebmlStr(mkvIDTitle, "plate 101\x00\x00"), ebmlUint(mkvIDDateUTC, 792720000000000000))
	cluster := ebml(mkvIDCluster, ebmlUint(0xE7, 0), ebml(0xA3, bytes.Repeat([]byte{0xAB}, 200)))
	cues := ebml(mkvIDCues, bytes.Repeat([]byte{0}, 16))
	tags := ebml(mkvIDTags, ebml(mkvIDTag, ebml(0x63C0), mkvSimpleTag("COMMENT", mkvComfyGraph),
		mkvSimpleTag("ENCODER", "Lavf61.7.100"), mkvSimpleTag("ARTIST", "Example Post", mkvSimpleTag("URL", "https://example.com")),
		ebml(mkvIDSimpleTag, ebmlStr(mkvIDTagName, "NOTES"), ebml(mkvIDTagBinary, []byte("binary but text")))))
	xmp := ebml(mkvIDAttachedFile, ebmlStr(mkvIDFileName, "meta.xmp"), ebmlStr(mkvIDFileMediaType, "application/rdf+xml"), ebml(mkvIDFileData, []byte(exrXMP)))
	font := ebml(mkvIDAttachedFile, ebmlStr(mkvIDFileName, "font.ttf"), ebmlStr(mkvIDFileMediaType, "font/ttf"),
		ebmlStr(mkvIDFileDescription, "subtitle font"), ebml(mkvIDFileData, []byte("\x00\x01\x00\x00font")))
	manifest := ebml(mkvIDAttachedFile, ebmlStr(mkvIDFileName, "content_credential.c2pa"), ebmlStr(mkvIDFileMediaType, "application/c2pa"),
		ebml(mkvIDFileData, []byte("\x00\x00\x00\x10jumb\x00\x00\x00\x08jumd")))
	atts := ebml(mkvIDAttachments, xmp, font, manifest)
	seekLen := len(mkvSeekHead([2]uint64{mkvIDTags, 0}, [2]uint64{mkvIDAttachments, 0}))
	tagsAt := uint64(seekLen + len(info) + len(cluster) + len(cues))
	seek := mkvSeekHead([2]uint64{mkvIDTags, tagsAt}, [2]uint64{mkvIDAttachments, tagsAt + uint64(len(tags))})
	seg := ebml(mkvIDSegment, seek, info, cluster, cues, tags, atts)
	return append(mkvHeader(doc), seg...)
}

func readMKVBytes(t *testing.T, b []byte) (*Result, error) {
	t.Helper()
	if !matchMatroska(b) {
		t.Fatal("not matched as Matroska")
	}
	return Read(bytes.NewReader(b), int64(len(b)))
}

// mkvBlocks lists the blocks as "kind container key=value" lines.
func mkvBlocks(res *Result) map[string]Block {
	got := map[string]Block{}
	for _, b := range res.Blocks {
		got[string(b.Kind)+" "+b.Key] = b
	}
	return got
}

func TestMatroska(t *testing.T) {
	for doc, format := range map[string]Format{"matroska": formatMatroska, "webm": formatWebM} {
		res, err := readMKVBytes(t, mkvFile(doc))
		if err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		if res.Format != format || res.Media != mediaVideo {
			t.Errorf("%s: format %q media %q", doc, res.Format, res.Media)
		}
		got := mkvBlocks(res)
		want := map[string]struct {
			value string
			tool  bool
		}{
			"text MuxingApp":       {"libebml v1.4.5 + libmatroska v1.7.1", true},
			"text WritingApp":      {"ComfyUI VHS", true},
			"text Title":           {"plate 101", false},
			"text DateUTC":         {"2026-02-14T00:00:00Z", false},
			"text COMMENT":         {mkvComfyGraph, false},
			"text ENCODER":         {"Lavf61.7.100", true},
			"text ARTIST":          {"Example Post", false},
			"text ARTIST/URL":      {"https://example.com", false},
			"text NOTES":           {"binary but text", false},
			"text FileName":        {"content_credential.c2pa", false},
			"text FileDescription": {"subtitle font", false},
			"text FileMediaType":   {"application/c2pa", false},
			"xmp ":                 {exrXMP, false},
			"c2pa ":                {"\x00\x00\x00\x10jumb\x00\x00\x00\x08jumd", false},
		}
		for k, v := range want {
			b, ok := got[k]
			if !ok || string(b.Data) != v.value || b.Tool != v.tool {
				t.Errorf("%s: %s = %q (tool %v, found %v), want %q (tool %v)", doc, k, b.Data, b.Tool, ok, v.value, v.tool)
			}
		}
		if len(res.Members) != 1 || res.Members[0].Name != "font.ttf" || res.Members[0].Size != 8 {
			t.Fatalf("%s: members %+v", doc, res.Members)
		}
		ra, _ := res.Members[0].Open()
		p := make([]byte, 8)
		if _, err := ra.ReadAt(p, 0); err != nil || string(p) != "\x00\x01\x00\x00font" {
			t.Errorf("%s: member data %q, %v", doc, p, err)
		}
		if len(res.Warnings) != 0 || len(res.Incomplete) != 0 {
			t.Errorf("%s: warnings %v, incomplete %v", doc, res.Warnings, res.Incomplete)
		}
	}
}

// TestMatroskaSeekHead: Tags past a Cluster of unknown size whose
// children cannot be walked are reached through the SeekHead, and the part
// of the file not walked is a cut.
func TestMatroskaSeekHead(t *testing.T) {
	tags := ebml(mkvIDTags, ebml(mkvIDTag, mkvSimpleTag("_STATISTICS_WRITING_APP", "mkvmerge v89.0")))
	info := ebml(mkvIDInfo, ebmlStr(mkvIDWritingApp, "mkvmerge v89.0"))
	garbage := bytes.Repeat([]byte{0}, 100) // no element can start with 0x00
	cluster := append(append(ebmlID(mkvIDCluster), ebmlSize(-1)...), ebml(0xA3, []byte("frame"))...)
	seekLen := len(mkvSeekHead([2]uint64{mkvIDTags, 0}))
	seek := mkvSeekHead([2]uint64{mkvIDTags, uint64(seekLen + len(info) + len(cluster) + len(garbage))})
	body := bytes.Join([][]byte{seek, info, cluster, garbage, tags}, nil)
	file := append(mkvHeader("webm"), append(append(ebmlID(mkvIDSegment), ebmlSize(-1)...), body...)...)
	res, err := readMKVBytes(t, file)
	if err != nil {
		t.Fatal(err)
	}
	got := mkvBlocks(res)
	if b := got["text _STATISTICS_WRITING_APP"]; string(b.Data) != "mkvmerge v89.0" || !b.Tool {
		t.Errorf("tag through SeekHead: %+v", b)
	}
	if len(res.Incomplete) != 1 || !strings.Contains(res.Incomplete[0], "unknown size") {
		t.Errorf("incomplete %v", res.Incomplete)
	}

	// A live WebM: Segment and Cluster of unknown size, Tags after the
	// Cluster found by walking the Cluster's children.
	body = bytes.Join([][]byte{info, cluster, tags}, nil)
	file = append(mkvHeader("webm"), append(append(ebmlID(mkvIDSegment), ebmlSize(-1)...), body...)...)
	res, err = readMKVBytes(t, file)
	if err != nil || len(res.Incomplete) != 0 || len(res.Warnings) != 0 {
		t.Fatalf("live: %v, incomplete %v, warnings %v", err, res.Incomplete, res.Warnings)
	}
	if b := mkvBlocks(res)["text _STATISTICS_WRITING_APP"]; string(b.Data) != "mkvmerge v89.0" {
		t.Errorf("live: tags after an unknown-size Cluster: %+v", res.Blocks)
	}
}

func TestMatroskaBad(t *testing.T) {
	good := mkvFile("matroska")
	info := ebml(mkvIDInfo, ebmlStr(mkvIDWritingApp, "Nuke"))
	seg := func(body ...[]byte) []byte {
		return append(mkvHeader("matroska"), ebml(mkvIDSegment, body...)...)
	}
	lying := append(mkvHeader("matroska"), ebml(mkvIDSegment, info, ebmlID(mkvIDTags), ebmlSize(1<<40))...) // a Tags element larger than the file
	deep := mkvSimpleTag("A", "a")
	for range 40 {
		deep = mkvSimpleTag("A", "a", deep)
	}
	cases := []badFile{ // kept: the Info read before the error
		{"truncated header", good[:6], errTruncated, false},
		{"no segment", mkvHeader("matroska"), errTruncated, false},
		{"tags cut", good[:len(good)-200], errTruncated, true},
		{"lying tags size", lying, errTruncated, true},
		{"unknown-size Info", append(mkvHeader("matroska"), ebml(mkvIDSegment, append(ebmlID(mkvIDInfo), ebmlSize(-1)...))...), ErrMalformed, false},
		{"ID of five bytes", append(mkvHeader("matroska"), ebml(mkvIDSegment, info, []byte{0x08, 1, 2, 3, 4, 0x81, 0})...), ErrMalformed, true},
		{"oversized header", append(append(ebmlID(mkvIDEBML), ebmlSize(1<<20)...), make([]byte, 1<<20)...), errLimit, false},
		{"nesting", seg(info, ebml(mkvIDTags, ebml(mkvIDTag, deep))), errLimit, true},
		{"oversized TagName", seg(info, ebml(mkvIDTags, ebml(mkvIDTag, ebml(mkvIDSimpleTag, ebml(mkvIDTagName, make([]byte, mkvMaxName+1)))))), errLimit, true},
		{"not a segment", append(mkvHeader("matroska"), ebml(mkvIDInfo)...), ErrMalformed, false},
	}
	checkBadFiles(t, readMKVBytes, cases)
}

// TestMatroskaCutMedia: a file cut inside its media (a Cluster running past
// the end) reads what precedes it with a warning, no error.
func TestMatroskaCutMedia(t *testing.T) {
	info := ebml(mkvIDInfo, ebmlStr(mkvIDWritingApp, "mkvmerge v2.4.0"))
	cluster := ebml(mkvIDCluster, ebml(0xA3, make([]byte, 1000)))
	file := append(mkvHeader("matroska"), ebml(mkvIDSegment, info, cluster)...)
	res, err := readMKVBytes(t, file[:len(file)-500])
	if err != nil || len(res.Warnings) == 0 || string(mkvBlocks(res)["text WritingApp"].Data) != "mkvmerge v2.4.0" {
		t.Errorf("err %v, warnings %v, blocks %+v", err, res.Warnings, res.Blocks)
	}
}

func TestMatroskaCorpus(t *testing.T) {
	proCorpusCheck(t, "Matroska", readMKVBytes)
}

func FuzzMatroska(f *testing.F) {
	f.Add(mkvFile("webm"))
	f.Add(mkvFile("matroska"))
	info := ebml(mkvIDInfo, ebmlStr(mkvIDWritingApp, "x"))
	cluster := append(append(ebmlID(mkvIDCluster), ebmlSize(-1)...), ebml(0xA3, []byte("frame"))...)
	f.Add(append(mkvHeader("webm"), append(append(ebmlID(mkvIDSegment), ebmlSize(-1)...), append(info, cluster...)...)...))
	f.Add([]byte("\x1a\x45\xdf\xa3\x80"))
	f.Add(append(mkvHeader("webm"), ebml(mkvIDSegment, ebml(mkvIDTracks, ebml(mkvIDTrackEntry, ebmlUint(mkvIDTrackType, 2), ebmlStr(mkvIDTrackName, "a"))))...))
	f.Fuzz(func(t *testing.T, b []byte) {
		if !matchMatroska(b) {
			return
		}
		res, _ := readMatroska(bytes.NewReader(b), int64(len(b)), nil)
		for _, blk := range res.Blocks {
			if blk.Offset < 0 || blk.Offset+blk.Size > int64(len(b)) {
				t.Fatalf("block outside the file: %+v", blk)
			}
		}
		for _, m := range res.Members {
			ra, err := m.Open()
			if err != nil {
				continue
			}
			if sr, ok := ra.(interface{ Size() int64 }); ok && sr.Size() != m.Size {
				t.Fatalf("member size %d, section %d", m.Size, sr.Size())
			}
		}
	})
}

// TestMatroskaLimits: more top-level elements, or more children of live
// Clusters, than the reader walks are a cut: what came before is kept and
// the file is not fully inspected.
func TestMatroskaLimits(t *testing.T) {
	info := ebml(mkvIDInfo, ebmlStr(mkvIDWritingApp, "mkvmerge v89.0"))
	voids := bytes.Repeat([]byte{mkvIDVoid, 0x80}, mkvMaxTopLevel+1)
	live := append(append(ebmlID(mkvIDCluster), ebmlSize(-1)...), bytes.Repeat([]byte{0xA3, 0x80}, mkvMaxClusterScan+1)...)
	for name, body := range map[string][]byte{"top level": voids, "live Cluster": live} {
		file := append(mkvHeader("webm"), append(append(ebmlID(mkvIDSegment), ebmlSize(-1)...), append(append([]byte{}, info...), body...)...)...)
		res, err := readMKVBytes(t, file)
		if err != nil || len(res.Incomplete) != 1 || string(mkvBlocks(res)["text WritingApp"].Data) != "mkvmerge v89.0" {
			t.Errorf("%s: %v, incomplete %v, blocks %+v", name, err, res.Incomplete, res.Blocks)
		}
	}
}

// TestMatroskaAudio: a file of audio tracks only (an .mka, a .weba) is
// Matroska audio or WebM audio, of media audio; track names are text.
func TestMatroskaAudio(t *testing.T) {
	track := func(typ uint64, name string) []byte {
		return ebml(mkvIDTrackEntry, ebmlUint(0xD7, 1), ebmlUint(mkvIDTrackType, typ), ebmlStr(mkvIDTrackName, name))
	}
	cases := []struct {
		doc    string
		tracks [][]byte
		format Format
		media  Media
	}{
		{"matroska", [][]byte{track(2, "Stereo mix")}, formatMKA, mediaAudio},
		{"webm", [][]byte{track(2, "Opus")}, formatWebMAudio, mediaAudio},
		{"webm", [][]byte{track(1, "Picture"), track(2, "Opus")}, formatWebM, mediaVideo},
		{"matroska", [][]byte{track(17, "Subtitles")}, formatMatroska, mediaVideo},
	}
	for _, c := range cases {
		file := append(mkvHeader(c.doc), ebml(mkvIDSegment, ebml(mkvIDTracks, c.tracks...))...)
		res, err := readMKVBytes(t, file)
		if err != nil || res.Format != c.format || res.Media != c.media {
			t.Errorf("%s %d tracks: %v, format %q media %q", c.doc, len(c.tracks), err, res.Format, res.Media)
		}
		if b := mkvBlocks(res)["text TrackName"]; len(b.Data) == 0 || b.Tool {
			t.Errorf("%s: track name %+v", c.doc, b)
		}
	}
}
