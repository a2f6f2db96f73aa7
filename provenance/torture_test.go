package provenance_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/provscan/provscan/provenance"
	"github.com/provscan/provscan/scanner"
	"github.com/provscan/provscan/scanner/report"
)

// The torture test mutates every file of testdata/deliverables and of the
// shared corpus (when present) in many ways, with a fixed seed, and requires
// of provenance.Inspect on each mutant: no panic, no hang, bounded memory.
// `go test` runs a modest count; `make torture` a larger one:
//
//	go test ./provenance -run '^TestTorture$' -torture 200
//	PROVSCAN_TORTURE=200 go test ./provenance -run '^TestTorture$'
var (
	tortureCount = flag.Int("torture", 0, "mutants per input file for TestTorture (0: $PROVSCAN_TORTURE, else a modest default)")
	tortureSeed  = flag.Uint64("torture.seed", 20261127, "random seed of TestTorture")
)

const (
	// tortureDefaultDeliverables and tortureDefaultCorpus are the mutants per
	// file of a plain `go test` (the corpus has about 280 files, some of MBs).
	tortureDefaultDeliverables = 400
	tortureDefaultCorpus       = 20
	// tortureDeadline detects hangs; it is no speed measurement.
	tortureDeadline = 10 * time.Second
	// tortureGrace is how much longer a late inspection is waited for before
	// the test stops (the goroutine cannot be killed).
	tortureGrace = 2 * time.Minute
	// tortureMaxAlloc bounds the bytes allocated while inspecting one mutant.
	tortureMaxAlloc = 256 << 20
	// tortureMaxMembers bounds how many archive members of a mutant are inspected, per level.
	tortureMaxMembers = 32
)

// tortureFailuresDir holds mutants that once crashed, hung or ballooned; they
// are replayed by TestTortureRegressions.
const tortureFailuresDir = "testdata/torture"

// knownTortureFailures lists saved failing inputs (file name under
// testdata/torture) that still fail, each with the reason and owner. An entry
// here turns the failure into a log line; remove it once the reader is fixed.
var knownTortureFailures = map[string]string{
	// Both mutants once made go-exif allocate 512 MiB and 4 GiB (a huge IFD1
	// count, a huge JPEGInterchangeFormatLength). Fixed in provenance/exif:
	// go-exif is only asked when our own walk fails, and never with an entry
	// larger than the block. Replayed as regressions.
}

// tortureOutcome is what inspecting one mutant gave.
type tortureOutcome struct {
	err    error
	panic  string // panic value and stack, "" when none
	alloc  uint64 // bytes allocated
	blocks int
}

// inspectTortured inspects data (and, recursively, its archive members) in a
// goroutine, with a hang deadline. late is true when the deadline passed; the
// call then waits tortureGrace more, so that a slow (not endless) input does
// not stop the run. ok is false when even that passed: the goroutine is then
// still running.
func inspectTortured(data []byte, name string) (out tortureOutcome, late, ok bool) {
	done := make(chan tortureOutcome, 1)
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	go func() {
		var o tortureOutcome
		defer func() {
			if v := recover(); v != nil {
				// Reported as a test failure by the caller, never swallowed.
				o.panic = fmt.Sprintf("panic: %v\n%s", v, debug.Stack())
			}
			done <- o
		}()
		o.blocks, o.err = inspectTree(bytes.NewReader(data), int64(len(data)), name, 0)
	}()
	for _, wait := range []time.Duration{tortureDeadline, tortureGrace} {
		select {
		case o := <-done:
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			o.alloc = after.TotalAlloc - before.TotalAlloc
			return o, late, true
		case <-time.After(wait):
			late = true
		}
	}
	return tortureOutcome{}, true, false
}

// inspectTree inspects one file and the members of an archive, as the scanner
// does (at most three levels deep).
func inspectTree(r io.ReaderAt, size int64, name string, depth int) (int, error) {
	p, err := provenance.Inspect(r, size, name, provenance.Options{})
	if p == nil {
		return 0, err
	}
	n := len(p.Blocks)
	if depth >= 3 {
		return n, err
	}
	for i, m := range p.Members {
		if i >= tortureMaxMembers {
			break
		}
		mr, merr := m.Open()
		if merr != nil {
			continue
		}
		k, _ := inspectTree(mr, m.Size, name+"!/"+m.Name, depth+1)
		n += k
	}
	return n, err
}

// tortureInput is one file to mutate.
type tortureInput struct {
	name string // path relative to its source folder, for messages and failure files
	data []byte
}

func loadTortureInputs(t *testing.T, dir string) []tortureInput {
	t.Helper()
	var in []tortureInput
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		in = append(in, tortureInput{name: filepath.ToSlash(rel), data: data})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// mutationNames name the mutations of mutate, in the order of its switch.
var mutationNames = []string{"bitflip", "truncate", "inflate32", "inflate16", "duplicate", "zero", "combo"}

// mutate returns a mutant of src (src is not modified) and the mutation's name.
func mutate(rng *rand.Rand, src []byte) ([]byte, string) {
	kind := rng.IntN(len(mutationNames))
	b := append([]byte(nil), src...)
	return mutateAs(rng, b, kind), mutationNames[kind]
}

func mutateAs(rng *rand.Rand, b []byte, kind int) []byte {
	if len(b) == 0 {
		return b
	}
	switch kind {
	case 0: // flip 1 to 16 bits
		for range 1 + rng.IntN(16) {
			i := offset(rng, len(b))
			b[i] ^= 1 << rng.IntN(8)
		}
	case 1: // truncate: often in the first KiB, where headers are
		if rng.IntN(2) == 0 {
			return b[:rng.IntN(min(len(b), 1024))]
		}
		return b[:offset(rng, len(b))]
	case 2: // an inflated 32-bit length, big or little endian
		if len(b) < 4 {
			return b
		}
		i := min(offset(rng, len(b)), len(b)-4)
		v := []uint32{0xffffffff, 0x7fffffff, 0x80000000, 0xfffffff0, 0x00ffffff}[rng.IntN(5)]
		if rng.IntN(2) == 0 {
			binary.BigEndian.PutUint32(b[i:], v)
		} else {
			binary.LittleEndian.PutUint32(b[i:], v)
		}
	case 3: // an inflated 16-bit length (JPEG segments, TIFF counts)
		if len(b) < 2 {
			return b
		}
		i := min(offset(rng, len(b)), len(b)-2)
		binary.BigEndian.PutUint16(b[i:], []uint16{0xffff, 0x7fff, 0x0000, 0x0001}[rng.IntN(4)])
	case 4: // duplicate a slice into another position (inserted)
		from := offset(rng, len(b))
		n := min(1+rng.IntN(4096), len(b)-from)
		seg := append([]byte(nil), b[from:from+n]...)
		at := offset(rng, len(b))
		return slices.Insert(b, at, seg...)
	case 5: // zero a run of bytes
		from := offset(rng, len(b))
		clear(b[from:min(len(b), from+1+rng.IntN(64))])
	case 6: // two or three of the above
		for range 2 + rng.IntN(2) {
			b = mutateAs(rng, b, rng.IntN(6))
			if len(b) == 0 {
				break
			}
		}
	}
	return b
}

// offset picks a byte offset, biased to where metadata lives: mostly the
// first 64 KiB, sometimes the last 64 KiB (a movie box at the end, a PDF
// trailer), sometimes anywhere.
func offset(rng *rand.Rand, n int) int {
	const window = 64 << 10
	switch r := rng.IntN(20); {
	case r < 14:
		return rng.IntN(min(n, window))
	case r < 17:
		return n - 1 - rng.IntN(min(n, window))
	default:
		return rng.IntN(n)
	}
}

func tortureMutants(t *testing.T, fallback int) int {
	if *tortureCount > 0 {
		return *tortureCount
	}
	if s := os.Getenv("PROVSCAN_TORTURE"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			t.Fatalf("PROVSCAN_TORTURE=%q: want a count", s)
		}
		return n
	}
	if testing.Short() {
		return max(1, fallback/4)
	}
	return fallback
}

// tortureStats summarises the mutants of one source.
type tortureStats struct {
	mutants, errors, failures int
	maxAlloc                  uint64
	maxAllocName              string
	slowest                   time.Duration
	slowestName               string
}

// TestTorture: mutants of every sample and corpus file end with a result or
// an error, in bounded memory, never with a panic or a hang.
func TestTorture(t *testing.T) {
	sources := []struct{ name, dir string }{
		{"deliverables", "../testdata/deliverables"},
		{"corpus", corpusDir},
	}
	for _, src := range sources {
		t.Run(src.name, func(t *testing.T) {
			if src.name == "corpus" {
				needCorpus(t)
			}
			fallback := tortureDefaultDeliverables
			if src.name == "corpus" {
				fallback = tortureDefaultCorpus
			}
			perFile := tortureMutants(t, fallback)
			inputs := loadTortureInputs(t, src.dir)
			if len(inputs) == 0 {
				t.Fatalf("no files under %s", src.dir)
			}
			var st tortureStats
			for fi, in := range inputs {
				rng := rand.New(rand.NewPCG(*tortureSeed, uint64(fi)))
				for m := range perFile {
					data, how := mutate(rng, in.data)
					id := fmt.Sprintf("%s-%d-%s", in.name, m, how)
					start := time.Now()
					o, late, ok := inspectTortured(data, id)
					el := time.Since(start)
					st.mutants++
					if !ok {
						saved := saveTortureFailure(t, id, data)
						t.Fatalf("%s: no answer after %v (hang); input saved to %s; seed %d", id, tortureDeadline+tortureGrace, saved, *tortureSeed)
					}
					if late {
						st.failures++
						saved := saveTortureFailure(t, id, data)
						t.Errorf("%s: answered after %v, over the %v hang deadline (allocated %d MiB); input saved to %s",
							id, el.Round(time.Millisecond), tortureDeadline, o.alloc>>20, saved)
					}
					if el > st.slowest {
						st.slowest, st.slowestName = el, id
					}
					if o.alloc > st.maxAlloc {
						st.maxAlloc, st.maxAllocName = o.alloc, id
					}
					if o.err != nil {
						st.errors++
					}
					if o.panic != "" || o.alloc > tortureMaxAlloc {
						st.failures++
						saved := saveTortureFailure(t, id, data)
						if o.panic != "" {
							t.Errorf("%s: %s\ninput saved to %s", id, o.panic, saved)
						} else {
							t.Errorf("%s: allocated %d MiB (limit %d MiB); input saved to %s", id, o.alloc>>20, tortureMaxAlloc>>20, saved)
						}
					}
				}
			}
			t.Logf("%d files x %d mutants = %d inspected: %d errors (expected for broken input), %d failures; most allocated %.1f MiB (%s); slowest %v (%s)",
				len(inputs), perFile, st.mutants, st.errors, st.failures, float64(st.maxAlloc)/(1<<20), st.maxAllocName, st.slowest.Round(time.Millisecond), st.slowestName)
		})
	}
}

// saveTortureFailure writes a failing mutant under testdata/torture, where
// TestTortureRegressions replays it, and returns its path.
func saveTortureFailure(t *testing.T, id string, data []byte) string {
	t.Helper()
	name := strings.NewReplacer("/", "_", "\\", "_", " ", "_").Replace(id) + ".bin"
	path := filepath.Join(tortureFailuresDir, name)
	if err := os.MkdirAll(tortureFailuresDir, 0o755); err != nil {
		t.Logf("cannot save the failing input: %v", err)
		return "(not saved)"
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Logf("cannot save the failing input: %v", err)
		return "(not saved)"
	}
	return path
}

// TestTortureRegressions replays the mutants that once failed.
func TestTortureRegressions(t *testing.T) {
	entries, err := os.ReadDir(tortureFailuresDir)
	if os.IsNotExist(err) {
		t.Skip("no saved torture failures")
	}
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".bin") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, name := range names {
		reason, known := knownTortureFailures[name]
		if known && *tortureCount == 0 && os.Getenv("PROVSCAN_TORTURE") == "" {
			// A known failure may allocate GiBs: replayed only by `make torture`.
			t.Logf("%s: known failure (%s), replayed by make torture", name, reason)
			continue
		}
		data, err := os.ReadFile(filepath.Join(tortureFailuresDir, name))
		if err != nil {
			t.Fatal(err)
		}
		o, late, ok := inspectTortured(data, name)
		var problem string
		switch {
		case !ok:
			problem = fmt.Sprintf("no answer after %v (hang)", tortureDeadline+tortureGrace)
		case late:
			problem = fmt.Sprintf("answered after the %v hang deadline", tortureDeadline)
		case o.panic != "":
			problem = o.panic
		case o.alloc > tortureMaxAlloc:
			problem = fmt.Sprintf("allocated %d MiB (limit %d MiB)", o.alloc>>20, tortureMaxAlloc>>20)
		}
		switch {
		case problem != "" && known:
			t.Logf("%s: known failure (%s): %.300s", name, reason, problem)
		case problem != "":
			t.Errorf("%s: %s", name, problem)
		case known:
			t.Errorf("%s: listed as a known failure (%s) but passes now: remove it from knownTortureFailures", name, reason)
		}
		if !ok {
			t.FailNow() // the hung goroutine still runs: stop here
		}
	}
}

// tortureScanMutants and tortureScanCorpusMutants are how many mutants of
// each sample deliverable (16 files) and of each corpus file (about 280, when
// present) the scan-level torture writes into its tree.
const (
	tortureScanMutants       = 150
	tortureScanCorpusMutants = 4
)

// TestTortureScan runs the whole pipeline on mutants: it writes mutants of
// every sample deliverable into one folder (same names and extensions, so
// that sidecars meet their media files), scans it with several workers as
// `provscan scan` does, and writes every report format. It requires a report
// that accounts for every file, no panic inside a reader (the scanner turns
// one into an "internal error" finding, which this test refuses), no hang,
// and a bounded heap.
func TestTortureScan(t *testing.T) {
	dir := t.TempDir()
	written, sources := 0, 0
	for _, src := range []struct {
		dir, prefix string
		perFile     int
	}{
		{"../testdata/deliverables", "d", tortureScanMutants},
		{corpusDir, "c", tortureScanCorpusMutants},
	} {
		if _, err := os.Stat(src.dir); err != nil {
			t.Logf("%s absent: not in this run", src.dir)
			continue
		}
		inputs := loadTortureInputs(t, src.dir)
		sources += len(inputs)
		perFile := tortureMutants(t, src.perFile)
		if *tortureCount > 0 || os.Getenv("PROVSCAN_TORTURE") != "" {
			perFile = max(1, src.perFile*perFile/tortureDefaultDeliverables) // scaled like TestTorture's count
		}
		for fi, in := range inputs {
			rng := rand.New(rand.NewPCG(*tortureSeed^0x5ca1, uint64(fi)))
			for m := range perFile {
				data, _ := mutate(rng, in.data)
				p := filepath.Join(dir, fmt.Sprintf("%s%03d", src.prefix, m), filepath.FromSlash(in.name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, data, 0o644); err != nil {
					t.Fatal(err)
				}
				written++
			}
		}
	}

	// The hostile shapes of an attack pass, as they are and mutated.
	rng := rand.New(rand.NewPCG(*tortureSeed^0xba5e, 1))
	for name, data := range hostileShapes() {
		for m := range 4 {
			if m > 0 {
				data, _ = mutate(rng, data)
			}
			p := filepath.Join(dir, fmt.Sprintf("h%d", m), filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			written++
		}
	}

	// Sample the heap while the scan runs, above what the test itself
	// holds before it starts.
	runtime.GC()
	var ms0 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	stop := make(chan struct{})
	peak := make(chan uint64, 1)
	go func() {
		var maxHeap uint64
		var ms runtime.MemStats
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			maxHeap = max(maxHeap, ms.HeapInuse)
			select {
			case <-stop:
				peak <- maxHeap
				return
			case <-tick.C:
			}
		}
	}()
	type result struct {
		rep *report.Report
		err error
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		rep, err := scanner.Scan(context.Background(), []string{dir}, scanner.Options{Workers: 4})
		done <- result{rep, err}
	}()
	var res result
	select {
	case res = <-done:
	case <-time.After(tortureGrace):
		t.Fatalf("the scan of %d mutants did not end within %v", written, tortureGrace)
	}
	close(stop)
	maxHeap := <-peak
	maxHeap -= min(maxHeap, ms0.HeapInuse)
	if res.err != nil {
		t.Fatalf("scan: %v", res.err)
	}
	rep := res.rep
	if rep.Summary.Files+len(rep.Errors) < written {
		t.Errorf("report accounts for %d files and %d errors; %d written", rep.Summary.Files, len(rep.Errors), written)
	}
	for _, f := range rep.Findings {
		if strings.Contains(f.Message, "internal error") {
			t.Errorf("%s: a reader panicked: %s", f.Path, f.Message)
		}
	}
	const maxHeapInuse = 512 << 20
	if maxHeap > maxHeapInuse {
		t.Errorf("heap in use grew by %d MiB during the scan (limit %d MiB)", maxHeap>>20, maxHeapInuse>>20)
	}
	for name, write := range map[string]func(io.Writer, *report.Report) error{
		"json": report.WriteJSON, "sarif": report.WriteSARIF, "junit": report.WriteJUnit,
		"text": func(w io.Writer, r *report.Report) error { return report.WriteText(w, r, report.TextOptions{}) },
	} {
		if err := write(io.Discard, rep); err != nil {
			t.Errorf("%s report: %v", name, err)
		}
	}
	unreadable := rep.Summary.ByRule["unreadable"]
	t.Logf("%d mutants of %d files scanned in %v: %d flagged, %d unreadable, %d errors, %d members; heap grew by at most %d MiB",
		written, sources, time.Since(start).Round(time.Millisecond), rep.Summary.Flagged, unreadable,
		len(rep.Errors), rep.Summary.Members, maxHeap>>20)
}
