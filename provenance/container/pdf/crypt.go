package pdf

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/rc4"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/provscan/provscan/provenance/internal/seg"
	"github.com/provscan/provscan/provenance/readerr"
)

// Decryption of PDF files protected by the standard security handler.

// tryCrypt sets up decryption when the file is encrypted.
func (p *pdfReader) tryCrypt() error {
	if !p.encrypted || p.crypt != nil {
		return nil
	}
	if err := p.setupCrypt(); err != nil {
		return err
	}
	p.encrypted = false
	clear(p.cache)
	return nil
}

// identityCrypt reports whether a stream's filters include the Identity
// crypt filter, which leaves it unencrypted.
func (p *pdfReader) identityCrypt(d pdfDict) bool {
	fv, _ := p.resolve(d["Filter"])
	pv, _ := p.resolve(d["DecodeParms"])
	filters, ok := fv.(pdfArray)
	if !ok {
		filters, pv = pdfArray{fv}, pdfArray{pv}
	}
	parms, _ := pv.(pdfArray)
	for i, f := range filters {
		if f != pdfName("Crypt") {
			continue
		}
		name := pdfName("Identity")
		if i < len(parms) {
			if pd, ok := parms[i].(pdfDict); ok {
				if n, ok := pd["Name"].(pdfName); ok {
					name = n
				}
			}
		}
		return name == "Identity"
	}
	return false
}

// noteEncrypt records the /Encrypt and /ID of the newest trailer that has
// them.
func (p *pdfReader) noteEncrypt(trailer pdfDict) {
	if e := trailer["Encrypt"]; e != nil && p.encrypt == nil {
		p.encrypt, p.encrypted = e, true
	}
	if id, ok := trailer["ID"].(pdfArray); ok && len(id) > 0 && p.id0 == nil {
		p.id0, _ = id[0].(pdfString)
	}
}

// pdfCrypt decrypts the strings and streams of a file protected by the
// standard security handler with an empty user password (the usual case of
// files that only restrict printing or editing).
type pdfCrypt struct {
	key             []byte
	aes, v5         bool
	encryptMetadata bool
}

// pdfPad is the password padding of the standard security handler.
var pdfPad = []byte("\x28\xbf\x4e\x5e\x4e\x75\x8a\x41\x64\x00\x4e\x56\xff\xfa\x01\x08\x2e\x2e\x00\xb6\xd0\x68\x3e\x80\x2f\x0c\xa9\xfe\x64\x53\x69\x7a")

// setupCrypt derives the file key for the empty user password.
func (p *pdfReader) setupCrypt() error {
	v, err := p.resolve(p.encrypt)
	if err != nil {
		return err
	}
	d, ok := v.(pdfDict)
	if !ok || d["Filter"] != pdfName("Standard") {
		return fmt.Errorf("security handler %v is not supported", d["Filter"])
	}
	ver, _ := d["V"].(int64)
	rev, _ := d["R"].(int64)
	o, _ := d["O"].(pdfString)
	u, _ := d["U"].(pdfString)
	c := &pdfCrypt{encryptMetadata: d["EncryptMetadata"] != false}
	cfm := pdfName("V2")
	if ver >= 4 {
		stmf, _ := d["StmF"].(pdfName)
		if stmf == "Identity" {
			return nil
		}
		cf, _ := d["CF"].(pdfDict)
		f, _ := cf[stmf].(pdfDict)
		cfm, _ = f["CFM"].(pdfName)
	}
	switch {
	case ver == 5 && (rev == 5 || rev == 6):
		ue, _ := d["UE"].(pdfString)
		if len(u) < 48 || len(ue) < 32 {
			return fmt.Errorf("%w: short /U or /UE", readerr.ErrMalformed)
		}
		if !bytes.Equal(pdfHash2B(nil, u[32:40], nil, int(rev)), u[:32]) {
			return errors.New("a user password is required")
		}
		k := pdfHash2B(nil, u[40:48], nil, int(rev))
		block, err := aes.NewCipher(k)
		if err != nil {
			return err
		}
		c.key = make([]byte, 32)
		cipher.NewCBCDecrypter(block, make([]byte, 16)).CryptBlocks(c.key, ue[:32])
		c.aes, c.v5 = true, true
	case ver >= 1 && ver <= 4 && rev >= 2 && rev <= 4 && (cfm == "V2" || cfm == "AESV2"):
		if len(o) < 32 || len(u) < 16 {
			return fmt.Errorf("%w: short /O or /U", readerr.ErrMalformed)
		}
		n := 5
		if l, ok := d["Length"].(int64); ok && rev >= 3 && l >= 40 && l <= 128 && l%8 == 0 {
			n = int(l / 8)
		}
		if cfm == "AESV2" {
			n, c.aes = 16, true
		}
		pv, _ := d["P"].(int64)
		h := md5.New()
		h.Write(pdfPad)
		h.Write(o[:32])
		binary.Write(h, binary.LittleEndian, uint32(int32(pv)))
		h.Write(p.id0)
		if rev >= 4 && !c.encryptMetadata {
			h.Write([]byte{0xff, 0xff, 0xff, 0xff})
		}
		key := h.Sum(nil)
		if rev >= 3 {
			for range 50 {
				s := md5.Sum(key[:n])
				key = s[:]
			}
		}
		c.key = key[:n]
		// check the key against /U
		var check, want []byte
		if rev == 2 {
			check, want = pdfRC4(c.key, pdfPad), u[:32]
		} else {
			s := md5.Sum(append(slices.Clone(pdfPad), p.id0...))
			check = s[:]
			for i := range 20 {
				k := slices.Clone(c.key)
				for j := range k {
					k[j] ^= byte(i)
				}
				check = pdfRC4(k, check)
			}
			want = u[:16]
		}
		if !bytes.Equal(check, want) {
			return errors.New("a user password is required")
		}
	default:
		return fmt.Errorf("encryption V %d R %d %s is not supported", ver, rev, cfm)
	}
	p.crypt = c
	return nil
}

// pdfHash2B is the password hash of revisions 5 and 6 (ISO 32000-2, 7.6.4.3.4).
func pdfHash2B(pw, salt, udata []byte, rev int) []byte {
	s := sha256.Sum256(slices.Concat(pw, salt, udata))
	k := s[:]
	if rev < 6 {
		return k
	}
	var e []byte
	for i := 0; i < 64 || int(e[len(e)-1]) > i-32; i++ {
		k1 := bytes.Repeat(slices.Concat(pw, k, udata), 64)
		block, _ := aes.NewCipher(k[:16])
		e = make([]byte, len(k1))
		cipher.NewCBCEncrypter(block, k[16:32]).CryptBlocks(e, k1)
		sum := 0
		for _, b := range e[:16] {
			sum += int(b)
		}
		switch sum % 3 {
		case 0:
			h := sha256.Sum256(e)
			k = h[:]
		case 1:
			h := sha512.Sum384(e)
			k = h[:]
		default:
			h := sha512.Sum512(e)
			k = h[:]
		}
		if i > 1000 {
			break
		}
	}
	return k[:32]
}

func pdfRC4(key, data []byte) []byte {
	c, err := rc4.NewCipher(key)
	if err != nil {
		return nil
	}
	out := make([]byte, len(data))
	c.XORKeyStream(out, data)
	return out
}

// objectKey is the key of one object's strings and streams.
func (c *pdfCrypt) objectKey(num, gen int) []byte {
	if c.v5 {
		return c.key
	}
	h := md5.New()
	h.Write(c.key)
	h.Write([]byte{byte(num), byte(num >> 8), byte(num >> 16), byte(gen), byte(gen >> 8)})
	if c.aes {
		h.Write([]byte("sAlT"))
	}
	return h.Sum(nil)[:min(len(c.key)+5, 16)]
}

// decrypt decrypts the bytes of a string or stream of object num.
func (c *pdfCrypt) decrypt(data []byte, num, gen int) ([]byte, error) {
	key := c.objectKey(num, gen)
	if !c.aes {
		return pdfRC4(key, data), nil
	}
	if len(data) < 16 || len(data)%16 != 0 {
		if len(data) == 0 {
			return data, nil
		}
		return nil, fmt.Errorf("%w: AES data of %d bytes", readerr.ErrMalformed, len(data))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(data)-16)
	cipher.NewCBCDecrypter(block, data[:16]).CryptBlocks(out, data[16:])
	if n := len(out); n > 0 {
		if pad := int(out[n-1]); pad >= 1 && pad <= 16 && pad <= n {
			out = out[:n-pad]
		}
	}
	return out, nil
}

// strings decrypts every string inside v.
func (c *pdfCrypt) strings(v any, num, gen, depth int) any {
	if depth > seg.MaxDepth {
		return v
	}
	switch t := v.(type) {
	case pdfString:
		if out, err := c.decrypt(t, num, gen); err == nil {
			return pdfString(out)
		}
	case pdfArray:
		for i := range t {
			t[i] = c.strings(t[i], num, gen, depth+1)
		}
	case pdfDict:
		for k, e := range t {
			t[k] = c.strings(e, num, gen, depth+1)
		}
	}
	return v
}
