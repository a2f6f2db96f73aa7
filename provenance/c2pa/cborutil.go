package c2pa

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/fxamacker/cbor/v2"

	"github.com/provscan/provscan/provenance/readerr"
)

// Decode limits for CBOR and JSON content from files.
const (
	maxNesting    = 24
	maxElements   = 1 << 14
	maxParams     = 256 // flattened parameters kept per action
	maxValueLen   = 1024
	maxAssertions = 4096 // assertions per manifest
)

// decMode decodes hostile CBOR with hard limits.
var decMode = func() cbor.DecMode {
	dm, err := cbor.DecOptions{
		MaxNestedLevels:  maxNesting,
		MaxArrayElements: maxElements,
		MaxMapPairs:      maxElements,
		IndefLength:      cbor.IndefLengthAllowed,
		TagsMd:           cbor.TagsAllowed,
		DupMapKey:        cbor.DupMapKeyQuiet,
	}.DecMode()
	if err != nil {
		panic(err) // the options above are constants
	}
	return dm
}()

// encMode encodes CBOR deterministically (the time-stamp payload).
var encMode = func() cbor.EncMode {
	em, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(err)
	}
	return em
}()

// decodeCBOR decodes one CBOR item into generic Go values with string map keys.
func decodeCBOR(b []byte) (any, error) {
	var v any
	if err := decMode.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	return normalize(v, 0), nil
}

// overLimit reports whether a decoding error is one of the decoder's caps
// (nesting, array elements, map pairs): what it stopped was not read.
func overLimit(err error) bool {
	var (
		nested *cbor.MaxNestedLevelError
		arr    *cbor.MaxArrayElementsError
		pairs  *cbor.MaxMapPairsError
	)
	return errors.As(err, &nested) || errors.As(err, &arr) || errors.As(err, &pairs) || errors.Is(err, readerr.ErrLimit)
}

// decodeJSON decodes a JSON document into generic values.
func decodeJSON(b []byte) (any, error) {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	return v, nil
}

// normalize turns map[any]any into map[string]any and strips tags, recursively.
func normalize(v any, depth int) any {
	if depth > maxNesting {
		return nil
	}
	switch t := v.(type) {
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[keyString(k)] = normalize(x, depth+1)
		}
		return m
	case map[string]any:
		for k, x := range t {
			t[k] = normalize(x, depth+1)
		}
		return t
	case []any:
		for i := range t {
			t[i] = normalize(t[i], depth+1)
		}
		return t
	case cbor.Tag:
		return normalize(t.Content, depth+1)
	case *big.Int:
		return t.String()
	}
	return v
}

func keyString(k any) string {
	switch t := k.(type) {
	case string:
		return t
	case []byte:
		return string(t)
	}
	return fmt.Sprint(k)
}

// asMap returns v as a map, or nil.
func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// asSlice returns v as a slice, or nil.
func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// str returns m[k] when it is a string.
func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// firstStr returns the first of keys that holds a non-empty string.
func firstStr(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if s := str(m, k); s != "" {
			return s
		}
	}
	return ""
}

// asInt returns v as an int when it is a CBOR/JSON number.
func asInt(v any) (int64, bool) {
	switch t := v.(type) {
	case uint64:
		if t > 1<<62 {
			return 0, false
		}
		return int64(t), true
	case int64:
		return t, true
	case float64:
		if t < -(1<<62) || t > 1<<62 {
			return 0, false
		}
		return int64(t), true
	}
	return 0, false
}

// truncate shortens s to maxValueLen bytes.
func truncate(s string) string {
	if len(s) > maxValueLen {
		return s[:maxValueLen]
	}
	return s
}

// scalarString renders a scalar for flattened output; ok is false for maps and arrays.
func scalarString(v any) (string, bool) {
	switch t := v.(type) {
	case nil:
		return "", true
	case string:
		return truncate(t), true
	case []byte:
		if len(t) > maxValueLen/2 {
			t = t[:maxValueLen/2]
		}
		return hex.EncodeToString(t), true
	case bool:
		return strconv.FormatBool(t), true
	case uint64, int64, float64, float32:
		return fmt.Sprint(t), true
	case map[string]any, []any:
		return "", false
	}
	return truncate(fmt.Sprint(v)), true
}

// flatten writes the scalars of v into out with keys joined by '.'.
func flatten(prefix string, v any, out map[string]string, depth int) {
	if len(out) >= maxParams || depth > maxNesting {
		return
	}
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			flatten(join(prefix, k), t[k], out, depth+1)
		}
	case []any:
		for i, x := range t {
			flatten(join(prefix, strconv.Itoa(i)), x, out, depth+1)
		}
	default:
		s, _ := scalarString(v)
		out[prefix] = s
	}
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

// findKeys collects string values of keys whose name ends with suffix
// (case-insensitive), anywhere in v.
func findKeys(v any, suffix string, out *[]string, depth int) {
	if depth > maxNesting || len(*out) > 64 {
		return
	}
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			x := t[k]
			if strings.HasSuffix(strings.ToLower(k), suffix) {
				switch y := x.(type) {
				case string:
					*out = append(*out, truncate(y))
					continue
				case map[string]any: // JSON-LD {"@id": ...}
					if id := str(y, "@id"); id != "" {
						*out = append(*out, truncate(id))
						continue
					}
				}
			}
			findKeys(x, suffix, out, depth+1)
		}
	case []any:
		for _, x := range t {
			findKeys(x, suffix, out, depth+1)
		}
	}
}
