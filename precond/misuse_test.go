package precond_test

import (
	"testing"

	"github.com/subspace-lab/subspace/internal/misuse"
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
	var iluk precond.ILUK
	var ick precond.ICK
	for _, d := range [][2]int{pair(ilu.Dims()), pair(ssor.Dims()), pair(ic.Dims()), pair(iluk.Dims()), pair(ick.Dims())} {
		if d != [2]int{0, 0} {
			t.Errorf("zero value Dims = %v, want 0×0", d)
		}
	}
	v := make([]float64, 2)
	misuse.Check(t, []misuse.Case{
		{Name: "ILU0.Apply", Want: "precond: ILU0.Apply: zero-value ILU0", F: func() { ilu.Apply(v, v) }},
		{Name: "ILU0.ApplyT", Want: "precond: ILU0.ApplyT: zero-value ILU0", F: func() { ilu.ApplyT(nil, nil) }},
		{Name: "ILU0.Factors", Want: "precond: ILU0.Factors: zero-value ILU0", F: func() { ilu.Factors() }},
		{Name: "SSOR.Apply", Want: "precond: SSOR.Apply: zero-value SSOR", F: func() { ssor.Apply(nil, nil) }},
		{Name: "SSOR.ApplyT", Want: "precond: SSOR.ApplyT: zero-value SSOR", F: func() { ssor.ApplyT(v, v) }},
		{Name: "IC0.Apply", Want: "precond: IC0.Apply: zero-value IC0", F: func() { ic.Apply(nil, nil) }},
		{Name: "IC0.ApplyT", Want: "precond: IC0.ApplyT: zero-value IC0", F: func() { ic.ApplyT(nil, nil) }},
		{Name: "IC0.Factor", Want: "precond: IC0.Factor: zero-value IC0", F: func() { ic.Factor() }},
		{Name: "ILUK.Apply", Want: "precond: ILUK.Apply: zero-value ILUK", F: func() { iluk.Apply(v, v) }},
		{Name: "ILUK.ApplyT", Want: "precond: ILUK.ApplyT: zero-value ILUK", F: func() { iluk.ApplyT(nil, nil) }},
		{Name: "ILUK.Factors", Want: "precond: ILUK.Factors: zero-value ILUK", F: func() { iluk.Factors() }},
		{Name: "ICK.Apply", Want: "precond: ICK.Apply: zero-value ICK", F: func() { ick.Apply(v, v) }},
		{Name: "ICK.ApplyT", Want: "precond: ICK.ApplyT: zero-value ICK", F: func() { ick.ApplyT(nil, nil) }},
		{Name: "ICK.Factor", Want: "precond: ICK.Factor: zero-value ICK", F: func() { ick.Factor() }},
	})
}

func pair(r, c int) [2]int { return [2]int{r, c} }

// TestPartialOverlapMisuse: dst may be x, but dst shifted over x panics
// (a forward sweep would read entries it had already written).
func TestPartialOverlapMisuse(t *testing.T) {
	A := sparse.Laplacian1D(6)
	buf := make([]float64, 7)
	dst, x := buf[1:], buf[:6]
	var cases []misuse.Case
	for _, kind := range []string{"jacobi", "ssor", "ilu0", "ic0", "iluk", "ick"} {
		p, err := precond.New(kind, A, nil)
		if err != nil {
			t.Fatal(err)
		}
		tp := p.(linop.Transposer)
		cases = append(cases,
			misuse.Case{Name: kind + " Apply", Want: "precond: ", F: func() { tp.Apply(dst, x) }},
			misuse.Case{Name: kind + " ApplyT", Want: "precond: ", F: func() { tp.ApplyT(dst, x) }})
	}
	misuse.Check(t, cases)
}
