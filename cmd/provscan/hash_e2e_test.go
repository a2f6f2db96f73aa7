package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/provscan/provscan/provenance/c2pa"
)

// manyRefsSidecar is a C2PA sidecar whose claim lists 12,288 hashed URIs
// naming one 30 MB assertion (issue 12): hashed once per reference, it took
// minutes whatever the --file-timeout.
func manyRefsSidecar(t *testing.T) []byte {
	box := func(typ string, payload []byte) []byte {
		b := binary.BigEndian.AppendUint32(nil, uint32(8+len(payload)))
		return append(append(b, typ...), payload...)
	}
	superbox := func(u c2pa.UUID, label string, kids ...[]byte) []byte {
		d := append(append(append([]byte{}, u[:]...), 0x03), label...) // requestable, labelled
		p := box(c2pa.BoxDescription, append(d, 0))
		for _, k := range kids {
			p = append(p, k...)
		}
		return box(c2pa.BoxSuperbox, p)
	}
	enc, _ := cbor.CoreDetEncOptions().EncMode()
	mustCBOR := func(v any) []byte {
		b, err := enc.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	blob := superbox(c2pa.TypeCBOR, "big.data", box(c2pa.BoxCBOR, mustCBOR(map[string]any{"blob": bytes.Repeat([]byte{7}, 30<<20)})))
	payload := blob[8:] // the superbox's payload, which a hashed URI covers
	sum := sha256.Sum256(payload)
	ref := map[string]any{"url": "self#jumbf=c2pa.assertions/big.data", "alg": "sha256", "hash": sum[:]}
	list := make([]any, 4096)
	for i := range list {
		list[i] = ref
	}
	claim := map[string]any{"claim_generator": "g", "dc:format": "image/jpeg", "instanceID": "i", "signature": "self#jumbf=c2pa.signature",
		"assertions": list, "created_assertions": list, "gathered_assertions": list}
	m := superbox(c2pa.TypeManifest, "urn:many",
		superbox(c2pa.TypeAssertionStore, c2pa.LabelAssertionStore, blob),
		superbox(c2pa.TypeClaim, c2pa.LabelClaimV1, box(c2pa.BoxCBOR, mustCBOR(claim))))
	return superbox(c2pa.TypeManifestStore, c2pa.LabelStore, m)
}

func TestHashedURIsWithinBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	deliv := t.TempDir()
	writeFiles(t, deliv, map[string][]byte{"still.c2pa": manyRefsSidecar(t)})
	start := time.Now()
	r := runBinary(t, bin, t.TempDir(), "scan", "--file-timeout", "2s", "--format", "json", deliv)
	rep := parseReport(t, r)
	if len(rep.Findings) == 0 || rep.Findings[0].Path != "still.c2pa" {
		t.Fatalf("exit %d, findings %+v, errors %+v\n%s", r.code, rep.Findings, rep.Errors, r.stderr)
	}
	for _, f := range rep.Findings {
		if f.Rule == "unreadable" {
			t.Errorf("the store's 12,288 hashed URIs ran out of budget: the one assertion must be hashed once")
		}
	}
	// Before the memo and the budgets: 368 GB hashed, six minutes whatever
	// the timeout. A generous bound, far from either.
	if d := time.Since(start); d > time.Minute {
		t.Errorf("scanned in %v under --file-timeout 2s", d)
	}
}
