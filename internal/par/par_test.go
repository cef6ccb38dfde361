package par

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

func TestSplitCoversRange(t *testing.T) {
	for _, n := range []int{0, 1, 5, 7, 100, 101} {
		for _, parts := range []int{1, 2, 3, 8} {
			next := 0
			for p := 0; p < parts; p++ {
				lo, hi := Split(n, parts, p)
				if lo != next || hi < lo {
					t.Fatalf("Split(%d,%d,%d) = [%d,%d), want start %d", n, parts, p, lo, hi, next)
				}
				if hi-lo > n/parts+1 {
					t.Fatalf("Split(%d,%d,%d) unbalanced: %d items", n, parts, p, hi-lo)
				}
				next = hi
			}
			if next != n {
				t.Fatalf("Split(%d,%d) covers [0,%d)", n, parts, next)
			}
		}
	}
}

type countBody struct{ hits [64]atomic.Int32 }

func (c *countBody) Run(p int) { c.hits[p].Add(1) }

func TestRunRunsEveryPartOnce(t *testing.T) {
	for _, parts := range []int{0, 1, 2, 5, 16} {
		var c countBody
		Run(parts, &c)
		for p := 0; p < 16; p++ {
			want := int32(0)
			if p < max(parts, 1) {
				want = 1
			}
			if got := c.hits[p].Load(); got != want {
				t.Fatalf("parts=%d: part %d ran %d times, want %d", parts, p, got, want)
			}
		}
	}
}

// nestedBody runs an inner Run from every part of an outer one, each
// part first waiting (up to a second) until 64 outer parts have started,
// so that all goroutines queue their inner helpers at once.
type nestedBody struct {
	inner   [256]countBody
	started atomic.Int32
}

func (b *nestedBody) Run(p int) {
	b.started.Add(1)
	for t0 := time.Now(); b.started.Load() < 64 && time.Since(t0) < time.Second; {
		runtime.Gosched()
	}
	Run(len(b.inner[p].hits), &b.inner[p])
}

// A Run inside a Run finishes and runs every inner part once, also with
// many workers: 64 goroutines each queueing 63 helpers, four times over,
// overflow the task queue, and a blocking send there deadlocked them all.
func TestRunNested(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(64))
	for range 5 {
		var b nestedBody
		done := make(chan struct{})
		go func() {
			Run(len(b.inner), &b)
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("nested Run did not finish in 30 s (deadlock)")
		}
		for i := range b.inner {
			for p := range b.inner[i].hits {
				if got := b.inner[i].hits[p].Load(); got != 1 {
					t.Fatalf("outer part %d: inner part %d ran %d times, want 1", i, p, got)
				}
			}
		}
	}
}

func TestRunAllocationFree(t *testing.T) {
	var c countBody
	Run(4, &c)
	if a := testing.AllocsPerRun(100, func() { Run(4, &c) }); a != 0 {
		t.Fatalf("Run allocates %v times", a)
	}
}

// orderBody records which parts ran.
type orderBody struct {
	ran [4]atomic.Bool
}

func (o *orderBody) Run(p int) { o.ran[p].Store(true) }

func TestRunManyCallsConcurrently(t *testing.T) {
	// Concurrent callers share the pool; every part of every call runs once.
	done := make(chan bool)
	for g := 0; g < 8; g++ {
		go func() {
			ok := true
			for k := 0; k < 200; k++ {
				var o orderBody
				Run(4, &o)
				for p := range o.ran {
					ok = ok && o.ran[p].Load()
				}
			}
			done <- ok
		}()
	}
	for g := 0; g < 8; g++ {
		if !<-done {
			t.Fatal("a part did not run")
		}
	}
}

// slowBody counts the runs of each part and busy-waits d in each, so
// that the workers really take parts.
type slowBody struct {
	hits [8]atomic.Int32
	d    time.Duration
}

func (s *slowBody) Run(p int) {
	for t := time.Now(); time.Since(t) < s.d; {
	}
	s.hits[p].Add(1)
}

func TestRunAfterWorkersPark(t *testing.T) {
	// Calls back to back (workers still polling) and calls after more
	// than spinFor of idleness (workers parked on the channel) both run
	// every part exactly once and return only when all have run.
	for _, gap := range []time.Duration{0, 3 * spinFor} {
		for k := 0; k < 20; k++ {
			time.Sleep(gap)
			s := slowBody{d: 20 * time.Microsecond}
			Run(8, &s)
			for p := range s.hits {
				if got := s.hits[p].Load(); got != 1 {
					t.Fatalf("gap %v, call %d: part %d ran %d times", gap, k, p, got)
				}
			}
		}
	}
}

// panicBody panics in every part, each part first waiting (up to a
// second) until two parts have started, so that at least one part runs on
// a pool worker and not on the calling goroutine.
type panicBody struct {
	started atomic.Int32
	hits    [8]atomic.Int32
}

func (b *panicBody) Run(p int) {
	b.started.Add(1)
	for t0 := time.Now(); b.started.Load() < 2 && time.Since(t0) < time.Second; {
		runtime.Gosched()
	}
	b.hits[p].Add(1)
	panic(p)
}

// A panic in a part reaches the caller of Run, as it does when the part
// runs inline (GOMAXPROCS = 1), whichever goroutine ran it, after every
// part has finished; and the pool keeps working. A panic on a pool
// worker used to kill the process.
func TestRunPanicInPart(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	for k := 0; k < 20; k++ {
		var b panicBody
		r := func() (r any) {
			defer func() { r = recover() }()
			Run(len(b.hits), &b)
			return nil
		}()
		if p, ok := r.(int); !ok || p < 0 || p >= len(b.hits) {
			t.Fatalf("call %d: Run panicked with %v, want a part number", k, r)
		}
		for p := range b.hits {
			if got := b.hits[p].Load(); got != 1 {
				t.Fatalf("call %d: part %d ran %d times, want 1", k, p, got)
			}
		}
		var c countBody
		Run(4, &c)
		for p := range 4 {
			if got := c.hits[p].Load(); got != 1 {
				t.Fatalf("after a panic: part %d ran %d times, want 1", p, got)
			}
		}
	}
}

// panicPartBody counts the runs of each part and panics in part bad.
type panicPartBody struct {
	hits [8]atomic.Int32
	bad  int
}

func (b *panicPartBody) Run(p int) {
	b.hits[p].Add(1)
	if p == b.bad {
		panic(p)
	}
}

// Every part runs once even when one panics, and Run then panics with
// that part's value, whatever GOMAXPROCS is. With GOMAXPROCS = 1 the
// parts ran inline and a panic skipped the parts after it.
func TestRunPanicRunsEveryPart(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, tc := range []struct{ procs, bad int }{
		{1, 0}, {1, 3}, {1, 7}, {2, 0}, {2, 5}, {4, 0}, {4, 7},
	} {
		runtime.GOMAXPROCS(tc.procs)
		b := panicPartBody{bad: tc.bad}
		r := func() (r any) {
			defer func() { r = recover() }()
			Run(len(b.hits), &b)
			return nil
		}()
		if r != tc.bad {
			t.Errorf("GOMAXPROCS=%d, part %d panics: Run panicked with %v", tc.procs, tc.bad, r)
		}
		for p := range b.hits {
			if got := b.hits[p].Load(); got != 1 {
				t.Errorf("GOMAXPROCS=%d, part %d panics: part %d ran %d times, want 1", tc.procs, tc.bad, p, got)
			}
		}
	}
}
