package policy

import (
	"fmt"
	"io"

	"github.com/provscan/provscan/scanner/internal/fsx"
)

// Size caps of the control files: far above any real one, far below what
// would hurt a CI runner.
const (
	MaxPolicyFile    = 1 << 20   // .provscan.yaml, .provscanignore
	MaxApprovalsFile = 64 << 20  // approvals files
	MaxBaselineFile  = 512 << 20 // baselines are whole JSON reports
)

// ReadControlFile reads a control file (policy, approvals, baseline, ignore,
// trust list): only a regular file, opened without blocking (a FIFO named
// there cannot hang the scan), and at most max bytes (a device or a huge
// file cannot exhaust memory).
func ReadControlFile(path string, max int64) ([]byte, error) {
	f, err := fsx.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (%s)", path, fi.Mode().Type())
	}
	if fi.Size() > max {
		return nil, fmt.Errorf("%s is larger than %d bytes (%d)", path, max, fi.Size())
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, max)
	}
	return b, nil
}
