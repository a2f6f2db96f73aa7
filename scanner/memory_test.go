package scanner

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/provscan/provscan/scanner/report"
)

// genaiXMP is an XMP sidecar that declares a generated image, with pad
// bytes of JSON-ish text in a description.
func genaiXMP(pad int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
		`<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" xmlns:dc="http://purl.org/dc/elements/1.1/" ` +
		`Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"><dc:description>`)
	for i := 0; b.Len() < pad; i++ {
		fmt.Fprintf(&b, `{&quot;prompt&quot;: &quot;a cat %d&quot;, &quot;seed&quot;: %d},`, i, i*7919)
	}
	b.WriteString(`</dc:description></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="r"?>`)
	return b.Bytes()
}

// overlapZIPBytes builds an archive of one entry (data, deflated) whose
// central directory holds n records all pointing at that entry's local
// header (see container's overlapZIP).
func overlapZIPBytes(data []byte, n int) []byte {
	var cb bytes.Buffer
	w, _ := flate.NewWriter(&cb, flate.BestCompression)
	w.Write(data)
	w.Close()
	comp := cb.Bytes()
	crc := crc32.ChecksumIEEE(data)
	le := binary.LittleEndian
	hdr := func(out []byte) []byte {
		out = le.AppendUint16(out, zip.Deflate)
		out = le.AppendUint32(out, 0)
		out = le.AppendUint32(out, crc)
		out = le.AppendUint32(out, uint32(len(comp)))
		return le.AppendUint32(out, uint32(len(data)))
	}
	out := le.AppendUint32(nil, 0x04034b50)
	out = append(out, 20, 0, 0, 0)
	out = hdr(out)
	out = append(out, 1, 0, 0, 0, 'e')
	out = append(out, comp...)
	cd := len(out)
	for i := range n {
		nm := fmt.Sprintf("m%05d.xmp", i)
		out = le.AppendUint32(out, 0x02014b50)
		out = append(out, 20, 0, 20, 0, 0, 0)
		out = hdr(out)
		out = le.AppendUint16(out, uint16(len(nm)))
		out = append(out, make([]byte, 16)...) // extra, comment, disk, attributes, offset 0
		out = append(out, nm...)
	}
	end := len(out)
	out = le.AppendUint32(out, 0x06054b50)
	out = append(out, 0, 0, 0, 0)
	out = le.AppendUint16(out, uint16(n))
	out = le.AppendUint16(out, uint16(n))
	out = le.AppendUint32(out, uint32(end-cd))
	out = le.AppendUint32(out, uint32(cd))
	return le.AppendUint16(out, 0)
}

// hostileZIP is the shape of the attack pass: a ZIP of about 500 KB whose
// central directory points many records at one deflated inner ZIP whose
// own directory points 60,000 records at one GenAI XMP entry.
func hostileZIP(t testing.TB) []byte {
	inner := overlapZIPBytes(genaiXMP(4<<10), 60000)
	outer := overlapZIPBytes(inner, 5000)
	t.Logf("inner zip %d bytes (60000 records), outer %d bytes (5000 records)", len(inner), len(outer))
	return outer
}

// peakHeap runs f while sampling the heap (runtime/metrics, heap objects:
// live and not yet swept) every millisecond, and returns the peak above the
// heap before f. It runs with GOGC=20 so that what it samples is close to
// what is live (with the default GOGC=100 the heap may reach twice that,
// which DefaultMaxMemory leaves room for).
func peakHeap(f func()) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(20))
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	base := s[0].Value.Uint64()
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	if peak < base {
		return 0
	}
	return peak - base
}

// memScan scans dir with the real inspector and the given memory cap and
// workers, and returns the report and the peak heap above the start.
func memScan(t *testing.T, dir string, workers int, maxMemory int64) (*report.Report, uint64) {
	t.Helper()
	var rep *report.Report
	var err error
	peak := peakHeap(func() {
		rep, err = Scan(context.Background(), []string{dir}, Options{Workers: workers, MaxMemory: maxMemory})
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep, peak
}

// notFullyOrFindings checks that each file ends either not fully inspected
// (an error with the prefix, naming the file) or fully inspected with its
// GenAI finding, and returns how many ended not fully inspected.
func notFullyOrFindings(t *testing.T, rep *report.Report, files []string) int {
	t.Helper()
	cut := 0
	for _, f := range files {
		var notFull, found bool
		for _, e := range rep.Errors {
			if strings.HasPrefix(e.Path, f) && strings.HasPrefix(e.Error, notFully) {
				notFull = true
			}
		}
		for _, fd := range rep.Findings {
			if strings.HasPrefix(fd.Path, f) && fd.Rule != "unreadable" {
				found = true
			}
		}
		switch {
		case notFull:
			cut++
		case !found:
			t.Errorf("%s: neither a finding nor not fully inspected; errors %+v", f, rep.Errors)
		}
	}
	return cut
}

// TestScanMemoryHostileShapes measures the peak heap of scans of the
// hostile shapes of the attack pass, against the documented default cap
// and against small caps that the shapes do exceed. Each file ends fully
// inspected within the cap or "not fully inspected", and the scan ends.
func TestScanMemoryHostileShapes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds large inputs")
	}
	zipData := hostileZIP(t)
	one := t.TempDir()
	os.WriteFile(filepath.Join(one, "bomb.zip"), zipData, 0o644)
	three := t.TempDir()
	for i := range 3 {
		os.WriteFile(filepath.Join(three, fmt.Sprintf("bomb%d.zip", i)), zipData, 0o644)
	}
	xmps := t.TempDir()
	const nXMP, xmpSize = 6, 24 << 20
	big := genaiXMP(xmpSize)
	for i := range nXMP {
		os.WriteFile(filepath.Join(xmps, fmt.Sprintf("big%d.xmp", i)), big, 0o644)
	}
	big = nil
	for _, c := range []struct {
		name     string
		dir      string
		files    []string
		workers  int
		cap      int64
		wantsCut bool // the shape needs more than the cap: every file is cut
	}{
		{"one zip, default cap", one, []string{"bomb.zip"}, 2, DefaultMaxMemory, false},
		{"one zip, 2 MiB cap", one, []string{"bomb.zip"}, 2, 2 << 20, true},
		{"one zip, 8 MiB cap", one, []string{"bomb.zip"}, 2, 8 << 20, true},
		{"three zips at once, default cap", three, []string{"bomb0.zip", "bomb1.zip", "bomb2.zip"}, 3, DefaultMaxMemory, false},
		{"three zips at once, 2 MiB cap", three, []string{"bomb0.zip", "bomb1.zip", "bomb2.zip"}, 3, 2 << 20, true},
		{"six 24 MiB XMP across 6 workers, default cap", xmps, nil, 6, DefaultMaxMemory, false},
		{"six 24 MiB XMP across 6 workers, 128 MiB cap", xmps, nil, 6, 128 << 20, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			files := c.files
			if files == nil {
				for i := range nXMP {
					files = append(files, fmt.Sprintf("big%d.xmp", i))
				}
			}
			start := time.Now()
			rep, peak := memScan(t, c.dir, c.workers, c.cap)
			cut := notFullyOrFindings(t, rep, files)
			t.Logf("peak heap above start %.1f MiB (cap %.0f MiB), %d of %d files not fully inspected, %d members, %v",
				float64(peak)/(1<<20), float64(c.cap)/(1<<20), cut, len(files), rep.Summary.Members, time.Since(start).Round(time.Millisecond))
			if c.wantsCut && cut != len(files) {
				t.Errorf("%d of %d files cut, want all", cut, len(files))
			}
			// The cap bounds the memory the inspections hold; the heap also
			// holds what the collector has not reclaimed yet, which the
			// default cap leaves room for (see DefaultMaxMemory). So: under
			// the documented cap always, under twice a small cap.
			limit := uint64(c.cap)
			if c.cap != DefaultMaxMemory {
				limit *= 2
			}
			if peak > limit {
				t.Errorf("peak heap %d bytes over %d (cap %d)", peak, limit, c.cap)
			}
		})
	}
}
