package policy

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ConfigError is a mistake in a policy or approvals file, told the way a
// person can fix it: the file, the line and the key, and never a Go type.
type ConfigError struct {
	Path     string
	Problems []ConfigProblem
}

// ConfigProblem is one mistake at one line of a file (0: no line known).
type ConfigProblem struct {
	Line int
	Msg  string
}

// Error returns the problems one per line, each named by its file and line.
func (e *ConfigError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		if p.Line > 0 {
			lines[i] = fmt.Sprintf("%s:%d: %s", e.Path, p.Line, p.Msg)
		} else {
			lines[i] = fmt.Sprintf("%s: %s", e.Path, p.Msg)
		}
	}
	return strings.Join(lines, "\n")
}

var (
	yamlLine     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	yamlUnknown  = regexp.MustCompile(`^field (.+) not found in type (\S+)$`)
	yamlMismatch = regexp.MustCompile("^cannot unmarshal (!!\\w+)(?: `.*`)? into (\\S+)$")
)

// yamlError turns an error of the YAML decoder reading the file at path
// (data is its content, target what it was decoded into) into a
// *ConfigError: "FILE:LINE: unknown key "foo" (known keys: ...)",
// "FILE:LINE: key workers: want a whole number, not "x"". An error the
// decoder did not make is returned as it is, named by the file.
func yamlError(path string, data []byte, target any, err error) error {
	var msgs []string
	var te *yaml.TypeError
	switch {
	case errors.As(err, &te):
		msgs = te.Errors
	case strings.HasPrefix(err.Error(), "yaml: "):
		msgs = []string{err.Error()}
	default:
		return &ConfigError{Path: path, Problems: []ConfigProblem{{Msg: err.Error()}}}
	}
	var doc yaml.Node
	_ = yaml.Unmarshal(data, &doc) // only to find keys; a syntax error leaves it empty
	keys := knownKeys(reflect.TypeOf(target))
	e := &ConfigError{Path: path}
	for _, m := range msgs {
		p := ConfigProblem{Msg: strings.TrimPrefix(m, "yaml: ")}
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			p.Line, _ = strconv.Atoi(sm[1])
			p.Msg = sm[2]
		}
		switch {
		case te == nil:
			p.Msg = "not valid YAML: " + p.Msg
		case yamlUnknown.MatchString(p.Msg):
			sm := yamlUnknown.FindStringSubmatch(p.Msg)
			name := sm[1]
			where := keyPath(&doc, p.Line, func(k, _ *yaml.Node) bool { return k.Value == name })
			if where == "" {
				where = name
			}
			known := keys[sm[2]]
			p.Msg = fmt.Sprintf("unknown key %q", where)
			var hint []string
			if s := closest(name, known); s != "" {
				hint = append(hint, fmt.Sprintf("did you mean %q?", s))
			}
			if len(known) > 0 {
				hint = append(hint, "known keys: "+strings.Join(known, ", "))
			}
			if len(hint) > 0 {
				p.Msg += " (" + strings.Join(hint, " ") + ")"
			}
		case yamlMismatch.MatchString(p.Msg):
			sm := yamlMismatch.FindStringSubmatch(p.Msg)
			var got *yaml.Node
			where := keyPath(&doc, p.Line, func(_, v *yaml.Node) bool {
				if v.Line == p.Line && v.ShortTag() == sm[1] {
					got = v
					return true
				}
				return false
			})
			p.Msg = "want " + wantOf(sm[2])
			if got != nil && got.Kind == yaml.ScalarNode {
				p.Msg += fmt.Sprintf(", not %q", got.Value)
			} else {
				p.Msg += ", not " + kindOf(sm[1])
			}
			if where != "" {
				p.Msg = "key " + where + ": " + p.Msg
			}
		}
		e.Problems = append(e.Problems, p)
	}
	return e
}

// knownKeys maps the Go name of every struct type reachable from t
// ("policy.Config") to the YAML keys it accepts.
func knownKeys(t reflect.Type) map[string][]string {
	out := map[string][]string{}
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map) {
			t = t.Elem()
		}
		if t == nil || t.Kind() != reflect.Struct {
			return
		}
		if _, done := out[t.String()]; done {
			return
		}
		out[t.String()] = nil
		var keys []string
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			keys = append(keys, name)
			walk(f.Type)
		}
		out[t.String()] = keys
	}
	walk(t)
	return out
}

// keyPath returns the dotted path ("rules.prompt-embedded.severity",
// "paths[0].allow") of the first mapping entry at line whose key and value
// match, or "".
func keyPath(doc *yaml.Node, line int, match func(k, v *yaml.Node) bool) string {
	var found string
	var walk func(n *yaml.Node, prefix string) bool
	walk = func(n *yaml.Node, prefix string) bool {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				if walk(c, prefix) {
					return true
				}
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				p := k.Value
				if prefix != "" {
					p = prefix + "." + k.Value
				}
				if (k.Line == line || v.Line == line) && match(k, v) {
					found = p
					return true
				}
				if walk(v, p) {
					return true
				}
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := fmt.Sprintf("%s[%d]", prefix, i)
				if c.Line == line && c.Kind == yaml.ScalarNode && match(c, c) {
					found = p
					return true
				}
				if walk(c, p) {
					return true
				}
			}
		}
		return false
	}
	walk(doc, "")
	return found
}

// wantOf names what a Go type accepts, for a person writing YAML.
func wantOf(goType string) string {
	switch {
	case strings.HasPrefix(goType, "*"):
		return wantOf(goType[1:])
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map["):
		return "a mapping of keys to values"
	case goType == "bool":
		return "true or false"
	case goType == "string":
		return "a text"
	case strings.HasPrefix(goType, "int") || strings.HasPrefix(goType, "uint"):
		return "a whole number"
	case strings.HasPrefix(goType, "float"):
		return "a number"
	case strings.Contains(goType, "."):
		return "a mapping of keys to values"
	}
	return "another kind of value"
}

// kindOf names a YAML tag for a person.
func kindOf(tag string) string {
	switch tag {
	case "!!seq":
		return "a list"
	case "!!map":
		return "a mapping"
	case "!!null":
		return "an empty value"
	}
	return "a " + strings.TrimPrefix(tag, "!!")
}

// closest returns the known key nearest to name (at most 2 edits), or "".
func closest(name string, known []string) string {
	best, bestD := "", 3
	sorted := append([]string(nil), known...)
	sort.Strings(sorted)
	for _, k := range sorted {
		if d := editDistance(name, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
