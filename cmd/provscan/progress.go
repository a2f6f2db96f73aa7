package main

import (
	"context"
	"fmt"
	"io"
	"os"
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

// startProgress draws a progress bar on stderr (files and bytes done, files
// per second) and counts the files to scan in the background for its total.
// It returns the callback for scanner.Options.Progress and a function that
// removes the bar.
func startProgress(ctx context.Context, stderr io.Writer, roots []string, opts scanner.Options) (func(scanner.Progress), func()) {
	bar := progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription("scanning"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("files"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionFullWidth(),
	)
	cctx, cancel := context.WithCancel(ctx)
	go func() {
		if n := scanner.Count(cctx, roots, opts); n > 0 && cctx.Err() == nil {
			bar.ChangeMax64(int64(n))
		}
	}()
	update := func(p scanner.Progress) {
		bar.Describe(fmt.Sprintf("scanning (%s, %s read)", report.HumanBytes(p.Bytes), report.HumanBytes(p.BytesRead)))
		bar.Set(p.Files)
	}
	done := func() {
		cancel()
		bar.Finish()
		bar.Clear()
	}
	return update, done
}
