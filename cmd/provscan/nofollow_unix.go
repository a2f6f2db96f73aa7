//go:build unix

package main

import (
	"errors"
	"syscall"
)

// oNoFollow makes an open fail on a symbolic link.
const oNoFollow = syscall.O_NOFOLLOW

// oNonBlock makes an open of a FIFO for writing fail at once (no reader)
// instead of waiting for one.
const oNonBlock = syscall.O_NONBLOCK

// isLinkError reports whether an open failed because of oNoFollow.
func isLinkError(err error) bool { return errors.Is(err, syscall.ELOOP) }
