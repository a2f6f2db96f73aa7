package c2pa

// bmffHash checks a c2pa.hash.bmff (v2, v3) assertion.
func (v *validator) bmffHash(m *Manifest, a map[string]any, def, label string) {
	m.errorf("%s: not checked yet", label)
}

// boxesHash checks a c2pa.hash.boxes assertion.
func (v *validator) boxesHash(m *Manifest, a map[string]any, def string) {
	m.errorf("c2pa.hash.boxes: not checked yet")
}
