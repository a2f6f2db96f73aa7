package scanner

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// snapshot records every path under dir with its mode, size, mtime and content hash.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		sum := ""
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h := sha256.Sum256(b)
			sum = hex.EncodeToString(h[:])
		}
		lines = append(lines, strings.Join([]string{p, fi.Mode().String(), fi.ModTime().Format(time.RFC3339Nano),
			strconv.FormatInt(fi.Size(), 10), sum}, " "))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// TestScanNeverWrites scans a tree with the real inspector (and the fake)
// and checks that no file or folder changed and nothing was created.
func TestScanNeverWrites(t *testing.T) {
	dir := t.TempDir()
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.Create("inner/a.png")
	w.Write([]byte("\x89PNG\r\n\x1a\n"))
	w, _ = zw.Create("b.txt")
	w.Write([]byte("GENAI\n"))
	zw.SetComment("made by a test")
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	writeTree(t, dir, map[string]string{
		"a.jpg":        "\xff\xd8\xff\xe1\x00\x08Exif\x00\x00\xff\xd9",
		"b.png":        "\x89PNG\r\n\x1a\n\x00\x00\x00\x00IEND\xaeB`\x82",
		"c/d/e.txt":    "GENAI\n",
		"c/pkg.zip":    zb.String(),
		"c/photo.xmp":  "GENAI\n",
		"c/photo.jpg":  "CLEAN\n",
		IgnoreFile:     "*.log\n",
		"skip.log":     "GENAI\n",
		"broken.jpg":   "\xff\xd8\xff",
		"empty.bin":    "",
		"c/d/f/g.webp": "RIFF\x04\x00\x00\x00WEBP",
	})
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		return os.Chtimes(p, old, old)
	})
	before := snapshot(t, dir)
	for _, insp := range []InspectFunc{nil, fakeInspect} {
		if _, err := Scan(context.Background(), []string{dir}, Options{Inspect: insp, Workers: 2}); err != nil {
			t.Fatal(err)
		}
		if _, err := InspectFile(filepath.Join(dir, "a.jpg"), Options{Inspect: insp}); err != nil {
			t.Fatal(err)
		}
	}
	if after := snapshot(t, dir); after != before {
		t.Errorf("the scanned tree changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}
