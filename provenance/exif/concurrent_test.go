package exif

import (
	"encoding/binary"
	"sync"
	"testing"
)

// TestConcurrentParse runs Parse from several goroutines (go-exif state is shared; run with -race).
func TestConcurrentParse(t *testing.T) {
	raw := buildTIFF(binary.BigEndian, []te{ascii(TagSoftware, "s")}, []te{undef(TagUserComment, []byte("ASCII\x00\x00\x00abc"))}, []te{ascii(TagMake, "m")})
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				fs, err := Parse(raw)
				if err != nil || Get(fs, "UserComment") != "abc" {
					t.Errorf("%v %+v", err, fs)
					return
				}
			}
		}()
	}
	wg.Wait()
}
