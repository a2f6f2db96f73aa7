package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"

	"github.com/provscan/provscan/provenance/internal/reader"
)

// AAF (the Advanced Authoring Format, SMPTE ST 2114's structured storage):
// a Microsoft compound file (CFB) in which every object is a storage whose
// "properties" stream lists the object's properties: a byte-order byte ('L'
// little-endian or 'B' big-endian), a format version, a 16-bit entry count,
// then per entry a 16-bit property ID, a 16-bit stored form and a 16-bit
// length, then the values one after the other. The objects of a strong
// reference vector are storages named after the property and its ID with an
// index in braces: the Identification objects (one per application that
// created or modified the file) are "IdentificationList-3b06{N}" under the
// Header, the name cut to 31 characters ("Identifi-ionList-3b06{0}").
//
// Read: CompanyName, ProductName, ProductVersionString and Platform of each
// Identification (each names the software: a tool block) and its Date.
// Essence streams are never opened. The CFB is walked by mscfb, through a
// reader that caps the bytes and reads it may make.
//
// The CFB signature is shared with Word documents, Excel books, MSI
// packages and Outlook messages: a compound file is read as AAF only when
// its header or root entry carries an AAF class ID or its root holds the
// Header and MetaDictionary storages of AAF. Any other compound file is
// left unknown (ErrUnknownFormat), so that it is reported as unsupported,
// named by container.LooksLike, rather than "read" with nothing found.

const (
	aafMaxRead         = 16 << 20 // bytes mscfb may read from one file (the directory, FAT chains, property streams): 131,072 directory entries at most, about 40 MiB of mscfb structures
	aafMaxReads        = 1 << 18  // reads mscfb may make on one file (a FAT chain step is a 4-byte read)
	aafMaxProperties   = 1 << 20  // bytes of one properties stream
	aafMaxIdentities   = 256      // Identification objects read per file
	aafPIDCompanyName  = 0x3C01
	aafPIDProductName  = 0x3C02
	aafPIDVersionStr   = 0x3C04
	aafPIDDate         = 0x3C06
	aafPIDPlatform     = 0x3C08
	aafIdentListSuffix = "-3b06{"
	aafFormData        = 0x82 // the stored form of a simple value
)

// cfbMagic starts every compound file.
const cfbMagic = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

// aafClassIDs are the class IDs, as stored (little-endian GUID fields), that
// mark a compound file as AAF: the root entry's AAF file class and the
// header signatures of 4096-byte and 512-byte sector AAF files.
var aafClassIDs = [][]byte{
	guidLE(0xb3b398a5, 0x1c90, 0x11d4, [8]byte{0x80, 0x53, 0x08, 0x00, 0x36, 0x21, 0x08, 0x04}),
	guidLE(0x0d010201, 0x0200, 0x0000, [8]byte{0x06, 0x0e, 0x2b, 0x34, 0x03, 0x02, 0x01, 0x01}),
	guidLE(0x42464141, 0x000d, 0x4d4f, [8]byte{0x06, 0x0e, 0x2b, 0x34, 0x01, 0x01, 0x01, 0xff}),
}

// guidLE encodes a GUID as a compound file stores it.
func guidLE(d1 uint32, d2, d3 uint16, d4 [8]byte) []byte {
	b := binary.LittleEndian.AppendUint32(nil, d1)
	b = binary.LittleEndian.AppendUint16(b, d2)
	b = binary.LittleEndian.AppendUint16(b, d3)
	return append(b, d4[:]...)
}

// matchCFB reports whether head starts a compound file (AAF or not: the
// reader decides).
func matchCFB(head []byte) bool { return bytes.HasPrefix(head, []byte(cfbMagic)) }

// cappedReaderAt counts what mscfb reads and refuses reads past the caps,
// and reads past the end of the file.
type cappedReaderAt struct {
	r            io.ReaderAt
	size         int64
	bytes, reads int64
	over         bool
}

func (c *cappedReaderAt) ReadAt(p []byte, off int64) (int, error) {
	c.reads++
	c.bytes += int64(len(p))
	if c.reads > aafMaxReads || c.bytes > aafMaxRead {
		c.over = true
		return 0, errLimit
	}
	if off < 0 || off >= c.size {
		return 0, io.EOF
	}
	if int64(len(p)) > c.size-off {
		n, err := c.r.ReadAt(p[:c.size-off], off)
		if err == nil {
			err = io.EOF
		}
		return n, err
	}
	return c.r.ReadAt(p, off)
}

// readAAF reads the Identification objects of an AAF file.
func readAAF(r io.ReaderAt, size int64, b *reader.Budget) (res *Result, err error) {
	res = &Result{Format: formatAAF, Budget: b}
	var hdr [512]byte
	if err := readAt(r, hdr[:], 0); err != nil {
		return res, fmt.Errorf("compound file header: %w", err)
	}
	cr := &cappedReaderAt{r: r, size: size}
	doc, err := openCFB(cr)
	if err != nil {
		if cr.over {
			return res, fmt.Errorf("%w: the compound file's structure takes more than %d bytes or %d reads", errLimit, aafMaxRead, aafMaxReads)
		}
		if !isAAFClass(hdr[8:24]) {
			// Not known to be AAF, and not a compound file mscfb can walk.
			return nil, fmt.Errorf("%w: compound file: %v", ErrUnknownFormat, err)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "EOF") {
			return res, fmt.Errorf("%w: compound file: %v", errTruncated, err)
		}
		return res, fmt.Errorf("%w: compound file: %v", ErrMalformed, err)
	}
	if !isAAF(doc, hdr[8:24]) {
		return nil, fmt.Errorf("%w: a compound file that is not AAF (root class %s)", ErrUnknownFormat, doc.File[0].ID())
	}
	idents := 0
	for _, f := range doc.File {
		if strings.TrimSpace(f.Name) != "properties" || len(f.Path) == 0 || !strings.Contains(f.Path[len(f.Path)-1], aafIdentListSuffix) {
			continue
		}
		if idents++; idents > aafMaxIdentities {
			res.Cut("AAF Identification objects after the first %d", aafMaxIdentities)
			break
		}
		where := "AAF Identification " + truncName(f.Path[len(f.Path)-1])
		if err := aafIdentification(res, f, where); err != nil {
			if cr.over {
				return res, fmt.Errorf("%w: the compound file's streams take more than %d bytes or %d reads", errLimit, aafMaxRead, aafMaxReads)
			}
			return res, err
		}
	}
	if idents == 0 {
		res.Warn("AAF file without an Identification object")
	}
	return res, nil
}

// openCFB opens a compound file with mscfb, turning a panic of the library
// on hostile bytes into an error.
func openCFB(r io.ReaderAt) (doc *mscfb.Reader, err error) {
	defer func() {
		if p := recover(); p != nil {
			doc, err = nil, fmt.Errorf("compound file structure: %v", p)
		}
	}()
	doc, err = mscfb.New(r)
	if err == nil && len(doc.File) == 0 {
		err = errors.New("no root entry")
	}
	return doc, err
}

// isAAFClass reports whether the 16 bytes id are an AAF class ID.
func isAAFClass(id []byte) bool {
	for _, c := range aafClassIDs {
		if bytes.Equal(id, c) {
			return true
		}
	}
	return false
}

// isAAF reports whether the compound file is AAF: by the header's class ID
// (the AAF signature), the root entry's, or the root's AAF storages.
func isAAF(doc *mscfb.Reader, headerID []byte) bool {
	if isAAFClass(headerID) {
		return true
	}
	root := strings.ToLower(strings.Trim(doc.File[0].ID(), "{}"))
	if root == "b3b398a5-1c90-11d4-8053-080036210804" {
		return true
	}
	header, meta := false, false
	for _, f := range doc.File[1:] {
		if len(f.Path) == 0 {
			header = header || f.Name == "Header-2"
			meta = meta || f.Name == "MetaDictionary-1"
		}
	}
	return header && meta
}

// aafIdentification reads the properties stream of one Identification.
func aafIdentification(res *Result, f *mscfb.File, where string) (err error) {
	if f.Size > aafMaxProperties {
		return fmt.Errorf("%w: %s: properties stream of %d bytes (limit %d)", errLimit, where, f.Size, aafMaxProperties)
	}
	if err := blockBudget(res, f.Size); err != nil {
		return err
	}
	data := make([]byte, f.Size)
	n, rerr := readCFBStream(f, data)
	if n < len(data) {
		return fmt.Errorf("%w: %s: properties stream of %d bytes ends after %d: %v", errTruncated, where, len(data), n, rerr)
	}
	props, err := aafProperties(data)
	if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	for _, p := range props {
		if p.form != aafFormData {
			continue
		}
		var key string
		switch p.pid {
		case aafPIDCompanyName:
			key = "CompanyName"
		case aafPIDProductName:
			key = "ProductName"
		case aafPIDVersionStr:
			key = "ProductVersionString"
		case aafPIDPlatform:
			key = "Platform"
		case aafPIDDate:
			if len(p.value) == 8 {
				if err := res.Add(Block{Kind: KindText, Container: where, Key: "Date", Data: []byte(aafDate(p.value, p.order)), Size: 8}); err != nil {
					return err
				}
			}
			continue
		default:
			continue
		}
		s := aafString(p.value, p.order)
		if s == "" {
			continue
		}
		if err := res.Add(Block{Kind: KindText, Container: where, Key: key, Data: []byte(s), Size: int64(len(p.value)), Tool: true}); err != nil {
			return err
		}
	}
	return nil
}

// readCFBStream reads a stream whole, turning a panic of the library into
// an error.
func readCFBStream(f *mscfb.File, p []byte) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("compound file stream: %v", r)
		}
	}()
	for n < len(p) {
		m, err := f.Read(p[n:])
		n += m
		if err != nil || m == 0 {
			return n, err
		}
	}
	return n, nil
}

// aafProperty is one entry of a properties stream.
type aafProperty struct {
	pid   uint16
	form  uint16
	value []byte
	order binary.ByteOrder
}

// aafProperties parses a properties stream.
func aafProperties(data []byte) ([]aafProperty, error) {
	if len(data) < 4 {
		return nil, fmt.Errorf("%w: properties stream of %d bytes", errTruncated, len(data))
	}
	var order binary.ByteOrder
	switch data[0] {
	case 'L':
		order = binary.LittleEndian
	case 'B':
		order = binary.BigEndian
	default:
		return nil, fmt.Errorf("%w: properties stream byte order %#02x", ErrMalformed, data[0])
	}
	count := int(order.Uint16(data[2:4]))
	if count*6 > len(data)-4 {
		return nil, fmt.Errorf("%w: properties stream of %d bytes lists %d properties", errTruncated, len(data), count)
	}
	props := make([]aafProperty, 0, count)
	off := 4 + count*6
	for i := 0; i < count; i++ {
		e := data[4+i*6:]
		n := int(order.Uint16(e[4:6]))
		if n > len(data)-off {
			return props, fmt.Errorf("%w: property %#04x of %d bytes runs past its stream", errTruncated, order.Uint16(e[0:2]), n)
		}
		props = append(props, aafProperty{pid: order.Uint16(e[0:2]), form: order.Uint16(e[2:4]), value: data[off : off+n], order: order})
		off += n
	}
	return props, nil
}

// aafString decodes a UTF-16 string value up to its NUL.
func aafString(v []byte, order binary.ByteOrder) string {
	u := make([]uint16, 0, len(v)/2)
	for i := 0; i+1 < len(v); i += 2 {
		c := order.Uint16(v[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}

// aafDate formats a TimeStamp (year, month, day, hour, minute, second,
// hundredths).
func aafDate(v []byte, order binary.ByteOrder) string {
	return fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d", int16(order.Uint16(v[0:2])), v[2], v[3], v[4], v[5], v[6])
}
