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

	"github.com/provscan/provscan/scanner"
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// errFindings is returned by a command whose findings fail the gate.
var errFindings = errors.New("findings at or above the fail threshold")

// usageError marks a command-line mistake.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// run executes the command line and returns the exit code. Any error other
// than errFindings, including cobra's own usage errors, exits 2.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errFindings):
		return exitFindings
	}
	fmt.Fprintf(stderr, "provscan: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		fmt.Fprintln(stderr, "Run 'provscan --help' for usage.")
	}
	return exitFailure
}
