// Package par runs the parallel parts of subspace's kernels (sparse
// matrix-vector products, dot products, vector updates) on a small set of
// long-lived worker goroutines.
//
// Why a pool: starting goroutines for each product allocates (the go
// statement's closure escapes to the heap) and costs a few microseconds;
// kernels called thousands of times per solve must allocate nothing. The
// workers are started on first use, one fewer than GOMAXPROCS (the calling
// goroutine does one part itself); after a part they poll for the next
// job for spinFor (100 µs) and only then park on a channel, and the caller
// polls for their parts as long before it blocks, because parking and
// waking a thread costs more than a mid-sized kernel (see spinFor). They
// hold no data between calls: results never depend on the pool, only on
// how the caller splits its work.
//
// Callers avoid allocation by passing a Body that is a pointer to a
// reusable job value (typically taken from a sync.Pool).
package par

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Body is one parallel loop: Run(p) does part p of the work.
// Run must be safe to call concurrently for different p.
type Body interface {
	Run(part int)
}

// job is one call of Run. Parts are claimed dynamically from next, so
// whichever goroutine is running takes the next part: a worker the OS has
// descheduled delays nothing, because the caller (and the other workers)
// take over the parts it has not claimed. Jobs are pooled; refs counts the
// goroutines that may still touch the job, and the last one out returns
// it to the pool, so a late worker can never claim a part of a later call.
type job struct {
	body  Body
	parts int32
	next  atomic.Int32
	refs  atomic.Int32
	wg    sync.WaitGroup // one per part, Done when the part has run
	done  atomic.Int32   // parts finished, for the caller's spin-wait
	// panicked holds the value of the first part that panicked, which
	// Run panics with once every part has finished.
	panicked atomic.Pointer[partPanic]
}

// partPanic is the value a part panicked with.
type partPanic struct{ v any }

var jobs = sync.Pool{New: func() any { return new(job) }}

type pool struct {
	mu      sync.Mutex
	workers int
	tasks   chan *job
}

// workers is the process-wide pool; it is a cache of parked goroutines,
// not state that affects any result.
var workers = &pool{tasks: make(chan *job, 1024)}

func (p *pool) ensure(n int) {
	p.mu.Lock()
	for p.workers < n {
		go worker(p.tasks)
		p.workers++
	}
	p.mu.Unlock()
}

// spinFor is how long a goroutine polls before it parks: a worker after
// its part, waiting for the next job, and the caller waiting for the
// workers' parts. Parking and waking an OS thread costs 50–100 µs on the
// 2-vCPU VM this was measured on (a halted vCPU is woken by the
// hypervisor), more than a whole Gram–Schmidt pass over 10⁴ unknowns: a
// worker that parked between the kernels of one solver step started its
// part of the next kernel 65 µs late (median), and on parts shorter than
// that the caller ended up doing all of them. Kernels of a solver follow
// each other within microseconds, so polling for a while keeps the pool
// hot during a solve and lets it park between solves; OpenMP runtimes and
// MPI's busy-polling collectives do the same. The price is at most this
// much CPU time per parallel region on each idle worker.
const spinFor = 100 * time.Microsecond

// spinCheck is how many polls run between two reads of the clock, and
// between two yields (runtime.Gosched, then osYield).
const spinCheck = 64

func worker(tasks <-chan *job) {
	for {
		j := poll(tasks)
		if j == nil {
			var ok bool
			if j, ok = <-tasks; !ok {
				return
			}
		}
		j.work()
		j.release()
	}
}

// poll receives from tasks without blocking for up to spinFor; nil when
// nothing came. It reads the channel's length (a plain load, no lock) and
// receives only when that is non-zero.
func poll(tasks <-chan *job) *job {
	var j *job
	spinUntil(func() bool {
		if len(tasks) == 0 {
			return false
		}
		select {
		case j = <-tasks:
			return true
		default:
			return false
		}
	})
	return j
}

// spinUntil calls ready until it returns true or spinFor has passed, and
// reports whether it did. Every spinCheck calls it yields to the other
// goroutines of its P (runtime.Gosched) and to other threads of the
// machine (osYield), so that a pool on an oversubscribed machine gives its
// CPU to whoever has work.
func spinUntil(ready func() bool) bool {
	var start time.Time // read lazily: most waits end before the first check
	for i := 1; !ready(); i++ {
		if i%spinCheck == 0 {
			if start.IsZero() {
				start = time.Now()
			} else if time.Since(start) > spinFor {
				return false
			}
			runtime.Gosched()
			osYield()
		}
	}
	return true
}

// work runs unclaimed parts until none is left.
func (j *job) work() {
	for {
		p := j.next.Add(1) - 1
		if p >= j.parts {
			return
		}
		j.runPart(int(p))
		j.done.Add(1)
		j.wg.Done()
	}
}

// runPart runs part p, recording a panic instead of letting it unwind: on
// a worker an unrecovered panic would kill the process (and leave the
// caller's wait unfinished), where the same panic raised by the calling
// goroutine, or with GOMAXPROCS = 1, reaches the caller of Run.
func (j *job) runPart(p int) {
	defer func() {
		if r := recover(); r != nil {
			j.panicked.CompareAndSwap(nil, &partPanic{r})
		}
	}()
	j.body.Run(p)
}

// runInline runs part p on the calling goroutine and returns the value it
// panicked with, or nil.
func runInline(body Body, p int) (pp *partPanic) {
	defer func() {
		if r := recover(); r != nil {
			pp = &partPanic{r}
		}
	}()
	body.Run(p)
	return nil
}

// spinWait polls for the other goroutines' parts for up to spinFor, so
// that the caller is not parked (and woken late) when they finish within
// that time; wg.Wait then returns at once, or blocks for the rest.
func (j *job) spinWait() {
	spinUntil(func() bool { return j.done.Load() >= j.parts })
}

func (j *job) release() {
	if j.refs.Add(-1) == 0 {
		j.body = nil
		jobs.Put(j)
	}
}

// Procs returns the number of parts worth splitting work into:
// GOMAXPROCS, at least 1.
func Procs() int {
	n := runtime.GOMAXPROCS(0)
	if n < 1 {
		n = 1
	}
	return n
}

// Run calls body.Run(p) once for every p in [0, parts) (part 0 alone when
// parts ≤ 1) and returns when all have finished. Up to parts−1 pool workers help the calling goroutine;
// parts are claimed dynamically, so which goroutine runs a part varies
// between calls (bodies must make each part's result independent of that,
// which they do by writing only the part's own outputs). With parts ≤ 1 it
// runs part 0 inline. It allocates nothing once the pools have warmed up.
// If parts panic, Run still waits for every part to finish, then panics
// with the value of the first of them to panic, whichever goroutine ran
// it; the pool stays usable.
// body.Run may call Run itself (NewASM's subdomain factorisations do): the
// inner caller runs every part no idle worker claims, so a nested call
// cannot deadlock, though it gains no parallelism while the outer call
// keeps the workers busy.
func Run(parts int, body Body) {
	if parts <= 1 {
		body.Run(0)
		return
	}
	helpers := min(parts-1, Procs()-1)
	if helpers <= 0 {
		// No worker to help (GOMAXPROCS = 1): run every part here, also
		// after one has panicked, as the pool does.
		var first *partPanic
		for p := 0; p < parts; p++ {
			if pp := runInline(body, p); pp != nil && first == nil {
				first = pp
			}
		}
		if first != nil {
			panic(first.v)
		}
		return
	}
	workers.ensure(helpers)
	j := jobs.Get().(*job)
	j.body = body
	j.parts = int32(parts)
	j.next.Store(0)
	j.refs.Store(int32(helpers + 1))
	j.done.Store(0)
	j.panicked.Store(nil)
	j.wg.Add(parts)
	for i := 0; i < helpers; i++ {
		select {
		case workers.tasks <- j:
		default:
			// The queue is full: every worker is busy (nested calls
			// from many of them fill it). The parts nobody claims are
			// run below by this goroutine, and blocking here could
			// deadlock when every worker is itself blocked in a send.
			j.refs.Add(-1)
		}
	}
	j.work()
	j.spinWait()
	j.wg.Wait()
	pp := j.panicked.Load()
	j.release()
	if pp != nil {
		panic(pp.v)
	}
}

// Split returns the half-open range [lo, hi) of part p when n items are
// split into parts nearly equal contiguous ranges.
func Split(n, parts, p int) (lo, hi int) {
	q, r := n/parts, n%parts
	lo = p*q + min(p, r)
	hi = lo + q
	if p < r {
		hi++
	}
	return lo, hi
}
