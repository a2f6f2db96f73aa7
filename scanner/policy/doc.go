// Package policy is what decides a scan apart from the walk: the policy file
// (.provscan.yaml), the written approvals, the baseline, the gate, the
// settings resolved from flags, policy file and defaults, and the reading of
// these control files. It never imports the scanner: the scanner imports it.
package policy
