package sequence

import (
	"context"
	"time"

	"github.com/subspace-lab/subspace/sparse"
)

// pipeline assembles the systems of a run in solve order, up to prefetch
// of them ahead in background goroutines.
type pipeline struct {
	ctx      context.Context
	src      Source
	order    []int
	prefetch int
	slots    []chan assembled
	next     int // next position to launch
}

type assembled struct {
	A    *sparse.CSR
	b    []float64
	secs float64
	err  error
}

func newPipeline(ctx context.Context, src Source, order []int, prefetch int) *pipeline {
	p := &pipeline{ctx: ctx, src: src, order: order, prefetch: max(prefetch, 0)}
	if p.prefetch > 0 {
		p.slots = make([]chan assembled, len(order))
	}
	return p
}

func assemble(src Source, i int) assembled {
	t0 := time.Now()
	A, b, err := src.System(i)
	return assembled{A: A, b: b, secs: time.Since(t0).Seconds(), err: err}
}

// get returns the system at position t (positions are requested in
// increasing order).
func (p *pipeline) get(t int) (*sparse.CSR, []float64, float64, error) {
	if p.prefetch == 0 {
		a := assemble(p.src, p.order[t])
		return a.A, a.b, a.secs, a.err
	}
	for p.next < len(p.order) && p.next <= t+p.prefetch {
		ch := make(chan assembled, 1)
		p.slots[p.next] = ch
		go func(i int) { ch <- assemble(p.src, i) }(p.order[p.next])
		p.next++
	}
	a := <-p.slots[t]
	p.slots[t] = nil
	return a.A, a.b, a.secs, a.err
}

// close waits for the goroutines still assembling (their results are
// dropped), so that none outlives Run.
func (p *pipeline) close() {
	for t := range p.slots {
		if p.slots[t] != nil {
			<-p.slots[t]
			p.slots[t] = nil
		}
	}
}
