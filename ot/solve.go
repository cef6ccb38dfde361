package ot

import (
	"context"
	"fmt"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Method names a balanced entropic solver.
type Method int

const (
	// MethodSinkhorn is Sinkhorn in the scaling form (Sinkhorn).
	MethodSinkhorn Method = iota
	// MethodSinkhornLog is Sinkhorn in the log domain (SinkhornLog).
	MethodSinkhornLog
	// MethodStabilized is Sinkhorn with absorption (SinkhornStabilized).
	MethodStabilized
	// MethodEpsScaling is stabilised Sinkhorn with ε-scaling
	// (SinkhornEpsScaling).
	MethodEpsScaling
	// MethodSNS is Sinkhorn–Newton–Sparse (SNS).
	MethodSNS
)

var methodNames = [...]string{"sinkhorn", "sinkhorn-log", "stabilized", "eps-scaling", "sns"}

// String returns the method's CLI name.
func (m Method) String() string {
	if m >= 0 && int(m) < len(methodNames) {
		return methodNames[m]
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ParseMethod returns the Method with CLI name s (sinkhorn, sinkhorn-log,
// stabilized, eps-scaling, sns; case-insensitive, surrounding space
// ignored, as krylov.ByName and precond.New). An unknown name is an
// ErrInput error that lists the valid ones.
func ParseMethod(s string) (Method, error) {
	key := strings.ToLower(strings.TrimSpace(s))
	for i, n := range methodNames {
		if n == key {
			return Method(i), nil
		}
	}
	return 0, errorf("%w: unknown method %q; valid names are %s", ErrInput, s, strings.Join(methodNames[:], ", "))
}

// Solve runs the balanced entropic method m; see each method's function
// for what it does and how it fails.
func Solve(ctx context.Context, m Method, a, b []float64, C *mat.Dense, reg float64, o *Options) (*Result, error) {
	switch m {
	case MethodSinkhorn:
		return Sinkhorn(ctx, a, b, C, reg, o)
	case MethodSinkhornLog:
		return SinkhornLog(ctx, a, b, C, reg, o)
	case MethodStabilized:
		return SinkhornStabilized(ctx, a, b, C, reg, o)
	case MethodEpsScaling:
		return SinkhornEpsScaling(ctx, a, b, C, reg, o)
	case MethodSNS:
		return SNS(ctx, a, b, C, reg, o)
	}
	panic(fmt.Sprintf("ot: Solve: unknown method %d", int(m)))
}
