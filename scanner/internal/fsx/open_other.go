//go:build !unix

package fsx

import "os"

// Open opens a file read-only.
func Open(name string) (*os.File, error) { return os.Open(name) }
