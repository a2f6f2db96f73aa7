//go:build !unix

package main

// oNoFollow is not available here: report files may be written through links.
const oNoFollow = 0

const oNonBlock = 0

func isLinkError(error) bool { return false }
