// Command gentree writes a synthetic deliverables tree for benchmarks:
// thousands of small stills (JPEG, PNG, WebP) with and without GenAI markers,
// subtitle and JSON sidecars, and sparse multi-GiB masters (MP4 with the
// movie box at the end, MOV, WAV).
//
//	go run ./bench/gentree -o /tmp/tree -files 5000 -masters 2
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/provscan/provscan/bench/synth"
)

func main() {
	out := flag.String("o", "", "folder to create (must not exist)")
	files := flag.Int("files", 5000, "number of small files")
	masters := flag.Int("masters", 2, "sets of sparse masters (one MP4, MOV and WAV each)")
	masterGiB := flag.Int64("master-gib", 4, "size of each master in GiB (at most 4: WAV sizes are 32-bit)")
	maxPayload := flag.Int("max-payload", 96<<10, "largest media payload of a still, in bytes")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gentree: -o is required")
		os.Exit(2)
	}
	if _, err := os.Stat(*out); err == nil {
		fmt.Fprintf(os.Stderr, "gentree: %s already exists\n", *out)
		os.Exit(2)
	}
	if *masterGiB < 1 || *masterGiB > 4 {
		fmt.Fprintln(os.Stderr, "gentree: -master-gib must be 1 to 4")
		os.Exit(2)
	}
	st, err := synth.Tree(*out, synth.TreeConfig{
		Files: *files, Masters: *masters, MasterSize: *masterGiB << 30, MaxPayload: *maxPayload, Seed: *seed,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "gentree:", err)
		os.Exit(1)
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"files": st.Files, "marked": st.Marked, "masters": st.Masters, "bytes": st.Bytes,
	})
}
