//go:build unix

package sequence

import "syscall"

// processCPU returns the CPU time (user + system, seconds) the process has
// used so far, or NaN if the system does not report it.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return nan
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)*1e-6
}
