package ot_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/subspace-lab/subspace/ot"
)

// TestCostMatrixNilPanics: nil point sets are programming errors with an
// "ot:" message, like mismatched dimensions.
func TestCostMatrixNilPanics(t *testing.T) {
	X := mat.NewDense(2, 2, []float64{0, 0, 1, 1})
	checkMisuse(t, []misuseCase{
		{"nil X", "ot: CostMatrix: nil points", func() { ot.CostMatrix(nil, X, ot.SqEuclidean) }},
		{"nil Y", "ot: CostMatrix: nil points", func() { ot.CostMatrix(X, nil, ot.Euclidean) }},
	})
}

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
