// Package sysmem reports how much memory this process may use, for the
// checks that refuse an input whose declared size cannot fit (a few-byte
// Matrix Market or .npz file can declare 2³¹−1 rows; a datagen grid can ask
// for more than the machine) before the allocation fails, which in Go is a
// fatal error with a stack trace, or a kill by the kernel's or a
// container's out-of-memory handler.
package sysmem

import "fmt"

// Limit is an amount of memory and where the bound comes from.
type Limit struct {
	// Bytes is the bound in bytes.
	Bytes uint64
	// Source is what sets it: SourceRAM, SourceAddressSpace,
	// SourceData or SourceCgroup.
	Source string
}

// The sources of a Limit.
const (
	SourceRAM          = "RAM"
	SourceAddressSpace = "ulimit -v"
	SourceData         = "ulimit -d"
	SourceCgroup       = "cgroup"
)

// String describes the limit for an error message that reads "needs X,
// more than " + String(): "this machine's 25.3 GiB of memory", "the 3.8 GiB
// address-space limit of this process (ulimit -v)", and so on.
func (l Limit) String() string {
	b := FormatBytes(float64(l.Bytes))
	switch l.Source {
	case SourceAddressSpace, SourceData:
		what := "address-space"
		if l.Source == SourceData {
			what = "data-segment"
		}
		return fmt.Sprintf("the %s %s limit of this process (%s)", b, what, l.Source)
	case SourceCgroup:
		return fmt.Sprintf("the %s memory limit of this process's cgroup (container)", b)
	}
	return fmt.Sprintf("this machine's %s of memory", b)
}

// Usable returns the smallest of the machine's RAM, the process's
// resource limits on address space and data size, and its cgroup's
// memory limit, whichever of them are known and finite; false when none
// is (then callers skip their checks). It reads a few small files and
// makes two system calls: call it once per check, not in a loop.
func Usable() (Limit, bool) {
	return usable()
}

// FormatBytes formats a byte count with a binary unit and one decimal:
// "7.6 MiB".
func FormatBytes(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	u := 0
	for b >= 1024 && u < len(units)-1 {
		b /= 1024
		u++
	}
	return fmt.Sprintf("%.1f %s", b, units[u])
}

// smallest returns the smallest known limit of ls (Bytes > 0).
func smallest(ls []Limit) (Limit, bool) {
	var best Limit
	ok := false
	for _, l := range ls {
		if l.Bytes > 0 && (!ok || l.Bytes < best.Bytes) {
			best, ok = l, true
		}
	}
	return best, ok
}
