package pde

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/subspace-lab/subspace/sparse"
)

// ThermalOptions sets the thermal family's parameters. The zero value (and
// a nil pointer) means the SKR paper's ranges, T_left ∈ [−100, 0] and
// T_right ∈ [0, 100], with the insulated wall.
type ThermalOptions struct {
	// LeftMin, LeftMax: T_left ~ U(LeftMin, LeftMax). Both 0 means
	// [−100, 0].
	LeftMin, LeftMax float64
	// RightMin, RightMax: T_right ~ U(RightMin, RightMax). Both 0 means
	// [0, 100].
	RightMin, RightMax float64
	// NoWall removes the insulated interior wall; the exact solution is
	// then linear in x.
	NoWall bool
}

// Thermal is the steady heat-conduction family ΔT = 0 on the unit square
// with random boundary temperatures: T = T_left on the left side x = 0,
// T = T_right on the right side x = 1, top and bottom insulated (zero heat
// flux), and an insulated interior wall, the vertical segment x ≈ 1/2,
// 1/4 < y < 3/4. The paper's mesh is an irregular FEM mesh of a block with a
// central slot; this is a regular-grid stand-in (see the package
// documentation).
//
// Discretisation: cell-centred finite volumes on g×g cells of side
// h = 1/g, unknown (i, j) the temperature at ((j+½)h, (i+½)h), unit
// conductivity. Each row balances the fluxes through its cell's faces:
//
//	Σ_{open interior faces} (T_p − T_q) + 2(T_p − T_left)[j = 0] + 2(T_p − T_right)[j = g−1] = 0,
//
// a boundary face being half a cell from its centre (hence the 2); faces on
// the top and bottom sides and faces cut by the wall carry no flux and have
// no entry. The wall cuts the faces between columns ⌊g/2⌋−1 and ⌊g/2⌋ in the
// rows whose centres lie strictly inside (1/4, 3/4). A is SPD, the same for
// every system (only b = (2T_left on column 0) + (2T_right on column g−1)
// varies), with a 5-point pattern minus the cut faces; interior rows equal
// h² times the standard 5-point Laplacian. The scheme reproduces linear
// temperature profiles exactly, so without the wall T = T_left +
// (T_right − T_left)x at the cell centres.
//
// Field: [T_left, T_right]; SKR sorts by these boundary temperatures.
type Thermal struct {
	g              int
	lmin, lmax     float64
	rmin, rmax     float64
	wallCol        int // the wall separates columns wallCol−1 and wallCol; 0 means no wall
	wallLo, wallHi int // rows wallLo ≤ i < wallHi are cut
	nnz            int
}

// NewThermal returns the thermal family on a g×g grid of cells. It returns
// an error for g outside [2, MaxGrid] or a temperature range that is not
// finite or has min > max.
func NewThermal(grid int, o *ThermalOptions) (*Thermal, error) {
	if err := checkGrid("thermal", grid); err != nil {
		return nil, err
	}
	t := &Thermal{g: grid, lmin: -100, lmax: 0, rmin: 0, rmax: 100}
	wall := true
	if o != nil {
		if o.LeftMin != 0 || o.LeftMax != 0 {
			t.lmin, t.lmax = o.LeftMin, o.LeftMax
		}
		if o.RightMin != 0 || o.RightMax != 0 {
			t.rmin, t.rmax = o.RightMin, o.RightMax
		}
		wall = !o.NoWall
	}
	if err := checkRange("left", t.lmin, t.lmax); err != nil {
		return nil, err
	}
	if err := checkRange("right", t.rmin, t.rmax); err != nil {
		return nil, err
	}
	if wall {
		// Rows with centre (i+½)/g in (1/4, 3/4): g < 4i+2 < 3g.
		lo, hi := 0, 0
		for i := 0; i < grid; i++ {
			if c := 4*i + 2; grid < c && c < 3*grid {
				if hi == 0 {
					lo = i
				}
				hi = i + 1
			}
		}
		if hi > lo {
			t.wallCol, t.wallLo, t.wallHi = grid/2, lo, hi
		}
	}
	t.nnz = nnz5(grid) - 2*(t.wallHi-t.wallLo)
	return t, nil
}

// Name returns "thermal".
func (t *Thermal) Name() string { return "thermal" }

// Grid returns g.
func (t *Thermal) Grid() int { return t.g }

// FieldShape returns [2]: T_left, T_right.
func (t *Thermal) FieldShape() []int { return []int{2} }

// SolutionShape returns [g, g].
func (t *Thermal) SolutionShape() []int { return []int{t.g, t.g} }

// Unknowns returns g².
func (t *Thermal) Unknowns() int { return t.g * t.g }

// Field returns [T_left, T_right] of system i: two uniforms u1, u2 from
// rand.NewPCG(seed, uint64(i)), T_left = LeftMin + (LeftMax − LeftMin)u1,
// T_right = RightMin + (RightMax − RightMin)u2.
func (t *Thermal) Field(seed uint64, i int) []float64 {
	checkField("thermal", t.g, i)
	rnd := rand.New(rand.NewPCG(seed, uint64(i)))
	tl := t.lmin + (t.lmax-t.lmin)*rnd.Float64()
	tr := t.rmin + (t.rmax-t.rmin)*rnd.Float64()
	return []float64{tl, tr}
}

// Assemble returns A and b for boundary temperatures [T_left, T_right]
// (see Thermal), in O(g²) time. It returns an error for a field of the
// wrong length or with NaN or Inf.
func (t *Thermal) Assemble(field []float64) (*sparse.CSR, []float64, error) {
	checkMade("thermal", "Assemble", t.g)
	if err := t.check(field); err != nil {
		return nil, nil, err
	}
	n := t.g * t.g
	indptr := make([]int, n+1)
	ind := make([]int32, t.nnz)
	val := make([]float64, t.nnz)
	t.fill(indptr, ind, val)
	b := make([]float64, n)
	t.rhs(b, field)
	A, err := sparse.NewCSR(n, n, indptr, ind, val)
	if err != nil {
		panic("pde: internal error: invalid thermal pattern: " + err.Error())
	}
	if err := checkAssembled("thermal", field, A, b); err != nil {
		return nil, nil, err
	}
	return A, b, nil
}

// AssembleInto overwrites A's values and b with the system of field; see
// Reassembler. It allocates nothing.
func (t *Thermal) AssembleInto(A *sparse.CSR, b, field []float64) error {
	checkMade("thermal", "AssembleInto", t.g)
	checkTarget("thermal", t.g*t.g, t.nnz, A, len(b))
	indptr, ind, val := A.Raw()
	checkPattern("thermal", t.g, indptr, ind, t.cut)
	if err := t.check(field); err != nil {
		return err
	}
	t.fill(indptr, ind, val) // rewrites the same pattern, and the values
	t.rhs(b, field)
	return checkAssembled("thermal", field, A, b)
}

func (t *Thermal) check(field []float64) error {
	if len(field) != 2 {
		return lenError("thermal", len(field), t.FieldShape())
	}
	return checkFinite("thermal", field)
}

// cut reports whether the face between cells (i, j) and (i, j+1) is cut by
// the wall.
func (t *Thermal) cut(i, j int) bool {
	return t.wallHi > 0 && j+1 == t.wallCol && i >= t.wallLo && i < t.wallHi
}

// fill writes the pattern (columns increasing) and values of A.
func (t *Thermal) fill(indptr []int, ind []int32, val []float64) {
	g := t.g
	k := 0
	for i := 0; i < g; i++ {
		for j := 0; j < g; j++ {
			r := i*g + j
			west := j > 0 && !t.cut(i, j-1)
			east := j < g-1 && !t.cut(i, j)
			diag := 0.0
			if i > 0 {
				ind[k], val[k] = int32(r-g), -1
				k++
				diag++
			}
			if west {
				ind[k], val[k] = int32(r-1), -1
				k++
				diag++
			}
			dk := k
			ind[k] = int32(r)
			k++
			if east {
				ind[k], val[k] = int32(r+1), -1
				k++
				diag++
			}
			if i < g-1 {
				ind[k], val[k] = int32(r+g), -1
				k++
				diag++
			}
			if j == 0 {
				diag += 2
			}
			if j == g-1 {
				diag += 2
			}
			val[dk] = diag
			indptr[r+1] = k
		}
	}
}

func (t *Thermal) rhs(b, field []float64) {
	g := t.g
	fillConst(b, 0)
	for i := 0; i < g; i++ {
		b[i*g] += 2 * field[0]
		b[i*g+g-1] += 2 * field[1]
	}
}

// checkRange validates a temperature range.
func checkRange(side string, lo, hi float64) error {
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) || lo > hi || math.IsInf(hi-lo, 0) {
		return fmt.Errorf("pde: thermal: %s temperature range [%v, %v] must be finite with min ≤ max and a finite width", side, lo, hi)
	}
	return nil
}
