package glob

import (
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"
)

// patterns and paths of the agreement table: every pattern is matched
// against every path and compared with doublestar.
var tablePatterns = []string{
	"*", "**", "?", "a", "a/b", "/", "//", "a/", "/a",
	"*.tmp", "**/*.tmp", "renders/**", "renders/**/", "**/renders/**", "a/**/b", "**/b", "a/**", "a/**/", "/**", "**/",
	"a/*/b", "a/*", "*/b", "*/*", "a*", "*a", "a*b", "a**b", "**b", "a**", "a/**b", "a/b**", "***", "a/***", "****/",
	"x****/", "a/*/**", "**/**", "**/**/b", "a/**/**", "a/**/**/b", "**/*", "**/*/", "*/**", "**/a/**",
	"?a", "a?", "a/?", "?/?", "??", "a?b",
	"[abc]", "[a-c]x", "[!a]", "[^a]", "a[/]b", "a[!x]b", "[!/x]*", "*.[ch]", "[\\]]", "[a\\-c]", "[a-]", "[z-a]", "[b-a]x",
	"{a,b}", "{a,b}/c", "{a/b,c}", "{,a}", "{a,}", "x{,y}", "x{a,}*", "{*,a}*/b", "{**,x}/a", "a/{**,x}/b", "a/{b,**/c}",
	"{a,{b,c}}", "{a,{b,{c,d}}}/e", "{a,b}{c,d}", "{*,**/}z", "{*,**/}{*,**/}z", "{*,**/,*/*,?*,**/*/}{*,**/,*/*,?*,**/*/}z",
	"{/**,x}", "a{/**,}", "a/{,}**", "a/{x,}**", "{a,b/}**/c", "x/{,y}**/c",
	"\\*", "a\\*b", "\\?", "\\[a]", "a\\/**/b", "a/**\\/b", "\\\\", "a\\,b", "{a\\,b,c}", "{a\\}b,c}",
	"a,b", "é", "*é", "?é", "[é]", "\xff", "*\xff", "[\xff]", "a/b/c/d", "*/*/*", "**/d", "a/**/c/**/d",
	".*", "**/.*", "**/[!.]*", "*{a,b}", "*x{a,b}", "**/{a,b}", "**/*.{jpg,png}", "{renders,proxies}/**",
	"**{}", "**{a,}", "{*,a}{*,b}", "*{*}", "**{*}", "{a*}*", "[\xff-0]", "a/**{/,}",
}

var tablePaths = []string{
	"", "a", "b", "z", "x", "/", "//", "a/", "/a", "a/b", "a/b/", "a//b", "a/x/b", "a/x/y/b", "ab", "ba", "abc", "a.tmp",
	"x/a.tmp", "x/y/a.tmp", "renders", "renders/", "renders/x", "renders/x/y", "x/renders/y", "a/b/c", "a/b/c/d", "a/c/d",
	"c", "d", "e", "a/e", "b/e", "c/e", "d/e", "ac", "ad", "bc", "bd", "x/b", "q/x/b", "xa", "xa/", "x/", "x/y", "xy",
	"x/a/", "x/a", "a/a/z", "z/z", "zz", "a/z", "abz", "ab/cd/z", "]", "-", "\\", "*", "?", "[a]", "{a,b}", "a*b", "a,b",
	"é", "xé", "\xff", "x\xff", "\xef\xbf\xbd", ".hidden", "x/.hidden", "x/vis", "a.jpg", "x/a.png", "proxies/a",
	"a/b/c/x/d", "a/x/c/y/z/d", "\n", "a\nb",
}

func TestAgreementTable(t *testing.T) {
	pairs, refused := 0, 0
	for _, p := range tablePatterns {
		if !doublestar.ValidatePattern(p) {
			t.Fatalf("table pattern %q is not valid for doublestar", p)
		}
		m, err := Compile(p)
		if err != nil {
			refused++
			t.Logf("refused %q: %v", p, err)
			continue
		}
		for _, n := range tablePaths {
			pairs++
			if got, want := m.Match(n), doublestar.MatchUnvalidated(p, n); got != want {
				t.Errorf("Match(%q, %q) = %v, doublestar says %v", p, n, got, want)
			}
		}
	}
	t.Logf("%d pattern×path pairs agree; %d patterns refused", pairs, refused)
}

func TestRefused(t *testing.T) {
	for _, p := range []string{
		"", "[", "[]", "[!]", "{a", "a}", "\\", "a\\", "[a", "{[}]",
		strings.Repeat("a", MaxLen+1),
		strings.Repeat("{*,**/}", 20) + "z",
		strings.Repeat("{", MaxDepth+1) + "a" + strings.Repeat("}", MaxDepth+1),
		strings.Repeat("*a", MaxWildcards+1),
		"*[!x]*", "*[/]*", "x/**/*{,}", "[]-a]x", "\\{a,b}", "**/*0**/", "**/*/**/",
	} {
		if m, err := Compile(p); err == nil {
			t.Errorf("Compile(%q) = %v, want an error", p, m)
		}
	}
	for _, p := range []string{
		strings.Repeat("a", MaxLen),
		strings.Repeat("{", MaxDepth) + "a" + strings.Repeat("}", MaxDepth),
		strings.Repeat("*a", MaxWildcards),
		strings.Repeat("{*,**/,*/*,?*,**/*/}", 4) + "z",
		"[!/x]*", "*[!/x]*", "[!.]*",
	} {
		if _, err := Compile(p); err != nil {
			t.Errorf("Compile(%q): %v", p, err)
		}
	}
}

func TestInvalidLikeDoublestar(t *testing.T) {
	for _, p := range tablePatterns {
		_, err := Compile(p)
		if err != nil && strings.Contains(err.Error(), "malformed") {
			t.Errorf("Compile(%q) says malformed, doublestar validates it", p)
		}
	}
}

func TestString(t *testing.T) {
	if s := MustCompile("**/*.tmp").String(); s != "**/*.tmp" {
		t.Errorf("String() = %q", s)
	}
}

// slowPatterns make doublestar backtrack; the first exceeds the cap.
var slowPatterns = map[string]string{
	"braces8":  strings.Repeat("{*,**/}", 8) + "z",
	"braces4w": strings.Repeat("{*,**/,*/*,?*,**/*/}", 4) + "z",
}

var slowPath = strings.Repeat("ab/", 10) + strings.Repeat("a", 30)

func BenchmarkMatch(b *testing.B) {
	for name, p := range slowPatterns {
		m := MustCompile(p)
		b.Run("compiled/"+name, func(b *testing.B) {
			for b.Loop() {
				m.Match(slowPath)
			}
		})
		b.Run("doublestar/"+name, func(b *testing.B) {
			for b.Loop() {
				doublestar.MatchUnvalidated(p, slowPath)
			}
		})
	}
	m := MustCompile("**/*.tmp")
	b.Run("compiled/simple", func(b *testing.B) {
		for b.Loop() {
			m.Match("renders/shot010/v003/frame.0001.exr")
		}
	})
	b.Run("doublestar/simple", func(b *testing.B) {
		for b.Loop() {
			doublestar.MatchUnvalidated("**/*.tmp", "renders/shot010/v003/frame.0001.exr")
		}
	})
}

// fuzzable: small enough for doublestar to answer quickly.
func fuzzable(p string) bool {
	return len(p) <= 40 && strings.Count(p, "{") <= 3 && strings.Count(p, "*") <= 10 && doublestar.ValidatePattern(p)
}

func FuzzGlob(f *testing.F) {
	for i, p := range tablePatterns {
		f.Add(p, tablePaths[i%len(tablePaths)])
	}
	f.Add("*[/x]*c", "ax/yc")
	f.Add("a*{,}", "a")
	f.Fuzz(func(t *testing.T, pattern, path string) {
		if len(path) > 64 || len(pattern) > 200 {
			return
		}
		m, err := Compile(pattern)
		if !doublestar.ValidatePattern(pattern) {
			if err == nil {
				t.Fatalf("Compile(%q) accepted a pattern doublestar rejects", pattern)
			}
			return
		}
		if err != nil || !fuzzable(pattern) {
			return
		}
		if got, want := m.Match(path), doublestar.MatchUnvalidated(pattern, path); got != want {
			t.Fatalf("Match(%q, %q) = %v, doublestar says %v", pattern, path, got, want)
		}
	})
}
