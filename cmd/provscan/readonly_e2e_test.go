package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// copyTree copies src into dst, files and folders only.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// selfSignedPEM writes a throwaway root certificate for --trust-anchors.
func selfSignedPEM(t *testing.T, path string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "provscan test root"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBinaryNeverWritesIntoTheTree runs the built binary with every option
// over a copy of the sample deliverables (with a symlink loop added) and
// checks that no file or folder changed (content, size, mtime) and nothing
// was created. Reports, baselines and approvals live outside the tree.
func TestBinaryNeverWritesIntoTheTree(t *testing.T) {
	bin := buildBinary(t)
	tree, work := t.TempDir(), t.TempDir()
	copyTree(t, deliverablesTree(t), tree)
	if err := os.Symlink("..", filepath.Join(tree, "stills", "loop")); err != nil {
		t.Fatal(err)
	}
	old := time.Date(2021, 5, 6, 7, 8, 9, 0, time.UTC)
	filepath.WalkDir(tree, func(p string, d fs.DirEntry, err error) error {
		if d != nil && d.Type()&fs.ModeSymlink == 0 {
			os.Chtimes(p, old, old)
		}
		return nil
	})
	anchors := filepath.Join(work, "anchors.pem")
	selfSignedPEM(t, anchors)
	base := filepath.Join(work, "baseline.json")
	before := treeDigest(t, tree)

	runs := [][]string{
		{"scan", "--format", "json", "-o", base, tree},
		{"scan", "--follow-symlinks", "--verify-content", "--strict", "--workers", "3", "--trust-anchors", anchors,
			"--allowed-signers", anchors, "--file-timeout", "1m", "--exclude", "**/*.txt", "--fail-on", "info",
			"--report", "sarif=" + filepath.Join(work, "r.sarif"), "--report", "junit=" + filepath.Join(work, "r.xml"),
			"--report", "json=" + filepath.Join(work, "r.json"), "--report", "text=" + filepath.Join(work, "r.txt"),
			"--baseline", base, "--verbose", tree},
		{"scan", "--format", "sarif", "--workers", "1", "--quiet", tree},
		{"scan", "--format", "junit", tree},
		{"approve", "--reference", "TEST-1", "--by", "tester", "--approvals", filepath.Join(work, "approvals.yaml"),
			filepath.Join(tree, "stills", "a1111.png")},
		{"scan", "--approvals", filepath.Join(work, "approvals.yaml"), tree},
		{"inspect", "--json", "--verify-content", "--trust-anchors", anchors, filepath.Join(tree, "stills", "c2pa-generated.png")},
		{"inspect", filepath.Join(tree, "stills", "comfyui.png")},
	}
	for _, args := range runs {
		if r := runBinary(t, bin, work, args...); r.code == 2 {
			t.Errorf("%v: exit 2: %s", args, r.stderr)
		}
	}
	if after := treeDigest(t, tree); after != before {
		t.Errorf("the scanned tree changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}
