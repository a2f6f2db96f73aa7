package rules

// Table is the rule table, in the order `provscan rules` prints it. Each
// row carries the function that decides it from a file's evidence (nil: the
// scanner raises it itself).
var Table = []Rule{
	{GenAISourceType, High, PrincipleTemporary, "GenAI digital source type",
		"The file declares that it was created by generative AI: an IPTC digital source type such as trainedAlgorithmicMedia or compositeSynthetic, in XMP or in the active C2PA manifest, or in an ingredient's manifest that the active manifest reaches only through actions that add no content (c2pa.opened, converted, transcoded, repackaged, watermarked, published, edited.metadata, resized, orientation, cropped, or an edit that only added a watermark: the file is the generated ingredient, re-encoded). Generated material must stay temporary and not reach final deliverables; replace the file or record a written approval.", decideSourceType},
	{GenAIGenerator, High, PrincipleTemporary, "Known GenAI generator",
		"The file carries the signature of a known image, video or audio generator (Stable Diffusion UIs, ComfyUI, NovelAI, Firefly, DALL-E, ...). Replace the file or record a written approval.", decideGenerator},
	{GenAIEdit, High, PrincipleTemporary, "GenAI edit of captured material",
		"Captured material was edited with generative AI (compositeWithTrainedAlgorithmicMedia: inpainting, generative fill or expand). Replace the file or record a written approval.", decideEdit},
	{GenAIIngredient, High, PrincipleTemporary, "GenAI in an ingredient",
		"The active C2PA manifest declares no generative AI, but one of the file's ingredients does: generated material went into this file, as a component of a composite or through edits that may add other content (c2pa.edited, placed, drawing, filtered ...). Generated material is part of the deliverable however small its share: replace the ingredient, or record a written approval if it stays.", decideIngredient},
	{GenAILabel, High, PrincipleTemporary, "GenAI label",
		"The file carries a label that a generation service or a platform writes on generated content: the implicit label of the Chinese standard GB 45438-2025 (a JSON object under the key AIGC: MP4/MOV metadata keys or user data, ID3 TXXX:AIGC in MP3, AIFF and WAV, Vorbis comments, XMP TC260:AIGC, PNG text, EXIF UserComment) or TikTok's aigc_info flag. The finding's severity follows the label: high for generated content (GB 45438 Label 1, TikTok label types 1 and 2), medium for possibly generated (Label 2), low for suspected (Label 3); the message names the label and the producer code of the service when the label gives one. Replace the file or record a written approval.", decideLabel},
	{GenAIReview, Low, PrincipleTemporary, "Possibly generated: review",
		"A digital source type that may or may not involve generative AI (composite, virtualRecording). Review the file's history.", decideReview},
	{SyntheticPerformance, Critical, PrincipleTalent, "Synthetic performance",
		"A GenAI marker on audio or video: a generated voice, face or performance may replace talent. This needs the performer's consent and a written approval.", decideSyntheticPerformance},
	{PromptEmbedded, Medium, PrincipleInputs, "Prompt or workflow left in the file",
		"The file still carries a prompt, workflow graph, seed or model name. Production inputs must stay inside secured tools; strip the metadata before delivery.", decidePrompt},
	{ProvenanceInvalid, High, PrincipleTemporary, "C2PA manifest fails validation",
		"A C2PA manifest in the file does not validate: its signature, a hashed assertion or the content hash (the hard binding, checked for files up to --verify-content-max, every file with --verify-content) does not match, or the manifest or its credential is malformed or invalid. The file or its credential changed after signing, so its claims, including any that the file is not generated, cannot be taken at face value. Get the original file from its source, or record a written approval.", decideInvalid},
	{ProvenanceUntrusted, Low, PrincipleTemporary, "C2PA credential expired, invalid or untrusted",
		"A C2PA manifest whose signature (and, when checked, content hash) is intact, but whose signing certificate had expired at signing time (signingCredential.expired), falls outside the C2PA certificate profile (signingCredential.invalid) or, when --trust-anchors or --allowed-signers is given, does not chain to them (signingCredential.untrusted). The content is what was signed; only the signer's standing is in doubt, so the manifest's claims are declared, never verified. The finding names the status codes, and whether the content hash was checked.", decideUntrusted},
	{ProvenanceStripped, High, PrincipleTemporary, "C2PA manifest stripped",
		"The file refers to a C2PA manifest embedded in itself (XMP dcterms:provenance = self#jumbf=...), but no manifest is left in it: the content credential was removed after it was written, by a tool that kept the XMP. Whatever the credential said (whether the file was generated or edited with GenAI) can no longer be checked, and removing it is what laundering a generated file looks like, so it fails the default gate. Recover the original file with its credential, or record a written approval.", decideStripped},
	{ProvenanceRemoteOnly, Low, PrincipleTemporary, "Remote provenance only",
		"The file refers to a C2PA manifest stored elsewhere (an http or https URL), which cannot be judged offline. Fetch and check the manifest before delivery.", decideRemoteOnly},
	{TrainingMining, Info, PrincipleNoTraining, "Training and mining assertion",
		"A C2PA training-and-mining assertion states whether the content may be used to train AI models. Reported for the record.", decideTrainingMining},
	{SymlinkUnchecked, High, PrincipleTemporary, "Symbolic link to unchecked content",
		"A symbolic link in the delivery points outside every scanned root, or nowhere (a dangling or looping link). A handoff copied with its links resolved would carry content nobody checked; one copied as links would carry a broken reference. Replace the link with the file it names, inside the delivery, or remove it.", nil}, // raised by the scanner, not from evidence
	{Unreadable, Info, "", "Unreadable file",
		"The file could not be parsed, so its metadata was not checked. The reason is given; inspect the file by hand.", nil}, // raised by the scanner, not from evidence
}

// Rule IDs added by later issues.
const (
	GenAILabel           = "genai-label"
	SyntheticPerformance = "synthetic-performance"
	ProvenanceInvalid    = "provenance-invalid"
	ProvenanceStripped   = "provenance-stripped"
	ProvenanceUntrusted  = "provenance-untrusted"
)

// Lookup returns the rule with the given ID, or nil.
func Lookup(id string) *Rule {
	for i := range Table {
		if Table[i].ID == id {
			return &Table[i]
		}
	}
	return nil
}
