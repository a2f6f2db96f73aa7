package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/provscan/provscan/scanner/rules"
)

// SRCROOT is the SARIF base URI id that finding locations are relative to.
const SRCROOT = "%SRCROOT%"

// InformationURI is the project page written into SARIF reports.
const InformationURI = "https://github.com/provscan/provscan"

// sarifLevel maps a severity to a SARIF result level.
func sarifLevel(s rules.Severity) string {
	switch {
	case s >= rules.High:
		return "error"
	case s == rules.Medium:
		return "warning"
	default:
		return "note"
	}
}

// securitySeverity is the numeric severity code-scanning dashboards sort by.
var securitySeverity = map[rules.Severity]string{
	rules.Critical: "9.5", rules.High: "8.0", rules.Medium: "5.5", rules.Low: "3.0", rules.Info: "1.0",
}

func init() {
	Register(Format{Name: "sarif", Rank: 2, Write: func(w io.Writer, r *Report, _ TextOptions) error { return WriteSARIF(w, r) }})
}

// WriteSARIF writes r as a SARIF 2.1.0 log: one rule descriptor per rule of
// the table, one result per finding with its location relative to the
// scanned root (uriBaseId %SRCROOT%, or ROOTn for the n-th extra root), the
// evidence in the message and the properties, approved and allowed findings
// as accepted external suppressions. What was not inspected (scan errors,
// unreadable files, files of unsupported formats) becomes tool execution
// notifications, at level error when it fails the gate, else warning; the
// gate's verdict and reasons are in the invocation (exitCode and its
// description, and the "gate" property). A completed scan is a successful
// execution whatever the verdict: only an interrupted scan is not.
func WriteSARIF(w io.Writer, r *Report) error {
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return err
	}
	driver := sarif.NewDriver("provscan").WithInformationURI(InformationURI)
	if r.Tool.Version != "" {
		driver.WithVersion(r.Tool.Version)
	}
	index := map[string]int{}
	for i, rule := range rules.Table {
		index[rule.ID] = i
		d := sarif.NewRule(rule.ID).WithName(ruleName(rule.ID)).WithDescription(rule.Title).
			WithFullDescription(sarif.NewMultiformatMessageString(rule.Help)).
			WithHelpURI(InformationURI + "#rules")
		principle := rule.Principle
		if principle == "" {
			principle = "none"
		}
		d.Help = sarif.NewMultiformatMessageString(fmt.Sprintf("%s\n\nSeverity: %s. Principle: %s.", rule.Help, rule.Severity, principle)).
			WithMarkdown(fmt.Sprintf("%s\n\n**Severity:** %s. **Principle:** `%s`.", rule.Help, rule.Severity, principle))
		d.DefaultConfiguration = &sarif.ReportingConfiguration{Level: sarifLevel(rule.Severity)}
		d.Properties = sarif.Properties{
			"principle":         principle,
			"severity":          rule.Severity.String(),
			"security-severity": securitySeverity[rule.Severity],
			"tags":              []string{"provenance", "generative-ai", principle},
		}
		driver.AddRule(d)
	}
	run := sarif.NewRun(*sarif.NewTool(driver))
	bases := map[string]*sarif.ArtifactLocation{}
	baseOf := map[string]string{}
	for i, root := range r.Roots {
		id := SRCROOT
		if i > 0 {
			id = fmt.Sprintf("ROOT%d", i)
		}
		baseOf[root] = id
		loc := sarif.NewArtifactLocation().WithDescriptionText("scanned root " + root)
		if i < len(r.RootDirs) {
			loc.WithUri(fileURI(r.RootDirs[i]))
		}
		bases[id] = loc
	}
	run.WithOriginalUriBaseIds(bases)
	base := func(root string) string {
		if id, ok := baseOf[root]; ok {
			return id
		}
		return SRCROOT
	}

	for _, f := range r.Findings {
		res := sarif.NewRuleResult(f.Rule).WithRuleIndex(index[f.Rule]).WithLevel(sarifLevel(f.Severity)).
			WithMessage(sarif.NewTextMessage(sarifMessage(f)))
		art := sarif.NewArtifactLocation().WithUri(relURI(f.Path)).WithUriBaseId(base(f.Root))
		res.AddLocation(sarif.NewLocation().WithPhysicalLocation(sarif.NewPhysicalLocation().WithArtifactLocation(art)))
		if f.Fingerprint != "" {
			res.WithPartialFingerPrints(map[string]any{"provscanFingerprint/v2": f.Fingerprint})
		}
		props := sarif.Properties{
			"severity":   f.Severity.String(),
			"principle":  f.Principle,
			"confidence": f.Confidence,
			"format":     f.Format,
			"size":       f.Size,
			"status":     f.Status,
			"fails_gate": f.FailsGate,
			"evidence":   nonNilList(f.Evidence),
		}
		if f.SHA256 != "" {
			props["sha256"] = f.SHA256
		}
		if f.Generator != "" {
			props["generator"] = f.Generator
		}
		if f.Note != "" {
			props["note"] = f.Note
		}
		if f.Reason != "" {
			props["reason"] = f.Reason
		}
		if f.LinkTarget != "" {
			props["link_target"] = f.LinkTarget
		}
		if f.Sequence != "" {
			props["sequence"] = f.Sequence
		}
		if f.Frame != nil {
			props["frame"] = *f.Frame
		}
		if f.Package != nil {
			props["package"] = f.Package
		}
		res.Properties = props
		switch f.Status {
		case StatusApproved:
			j := "approved: " + f.Approval.Reference + " by " + f.Approval.ApprovedBy
			if f.Approval.Expires != "" {
				j += " until " + f.Approval.Expires
			}
			res.AddSuppression(sarif.NewSuppression("external").WithStatus("accepted").WithJustifcation(j))
		case StatusAllowed:
			res.AddSuppression(sarif.NewSuppression("external").WithStatus("accepted").WithJustifcation("allowed by policy: " + f.Reason))
		}
		run.AddResult(res)
	}

	inv := &sarif.Invocation{}
	ok := !r.Incomplete
	inv.ExecutionSuccessful = &ok
	notify := func(id, level, root, p, msg string, props sarif.Properties) {
		n := sarif.NewNotification().WithLevel(level).WithMessage(sarif.NewTextMessage(msg)).
			WithDescriptor(sarif.NewReportingDescriptorReference().WithId(id))
		art := sarif.NewArtifactLocation().WithUri(relURI(p)).WithUriBaseId(base(root))
		n.WithLocations([]*sarif.Location{sarif.NewLocation().WithPhysicalLocation(sarif.NewPhysicalLocation().WithArtifactLocation(art))})
		n.Properties = props
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	g := r.Gate
	level := func(fails bool) string {
		if fails {
			return "error"
		}
		return "warning"
	}
	unreadableFails := g == nil || (g.Strict && !g.AllowUnreadable)
	for _, e := range r.Errors {
		notify("not-inspected", level(unreadableFails), e.Root, e.Path, e.Path+": not inspected: "+e.Error, nil)
	}
	for _, f := range r.Findings {
		if f.Rule == rules.Unreadable {
			notify("not-inspected", level(f.FailsGate), f.Root, f.Path, f.Path+": not inspected: "+f.Message, nil)
		}
	}
	for _, u := range r.Unsupported {
		msg := fmt.Sprintf("%s: not inspected: a format provscan does not read (%d bytes", u.Path, u.Size)
		if u.LooksLike != "" {
			msg += ", looks like " + u.LooksLike
		}
		msg += ")"
		props := sarif.Properties{"size": u.Size, "head": u.Head}
		if u.LooksLike != "" {
			props["looks_like"] = u.LooksLike
		}
		notify("unsupported-format", level(g != nil && g.Unsupported == UnsupportedFail), u.Root, u.Path, msg, props)
	}
	if g != nil {
		code, desc := 0, "gate passed"
		if g.Failed {
			code, desc = 1, "gate failed"
			if len(g.Reasons) > 0 {
				desc += ": " + strings.Join(g.Reasons, "; ")
			}
		}
		if r.Incomplete {
			code, desc = 2, "scan interrupted: the results are incomplete"
		}
		inv.ExitCode, inv.ExitCodeDescription = &code, &desc
		reasons := g.Reasons
		if reasons == nil {
			reasons = []string{}
		}
		inv.Properties = sarif.Properties{"gate": map[string]any{
			"failed": g.Failed, "fail_on": g.FailOn, "failing": g.Failing, "not_inspected": g.NotInspected,
			"unsupported": g.Unsupported, "allow_unreadable": g.AllowUnreadable, "allow_empty": g.AllowEmpty,
			"reasons": reasons,
		}}
	}
	if p := r.Policy; p != nil {
		// The policy in force, as the JSON report names it: what decided the gate.
		if inv.Properties == nil {
			inv.Properties = sarif.Properties{}
		}
		inv.Properties["policy"] = map[string]any{
			"files": nonNilList(p.Files), "not_applied": nonNilList(p.NotApplied), "tree_policy": p.TreePolicy,
			"excluded": r.Summary.Excluded, "excluded_paths": nonNilList(p.Excluded),
		}
	}
	run.Invocations = []*sarif.Invocation{inv}
	// What was read and what was not, and the groups of files, as the JSON
	// report has them.
	run.Properties = sarif.Properties{"sequences": nonNilList(r.Sequences), "packages": nonNilList(r.Packages)}
	if r.Coverage != nil {
		run.Properties["coverage"] = r.Coverage
	}
	log.AddRun(run)

	var raw bytes.Buffer
	if err := log.Write(&raw); err != nil {
		return err
	}
	// go-sarif writes some absent optional members as null, which the SARIF
	// schema rejects: drop them.
	var doc any
	dec := json.NewDecoder(&raw)
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(dropNulls(doc))
}

func sarifMessage(f Finding) string {
	var b strings.Builder
	b.WriteString(f.Message)
	for i, e := range f.Evidence {
		if i == 3 {
			fmt.Fprintf(&b, "\n(+%d more evidence items in the properties)", len(f.Evidence)-3)
			break
		}
		loc := e.Container
		if e.Location != "" {
			loc += " > " + e.Location
		}
		fmt.Fprintf(&b, "\nEvidence: %s at offset %d, %s = %q", loc, e.Offset, e.Field, e.Value)
	}
	switch f.Status {
	case StatusApproved, StatusAllowed, StatusExpired:
		b.WriteString("\nStatus: " + f.Status)
	}
	if f.Note != "" {
		b.WriteString("\nNote: " + f.Note)
	}
	return b.String()
}

// nonNilList returns l, or an empty list for nil (SARIF has no null lists).
func nonNilList[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}

// ruleName turns a rule ID into the PascalCase name SARIF viewers show.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		if part == "" {
			continue
		}
		if part == "genai" {
			b.WriteString("GenAI")
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// relURI escapes a '/'-separated relative path as a relative URI reference.
// Leading slashes are dropped: "/a" or "//a" would read as an absolute path
// or an authority.
func relURI(p string) string {
	p = strings.TrimLeft(p, "/")
	if p == "" {
		return "."
	}
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	u := strings.Join(parts, "/")
	if strings.Contains(parts[0], ":") {
		u = "./" + u // a first segment with ':' would read as a scheme
	}
	return u
}

// fileURI returns the file: URI of an absolute folder, ending with '/'.
func fileURI(dir string) string {
	if strings.Contains(dir, "://") { // a root in object storage: its URL (without query)
		return strings.TrimSuffix(dir, "/") + "/"
	}
	if !strings.HasPrefix(dir, "/") {
		dir = "/" + dir // Windows drive paths: file:///C:/...
	}
	u := url.URL{Scheme: "file", Path: strings.TrimSuffix(dir, "/") + "/"}
	return u.String()
}

func dropNulls(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if x == nil {
				delete(t, k)
				continue
			}
			t[k] = dropNulls(x)
		}
	case []any:
		for i, x := range t {
			t[i] = dropNulls(x)
		}
	}
	return v
}
