package ot

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
)

// TestHistory checks Options.History on every entropic method and the
// unbalanced one: one entry per evaluation of the stopping rule, at
// increasing iterations, the same values the Progress callback sees, and a
// last value below Tol when the solve converged.
func TestHistory(t *testing.T) {
	c := loadRef(t)[0]
	type run struct {
		name  string
		solve func(o *Options) (*Result, error)
	}
	var runs []run
	for _, m := range entropicMethods {
		runs = append(runs, run{m.name, func(o *Options) (*Result, error) {
			return Solve(context.Background(), m.m, c.A, c.B, c.cost(), c.Reg, o)
		}})
	}
	runs = append(runs, run{"unbalanced", func(o *Options) (*Result, error) {
		return SinkhornUnbalanced(context.Background(), c.A, c.B, c.cost(), c.Reg, 1, o)
	}})
	for _, r := range runs {
		// CheckEvery 1: SNS's Sinkhorn stage evaluates the rule at its
		// last iteration, which its Newton stage reported again.
		for _, every := range []int{0, 1} {
			t.Run(fmt.Sprintf("%s/every=%d", r.name, every), func(t *testing.T) {
				var seenIt []int
				var seenV []float64
				tol := 1e-10
				o := &Options{Tol: tol, MaxIter: 100000, History: true, CheckEvery: every, Progress: func(it int, v float64) {
					seenIt = append(seenIt, it)
					seenV = append(seenV, v)
				}}
				res, err := r.solve(o)
				if err != nil {
					t.Fatal(err)
				}
				h, its := res.History, res.HistoryIters
				if len(h) == 0 || len(h) != len(its) {
					t.Fatalf("history of %d values and %d iterations", len(h), len(its))
				}
				for k := 1; k < len(its); k++ {
					if its[k] <= its[k-1] {
						t.Fatalf("iterations not increasing at entry %d: %v", k, its[max(0, k-3):k+1])
					}
				}
				// Progress saw the same evaluations (plus NaN stage marks for
				// ε-scaling, which the history leaves out).
				j := 0
				for k := range seenV {
					if seenV[k] != seenV[k] {
						continue
					}
					if j >= len(h) || seenIt[k] != its[j] || seenV[k] != h[j] {
						t.Fatalf("progress call %d (%d, %g) is not history entry %d", k, seenIt[k], seenV[k], j)
					}
					j++
				}
				if j != len(h) {
					t.Fatalf("progress saw %d evaluations, history holds %d", j, len(h))
				}
				if res.Converged && h[len(h)-1] >= tol {
					t.Errorf("converged, but the last recorded value %g is not below Tol", h[len(h)-1])
				}
			})
		}
	}
	// Off by default.
	res, err := SinkhornLog(context.Background(), c.A, c.B, c.cost(), c.Reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.History != nil || res.HistoryIters != nil {
		t.Fatal("history recorded without Options.History")
	}
}

// TestHistoryAgainstPOT compares Result.History with POT's log["err"] of
// ot.sinkhorn (log-domain and scaling, stopThr 1e-9, 1000 iterations) on
// every reference case: the same evaluations at the same iterations, with
// values equal to rounding (relative 1e-6, or 1e-15 absolute near zero;
// the two codes sum in different orders).
func TestHistoryAgainstPOT(t *testing.T) {
	for _, c := range loadRef(t) {
		for _, m := range []struct {
			name string
			m    Method
			want []float64
		}{{"sinkhorn-log", MethodSinkhornLog, c.LogErr}, {"sinkhorn", MethodSinkhorn, c.ScalingErr}} {
			t.Run(c.Name+"/"+m.name, func(t *testing.T) {
				if len(m.want) == 0 {
					t.Fatal("reference has no history")
				}
				res, err := Solve(context.Background(), m.m, c.A, c.B, c.cost(), c.Reg, &Options{Tol: 1e-9, MaxIter: 1000, History: true})
				if err != nil && !errors.Is(err, ErrNotConverged) {
					t.Fatal(err)
				}
				if len(res.History) != len(m.want) {
					t.Fatalf("%d evaluations, POT %d", len(res.History), len(m.want))
				}
				for k, w := range m.want {
					if it := res.HistoryIters[k]; it != 1+10*k {
						t.Fatalf("evaluation %d after iteration %d, POT's after %d", k, it, 1+10*k)
					}
					if d := math.Abs(res.History[k] - w); d > 1e-6*w && d > 1e-15 {
						t.Fatalf("evaluation %d: %.10g, POT %.10g", k, res.History[k], w)
					}
				}
			})
		}
	}
}

// stepCtx is a context whose Err reports cancellation from its after-th
// call on (and whose Done is closed from then): a cancel that arrives at
// a known point of an iteration loop that polls Err, without timing.
type stepCtx struct {
	context.Context
	calls, after int
	done         chan struct{}
}

func newStepCtx(after int) *stepCtx {
	return &stepCtx{Context: context.Background(), after: after, done: make(chan struct{})}
}

func (c *stepCtx) Err() error {
	if c.calls++; c.calls == c.after {
		close(c.done)
	}
	if c.calls >= c.after {
		return context.Canceled
	}
	return nil
}

func (c *stepCtx) Done() <-chan struct{} { return c.done }

// A cancel is noticed within an iteration whatever CheckEvery is: the
// Sinkhorn loops polled the context only when the stopping rule was due
// (CheckEvery 1000: a thousand iterations late, and stabilized, which
// evaluates it less often, ran on to MaxIter).
func TestCancelBetweenChecks(t *testing.T) {
	c := loadRef(t)[0]
	for _, m := range entropicMethods {
		t.Run(m.name, func(t *testing.T) {
			ctx := newStepCtx(5)
			_, err := Solve(ctx, m.m, c.A, c.B, c.cost(), c.Reg, &Options{Tol: 1e-300, MaxIter: 5000, CheckEvery: 1000})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want the cancellation", err)
			}
			if ctx.calls > 50 {
				t.Errorf("the context was polled %d times before the solve returned", ctx.calls)
			}
		})
	}
}
