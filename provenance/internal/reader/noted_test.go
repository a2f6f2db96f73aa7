package reader

import (
	"errors"
	"fmt"
	"testing"

	"github.com/provscan/provscan/provenance/readerr"
)

func TestUnnoted(t *testing.T) {
	a, b := errors.New("a"), errors.New("b")
	if Unnoted(Noted(a)) != nil || Unnoted(nil) != nil || Noted(nil) != nil {
		t.Error("a noted error is left out")
	}
	if err := Unnoted(errors.Join(Noted(a), b)); err == nil || err.Error() != "b" {
		t.Errorf("join: %v", err)
	}
	if err := Unnoted(errors.Join(Noted(a), Noted(b))); err != nil {
		t.Errorf("all noted: %v", err)
	}
	if j := errors.Join(a, b); Unnoted(j) != j {
		t.Error("nothing noted: the same error")
	}
	if !errors.Is(Noted(fmt.Errorf("x: %w", readerr.ErrLimit)), readerr.ErrLimit) {
		t.Error("errors.Is through Noted")
	}
}
