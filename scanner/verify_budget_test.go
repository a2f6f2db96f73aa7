package scanner

import (
	"testing"

	"github.com/provscan/provscan/provenance"
)

// A file whose hard binding is checked by size may read itself once on top
// of the metadata budget; a larger file keeps the metadata budget, and
// --verify-content lifts it.
func TestBudgetsVerifyBySize(t *testing.T) {
	const max = 256 << 20
	bySize := Options{InspectOptions: provenance.Options{VerifyContentMax: max}}
	for _, tc := range []struct {
		name        string
		opts        Options
		size        int64
		wantBudget  int64
		wantTimeout bool
	}{
		{"small file checked", bySize, 200 << 20, DefaultFileReadBudget + 200<<20, true},
		{"file at the limit", bySize, max, DefaultFileReadBudget + max, true},
		{"master over the limit", bySize, 4 << 30, DefaultFileReadBudget, true},
		{"no content check", Options{}, 1 << 20, DefaultFileReadBudget, true},
		{"--verify-content", Options{InspectOptions: provenance.Options{VerifyContent: true, VerifyContentMax: max}}, 4 << 30, -1, false},
		{"no read budget", Options{FileReadBudget: -1, InspectOptions: provenance.Options{VerifyContentMax: max}}, 1 << 20, -1, true},
	} {
		timeout, budget := tc.opts.budgets(tc.size)
		if budget != tc.wantBudget || (timeout > 0) != tc.wantTimeout {
			t.Errorf("%s: budgets(%d) = %v, %d; want budget %d, timeout %v", tc.name, tc.size, timeout, budget, tc.wantBudget, tc.wantTimeout)
		}
	}
}
