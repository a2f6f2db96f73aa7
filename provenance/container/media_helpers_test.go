package container

import (
	"bufio"
	"encoding/json"
	"errors"
	"github.com/provscan/provscan/provenance/internal/corpustest"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Test helpers shared by the TIFF, PSD, GIF, ID3, FLAC, Ogg and font tests.

// mediaCorpusRoot returns the C2PA corpus folder, or skips the test when it is absent.
func mediaCorpusRoot(t *testing.T) string {
	t.Helper()
	return corpustest.Dir(t, "c2pa")
}

// mediaCorpusRef maps a corpus path to the reference reader's has_manifest
// (nil when the reference could not read the file).
func mediaCorpusRef(t *testing.T, root string) map[string]*bool {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "reference.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ref := map[string]*bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var line struct {
			Path        string `json:"path"`
			HasManifest *bool  `json:"has_manifest"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("reference.jsonl: %v", err)
		}
		ref[line.Path] = line.HasManifest
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return ref
}

// mediaCorpusCheck reads every corpus file whose extension is in exts with
// read, each in bounded time, and requires a C2PA block where the reference
// reader found a manifest. It returns how many files it read.
func mediaCorpusCheck(t *testing.T, read readFunc, exts ...string) int {
	t.Helper()
	root := mediaCorpusRoot(t)
	ref := mediaCorpusRef(t, root)
	n := 0
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
		want := false
		for _, e := range exts {
			want = want || ext == e
		}
		if !want {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		n++
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		cr := &mediaCountingReader{r: f}
		start := time.Now()
		res, rerr := read(cr, st.Size(), nil)
		took := time.Since(start)
		if took > 5*time.Second {
			t.Errorf("%s: took %v", rel, took)
		}
		if res == nil {
			t.Errorf("%s: nil result (err %v)", rel, rerr)
			return nil
		}
		kinds := map[Kind]int{}
		for _, b := range res.Blocks {
			kinds[b.Kind]++
			if int64(len(b.Data)) > maxBlockSize {
				t.Errorf("%s: block %s of %d bytes", rel, b.Container, len(b.Data))
			}
		}
		t.Logf("%s: %s %v blocks=%v read=%d/%d err=%v warnings=%d", rel, took.Round(time.Millisecond), res.Format, kinds, cr.n, st.Size(), rerr, len(res.Warnings))
		if hm, ok := ref[rel]; ok && hm != nil && *hm && kinds[KindC2PA] == 0 {
			t.Errorf("%s: reference reader finds a manifest, no C2PA block here (err %v)", rel, rerr)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// mediaCountingReader counts the bytes read through it.
type mediaCountingReader struct {
	r io.ReaderAt
	n int64
}

func (c *mediaCountingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n += int64(n)
	return n, err
}

// mediaSparse is a large virtual file: zeros everywhere except the given
// regions. It lets tests place metadata at the end of a multi-gigabyte file.
type mediaSparse struct {
	size    int64
	regions map[int64][]byte
	read    int64
}

func (s *mediaSparse) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= s.size {
		return 0, io.EOF
	}
	n := len(p)
	if int64(n) > s.size-off {
		n = int(s.size - off)
	}
	clear(p[:n])
	for at, b := range s.regions {
		lo, hi := max(at, off), min(at+int64(len(b)), off+int64(n))
		if lo < hi {
			copy(p[lo-off:hi-off], b[lo-at:hi-at])
		}
	}
	s.read += int64(n)
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// mediaBlocks returns the blocks of kind k.
func mediaBlocks(res *Result, k Kind) []Block {
	var out []Block
	if res == nil {
		return nil
	}
	for _, b := range res.Blocks {
		if b.Kind == k {
			out = append(out, b)
		}
	}
	return out
}

// mediaText returns the Data of the text blocks keyed by Key (first wins).
func mediaText(res *Result) map[string]string {
	m := map[string]string{}
	for _, b := range mediaBlocks(res, KindText) {
		if _, ok := m[b.Key]; !ok {
			m[b.Key] = string(b.Data)
		}
	}
	return m
}

// mediaQuick runs read on data and fails the test if it takes over limit.
func mediaQuick(t *testing.T, read readFunc, data []byte, limit time.Duration) (*Result, error) {
	t.Helper()
	start := time.Now()
	res, err := read(mediaBytes(data), int64(len(data)), nil)
	if d := time.Since(start); d > limit {
		t.Errorf("took %v, want under %v", d, limit)
	}
	return res, err
}

// mediaBytes is an io.ReaderAt over a byte slice.
type mediaBytes []byte

func (b mediaBytes) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// TestMediaSniff checks that the sniff table sends each format of these
// tests to its reader.
func TestMediaSniff(t *testing.T) {
	for want, data := range map[string][]byte{
		"TIFF": sampleTIFF(true, false),
		"PSD":  buildPSD(1, samplePSDResources()...),
		"GIF":  sampleGIF(),
		"MP3":  sampleMP3v24(),
		"FLAC": sampleFLAC(),
		"Ogg":  opusFile(vorbisCommentBody("v", "ENCODER=x"), 255),
		"Font": sampleFont(),
	} {
		res, err := Read(mediaBytes(data), int64(len(data)))
		if err != nil || res == nil || string(res.Format) != want {
			t.Errorf("%s: result %+v, err %v", want, res, err)
		}
	}
	// an MP3 that starts with an audio frame, and a FLAC behind an ID3 tag
	mp3 := append(append([]byte(nil), mp3Frames...), make([]byte, 600)...)
	if res, err := Read(mediaBytes(mp3), int64(len(mp3))); err != nil || res.Format != "MP3" {
		t.Errorf("bare MP3: %+v, %v", res, err)
	}
	flac := append(id3Tag(3, 0), sampleFLAC()...)
	if res, err := Read(mediaBytes(flac), int64(len(flac))); err != nil || res.Format != "FLAC" {
		t.Errorf("ID3 + FLAC: %+v, %v", res, err)
	}
}

// proCorpusCheck reads every file of ../shared/corpus/pro that
// pro/expected.jsonl lists under family: each must read without error, by
// read, and surface every identity string listed for it.
func proCorpusCheck(t *testing.T, family string, read func(*testing.T, []byte) (*Result, error)) {
	t.Helper()
	dir := corpustest.Dir(t, "pro")
	f, err := os.Open(filepath.Join(dir, "expected.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e struct {
			Path     string   `json:"path"`
			Family   string   `json:"family"`
			Identity []string `json:"identity"`
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		if e.Family != family {
			continue
		}
		n++
		b, err := os.ReadFile(filepath.Join(dir, "..", e.Path))
		if err != nil {
			t.Fatal(err)
		}
		res, err := read(t, b)
		if err != nil {
			t.Errorf("%s: %v", e.Path, err)
			continue
		}
		var text strings.Builder
		for _, b := range res.Blocks {
			text.Write(b.Data)
			text.WriteByte('\n')
		}
		for _, id := range e.Identity {
			if !strings.Contains(text.String(), id) {
				t.Errorf("%s: identity %q not surfaced in %q", e.Path, id, text.String())
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Errorf("no %s file listed in pro/expected.jsonl", family)
	}
}
