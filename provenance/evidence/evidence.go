// Package evidence holds the typed evidence that interpreters extract from
// metadata and that rules turn into findings. It knows no bytes and no rules.
package evidence

// Kind says what an Item is evidence of.
type Kind string

// The kinds of evidence.
const (
	SourceType       Kind = "source-type"       // an IPTC/C2PA digital source type term
	Generator        Kind = "generator"         // a known generator's signature
	Prompt           Kind = "prompt"            // a prompt, workflow, seed or model name left in the file
	RemoteManifest   Kind = "remote-manifest"   // only an http(s) reference to a manifest stored elsewhere
	StrippedManifest Kind = "stripped-manifest" // a reference to an embedded manifest (self#jumbf=) that is not in the file
	TrainingMining   Kind = "training-mining"   // a C2PA/CAWG training-and-mining assertion
	InvalidC2PA      Kind = "c2pa-invalid"      // a C2PA manifest that failed validation: signature, hashes or structure
	UntrustedC2PA    Kind = "c2pa-untrusted"    // a C2PA manifest whose signature validated but whose credential is expired, invalid or untrusted
	// Performance is a technique that replaces or synthesises a
	// performance (face swap, lip sync, face reenactment, talking head,
	// voice clone, face identity transfer) named in the generation inputs
	// left in the file; Term is the technique, Generator the tool.
	Performance Kind = "performance"
)

// Class grades how strongly a source type term speaks of generative AI.
type Class string

// The classes of digital source type terms (CATALOGUE.md section 1).
const (
	ClassNone   Class = ""       // capture, human work, non-generative algorithms
	ClassGenAI  Class = "genai"  // created by generative AI
	ClassEdit   Class = "edit"   // captured material edited with generative AI
	ClassReview Class = "review" // may or may not involve generative AI (composite, virtualRecording)
)

// Confidence values of a finding.
const (
	Verified = "verified" // a signed credential that validated
	Declared = "declared" // the file states it (a source type, a generator name in a software field)
	Inferred = "inferred" // a pattern typical of a generator (parameters text, workflow JSON)
)

// Item is one piece of evidence found in a file.
type Item struct {
	Kind       Kind   `json:"kind"`
	Class      Class  `json:"class,omitempty"`
	Generator  string `json:"generator,omitempty"`  // the generator family, when known
	Container  string `json:"container"`            // the block it came from: "JPEG APP1 Exif > ExifIFD"
	Location   string `json:"location,omitempty"`   // where inside the block: a manifest label and assertion, an XMP path
	Offset     int64  `json:"offset"`               // byte offset of the block in the file
	Field      string `json:"field"`                // the field or key: "UserComment", "parameters", "digitalSourceType"
	Value      string `json:"value"`                // the value, truncated
	Term       string `json:"term,omitempty"`       // a source type's vocabulary term (trainedAlgorithmicMedia)
	Manifest   string `json:"manifest,omitempty"`   // the C2PA manifest label, for C2PA evidence
	Ingredient bool   `json:"ingredient,omitempty"` // found only in a manifest that is not the active one
	// Derived marks ingredient evidence of a manifest that the active
	// manifest reaches only through actions that add no content (opened,
	// transcoded, ...; Via lists them): what it says of that ingredient, it
	// says of the file.
	Derived    bool   `json:"derived,omitempty"`
	Via        string `json:"via,omitempty"`
	Store      int    `json:"-"` // index of the C2PA manifest store, for C2PA evidence
	Confidence string `json:"confidence"`
}

// MaxValue is the longest value an Item carries; longer values are cut with an ellipsis.
const MaxValue = 240

// Truncate shortens s to MaxValue runes.
func Truncate(s string) string {
	n := 0
	for i := range s {
		if n == MaxValue {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
