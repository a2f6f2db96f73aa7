package genai

import (
	"regexp"
	"strings"

	"github.com/provscan/provscan/provenance/evidence"
)

// Technique is a generative technique that replaces or synthesises a
// performance, a talking avatar or a body animated from another's motion
// included (the studio's second promise: no GenAI performance replaces
// talent without consent), named by the nodes, models or tools of a
// workflow that use it.
type Technique struct {
	ID   string // stable id
	Name string // the technique, as messages say it: "face swap", "voice clone"
	Tool string // the tool, node or model family the pattern names
	// Value matches the tool's node class, model file or name in a workflow,
	// a prompt graph or a parameters text; anchored on what only that tool
	// writes.
	Value   *regexp.Regexp
	Example string // a value the row must match (tested)
}

// Techniques lists the talent techniques, one row per tool family.
var Techniques = []Technique{
	{"reactor", "face swap", "ReActor", re(`\bReActor(?:FaceSwap|FaceBoost|RestoreFace|LoadFaceModel|BuildFaceModel)\w*`),
		`{"5": {"class_type": "ReActorFaceSwap", "inputs": {"swap_model": "inswapper_128.onnx"}}}`},
	{"inswapper", "face swap", "InsightFace inswapper", re(`\binswapper_\d+(?:_fp16)?\.onnx\b`), `"swap_model": "inswapper_128.onnx"`},
	{"facefusion", "face swap", "FaceFusion", re(`(?i)\bface_?fusion\b`), `"class_type": "FaceFusion"`},
	{"roop", "face swap", "roop", re(`\b(?:roop|Roop)(?:FaceSwap|_unleashed|\b)`), `"script": "roop", "face": "source.png"`},
	{"simswap", "face swap", "SimSwap", re(`\bSimSwap\w*`), `"model": "SimSwap_512"`},
	{"liveportrait", "face reenactment", "LivePortrait", re(`\bLivePortrait\w*`), `"class_type": "LivePortraitProcess"`},
	{"wav2lip", "lip sync", "Wav2Lip", re(`(?i)\bwav2lip\w*`), `"class_type": "Wav2Lip"`},
	{"sadtalker", "talking head", "SadTalker", re(`\bSadTalker\w*`), `"class_type": "SadTalker"`},
	{"musetalk", "lip sync", "MuseTalk", re(`\bMuseTalk\w*`), `"class_type": "MuseTalkRun"`},
	{"latentsync", "lip sync", "LatentSync", re(`\bLatentSync\w*`), `"class_type": "LatentSyncNode"`},
	{"echomimic", "talking head", "EchoMimic", re(`\bEchoMimic\w*`), `"class_type": "EchoMimicV2"`},
	{"aniportrait", "talking avatar", "AniPortrait", re(`\bAniPortrait\w*`), `"class_type": "AniPortrait_Audio2Video"`},
	{"hallo", "talking avatar", "Hallo", re(`\bHallo(?:2|3)?(?:Node|Sampler|Loader|_)\w*|\bhallo[23]?/(?:net|audio_separator)`), `"class_type": "HalloNode"`},
	{"v-express", "talking avatar", "V-Express", re(`\bV[-_]?Express\w*`), `"class_type": "V_Express_Sampler"`},
	{"fantasytalking", "talking avatar", "FantasyTalking", re(`\bFantasyTalking\w*`), `"class_type": "FantasyTalkingModelLoader"`},
	{"mimicmotion", "body reenactment", "MimicMotion", re(`\bMimicMotion\w*`), `"class_type": "MimicMotionSampler"`},
	{"rvc", "voice clone", "RVC", re(`\bRVC(?:_|[A-Z]|Node|Infer|Model)\w*|\brvc_model\b`), `"class_type": "RVC_Infer", "inputs": {"rvc_model": "singer.pth"}`},
	{"so-vits", "voice clone", "so-vits-svc", re(`(?i)\bso-?vits-?svc\b`), `"model": "so-vits-svc 4.1"`},
	{"xtts", "voice clone", "XTTS", re(`\bXTTS(?:_?v2)?\w*`), `"class_type": "XTTS_v2", "inputs": {"speaker_wav": "actor.wav"}`},
	{"openvoice", "voice clone", "OpenVoice", re(`\bOpenVoice\w*`), `"class_type": "OpenVoiceClone"`},
	{"f5-tts", "voice clone", "F5-TTS", re(`\bF5[-_]?TTS\w*`), `"class_type": "F5TTSAudio", "inputs": {"sample_audio": "actor.wav"}`},
	{"instantid", "face identity transfer", "InstantID", re(`InstantID\w*`), `"class_type": "ApplyInstantID"`},
	{"pulid", "face identity transfer", "PuLID", re(`(?i)pulid\w*`), `"class_type": "ApplyPulidFlux"`},
	{"ipadapter-faceid", "face identity transfer", "IPAdapter FaceID", re(`\bIPAdapter\w*FaceID\w*|\bFaceID(?:Plus)?V?\d?\b.*\bip-?adapter`), `"class_type": "IPAdapterFaceID"`},
}

// techniqueLiterals is a cheap prefilter: a value holding none of them
// names no technique. It is applied to the value and the literals lower
// cased (foldedLiterals), since some rows match in any case.
var techniqueLiterals = []string{"ReActor", "inswapper", "ace", "oop", "SimSwap", "LivePortrait", "ip", "SadTalker", "MuseTalk",
	"LatentSync", "EchoMimic", "AniPortrait", "Hallo", "hallo", "Express", "FantasyTalking", "MimicMotion", "RVC", "rvc", "vits", "XTTS", "OpenVoice", "TTS", "InstantID", "PuLID", "Pulid", "pulid", "FaceID"}

// foldedLiterals are the techniqueLiterals lower cased.
var foldedLiterals = func() []string {
	out := make([]string, len(techniqueLiterals))
	for i, l := range techniqueLiterals {
		out[i] = strings.ToLower(l)
	}
	return out
}()

// performances lists the talent techniques named in the facts that carry
// generation inputs (prompt graphs, workflows, parameters texts: any fact of
// a prompt field or matched by a Prompt row), once per technique and tool.
// Only what a workflow says counts: a file or folder name never does, and a
// C2PA fact is left to the manifest's own assertions.
func performances(facts []Fact, prompts []evidence.Item) []evidence.Item {
	inputs := map[string]bool{} // container + field of the facts that carry generation inputs
	for _, p := range prompts {
		inputs[p.Container+"\x00"+p.Field] = true
	}
	var out []evidence.Item
	seen := map[string]bool{}
	for _, f := range facts {
		if f.Source == C2PA || f.Source == Tool || !inputs[f.Container+"\x00"+f.Field] {
			continue
		}
		if !containsAny(strings.ToLower(f.Value), foldedLiterals) {
			continue
		}
		for _, t := range Techniques {
			m := t.Value.FindString(f.Value)
			if m == "" || seen[t.ID] {
				continue
			}
			seen[t.ID] = true
			out = append(out, evidence.Item{
				Kind: evidence.Performance, Term: t.Name, Generator: t.Tool, Container: f.Container, Location: f.Location,
				Offset: f.Offset, Field: f.Field, Value: evidence.Truncate(m), Confidence: evidence.Inferred,
			})
		}
	}
	return out
}

func containsAny(s string, subs []string) bool {
	for _, l := range subs {
		if strings.Contains(s, l) {
			return true
		}
	}
	return false
}
