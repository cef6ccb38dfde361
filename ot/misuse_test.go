package ot_test

import (
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/internal/misuse"
	"github.com/subspace-lab/subspace/ot"
)

// TestCostMatrixNilPanics: nil point sets are programming errors with an
// "ot:" message, like mismatched dimensions.
func TestCostMatrixNilPanics(t *testing.T) {
	X := mat.NewDense(2, 2, []float64{0, 0, 1, 1})
	misuse.Check(t, []misuse.Case{
		{Name: "nil X", Want: "ot: CostMatrix: nil points", F: func() { ot.CostMatrix(nil, X, ot.SqEuclidean) }},
		{Name: "nil Y", Want: "ot: CostMatrix: nil points", F: func() { ot.CostMatrix(X, nil, ot.Euclidean) }},
	})
}
