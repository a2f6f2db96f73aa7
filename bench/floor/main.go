// Command floor is the physical floor a metadata scanner is measured
// against: it walks a tree like provscan (one walker, a pool of workers) and
// reads the first 64 KiB of every regular file, nothing else.
//
//	floor [-workers N] DIR
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	workers := flag.Int("workers", 0, "files read at once (default: number of CPUs, as provscan)")
	head := flag.Int("head", 64<<10, "bytes read at the start of each file")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: floor [-workers N] DIR")
		os.Exit(2)
	}
	n := *workers
	if n <= 0 {
		n = runtime.NumCPU()
	}
	start := time.Now()
	paths := make(chan string, 128) // as provscan's queue (scanner.queueLen)
	var files, read, errs atomic.Int64
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, *head)
			for p := range paths {
				f, err := os.Open(p)
				if err != nil {
					errs.Add(1)
					continue
				}
				k, err := f.ReadAt(buf, 0)
				if err != nil && err != io.EOF {
					errs.Add(1)
				}
				f.Close()
				files.Add(1)
				read.Add(int64(k))
			}
		}()
	}
	err := filepath.WalkDir(flag.Arg(0), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs.Add(1)
			return nil
		}
		if d.Type().IsRegular() {
			paths <- p
		}
		return nil
	})
	close(paths)
	wg.Wait()
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"files": files.Load(), "bytes_read": read.Load(), "errors": errs.Load(),
		"workers": n, "duration_ms": time.Since(start).Milliseconds(),
	})
}
