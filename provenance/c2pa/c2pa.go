// Package c2pa reads and validates C2PA manifest stores.
//
// Parse decodes a JUMBF manifest store (a KindC2PA block or a .c2pa
// sidecar): every manifest, its claim (v1 or v2), actions, ingredients,
// training-mining entries and IPTC source types. Validate then checks the
// store following the C2PA 2.x validation rules and fills each manifest's
// signer, signing time, validation state and status codes:
//
//	s, err := c2pa.Parse(block.Data)
//	c2pa.Validate(s, c2pa.Options{TrustAnchors: pool, VerifyContent: true}, file, size)
//
// Validate reads the asset only with Options.VerifyContent (the hard
// binding: data, BMFF and boxes hashes), streaming it through a bounded
// buffer; everything else works on the store's bytes alone.
package c2pa

import "time"

// Store is a decoded C2PA manifest store.
type Store struct {
	Manifests []*Manifest `json:"manifests"`
	// Active is the label of the active manifest: the last manifest of the store.
	Active string `json:"active_manifest"`
	// ValidationState is set by Validate: the active manifest's state, Invalid
	// when an ingredient manifest it relies on is Invalid.
	ValidationState string `json:"validation_state,omitempty"`
	// Warnings lists parts of the store that could not be decoded; the rest was read.
	Warnings []string `json:"warnings,omitempty"`

	root   *Box  // the manifest store superbox
	hashed int64 // bytes Validate hashed in memory (hashed URIs, ingredient manifests)
}

// GeneratorInfo is one entry of a claim's claim_generator_info.
type GeneratorInfo struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// Action is one entry of a c2pa.actions or c2pa.actions.v2 assertion.
type Action struct {
	Action            string `json:"action"`
	DigitalSourceType string `json:"digital_source_type,omitempty"` // from the action, or parameters."com.adobe.digitalSourceType"
	SoftwareAgent     string `json:"software_agent,omitempty"`      // a string, or the name of a generator-info map
	Description       string `json:"description,omitempty"`
	// Parameters holds the action's parameters flattened to strings (nested keys joined with '.').
	Parameters map[string]string `json:"parameters,omitempty"`
}

// Ingredient is one c2pa.ingredient assertion of a manifest.
type Ingredient struct {
	Title        string `json:"title,omitempty"`
	Format       string `json:"format,omitempty"`
	Relationship string `json:"relationship,omitempty"` // parentOf, componentOf, inputTo
	// Manifest is the label of the ingredient's own manifest in this store, if any.
	Manifest string `json:"manifest,omitempty"`
	// Label is the label of the ingredient assertion (c2pa.ingredient, c2pa.ingredient.v3__1, ...).
	Label string `json:"label,omitempty"`
	// InstanceID is the ingredient's xmpMM:InstanceID, when given.
	InstanceID string `json:"instance_id,omitempty"`
	// ValidationStatus holds the failure codes the claim generator recorded
	// for the ingredient's manifest when it took the ingredient in
	// (validationStatus of v1/v2, validationResults.activeManifest.failure of v3).
	ValidationStatus []string `json:"validation_status,omitempty"`

	manifestRef *hashedURI // the c2pa_manifest / activeManifest reference
	hasResults  bool       // a v3 validationResults map is present
}

// Manifest is one manifest of a store.
type Manifest struct {
	Label              string          `json:"label"`
	ClaimVersion       int             `json:"claim_version"` // 1 for c2pa.claim, 2 for c2pa.claim.v2
	ClaimGenerator     string          `json:"claim_generator,omitempty"`
	ClaimGeneratorInfo []GeneratorInfo `json:"claim_generator_info,omitempty"`
	Title              string          `json:"title,omitempty"`
	Format             string          `json:"format,omitempty"`
	Actions            []Action        `json:"actions,omitempty"`
	Ingredients        []Ingredient    `json:"ingredients,omitempty"`
	// Assertions lists the labels of the assertions in the manifest's assertion store.
	Assertions []string `json:"assertions,omitempty"`
	// TrainingMining holds the entries of c2pa/cawg training-mining assertions: key -> use ("allowed", "notAllowed", "constrained").
	TrainingMining map[string]string `json:"training_mining,omitempty"`
	// IPTCSourceTypes holds digital source types stated in stds.iptc assertions.
	IPTCSourceTypes []string `json:"iptc_source_types,omitempty"`
	// InstanceID is the claim's instanceID.
	InstanceID string `json:"instance_id,omitempty"`
	// Update is true for an update manifest (c2um).
	Update bool `json:"update,omitempty"`
	// GenerativeAI is true when the manifest carries a com.adobe.generative-ai assertion.
	GenerativeAI bool `json:"generative_ai,omitempty"`
	// Warnings lists parts of the manifest that could not be decoded.
	Warnings []string `json:"warnings,omitempty"`
	// Cuts lists what a limit left unread (assertions, hashed URIs,
	// actions past a count): the manifest was not fully inspected.
	Cuts []string `json:"cuts,omitempty"`

	// Set by Validate:
	Signer      *Signer    `json:"signer,omitempty"`       // the signing certificate's subject
	SigningTime *time.Time `json:"signing_time,omitempty"` // from the RFC 3161 time-stamp, when present
	// ValidationState is Valid, Invalid or Trusted.
	ValidationState string `json:"validation_state,omitempty"`
	// ValidationStatus lists the failure codes (and signingCredential.untrusted).
	ValidationStatus []string `json:"validation_status,omitempty"`
	// ValidationSuccess lists the success codes (claimSignature.validated ...).
	ValidationSuccess []string `json:"validation_success,omitempty"`
	// ValidationInformational lists codes that do not affect the state (timeStamp.malformed ...).
	ValidationInformational []string `json:"validation_informational,omitempty"`

	box        *Box   // the manifest superbox
	claimBox   *Box   // the claim superbox
	claimBytes []byte // the claim's CBOR, the detached payload of the signature
	claim      map[string]any
	refs       []hashedURI // the assertions the claim references
	sigBytes   []byte      // the COSE_Sign1 of c2pa.signature
	tstTrusted bool        // the signing time comes from a trusted TSA
	rawActions []map[string]any
}
