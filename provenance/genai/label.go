package genai

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/provscan/provscan/provenance/evidence"
)

// GenAI labels written into a file's metadata by a generation service or a
// platform, read as values (a flag of 0 says "not generated"):
//
//   - the implicit label of the Chinese standard GB 45438-2025 (in force
//     since 2025-09-01): a JSON object {"Label": "1"|"2"|"3",
//     "ContentProducer": ..., "ProduceID": ..., ...} under the key AIGC, in
//     whatever carrier the file has: an MP4/MOV metadata key or udta atom,
//     ID3 TXXX:AIGC (MP3, AIFF, WAV), a Vorbis comment, the XMP property
//     TC260:AIGC (namespace TC260NS), a PNG text key, or wrapped as
//     {"AIGC": {...}} in a field of any name (EXIF UserComment). Label 1 is
//     "generated", 2 "possibly generated", 3 "suspected". Source: TC260
//     practice guide on the implicit label (2025-08), corpus av/MARKERS.md.
//   - TikTok's aigc_info metadata key {"aigc_label_type": N}: 1 (labelled
//     by the creator) and 2 (detected by the platform) are generated, 0 is
//     not. Source: corpus av/MARKERS.md section 3.

// TC260NS is the XMP namespace of the GB 45438-2025 implicit label.
const TC260NS = "http://www.tc260.org.cn/ns/AIGC/1.0/"

// Label is a GenAI label read from one fact.
type Label struct {
	Level    string // evidence.LevelGenerated, LevelPossible or LevelSuspected
	Term     string // what the label says, for findings: "AIGC Label 1 (GB 45438-2025)"
	Producer string // the GB 45438 ContentProducer code, when given
}

// maxLabelJSON is the longest value parsed as a label: a label is a few
// hundred bytes (ReservedCode fields carry base64 signatures).
const maxLabelJSON = 64 << 10

// maxProducer is the longest producer code kept.
const maxProducer = 64

// tiktokMeaning says who labelled a TikTok video as AI-generated, by label
// type (aivid's report on TikTok downloads, corpus av/MARKERS.md).
var tiktokMeaning = map[string]string{"1": ": labelled by the creator", "2": ": detected by the platform"}

// gbLevels maps a GB 45438 Label value to its level.
var gbLevels = map[string]string{"1": evidence.LevelGenerated, "2": evidence.LevelPossible, "3": evidence.LevelSuspected}

// labelFields is the JSON of an implicit label (Go matches the names
// case-insensitively).
type labelFields struct {
	AIGC            json.RawMessage `json:"AIGC"`
	Label           json.RawMessage `json:"Label"`
	ContentProducer json.RawMessage `json:"ContentProducer"`
	AigcLabelType   json.RawMessage `json:"aigc_label_type"`
}

// LabelOf reads a GenAI label from f, if its value is one.
func LabelOf(f Fact) (Label, bool) {
	if f.Source == C2PA || f.Source == Tool {
		return Label{}, false
	}
	v := strings.TrimSpace(f.Value)
	if len(v) < 2 || v[0] != '{' || len(v) > maxLabelJSON {
		return Label{}, false
	}
	key := strings.ToLower(f.Field)
	if i := strings.LastIndexByte(key, ':'); i >= 0 {
		key = key[i+1:] // TXXX:AIGC, TC260:AIGC, a namespace URI and the name
	}
	switch {
	case key == "aigc_info":
		if !containsAnyCase(v, `"aigc_label_type"`) {
			return Label{}, false
		}
		var lf labelFields
		if json.Unmarshal([]byte(v), &lf) != nil {
			return Label{}, false
		}
		n := scalar(lf.AigcLabelType)
		if n != "1" && n != "2" {
			return Label{}, false
		}
		return Label{Level: evidence.LevelGenerated, Term: "TikTok aigc_label_type " + n + tiktokMeaning[n]}, true
	case key != "aigc" && !containsAnyCase(v, "AIGC") && !containsAnyCase(v, "ContentProducer"):
		return Label{}, false
	}
	var lf labelFields
	if json.Unmarshal([]byte(v), &lf) != nil {
		return Label{}, false
	}
	if inner := bytes.TrimSpace(lf.AIGC); len(inner) > 0 {
		// {"AIGC": {...}}, or the object written as a JSON string.
		if inner[0] == '"' {
			var s string
			if json.Unmarshal(inner, &s) != nil {
				return Label{}, false
			}
			inner = []byte(s)
		}
		lf = labelFields{}
		if json.Unmarshal(inner, &lf) != nil {
			return Label{}, false
		}
	} else if key != "aigc" && len(lf.ContentProducer) == 0 {
		// A bare object counts under the key AIGC, or anywhere with the
		// standard's own pair of fields.
		return Label{}, false
	}
	n := scalar(lf.Label)
	level, ok := gbLevels[n]
	if !ok {
		return Label{}, false
	}
	return Label{Level: level, Term: "AIGC Label " + n + " (GB 45438-2025)", Producer: oneLine(scalar(lf.ContentProducer), maxProducer)}, true
}

// scalar returns a JSON string's text or a number's digits; "" otherwise.
func scalar(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return ""
		}
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		return ""
	}
	return n.String()
}

// containsAnyCase reports whether v contains name as written, in lower
// case or in upper case: a cheap test run on every JSON-looking value.
func containsAnyCase(v, name string) bool {
	return strings.Contains(v, name) || strings.Contains(v, strings.ToLower(name)) || strings.Contains(v, strings.ToUpper(name))
}
