package main

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"
)

// The builders of the files and trees the tests scan.

// pngChunk builds one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// pngOf returns a 1x1 PNG with the given chunks between IHDR and IDAT.
func pngOf(chunks ...[]byte) []byte {
	ihdr := []byte{0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0}
	b := append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", ihdr)...)
	for _, c := range chunks {
		b = append(b, c...)
	}
	b = append(b, pngChunk("IDAT", []byte{0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1})...)
	return append(b, pngChunk("IEND", nil)...)
}

// stillPNG returns a 1x1 PNG with the given tEXt chunks ("key\x00value").
func stillPNG(text ...string) []byte {
	var chunks [][]byte
	for _, tx := range text {
		chunks = append(chunks, pngChunk("tEXt", []byte(tx)))
	}
	return pngOf(chunks...)
}

// generatedPNG carries AUTOMATIC1111 "parameters": a high genai-generator finding.
var generatedPNG = stillPNG("parameters\x00a castle at dawn\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 512x512, Model hash: abcdef1234, Model: sd15")

// writeFiles writes name -> content under dir (folders 0755, files 0644).
func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// hexSHA is the SHA-256 of b in hex, as the reports and approvals write it.
func hexSHA(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
