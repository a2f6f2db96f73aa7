package c2pa

// Validation states of a manifest or a store, as the C2PA SDK names them.
const (
	StateInvalid = "Invalid" // a failure: the credential must not be taken at face value
	StateValid   = "Valid"   // well-formed, every hash and the signature check out; signer not trusted
	StateTrusted = "Trusted" // Valid, and the signing credential chains to a trust anchor
)

// Validation status codes of the C2PA specification 2.x (section 15,
// "Validation"), the subset provscan emits.
const (
	CodeClaimSignatureValidated = "claimSignature.validated"
	CodeClaimSignatureMismatch  = "claimSignature.mismatch"
	CodeClaimSignatureMissing   = "claimSignature.missing"

	CodeSigningCredentialTrusted   = "signingCredential.trusted"
	CodeSigningCredentialUntrusted = "signingCredential.untrusted"
	CodeSigningCredentialInvalid   = "signingCredential.invalid"
	CodeSigningCredentialExpired   = "signingCredential.expired"

	CodeTimeStampValidated = "timeStamp.validated"
	CodeTimeStampTrusted   = "timeStamp.trusted"
	CodeTimeStampUntrusted = "timeStamp.untrusted"
	CodeTimeStampMismatch  = "timeStamp.mismatch"
	CodeTimeStampMalformed = "timeStamp.malformed"

	CodeAssertionHashedURIMatch    = "assertion.hashedURI.match"
	CodeAssertionHashedURIMismatch = "assertion.hashedURI.mismatch"
	CodeAssertionMissing           = "assertion.missing"
	CodeAssertionDataHashMatch     = "assertion.dataHash.match"
	CodeAssertionDataHashMismatch  = "assertion.dataHash.mismatch"
	CodeAssertionDataHashMalformed = "assertion.dataHash.malformed"
	CodeAssertionBMFFHashMatch     = "assertion.bmffHash.match"
	CodeAssertionBMFFHashMismatch  = "assertion.bmffHash.mismatch"
	CodeAssertionBMFFHashMalformed = "assertion.bmffHash.malformed"
	CodeAssertionBoxesHashMatch    = "assertion.boxesHash.match"
	CodeAssertionBoxesHashMismatch = "assertion.boxesHash.mismatch"
	CodeAssertionBoxesHashUnknown  = "assertion.boxesHash.unknownBox"
	CodeAssertionMultipleHard      = "assertion.multipleHardBindings"

	CodeClaimMalformed           = "claim.malformed"
	CodeClaimMissing             = "claim.missing"
	CodeClaimHardBindingsMissing = "claim.hardBindings.missing"
	CodeAlgorithmUnsupported     = "algorithm.unsupported"

	CodeIngredientManifestMissing  = "ingredient.manifest.missing"
	CodeIngredientManifestMismatch = "ingredient.manifest.mismatch"
	CodeIngredientManifestValid    = "ingredient.manifest.validated"

	CodeGeneralError = "general.error"
)

// successCodes are the codes that report a check passed.
var successCodes = map[string]bool{
	CodeClaimSignatureValidated:  true,
	CodeSigningCredentialTrusted: true,
	CodeTimeStampValidated:       true,
	CodeTimeStampTrusted:         true,
	CodeAssertionHashedURIMatch:  true,
	CodeAssertionDataHashMatch:   true,
	CodeAssertionBMFFHashMatch:   true,
	CodeAssertionBoxesHashMatch:  true,
	CodeIngredientManifestValid:  true,
}

// informationalCodes are reported but never make a manifest Invalid: a
// time-stamp that cannot be read only loses the signing time, and
// validity is then checked at the validation time instead.
var informationalCodes = map[string]bool{
	CodeTimeStampMalformed: true,
	CodeTimeStampMismatch:  true,
	CodeTimeStampUntrusted: true,
}

// IsFailure reports whether a status code makes a manifest Invalid.
// signingCredential.untrusted is reported but, as in the C2PA SDK, leaves a
// manifest Valid: trust is a policy of the reader, not a property of the
// credential (C2PA 2.x validation states "Valid" vs "Trusted").
func IsFailure(code string) bool {
	return !successCodes[code] && !informationalCodes[code] && code != CodeSigningCredentialUntrusted
}
