package ot

import (
	"errors"
	"fmt"
)

// Sentinel errors. Errors returned by the solvers wrap one of these (test
// with errors.Is) and say where the problem was found (method, iteration,
// index, value). A solver that returns ErrNotConverged also returns the
// Result of its last iterate; for every other error the returned *Result
// (or *EMDResult) is nil, unlike package krylov, whose solvers always
// return a Result value. Check err before reading the result.
var (
	// ErrNotConverged: the iteration limit was reached before the stopping
	// rule was met. The Result describes the last iterate.
	ErrNotConverged = errors.New("did not converge")
	// ErrUnderflow: exp(−(C − min C)/reg) underflowed in the scaling-form Sinkhorn,
	// giving a zero or infinite scaling, or zero kernel entries where the
	// plan is not negligible (the iteration then solves another problem);
	// use a log-domain method (SinkhornLog, SinkhornStabilized,
	// SinkhornEpsScaling, SNS) or a larger reg.
	ErrUnderflow = errors.New("numerical underflow")
	// ErrNaN: a NaN or infinity appeared in the input or in the iteration.
	ErrNaN = errors.New("NaN or Inf")
	// ErrInput: the data given to a solver are invalid (negative or
	// non-finite weights, unequal masses, reg ≤ 0, empty histograms).
	ErrInput = errors.New("invalid input")
)

func errorf(format string, args ...any) error {
	return fmt.Errorf("ot: "+format, args...)
}
