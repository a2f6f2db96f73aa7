package scanner

import (
	"errors"

	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/scanner/report"
)

// cutShort returns the findings made before a file ran out of its time or
// read budget (err wraps errBudget): the file is an unreadable finding,
// which item adds, and the findings its inspection had already made are
// kept beside it, each saying it was cut short. (What a limit stopped,
// p.Incomplete, item reports as "not fully inspected" errors.)
func cutShort(p *provenance.Provenance, err error) []report.Finding {
	if p == nil || err == nil || !errors.Is(err, errBudget) || len(p.Evidence) == 0 {
		return nil
	}
	kept := findingsOf(p)
	for i := range kept {
		kept[i].Message += "; found before the inspection was cut short (" + err.Error() + ")"
	}
	return kept
}
