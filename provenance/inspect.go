package provenance

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/provscan/provscan/provenance/c2pa"
	"github.com/provscan/provscan/provenance/container"
	"github.com/provscan/provscan/provenance/evidence"
	"github.com/provscan/provscan/provenance/exif"
	"github.com/provscan/provscan/provenance/genai"
	"github.com/provscan/provscan/provenance/internal/reader"
	"github.com/provscan/provscan/provenance/iptc"
	"github.com/provscan/provscan/provenance/readerr"
	"github.com/provscan/provscan/provenance/xmp"
)

// Options tune Inspect.
type Options struct {
	// VerifyContent checks C2PA hard bindings (data, BMFF and boxes hashes)
	// of every file, reading the whole file through a bounded buffer.
	VerifyContent bool
	// VerifyContentMax checks the hard bindings of files of at most this
	// many bytes, as VerifyContent does for all; 0 checks none (unless
	// VerifyContent). provscan's default is DefaultVerifyContentMax.
	VerifyContentMax int64
	// TrustAnchors are the root certificates whose C2PA signing chains are
	// Trusted; with none, a good signature is Valid and untrusted.
	TrustAnchors *x509.CertPool
	// AllowedSigners lists end-entity signing certificates (DER) that are
	// Trusted whatever their chain.
	AllowedSigners [][]byte
	// Context, when set, stops C2PA validation's hashing once cancelled
	// (what was not checked is then a cut). A reader r given to Inspect
	// that implements c2pa.Spender (Spend(n int64) error) is charged the
	// bytes hashed in memory as they are, and stops them at its first error.
	Context context.Context
	// Limits are the per-file limits of the readers (zero fields: the
	// defaults, DefaultLimits). Used when Budget is nil.
	Limits Limits
	// Budget is the budget the inspection draws on; nil: a fresh one under
	// Limits. The scanner passes the budget of the file on disk (Item of it
	// for each archive member), so that nested archives draw on the budget
	// of the file they came from, and the scan-wide memory Pool.
	Budget *Budget
}

// Limits are the per-file limits of an inspection: metadata blocks and
// their bytes per item, bytes inflated from archive entries and PDF streams,
// SVG bytes parsed, archive members, and memory held. Time and bytes read
// are the scanner's (its Options.FileTimeout and FileReadBudget), which
// wraps the file's reader in them.
type Limits = reader.Limits

// DefaultLimits are provscan's per-file limits.
var DefaultLimits = reader.DefaultLimits

// Budget is what the readers of one file draw on; every reader reserves
// through its one call, Reserve.
type Budget = reader.Budget

// Resource names what a Budget reservation draws on.
type Resource = reader.Resource

// Memory is the Resource of memory an inspection holds (Budget.Reserve):
// the scanner reserves a thumbnail's decode from it too.
const Memory = reader.Memory

// Pool is a scan-wide memory budget a Budget draws held memory from.
type Pool = reader.Pool

// NewBudget returns the budget of one file under l, drawing held memory from
// pool (nil: none).
func NewBudget(l Limits, pool Pool) *Budget { return reader.NewBudget(l, pool) }

// DefaultVerifyContentMax is provscan's default for Options.VerifyContentMax:
// a camera still, a raw file or a short clip is always checked against its
// credential, a long master only with VerifyContent.
const DefaultVerifyContentMax = 256 << 20

// VerifiesContent reports whether Inspect checks the hard bindings of a file
// of the given size.
func (o Options) VerifiesContent(size int64) bool {
	return o.VerifyContent || (o.VerifyContentMax > 0 && size <= o.VerifyContentMax)
}

// ErrUnknownFormat is returned (wrapped) for files no container reader knows.
var ErrUnknownFormat = readerr.ErrUnknownFormat

// ErrLimit is wrapped by the errors of a reader stopped by a limit or budget.
var ErrLimit = readerr.ErrLimit

// ErrScanMemory appears in the errors of a reservation refused by the
// scan-wide memory Pool.
const ErrScanMemory = reader.ErrScanMemory

// IsUnknownFormat reports whether err says no reader knows the file.
func IsUnknownFormat(err error) bool { return errors.Is(err, readerr.ErrUnknownFormat) }

// Inspect reads the metadata of one file and returns what it says about the
// file's provenance. name is used in messages only. An error means the
// container could not be read at all; the returned Provenance then holds
// whatever was read before the failure. A reader that failed part-way after
// finding blocks keeps them, with the failure in Warnings.
func Inspect(r io.ReaderAt, size int64, name string, opts Options) (*Provenance, error) {
	p := &Provenance{Name: name}
	b := opts.Budget
	if b == nil {
		b = reader.NewBudget(opts.Limits, nil)
	}
	res, err := container.ReadBudget(r, size, b)
	if res != nil {
		p.Format = string(res.Format)
		p.Media = string(res.Media)
		p.Family = res.Family
		p.Blocks = res.Blocks
		p.Members = res.Members
		p.Skipped = res.Skipped
		p.Incomplete = res.Incomplete
		p.Warnings = append(p.Warnings, res.Warnings...)
	}
	if err != nil && (res == nil || len(res.Blocks) == 0) {
		return p, err
	}
	p.cut(readerr.Cuts(err)...)                      // noted or not: a limit is a cut as well as a warning
	if rest := container.Unnoted(err); rest != nil { // what the warnings do not already say
		p.Warnings = append(p.Warnings, rest.Error())
	}
	for _, blk := range p.Blocks {
		p.interpret(blk, 0)
	}
	// A sidecar's hard binding covers the asset it goes with, not itself.
	verify := opts.VerifiesContent(size) && p.Format != string(container.FormatC2PASidecar)
	copts := c2pa.Options{TrustAnchors: opts.TrustAnchors, Allowed: opts.AllowedSigners, VerifyContent: verify, Context: opts.Context}
	for _, st := range p.C2PA {
		c2pa.Validate(st.Store, copts, r, size)
		for _, m := range st.Manifests {
			for _, c := range m.Cuts {
				p.cut(fmt.Sprintf("%s at offset %d: manifest %s: %s", st.Container, st.Offset, m.Label, c))
			}
		}
	}
	if len(p.C2PA) > 0 {
		p.Store, p.Stores = &p.C2PA[0], p.C2PA[1:]
	}
	p.Evidence = p.weigh(genai.Detect(p.facts()), opts.TrustAnchors != nil || len(opts.AllowedSigners) > 0)
	return p, nil
}

// credentialCodes are the failure codes that speak of the signing
// credential's standing, not of the file: a certificate expired at signing
// time, one outside the C2PA certificate profile, a signer outside the trust
// list. A manifest whose signature validated and whose only failures are
// these was signed over this very content (and, when its hard binding was
// checked, the content still matches): it is untrusted, not tampered with.
var credentialCodes = map[string]bool{
	c2pa.CodeSigningCredentialExpired:   true,
	c2pa.CodeSigningCredentialInvalid:   true,
	c2pa.CodeSigningCredentialUntrusted: true,
}

// contentCodes are the success codes of a hard binding that matched.
var contentCodes = map[string]bool{
	c2pa.CodeAssertionDataHashMatch:  true,
	c2pa.CodeAssertionBMFFHashMatch:  true,
	c2pa.CodeAssertionBoxesHashMatch: true,
}

// weigh adds the outcome of C2PA validation to the evidence: claims of a
// manifest whose signer is trusted are verified, and a store that fails
// validation is evidence of its own, so that a tampered credential is never
// taken at face value. A manifest whose signature validated and that fails
// only on its credential's standing (expired, outside the certificate
// profile, or, when a trust list was given, untrusted) is UntrustedC2PA;
// any other failure (signature, hashes, structure) is InvalidC2PA.
func (p *Provenance) weigh(items []evidence.Item, trustList bool) []evidence.Item {
	for i := range items {
		it := &items[i]
		if it.Manifest == "" || it.Store < 0 || it.Store >= len(p.C2PA) || it.Kind == evidence.Prompt {
			continue
		}
		st := p.C2PA[it.Store]
		if st.ValidationState == c2pa.StateTrusted && manifestState(st.Store, it.Manifest) == c2pa.StateTrusted {
			it.Confidence = evidence.Verified
		}
	}
	for i, st := range p.C2PA {
		for _, m := range st.Manifests {
			kind := evidence.Kind("")
			switch {
			case st.ValidationState == c2pa.StateInvalid && m.ValidationState == c2pa.StateInvalid:
				kind = evidence.UntrustedC2PA
				if !slices.Contains(m.ValidationSuccess, c2pa.CodeClaimSignatureValidated) {
					kind = evidence.InvalidC2PA
				}
				for _, c := range m.ValidationStatus {
					if c2pa.IsFailure(c) && !credentialCodes[c] {
						kind = evidence.InvalidC2PA
					}
				}
			case trustList && m.ValidationState == c2pa.StateValid && slices.Contains(m.ValidationStatus, c2pa.CodeSigningCredentialUntrusted):
				kind = evidence.UntrustedC2PA
			default:
				continue
			}
			codes := m.ValidationStatus
			if kind == evidence.UntrustedC2PA {
				// Name the content check too: matched, or not made.
				codes = slices.Clone(codes)
				for _, c := range m.ValidationSuccess {
					if contentCodes[c] {
						codes = append(codes, c)
					}
				}
			}
			items = append(items, evidence.Item{
				Kind: kind, Container: st.Container, Offset: st.Offset, Store: i,
				Location: "manifest " + m.Label, Manifest: m.Label, Ingredient: m.Label != st.Active,
				Field: "validation_status", Value: evidence.Truncate(strings.Join(codes, ", ")),
				Confidence: evidence.Declared,
			})
		}
	}
	return items
}

func manifestState(s *c2pa.Store, label string) string {
	for _, m := range s.Manifests {
		if m.Label == label {
			return m.ValidationState
		}
	}
	return ""
}

// photoshopKinds are the Photoshop image resources interpret decodes, by
// resource ID, with the kind of block each holds.
var photoshopKinds = map[uint16]container.Kind{1028: container.KindIPTC, 1058: container.KindEXIF, 1060: container.KindXMP}

// interpret decodes one block with the interpreter of its kind. Photoshop
// resources nest XMP, EXIF and IPTC blocks; depth bounds that recursion.
func (p *Provenance) interpret(b container.Block, depth int) {
	switch b.Kind {
	case container.KindEXIF:
		fields, err := exif.Parse(b.Data)
		if err != nil {
			p.warn(b, err)
		}
		for _, f := range fields {
			p.EXIF = append(p.EXIF, EXIFField{Container: b.Container, Offset: b.Offset, Field: f})
		}
	case container.KindXMP:
		pk, err := xmp.Parse(b.Data)
		if err != nil {
			p.warn(b, err)
		}
		if pk == nil {
			return
		}
		for _, pr := range pk.Properties {
			p.XMP = append(p.XMP, XMPProperty{Container: b.Container, Offset: b.Offset, Property: pr})
		}
	case container.KindC2PA:
		st, err := c2pa.Parse(b.Data)
		if err != nil {
			p.warn(b, err)
		}
		if st != nil {
			p.C2PA = append(p.C2PA, C2PAStore{Container: b.Container, Offset: b.Offset, Store: st})
		}
	case container.KindIPTC:
		ds, err := iptc.ParseIIM(b.Data)
		if err != nil {
			p.warn(b, err)
		}
		for _, d := range ds {
			if d.Name != "" && d.Value != "" {
				p.IPTC = append(p.IPTC, TextEntry{Container: b.Container, Offset: b.Offset, Key: d.Name, Value: d.Value})
			}
		}
	case container.KindPhotoshop:
		if depth > 0 {
			return
		}
		rs, err := iptc.ParseResources(b.Data)
		if err != nil {
			p.warn(b, err)
		}
		for _, r := range rs {
			kind := photoshopKinds[r.ID]
			if kind == "" {
				continue
			}
			p.interpret(container.Block{Kind: kind, Container: fmt.Sprintf("%s > resource %d", b.Container, r.ID), Offset: b.Offset, Size: int64(len(r.Data)), Data: r.Data}, depth+1)
		}
	case container.KindText, container.KindComment:
		p.Text = append(p.Text, TextEntry{Container: b.Container, Offset: b.Offset, Key: b.Key, Value: string(b.Data), Tool: b.Tool})
	}
}

func (p *Provenance) warn(b container.Block, err error) {
	readerr.Warn(&p.Warnings, "%s at offset %d: %v", b.Container, b.Offset, err)
	for _, c := range readerr.Cuts(err) {
		p.cut(fmt.Sprintf("%s at offset %d: %s", b.Container, b.Offset, c))
	}
}

// cut records what a limit stopped, once each, within readerr.MaxWarnings.
func (p *Provenance) cut(reasons ...string) {
	for _, r := range reasons {
		if !slices.Contains(p.Incomplete, r) {
			readerr.Warn(&p.Incomplete, "%s", r)
		}
	}
}

// LooksLike names the format the first bytes of an unsupported file suggest
// ("MPEG-TS", "Radiance HDR", "text"), or "" (see container.LooksLike).
func LooksLike(head []byte) string { return container.LooksLike(head) }
