package genai

import (
	"regexp"

	"github.com/provscan/provscan/provenance/evidence"
)

// Signature is one row of the generator catalogue: a field value (or a key's
// mere presence) that a known generator writes.
type Signature struct {
	ID        string         // stable row id
	Generator string         // the generator named in findings; its first word(s) name the family
	Source    Source         // where to look; "" means any source but C2PA and Tool
	Fields    []string       // field names, compared case-insensitively; nil means any field
	Value     *regexp.Regexp // nil means the field's presence is enough
	// Literals is a cheap prefilter: when set, the value must contain one of
	// these strings before Value is tried.
	Literals []string
	// A1111 rows match only an AUTOMATIC1111-style parameters text (a prompt,
	// then a "Steps: N, Sampler: ..." settings line); Value then tells the
	// fork apart. The test is made once per fact, whatever the number of rows.
	A1111 bool
	// Prompt marks fields that carry generation inputs (prompt, workflow, seed, model).
	Prompt bool
	// Attribution rows name the generator of GenAI source types declared in
	// the same manifest store, and make no finding of their own (a signing
	// library shared by GenAI and camera products, for example).
	Attribution bool
	// Refines names the generator families this row's generator is a more
	// specific name of (a fork, a front end driving it as a back end, a
	// model of that vendor): when both are found in one file, Detect names
	// every item of the broader family after this row's generator, so the
	// file gets one generator finding with the most specific name.
	Refines []string
	// Named rows take the generator's name from the value (IPTC 2025.1 AI
	// System Used): a GenAI tool the value names is reported as that tool's
	// family; any other value is reported as itself. Generator is the name
	// of the row in the catalogue only.
	Named bool
	// PromptOnly rows find generation inputs and name no generator: they
	// make prompt evidence only (IPTC 2025.1 AI Prompt Information).
	PromptOnly bool
	Confidence string
	Example    Fact // a fact the row must match (tested)
}

func re(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// comfyGraph matches a ComfyUI API prompt graph or UI workflow graph.
const comfyGraph = `(?s)"class_type"\s*:|"last_node_id"\s*:`

// comfyGraphStart matches the opening of a ComfyUI API prompt graph, {"3":
// {"inputs": ..., at the start of the value or of a "prompt" member holding
// it as an escaped string.
const comfyGraphStart = `^\s*\{\s*(?:"prompt"\s*:\s*"\{\s*)?\\?"\d+\\?"\s*:\s*\{\s*\\?"inputs\\?"\s*:`

// Catalogue is the generator catalogue, most specific rows first: for each
// fact the first matching row wins. See CATALOGUE.md in the shared corpus.
var Catalogue = []Signature{
	// --- Stable Diffusion UIs: parameters text (A1111 family) ---
	{ID: "forge-parameters", Literals: []string{"Version: f", "Version: classic", "Version: neo"}, Generator: "Forge", Refines: []string{"AUTOMATIC1111"}, A1111: true, Value: re(`\bVersion: (?:f\d|classic|neo)`), Prompt: true, Confidence: evidence.Inferred,
		Example: Fact{Source: Text, Field: "parameters", Value: "a cat\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Version: f2.0.1v1.10.1-previous"}},
	{ID: "sdnext-parameters", Literals: []string{"App: SD.Next"}, Generator: "SD.Next", Refines: []string{"AUTOMATIC1111"}, A1111: true, Value: re(`\bApp: SD\.Next`), Prompt: true, Confidence: evidence.Inferred,
		Example: Fact{Source: Text, Field: "parameters", Value: "a cat\nSteps: 20, Size: 512x512, Sampler: DDIM, App: SD.Next, Version: 56a8aea"}},
	{ID: "comfyui-a1111-parameters", Literals: []string{"Version: ComfyUI"}, Generator: "ComfyUI", A1111: true, Value: re(`\bVersion: ComfyUI`), Prompt: true, Confidence: evidence.Inferred,
		Example: Fact{Source: EXIF, Field: "UserComment", Value: "a cat\nNegative prompt: x\nSteps: 20, Sampler: euler, CFG Scale: 8.0, Version: ComfyUI"}},
	{ID: "civitai-parameters", Literals: []string{"Civitai resources: ", "Civitai metadata: "}, Generator: "Civitai", Refines: []string{"AUTOMATIC1111", "ComfyUI"}, A1111: true, Value: re(`\bCivitai (?:resources|metadata): `), Prompt: true, Confidence: evidence.Inferred,
		Example: Fact{Source: EXIF, Field: "UserComment", Value: "a cat\nSteps: 25, Sampler: Euler a, CFG scale: 5, Civitai resources: [{\"type\":\"checkpoint\"}]"}},
	{ID: "fooocus-a1111-parameters", Literals: []string{"Version: Fooocus"}, Generator: "Fooocus", A1111: true, Value: re(`\bVersion: Fooocus`), Prompt: true, Confidence: evidence.Inferred,
		Example: Fact{Source: Text, Field: "parameters", Value: "a cat\nSteps: 30, Sampler: dpmpp_2m_sde_gpu, Seed: 5, Version: Fooocus v2.5.5"}},
	{ID: "easydiffusion-json", Literals: []string{"use_stable_diffusion_model"}, Generator: "Easy Diffusion", Value: re(`"use_stable_diffusion_model"\s*:`), Prompt: true, Confidence: evidence.Inferred,
		Example: Fact{Source: EXIF, Field: "UserComment", Value: `{"prompt": "a cat", "use_stable_diffusion_model": "sd-v1-4"}`}},
	{ID: "easydiffusion-text", Generator: "Easy Diffusion", Source: Text, Fields: []string{"use_stable_diffusion_model", "Stable Diffusion model"}, Prompt: true, Confidence: evidence.Inferred,
		Example: Fact{Source: Text, Field: "use_stable_diffusion_model", Value: "sd-v1-4"}},
	{ID: "swarmui-params", Literals: []string{"sui_image_params"}, Generator: "SwarmUI", Refines: []string{"ComfyUI"}, Value: re(`"sui_image_params"\s*:`), Prompt: true, Confidence: evidence.Inferred,
		Example: Fact{Source: Text, Field: "parameters", Value: `{"sui_image_params": {"prompt": "a cat"}}`}},
	{ID: "ruinedfooocus-json", Literals: []string{"RuinedFooocus"}, Generator: "RuinedFooocus", Value: re(`"software"\s*:\s*"RuinedFooocus`), Prompt: true, Confidence: evidence.Declared,
		Example: Fact{Source: Text, Field: "parameters", Value: `{"Prompt": "a cat", "software": "RuinedFooocus 1.60"}`}},
	{ID: "fooocus-scheme", Generator: "Fooocus", Source: Text, Fields: []string{"fooocus_scheme"}, Confidence: evidence.Declared,
		Example: Fact{Source: Text, Field: "fooocus_scheme", Value: "fooocus"}},
	{ID: "fooocus-json", Literals: []string{"Fooocus", "full_negative_prompt"}, Generator: "Fooocus", Value: re(`"(?:version|Version)"\s*:\s*"Fooocus|"full_negative_prompt"\s*:`), Prompt: true, Confidence: evidence.Inferred,
		Example: Fact{Source: Text, Field: "parameters", Value: `{"base_model": "juggernautXL", "full_negative_prompt": ["ugly"], "version": "Fooocus v2.5.5"}`}},
	{ID: "fooocus-software", Generator: "Fooocus", Source: EXIF, Fields: []string{"Software"}, Value: re(`^Fooocus\b`), Confidence: evidence.Declared,
		Example: Fact{Source: EXIF, Field: "Software", Value: "Fooocus v2.5.5"}},
	{ID: "stabilitymatrix-project", Generator: "Stability Matrix", Refines: []string{"ComfyUI", "AUTOMATIC1111"}, Source: Text, Fields: []string{"smproj", "parameters-json"}, Prompt: true, Confidence: evidence.Declared,
		Example: Fact{Source: Text, Field: "smproj", Value: `{"Version":2,"ProjectType":"TextToImage"}`}},
	{ID: "tensorart-generation-data", Generator: "TensorArt", Refines: []string{"ComfyUI"}, Source: Text, Fields: []string{"generation_data"}, Prompt: true, Confidence: evidence.Declared,
		Example: Fact{Source: Text, Field: "generation_data", Value: `{"prompt":"a cat","negativePrompt":"x"}`}},
	{ID: "tensorart-comfy-node", Literals: []string{"ECHOCheckpointLoaderSimple"}, Generator: "TensorArt", Value: re(`"class_type"\s*:\s*"ECHOCheckpointLoaderSimple"`), Prompt: true, Confidence: evidence.Inferred,
		Example: Fact{Source: Text, Field: "prompt", Value: `{"10002": {"class_type": "ECHOCheckpointLoaderSimple"}}`}},
	{ID: "invokeai-metadata", Generator: "InvokeAI", Source: Text, Fields: []string{"invokeai_metadata", "invokeai_graph", "invokeai_workflow"}, Prompt: true, Confidence: evidence.Declared,
		Example: Fact{Source: Text, Field: "invokeai_metadata", Value: `{"generation_mode":"sdxl_txt2img","positive_prompt":"a cat"}`}},
	{ID: "invokeai-sd-metadata", Generator: "InvokeAI", Source: Text, Fields: []string{"sd-metadata"}, Prompt: true, Confidence: evidence.Declared,
		Example: Fact{Source: Text, Field: "sd-metadata", Value: `{"model": "stable diffusion", "app_id": "invoke-ai/InvokeAI"}`}},
	{ID: "invokeai-dream", Generator: "InvokeAI", Source: Text, Fields: []string{"Dream"}, Prompt: true, Confidence: evidence.Inferred,
		Example: Fact{Source: Text, Field: "Dream", Value: `"a cat" -s 50 -S 42 -W 512 -H 512 -C 7.5 -A k_lms`}},
	{ID: "novelai-software", Generator: "NovelAI", Fields: []string{"Software"}, Value: re(`^NovelAI\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Text, Field: "Software", Value: "NovelAI"}},
	{ID: "novelai-source", Generator: "NovelAI", Fields: []string{"Source"}, Value: re(`^(?:Stable Diffusion|NovelAI Diffusion)\b.*\b[0-9A-F]{8}$`), Confidence: evidence.Declared,
		Example: Fact{Source: Text, Field: "Source", Value: "NovelAI Diffusion V4.5 4BDE2A90"}},
	{ID: "novelai-title", Generator: "NovelAI", Fields: []string{"Title", "DocumentName"}, Value: re(`^(?:NovelAI generated image|AI generated image)$`), Confidence: evidence.Declared,
		Example: Fact{Source: EXIF, Field: "DocumentName", Value: "NovelAI generated image"}},
	{ID: "novelai-comment", Literals: []string{"uc", "v4_prompt", "noise_schedule", "signed_hash"}, Generator: "NovelAI", Source: Text, Fields: []string{"Comment"}, Value: re(`"(?:uc|v4_prompt|noise_schedule|signed_hash)"\s*:`), Prompt: true, Confidence: evidence.Inferred,
		Example: Fact{Source: Text, Field: "Comment", Value: `{"prompt": "a cat", "steps": 28, "uc": "lowres", "noise_schedule": "karras"}`}},
	{ID: "civitai-air-urn", Literals: []string{"civitai:", "extraMetadata"}, Generator: "Civitai", Value: re(`urn:air:[a-z0-9]+:[a-z]+:civitai:|"extraMetadata"\s*:`), Prompt: true, Confidence: evidence.Inferred,
		Example: Fact{Source: EXIF, Field: "UserComment", Value: `{"resource-stack":{"inputs":{"ckpt_name":"urn:air:sdxl:checkpoint:civitai:288584@324619"}}}`}},
	{ID: "aihorde-software", Generator: "AI Horde", Source: EXIF, Fields: []string{"Software"}, Value: re(`^(?:ArtBot|Stable UI)\b.*AI Horde`), Confidence: evidence.Declared,
		Example: Fact{Source: EXIF, Field: "Software", Value: "ArtBot - Create images with Stable Diffusion, utilizing the AI Horde"}},
	{ID: "flux-software", Generator: "FLUX (Black Forest Labs)", Source: EXIF, Fields: []string{"Software"}, Value: re(`^AI generated;(?:txt2img|img2img);flux`), Confidence: evidence.Declared,
		Example: Fact{Source: EXIF, Field: "Software", Value: "AI generated;txt2img;flux"}},
	{ID: "flux-make", Generator: "FLUX (Black Forest Labs)", Source: EXIF, Fields: []string{"Make"}, Value: re(`^Black Forest Labs$`), Confidence: evidence.Declared,
		Example: Fact{Source: EXIF, Field: "Make", Value: "Black Forest Labs"}},
	{ID: "midjourney-description", Literals: []string{"Job ID: "}, Generator: "Midjourney", Fields: []string{"Description", "dc:description"}, Value: re(`(?s)--(?:v|ar|stylize|chaos) .*Job ID: [0-9a-f-]{36}|Job ID: [0-9a-f]{8}-[0-9a-f]{4}-`), Prompt: true, Confidence: evidence.Inferred,
		Example: Fact{Source: Text, Field: "Description", Value: "a cat --ar 16:9 --v 6.1 Job ID: 1b2c3d4e-0000-4000-8000-123456789abc"}},
	{ID: "drawthings-creatortool", Generator: "Draw Things", Source: XMP, Fields: []string{"xmp:CreatorTool", "stEvt:softwareAgent"}, Value: re(`^Draw Things`), Confidence: evidence.Declared,
		Example: Fact{Source: XMP, Field: "xmp:CreatorTool", Value: "Draw Things"}},
	{ID: "drawthings-usercomment", Literals: []string{"sampler"}, Generator: "Draw Things", Source: XMP, Fields: []string{"exif:UserComment"}, Value: re(`"c"\s*:.*"sampler"\s*:`), Prompt: true, Confidence: evidence.Inferred,
		Example: Fact{Source: XMP, Field: "exif:UserComment", Value: `{"c": "a cat", "uc": "", "model": "sd_xl", "sampler": "DPM++ 2M Karras", "seed": 1}`}},
	// ComfyUI after its specialised forks (TensorArt, Stability Matrix, SwarmUI use it as a back end).
	{ID: "comfyui-exif-prefixed", Generator: "ComfyUI", Source: EXIF, Fields: []string{"Make", "Model", "ImageDescription", "Software", "DocumentName", "UserComment"}, Value: re(`^(?i:prompt|workflow):\s*\{`), Prompt: true, Confidence: evidence.Inferred,
		Example: Fact{Source: EXIF, Field: "Model", Value: `prompt:{"1": {"inputs": {}, "class_type": "SaveAnimatedWEBP"}}`}},
	{ID: "comfyui-graph", Literals: []string{"class_type", "last_node_id"}, Generator: "ComfyUI", Value: re(comfyGraph), Prompt: true, Confidence: evidence.Inferred,
		Example: Fact{Source: Text, Field: "prompt", Value: `{"3": {"inputs": {"seed": 1}, "class_type": "KSampler"}}`}},
	// A prompt graph cut short (a QuickTime or ID3 comment field truncated by
	// an editor, often at 255 bytes) may end before any "class_type": its
	// opening, a numbered node with its "inputs", plain or escaped inside a
	// {"prompt": "..."} comment, still names ComfyUI's API format.
	{ID: "comfyui-graph-cut-short", Literals: []string{"inputs"}, Generator: "ComfyUI", Value: re(comfyGraphStart), Prompt: true, Confidence: evidence.Inferred,
		Example: Fact{Source: Text, Field: "©cmt", Value: `{"prompt": "{\"1\": {\"inputs\": {\"save_mode\": true, \"width\": 8`}},
	{ID: "comfyui-apng-chunk", Generator: "ComfyUI", Source: Text, Fields: []string{"workflow"}, Value: re(`"nodes"\s*:`), Prompt: true, Confidence: evidence.Inferred,
		Example: Fact{Source: Text, Field: "workflow", Value: `{"nodes": [], "links": []}`}},
	{ID: "hfspace-json-parameters", Literals: []string{"\"prompt\""}, Generator: "Hugging Face Space", Source: Text, Fields: []string{"parameters"}, Value: re(`(?s)^\s*\{.*"prompt"\s*:.*"(?:resolution|num_inference_steps|guidance_scale)"\s*:`), Prompt: true, Confidence: evidence.Inferred,
		Example: Fact{Source: Text, Field: "parameters", Value: `{"prompt": "a cat", "negative_prompt": "", "resolution": "1024 x 1024", "guidance_scale": 5.5}`}},
	{ID: "a1111-config-json", Literals: []string{"sd_model_checkpoint"}, Generator: "AUTOMATIC1111", Source: Text, Fields: []string{"json"}, Value: re(`(?s)"sd_model_checkpoint"\s*:.*"outdir_(?:txt2img|img2img)_samples"\s*:|(?s)"outdir_(?:txt2img|img2img)_samples"\s*:.*"sd_model_checkpoint"\s*:`), Confidence: evidence.Inferred,
		Example: Fact{Source: Text, Field: "json", Value: `{"samples_save": true, "outdir_txt2img_samples": "outputs/txt2img-images", "sd_model_checkpoint": "sd_xl_base_1.0.safetensors [31e35c80fc]"}`}},
	{ID: "a1111-parameters", Generator: "AUTOMATIC1111", A1111: true, Prompt: true, Confidence: evidence.Inferred,
		Example: Fact{Source: Text, Field: "parameters", Value: "photo of a duck\nNegative prompt: monochrome\nSteps: 15, Sampler: UniPC, CFG scale: 5, Seed: 235284042, Size: 512x400"}},

	// --- XMP and IPTC credit lines ---
	{ID: "google-credit", Generator: "Google", Fields: []string{"photoshop:Credit", "Credit"}, Value: re(`^(?:Made|Edited) with Google AI`), Confidence: evidence.Declared,
		Example: Fact{Source: XMP, Field: "photoshop:Credit", Value: "Made with Google AI"}},
	{ID: "apple-cleanup-credit", Generator: "Apple Photos Clean Up", Fields: []string{"photoshop:Credit", "Credit"}, Value: re(`^Apple Photos Clean Up`), Confidence: evidence.Declared,
		Example: Fact{Source: XMP, Field: "photoshop:Credit", Value: "Apple Photos Clean Up"}},
	{ID: "meta-ai-credit", Generator: "Meta AI", Fields: []string{"photoshop:Credit", "Credit", "xmp:CreatorTool"}, Value: re(`^(?:Imagined with AI|Meta AI)`), Confidence: evidence.Declared,
		Example: Fact{Source: XMP, Field: "photoshop:Credit", Value: "Meta AI"}},

	// --- IPTC Photo Metadata 2025.1: the AI system that generated the
	// image, its version, and the prompt (with its writer) left in the file.
	// Source: IPTC Photo Metadata Standard 2025.1, "AI Generation" properties. ---
	{ID: "iptc-ai-system-used", Generator: "AI system (IPTC)", Source: XMP, Fields: []string{"Iptc4xmpExt:AISystemUsed"}, Named: true, Confidence: evidence.Declared,
		Example: Fact{Source: XMP, Field: "Iptc4xmpExt:AISystemUsed", Value: "Midjourney"}},
	{ID: "iptc-ai-system-version", Generator: "AI system (IPTC)", Source: XMP, Fields: []string{"Iptc4xmpExt:AISystemVersionUsed"}, Named: true, Confidence: evidence.Declared,
		Example: Fact{Source: XMP, Field: "Iptc4xmpExt:AISystemVersionUsed", Value: "v7"}},
	{ID: "iptc-ai-prompt", Generator: "AI prompt (IPTC)", Source: XMP, Fields: []string{"Iptc4xmpExt:AIPromptInformation", "Iptc4xmpExt:AIPromptWriterName"}, PromptOnly: true, Prompt: true, Confidence: evidence.Declared,
		Example: Fact{Source: XMP, Field: "Iptc4xmpExt:AIPromptInformation", Value: "a lighthouse at dusk, volumetric fog"}},

	// --- C2PA claim generators and software agents ---
	{ID: "openai-sora", Generator: "OpenAI Sora", Refines: []string{"OpenAI"}, Source: C2PA, Fields: []string{FieldClaimGenerator, FieldGeneratorInfo, FieldSoftwareAgent}, Value: re(`^Sora\b`), Confidence: evidence.Declared,
		Example: Fact{Source: C2PA, Field: FieldGeneratorInfo, Value: "Sora"}},
	{ID: "openai-dalle", Generator: "OpenAI DALL-E", Refines: []string{"OpenAI"}, Source: C2PA, Fields: []string{FieldSoftwareAgent}, Value: re(`^DALL[·\-. ]?E`), Confidence: evidence.Declared,
		Example: Fact{Source: C2PA, Field: FieldSoftwareAgent, Value: "DALL·E"}},
	{ID: "openai-gpt-image", Generator: "OpenAI GPT image", Refines: []string{"OpenAI"}, Source: C2PA, Fields: []string{FieldSoftwareAgent}, Value: re(`^(?:GPT-4o|gpt-image)`), Confidence: evidence.Declared,
		Example: Fact{Source: C2PA, Field: FieldSoftwareAgent, Value: "GPT-4o"}},
	{ID: "openai-claim-generator", Generator: "OpenAI", Source: C2PA, Fields: []string{FieldClaimGenerator, FieldGeneratorInfo}, Value: re(`^(?:ChatGPT|OpenAI)\b`), Confidence: evidence.Declared,
		Example: Fact{Source: C2PA, Field: FieldClaimGenerator, Value: "ChatGPT c2pa-rs/0.28.4"}},
	{ID: "adobe-firefly", Generator: "Adobe Firefly", Source: C2PA, Fields: []string{FieldClaimGenerator, FieldGeneratorInfo, FieldSoftwareAgent}, Value: re(`^Adobe[_ ]Firefly`), Confidence: evidence.Declared,
		Example: Fact{Source: C2PA, Field: FieldSoftwareAgent, Value: "Adobe Firefly"}},
	{ID: "adobe-generative-ai-assertion", Generator: "Adobe Firefly", Source: C2PA, Fields: []string{FieldAssertion}, Value: re(`^com\.adobe\.generative-ai$`), Confidence: evidence.Declared,
		Example: Fact{Source: C2PA, Field: FieldAssertion, Value: "com.adobe.generative-ai"}},
	{ID: "adobe-third-party-model", Generator: "Adobe partner model", Refines: []string{"Adobe Firefly"}, Source: C2PA, Fields: []string{FieldParameter + "com.adobe.type"}, Value: re(`^remoteProvider\.3rdParty$`), Confidence: evidence.Declared,
		Example: Fact{Source: C2PA, Field: FieldParameter + "com.adobe.type", Value: "remoteProvider.3rdParty"}},
	{ID: "microsoft-responsible-ai", Generator: "Microsoft Designer", Source: C2PA, Fields: []string{FieldClaimGenerator, FieldGeneratorInfo}, Value: re(`^Microsoft[_ ]Responsible[_ ]AI`), Confidence: evidence.Declared,
		Example: Fact{Source: C2PA, Field: FieldClaimGenerator, Value: "Microsoft_Responsible_AI/1.0"}},
	{ID: "microsoft-image-creator", Generator: "Microsoft Designer", Source: C2PA, Fields: []string{FieldSoftwareAgent}, Value: re(`^(?:Bing Image Creator|Image Creator from Designer|Microsoft Designer)`), Confidence: evidence.Declared,
		Example: Fact{Source: C2PA, Field: FieldSoftwareAgent, Value: "Bing Image Creator"}},
	{ID: "google-generative-ai-action", Generator: "Google", Source: C2PA, Fields: []string{FieldDescription}, Value: re(`^Created by Google Generative AI`), Confidence: evidence.Declared,
		Example: Fact{Source: C2PA, Field: FieldDescription, Value: "Created by Google Generative AI."}},
	{ID: "google-c2pa-library", Generator: "Google", Source: C2PA, Fields: []string{FieldGeneratorInfo, FieldClaimGenerator}, Value: re(`^Google C2PA`), Attribution: true, Confidence: evidence.Declared,
		Example: Fact{Source: C2PA, Field: FieldGeneratorInfo, Value: "Google C2PA Core Generator Library"}},
	{ID: "suno-comment", Generator: "Suno", Value: re(`(?i)^made with suno\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Text, Field: "COMM", Value: "made with suno; created=2025-11-02T10:11:12.000Z; id=2f1c3a4b-5d6e-4f70-8a9b-0c1d2e3f4a5b"}},
	{ID: "suno-song-url", Literals: []string{"suno."}, Generator: "Suno", Value: re(`^https?://(?:www\.|app\.)?suno\.(?:com|ai)/song/[0-9a-f]{8}-[0-9a-f]{4}-`), Confidence: evidence.Declared,
		Example: Fact{Source: Text, Field: "WOAS", Value: "https://suno.com/song/2f1c3a4b-5d6e-4f70-8a9b-0c1d2e3f4a5b"}},
	{ID: "dreamina-aigc-info", Literals: []string{"source_info"}, Generator: "ByteDance Dreamina", Value: re(`"aigc_info"\s*:\s*\{[^}]*"source_info"\s*:\s*"(?i:dreamina|jimeng)`), Confidence: evidence.Declared,
		Example: Fact{Source: EXIF, Field: "UserComment", Value: `{"aigc_info":{"source_info":"dreamina"},"trace_info":{"originItemId":"7512345678901234567"}}`}},
	{ID: "runway-c2pa", Generator: "Runway", Source: C2PA, Fields: []string{FieldClaimGenerator, FieldGeneratorInfo, FieldSoftwareAgent}, Value: re(`^Runway(?: AI, Inc\.|ML)?\b`), Confidence: evidence.Declared,
		Example: Fact{Source: C2PA, Field: FieldClaimGenerator, Value: "Runway AI, Inc./1.0 c2pa-rs/0.28.4"}},
	{ID: "seedance-modelark", Generator: "ByteDance Seedance", Source: C2PA, Fields: []string{FieldSoftwareAgent, FieldParameter + "model_name"}, Value: re(`^BytePlus[_ ]ModelArk\b|^(?:dreamina-)?seedance\b`), Confidence: evidence.Declared,
		Example: Fact{Source: C2PA, Field: FieldSoftwareAgent, Value: "BytePlus_ModelArk"}},
	{ID: "amazon-titan", Generator: "Amazon Titan", Source: C2PA, Fields: []string{FieldClaimGenerator, FieldGeneratorInfo, FieldSoftwareAgent}, Value: re(`(?i)^Amazon[ _]?(?:Titan|Nova)`), Confidence: evidence.Declared,
		Example: Fact{Source: C2PA, Field: FieldSoftwareAgent, Value: "Amazon Titan Image Generator"}},
	{ID: "meta-ai-c2pa", Generator: "Meta AI", Source: C2PA, Fields: []string{FieldClaimGenerator, FieldGeneratorInfo, FieldSoftwareAgent}, Value: re(`^Meta AI\b`), Confidence: evidence.Declared,
		Example: Fact{Source: C2PA, Field: FieldSoftwareAgent, Value: "Meta AI"}},
	// --- Tool names: a value naming the software that wrote or processed the
	// file, in whatever container (MXF ProductName, EXR software, DPX creator,
	// Matroska WritingApp, ©too, TSSE, ISFT, PDF Producer, xmp:CreatorTool ...).
	// Anchored on the product's own name: finishing tools raise nothing. ---
	{ID: "tool-comfyui", Generator: "ComfyUI", Source: Tool, Value: re(`(?i)^ComfyUI\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "software", Value: "ComfyUI 0.3.40"}},
	{ID: "tool-automatic1111", Generator: "AUTOMATIC1111", Source: Tool, Value: re(`(?i)^(?:AUTOMATIC1111|stable-diffusion-webui)\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "Identification ProductName", Value: "AUTOMATIC1111 stable-diffusion-webui v1.10.1"}},
	{ID: "tool-stable-diffusion", Generator: "Stable Diffusion", Source: Tool, Value: re(`(?i)^(?:Stability AI |Stable )(?:Diffusion|Video Diffusion|Audio)\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "creator", Value: "Stable Diffusion XL"}},
	{ID: "tool-invokeai", Generator: "InvokeAI", Source: Tool, Value: re(`(?i)^InvokeAI\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "WritingApp", Value: "InvokeAI 5.6"}},
	{ID: "tool-fooocus", Generator: "Fooocus", Source: Tool, Value: re(`^Fooocus\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "software", Value: "Fooocus v2.5.5"}},
	{ID: "tool-midjourney", Generator: "Midjourney", Source: Tool, Value: re(`(?i)^Midjourney\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "Creator", Value: "Midjourney"}},
	{ID: "tool-dalle", Generator: "OpenAI DALL-E", Refines: []string{"OpenAI"}, Source: Tool, Value: re(`^DALL[·\-. ]?E\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "Identification ProductName", Value: "DALL-E 3"}},
	{ID: "tool-sora", Generator: "OpenAI Sora", Refines: []string{"OpenAI"}, Source: Tool, Value: re(`^(?:OpenAI )?Sora\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "©too", Value: "Sora"}},
	{ID: "tool-firefly", Generator: "Adobe Firefly", Source: Tool, Value: re(`^Adobe[_ ]Firefly\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "xmp:CreatorTool", Value: "Adobe Firefly Video Model"}},
	{ID: "tool-runway", Generator: "Runway", Source: Tool, Value: re(`(?i)^Runway(?:ML)?\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "Identification ProductName", Value: "Runway Gen-4"}},
	{ID: "tool-veo", Generator: "Google Veo", Refines: []string{"Google"}, Source: Tool, Value: re(`(?i)^(?:Google )?Veo ?\d|^Google Flow\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "Identification ProductName", Value: "Veo 3"}},
	{ID: "tool-kling", Generator: "Kling", Source: Tool, Value: re(`(?i)^Kling(?: ?AI)?\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "WritingApp", Value: "Kling AI 2.1"}},
	{ID: "tool-pika", Generator: "Pika", Source: Tool, Value: re(`(?i)^Pika(?: Labs)?\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "software", Value: "Pika 2.2"}},
	{ID: "tool-luma", Generator: "Luma Dream Machine", Source: Tool, Value: re(`(?i)^(?:Luma (?:AI|Dream Machine|Ray\d?)|Dream Machine)\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "ENCODER", Value: "Luma Dream Machine"}},
	{ID: "tool-hailuo", Generator: "MiniMax Hailuo", Source: Tool, Value: re(`(?i)^(?:Hailuo|MiniMax)\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "Identification ProductName", Value: "Hailuo 02"}},
	{ID: "tool-seedance", Generator: "ByteDance Seedance", Source: Tool, Value: re(`(?i)^(?:Seedance|Dreamina|Jimeng|BytePlus[_ ]ModelArk)\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "creator", Value: "Dreamina Seedance 2.0"}},
	{ID: "tool-wan", Generator: "Alibaba Wan", Source: Tool, Value: re(`^(?:Wan ?2\.\d|Wan-AI|Tongyi Wanxiang)\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "software", Value: "Wan2.2"}},
	{ID: "tool-hunyuan", Generator: "Tencent Hunyuan", Source: Tool, Value: re(`(?i)^Hunyuan(?:Video|Image|3D)?\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "software", Value: "HunyuanVideo"}},
	{ID: "tool-flux", Generator: "FLUX (Black Forest Labs)", Source: Tool, Value: re(`^(?:FLUX\.\d|Black Forest Labs)\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "software", Value: "FLUX.1 [dev]"}},
	{ID: "tool-ideogram", Generator: "Ideogram", Source: Tool, Value: re(`(?i)^Ideogram\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "Creator", Value: "Ideogram 3.0"}},
	{ID: "tool-leonardo", Generator: "Leonardo.Ai", Source: Tool, Value: re(`(?i)^Leonardo(?:\.Ai| AI)\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "Creator", Value: "Leonardo.Ai"}},
	{ID: "tool-elevenlabs", Generator: "ElevenLabs", Source: Tool, Value: re(`(?i)^Eleven ?Labs\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "TSSE", Value: "ElevenLabs"}},
	{ID: "tool-suno", Generator: "Suno", Source: Tool, Value: re(`(?i)^Suno(?: AI)?\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "TSSE", Value: "Suno v4.5"}},
	{ID: "tool-udio", Generator: "Udio", Source: Tool, Value: re(`(?i)^Udio\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "TENC", Value: "Udio"}},
	{ID: "tool-heygen", Generator: "HeyGen", Source: Tool, Value: re(`(?i)^HeyGen\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "Identification ProductName", Value: "HeyGen"}},
	{ID: "tool-synthesia", Generator: "Synthesia", Source: Tool, Value: re(`(?i)^Synthesia\b`), Confidence: evidence.Declared,
		Example: Fact{Source: Tool, Field: "Identification ProductName", Value: "Synthesia"}},
}

// promptKeys are text keys that carry generation inputs whichever tool wrote them.
var promptKeys = map[string]bool{
	"parameters": true, "prompt": true, "workflow": true, "negative_prompt": true, "negative prompt": true,
	"dream": true, "sd-metadata": true, "invokeai_metadata": true, "invokeai_graph": true, "invokeai_workflow": true,
	"generation_data": true, "parameters-json": true, "smproj": true, "postprocessing": true, "extras": true,
}
