package provenance

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/provscan/provscan/provenance/genai"
	"github.com/provscan/provscan/provenance/xmp"
)

// xmpPrefix gives the canonical prefix of the namespaces the catalogue names.
var xmpPrefix = map[string]string{
	xmp.NSIptcExt:   "Iptc4xmpExt",
	xmp.NSIptcCore:  "Iptc4xmpCore",
	xmp.NSXMP:       "xmp",
	xmp.NSXMPMM:     "xmpMM",
	xmp.NSStEvt:     "stEvt",
	xmp.NSPhotoshop: "photoshop",
	xmp.NSDC:        "dc",
	xmp.NSDCTerms:   "dcterms",
	xmp.NSExif:      "exif",
	xmp.NSExifEX:    "exifEX",
	xmp.NSTIFF:      "tiff",
	xmp.NSPDF:       "pdf",
	genai.TC260NS:   "TC260",
}

// facts flattens everything interpreted into the neutral facts the GenAI
// catalogue reads.
func (p *Provenance) facts() []genai.Fact {
	out := make([]genai.Fact, 0, len(p.EXIF)+len(p.XMP)+len(p.Text)+len(p.IPTC))
	var container, lastBlock, lastIFD string // fields of one IFD come together: one name for them all
	for _, f := range p.EXIF {
		if container == "" || f.Container != lastBlock || f.IFD != lastIFD {
			container, lastBlock, lastIFD = f.Container+" > "+f.IFD, f.Container, f.IFD
		}
		out = addFact(out, genai.Fact{Source: genai.EXIF, Container: container, Offset: f.Offset, Field: f.Name, Value: f.Value}, false)
	}
	for _, x := range p.XMP {
		prefix, ok := xmpPrefix[x.NS]
		if !ok {
			prefix = x.NS
		}
		out = addFact(out, genai.Fact{Source: genai.XMP, Container: x.Container, Offset: x.Offset, Location: x.Path, Field: prefix + ":" + x.Name, Value: x.Value}, false)
	}
	for _, t := range p.Text {
		out = addFact(out, genai.Fact{Source: genai.Text, Container: t.Container, Offset: t.Offset, Field: t.Key, Value: t.Value}, t.Tool)
	}
	for _, t := range p.IPTC {
		out = addFact(out, genai.Fact{Source: genai.IPTC, Container: t.Container, Offset: t.Offset, Field: t.Key, Value: t.Value}, t.Tool)
	}
	for i, s := range p.C2PA {
		out = append(out, storeFacts(i, s)...)
	}
	return out
}

// toolFields are the fields, by source and lower-cased name, that name the
// software that wrote or processed a file in the formats whose readers
// predate Block.Tool: each of their facts is also a tool fact. Readers of
// newer formats mark such blocks themselves (Block.Tool).
var toolFields = map[genai.Source]map[string]bool{
	genai.EXIF: {"software": true, "processingsoftware": true},
	genai.XMP:  {"xmp:creatortool": true, "stevt:softwareagent": true, "pdf:producer": true},
	genai.IPTC: {"originatingprogram": true},
	genai.Text: {
		"software": true, "©too": true, "©swr": true, "encoder": true, // PNG, QuickTime/MP4
		"tsse": true, "tenc": true, "isft": true, // ID3 and RIFF INFO
		"producer": true, "creator": true, // PDF Info
	},
}

// addFact appends f, and the tool fact it also is when tool is set or its
// field is one of toolFields.
func addFact(out []genai.Fact, f genai.Fact, tool bool) []genai.Fact {
	out = append(out, f)
	if !tool && !toolFields[f.Source][strings.ToLower(f.Field)] {
		return out
	}
	if strings.TrimSpace(f.Value) == "" {
		return out
	}
	f.Source = genai.Tool
	return append(out, f)
}

// storeFacts lists the facts of every manifest of a store, marking those of
// manifests other than the active one as ingredient facts.
func storeFacts(index int, s C2PAStore) []genai.Fact {
	var out []genai.Fact
	derived := s.Derivations()
	for _, m := range s.Manifests {
		base := genai.Fact{Source: genai.C2PA, Container: s.Container, Offset: s.Offset, Manifest: m.Label, Store: index, Ingredient: m.Label != s.Active}
		if via, ok := derived[m.Label]; ok && base.Ingredient {
			base.Derived, base.Via = true, strings.Join(via, ", ")
		}
		add := func(loc, field, value string) {
			if strings.TrimSpace(value) == "" {
				return
			}
			f := base
			f.Location, f.Field, f.Value = loc, field, value
			out = append(out, f)
		}
		claim := "manifest " + m.Label
		add(claim, genai.FieldClaimGenerator, m.ClaimGenerator)
		for _, g := range m.ClaimGeneratorInfo {
			add(claim, genai.FieldGeneratorInfo, g.Name)
		}
		for _, label := range m.Assertions {
			add(claim, genai.FieldAssertion, label)
		}
		for i, a := range m.Actions {
			loc := fmt.Sprintf("manifest %s, action %d (%s)", m.Label, i, a.Action)
			add(loc, genai.FieldSourceType, a.DigitalSourceType)
			add(loc, genai.FieldSoftwareAgent, a.SoftwareAgent)
			add(loc, genai.FieldDescription, a.Description)
			for _, k := range slices.Sorted(maps.Keys(a.Parameters)) {
				add(loc, genai.FieldParameter+k, a.Parameters[k])
			}
		}
		for _, dst := range m.IPTCSourceTypes {
			add(claim+", stds.iptc", genai.FieldIPTCSourceType, dst)
		}
		for _, k := range slices.Sorted(maps.Keys(m.TrainingMining)) {
			add(claim+", training-mining", genai.FieldTrainingMining+k, m.TrainingMining[k])
		}
	}
	return out
}
