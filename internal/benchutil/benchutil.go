// Package benchutil holds what the side-by-side benchmark programs under
// bench/ share: robust timing (medians), a memory-bandwidth yardstick (a
// parallel STREAM-style triad) and running the Python anchor scripts
// (SciPy, PETSc via petsc4py, POT) that put reference tools beside
// subspace in the same run.
package benchutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/subspace-lab/subspace/internal/par"
)

// Median runs f reps times (after one untimed warm-up call) and returns
// the median wall time in seconds. Medians, not means: these machines are
// shared and noisy.
func Median(reps int, f func()) float64 {
	f()
	ts := make([]float64, max(reps, 1))
	for i := range ts {
		t := time.Now()
		f()
		ts[i] = time.Since(t).Seconds()
	}
	slices.Sort(ts)
	return ts[len(ts)/2]
}

type triad struct {
	a, b, c []float64
	s       float64
	parts   int
}

func (t *triad) Run(p int) {
	lo, hi := par.Split(len(t.a), t.parts, p)
	a, b, c := t.a[lo:hi], t.b[lo:hi], t.c[lo:hi]
	b = b[:len(a)]
	c = c[:len(a)]
	for i := range a {
		a[i] = b[i] + t.s*c[i]
	}
}

// TriadGBs measures memory bandwidth with the STREAM triad a = b + s·c on
// all cores (GOMAXPROCS parts), arrays sized so the three together hold
// about footprint bytes. It counts 24 bytes per element (STREAM's
// convention: the write-allocate read of a is not counted) and returns the
// median GB/s over reps runs.
func TriadGBs(footprint int64, reps int) float64 {
	run, bytes := NewTriad(footprint)
	return float64(bytes) / Median(reps, run) / 1e9
}

// NewTriad returns one run of TriadGBs's triad, for timing beside another
// kernel (Interleaved), and the bytes it counts.
func NewTriad(footprint int64) (run func(), bytes int64) {
	n := int(footprint / 24)
	t := &triad{a: make([]float64, n), b: make([]float64, n), c: make([]float64, n), s: 3, parts: par.Procs()}
	for i := range t.b {
		t.b[i], t.c[i] = 1, 2
	}
	return func() { par.Run(t.parts, t) }, int64(24 * n)
}

// Interleaved runs each f once untimed, then reps rounds in which every f
// runs once, in order, and returns the median wall time of each f in
// seconds and the median over rounds of each f's time divided by fs[0]'s.
// The functions see the same moments of a noisy machine, so the paired
// ratio is fairer than two medians taken one after the other.
func Interleaved(reps int, fs ...func()) (median, ratio []float64) {
	for _, f := range fs {
		f()
	}
	reps = max(reps, 1)
	ts := make([][]float64, len(fs))
	for i := range ts {
		ts[i] = make([]float64, reps)
	}
	for r := range reps {
		for i, f := range fs {
			t := time.Now()
			f()
			ts[i][r] = time.Since(t).Seconds()
		}
	}
	median, ratio = make([]float64, len(fs)), make([]float64, len(fs))
	for i := range fs {
		q := make([]float64, reps)
		for r := range reps {
			q[r] = ts[i][r] / ts[0][r]
		}
		slices.Sort(q)
		ratio[i] = q[reps/2]
		t := slices.Clone(ts[i])
		slices.Sort(t)
		median[i] = t[reps/2]
	}
	return median, ratio
}

// PetscPath is where Debian's python3-petsc4py installs petsc4py.
const PetscPath = "/usr/lib/petscdir/petsc3.18/x86_64-linux-gnu-real/lib/python3/dist-packages"

// Python returns the interpreter to run anchors with: $PY, else
// /usr/bin/python3 (Debian's, which has the apt packages), else python3.
func Python() string {
	if p := os.Getenv("PY"); p != "" {
		return p
	}
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		return "/usr/bin/python3"
	}
	return "python3"
}

// RunAnchor runs a Python anchor script with args and decodes the JSON
// object on the last line of its standard output into out. PETSc's Python
// path is added to PYTHONPATH. The error says how to install the anchors
// when Python or a package is missing.
func RunAnchor(script string, out any, args ...string) error {
	return runScript(exec.Command(Python(), append([]string{script}, args...)...), script, out)
}

// RunMPIAnchor runs a Python anchor script under `mpiexec -n ranks` (PETSc
// on several MPI ranks, the way a PETSc user runs on several cores) and
// decodes the JSON object on the last line of its standard output, which
// the script prints on rank 0 only. Open MPI's refusal to run as root
// (containers, CI) is lifted through its environment variables; MPICH
// ignores them. The error says what to install when mpiexec is missing.
func RunMPIAnchor(ranks int, script string, out any, args ...string) error {
	if ranks < 1 {
		return fmt.Errorf("anchor %s: %d MPI ranks (want at least 1)", filepath.Base(script), ranks)
	}
	mpiexec, err := exec.LookPath("mpiexec")
	if err != nil {
		return fmt.Errorf("anchor %s: no mpiexec on PATH (install: apt-get install openmpi-bin python3-petsc4py)", filepath.Base(script))
	}
	argv := append([]string{"-n", fmt.Sprint(ranks), Python(), script}, args...)
	cmd := exec.Command(mpiexec, argv...)
	cmd.Env = append(os.Environ(), "OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1")
	return runScript(cmd, script, out)
}

// runScript runs cmd (an anchor script, directly or under mpiexec) with
// PETSc's Python path and single-threaded BLAS, and decodes the JSON
// object on the last line of its standard output into out.
func runScript(cmd *exec.Cmd, script string, out any) error {
	env := cmd.Env
	if env == nil {
		env = os.Environ()
	}
	pp := PetscPath
	if old := os.Getenv("PYTHONPATH"); old != "" {
		pp += ":" + old
	}
	cmd.Env = append(env, "PYTHONPATH="+pp, "OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.LastIndex(msg, "\n"); i >= 0 {
			msg = msg[i+1:]
		}
		return fmt.Errorf("anchor %s: %v: %s (install: apt-get install python3-scipy python3-petsc4py python3-sklearn python3-pot)", filepath.Base(script), err, msg)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	last := lines[len(lines)-1]
	if err := json.Unmarshal([]byte(last), out); err != nil {
		return fmt.Errorf("anchor %s: bad output %q: %v", filepath.Base(script), last, err)
	}
	return nil
}

// Dir returns the directory of a bench program's sources given a path
// relative to the module root (bench programs are run from the root with
// go run ./bench/NAME), so anchors are found wherever the binary runs.
func Dir(rel string) string {
	if _, err := os.Stat(rel); err == nil {
		return rel
	}
	// Running from inside the bench directory itself.
	return "."
}
