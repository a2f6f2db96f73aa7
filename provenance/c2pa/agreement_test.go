package c2pa

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// agreement tallies, per aspect, how provscan compares with the reference
// SDK on the corpus: agree, differ, or differ as listed in
// testdata/known-differences.md (by "path aspect" or by path alone).
type agreement struct {
	aspects  []string
	known    map[string]bool
	table    map[string]*tally
	used     map[string]bool // listed differences that occurred
	failures []string
	unread   []string // files in containers provscan cannot read yet
}

type tally struct{ agree, differ, known int }

func newAgreement(known map[string]bool, aspects ...string) *agreement {
	a := &agreement{aspects: aspects, known: known, table: map[string]*tally{}, used: map[string]bool{}}
	for _, asp := range aspects {
		a.table[asp] = &tally{}
	}
	return a
}

// record counts one comparison; detail says how the two differ.
func (a *agreement) record(path, aspect string, ok bool, detail string) {
	tl := a.table[aspect]
	switch {
	case ok:
		tl.agree++
	case a.known[path+" "+aspect] || a.known[path]:
		tl.known++
		a.used[path+" "+aspect] = true
	default:
		tl.differ++
		a.failures = append(a.failures, fmt.Sprintf("%s [%s]: %s", path, aspect, detail))
	}
}

// report prints the table and fails t for every unlisted difference and
// every listed difference that no longer occurs. unreadWhat names the
// unread files in the log line.
func (a *agreement) report(t *testing.T, unreadWhat string) {
	t.Helper()
	t.Logf("%-16s %6s %6s %6s", "aspect", "agree", "differ", "known")
	for _, asp := range a.aspects {
		tl := a.table[asp]
		t.Logf("%-16s %6d %6d %6d", asp, tl.agree, tl.differ, tl.known)
	}
	t.Logf("%d %s in containers provscan cannot read yet: %v", len(a.unread), unreadWhat, a.unread)
	// A listed difference that no longer occurs must be removed from the list.
	for k := range a.known {
		for _, asp := range a.aspects {
			if strings.HasSuffix(k, " "+asp) && !a.used[k] {
				a.failures = append(a.failures, fmt.Sprintf("%s: listed in known-differences.md but provscan now agrees", k))
			}
		}
	}
	sort.Strings(a.failures)
	for _, f := range a.failures {
		t.Errorf("disagreement: %s", f)
	}
}
