package genai

// Source names the metadata language a Fact came from.
type Source string

// The sources of facts.
const (
	EXIF Source = "exif" // an EXIF field; Field is the tag name (Software, UserComment ...)
	XMP  Source = "xmp"  // an XMP property; Field is "prefix:Name" with the canonical prefix (xmp:CreatorTool)
	Text Source = "text" // a key/value text entry; Field is the key (parameters, prompt, ©too ...)
	IPTC Source = "iptc" // an IPTC-IIM dataset; Field is its name (Credit, Caption-Abstract ...)
	C2PA Source = "c2pa" // a C2PA manifest fact; Field is one of the C2PA field names below
	// Tool is a value that names the software that wrote or processed the
	// file, whatever the container (MXF Identification ProductName, EXR
	// software, DPX creator, Matroska WritingApp, QuickTime ©too, ID3 TSSE,
	// RIFF ISFT, PDF Producer, XMP CreatorTool, IMF Creator ...); Field is
	// the field's name in its container. Only rows of Source Tool look at
	// tool facts: one row names a GenAI tool in every container.
	Tool Source = "tool"
)

// Field names of C2PA facts.
const (
	FieldClaimGenerator = "claim_generator"
	FieldGeneratorInfo  = "claim_generator_info.name"
	FieldAction         = "action"
	FieldSourceType     = "digitalSourceType"
	FieldSoftwareAgent  = "softwareAgent"
	FieldDescription    = "description"
	FieldParameter      = "parameters." // prefix: parameters.com.adobe.details
	FieldAssertion      = "assertion"   // an assertion label
	FieldTrainingMining = "training-mining."
	FieldIPTCSourceType = "stds.iptc.DigitalSourceType"
)

// Fact is one field value found in a file, with where it was found.
type Fact struct {
	Source    Source
	Container string // the block: "PNG tEXt", "JPEG APP1 Exif > ExifIFD"
	Offset    int64  // the block's offset in the file
	Location  string // inside the block: an XMP path, a manifest label and assertion
	Field     string
	Value     string
	// Manifest is the C2PA manifest label; Store identifies the manifest
	// store (facts of one store share it); Ingredient marks facts of a
	// manifest that is not the store's active one.
	Manifest   string
	Store      int
	Ingredient bool
	// Derived marks ingredient facts of a manifest that the active manifest
	// reaches only through actions that add no content (Via lists them,
	// comma-separated): the file is that ingredient, re-encoded.
	Derived bool
	Via     string
}
