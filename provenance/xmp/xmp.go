// Package xmp parses XMP packets (RDF/XML) into a flat list of properties,
// with namespaces resolved by URI, never by prefix.
package xmp

import "errors"

// Namespace URIs of the properties provscan reads.
const (
	NSRDF       = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	NSIptcExt   = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
	NSIptcCore  = "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
	NSXMP       = "http://ns.adobe.com/xap/1.0/"
	NSXMPMM     = "http://ns.adobe.com/xap/1.0/mm/"
	NSStEvt     = "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
	NSPhotoshop = "http://ns.adobe.com/photoshop/1.0/"
	NSDC        = "http://purl.org/dc/elements/1.1/"
	NSDCTerms   = "http://purl.org/dc/terms/"
	NSExif      = "http://ns.adobe.com/exif/1.0/"
	NSExifEX    = "http://cipa.jp/exif/1.0/"
	NSTIFF      = "http://ns.adobe.com/tiff/1.0/"
	NSXMPNote   = "http://ns.adobe.com/xmp/note/"
	NSPDF       = "http://ns.adobe.com/pdf/1.3/"
)

// Property is one simple value of the packet: a top-level simple property,
// an item of an rdf:Bag/Seq/Alt, or a field of a struct.
type Property struct {
	NS    string `json:"ns"`    // namespace URI of the leaf property
	Name  string `json:"name"`  // local name of the leaf property
	Path  string `json:"path"`  // prefixed path from the top: "xmpMM:History[2]/stEvt:softwareAgent", "dc:description[1]"
	Value string `json:"value"` // text value, or the rdf:resource URI
	Lang  string `json:"lang,omitempty"`
}

// Packet is a parsed XMP packet.
type Packet struct {
	Properties []Property `json:"properties"`
}

// ErrNotXMP is returned for input that holds no RDF.
var ErrNotXMP = errors.New("not an XMP packet")

// Values returns the values of every property with namespace ns and local
// name name, at any depth (array items and struct fields included), in order.
func (p *Packet) Values(ns, name string) []string {
	var out []string
	for _, pr := range p.Properties {
		if pr.NS == ns && pr.Name == name {
			out = append(out, pr.Value)
		}
	}
	return out
}
