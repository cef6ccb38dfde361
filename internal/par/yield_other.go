//go:build !linux

package par

// osYield is a no-op where sched_yield is not wired up; runtime.Gosched
// still yields to the goroutines of the process.
func osYield() {}
