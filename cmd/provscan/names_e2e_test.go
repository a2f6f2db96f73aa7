package main

import (
	"testing"

	"github.com/provscan/provscan/bench/synth"
)

// TestGateNoFindingFromNames: file and folder names that name a GenAI tool,
// an encoder string a generator's files share with everyone's (ffmpeg's
// Lavf, written by Kling, Runway, Pika and Luma downloads alike) and a bare
// "Google" as the encoder (written by Veo, and by any YouTube transcode) are
// not markers: a delivery of such files passes the gate with no finding.
func TestGateNoFindingFromNames(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	const size = 4 << 10
	mp4 := func(encoder string) []byte { return synth.Assemble(size, synth.MP4MoovAtEnd(size, encoder)) }
	deliv := t.TempDir()
	writeFiles(t, deliv, map[string][]byte{
		"midjourney/keyart_v7.png":                 stillPNG("Software\x00GIMP 2.10.36"),
		"sora/shot_010_sora_final.mp4":             mp4("Lavf60.16.100"),
		"kling/kling_20250901_Image_to_Video.mp4":  mp4("Lavf60.16.100"),
		"runway exports/Gen-4 Turbo 1234.mp4":      mp4("Lavf59.27.100"),
		"veo/youtube_transcode.mp4":                mp4("Google"),
		"ComfyUI/output/ComfyUI_00001_.png":        stillPNG(),
		"elevenlabs/voiceover_ElevenLabs_v3.mp4":   mp4("Lavf61.7.100"),
		"faceswap/reactor_inswapper_128_plate.png": stillPNG("Title\x00plate 12"),
	})
	r := runBinary(t, bin, t.TempDir(), "scan", "--format", "json", deliv)
	rep := parseReport(t, r)
	if r.code != 0 || len(rep.Findings) != 0 || rep.Summary.Inspected != 8 {
		t.Errorf("exit %d, %d inspected, findings %+v", r.code, rep.Summary.Inspected, rep.Findings)
	}
}
