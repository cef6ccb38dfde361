package par

import "syscall"

// osYield offers the CPU to another runnable thread of the machine, if
// there is one (sched_yield(2)); it returns at once otherwise.
func osYield() { syscall.RawSyscall(syscall.SYS_SCHED_YIELD, 0, 0, 0) }
