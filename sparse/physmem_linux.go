//go:build linux

package sparse

import "golang.org/x/sys/unix"

// physicalMemory returns the machine's total RAM in bytes, and false if it
// cannot be read.
func physicalMemory() (uint64, bool) {
	var si unix.Sysinfo_t
	if err := unix.Sysinfo(&si); err != nil {
		return 0, false
	}
	return uint64(si.Totalram) * uint64(si.Unit), true
}
