package pde

import (
	"fmt"

	"github.com/subspace-lab/subspace/sparse"
)

// nnz5 is the number of entries of the 5-point stencil on a g×g grid with
// Dirichlet neighbours dropped: 5g² minus one per missing neighbour on each
// of the 4 sides.
func nnz5(g int) int { return 5*g*g - 4*g }

// pattern5 returns the row pointers and column indices of the 5-point
// stencil on a g×g grid of unknowns, unknown (i, j) at index i·g + j,
// columns in increasing order: (i−1, j), (i, j−1), (i, j), (i, j+1),
// (i+1, j), neighbours outside the grid omitted. Every value loop of this
// package writes entries in exactly this order.
func pattern5(g int) (indptr []int, ind []int32) {
	n := g * g
	indptr = make([]int, n+1)
	ind = make([]int32, nnz5(g))
	k := 0
	for i := 0; i < g; i++ {
		for j := 0; j < g; j++ {
			r := int32(i*g + j)
			if i > 0 {
				ind[k] = r - int32(g)
				k++
			}
			if j > 0 {
				ind[k] = r - 1
				k++
			}
			ind[k] = r
			k++
			if j < g-1 {
				ind[k] = r + 1
				k++
			}
			if i < g-1 {
				ind[k] = r + int32(g)
				k++
			}
			indptr[r+1] = k
		}
	}
	return indptr, ind
}

// newCSR5 wraps a 5-point pattern and its values in a CSR. The pattern is
// valid by construction; NewCSR's O(nnz) check is kept as a guard.
func newCSR5(g int, indptr []int, ind []int32, val []float64) *sparse.CSR {
	A, err := sparse.NewCSR(g*g, g*g, indptr, ind, val)
	if err != nil {
		panic("pde: internal error: invalid 5-point pattern: " + err.Error())
	}
	return A
}

// diffusion5 writes, in pattern5 order, the values of the flux-form
// operator Σ_faces k_f (u_i − u_j) − shift·u_i on the g×g interior nodes of
// an (g+2)×(g+2) nodal coefficient field c (row-major, boundary included),
// with face coefficient k_f = (c_i + c_j)/2 and zero Dirichlet neighbours
// dropped. The diagonal is summed in the order (i−1, j), (i+1, j), (i, j−1),
// (i, j+1), as the SKR anchor darcy_ref.py does, so the two agree bit for
// bit.
func diffusion5(val []float64, g int, c []float64, shift float64) {
	s := g + 2
	k := 0
	for i := 0; i < g; i++ {
		row := (i + 1) * s
		for j := 0; j < g; j++ {
			p := row + j + 1
			cp := c[p]
			kS := 0.5 * (cp + c[p-s])
			kN := 0.5 * (cp + c[p+s])
			kW := 0.5 * (cp + c[p-1])
			kE := 0.5 * (cp + c[p+1])
			diag := 0.0
			diag += kS
			diag += kN
			diag += kW
			diag += kE
			if i > 0 {
				val[k] = -kS
				k++
			}
			if j > 0 {
				val[k] = -kW
				k++
			}
			val[k] = diag - shift
			k++
			if j < g-1 {
				val[k] = -kE
				k++
			}
			if i < g-1 {
				val[k] = -kN
				k++
			}
		}
	}
}

// skrCode5 writes, in pattern5 order, the SKR code's stencil: 4c_p − shift
// on the diagonal, −c_q for the west, east and north neighbours q, and for
// the south neighbour the value build_darcy puts there (see SKRCodeScheme).
func skrCode5(val []float64, g int, c []float64, shift float64) {
	s := g + 2
	k := 0
	for i := 0; i < g; i++ {
		row := (i + 1) * s
		for j := 0; j < g; j++ {
			p := row + j + 1
			if i > 0 {
				// Entry q = i·g + j − 2 of the g×g block c[0:g, 1:g+1].
				q := i*g + j - 2
				val[k] = -c[(q/g)*s+q%g+1]
				k++
			}
			if j > 0 {
				val[k] = -c[p-1]
				k++
			}
			val[k] = 4*c[p] - shift
			k++
			if j < g-1 {
				val[k] = -c[p+1]
				k++
			}
			if i < g-1 {
				val[k] = -c[p+s]
				k++
			}
		}
	}
}

// checkPattern panics unless indptr and ind (of a matrix with the right
// size and entry count: checkTarget first) are the 5-point pattern on a g×g
// grid, without the faces between (i, j) and (i, j+1) for which cut reports
// true (nil: none cut). AssembleInto checks it so that a matrix of the right
// size but another pattern is refused rather than given values in the
// wrong places (or, for thermal, its structure rewritten). O(nnz), one
// comparison per entry.
func checkPattern(name string, g int, indptr []int, ind []int32, cut func(i, j int) bool) {
	k := 0
	g32 := int32(g)
	for i := 0; i < g; i++ {
		for j := 0; j < g; j++ {
			r := int32(i*g + j)
			var bad int32
			if indptr[r] != k {
				bad = 1
			}
			if i > 0 {
				bad |= ind[k] ^ (r - g32)
				k++
			}
			if j > 0 && (cut == nil || !cut(i, j-1)) {
				bad |= ind[k] ^ (r - 1)
				k++
			}
			bad |= ind[k] ^ r
			k++
			if j < g-1 && (cut == nil || !cut(i, j)) {
				bad |= ind[k] ^ (r + 1)
				k++
			}
			if i < g-1 {
				bad |= ind[k] ^ (r + g32)
				k++
			}
			if bad != 0 {
				panic(fmt.Sprintf("pde: %s.AssembleInto: row %d of A is not the family's sparsity pattern (use a matrix from Assemble)", name, r))
			}
		}
	}
	if indptr[g*g] != k {
		panic(fmt.Sprintf("pde: %s.AssembleInto: A is not the family's sparsity pattern (use a matrix from Assemble)", name))
	}
}
