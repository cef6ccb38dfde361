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
)

// Body is one parallel loop: Run(p) does part p of the work.
// Run must be safe to call concurrently for different p.
type Body interface {
	Run(part int)
}

type task struct {
	body Body
	part int
	wg   *sync.WaitGroup
}

type pool struct {
	mu      sync.Mutex
	workers int
	tasks   chan task
}

// workers is the process-wide pool; it is a cache of parked goroutines,
// not state that affects any result.
var workers = &pool{tasks: make(chan task, 256)}

var wgs = sync.Pool{New: func() any { return new(sync.WaitGroup) }}

func (p *pool) ensure(n int) {
	p.mu.Lock()
	for p.workers < n {
		go worker(p.tasks)
		p.workers++
	}
	p.mu.Unlock()
}

func worker(tasks <-chan task) {
	for t := range tasks {
		t.body.Run(t.part)
		t.wg.Done()
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

// Run calls body.Run(p) for p in [0, parts), parts 1..parts-1 on pool
// workers and part 0 on the calling goroutine, and returns when all are
// done. With parts ≤ 1 it runs part 0 inline. It allocates nothing once
// the pool has warmed up.
func Run(parts int, body Body) {
	if parts <= 1 {
		body.Run(0)
		return
	}
	workers.ensure(parts - 1)
	wg := wgs.Get().(*sync.WaitGroup)
	wg.Add(parts - 1)
	for p := 1; p < parts; p++ {
		workers.tasks <- task{body: body, part: p, wg: wg}
	}
	body.Run(0)
	wg.Wait()
	wgs.Put(wg)
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
