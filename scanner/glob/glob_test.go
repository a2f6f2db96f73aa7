package glob

import (
	"fmt"
	"maps"
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
	"a,b", "é", "*é", "?é", "[é]", "a/b/c/d", "*/*/*", "**/d", "a/**/c/**/d",
	".*", "**/.*", "**/[!.]*", "*{a,b}", "*x{a,b}", "**/{a,b}", "**/*.{jpg,png}", "{renders,proxies}/**",
	"**{}", "**{a,}", "{*,a}{*,b}", "*{*}", "**{*}", "{a*}*", "a/**{/,}",
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
		"*[!x]*", "*[/]*", "x/**/*{,}", "[]-a]x", "\\{a,b}", "**/*0**/", "**/*/**/", "\xff", "*\xff", "[\xff-0]", "*\xdb{\x95*}",
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

// slowPatterns make doublestar backtrack (the 20-brace one of the issue is
// over the cap; these are within it).
var slowPatterns = map[string]string{
	"braces8":  strings.Repeat("{*,**/}", 8) + "z",
	"braces4w": strings.Repeat("{*,**/,*/*,?*,**/*/}", 4) + "z",
}

// benchPaths are 100,000 distinct paths of a delivery's shape, the last few
// deep and long like the issue's.
func benchPaths() []string {
	paths := make([]string, 0, 100_000)
	for i := range 100_000 {
		var b strings.Builder
		for d := range i%7 + 1 {
			fmt.Fprintf(&b, "dir%d_%d/", d, i%(d*13+5))
		}
		fmt.Fprintf(&b, "shot%05d_v%03d.%s", i, i%17, []string{"exr", "mov", "png", "tmp", "wav"}[i%5])
		paths = append(paths, b.String())
	}
	for i := range 100 {
		paths[i*1000] = strings.Repeat("ab/", 60) + strings.Repeat("a", 200)
	}
	return paths
}

// BenchmarkMatch: per path (ns/op), cycling through 100,000 distinct paths;
// "all" matches the 100,000 in one op. doublestar runs on the same paths.
func BenchmarkMatch(b *testing.B) {
	paths := benchPaths()
	pats := map[string]string{"simple": "**/*.tmp"}
	maps.Copy(pats, slowPatterns)
	for name, p := range pats {
		b.Run("compiled/"+name, func(b *testing.B) {
			m := MustCompile(p)
			i := 0
			for b.Loop() {
				m.Match(paths[i%len(paths)])
				i++
			}
		})
		b.Run("compiled-all/"+name, func(b *testing.B) {
			m := MustCompile(p)
			for b.Loop() {
				for _, q := range paths {
					m.Match(q)
				}
			}
		})
		b.Run("doublestar/"+name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				doublestar.MatchUnvalidated(p, paths[i%len(paths)])
				i++
			}
		})
	}
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
