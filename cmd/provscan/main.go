// Command provscan scans film and series deliverables for generative-AI
// provenance markers and gates a handoff on what it finds.
//
// Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
// 2 usage error or the scan itself failed.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/provscan/provscan/scanner"
	"github.com/provscan/provscan/scanner/policy"
	"github.com/provscan/provscan/scanner/report"
)

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitFailure  = 2
)

// inspector reads one file; nil means provenance.Inspect. Tests replace it.
var inspector scanner.InspectFunc

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = "dev"

// gcPercent is the collector's target when GOGC is not set. A scan makes
// many short-lived objects per file and keeps few (the findings): collecting
// half as often as Go's default saves CPU for little memory (bench/results.md).
const gcPercent = 200

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := stopOnSignals(os.Stderr)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// stopOnSignals returns a context cancelled by the first SIGINT or SIGTERM
// (what a terminal, a CI runner and Kubernetes send): a scan then stops and
// writes the reports of the files done so far, marked incomplete, and exits
// 2. A second signal exits at once, with 2. The returned function stops
// listening.
func stopOnSignals(stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			cancel()
		case <-done:
			return
		}
		select {
		case s := <-sigs:
			fmt.Fprintf(stderr, "provscan: %v again: exiting without the reports\n", s)
			os.Exit(exitFailure)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}

// errFindings is returned by a command whose findings fail the gate.
var errFindings = errors.New("findings at or above the fail threshold")

// usageError marks a command-line mistake.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// maxErrorRunes bounds each line of an error message on the terminal.
const maxErrorRunes = 2000

// cleanError returns the message of err for the terminal. It may quote a
// policy key, a path or a value from a file, so it is escaped: nothing in it
// can draw on the terminal or start a line. A configuration error lists its
// problems one a line (their keys and values are quoted where they are
// made); the lines after the first are indented.
func cleanError(err error) string {
	msg := strings.TrimRight(err.Error(), "\n")
	var ce *policy.ConfigError
	if !errors.As(err, &ce) {
		return report.Clean(msg, maxErrorRunes)
	}
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		lines[i] = report.Clean(l, maxErrorRunes)
	}
	return strings.Join(lines, "\n  ")
}

// run executes the command line and returns the exit code. Any error other
// than errFindings, including cobra's own usage errors, exits 2. After a
// mistake on the command line (not after a configuration or scan error), it
// points at the help of the command in use.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errFindings):
		return exitFindings
	}
	fmt.Fprintf(stderr, "provscan: %s\n", cleanError(err))
	if isUsage(err) {
		if cmd == nil {
			cmd = root
		}
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return exitFailure
}

// isUsage reports whether err is a mistake on the command line. A policy,
// approvals or baseline file that cannot be read or is wrong is a
// configuration error: it exits 2 too, but the command's help would not fix it.
func isUsage(err error) bool {
	var ce *policy.ConfigError
	if errors.As(err, &ce) {
		return false
	}
	var ue usageError
	if !errors.As(err, &ue) {
		return isCobraUsage(err)
	}
	msg := ue.Error()
	for _, p := range []string{"config", "approvals", "baseline", "both "} { // the errors of policy.Resolve's files
		if strings.HasPrefix(msg, p) {
			return false
		}
	}
	return true
}
