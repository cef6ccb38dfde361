package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"

	"github.com/subspace-lab/subspace/internal/benchutil"
)

// mpiAnchor runs anchor_mpi.py under mpiexec: PETSc on several MPI ranks,
// the configuration a PETSc user with as many cores as subspace uses would
// pick (the one-process anchor is the yardstick; this one is the
// fair fight).
type mpiAnchor struct {
	ranks   int
	mpiexec string
	script  string
}

// newMPIAnchor finds mpiexec; it returns an error saying what to install
// when there is none.
func newMPIAnchor(ranks int, script string) (*mpiAnchor, error) {
	path, err := exec.LookPath("mpiexec")
	if err != nil {
		return nil, fmt.Errorf("-mpi %d: no mpiexec on PATH (apt-get install openmpi-bin; -mpi 0 skips the MPI column)", ranks)
	}
	return &mpiAnchor{ranks: ranks, mpiexec: path, script: script}, nil
}

// mpiAnswer is anchor_mpi.py's line.
type mpiAnswer struct {
	Ranks      int       `json:"ranks"`
	Iterations int       `json:"iterations"`
	Seconds    []float64 `json:"seconds"`
	Converged  bool      `json:"converged"`
}

// run launches one mpiexec that solves the g×g Laplacian reps times.
func (m *mpiAnchor) run(g int, method, prec string, rtol float64, maxit, reps int) (mpiAnswer, error) {
	args := []string{"-n", strconv.Itoa(m.ranks), benchutil.Python(), m.script,
		strconv.Itoa(g), method, prec, strconv.FormatFloat(rtol, 'g', -1, 64), strconv.Itoa(maxit), "30", strconv.Itoa(reps)}
	cmd := exec.Command(m.mpiexec, args...)
	pp := benchutil.PetscPath
	if old := os.Getenv("PYTHONPATH"); old != "" {
		pp += ":" + old
	}
	// Open MPI refuses to run as root without these (containers, CI);
	// MPICH ignores them.
	cmd.Env = append(os.Environ(), "PYTHONPATH="+pp, "OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1",
		"OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return mpiAnswer{}, fmt.Errorf("mpiexec: %v: %s", err, oneLine(errb.String()))
	}
	for _, l := range bytes.Split(out.Bytes(), []byte("\n")) {
		if len(l) >= 2 && string(l[:2]) == "@@" {
			var a mpiAnswer
			if err := json.Unmarshal(l[2:], &a); err != nil {
				return a, fmt.Errorf("anchor_mpi.py: %v", err)
			}
			return a, nil
		}
	}
	return mpiAnswer{}, fmt.Errorf("anchor_mpi.py printed no answer: %s", oneLine(errb.String()))
}

// mpiPerf runs one launch and appends its seconds per iteration to spi,
// noting an error in the row.
func mpiPerf(m *mpiAnchor, row *perfRow, spi *[]float64, g int, method, prec string, rtol float64, maxit, reps int) {
	a, err := m.run(g, method, prec, rtol, maxit, reps)
	if err != nil {
		row.Note = "petsc mpi: " + err.Error()
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
