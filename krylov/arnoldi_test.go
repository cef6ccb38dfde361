package krylov

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/internal/vec"
	"github.com/subspace-lab/subspace/linop"
)

// orthonormalBasis returns k random orthonormal vectors of length n.
func orthonormalBasis(t *testing.T, rng *rand.Rand, n, k int) [][]float64 {
	t.Helper()
	basis := make([][]float64, 0, k)
	h := make([]float64, k)
	tmp := make([]float64, k)
	for len(basis) < k {
		w := make([]float64, n)
		for i := range w {
			w[i] = rng.NormFloat64()
		}
		nrm := orthogonalize(basis, w, h, tmp, OrthogAuto)
		vec.Scale(1/nrm, w)
		basis = append(basis, w)
	}
	return basis
}

// nearlyDependent returns Σ (j+1) q_j plus noise of size eps.
func nearlyDependent(rng *rand.Rand, basis [][]float64, eps float64) []float64 {
	w := make([]float64, len(basis[0]))
	for j, v := range basis {
		vec.Axpy(float64(j+1), v, w)
	}
	for i := range w {
		w[i] += eps * rng.NormFloat64()
	}
	return w
}

// maxCos returns max_j |q_jᵀw|/‖w‖.
func maxCos(basis [][]float64, w []float64) float64 {
	c := 0.0
	for _, v := range basis {
		c = math.Max(c, math.Abs(vec.Dot(v, w))/vec.Norm(w))
	}
	return c
}

// TestOrthogonalizeNearlyDependent feeds vectors that are almost in the
// span of the basis — where one classical Gram–Schmidt pass loses
// orthogonality — and checks, for the two reorthogonalising modes, that
// the remainder is orthogonal to working precision and the coefficients
// reconstruct the input.
func TestOrthogonalizeNearlyDependent(t *testing.T) {
	const n, k = 5000, 12
	for _, mode := range []Orthog{OrthogAuto, OrthogTwice} {
		rng := rand.New(rand.NewPCG(1, 2))
		basis := orthonormalBasis(t, rng, n, k)
		h := make([]float64, k)
		tmp := make([]float64, k)
		for _, eps := range []float64{1e-3, 1e-8, 1e-12} {
			w := nearlyDependent(rng, basis, eps)
			w0 := append([]float64(nil), w...)
			nrm := orthogonalize(basis, w, h, tmp, mode)
			// Remainder orthogonal to the basis relative to its own size.
			if c := maxCos(basis, w); c > 1e-12 {
				t.Errorf("%v, eps=%g: max |qᵀw|/‖w‖ = %g after orthogonalisation", mode, eps, c)
			}
			// w0 = Σ h_j q_j + w.
			rec := append([]float64(nil), w...)
			vec.MultiAxpy(rec, h, basis)
			for i := range rec {
				if math.Abs(rec[i]-w0[i]) > 1e-12*vec.Norm(w0) {
					t.Fatalf("%v, eps=%g: coefficients do not reconstruct the input", mode, eps)
				}
			}
			if math.Abs(nrm-vec.Norm(w)) > 1e-15*nrm {
				t.Fatalf("%v: returned norm %g, ‖w‖ = %g", mode, nrm, vec.Norm(w))
			}
		}
	}
}

// TestOrthogonalizeOnce checks OrthogOnce is one exact classical pass:
// orthogonal to working precision on a well-separated input, and losing
// orthogonality by the amount classical Gram–Schmidt is known to on a
// nearly dependent one (about ε‖w₀‖/‖w‖: 3e-5 at 1e-12 noise here), which
// is what the other modes repair.
func TestOrthogonalizeOnce(t *testing.T) {
	const n, k = 5000, 12
	rng := rand.New(rand.NewPCG(3, 4))
	basis := orthonormalBasis(t, rng, n, k)
	h := make([]float64, k)
	tmp := make([]float64, k)
	w := make([]float64, n)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	w0 := append([]float64(nil), w...)
	nrm := orthogonalize(basis, w, h, tmp, OrthogOnce)
	if c := maxCos(basis, w); c > 1e-14 {
		t.Errorf("random input: max |qᵀw|/‖w‖ = %g after one pass", c)
	}
	if math.Abs(nrm-vec.Norm(w)) > 1e-15*nrm {
		t.Fatalf("returned norm %g, ‖w‖ = %g", nrm, vec.Norm(w))
	}
	rec := append([]float64(nil), w...)
	vec.MultiAxpy(rec, h, basis)
	for i := range rec {
		if math.Abs(rec[i]-w0[i]) > 1e-13*vec.Norm(w0) {
			t.Fatalf("coefficients do not reconstruct the input")
		}
	}
	w = nearlyDependent(rng, basis, 1e-12)
	orthogonalize(basis, w, h, tmp, OrthogOnce)
	if c := maxCos(basis, w); !(c > 1e-8) {
		t.Errorf("nearly dependent input: max |qᵀw|/‖w‖ = %g after one pass; classical Gram–Schmidt should have lost orthogonality (> 1e-8)", c)
	}
}

func TestOrthogonalizeEmptyBasis(t *testing.T) {
	w := []float64{3, 4}
	if got := orthogonalize(nil, w, nil, nil, OrthogAuto); got != 5 {
		t.Fatalf("norm with empty basis = %v, want 5", got)
	}
}

// TestParseOrthog checks the CLI names round-trip and that a bad name or
// value is ErrOption, from ParseOrthog and from the solvers.
func TestParseOrthog(t *testing.T) {
	for _, o := range []Orthog{OrthogAuto, OrthogOnce, OrthogTwice} {
		if got, err := ParseOrthog(o.String()); err != nil || got != o {
			t.Errorf("ParseOrthog(%q) = %v, %v", o.String(), got, err)
		}
	}
	if _, err := ParseOrthog("mgs"); !errors.Is(err, ErrOption) || !strings.Contains(err.Error(), `"mgs"`) {
		t.Errorf("ParseOrthog(mgs): %v", err)
	}
	if s := Orthog(9).String(); s != "Orthog(9)" {
		t.Errorf("Orthog(9).String() = %q", s)
	}
	a := linop.Dense(ktNonsym(8, 3, 1))
	b := ktVec(8, 2)
	for name, solve := range map[string]solverFunc{"GMRES": GMRES, "FGMRES": FGMRES, "GCRODR": NewGCRODR(8, &GCRODROptions{M: 6, K: 2}).Solve} {
		if _, err := solve(context.Background(), a, b, make([]float64, 8), &Options{Orthog: 3}); !errors.Is(err, ErrOption) {
			t.Errorf("%s with Orthog 3: %v", name, err)
		}
	}
}
