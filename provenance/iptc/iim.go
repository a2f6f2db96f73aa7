package iptc

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/provscan/provscan/provenance/readerr"
)

// Limits of ParseIIM.
const (
	MaxValue    = 1 << 20 // bytes kept of one dataset value
	maxDatasets = 1 << 16 // datasets read from one block
)

// Dataset is one IPTC-IIM dataset (record:dataset, e.g. 2:120 Caption-Abstract).
type Dataset struct {
	Record uint8  `json:"record"`
	ID     uint8  `json:"id"`
	Name   string `json:"name,omitempty"` // the IIM name, "" for datasets we do not name
	Value  string `json:"value"`          // the text: UTF-8 when 1:90 says so or the bytes are valid UTF-8, else Latin-1
}

// datasetNames names the common datasets, keyed by {record, dataset}.
var datasetNames = map[[2]uint8]string{
	{1, 0}:   "EnvelopeRecordVersion",
	{1, 5}:   "Destination",
	{1, 20}:  "FileFormat",
	{1, 30}:  "ServiceIdentifier",
	{1, 70}:  "DateSent",
	{1, 90}:  "CodedCharacterSet",
	{1, 100}: "UniqueNameOfObject",
	{2, 0}:   "ApplicationRecordVersion",
	{2, 5}:   "ObjectName",
	{2, 7}:   "EditStatus",
	{2, 10}:  "Urgency",
	{2, 12}:  "SubjectReference",
	{2, 15}:  "Category",
	{2, 20}:  "SupplementalCategories",
	{2, 22}:  "FixtureIdentifier",
	{2, 25}:  "Keywords",
	{2, 40}:  "SpecialInstructions",
	{2, 55}:  "DateCreated",
	{2, 60}:  "TimeCreated",
	{2, 62}:  "DigitalCreationDate",
	{2, 63}:  "DigitalCreationTime",
	{2, 65}:  "OriginatingProgram",
	{2, 70}:  "ProgramVersion",
	{2, 80}:  "By-line",
	{2, 85}:  "By-lineTitle",
	{2, 90}:  "City",
	{2, 92}:  "Sub-location",
	{2, 95}:  "Province-State",
	{2, 100}: "Country-PrimaryLocationCode",
	{2, 101}: "Country-PrimaryLocationName",
	{2, 103}: "OriginalTransmissionReference",
	{2, 105}: "Headline",
	{2, 110}: "Credit",
	{2, 115}: "Source",
	{2, 116}: "CopyrightNotice",
	{2, 118}: "Contact",
	{2, 120}: "Caption-Abstract",
	{2, 121}: "LocalCaption",
	{2, 122}: "Writer-Editor",
	{2, 135}: "LanguageIdentifier",
	{2, 221}: "Prefs",
	{2, 228}: "ExifCameraInfo",
	{2, 230}: "DocumentNotes",
	{2, 231}: "DocumentHistory",
	{2, 232}: "ExifCameraInfo2",
}

// DatasetName returns the IIM name of record:id, or "".
func DatasetName(record, id uint8) string {
	return datasetNames[[2]uint8{record, id}]
}

// escUTF8 is the 1:90 CodedCharacterSet value for UTF-8 (ESC % G).
var escUTF8 = []byte("\x1b%G")

// ParseIIM reads IPTC-IIM datasets: a 0x1C tag marker, a record number, a
// dataset number and a 2-byte length; a length with its top bit set is an
// extended length whose low 15 bits give the size of the length field that
// follows (at most 4 bytes accepted). Text is decoded as UTF-8 when 1:90
// says ESC % G or the bytes are valid UTF-8, else as Latin-1; values are cut
// to MaxValue bytes. Trailing zero padding is accepted; other bytes after
// the last dataset stop the parse with an error wrapping
// readerr.ErrMalformed (ErrTruncated for a cut dataset).
func ParseIIM(data []byte) ([]Dataset, error) {
	var out []Dataset
	utf8Set := false
	p := 0
	for p < len(data) {
		if len(out) >= maxDatasets {
			return out, fmt.Errorf("%w: iptc: more than %d IIM datasets", readerr.ErrLimit, maxDatasets)
		}
		if data[p] != 0x1C {
			if allZero(data[p:]) {
				return out, nil
			}
			return out, fmt.Errorf("%w: iptc: no IIM tag marker at offset %d", readerr.ErrMalformed, p)
		}
		if p+5 > len(data) {
			return out, fmt.Errorf("%w: iptc: IIM dataset header at offset %d", readerr.ErrTruncated, p)
		}
		rec, id := data[p+1], data[p+2]
		n := uint64(data[p+3])<<8 | uint64(data[p+4])
		q := p + 5
		if n&0x8000 != 0 {
			k := int(n & 0x7FFF)
			if k == 0 || k > 4 {
				return out, fmt.Errorf("%w: iptc: IIM extended length of %d bytes at offset %d", readerr.ErrMalformed, k, p)
			}
			if q+k > len(data) {
				return out, fmt.Errorf("%w: iptc: IIM extended length at offset %d", readerr.ErrTruncated, p)
			}
			n = 0
			for _, c := range data[q : q+k] {
				n = n<<8 | uint64(c)
			}
			q += k
		}
		var err error
		val := data[q:]
		if n <= uint64(len(val)) {
			val = val[:n]
		} else {
			err = fmt.Errorf("%w: iptc: IIM dataset %d:%d of %d bytes at offset %d runs past the end", readerr.ErrTruncated, rec, id, n, p)
		}
		if rec == 1 && id == 90 && bytes.Contains(val, escUTF8) {
			utf8Set = true
		}
		d := Dataset{Record: rec, ID: id, Name: DatasetName(rec, id)}
		if isBinary(rec, id) && len(val) == 2 {
			d.Value = strconv.Itoa(int(val[0])<<8 | int(val[1]))
		} else {
			d.Value = decodeText(val, utf8Set)
		}
		out = append(out, d)
		if err != nil {
			return out, err
		}
		p = q + int(n)
	}
	return out, nil
}

// Get returns the value of the first dataset record:id, or "".
func Get(ds []Dataset, record, id uint8) string {
	for _, d := range ds {
		if d.Record == record && d.ID == id {
			return d.Value
		}
	}
	return ""
}

// isBinary reports the datasets whose value is a binary number, not text.
func isBinary(record, id uint8) bool {
	switch [2]uint8{record, id} {
	case [2]uint8{1, 0}, [2]uint8{1, 20}, [2]uint8{1, 22}, [2]uint8{2, 0}:
		return true
	}
	return false
}

// decodeText turns an IIM value into a string, cut to MaxValue bytes.
func decodeText(b []byte, isUTF8 bool) string {
	if len(b) > MaxValue {
		b = b[:MaxValue]
	}
	b = bytes.TrimRight(b, "\x00")
	if isUTF8 || utf8.Valid(b) {
		return string(bytes.ToValidUTF8(b, nil))
	}
	s := latin1(b)
	if len(s) > MaxValue {
		s = string(bytes.ToValidUTF8([]byte(s[:MaxValue]), nil))
	}
	return s
}
