package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/provscan/provscan/scanner"
	"github.com/provscan/provscan/scanner/report"
)

// isTerminal reports whether w is a terminal; tests replace it.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progressOn reports whether a progress bar may be drawn: only on a terminal
// and never with --quiet.
func progressOn(stderr io.Writer, quiet bool) bool {
	return !quiet && isTerminal(stderr)
}

// progressEvery is how often the bar is redrawn at most.
const progressEvery = 100 * time.Millisecond

// startProgress draws a progress bar on stderr and counts the files to scan
// in the background for its total. It returns the callback for
// scanner.Options.Progress and a function that removes the bar.
func startProgress(ctx context.Context, stderr io.Writer, roots []string, opts scanner.Options) (func(scanner.Progress), func()) {
	width := report.WidthFor(stderr)
	if width == 0 { // not a terminal, or of no known size
		width = 80
	}
	p := newProgress(stderr, width)
	cctx, cancel := context.WithCancel(ctx)
	go func() {
		if n := scanner.Count(cctx, roots, opts); cctx.Err() == nil {
			p.counted(n)
		}
	}()
	return p.update, func() {
		cancel()
		p.close()
	}
}

// progress draws the progress of a scan with schollz/progressbar: a spinner
// with the running count until the pre-count gives a total, then a bar with
// the percentage, the files done of the total and the files per second.
//
// A progressbar of unknown length keeps its count modulo its width, so a bar
// started without a total and given one later shows a wrong percentage: the
// determinate bar is a new one, made when the total arrives and set to the
// files done so far.
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	width   int // columns of the terminal
	spinner *progressbar.ProgressBar
	bar     *progressbar.ProgressBar
	start   time.Time
	files   int
	total   int
	bytes   int64
	closed  bool
}

func newProgress(w io.Writer, width int) *progress {
	p := &progress{w: w, width: width, start: time.Now()}
	p.spinner = progressbar.NewOptions64(-1, append(p.options(false), progressbar.OptionSetDescription(p.description(false)))...)
	return p
}

// barReserve is what the other parts of a determinate bar take of a line:
// " 42% [" ... "] (12345/29370) scanning: 3080 files/s, 12.3 GiB".
const barReserve = 56

// options are those of both bars. The rate and the bytes are in the
// description, at the end of the line: the library's own rate of a bar made
// when the count arrives would divide the files done so far by an instant.
// No spinner ticker: the spinner turns with each file, and nothing writes to
// the terminal from another goroutine.
func (p *progress) options(known bool) []progressbar.Option {
	o := []progressbar.Option{
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionShowDescriptionAtLineEnd(),
		progressbar.OptionThrottle(progressEvery),
		progressbar.OptionSetSpinnerChangeInterval(0),
		progressbar.OptionSetElapsedTime(false),
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionSetTheme(progressbar.Theme{Saucer: "#", SaucerPadding: ".", BarStart: "[", BarEnd: "]"}),
	}
	if known {
		o = append(o, progressbar.OptionShowCount(), progressbar.OptionSetWidth(max(10, p.width-barReserve)))
	}
	return o
}

// description says the rate and the bytes done (and, before the count, the files).
func (p *progress) description(counted bool) string {
	rate := float64(p.files) / max(time.Since(p.start).Seconds(), 0.001)
	d := fmt.Sprintf("%.0f files/s, %s", rate, report.HumanBytes(p.bytes))
	if !counted {
		return fmt.Sprintf("scanning: %d files, %s (counting)", p.files, d)
	}
	return "scanning: " + d
}

// update records the files done and redraws.
func (p *progress) update(u scanner.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	added := u.Files - p.files
	p.files = u.Files
	p.bytes = u.Bytes
	// The count first, then the description: each redraws, within the
	// throttle, so a frame may show the rate of one file earlier.
	if p.bar == nil {
		_ = p.spinner.Add(max(added, 0))
		p.spinner.Describe(p.description(false))
		return
	}
	if p.files > p.total { // files appeared after the count
		p.total = p.files
		p.bar.ChangeMax(p.total)
	}
	_ = p.bar.Set(p.files)
	p.bar.Describe(p.description(true))
}

// counted switches to the determinate bar once the total is known.
func (p *progress) counted(total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.bar != nil || total <= 0 {
		return
	}
	_ = p.spinner.Clear()
	p.total = max(total, p.files)
	p.bar = progressbar.NewOptions64(int64(p.total), append(p.options(true), progressbar.OptionSetDescription(p.description(true)))...)
	_ = p.bar.Set(p.files) // the first frame: not throttled
}

// close removes the bar from the terminal, for the report.
func (p *progress) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	b := p.spinner
	if p.bar != nil {
		b = p.bar
	}
	_ = b.Exit()
	fmt.Fprint(p.w, "\r\x1b[K")
}
