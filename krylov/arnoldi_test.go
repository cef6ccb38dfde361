package krylov

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/subspace-lab/subspace/internal/vec"
)

// TestOrthogonalizeNearlyDependent feeds vectors that are almost in the
// span of the basis — where one classical Gram–Schmidt pass loses
// orthogonality — and checks the remainder is orthogonal to working
// precision and the coefficients reconstruct the input.
func TestOrthogonalizeNearlyDependent(t *testing.T) {
	const n, k = 5000, 12
	rng := rand.New(rand.NewPCG(1, 2))
	basis := make([][]float64, 0, k)
	h := make([]float64, k)
	tmp := make([]float64, k)
	for len(basis) < k {
		w := make([]float64, n)
		for i := range w {
			w[i] = rng.NormFloat64()
		}
		nrm := orthogonalize(basis, w, h, tmp)
		vec.Scale(1/nrm, w)
		basis = append(basis, w)
	}
	for _, eps := range []float64{1e-3, 1e-8, 1e-12} {
		w := make([]float64, n)
		for j, v := range basis {
			vec.Axpy(float64(j+1), v, w)
		}
		noise := make([]float64, n)
		for i := range noise {
			noise[i] = eps * rng.NormFloat64()
		}
		vec.Axpy(1, noise, w)
		w0 := append([]float64(nil), w...)
		nrm := orthogonalize(basis, w, h, tmp)
		// Remainder orthogonal to the basis relative to its own size.
		for j, v := range basis {
			if c := math.Abs(vec.Dot(v, w)) / nrm; c > 1e-12 {
				t.Errorf("eps=%g: |q%dᵀw|/‖w‖ = %g after orthogonalisation", eps, j, c)
			}
		}
		// w0 = Σ h_j q_j + w.
		rec := append([]float64(nil), w...)
		vec.MultiAxpy(rec, h, basis)
		for i := range rec {
			if math.Abs(rec[i]-w0[i]) > 1e-12*vec.Norm(w0) {
				t.Fatalf("eps=%g: coefficients do not reconstruct the input", eps)
			}
		}
		if math.Abs(nrm-vec.Norm(w)) > 1e-15*nrm {
			t.Fatalf("returned norm %g, ‖w‖ = %g", nrm, vec.Norm(w))
		}
	}
}

func TestOrthogonalizeEmptyBasis(t *testing.T) {
	w := []float64{3, 4}
	if got := orthogonalize(nil, w, nil, nil); got != 5 {
		t.Fatalf("norm with empty basis = %v, want 5", got)
	}
}
