package precond_test

import (
	"testing"

	"github.com/subspace-lab/subspace/linop"
	"github.com/subspace-lab/subspace/precond"
)

// A small matrix the SuiteSparse references of petsc_test.go lack: a
// nonsymmetric pattern with four explicit zeros (among them (0,7), (2,7)
// and (9,3), which ILU(0) must keep as positions), negative diagonal
// entries, and a row (8) with no off-diagonal entry. References from
// PETSc 3.18 through petsc4py (-mat_no_inode; PCILU and PCASM with
// natural ordering, no shift, levels 0; PCASM with -pc_asm_type restrict
// and ILU(0) subdomains; PCSOR's default symmetric sweep), printed with
// 17 significant digits. PCApplyTranspose is checked only for ILU(0):
// PETSc 3.18's PCApplyTranspose_ASM with the restrict type applies
// Σ R̃ᵢᵀ·Bᵢ⁻ᵀ·Rᵢ, not the transpose Σ Rᵢᵀ·Bᵢ⁻ᵀ·R̃ᵢ of its own PCApply
// (which ASM.ApplyT computes, see TestASMApplyTAdjoint), and PCSOR
// refuses the transpose of a nonsymmetric matrix.
var petscSmall = struct {
	indptr []int
	ind    []int32
	val    []float64
	x      []float64
}{
	indptr: []int{0, 2, 6, 12, 16, 19, 23, 28, 32, 33, 38, 41, 43},
	ind:    []int32{0, 7, 1, 9, 10, 11, 0, 2, 7, 8, 9, 10, 0, 1, 3, 9, 2, 4, 6, 1, 5, 6, 7, 0, 4, 5, 6, 8, 3, 7, 9, 11, 8, 1, 3, 5, 8, 9, 2, 4, 10, 10, 11},
	val: []float64{1.0, 0.0, -3.625, 0.625, 0.75, 0.25, -0.75, 5.125, 0.0, 0.0, 1.0, 0.375, 0.25, 0.75, 2.5, -0.5, 0.125, 2.375, -0.25, 0.625,
		-4.875, -0.25, 1.0, 0.75, 0.75, 0.5, 3.875, 0.875, 1.0, 4.625, 0.75, 0.875, 3.0, -0.75, 0.0, 0.5, 0.75, -3.0, 0.25, -0.25, 2.5, -0.375, 3.375},
	x: []float64{-2.0, -0.5, -2.75, 0.25, 0.25, 3.75, 2.0, -2.0, 2.25, 2.5, 1.5, 1.5},
}

func TestSmallNonsymmetricAgainstPETSc(t *testing.T) {
	s := petscSmall
	A := mustCSR(t, 12, 12, s.indptr, s.ind, s.val)
	asm := func(blocks, overlap int) func() (linop.Transposer, error) {
		return func() (linop.Transposer, error) {
			return precond.NewASM(A, &precond.ASMOptions{Blocks: blocks, Overlap: overlap})
		}
	}
	for _, tc := range []struct {
		name  string
		build func() (linop.Transposer, error)
		trans bool
		want  []float64
	}{
		{"ilu0", func() (linop.Transposer, error) { return precond.NewILU0(A) }, false, []float64{-2.0, 0.18625660520562345, -0.7300145766711293, 0.14410934763599342, 0.23218679856284127, -0.881804089948166, 0.7911404400055287, -0.43721672504765124, 0.75, -0.7722857950130677, 0.7029613345402818, 0.5225512593933647}},
		{"ilu0 transposed", func() (linop.Transposer, error) { return precond.NewILU0(A) }, true, []float64{-2.831153717389468, 0.2513626699546734, -0.572520060277002, 0.20644490644490646, 0.03360514533965786, -0.8270958584196667, 0.4668699274273199, -0.2661122661122661, 0.8715932412551326, -1.0310545470190704, 0.7198586630087095, 0.5032193997711238}},
		{"ssor 1.4", func() (linop.Transposer, error) { return precond.NewSSOR(A, 1.4) }, false, []float64{-1.6800000000000002, 0.18488996335502106, -0.6781414964071901, 0.0840667197170645, 0.259399874453454, -0.8004548370611827, 0.7627500191571491, -0.41902438165220796, 0.63, -0.6659686118479222, 0.635869001283697, 0.47224628908857513}},
		{"asm 3 blocks overlap 1", asm(3, 1), false, []float64{-2.0, 0.20374185813057283, -0.7523475904850627, 0.16191460055096418, 0.23218679856284127, -0.878772917642456, 0.7911404400055287, -0.422439760057315, 0.75, -0.7722857950130677, 0.6719255140307772, 0.5191028348923086}},
		{"asm 4 blocks overlap 2", asm(4, 2), false, []float64{-2.0, 0.18625660520562345, -0.7300145766711293, 0.14410934763599342, 0.23218679856284127, -0.881804089948166, 0.7911404400055287, -0.43721672504765124, 0.75, -0.7722857950130677, 0.7029613345402818, 0.5225512593933647}},
		{"asm 6 blocks overlap 1", asm(6, 1), false, []float64{-2.0, 0.15387733130679843, -0.7523475904850627, 0.16191460055096418, 0.19448283518748372, -0.8699587894808769, 0.8017241379310345, -0.4223896973896974, 0.75, -0.7722857950130677, 0.6719255140307772, 0.5191028348923086}},
		{"bjacobi 5 blocks", asm(5, 0), false, []float64{-2.0, 0.13793103448275862, -0.8292682926829269, 0.1, 0.10526315789473684, -0.7692307692307692, 0.5161290322580645, -0.43243243243243246, 0.75, -0.6458333333333333, 0.6000000000000001, 0.5111111111111111}},
	} {
		p, err := tc.build()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := make([]float64, 12)
		if tc.trans {
			p.ApplyT(got, s.x)
		} else {
			p.Apply(got, s.x)
		}
		checkClose(t, tc.name, got, tc.want, 1e-14)
	}
}
