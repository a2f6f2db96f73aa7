package container

import (
	"testing"
	"unicode/utf8"
)

func TestLooksLike(t *testing.T) {
	ts := make([]byte, 189)
	ts[0], ts[188] = 0x47, 0x47
	tar := make([]byte, 300)
	copy(tar[257:], "ustar")
	cases := []struct {
		name string
		head string
		want string
	}{
		{"empty", "", "empty"},
		{"FORM but not AIFF", "FORM\x00\x00\x10\x00ILBMBMHD", ""},
		{"MPEG-TS", string(ts), "MPEG-TS"},
		{"tar", string(tar), "tar"},
		{"text", "Delivery notes: reel 1\n", "text"},
		{"text cut in a character", "caf\xc3", "text"},
		{"binary", "\x00\x01\x02\x03\xfe", ""},
		{"invalid UTF-8 inside", "ab\xffcd", ""},
		{"escape in text", "title\x1b[2J", ""},
	}
	for _, c := range cases {
		if got := LooksLike([]byte(c.head)); got != c.want {
			t.Errorf("%s: LooksLike = %q, want %q", c.name, got, c.want)
		}
	}
}

// FuzzLooksLike checks that any head gets an answer from the fixed set
// without a panic.
func FuzzLooksLike(f *testing.F) {
	for _, s := range []string{"", "FORM\x00\x00\x00\x00AIFF", "<?xml", "abc\xc3"} {
		f.Add([]byte(s))
	}
	known := map[string]bool{"": true, "empty": true, "text": true}
	for _, u := range unreadFormats {
		known[u.name] = true
	}
	f.Fuzz(func(t *testing.T, head []byte) {
		got := LooksLike(head)
		if !known[got] {
			t.Fatalf("LooksLike(%q) = %q, not a known answer", head, got)
		}
		if got == "text" {
			// valid UTF-8, but for a character cut at the very end
			ok := false
			for cut := 0; cut < utf8.UTFMax && cut <= len(head); cut++ {
				if utf8.Valid(head[:len(head)-cut]) {
					ok = true
					break
				}
			}
			if !ok {
				t.Fatalf("invalid UTF-8 called text: %q", head)
			}
		}
	})
}
