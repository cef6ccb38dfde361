// Package par runs the parallel parts of subspace's kernels (sparse
// matrix-vector products, dot products, vector updates) on a small set of
// long-lived worker goroutines.
//
// Why a pool: starting goroutines for each product allocates (the go
// statement's closure escapes to the heap) and costs a few microseconds;
// kernels called thousands of times per solve must allocate nothing. The
// workers are started on first use, one fewer than GOMAXPROCS (the calling
// goroutine does one part itself), and park on a channel when idle. They
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
}

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

func worker(tasks <-chan *job) {
	for j := range tasks {
		j.work()
		j.release()
	}
}

// work runs unclaimed parts until none is left.
func (j *job) work() {
	for {
		p := j.next.Add(1) - 1
		if p >= j.parts {
			return
		}
		j.body.Run(int(p))
		j.wg.Done()
	}
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
// body.Run must not call Run.
func Run(parts int, body Body) {
	if parts <= 1 {
		body.Run(0)
		return
	}
	helpers := min(parts-1, Procs()-1)
	if helpers <= 0 {
		for p := 0; p < parts; p++ {
			body.Run(p)
		}
		return
	}
	workers.ensure(helpers)
	j := jobs.Get().(*job)
	j.body = body
	j.parts = int32(parts)
	j.next.Store(0)
	j.refs.Store(int32(helpers + 1))
	j.wg.Add(parts)
	for i := 0; i < helpers; i++ {
		workers.tasks <- j
	}
	j.work()
	j.wg.Wait()
	j.release()
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
