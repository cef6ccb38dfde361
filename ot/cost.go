package ot

import (
	"fmt"
	"math"
	"strings"

	"github.com/subspace-lab/subspace/internal/nilcheck"
	"github.com/subspace-lab/subspace/internal/par"
	"gonum.org/v1/gonum/mat"
)

// Metric names a ground cost between points.
type Metric int

const (
	// SqEuclidean is ‖x − y‖₂² (POT's default metric "sqeuclidean").
	SqEuclidean Metric = iota
	// Euclidean is ‖x − y‖₂.
	Euclidean
	// Cityblock is ‖x − y‖₁.
	Cityblock
)

// String returns the metric's name as POT and SciPy spell it.
func (m Metric) String() string {
	switch m {
	case SqEuclidean:
		return "sqeuclidean"
	case Euclidean:
		return "euclidean"
	case Cityblock:
		return "cityblock"
	}
	return fmt.Sprintf("Metric(%d)", int(m))
}

// ParseMetric returns the Metric named s ("sqeuclidean", "euclidean",
// "cityblock").
func ParseMetric(s string) (Metric, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "sqeuclidean":
		return SqEuclidean, nil
	case "euclidean":
		return Euclidean, nil
	case "cityblock":
		return Cityblock, nil
	}
	return 0, errorf("%w: unknown metric %q (want sqeuclidean, euclidean or cityblock)", ErrInput, s)
}

// CostMatrix returns the n×m matrix C_ij = d(x_i, y_j) between the rows of
// X (n×d) and Y (m×d). Differences are formed explicitly (no ‖x‖² + ‖y‖² −
// 2xᵀy cancellation), so C is exact to rounding and C_ii = 0 for equal
// points. Cost O(n·m·d), parallel over rows. It panics if X or Y is nil,
// the numbers of columns differ or the metric is unknown; non-finite
// coordinates give non-finite costs, which the solvers reject. A nil
// pointer such as a (*mat.Dense)(nil) counts as nil.
func CostMatrix(X, Y mat.Matrix, metric Metric) *mat.Dense {
	if xn, yn := nilcheck.IsNil(X), nilcheck.IsNil(Y); xn || yn {
		panic(fmt.Sprintf("ot: CostMatrix: nil points (X nil: %t, Y nil: %t)", xn, yn))
	}
	n, d := X.Dims()
	m, dy := Y.Dims()
	if d != dy {
		panic(fmt.Sprintf("ot: CostMatrix: X has %d columns and Y has %d", d, dy))
	}
	if metric < SqEuclidean || metric > Cityblock {
		panic(fmt.Sprintf("ot: CostMatrix: unknown metric %d", int(metric)))
	}
	xs := rowMajor(X)
	ys := rowMajor(Y)
	out := make([]float64, n*m)
	job := &costJob{x: xs, y: ys, out: out, n: n, m: m, d: d, metric: metric}
	parts := 1
	if n*m*max(d, 1) >= 1<<15 {
		parts = min(par.Procs(), n)
	}
	job.parts = parts
	par.Run(parts, job)
	return mat.NewDense(n, m, out)
}

// rowMajor returns the entries of A in a contiguous row-major slice.
func rowMajor(A mat.Matrix) []float64 {
	r, c := A.Dims()
	if d, ok := A.(*mat.Dense); ok {
		raw := d.RawMatrix()
		if raw.Stride == c {
			return raw.Data[:r*c]
		}
	}
	out := make([]float64, r*c)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			out[i*c+j] = A.At(i, j)
		}
	}
	return out
}

type costJob struct {
	x, y, out []float64
	n, m, d   int
	parts     int
	metric    Metric
}

func (j *costJob) Run(p int) {
	lo, hi := par.Split(j.n, j.parts, p)
	d := j.d
	for i := lo; i < hi; i++ {
		xi := j.x[i*d : (i+1)*d]
		row := j.out[i*j.m : (i+1)*j.m]
		for k := range row {
			yk := j.y[k*d : (k+1)*d]
			s := 0.0
			switch j.metric {
			case SqEuclidean, Euclidean:
				for t, v := range xi {
					e := v - yk[t]
					s += e * e
				}
				if j.metric == Euclidean {
					if s < 0x1p-960 || s > 0x1p960 { // e² under- or overflowed
						s = scaledDist(xi, yk)
					} else {
						s = math.Sqrt(s)
					}
				}
			case Cityblock:
				for t, v := range xi {
					s += math.Abs(v - yk[t])
				}
			}
			row[k] = s
		}
	}
}

// scaledDist returns ‖x − y‖₂ summed with the differences scaled by the
// largest one, so that it neither under- nor overflows when the squares
// do (coordinates beyond about 1e±154).
func scaledDist(x, y []float64) float64 {
	mx := 0.0
	for t, v := range x {
		mx = math.Max(mx, math.Abs(v-y[t]))
	}
	if mx == 0 || math.IsInf(mx, 0) {
		return mx
	}
	s := 0.0
	for t, v := range x {
		e := (v - y[t]) / mx
		s += e * e
	}
	return mx * math.Sqrt(s)
}
