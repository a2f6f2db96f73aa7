// Package glob matches slash-separated paths against doublestar v4 patterns
// (github.com/bmatcuk/doublestar/v4, MatchUnvalidated) in time linear in the
// path, whatever the pattern. doublestar backtracks: a pattern of 141 bytes
// can take a second per path. Compile translates a pattern once into a
// nondeterministic automaton over the path's runes (the construction RE2 and
// Go's regexp use) and Match runs it without backtracking, O(len(path) ×
// states), caching the deterministic states it meets (as RE2's lazy DFA
// does) so that a path costs a table lookup per byte once warm.
//
// The syntax and its meaning are doublestar v4's, checked against doublestar
// by the tests and a differential fuzz target:
//
//   - '*' matches any run of runes other than '/'.
//   - '?' matches one rune other than '/'.
//   - '**' as a whole path segment ("a/**/b", "**/b", "a/**", "**") matches
//     zero or more segments; anywhere else it is a '*'.
//   - '[abc]', '[a-z]', '[!x]', '[^x]' match one rune. As in doublestar, a
//     class can match '/': "a[!x]b" matches "a/b".
//   - '{a,b}' alternatives, nested, possibly holding '/' and wildcards; they
//     behave as doublestar's textual expansion, done when its reading
//     reaches the '{': "{*,a}*/b" holds a "**", but in "**{}" and
//     "*{*}" the stars are read before the brace is expanded, so they are
//     single stars ("**{}" does not match "/").
//   - '\' escapes the next rune.
//
// doublestar's own quirks are reproduced: a path that ends while the
// pattern still has text left matches only when that text is one of "",
// "*", "**", "/**", "**/", "/**/" (after expanding braces at its front), so
// "a/***" does not match "a/" although "a/*" does; "x****/" matches "xa".
//
// Refused patterns (Compile returns an error) are those doublestar rejects
// (ValidatePattern), those over the complexity cap (more than MaxLen bytes,
// more than MaxWildcards wildcards and alternatives together, braces nested
// deeper than MaxDepth), and two corner cases where doublestar's backtracking
// search is incomplete or depends on its search order, so that no automaton
// can agree with it:
//
//   - a class that can match '/' (one naming '/', or a negated class not
//     naming it) with a '*' both before and after it in the pattern, as in
//     "*[!x]*": doublestar gives up on a star's longer matches when a later
//     star starts. Write the class with '/' excluded ("*[!/x]*").
//   - text after a wildcard whose meaning at the very end of a path depends
//     on braces doublestar has or has not expanded yet, as in "x/**/*{,}".
//   - a pattern where a path could end on text doublestar takes as matching
//     nothing ("**/" say) before a token that must match something, as in
//     "**/*0**/", or, after a wildcard, on a left over "**/" or "/**/", as
//     in "**/*/**/": doublestar commits to the first way its search
//     consumes the whole path, so its answer depends on its search order.
//     ("**/renders/**" and "a/**/" are fine.)
//
// A pattern must be valid UTF-8 (doublestar decodes runes after expanding
// braces, so invalid bytes on either side of a brace can join into one
// rune). A path may hold anything; invalid UTF-8 in it is read a byte at a
// time as U+FFFD, as doublestar does.
package glob

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// The complexity cap.
const (
	MaxLen       = 1024 // bytes in a pattern
	MaxWildcards = 64   // '*', '?', classes and brace alternatives together
	MaxDepth     = 8    // braces nested
)

// maxEdges bounds the automaton built from a pattern within the cap.
const maxEdges = 1 << 16

// Matcher is a compiled pattern. It is safe for concurrent use.
//
// Threads of the automaton: a state about to read a token (t < ns), a star
// read part way (ns+s, for the stars leaving state s), a "**/" part way in a
// segment (2ns+s) or just after its '/' (3ns+s), anything after a final
// "**" (4ns). Sets of threads met while matching become the states of a
// deterministic automaton built lazily (for ASCII runes; at most maxDFA).
type Matcher struct {
	pattern  string
	empty    bool // whether "" matches
	ns       int32
	out      [][]edge  // per state: its one-rune tokens and final "**"
	skip     [][]int32 // per state: the states reached through zero-width tokens, itself included
	star     [][]int32 // per state: where its stars lead (skip applied); nil: no star
	starExit []bool    // per state: a path ending inside one of its stars matches
	ds       [][]int32 // per state: where its "**/" lead (skip applied); nil: none
	dsExit   []bool    // per state: a path ending just after a '/' read by its "**/" matches
	start    []int32

	mu      sync.Mutex
	dfa     map[string]int32
	dstates []dstate
	mark    []uint32
	gen     uint32
}

type dstate struct {
	threads []int32
	next    [utf8.RuneSelf]int32 // state+1; 0: not computed yet
	exit    [utf8.RuneSelf]bool
}

const maxDFA = 2048

type tokKind uint8

const (
	tLit tokKind = iota
	tAny
	tClass
	tStar
	tDS    // "**/": zero or more segments
	tDSEnd // "**" at the end: anything (one rune or more)
	tSkip  // a '*' followed by another: doublestar's next star replaces it before it reads anything
)

type edge struct {
	kind tokKind
	r    rune
	cls  *class
	exit bool  // a path ending just after this token matches
	to   int32 // state after the token
}

type class struct {
	negate bool
	lo, hi []rune
}

func (c *class) match(r rune) bool {
	for i := range c.lo {
		if c.lo[i] <= r && r <= c.hi[i] {
			return !c.negate
		}
	}
	return c.negate
}

// item kinds of the parsed pattern
type itemKind uint8

const (
	iLit itemKind = iota
	iStar
	iAny
	iClass
	iBrace
)

type item struct {
	kind     itemKind
	r        rune
	slash    bool // a '/' byte written raw (not escaped)
	slashEnd bool // the item's last byte is '/' (raw or escaped)
	cls      *class
	start    int // byte offset of the item in the pattern
	end      int // byte offset just after the item in the pattern
	alts     []seq
}

type seq struct {
	items []item
	end   int // byte offset of the end of the alternative (its ',' or '}', or len)
}

// String returns the pattern.
func (m *Matcher) String() string { return m.pattern }

// Compile translates pattern, or says why it is refused.
func Compile(pattern string) (*Matcher, error) {
	if pattern == "" {
		return nil, fmt.Errorf("empty glob pattern")
	}
	if len(pattern) > MaxLen {
		return nil, fmt.Errorf("glob pattern of %d bytes: at most %d", len(pattern), MaxLen)
	}
	if !utf8.ValidString(pattern) {
		// doublestar decodes runes after expanding braces, so bytes on
		// either side of a brace can join into one rune
		return nil, fmt.Errorf("glob pattern %q is not valid UTF-8", pattern)
	}
	if !validate(pattern) {
		return nil, fmt.Errorf("glob pattern %q is malformed (an unclosed '[' or '{', an empty '[]', a stray '}' or a trailing '\\')", pattern)
	}
	p := &parser{s: pattern}
	top := p.seq(false)
	if p.maxDepth > MaxDepth {
		return nil, fmt.Errorf("glob pattern %q nests braces %d deep: at most %d", pattern, p.maxDepth, MaxDepth)
	}
	if p.wild > MaxWildcards {
		return nil, fmt.Errorf("glob pattern %q has %d wildcards and alternatives: at most %d", pattern, p.wild, MaxWildcards)
	}
	if err := p.slashClasses(); err != nil {
		return nil, err
	}
	b := &builder{pattern: pattern, zl: map[string]bool{}, any: map[string]bool{}}
	b.graph(top)
	if err := b.tokens(); err != nil {
		return nil, err
	}
	if err := b.monotone(); err != nil {
		return nil, err
	}
	m := b.matcher()
	m.empty = isZeroLength(pattern, b.zl)
	return m, nil
}

// MustCompile is Compile for patterns known to be valid; it panics otherwise.
func MustCompile(pattern string) *Matcher {
	m, err := Compile(pattern)
	if err != nil {
		panic(err)
	}
	return m
}

type parser struct {
	s        string
	i        int
	depth    int
	maxDepth int
	wild     int
	stars    []int // byte offsets of raw '*'
	slashCls []int // byte offsets of classes that can match '/'
}

// seq parses items up to the end of the pattern or, inBrace, up to the ','
// or '}' that ends the alternative (left unconsumed).
func (p *parser) seq(inBrace bool) seq {
	var out seq
	s := p.s
	for p.i < len(s) {
		c := s[p.i]
		at := p.i
		switch {
		case inBrace && (c == ',' || c == '}'):
			out.end = p.i
			return out
		case c == '*':
			p.stars = append(p.stars, p.i)
			p.wild++
			p.i++
			out.items = append(out.items, item{kind: iStar, r: '*', start: at, end: p.i})
		case c == '?':
			p.wild++
			p.i++
			out.items = append(out.items, item{kind: iAny, start: at, end: p.i})
		case c == '[':
			p.wild++
			cls := p.class()
			if cls.match('/') {
				p.slashCls = append(p.slashCls, at)
			}
			out.items = append(out.items, item{kind: iClass, cls: cls, start: at, end: p.i})
		case c == '{':
			p.i++
			p.depth++
			if p.depth > p.maxDepth {
				p.maxDepth = p.depth
			}
			var alts []seq
			for {
				p.wild++
				alts = append(alts, p.seq(true))
				if p.i >= len(s) {
					break // cannot happen: validated
				}
				if s[p.i] == '}' {
					p.i++
					break
				}
				p.i++ // ','
			}
			p.depth--
			out.items = append(out.items, item{kind: iBrace, alts: alts, start: at, end: p.i})
		case c == '\\':
			p.i++
			r, n := utf8.DecodeRuneInString(s[p.i:])
			p.i += n
			out.items = append(out.items, item{kind: iLit, r: r, start: at, end: p.i, slashEnd: s[p.i-1] == '/'})
		default:
			r, n := utf8.DecodeRuneInString(s[p.i:])
			p.i += n
			out.items = append(out.items, item{kind: iLit, r: r, start: at, end: p.i, slash: c == '/', slashEnd: c == '/'})
		}
	}
	out.end = len(s)
	return out
}

// class parses a character class at p.i ('[') as doublestar's matcher reads
// it, and leaves p.i after its ']'.
func (p *parser) class() *class {
	s := p.s
	p.i++
	c := &class{}
	if s[p.i] == '!' || s[p.i] == '^' {
		c.negate = true
		p.i++
	}
	last := utf8.MaxRune
	for p.i < len(s) && s[p.i] != ']' {
		r, n := utf8.DecodeRuneInString(s[p.i:])
		p.i += n
		if last < utf8.MaxRune && r == '-' && p.i < len(s) && s[p.i] != ']' {
			if s[p.i] == '\\' {
				p.i++
			}
			hi, n := utf8.DecodeRuneInString(s[p.i:])
			p.i += n
			// lo was already taken as a rune of its own, as doublestar
			// does: "[z-a]" matches "z"
			c.lo = append(c.lo, last)
			c.hi = append(c.hi, hi)
			last = utf8.MaxRune
			continue
		}
		if r == '\\' {
			r, n = utf8.DecodeRuneInString(s[p.i:])
			p.i += n
		}
		c.lo = append(c.lo, r)
		c.hi = append(c.hi, r)
		last = r
	}
	p.i++ // ']'
	return c
}

func (p *parser) slashClasses() error {
	for _, at := range p.slashCls {
		before, after := false, false
		for _, s := range p.stars {
			before = before || s < at
			after = after || s > at
		}
		if before && after {
			return fmt.Errorf("glob pattern %q: the class at byte %d can match '/' and stands between two '*'; doublestar cannot match that reliably, so it is refused (exclude '/' from the class, as in [!/x])", p.s, at)
		}
	}
	return nil
}

// validate is doublestar's ValidatePattern.
func validate(s string) bool {
	altDepth := 0
	l := len(s)
VALIDATE:
	for i := 0; i < l; i++ {
		switch s[i] {
		case '\\':
			if i++; i >= l {
				return false
			}
			continue
		case '[':
			if i++; i >= l {
				return false
			}
			if s[i] == '^' || s[i] == '!' {
				i++
			}
			if i >= l || s[i] == ']' {
				return false
			}
			for ; i < l; i++ {
				if s[i] == '\\' {
					i++
				} else if s[i] == ']' {
					continue VALIDATE
				}
			}
			return false
		case '{':
			altDepth++
		case '}':
			if altDepth == 0 {
				return false
			}
			altDepth--
		}
	}
	return altDepth == 0
}

// isZeroLength is doublestar's isZeroLengthPattern for '/' (memoised): whether
// the pattern text left when a path ends lets the path match.
func isZeroLength(pattern string, memo map[string]bool) bool {
	if v, ok := memo[pattern]; ok {
		return v
	}
	v := isZeroLength1(pattern, memo)
	memo[pattern] = v
	return v
}

func isZeroLength1(pattern string, memo map[string]bool) bool {
	switch pattern {
	case "", "*", "**", "/**", "**/", "/**/":
		return true
	}
	if pattern[0] != '{' {
		return false
	}
	closing := indexMatchedClosingAlt(pattern[1:])
	if closing == -1 {
		return false
	}
	closing++
	i := 1
	for {
		comma := indexNextAlt(pattern[i:closing])
		if comma == -1 {
			break
		}
		comma += i
		if isZeroLength(pattern[i:comma]+pattern[closing+1:], memo) {
			return true
		}
		i = comma + 1
	}
	return isZeroLength(pattern[i:closing]+pattern[closing+1:], memo)
}

// indexMatchedClosingAlt returns the index of the '}' closing the
// alternatives s is inside of, or -1 (doublestar's function of that name).
func indexMatchedClosingAlt(s string) int { return indexAlt(s, false) }

// indexNextAlt returns the index of the next ',' at the top level of s, or
// -1 (doublestar's function of that name).
func indexNextAlt(s string) int { return indexAlt(s, true) }

// indexAlt scans s, skipping escapes and character classes, for the '}'
// that closes the enclosing alternatives or, with comma, for the next ','
// at their level.
func indexAlt(s string, comma bool) int {
	alts := 1
	l := len(s)
	for i := 0; i < l; i++ {
		if s[i] == '\\' {
			i++
		} else if s[i] == '[' {
			for i++; i < l; i++ {
				if s[i] == '\\' {
					i++
				} else if s[i] == ']' {
					break
				}
			}
		} else if s[i] == '{' {
			alts++
		} else if s[i] == '}' {
			if alts--; alts == 0 && !comma {
				return i
			}
		} else if comma && s[i] == ',' && alts == 1 {
			return i
		}
	}
	return -1
}

// zeroLengthAny reports whether some full brace expansion of text is one of
// the texts isZeroLength accepts.
func zeroLengthAny(text string, memo map[string]bool) bool {
	if v, ok := memo[text]; ok {
		return v
	}
	v := len(zeroLengthForms(text)) > 0
	memo[text] = v
	return v
}

// zeroLengthForms returns which of the texts isZeroLength accepts some full
// brace expansion of text is.
func zeroLengthForms(text string) map[string]bool {
	p := &parser{s: text}
	sq := p.seq(false)
	forms := map[string]bool{}
	for e := range expandPrefixes(sq, map[string]bool{"": true}) {
		switch e {
		case "", "*", "**", "/**", "**/", "/**/":
			forms[e] = true
		}
	}
	return forms
}

// expandPrefixes extends each prefix in in by the expansions of sq, keeping
// only those that can still become one of the zero-length texts.
func expandPrefixes(sq seq, in map[string]bool) map[string]bool {
	cur := in
	for _, it := range sq.items {
		next := map[string]bool{}
		switch it.kind {
		case iBrace:
			for _, a := range it.alts {
				for k := range expandPrefixes(a, cur) {
					next[k] = true
				}
			}
		case iStar:
			for k := range cur {
				if len(k) < 4 {
					next[k+"*"] = true
				}
			}
		case iLit:
			if it.slash {
				for k := range cur {
					if len(k) < 4 {
						next[k+"/"] = true
					}
				}
			}
		}
		cur = next
		if len(cur) == 0 {
			break
		}
	}
	return cur
}

// builder turns the parsed pattern into the automaton.
//
// First a graph of the pattern's characters: node n is "before character
// n" (chars[n]); the brace structure becomes the sets of characters that can
// follow each one (next). Then doublestar's reading of the expanded text is
// replayed on that graph: a state is a character about to be read plus
// whether the previous byte was '/' (or the start), and an edge is one token
// (a literal, '?', a class, a '*', a "**/" or a final "**").
type builder struct {
	pattern string
	chars   []pchar
	first   []succ // characters that can come first
	zl, any map[string]bool

	stateID map[[2]int]int32
	states  [][2]int // (char or -1 for the end, prevSlash)
	edges   []edge
	out     [][]int32
	err     error
}

type pchar struct {
	it   item
	next []succ // characters that can follow
	rest string // the text doublestar holds after the character
	at   string // the text it holds from the character on, braces before it expanded
	// star: whether a '*' lies at or before this character in the pattern
	starBefore bool
}

// graph lays out the characters and their successors. rest is the text
// doublestar would still hold after each character.
func (b *builder) graph(top seq) {
	b.first = b.lay(top, []succ{{c: -1}}, "")
	for i := range b.chars {
		b.chars[i].starBefore = strings.Contains(b.pattern[:b.chars[i].it.end], "*")
	}
}

// lay places the characters of sq, followed by follow (the characters after
// sq), with suffix the text after sq's end; it returns sq's first characters.
func (b *builder) lay(sq seq, follow []succ, suffix string) []succ {
	// walk backwards so that each item knows what follows it
	next := follow
	for k := len(sq.items) - 1; k >= 0; k-- {
		it := sq.items[k]
		if it.kind == iBrace {
			after := b.pattern[it.end:sq.end] + suffix
			var firsts []succ
			for _, a := range it.alts {
				for _, f := range b.lay(a, next, after) {
					f.open = true // doublestar has not expanded the brace when it looks ahead
					firsts = union(firsts, f)
				}
			}
			next = firsts
			continue
		}
		b.chars = append(b.chars, pchar{it: it, next: next, rest: b.pattern[it.end:sq.end] + suffix, at: b.pattern[it.start:sq.end] + suffix})
		next = []succ{{c: len(b.chars) - 1}}
	}
	return next
}

// succ is a character that can follow another (c; -1: the end of the
// pattern), and whether a '{' lies between them: doublestar looks ahead in
// the text as it stands, where a brace not yet reached is still a '{'.
type succ struct {
	c    int
	open bool
}

func union(a []succ, x succ) []succ {
	for _, y := range a {
		if x == y {
			return a
		}
	}
	return append(a, x)
}

func (b *builder) state(c int, slash bool) int32 {
	s := 0
	if slash {
		s = 1
	}
	k := [2]int{c, s}
	if id, ok := b.stateID[k]; ok {
		return id
	}
	id := int32(len(b.states))
	b.stateID[k] = id
	b.states = append(b.states, k)
	b.out = append(b.out, nil)
	return id
}

// exit reports whether a path ending just after character c matches.
func (b *builder) exit(c int) bool {
	return b.exitText(c, b.chars[c].rest)
}

// exitAt reports whether a path ending just before character c (-1: the
// end) matches, after a star or "**/" that read up to the end: doublestar
// has expanded the braces between them by then.
func (b *builder) exitAt(c int) bool {
	if c < 0 {
		return true
	}
	return b.exitText(c, b.chars[c].at)
}

func (b *builder) exitText(c int, rest string) bool {
	pc := &b.chars[c]
	v := isZeroLength(rest, b.zl)
	if v && pc.starBefore {
		// "**/" and "/**/" left over match where the tokens they stand for
		// need a '/': doublestar may have committed to another way first
		if f := zeroLengthForms(rest); f["**/"] || f["/**/"] {
			b.err = fmt.Errorf("glob pattern %q: a path ending after byte %d matches on doublestar's special case for \"**/\" or \"/**/\" left over, with a wildcard before; doublestar's answer then depends on its search order, so the pattern is refused", b.pattern, pc.it.end)
		}
	}
	if pc.starBefore && v != zeroLengthAny(rest, b.any) {
		b.err = fmt.Errorf("glob pattern %q: what a path ending after byte %d matches depends on which braces doublestar has expanded by then; refused (write the alternatives out)", b.pattern, pc.it.end)
	}
	return v
}

func (b *builder) add(from int32, e edge) {
	if len(b.edges) >= maxEdges {
		b.err = fmt.Errorf("glob pattern %q is too complex", b.pattern)
		return
	}
	b.out[from] = append(b.out[from], int32(len(b.edges)))
	b.edges = append(b.edges, e)
}

// tokens explores the states reachable from the start.
func (b *builder) tokens() error {
	b.stateID = map[[2]int]int32{}
	var work []int32
	get := func(c int, slash bool) int32 {
		n := len(b.states)
		id := b.state(c, slash)
		if int(id) == n {
			work = append(work, id)
		}
		return id
	}
	for _, f := range b.first {
		get(f.c, true)
	}
	for len(work) > 0 && b.err == nil {
		s := work[len(work)-1]
		work = work[:len(work)-1]
		c, slash := b.states[s][0], b.states[s][1] == 1
		if c < 0 {
			continue // the end: no token
		}
		pc := b.chars[c]
		switch pc.it.kind {
		case iLit:
			ex := b.exit(c)
			for _, n := range pc.next {
				b.add(s, edge{kind: tLit, r: pc.it.r, exit: ex, to: get(n.c, pc.it.slashEnd)})
			}
		case iAny:
			ex := b.exit(c)
			for _, n := range pc.next {
				b.add(s, edge{kind: tAny, exit: ex, to: get(n.c, false)})
			}
		case iClass:
			ex := b.exit(c)
			for _, n := range pc.next {
				b.add(s, edge{kind: tClass, cls: pc.it.cls, exit: ex, to: get(n.c, false)})
			}
		case iStar:
			star := func(c int) bool { return c >= 0 && b.chars[c].it.kind == iStar }
			for _, n2 := range pc.next {
				c2 := n2.c
				if !star(c2) || n2.open {
					// a single '*'; another one right after (behind a '{')
					// replaces it before it reads anything
					if star(c2) {
						b.add(s, edge{kind: tSkip, to: get(c2, false)})
					} else {
						b.add(s, edge{kind: tStar, exit: b.exitAt(c2), to: get(c2, false)})
					}
					continue
				}
				for _, n3 := range b.chars[c2].next {
					c3 := n3.c
					switch {
					case slash && c3 < 0 && !n3.open:
						b.add(s, edge{kind: tDSEnd, to: get(-1, false)})
					case slash && c3 >= 0 && b.chars[c3].it.slash && !n3.open:
						for _, n4 := range b.chars[c3].next {
							b.add(s, edge{kind: tDS, exit: b.exitAt(n4.c), to: get(n4.c, true)})
						}
					case star(c3):
						b.add(s, edge{kind: tSkip, to: get(c3, false)})
					default:
						b.add(s, edge{kind: tStar, exit: b.exitAt(c3), to: get(c3, false)})
					}
				}
			}
		}
	}
	return b.err
}

// monotone refuses patterns where a path ending after some token would
// match but a longer one, ending after a later token, would not ("**/*0**/":
// "0" could end on "**/" left, which doublestar accepts, but doublestar's
// search commits to the star after "0" first and ends on "/"). There the
// answer depends on the order doublestar tries its choices in.
func (b *builder) monotone() error {
	memo := make([]int8, len(b.states)) // 0 unknown, 1 all later exits match, 2 not
	var all func(s int32) bool
	all = func(s int32) bool {
		if memo[s] != 0 {
			return memo[s] == 1
		}
		ok := true
		for _, ei := range b.out[s] {
			e := &b.edges[ei]
			switch {
			case e.kind == tDSEnd:
			case e.kind == tSkip:
				ok = ok && all(e.to)
			default:
				ok = ok && e.exit && all(e.to)
			}
		}
		memo[s] = 2
		if ok {
			memo[s] = 1
		}
		return ok
	}
	for _, e := range b.edges {
		if e.exit && e.kind != tDSEnd && !all(e.to) {
			return fmt.Errorf("glob pattern %q: a path could end on text doublestar treats as matching nothing (\"*\", \"**\", \"/**\", \"**/\", \"/**/\") before a token that must match something; doublestar's answer depends on its search order there, so the pattern is refused", b.pattern)
		}
	}
	return nil
}

func (b *builder) matcher() *Matcher {
	ns := int32(len(b.states))
	m := &Matcher{pattern: b.pattern, ns: ns}
	m.out = make([][]edge, ns)
	m.skip = make([][]int32, ns)
	m.star = make([][]int32, ns)
	m.starExit = make([]bool, ns)
	m.ds = make([][]int32, ns)
	m.dsExit = make([]bool, ns)
	for s := range ns {
		seen := map[int32]bool{s: true}
		list := []int32{s}
		for i := 0; i < len(list); i++ {
			for _, e := range b.out[list[i]] {
				ed := &b.edges[e]
				if (ed.kind == tStar || ed.kind == tDS || ed.kind == tSkip) && !seen[ed.to] {
					seen[ed.to] = true
					list = append(list, ed.to)
				}
			}
		}
		m.skip[s] = list
	}
	for s := range ns {
		starSeen, dsSeen := map[int32]bool{}, map[int32]bool{}
		for _, e := range b.out[s] {
			ed := b.edges[e]
			switch ed.kind {
			case tLit, tAny, tClass, tDSEnd:
				m.out[s] = append(m.out[s], ed)
			case tStar:
				m.starExit[s] = m.starExit[s] || ed.exit
				if m.star[s] == nil {
					m.star[s] = []int32{}
				}
				for _, t := range m.skip[ed.to] {
					if !starSeen[t] {
						starSeen[t] = true
						m.star[s] = append(m.star[s], t)
					}
				}
			case tDS:
				m.dsExit[s] = m.dsExit[s] || ed.exit
				if m.ds[s] == nil {
					m.ds[s] = []int32{}
				}
				for _, t := range m.skip[ed.to] {
					if !dsSeen[t] {
						dsSeen[t] = true
						m.ds[s] = append(m.ds[s], t)
					}
				}
			}
		}
	}
	seen := map[int32]bool{}
	for _, f := range b.first {
		for _, t := range m.skip[b.stateID[[2]int{f.c, 1}]] {
			if !seen[t] {
				seen[t] = true
				m.start = append(m.start, t)
			}
		}
	}
	slices.Sort(m.start)
	return m
}

// Match reports whether path matches the pattern, as doublestar's
// MatchUnvalidated(pattern, path) would. It is safe for concurrent use
// (matches of one Matcher take turns).
func (m *Matcher) Match(path string) bool {
	if path == "" {
		return m.empty
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dfa == nil {
		m.dfa = map[string]int32{}
		m.mark = make([]uint32, 4*m.ns+1)
		m.intern(m.start) // state 0
	}
	cur := int32(0) // a state of the deterministic automaton, or -1: set
	var set []int32
	exit := false
	for i := 0; i < len(path); {
		if c := path[i]; c < utf8.RuneSelf && cur >= 0 {
			if n := m.dstates[cur].next[c]; n != 0 {
				exit = m.dstates[cur].exit[c]
				cur = n - 1
				if len(m.dstates[cur].threads) == 0 {
					return false
				}
				i++
				continue
			}
		}
		r, w := utf8.DecodeRuneInString(path[i:])
		i += w
		from := set
		if cur >= 0 {
			from = m.dstates[cur].threads
		}
		next, ex := m.step(from, r)
		id := m.intern(next)
		if cur >= 0 && r < utf8.RuneSelf && id >= 0 {
			m.dstates[cur].next[r] = id + 1
			m.dstates[cur].exit[r] = ex
		}
		exit = ex
		if len(next) == 0 {
			return false
		}
		cur, set = id, next
	}
	return exit
}

// intern returns the deterministic state of a set of threads, -1 when
// there are too many.
func (m *Matcher) intern(set []int32) int32 {
	key := make([]byte, 0, 4*len(set))
	for _, t := range set {
		key = append(key, byte(t), byte(t>>8), byte(t>>16), byte(t>>24))
	}
	if id, ok := m.dfa[string(key)]; ok {
		return id
	}
	if len(m.dstates) >= maxDFA {
		return -1
	}
	id := int32(len(m.dstates))
	m.dfa[string(key)] = id
	m.dstates = append(m.dstates, dstate{threads: set})
	return id
}

// step reads rune r from the threads of cur: the threads after it (with
// the zero-width tokens and the ends of stars and "**/" that may follow
// applied), sorted, and whether a path ending with r matches.
func (m *Matcher) step(cur []int32, r rune) ([]int32, bool) {
	ns := m.ns
	dsend := 4 * ns
	m.gen++
	if m.gen == 0 {
		clear(m.mark)
		m.gen = 1
	}
	gen := m.gen
	var next []int32
	add := func(t int32) {
		if m.mark[t] != gen {
			m.mark[t] = gen
			next = append(next, t)
		}
	}
	addAll := func(ts []int32) {
		for _, t := range ts {
			add(t)
		}
	}
	exit := false
	for _, t := range cur {
		switch {
		case t == dsend:
			add(dsend)
			exit = true
		case t >= 3*ns || t >= 2*ns: // "**/" after a '/' or mid-segment
			s := t - 2*ns
			if t >= 3*ns {
				s = t - 3*ns
			}
			if r == '/' {
				add(3*ns + s)
				exit = exit || m.dsExit[s]
			} else {
				add(2*ns + s)
			}
		case t >= ns: // a star
			if r != '/' {
				add(t)
				exit = exit || m.starExit[t-ns]
			}
		default:
			for i := range m.out[t] {
				ed := &m.out[t][i]
				switch ed.kind {
				case tLit:
					if r == ed.r {
						addAll(m.skip[ed.to])
						exit = exit || ed.exit
					}
				case tAny:
					if r != '/' {
						addAll(m.skip[ed.to])
						exit = exit || ed.exit
					}
				case tClass:
					if ed.cls.match(r) {
						addAll(m.skip[ed.to])
						exit = exit || ed.exit
					}
				case tDSEnd:
					add(dsend)
					exit = true
				}
			}
			if m.star[t] != nil && r != '/' {
				add(ns + t)
				exit = exit || m.starExit[t]
			}
			if m.ds[t] != nil {
				if r == '/' {
					add(3*ns + t)
					exit = exit || m.dsExit[t]
				} else {
					add(2*ns + t)
				}
			}
		}
	}
	// a star, or a "**/" just after its '/', may end before the next rune
	for i := 0; i < len(next); i++ {
		t := next[i]
		switch {
		case t == dsend || t < ns:
		case t >= 3*ns:
			addAll(m.ds[t-3*ns])
		case t < 2*ns:
			addAll(m.star[t-ns])
		}
	}
	slices.Sort(next)
	return next, exit
}
