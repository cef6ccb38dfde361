//go:build !linux

package npy

import "io"

// preallocate is a no-op off Linux: the disk-space reservation NumPy makes
// with fallocate is a Linux file-system call (see prealloc_linux.go).
func preallocate(io.Writer, int64) {}
