//go:build !linux

package sysmem

// usable reports that the memory is unknown on this system: callers then
// skip their checks.
func usable() (Limit, bool) { return Limit{}, false }
