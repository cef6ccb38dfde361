//go:build !unix

package sequence

// processCPU is not available on this system.
func processCPU() float64 { return nan }
