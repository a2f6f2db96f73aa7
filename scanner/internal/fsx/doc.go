// Package fsx opens the files provscan reads: read-only and, where the
// system allows, without blocking (a FIFO cannot hang a reader). Within is
// the one test of whether a path lies under a folder.
package fsx
