package pde

import "fmt"

// Scheme selects the stencil Darcy and Helmholtz assemble.
type Scheme int

const (
	// FluxScheme is the conservative 5-point flux scheme described at
	// Darcy: symmetric (positive definite for Darcy), the discretisation of
	// −∇·(K∇u) that FNO's Darcy data and the project's SKR anchor use. It
	// is the default.
	FluxScheme Scheme = iota
	// SKRCodeScheme is the stencil the SKR authors' code assembles
	// (wanghong1700/NO-DataGen-SKR, build_darcy in
	// code_dracy/exp_generate_mpi_82_sort.py, lines 182–202), the matrices
	// behind the paper's Darcy rows of Table 1. With unknowns p = i·g + j
	// (0-based interior indices) and K the nodal field, row p reads
	//
	//	4 K_p u_p − K_W u_{p−1} − K_E u_{p+1} − K_N u_{p+g} − K'_S u_{p−g} = h_c² f,
	//
	// h_c = 1/(g−1), Dirichlet neighbours dropped, K_W, K_E, K_N the field
	// at the west, east and north neighbours. The south coefficient K'_S is
	// not K at the south neighbour: build_darcy drops g−2 leading values of
	// that diagonal where g are needed and scipy.sparse.diags keeps the
	// first g²−g of what is left, so K'_S is the field at the south
	// neighbour's node two places earlier in row-major order of the
	// (g+2)-wide grid restricted to columns 1..g (wrapping into the row
	// above near the west edge). Without that slip the matrix would be
	// L·diag(K), L the 5-point Laplacian stencil — a discretisation of
	// −Δ(K u), not of −∇·(K∇u). Either way it is nonsymmetric. It exists to
	// re-run the paper's experiment on the matrices the paper solved
	// (tested bit for bit against a copy of build_darcy); use FluxScheme for
	// physics.
	//
	// Helmholtz with this scheme is the SKR code's build_helmholtz
	// (code_hmh/exp_generate_mpi_hmhz102_sort.py, lines 206–225): the same
	// matrix with h_c² k² subtracted from the diagonal.
	SKRCodeScheme
)

// String returns "flux" or "skr-code".
func (s Scheme) String() string {
	switch s {
	case FluxScheme:
		return "flux"
	case SKRCodeScheme:
		return "skr-code"
	}
	return fmt.Sprintf("Scheme(%d)", int(s))
}

// ParseScheme returns the scheme called name ("flux" or "skr-code").
func ParseScheme(name string) (Scheme, error) {
	switch name {
	case "flux":
		return FluxScheme, nil
	case "skr-code":
		return SKRCodeScheme, nil
	}
	return 0, fmt.Errorf("pde: unknown scheme %q (known: flux, skr-code)", name)
}

// schemeStep returns the grid step h of a family's right-hand side h²f:
// 1/(g+1) for FluxScheme, 1/(g−1) for SKRCodeScheme (the SKR code's h for
// g interior nodes per line), or an error for an unknown scheme.
func schemeStep(family string, s Scheme, g int) (float64, error) {
	switch s {
	case FluxScheme:
		return 1 / float64(g+1), nil
	case SKRCodeScheme:
		return 1 / float64(g-1), nil
	}
	return 0, fmt.Errorf("pde: %s: unknown scheme %v", family, s)
}

// newSampler returns the log-coefficient sampler on an s×s grid: a
// PeriodicGRF if periodic, else a GRF.
func newSampler(s int, o *GRFOptions, periodic bool) (Sampler, error) {
	if periodic {
		return NewPeriodicGRF(s, o)
	}
	return NewGRF(s, o)
}

// values writes, in pattern5 order, the matrix entries of the scheme for
// the nodal coefficient field c with shift subtracted from the diagonal.
func (s Scheme) values(val []float64, g int, c []float64, shift float64) {
	if s == SKRCodeScheme {
		skrCode5(val, g, c, shift)
		return
	}
	diffusion5(val, g, c, shift)
}

// Variant selects how Darcy and Helmholtz discretise and sample: the zero
// value is the default (FluxScheme, GRF).
type Variant struct {
	// Scheme is the stencil (DarcyOptions.Scheme,
	// HelmholtzOptions.Scheme); the zero value is FluxScheme.
	Scheme Scheme
	// PeriodicGRF selects PeriodicGRF instead of GRF for the log
	// coefficient field.
	PeriodicGRF bool
}

// NewVariant is New with a variant: for "darcy" and "helmholtz" it sets
// their options' Scheme and PeriodicGRF; for the other families only the
// zero Variant is accepted.
func NewVariant(name string, grid int, v Variant) (Family, error) {
	switch name {
	case "darcy":
		if err := checkGrid(name, grid); err != nil {
			return nil, err
		}
		return family(NewDarcy(grid, &DarcyOptions{Scheme: v.Scheme, PeriodicGRF: v.PeriodicGRF}))
	case "helmholtz":
		if err := checkGrid(name, grid); err != nil {
			return nil, err
		}
		return family(NewHelmholtz(grid, &HelmholtzOptions{Scheme: v.Scheme, PeriodicGRF: v.PeriodicGRF}))
	}
	if v != (Variant{}) {
		return nil, fmt.Errorf("pde: %s: scheme and periodic GRF apply to darcy and helmholtz only", name)
	}
	return New(name, grid)
}

// ParseGRF returns whether name selects the periodic sampler: "neumann"
// (GRF) or "periodic" (PeriodicGRF).
func ParseGRF(name string) (periodic bool, err error) {
	switch name {
	case "neumann":
		return false, nil
	case "periodic":
		return true, nil
	}
	return false, fmt.Errorf("pde: unknown GRF %q (known: neumann, periodic)", name)
}
