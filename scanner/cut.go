package scanner

import (
	"errors"

	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/scanner/report"
)

// cutPrefix starts the report error of a file whose inspection a limit or
// a budget cut short: the fail-closed gate treats the file as not inspected
// (it fails unless unreadable files are allowed).
const cutPrefix = "not fully inspected: "

// cutShort reports what stopped the inspection of one file or member
// before its end, and returns the findings made before a budget ran out:
//   - each limit the readers and interpreters met (p.Cuts) becomes a report
//     error for the file, "not fully inspected: <reason>";
//   - a file over its time or read budget (err wraps errBudget) is an
//     unreadable finding, which item adds; the findings its inspection had
//     already made are kept beside it, each saying it was cut short.
func cutShort(fr *fileResult, p *provenance.Provenance, err error, root, rel string) []report.Finding {
	if p == nil {
		return nil
	}
	for _, c := range p.Cuts {
		fr.errors = append(fr.errors, report.Error{Path: rel, Root: root, Error: cutPrefix + c})
	}
	if err == nil || !errors.Is(err, errBudget) || len(p.Evidence) == 0 {
		return nil
	}
	kept := findingsOf(p)
	for i := range kept {
		kept[i].Message += "; found before the inspection was cut short (" + err.Error() + ")"
	}
	return kept
}
