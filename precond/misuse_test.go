package precond_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// TestZeroValueMisuse: the zero values of the factorisation-based
// preconditioners (no constructor called) report 0×0 and panic with a
// "precond:" message naming the method, not a nil dereference.
func TestZeroValueMisuse(t *testing.T) {
	var ilu precond.ILU0
	var ssor precond.SSOR
	var ic precond.IC0
	for _, d := range [][2]int{pair(ilu.Dims()), pair(ssor.Dims()), pair(ic.Dims())} {
		if d != [2]int{0, 0} {
			t.Errorf("zero value Dims = %v, want 0×0", d)
		}
	}
	v := make([]float64, 2)
	checkMisuse(t, []misuseCase{
		{"ILU0.Apply", "precond: ILU0.Apply: zero-value ILU0", func() { ilu.Apply(v, v) }},
		{"ILU0.ApplyT", "precond: ILU0.ApplyT: zero-value ILU0", func() { ilu.ApplyT(nil, nil) }},
		{"ILU0.Factors", "precond: ILU0.Factors: zero-value ILU0", func() { ilu.Factors() }},
		{"SSOR.Apply", "precond: SSOR.Apply: zero-value SSOR", func() { ssor.Apply(nil, nil) }},
		{"SSOR.ApplyT", "precond: SSOR.ApplyT: zero-value SSOR", func() { ssor.ApplyT(v, v) }},
		{"IC0.Apply", "precond: IC0.Apply: zero-value IC0", func() { ic.Apply(nil, nil) }},
		{"IC0.ApplyT", "precond: IC0.ApplyT: zero-value IC0", func() { ic.ApplyT(nil, nil) }},
		{"IC0.Factor", "precond: IC0.Factor: zero-value IC0", func() { ic.Factor() }},
	})
}

func pair(r, c int) [2]int { return [2]int{r, c} }

// misuseCase is a call that misuses the API and must panic with a
// message starting with want (the package's prefix and the function).
type misuseCase struct {
	name string
	want string
	f    func()
}

// checkMisuse runs each case and fails unless it panics with a message
// (not a runtime error) that starts with c.want.
func checkMisuse(t *testing.T, cases []misuseCase) {
	t.Helper()
	for _, c := range cases {
		msg, isRuntime, panicked := recoverMisuse(c.f)
		switch {
		case !panicked:
			t.Errorf("%s: no panic, want one starting %q", c.name, c.want)
		case isRuntime:
			t.Errorf("%s: runtime panic %q, want one starting %q", c.name, msg, c.want)
		case !strings.HasPrefix(msg, c.want):
			t.Errorf("%s: panic %q, want one starting %q", c.name, msg, c.want)
		}
	}
}

func recoverMisuse(f func()) (msg string, isRuntime, panicked bool) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		panicked = true
		_, isRuntime = r.(runtime.Error)
		msg = fmt.Sprint(r)
	}()
	f()
	return "", false, false
}

// TestPartialOverlapMisuse: dst may be x, but dst shifted over x panics
// (a forward sweep would read entries it had already written).
func TestPartialOverlapMisuse(t *testing.T) {
	A := sparse.Laplacian1D(6)
	buf := make([]float64, 7)
	dst, x := buf[1:], buf[:6]
	var cases []misuseCase
	for _, kind := range []string{"jacobi", "ssor", "ilu0", "ic0"} {
		p, err := precond.New(kind, A, nil)
		if err != nil {
			t.Fatal(err)
		}
		tp := p.(linop.Transposer)
		cases = append(cases,
			misuseCase{kind + " Apply", "precond: ", func() { tp.Apply(dst, x) }},
			misuseCase{kind + " ApplyT", "precond: ", func() { tp.ApplyT(dst, x) }})
	}
	checkMisuse(t, cases)
}
