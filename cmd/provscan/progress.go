package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/provscan/provscan/scanner"
	"github.com/provscan/provscan/scanner/report"
)

// isTerminal reports whether w is a terminal; tests replace it.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// terminalWidth returns the width of the terminal w writes to, or 80.
func terminalWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			return cols
		}
	}
	return 80
}

// progressOn reports whether a progress bar may be drawn: only on a terminal
// and never with --quiet.
func progressOn(stderr io.Writer, quiet bool) bool {
	return !quiet && isTerminal(stderr)
}

// progressEvery is how often the bar is redrawn.
const progressEvery = 100 * time.Millisecond

// progressState is what the bar shows.
type progressState struct {
	files     int
	total     int // from the pre-count; 0 while it runs
	bytes     int64
	elapsed   time.Duration
	countDone bool // the pre-count ended (total may still be 0: nothing to count)
}

// startProgress draws a progress bar on stderr (files done of the total,
// files per second, bytes) and counts the files to scan in the background
// for its total: until the count arrives the bar shows an indeterminate
// sweep, then the percentage. It returns the callback for
// scanner.Options.Progress and a function that removes the bar.
func startProgress(ctx context.Context, stderr io.Writer, roots []string, opts scanner.Options) (func(scanner.Progress), func()) {
	var mu sync.Mutex
	st := progressState{}
	start := time.Now()
	width := terminalWidth(stderr)
	draw := func() {
		mu.Lock()
		s := st
		mu.Unlock()
		s.elapsed = time.Since(start)
		fmt.Fprint(stderr, "\r"+renderProgress(s, width-1)+"\x1b[K")
	}
	cctx, cancel := context.WithCancel(ctx)
	go func() {
		n := scanner.Count(cctx, roots, opts)
		mu.Lock()
		if cctx.Err() == nil {
			st.total, st.countDone = n, true
		}
		mu.Unlock()
	}()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		draw()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				draw()
			}
		}
	}()
	update := func(p scanner.Progress) {
		mu.Lock()
		st.files, st.bytes = p.Files, p.Bytes
		mu.Unlock()
	}
	var once sync.Once
	done := func() {
		once.Do(func() {
			cancel()
			close(stop)
			wg.Wait()
			fmt.Fprint(stderr, "\r\x1b[K") // clear the line for the report
		})
	}
	return update, done
}

// renderProgress draws the bar in at most width columns:
//
//	scanning  42% [#########.............]  1234/2937 files  312 files/s  1.2 GiB
//
// With no total yet, a block sweeps across the bar and the count is shown
// without a total. Parts are dropped from the right when the width is
// short; the bar keeps at least 10 columns.
func renderProgress(s progressState, width int) string {
	secs := s.elapsed.Seconds()
	rate := "0 files/s"
	if secs > 0 {
		r := float64(s.files) / secs
		if r < 10 {
			rate = fmt.Sprintf("%.1f files/s", r)
		} else {
			rate = fmt.Sprintf("%.0f files/s", r)
		}
	}
	known := s.total > 0
	head := "scanning     "
	count := fmt.Sprintf("%d files", s.files)
	if known {
		pct := 100 * s.files / s.total
		if pct > 100 || s.files > s.total {
			pct = 100 // files appeared after the count
		}
		head = fmt.Sprintf("scanning %3d%%", pct)
		count = fmt.Sprintf("%d/%d files", s.files, s.total)
	} else if !s.countDone {
		count += " (counting)"
	}
	tail := []string{count, rate, report.HumanBytes(s.bytes)}
	const minBar = 10
	for len(tail) > 1 && len(head)+3+minBar+2+len(strings.Join(tail, "  ")) > width {
		tail = tail[:len(tail)-1]
	}
	rest := "  " + strings.Join(tail, "  ")
	barW := max(minBar, width-len(head)-3-len(rest))
	bar := make([]byte, barW)
	for i := range bar {
		bar[i] = '.'
	}
	if known {
		fill := min(barW, barW*s.files/s.total)
		for i := range fill {
			bar[i] = '#'
		}
	} else { // an indeterminate sweep: a block of 3 bouncing at 10 steps a second
		block := min(3, barW)
		span := barW - block
		pos := int(s.elapsed / progressEvery)
		if span > 0 {
			pos %= 2 * span
			if pos > span {
				pos = 2*span - pos
			}
		} else {
			pos = 0
		}
		for i := pos; i < pos+block; i++ {
			bar[i] = '#'
		}
	}
	return head + " [" + string(bar) + "]" + rest
}
