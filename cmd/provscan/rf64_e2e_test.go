package main

import (
	"testing"

	"github.com/provscan/provscan/bench/synth"
)

// bw64WithOriginator is a BW64 file whose bext chunk, after the data chunk
// (sized by ds64), names originator.
func bw64WithOriginator(originator string) []byte {
	const size = 4 << 10
	return synth.Assemble(size, synth.BW64Master(size, "Main mix", originator))
}

// TestGateBW64Originator: a BW64 master whose bext Originator names a GenAI
// tool fails the default gate; one naming a workstation passes.
func TestGateBW64Originator(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	deliv := t.TempDir()
	writeFiles(t, deliv, map[string][]byte{"audio/gen.wav": bw64WithOriginator("Stable Audio 2.0"), "audio/mix.wav": bw64WithOriginator("Pyramix")})
	r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", deliv)
	rep := parseReport(t, r)
	failing := rep.failingPaths()
	if r.code != 1 || len(failing) != 1 || !failing["audio/gen.wav"] || len(rep.Unsupported) != 0 || len(rep.Errors) != 0 {
		t.Errorf("exit %d, failing %v, unsupported %+v, errors %+v\n%s", r.code, failing, rep.Unsupported, rep.Errors, r.stdout)
	}
}
