//go:build unix

package scanner

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// maxLinkHops is how many links one path may go through, as the kernel's
// own bound (ELOOP).
const maxLinkHops = 40

// resolve returns the absolute path p names with every link resolved, as
// filepath.EvalSymlinks does, and reports whether any step passed through
// /proc, /sys or /dev: what is there depends on the process that reads it
// (/proc/self/cwd is provscan's working folder, not the delivery's), so a
// link that goes there is never judged by where it seems to lead.
func resolve(p string) (real string, kernel bool, err error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", false, err
	}
	parts := strings.Split(abs, "/")
	cur, hops := "/", 0
	for len(parts) > 0 {
		part := parts[0]
		parts = parts[1:]
		switch part {
		case "", ".":
			continue
		case "..":
			cur = filepath.Dir(cur)
			continue
		}
		next := filepath.Join(cur, part)
		kernel = kernel || kernelPath(next)
		fi, err := os.Lstat(next)
		if err != nil {
			return "", kernel, err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			cur = next
			continue
		}
		if hops++; hops > maxLinkHops {
			return "", kernel, &fs.PathError{Op: "resolve", Path: p, Err: syscall.ELOOP}
		}
		target, err := os.Readlink(next)
		if err != nil {
			return "", kernel, err
		}
		if filepath.IsAbs(target) {
			cur = "/"
		}
		parts = append(strings.Split(target, "/"), parts...)
	}
	if cur != "/" {
		if _, err := os.Stat(cur); err != nil && !errors.Is(err, fs.ErrPermission) {
			return "", kernel, err
		}
	}
	return cur, kernel, nil
}
