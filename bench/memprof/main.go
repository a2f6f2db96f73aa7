// Command memprof scans a tree like `provscan scan --format json` and reports
// where the memory goes: live heap after the scan (the report model), after
// writing the JSON report, the heap's high-water mark, and optional pprof
// heap and CPU profiles, for finding what stands between provscan and its
// memory and speed targets.
//
//	go run ./bench/memprof -heap /tmp/heap.out -cpu /tmp/cpu.out DIR
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/provscan/provscan/scanner"
	"github.com/provscan/provscan/scanner/report"
)

func main() {
	heap := flag.String("heap", "", "write heap profiles after the scan (to `FILE`) and after the JSON report (to FILE.report)")
	cpu := flag.String("cpu", "", "write a CPU profile of the scan and the report to `FILE`")
	workers := flag.Int("workers", 0, "files read at once (default: number of CPUs)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: memprof [-heap FILE] [-cpu FILE] [-workers N] DIR")
		os.Exit(2)
	}
	if *cpu != "" {
		f, err := os.Create(*cpu)
		check(err)
		check(pprof.StartCPUProfile(f))
		defer pprof.StopCPUProfile()
	}
	rep, err := scanner.Scan(context.Background(), flag.Args(), scanner.Options{Workers: *workers})
	check(err)
	afterScan := live()
	var scanMS runtime.MemStats
	runtime.ReadMemStats(&scanMS)
	if *heap != "" {
		f, err := os.Create(*heap)
		check(err)
		check(pprof.WriteHeapProfile(f))
		f.Close()
	}
	cw := &countWriter{}
	check(report.WriteJSON(cw, rep))
	if *heap != "" { // after the report too: `go tool pprof -base HEAP HEAP.report` shows what the report allocated
		f, err := os.Create(*heap + ".report")
		check(err)
		check(pprof.WriteHeapProfile(f))
		f.Close()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("files %d, findings %d, report %.1f MiB of JSON\n", rep.Summary.Files, len(rep.Findings), mib(uint64(cw.n)))
	fmt.Printf("live heap after the scan %.1f MiB; heap high-water (HeapSys) %.1f MiB after the scan, %.1f MiB after the report; runtime total (Sys) %.1f MiB; allocated in all %.1f MiB (%.1f MiB by the report) in %d objects; %d GCs\n",
		mib(afterScan), mib(scanMS.HeapSys), mib(ms.HeapSys), mib(ms.Sys), mib(ms.TotalAlloc), mib(ms.TotalAlloc-scanMS.TotalAlloc), ms.Mallocs, ms.NumGC)
	runtime.KeepAlive(rep)
}

// live returns the heap in use after a full collection.
func live() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)

func mib(n uint64) float64 { return float64(n) / (1 << 20) }

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "memprof:", err)
		os.Exit(1)
	}
}
