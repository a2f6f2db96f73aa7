package policy

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/provscan/provscan/scanner/internal/fsx"
)

// Size caps of the control files: far above any real one, far below what
// would hurt a CI runner.
const (
	MaxPolicyFile    = 1 << 20   // .provscan.yaml, .provscanignore
	MaxApprovalsFile = 64 << 20  // approvals files
	MaxBaselineFile  = 512 << 20 // baselines are whole JSON reports
)

// Control files are read by one of three rules, by who chose the file:
//
//   - named by the operator (--config, --approvals, --baseline, a policy
//     given with --config naming its approvals): ReadControlFile, any
//     regular file, links followed: the operator chose it;
//   - found by provscan inside a scanned tree (.provscan.yaml and
//     .provscanignore at a root folder): ReadTreeControlFile, never through
//     a link (opened with O_NOFOLLOW): the delivery's own file or nothing;
//   - found by provscan elsewhere, or named by a policy it found
//     (.provscan.yaml of the working folder or a parent,
//     ./provscan-approvals.yaml, a found policy's approvals):
//     ReadFoundControlFile, through a link only when the link's target lies
//     in the same folder (a link out of the folder is refused; the target
//     is then opened with O_NOFOLLOW).
//
// All of them: a regular file only, opened without blocking, within a
// size cap.

// ReadControlFile reads a control file named by the operator (policy,
// approvals, baseline, trust list): only a regular file, opened without
// blocking (a FIFO named there cannot hang the scan), and at most max bytes
// (a device or a huge file cannot exhaust memory).
func ReadControlFile(path string, max int64) ([]byte, error) {
	f, err := fsx.Open(path)
	if err != nil {
		return nil, err
	}
	return readControl(f, path, max)
}

// ReadTreeControlFile reads a control file found inside a scanned tree: as
// ReadControlFile, and never through a symbolic link, even one swapped in
// after the file was looked at.
func ReadTreeControlFile(path string, max int64) ([]byte, error) {
	return readResolved(path, path, max)
}

// ReadFoundControlFile reads a control file provscan found by itself, or
// that a policy it found names: as ReadControlFile, through a link only when
// the file it leads to lies in the same folder as the link.
func ReadFoundControlFile(path string, max int64) ([]byte, error) {
	real, err := sameFolder(path)
	if err != nil {
		return nil, err
	}
	return readResolved(real, path, max)
}

// readResolved reads real, the file display names with its links resolved
// (by confined or sameFolder; display itself for a file in a scanned tree),
// never through a link swapped in since.
func readResolved(real, display string, max int64) ([]byte, error) {
	f, err := openNoFollow(real)
	if err != nil {
		return nil, err
	}
	return readControl(f, display, max)
}

func readControl(f *os.File, path string, max int64) ([]byte, error) {
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

// linkError is the error of openNoFollow on a symbolic link.
func linkError(path string) error {
	return fmt.Errorf("%s is not a regular file (a symbolic link): a control file found by provscan is read only if it is the folder's own file", path)
}

// sameFolder returns the file path names with its links resolved, if it
// lies in the same folder as path (its folder's links resolved too).
func sameFolder(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(abs))
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", err
	}
	if filepath.Dir(real) != dir {
		return "", fmt.Errorf("%s is a symbolic link out of its folder: not read (name the file itself with a flag)", path)
	}
	return real, nil
}

// errOutside is the error of a path a found policy names outside its folder.
var errOutside = errors.New("outside the folder of the policy")

// confined returns rel (a path a found policy names) joined to dir, the
// policy's folder, with its links resolved, if it lies under dir: not
// absolute, no ".." out of it, and no link out of it on the way. A file
// that does not exist is an error (as its load would be).
func confined(dir, rel string) (joined, real string, err error) {
	if filepath.IsAbs(rel) || filepath.VolumeName(rel) != "" {
		return "", "", fmt.Errorf("%w: an absolute path", errOutside)
	}
	clean := filepath.Clean(filepath.FromSlash(rel))
	if clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return "", "", fmt.Errorf("%w: it goes up out of it", errOutside)
	}
	joined = filepath.Join(dir, clean)
	base, err := filepath.Abs(dir)
	if err != nil {
		return "", "", err
	}
	if b, err := filepath.EvalSymlinks(base); err == nil {
		base = b
	}
	real, err = filepath.EvalSymlinks(joined)
	if err != nil {
		return "", "", err
	}
	if real, err = filepath.Abs(real); err != nil {
		return "", "", err
	}
	if _, ok := fsx.Within(base, real); !ok {
		return "", "", fmt.Errorf("%w: a symbolic link out of it", errOutside)
	}
	return joined, real, nil
}
