package sparse

import "fmt"

// Laplacian2D returns the 5-point finite-difference Laplacian on an nx×ny
// grid of unknowns with zero Dirichlet boundary, unscaled: 4 on the
// diagonal and −1 for each grid neighbour (the matrix SciPy builds as
// kron(I, T) + kron(T, I) with T = tridiag(−1, 2, −1)). Unknown (i, j)
// (row i < ny, column j < nx) has index i·nx + j. The matrix is symmetric
// positive definite with about 5·nx·ny stored entries. It panics if nx or
// ny is negative or nx·ny exceeds MaxDim.
func Laplacian2D(nx, ny int) *CSR {
	if nx < 0 || ny < 0 || nx > MaxDim || ny > MaxDim || (nx > 0 && ny > MaxDim/nx) {
		panic(fmt.Sprintf("sparse: Laplacian2D: invalid grid %d×%d", nx, ny))
	}
	n := nx * ny
	indptr := make([]int, n+1)
	ind := make([]int32, 0, 5*n)
	val := make([]float64, 0, 5*n)
	for i := 0; i < ny; i++ {
		for j := 0; j < nx; j++ {
			r := i*nx + j
			if i > 0 {
				ind, val = append(ind, int32(r-nx)), append(val, -1)
			}
			if j > 0 {
				ind, val = append(ind, int32(r-1)), append(val, -1)
			}
			ind, val = append(ind, int32(r)), append(val, 4)
			if j < nx-1 {
				ind, val = append(ind, int32(r+1)), append(val, -1)
			}
			if i < ny-1 {
				ind, val = append(ind, int32(r+nx)), append(val, -1)
			}
			indptr[r+1] = len(ind)
		}
	}
	return newCSR(n, n, indptr, ind, val)
}

// ConvectionDiffusion2D returns the 5-point central-difference matrix of
// −Δu + β·(u_x + u_y) on an nx×ny grid of unknowns with zero Dirichlet
// boundary, scaled by h² like Laplacian2D: 4 on the diagonal, −1 − p for
// the west and south neighbours and −1 + p for the east and north ones,
// where p = βh/2 is the mesh Péclet number (p = 0 gives Laplacian2D).
// It is the standard nonsymmetric test matrix of Krylov methods (van der
// Vorst's and Sonneveld's papers use it): for |p| < 1 it is an M-matrix
// whose eigenvalues are complex with positive real parts. Unknowns are
// numbered as in Laplacian2D. It panics if the grid is invalid or p is
// not finite.
func ConvectionDiffusion2D(nx, ny int, p float64) *CSR {
	if p != p || p-p != 0 {
		panic(fmt.Sprintf("sparse: ConvectionDiffusion2D: Péclet number %v is not finite", p))
	}
	a := Laplacian2D(nx, ny)
	for r := 0; r < a.rows; r++ {
		for k := a.indptr[r]; k < a.indptr[r+1]; k++ {
			switch c := int(a.ind[k]); {
			case c < r:
				a.val[k] = -1 - p // west or south: upwind side
			case c > r:
				a.val[k] = -1 + p // east or north
			}
		}
	}
	return a
}

// Laplacian1D returns the n×n matrix tridiag(−1, 2, −1). It panics if n
// is negative or above MaxDim.
func Laplacian1D(n int) *CSR {
	if n < 0 || n > MaxDim {
		panic(fmt.Sprintf("sparse: Laplacian1D: invalid size %d", n))
	}
	return Laplacian2D(n, 1).withDiag(2)
}

// withDiag sets every stored diagonal value to d (used by Laplacian1D,
// whose 2-D construction with one row puts 4 on the diagonal).
func (a *CSR) withDiag(d float64) *CSR {
	for i := 0; i < a.rows; i++ {
		if k := a.find(i, i); k >= 0 {
			a.val[k] = d
		}
	}
	return a
}
