//go:build !linux

package main

import "os"

// isTerminal reports whether f is a terminal: off Linux it is taken to be
// none, and the password is read as any other input (pipe it in).
func isTerminal(f *os.File) bool { return false }

func withoutEcho(f *os.File, read func() error) error { return read() }
