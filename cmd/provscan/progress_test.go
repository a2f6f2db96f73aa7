package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/provscan/provscan/scanner"
)

// lastFrame returns the last frame a bar drew into a buffer (frames start with \r).
func lastFrame(s string) string {
	s = strings.TrimRight(s, " ")
	if i := strings.LastIndex(s, "\r"); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}

func TestProgressAt80Columns(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, 80)
	p.update(scanner.Progress{Files: 60, Bytes: 3 << 20})
	time.Sleep(2 * progressEvery) // the bars redraw at most every progressEvery
	p.update(scanner.Progress{Files: 120, Bytes: 3 << 20})
	if f := lastFrame(buf.String()); !strings.Contains(f, "scanning: 120 files, ") || !strings.Contains(f, "files/s, 3.0 MiB (counting)") {
		t.Errorf("before the count: %q", f)
	}
	// The count arrives late, after 1234 files: the percentage is right at once.
	p.update(scanner.Progress{Files: 1234})
	buf.Reset()
	p.counted(2937)
	f := lastFrame(buf.String())
	for _, w := range []string{"42%", "1234/2937", "files/s"} {
		if !strings.Contains(f, w) {
			t.Errorf("count arrived late: %q lacks %q", f, w)
		}
	}
	open, close := strings.Index(f, "["), strings.Index(f, "]")
	if open < 0 || close-open-1 < 20 {
		t.Errorf("the bar should take what the rest leaves of 80 columns: %q", f)
	}
	if n := utf8.RuneCountInString(f); n > 80 {
		t.Errorf("%d columns at 80: %q", n, f)
	}
	if w, fill := close-open-1, strings.Count(f[open+1:close], "#"); fill < w*1234/2937-1 || fill > w*1234/2937+1 {
		t.Errorf("42%% of %d columns filled with %d: %q", close-open-1, fill, f)
	}
	// More files than counted: 100%, never more.
	time.Sleep(2 * progressEvery)
	buf.Reset()
	p.update(scanner.Progress{Files: 3000})
	if f := lastFrame(buf.String()); !strings.Contains(f, "100%") || !strings.Contains(f, "3000/3000") {
		t.Errorf("more files than counted: %q", f)
	}
	p.close()
	p.update(scanner.Progress{Files: 3001}) // after close: nothing drawn, no panic
	if !strings.HasSuffix(buf.String(), "\r\x1b[K") {
		t.Errorf("close must clear the line: %q", buf.String())
	}
}
