package main

import (
	"strconv"

	"github.com/subspace-lab/subspace/internal/benchutil"
)

// mpiAnchor runs anchor_mpi.py under mpiexec: PETSc on several MPI ranks,
// the configuration a PETSc user with as many cores as subspace uses would
// pick (the one-process anchor is the yardstick; this one is the
// fair fight).
type mpiAnchor struct {
	ranks  int
	script string
}

// mpiAnswer is anchor_mpi.py's output.
type mpiAnswer struct {
	Ranks      int       `json:"ranks"`
	Iterations int       `json:"iterations"`
	Seconds    []float64 `json:"seconds"`
	Converged  bool      `json:"converged"`
}

// mpiPerf launches one mpiexec that solves the g×g Laplacian reps times
// and appends its seconds per iteration to spi, noting an error in the
// row.
func mpiPerf(m *mpiAnchor, row *perfRow, spi *[]float64, g int, method, prec string, rtol float64, maxit, reps int) {
	var a mpiAnswer
	err := benchutil.RunMPIAnchor(m.ranks, m.script, &a, strconv.Itoa(g), method, prec,
		strconv.FormatFloat(rtol, 'g', -1, 64), strconv.Itoa(maxit), "30", strconv.Itoa(reps))
	if err != nil {
		row.Note = "petsc mpi: " + oneLine(err.Error())
		return
	}
	if a.Iterations == 0 {
		return
	}
	row.MPIRanks, row.PetscMPIIts = a.Ranks, a.Iterations
	for _, s := range a.Seconds {
		*spi = append(*spi, s/float64(a.Iterations))
	}
}
