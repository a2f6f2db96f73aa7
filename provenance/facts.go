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
		out = append(out, genai.Fact{Source: genai.EXIF, Container: container, Offset: f.Offset, Field: f.Name, Value: f.Value})
	}
	for _, x := range p.XMP {
		prefix, ok := xmpPrefix[x.NS]
		if !ok {
			prefix = x.NS
		}
		out = append(out, genai.Fact{Source: genai.XMP, Container: x.Container, Offset: x.Offset, Location: x.Path, Field: prefix + ":" + x.Name, Value: x.Value})
	}
	for _, t := range p.Text {
		out = append(out, genai.Fact{Source: genai.Text, Container: t.Container, Offset: t.Offset, Field: t.Key, Value: t.Value})
	}
	for _, t := range p.IPTC {
		out = append(out, genai.Fact{Source: genai.IPTC, Container: t.Container, Offset: t.Offset, Field: t.Key, Value: t.Value})
	}
	for i, s := range p.C2PA {
		out = append(out, storeFacts(i, s)...)
	}
	return out
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
