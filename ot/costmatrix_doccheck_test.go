package ot

import (
	"testing"

	"github.com/subspace-lab/subspace/internal/misuse"
	"gonum.org/v1/gonum/mat"
)

// TestCostMatrixNilPointsDoc: the doc promises an "ot:" panic for nil
// points; a (*mat.Dense)(nil), the usual way a nil matrix reaches a
// mat.Matrix parameter, used to fail in Dims with a runtime error.
func TestCostMatrixNilPointsDoc(t *testing.T) {
	var nilDense *mat.Dense
	Y := mat.NewDense(2, 2, []float64{0, 1, 2, 3})
	misuse.Check(t, []misuse.Case{
		{Name: "nil X", Want: "ot: CostMatrix: nil points", F: func() { CostMatrix(nil, Y, SqEuclidean) }},
		{Name: "nil Y", Want: "ot: CostMatrix: nil points", F: func() { CostMatrix(Y, nil, SqEuclidean) }},
		{Name: "typed nil X", Want: "ot: CostMatrix: nil points (X nil: true, Y nil: false)", F: func() { CostMatrix(nilDense, Y, SqEuclidean) }},
		{Name: "typed nil Y", Want: "ot: CostMatrix: nil points (X nil: false, Y nil: true)", F: func() { CostMatrix(Y, nilDense, Euclidean) }},
		{Name: "column mismatch", Want: "ot: CostMatrix: X has 2 columns and Y has 1", F: func() { CostMatrix(Y, mat.NewDense(2, 1, nil), Cityblock) }},
		{Name: "unknown metric", Want: "ot: CostMatrix: unknown metric 7", F: func() { CostMatrix(Y, Y, Metric(7)) }},
	})
}
