package main

import (
	"strings"
	"testing"
	"time"
)

func TestRenderProgressAt80Columns(t *testing.T) {
	for _, c := range []struct {
		name string
		s    progressState
		want []string
	}{
		{"counting", progressState{files: 120, bytes: 3 << 20, elapsed: 2 * time.Second},
			[]string{"scanning      [", "120 files (counting)", "60 files/s", "3.0 MiB"}},
		{"count arrived late", progressState{files: 1234, total: 2937, bytes: 5 << 30, elapsed: 4 * time.Second, countDone: true},
			[]string{"scanning  42% [", "1234/2937 files", "308 files/s", "5.0 GiB"}},
		{"slow", progressState{files: 3, total: 10, elapsed: 2 * time.Second, countDone: true},
			[]string{"scanning  30% [", "1.5 files/s"}},
		{"more files than counted", progressState{files: 12, total: 10, elapsed: time.Second, countDone: true},
			[]string{"scanning 100% [", "12/10 files"}},
		{"nothing to count", progressState{files: 0, countDone: true}, []string{"scanning      [", "0 files  0 files/s"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			line := renderProgress(c.s, 79)
			if len(line) != 79 {
				t.Errorf("%d columns, want 79 (the bar fills the line): %q", len(line), line)
			}
			for _, w := range c.want {
				if !strings.Contains(line, w) {
					t.Errorf("%q: missing %q", line, w)
				}
			}
			open, close := strings.Index(line, "["), strings.Index(line, "]")
			if close-open-1 < 20 {
				t.Errorf("the bar is %d columns at 80: %q", close-open-1, line)
			}
			if c.s.total > 0 {
				bar := line[open+1 : close]
				wantFill := min(len(bar), len(bar)*c.s.files/c.s.total)
				if strings.Count(bar, "#") != wantFill {
					t.Errorf("fill %d of %d, want %d: %q", strings.Count(bar, "#"), len(bar), wantFill, bar)
				}
			}
		})
	}
	// Narrow: the bar keeps 10 columns, the rate and sizes give way.
	line := renderProgress(progressState{files: 5, total: 10, bytes: 1 << 20, elapsed: time.Second, countDone: true}, 40)
	if len(line) > 40 || !strings.Contains(line, "5/10 files") || strings.Count(line, "#")+strings.Count(line, ".") < 10 {
		t.Errorf("at 40 columns: %q", line)
	}
	// The sweep moves while the total is unknown.
	a := renderProgress(progressState{elapsed: 0}, 79)
	b := renderProgress(progressState{elapsed: 5 * progressEvery}, 79)
	if a == b {
		t.Error("the indeterminate bar does not move")
	}
}
