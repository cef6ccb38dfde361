package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/subspace-lab/subspace/internal/par"
	"github.com/subspace-lab/subspace/internal/sysmem"
	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/pde"
	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sequence"
	"github.com/subspace-lab/subspace/sparse"
)

// Defaults of datagen: the README's first command, "subspace datagen
// darcy", runs the SKR paper's Darcy setting (6400 unknowns, 100 systems)
// with the comparison in well under a minute on 2 cores. datagenDefaultK
// is 10, not the paper's 20, and the recycled space is recomputed every
// third cycle (and at the end of every solve): the update costs O(k·m·n)
// per cycle, and bench/skr measured this faster than the paper's
// GCRO-DR(40, 20) on every family and preconditioner of the flux-form
// matrices (the library's krylov.GCRODR keeps the paper's 40, 20, every
// cycle, as its defaults). With --scheme skr-code the defaults are the
// paper's k = skrCodeK, every cycle: on those harder matrices it was
// faster than k = 10 every third cycle on all 21 of the paper's rows.
const (
	datagenDefaultGrid  = 80
	datagenDefaultCount = 100
	datagenDefaultK     = 10
	datagenDefaultEvery = 3
	skrCodeK            = 20
	// datagenDefaultProject: earlier solutions kept for the projection
	// initial guess when the matrix does not change (Poisson: b depends
	// on 30 coefficients; thermal: on 2).
	datagenDefaultProject = 32
	datagenMaxIter        = 10000 // the SKR paper's iteration limit
	datagenBaselineM      = 40    // GMRES(40), the paper's baseline
)

// datagenConfig is the validated command line of datagen.
type datagenConfig struct {
	family      string
	grid, count int
	seed        uint64
	precond     string
	rtol        float64
	sort        string
	out         string
	force       bool
	compare     bool
	// replaceDefault: the default output FAMILY.npz exists and is replaced.
	replaceDefault bool
	shard          shardSpec
	json           bool
	m, k           int
	every          int
	project        int
	maxIter        int
	warmup         int
	warmStart      bool
	progress       bool
	scheme         string // darcy and helmholtz: flux or skr-code
	grf            string // darcy and helmholtz: neumann or periodic
	pc             precondFlags
	orthogName     string        // --orthog as given
	orthog         krylov.Orthog // parsed by validate
}

// shardSpec is --shard i/N: shard i (0-based) of N.
type shardSpec struct{ index, count int }

func (s shardSpec) String() string { return fmt.Sprintf("%d/%d", s.index, s.count) }

// parseShard parses "i/N" with 0 ≤ i < N.
func parseShard(s string) (shardSpec, error) {
	a, b, ok := strings.Cut(s, "/")
	var sp shardSpec
	if ok {
		_, err1 := fmt.Sscanf(a, "%d", &sp.index)
		_, err2 := fmt.Sscanf(b, "%d", &sp.count)
		ok = err1 == nil && err2 == nil && fmt.Sprint(sp.index) == strings.TrimSpace(a) && fmt.Sprint(sp.count) == strings.TrimSpace(b)
	}
	if !ok {
		return sp, fmt.Errorf("--shard %q: want i/N with integers, e.g. 0/4 (shards are numbered from 0)", s)
	}
	if sp.count < 1 {
		return sp, fmt.Errorf("--shard %q: the number of shards must be at least 1", s)
	}
	if sp.index < 0 || sp.index >= sp.count {
		return sp, fmt.Errorf("--shard %q: shard index must be in 0..%d (shards are numbered from 0)", s, sp.count-1)
	}
	return sp, nil
}

// newDatagenCmd returns the "datagen" verb and its "merge" subcommand.
func newDatagenCmd() *cobra.Command {
	cfg := datagenConfig{}
	var shard string
	cmd := &cobra.Command{
		Use:   "datagen FAMILY",
		Short: "Generate a PDE dataset (parameter fields and solutions) fast with sorted Krylov recycling (SKR)",
		Long: `datagen generates a neural-operator training set: COUNT random parameter fields
of a PDE family (darcy, helmholtz, poisson, thermal) on a GRID×GRID grid and the
solutions of the linear systems they define, written to an .npz file that NumPy
and PyTorch load directly (np.load(FILE)["coeff"], ["solution"]).

It implements SKR (Wang et al., "Accelerating Data Generation for Neural
Operators via Krylov Subspace Recycling", ICLR 2024): the systems are sorted so
that neighbours have similar fields (--sort greedy: nearest neighbour in
Frobenius distance, the paper's Algorithm 1, O(COUNT²); grouped: FFT/PCA orthant
bins for large COUNT; auto: greedy up to about 10^10 distance terms, then
grouped; none: index order), and solved in that order with GCRO-DR(m, k),
which carries a recycled Krylov subspace from one system to the next. The
paper used m = 40, k = 20 with the recycled space recomputed every cycle;
the defaults here are k = 10 and --update-every 3 (recomputed every third
cycle and at the end of each solve), which bench/skr measured faster on
every family: the recycling update costs O(k·m·n) per cycle. --k 20
--update-every 1 --project 0 reproduces the paper's setting; --k 20
--update-every 1 is the default with --scheme skr-code, where bench/skr
measured it faster (--project keeps its default there, but darcy and
helmholtz matrices differ from system to system, so it has no effect).

Darcy and Helmholtz are assembled by default with the conservative flux
scheme (symmetric) and the log coefficient drawn from FNO's Neumann GRF. The
paper's Table 1 was measured on the matrices of its authors' code, a
nonsymmetric stencil with an indexing slip (--scheme skr-code) and the log
coefficient from FNO's periodic GaussianRF (--grf periodic); with both,
GMRES(40) needs thousands of iterations on Darcy and recycling cuts them
about 20-fold, as in the paper (see bench/skr).

When consecutive systems share the matrix (poisson, thermal: only b
changes), each solve also starts from the minimal-residual combination of up
to --project earlier solutions (Fischer's projection); since their b depends
linearly on a few parameters (thermal 2, poisson 30), later systems need few
iterations: thermal almost none, poisson about a tenth of GMRES(40)'s
at rtol 1e-5 and below.
Each solve stops when ‖b − A x‖ ≤ rtol·‖b‖; every stored solution's true
relative residual is checked, and the exit status is 3 (after writing the
file) if any exceeds rtol.

--compare (on by default) also solves every system independently with
GMRES(40), the paper's baseline, with the same preconditioner, rtol,
iteration limit and Gram–Schmidt (--orthog: auto reorthogonalises when the
measured loss of orthogonality calls for it, once never, as PETSc, twice
always), interleaved system by system with the recycled solves so that
both see the same machine load, and prints both. Times are per system and
include building the preconditioner; assembly is reported separately.
"recycled_iterations" and "baseline_iterations" in --json output are the
mean number of products with A per system (Arnoldi steps, the k products that
rebuild C = A·M·U when A changes, and the true-residual checks);
"recycled_ksp_iterations" and "baseline_ksp_iterations" count Arnoldi steps only
(PETSc's KSP iterations, the paper's count). If the residual of a solve
falls by less than 1% over 10 cycles, GCRO-DR discards the recycled space it
carried in and goes on cold (a carried space can trap it); "recycled_resets"
counts these, and the text output says so when there were any.

Sharding: --shard i/N (i = 0..N-1) makes every shard compute the same global
order (fields are regenerated from --seed, cheaply) and solve only its
contiguous slice of it, so a batch system runs the shards in parallel
(Kubernetes Indexed Job: --shard $JOB_COMPLETION_INDEX/N; Slurm array:
--shard $SLURM_ARRAY_TASK_ID/N). "subspace datagen merge" joins the shard files.
--warmup W makes a shard first solve the W systems before its slice to warm its
recycled space (not stored, timed separately).

The output file defaults to FAMILY.npz, which a later run replaces (saying
so on stderr), and to FAMILY.shard-i-of-N.npz for a shard; a file named
with --out, and an existing shard file, are overwritten only with --force.
--out '' writes nothing. Arrays: coeff (rows × field shape; Darcy
(G+2)×(G+2)), solution (rows × G × G), index (system of each row), order (the
global solve order), position (each row's place in it), iterations, matvecs,
seconds, setup_seconds, assemble_seconds, relres, the baseline_* columns with
--compare, grid, count, rtol, and meta (JSON text as uint8:
json.loads(bytes(d["meta"]))).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("datagen takes one FAMILY argument (%s), got %d", strings.Join(pde.Names(), ", "), len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg.family = args[0]
			if err := cfg.validate(cmd, shard); err != nil {
				return err
			}
			return runDatagen(cmd.Context(), cfg, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.IntVar(&cfg.grid, "grid", datagenDefaultGrid, "grid size G: G×G unknowns per system (Table 1: darcy 80, helmholtz 100; the paper's code solves 78 and 98 for the same rows, see go doc ./pde)")
	f.IntVar(&cfg.count, "count", datagenDefaultCount, "number of systems N")
	f.Uint64Var(&cfg.seed, "seed", 0, "random seed: field i is drawn from (seed, i) alone")
	f.StringVar(&cfg.precond, "precond", "none", "preconditioner: "+strings.Join(precond.Kinds(), ", "))
	f.Float64Var(&cfg.rtol, "rtol", 1e-5, "relative tolerance: stop when ‖b − A x‖ ≤ rtol·‖b‖")
	f.StringVar(&cfg.sort, "sort", "auto", "ordering: greedy, grouped, none or auto")
	f.StringVar(&cfg.out, "out", "", "output .npz file (default FAMILY.npz, or FAMILY.shard-i-of-N.npz; '' with --out= writes nothing)")
	f.BoolVar(&cfg.force, "force", false, "overwrite an existing output file")
	f.BoolVar(&cfg.compare, "compare", true, "also solve each system independently with GMRES(40) and report both")
	f.StringVar(&shard, "shard", "", "solve only shard i of N of the sorted sequence, e.g. 0/4")
	f.BoolVar(&cfg.json, "json", false, "print one JSON object instead of text")
	f.IntVar(&cfg.m, "m", krylov.DefaultGCRODRM, "GCRO-DR search space per cycle (recycled + Krylov vectors)")
	f.IntVar(&cfg.k, "k", datagenDefaultK, "GCRO-DR recycled vectors (0: none, i.e. GMRES(m); capped at m − 1 when not given; the paper used 20, the default with --scheme skr-code)")
	f.IntVar(&cfg.every, "update-every", datagenDefaultEvery, "recompute the recycled space every this many cycles (1: every cycle, as in the paper and the default with --scheme skr-code)")
	f.IntVar(&cfg.project, "project", datagenDefaultProject, "when consecutive systems share the matrix, start from the best combination of up to this many earlier solutions (0: off)")
	f.IntVar(&cfg.maxIter, "maxiter", datagenMaxIter, "iteration limit per system (both solvers)")
	f.IntVar(&cfg.warmup, "warmup", 0, "with --shard: solve this many systems before the slice first to warm the recycled space")
	f.BoolVar(&cfg.warmStart, "warm-start", false, "start each recycled solve from the previous system's solution instead of zero")
	f.BoolVar(&cfg.progress, "progress", true, "draw a progress bar on stderr")
	cfg.pc.register(f)
	f.StringVar(&cfg.orthogName, "orthog", "auto", "Gram–Schmidt in both solvers: auto (reorthogonalise when needed), once or twice")
	f.StringVar(&cfg.scheme, "scheme", "flux", "darcy and helmholtz stencil: flux (conservative, symmetric) or skr-code (the nonsymmetric matrices of the SKR authors' code, to re-run the paper)")
	f.StringVar(&cfg.grf, "grf", "neumann", "darcy and helmholtz log-coefficient sampler: neumann (FNO's Darcy GRF) or periodic (FNO's GaussianRF, as the SKR code)")
	cmd.AddCommand(newDatagenMergeCmd())
	return cmd
}

// validate checks the flags and fills in defaults (output name).
func (c *datagenConfig) validate(cmd *cobra.Command, shard string) error {
	// Names are case-insensitive, as in solve and sequence.
	for _, s := range []*string{&c.family, &c.precond, &c.sort, &c.scheme, &c.grf} {
		*s = strings.ToLower(strings.TrimSpace(*s))
	}
	if !slices.Contains(pde.Names(), c.family) {
		return usageErrorf("unknown family %q (known: %s)", c.family, strings.Join(pde.Names(), ", "))
	}
	if c.grid < 2 || c.grid > pde.MaxGrid {
		return usageErrorf("--grid %d: must be in 2..%d", c.grid, pde.MaxGrid)
	}
	if c.count < 1 {
		return usageErrorf("--count %d: need at least one system", c.count)
	}
	if !slices.Contains(precond.Kinds(), c.precond) {
		return usageErrorf("--precond %q: want one of %s", c.precond, strings.Join(precond.Kinds(), ", "))
	}
	if !(c.rtol > 0) || c.rtol >= 1 || math.IsInf(c.rtol, 0) {
		return usageErrorf("--rtol %v: must be in (0, 1)", c.rtol)
	}
	switch c.sort {
	case "greedy", "grouped", "none", "auto":
	default:
		return usageErrorf("--sort %q: want greedy, grouped, none or auto", c.sort)
	}
	if !c.hasVariants() {
		for _, name := range []string{"scheme", "grf"} {
			if cmd.Flags().Changed(name) {
				return usageErrorf("--%s applies to the darcy and helmholtz families only", name)
			}
		}
	}
	scheme, err := pde.ParseScheme(c.scheme)
	if err != nil {
		return usageErrorf("--scheme %q: want flux or skr-code", c.scheme)
	}
	if scheme == pde.SKRCodeScheme {
		// On the SKR code's nonsymmetric matrices GMRES needs thousands of
		// steps and the paper's GCRO-DR(40, 20) updated every cycle beats
		// the flux-form defaults (bench/skr): use it unless told otherwise
		if !cmd.Flags().Changed("k") {
			c.k = skrCodeK
		}
		if !cmd.Flags().Changed("update-every") {
			c.every = 1
		}
	}
	if !cmd.Flags().Changed("k") && c.m >= 1 {
		c.k = min(c.k, c.m-1) // a default k is capped at m−1 for a small --m
	}
	if c.m < 1 {
		return usageErrorf("--m %d: must be at least 1", c.m)
	}
	if c.k < 0 || c.k >= c.m {
		return usageErrorf("--m %d --k %d: need 0 ≤ k < m", c.m, c.k)
	}
	if c.project < 0 {
		return usageErrorf("--project %d: must be ≥ 0", c.project)
	}
	if c.every < 1 {
		return usageErrorf("--update-every %d: must be at least 1", c.every)
	}
	if c.maxIter < 1 {
		return usageErrorf("--maxiter %d: must be at least 1", c.maxIter)
	}
	if c.warmup < 0 {
		return usageErrorf("--warmup %d: must be ≥ 0", c.warmup)
	}
	o, err := krylov.ParseOrthog(strings.ToLower(strings.TrimSpace(c.orthogName)))
	if err != nil {
		return usageErrorf("--orthog %q: want auto, once or twice", c.orthogName)
	}
	c.orthog = o
	if c.warmup > 0 && shard == "" {
		return usageErrorf("--warmup applies with --shard only (it warms the recycled space before a shard's slice)")
	}
	if err := c.pc.validate(cmd.Flags(), c.precond); err != nil {
		return err
	}
	if _, err := pde.ParseGRF(c.grf); err != nil {
		return usageErrorf("--grf %q: want neumann or periodic", c.grf)
	}
	c.shard = shardSpec{0, 1}
	if shard != "" {
		sp, err := parseShard(shard)
		if err != nil {
			return usageErrorf("%v", err)
		}
		if sp.count > c.count {
			return usageErrorf("--shard %s: more shards than systems (--count %d)", shard, c.count)
		}
		c.shard = sp
	}
	if !cmd.Flags().Changed("out") {
		c.out = c.family + ".npz"
		if shard != "" {
			c.out = fmt.Sprintf("%s.shard-%d-of-%d.npz", c.family, c.shard.index, c.shard.count)
		} else if st, err := os.Stat(c.out); err == nil && st.Mode().IsRegular() {
			// The default output of an unsharded run is replaced, as a
			// compiler replaces a.out, so that the plain command can be
			// run again and a script reading FAMILY.npz reads this run's
			// data; runDatagen says so on stderr. A named --out, and a
			// shard's default name, need --force.
			c.replaceDefault = true
		}
	}
	if c.out != "" {
		if err := checkOutput("--out", c.out, c.force || c.replaceDefault); err != nil {
			return err
		}
		if err := checkFormats(".npz", output{"--out", c.out}); err != nil {
			return err
		}
	}
	return nil
}

// checkMemory refuses a run that certainly cannot fit in the memory this
// process may use (sysmem.Usable), before the first allocation fails with
// a fatal error: --grid 16384 asks for 2.7·10⁸ unknowns per system. The
// estimate is a lower bound: the parameter fields of all systems (every
// shard draws them all, to compute the global order), the fields and
// solutions of this shard's slice in the output, one matrix (5 entries per
// row at 12 bytes, and its row pointers), the preconditioner of each lane
// (a diagonal for Jacobi, a matrix-sized factor for the others) and the
// solvers' vectors (laneBytes: GCRO-DR's and, with --compare, GMRES's). A
// run near the limit can still fail (the garbage collector lets the heap
// grow past the live data); this refuses the hopeless ones.
//
// fam may be nil: the bound then leaves out the parameter fields, so that
// it can be checked before the family is built (a darcy or helmholtz family
// allocates its GRF's (G+2)² coefficients when built: 2 GiB and about 40 s
// at --grid 16384, before a check after it could refuse).
func (c *datagenConfig) checkMemory(fam pde.Family) error {
	lim, ok := sysmem.Usable()
	if !ok {
		return nil
	}
	field, n := 0.0, float64(c.grid)*float64(c.grid) // every family has G² unknowns
	if fam != nil {
		field = 1
		for _, d := range fam.FieldShape() {
			field *= float64(d)
		}
		n = float64(fam.Unknowns())
	}
	lo, hi := shardRange(c.count, c.shard)
	need := 8 * (float64(c.count)*field + float64(hi-lo)*(field+n))
	matrix := n * (5*12 + 8)
	need += matrix
	lanes := 1.0
	if c.compare {
		lanes = 2
	}
	switch c.precond {
	case "none":
	case "jacobi":
		need += lanes * 8 * n
	default:
		need += lanes * matrix
	}
	need += laneBytes(int(n), c.m, c.k, c.compare)
	if need <= float64(lim.Bytes) {
		return nil
	}
	return usageErrorf("--grid %d --count %d --m %d --k %d needs at least %s (parameter fields, solutions, one matrix, preconditioners and the solvers' vectors), more than %s; choose a smaller --grid, --count, --m or --k",
		c.grid, c.count, c.m, c.k, sysmem.FormatBytes(need), lim)
}

// datagenSource is a sequence.Source over fields drawn in advance.
type datagenSource struct {
	fam    pde.Family
	fields [][]float64
}

func (s *datagenSource) Len() int { return len(s.fields) }
func (s *datagenSource) System(i int) (*sparse.CSR, []float64, error) {
	return s.fam.Assemble(s.fields[i])
}

// sortSystems returns the global solve order and the method used.
func sortSystems(fam pde.Family, fields [][]float64, method string) ([]int, string) {
	if method == "auto" {
		method = "greedy"
		if n, d := float64(len(fields)), float64(len(fields[0])); n*n*d > 1e10 {
			method = "grouped"
		}
	}
	switch method {
	case "greedy":
		return sequence.Greedy(fields), method
	case "grouped":
		return sequence.Grouped(fields, fam.FieldShape(), groupedOptions(fam)), method
	}
	order := make([]int, len(fields))
	for i := range order {
		order[i] = i
	}
	return order, method
}

// groupedOptions adapts the grouped sort's features to a family's field:
// Helmholtz fields are the medium on the (g+2)² node grid followed by the
// wavenumber, so the FFT features come from the medium as an image (the
// SKR code does the same: FFT of the medium, k added to the distance).
func groupedOptions(fam pde.Family) *sequence.GroupedOptions {
	if fam.Name() != "helmholtz" {
		return nil
	}
	s := fam.Grid() + 2
	return &sequence.GroupedOptions{Features: func(f []float64) []float64 {
		return sequence.LowFrequency(f[:s*s], []int{s, s}, sequence.DefaultFreq)
	}}
}

// datagenReport is the --json output (and what the text output shows).
type datagenReport struct {
	Family        string  `json:"family"`
	Grid          int     `json:"grid"`
	Unknowns      int     `json:"unknowns"`
	Count         int     `json:"count"`
	Total         int     `json:"total"`
	Shard         string  `json:"shard"`
	Seed          uint64  `json:"seed"`
	RTol          float64 `json:"rtol"`
	Precond       string  `json:"precond"`
	Omega         float64 `json:"omega,omitempty"`  // ssor: --omega (absent: 1)
	Shift         float64 `json:"shift,omitempty"`  // ic0, ick: --shift (absent: none)
	Levels        int     `json:"levels,omitempty"` // iluk, ick: the k of ILU(k), IC(k); asm, bjacobi: the subdomains'
	Sort          string  `json:"sort"`
	laneReport            // solver, baseline, the two lanes' means, speedups
	FieldSeconds  jsonNum `json:"field_seconds"`
	SortSeconds   jsonNum `json:"sort_seconds"`
	WarmupSystems int     `json:"warmup_systems"`
	WarmupSeconds jsonNum `json:"warmup_seconds"`
	WarmupKSP     int     `json:"warmup_ksp_iterations"`
	WarmupMatVecs int     `json:"warmup_matvecs"`
	Scheme        string  `json:"scheme,omitempty"`
	GRF           string  `json:"grf,omitempty"`
	WallSeconds   jsonNum `json:"wall_seconds"`
	Out           string  `json:"out"`
}

func numPtr(v float64) *jsonNum { n := jsonNum(v); return &n }

// hasVariants reports whether the family takes --scheme and --grf.
func (c *datagenConfig) hasVariants() bool { return c.family == "darcy" || c.family == "helmholtz" }

// newFamily returns the PDE family of the configuration (flags already
// validated).
func (c *datagenConfig) newFamily() (pde.Family, error) {
	var v pde.Variant
	if c.hasVariants() {
		var err error
		if v.Scheme, err = pde.ParseScheme(c.scheme); err != nil {
			return nil, err
		}
		if v.PeriodicGRF, err = pde.ParseGRF(c.grf); err != nil {
			return nil, err
		}
	}
	return pde.NewVariant(c.family, c.grid, v)
}

// variantMeta returns the scheme and field sampler recorded in darcy and
// helmholtz datasets ("" for other families).
func (c *datagenConfig) variantMeta() (scheme, grf string) {
	if !c.hasVariants() {
		return "", ""
	}
	return c.scheme, c.grf
}

func runDatagen(ctx context.Context, c datagenConfig, stdout, stderr io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	wall := time.Now()
	if err := c.checkMemory(nil); err != nil {
		return err
	}
	fam, err := c.newFamily()
	if err != nil {
		return usageErrorf("%v", err)
	}
	if err := c.checkMemory(fam); err != nil {
		return err
	}
	// Said once the run is accepted: a refused one replaces nothing, and
	// its error stays the one line on stderr.
	if c.replaceDefault {
		fmt.Fprintf(stderr, "subspace: replacing %s, the default output of an earlier run (--out names another file)\n", c.out)
	}
	n := fam.Unknowns()
	if (c.precond == "asm" || c.precond == "bjacobi") && c.pc.blocks == 0 {
		// One block per processor, resolved here so that the dataset
		// records the subdomains it was solved with: shards run on
		// machines with different core counts used different
		// preconditioners, and merge refuses to join them.
		c.pc.blocks = min(par.Procs(), max(n, 1))
	}
	popt := c.pc.options() // every lane builds the same preconditioner
	t0 := time.Now()
	fields := pde.Fields(fam, c.seed, c.count)
	fieldSec := time.Since(t0).Seconds()
	t0 = time.Now()
	order, sortName := sortSystems(fam, fields, c.sort)
	sortSec := time.Since(t0).Seconds()

	lo, hi := shardRange(c.count, c.shard)
	slice := order[lo:hi]
	rows := slices.Clone(slice)
	slices.Sort(rows)
	rowOf := make(map[int]int, len(rows))
	for k, i := range rows {
		rowOf[i] = k
	}
	posOf := make(map[int]int, len(slice))
	for p := lo; p < hi; p++ {
		posOf[order[p]] = p
	}

	src := &datagenSource{fam: fam, fields: fields}
	kopt := krylov.Options{RTol: c.rtol, MaxIter: c.maxIter, Orthog: c.orthog}
	gk := c.k
	if gk == 0 {
		gk = -1
	}
	rec := krylov.NewGCRODR(n, &krylov.GCRODROptions{M: c.m, K: gk, UpdateEvery: c.every})
	solverName := fmt.Sprintf("GCRO-DR(%d,%d)", c.m, c.k)
	if c.every > 1 {
		solverName = fmt.Sprintf("GCRO-DR(%d,%d)/%d", c.m, c.k, c.every)
	}

	// Warm-up: solve the systems just before the slice (not stored).
	var warmSec float64
	var warmSum sequence.Summary
	warmN := 0
	if c.warmup > 0 && lo > 0 {
		wlo := max(0, lo-c.warmup)
		warmN = lo - wlo
		t0 = time.Now()
		ws, err := sequence.Run(ctx, src, order[wlo:lo], rec, &sequence.Options{Krylov: kopt, Precond: c.precond, PrecondOptions: popt, ReuseIdentical: true, WarmStart: c.warmStart, Projection: c.project})
		if err != nil {
			return cliPrecondError(c.precond, fmt.Errorf("warm-up: %w", datagenRunError(err)))
		}
		warmSec = time.Since(t0).Seconds()
		warmSum = sequence.Summarize(ws)
	}

	d := &dataset{meta: datagenMeta{
		Format: datagenFormat, Family: c.family, Grid: c.grid, Unknowns: n, Seed: c.seed, Count: c.count,
		RTol: c.rtol, Precond: c.precond, Sort: sortName, M: c.m, K: c.k, UpdateEvery: c.every, Project: c.project, MaxIter: c.maxIter,
		WarmStart: c.warmStart, Warmup: c.warmup, ShardIndex: c.shard.index, ShardCount: c.shard.count,
		FieldShape: fam.FieldShape(), SolutionShape: fam.SolutionShape(), Solver: solverName,
	}}
	d.meta.Scheme, d.meta.GRF = c.variantMeta()
	if c.orthog != krylov.OrthogAuto {
		d.meta.Orthog = c.orthog.String() // absent for auto, as in files written before --orthog
	}
	if c.precond == "asm" || c.precond == "bjacobi" {
		d.meta.Blocks, d.meta.Overlap = c.pc.blocks, c.pc.overlap
	}
	// ω (absent: the default 1, as in files written before --omega), the
	// shift, ILU(k)'s k (never 0).
	d.meta.Omega, d.meta.Shift, d.meta.Levels = c.pc.params(c.precond)
	r := len(rows)
	fl := prod(d.meta.FieldShape)
	d.index, d.position = make([]int64, r), make([]int64, r)
	d.coeff, d.solution = make([]float64, r*fl), make([]float64, r*n)
	for k, i := range rows {
		d.index[k], d.position[k] = int64(i), int64(posOf[i])
		copy(d.coeff[k*fl:(k+1)*fl], fields[i])
	}
	d.order = make([]int64, len(order))
	for p, i := range order {
		d.order[p] = int64(i)
	}

	cfg := laneConfig{
		label: "datagen " + c.family, rec: rec, compare: c.compare, baseM: datagenBaselineM,
		opt: sequence.Options{
			Krylov: kopt, Precond: c.precond, PrecondOptions: popt, ReuseIdentical: true, WarmStart: c.warmStart, Projection: c.project,
		},
		solution: func(i int, x []float64) error {
			copy(d.solution[rowOf[i]*n:(rowOf[i]+1)*n], x)
			return nil
		},
		progress: c.progress, stderr: stderr,
	}
	if c.compare {
		d.meta.Baseline = fmt.Sprintf("GMRES(%d)", datagenBaselineM)
	}
	lr, err := runLanes(ctx, src, slice, cfg)
	if err != nil {
		return cliPrecondError(c.precond, datagenRunError(err))
	}
	stats := lr.stats
	fillStats(d, stats, rowOf)

	rep := datagenReport{
		Family: c.family, Grid: c.grid, Unknowns: n, Count: r, Total: c.count, Shard: c.shard.String(),
		Seed: c.seed, RTol: c.rtol, Precond: c.precond, Sort: sortName,
		laneReport:   lr.report(solverName, d.meta.Baseline),
		FieldSeconds: jsonNum(fieldSec), SortSeconds: jsonNum(sortSec), WarmupSystems: warmN, WarmupSeconds: jsonNum(warmSec),
		WarmupKSP: warmSum.TotalIterations, WarmupMatVecs: warmSum.TotalMVs, Out: c.out,
		Scheme: d.meta.Scheme, GRF: d.meta.GRF, Omega: d.meta.Omega, Shift: d.meta.Shift, Levels: d.meta.Levels,
	}
	if c.out != "" {
		if err := d.write(c.out); err != nil {
			return err
		}
	}
	rep.WallSeconds = jsonNum(time.Since(wall).Seconds())
	if c.json {
		if err := json.NewEncoder(stdout).Encode(rep); err != nil {
			return err
		}
	} else {
		printDatagen(stdout, rep, d, lr)
	}
	bad := 0
	for _, v := range d.relres {
		if !(v <= c.rtol) {
			bad++
		}
	}
	if bad > 0 {
		fmt.Fprintf(stderr, "subspace: %d of %d stored solutions have relative residual above rtol %g\n", bad, r, c.rtol)
		return &exitErr{code: exitNotConverge}
	}
	return nil
}

// shardRange returns the positions [lo, hi) of shard s of count systems:
// contiguous, sizes differing by at most one.
func shardRange(count int, s shardSpec) (lo, hi int) {
	q, rem := count/s.count, count%s.count
	lo = s.index*q + min(s.index, rem)
	hi = lo + q
	if s.index < rem {
		hi++
	}
	return lo, hi
}

// fillStats copies the per-system statistics into the dataset's rows.
func fillStats(d *dataset, stats [][]sequence.Stat, rowOf map[int]int) {
	r := d.rows()
	d.iterations, d.matvecs = make([]int64, r), make([]int64, r)
	d.seconds, d.setup, d.assemble, d.relres = make([]float64, r), make([]float64, r), make([]float64, r), make([]float64, r)
	for _, st := range stats[0] {
		k := rowOf[st.System]
		d.iterations[k], d.matvecs[k] = int64(st.Iterations), int64(st.MatVecs)
		d.seconds[k], d.setup[k], d.assemble[k], d.relres[k] = st.Seconds, st.SetupSeconds, st.AssembleSeconds, st.RelResidual
	}
	if len(stats) < 2 {
		return
	}
	d.hasBase = true
	d.baseIterations, d.baseMatvecs = make([]int64, r), make([]int64, r)
	d.baseSeconds, d.baseSetup, d.baseRelres = make([]float64, r), make([]float64, r), make([]float64, r)
	for _, st := range stats[1] {
		k := rowOf[st.System]
		d.baseIterations[k], d.baseMatvecs[k] = int64(st.Iterations), int64(st.MatVecs)
		d.baseSeconds[k], d.baseSetup[k], d.baseRelres[k] = st.Seconds, st.SetupSeconds, st.RelResidual
	}
}

// printDatagen prints the human-readable summary.
func printDatagen(w io.Writer, r datagenReport, d *dataset, lr laneResult) {
	shard := ""
	if r.Shard != "0/1" {
		shard = fmt.Sprintf("  shard %s (%d of %d systems)", r.Shard, r.Count, r.Total)
	}
	variant := ""
	if r.Scheme != "" && (r.Scheme != "flux" || r.GRF != "neumann") {
		variant = fmt.Sprintf(" (scheme %s, grf %s)", r.Scheme, r.GRF)
	}
	fmt.Fprintf(w, "%s%s  grid %d (%d unknowns)  %s  seed %d  rtol %g  precond %s  sort %s%s\n",
		r.Family, variant, r.Grid, r.Unknowns, plural(r.Count, "system", "systems"), r.Seed, r.RTol, (&precondFlags{omega: r.Omega, shift: r.Shift, levels: r.Levels}).label(r.Precond), r.Sort, shard)
	fmt.Fprintf(w, "fields %.3g s, sort %.3g s, assembly %.3g s/system (not in the times below)\n",
		float64(r.FieldSeconds), float64(r.SortSeconds), float64(r.AssembleSeconds))
	if r.WarmupSystems > 0 {
		fmt.Fprintf(w, "warm-up: %s before the slice, %d iterations, %.3g s\n", plural(r.WarmupSystems, "system", "systems"), r.WarmupKSP, float64(r.WarmupSeconds))
	}
	base := ""
	if r.Baseline != nil {
		base = *r.Baseline
	}
	printLanes(w, r.Solver, base, lr)
	if r.Out != "" {
		fmt.Fprintf(w, "wrote %s: coeff %s, solution %s\n", r.Out, shapeString(append([]int{d.rows()}, d.meta.FieldShape...)), shapeString(append([]int{d.rows()}, d.meta.SolutionShape...)))
	}
}

func shapeString(s []int) string {
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, "×")
}

// datagenRunError drops the "sequence: " prefix of an error from the
// sequence driver: datagen's user never named that package, and its
// "system i" is datagen's system index already.
func datagenRunError(err error) error {
	if msg, ok := strings.CutPrefix(err.Error(), "sequence: "); ok {
		return &rewritten{msg: msg, err: err}
	}
	return err
}
