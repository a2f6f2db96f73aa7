package scanner

import "github.com/provscan/provscan/scanner/policy"

// Resolve resolves the policy of a scan (policy.Resolve: the flags in s, then
// the policy file, then the defaults) and returns base completed with it.
// Its errors are usage or configuration errors.
func Resolve(roots []string, s policy.Settings, base Options) (Options, error) {
	p, err := policy.Resolve(roots, s)
	if err != nil {
		return base, err
	}
	return base.WithPolicy(p), nil
}

// WithPolicy returns o with the resolved policy applied: the gate, the
// walk settings the policy or the flags gave, the policy, approvals and
// baseline files, and the control files never scanned.
func (o Options) WithPolicy(p *policy.Resolved) Options {
	o.NoTreePolicy = p.NoTreePolicy
	o.FailOn = p.FailOn
	o.Unsupported = p.Unsupported
	if p.AllowUnreadable != nil {
		o.AllowUnreadable = *p.AllowUnreadable
	}
	if p.AllowEmpty != nil {
		o.AllowEmpty = *p.AllowEmpty
	}
	if p.Workers != nil {
		o.Workers = *p.Workers
	}
	if p.FollowSymlinks != nil {
		o.FollowSymlinks = *p.FollowSymlinks
	}
	o.Exclude = p.Exclude
	if p.Config != nil {
		o.Config = p.Config
	}
	if p.Approvals != nil {
		o.Approvals = p.Approvals
	}
	if p.Baseline != nil {
		o.Baseline = p.Baseline
	}
	o.ControlFiles = append(o.ControlFiles, p.ControlFiles...)
	o.Policy = p.Report
	return o
}
