package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"sort"

	"github.com/subspace-lab/subspace/krylov"
	"github.com/subspace-lab/subspace/npy"
)

// datagenFormat names the layout of the .npz files datagen writes.
const datagenFormat = "subspace-datagen/1"

// datagenMeta describes how a dataset was generated; it is stored as the
// JSON text of the uint8 array "meta" (json.loads(bytes(d["meta"]))).
// Shard files of one run agree on everything but ShardIndex.
type datagenMeta struct {
	Format        string  `json:"format"`
	Family        string  `json:"family"`
	Grid          int     `json:"grid"`
	Unknowns      int     `json:"unknowns"`
	Seed          uint64  `json:"seed"`
	Count         int     `json:"count"`
	RTol          float64 `json:"rtol"`
	Precond       string  `json:"precond"`
	Sort          string  `json:"sort"`
	M             int     `json:"m"`
	K             int     `json:"k"`
	UpdateEvery   int     `json:"update_every"`
	Project       int     `json:"project"`
	MaxIter       int     `json:"maxiter"`
	WarmStart     bool    `json:"warm_start"`
	Warmup        int     `json:"warmup"`
	ShardIndex    int     `json:"shard_index"`
	ShardCount    int     `json:"shard_count"`
	FieldShape    []int   `json:"field_shape"`
	SolutionShape []int   `json:"solution_shape"`
	Solver        string  `json:"solver"`
	Baseline      string  `json:"baseline,omitempty"`
	Scheme        string  `json:"scheme,omitempty"`  // darcy, helmholtz: flux or skr-code
	GRF           string  `json:"grf,omitempty"`     // darcy, helmholtz: neumann or periodic
	Blocks        int     `json:"blocks,omitempty"`  // asm, bjacobi: the subdomains used (--blocks, or one per processor; 0 in files of earlier versions)
	Overlap       int     `json:"overlap,omitempty"` // asm: --overlap (0: 1)
	Omega         float64 `json:"omega,omitempty"`   // ssor: --omega (0: the default 1)
	Shift         float64 `json:"shift,omitempty"`   // ic0, ick: --shift (0: none)
	Levels        int     `json:"levels,omitempty"`  // iluk, ick: the k of ILU(k), IC(k); asm, bjacobi: the subdomains' (0: ILU(0))
	Orthog        string  `json:"orthog,omitempty"`  // --orthog once or twice ("" for auto)
}

// sameRun reports the first setting in which two shards' metadata differ
// ("" when they come from the same run).
func (m datagenMeta) sameRun(o datagenMeta) string {
	type kv struct {
		name string
		a, b any
	}
	for _, c := range []kv{
		{"format", m.Format, o.Format}, {"family", m.Family, o.Family}, {"grid", m.Grid, o.Grid},
		{"seed", m.Seed, o.Seed}, {"count", m.Count, o.Count}, {"rtol", m.RTol, o.RTol},
		{"precond", m.Precond, o.Precond}, {"sort", m.Sort, o.Sort}, {"m", m.M, o.M}, {"k", m.K, o.K}, {"update_every", m.UpdateEvery, o.UpdateEvery}, {"project", m.Project, o.Project},
		{"maxiter", m.MaxIter, o.MaxIter}, {"warm_start", m.WarmStart, o.WarmStart},
		{"shard count", m.ShardCount, o.ShardCount}, {"baseline", m.Baseline, o.Baseline},
		{"scheme", m.Scheme, o.Scheme}, {"grf", m.GRF, o.GRF}, {"blocks", m.Blocks, o.Blocks}, {"overlap", m.Overlap, o.Overlap},
		{"omega", m.Omega, o.Omega}, {"shift", m.Shift, o.Shift}, {"levels", m.Levels, o.Levels},
		{"orthog", m.orthog(), o.orthog()},
		// Implied by family and grid in files datagen writes, but merge
		// copies rows by them: a corrupted or edited file must be an
		// error here, not a slice-bounds panic (slices are compared as
		// text: they are not comparable as interface values).
		{"field_shape", fmt.Sprint(m.FieldShape), fmt.Sprint(o.FieldShape)},
		{"solution_shape", fmt.Sprint(m.SolutionShape), fmt.Sprint(o.SolutionShape)},
	} {
		if c.a != c.b {
			return fmt.Sprintf("%s %v vs %v", c.name, noneIfEmpty(c.a), noneIfEmpty(c.b))
		}
	}
	return ""
}

// noneIfEmpty returns "none" for an empty string (a baseline absent with
// --compare=false), v otherwise.
func noneIfEmpty(v any) any {
	if v == "" {
		return "none"
	}
	return v
}

// orthog is the run's --orthog: the stored name, or auto when it is absent.
func (m datagenMeta) orthog() string {
	if m.Orthog == "" {
		return krylov.OrthogAuto.String()
	}
	return m.Orthog
}

// dataset is the content of a datagen .npz file: rows are the systems of
// the file (all of them, or one shard's), in increasing system index.
type dataset struct {
	meta     datagenMeta
	index    []int64 // system index of each row
	order    []int64 // global solve order (all Count systems)
	position []int64 // position of each row in order
	coeff    []float64
	solution []float64

	iterations, matvecs                []int64
	seconds, setup, assemble, relres   []float64
	hasBase                            bool
	baseIterations, baseMatvecs        []int64
	baseSeconds, baseSetup, baseRelres []float64
}

func (d *dataset) rows() int { return len(d.index) }

// npzF64 and npzI64 are arrays to write.
type npzF64 struct {
	name  string
	shape []int
	data  []float64
}

type npzI64 struct {
	name  string
	shape []int
	data  []int64
}

func prod(shape []int) int {
	p := 1
	for _, s := range shape {
		p *= s
	}
	return p
}

// writeNPZ creates path, lets fill write its arrays and closes it,
// atomically: if fill or the close fails, path is left as it was.
func writeNPZ(path string, fill func(z *npy.NPZWriter) error) error {
	z, err := npy.CreateNPZ(path)
	if err != nil {
		return err
	}
	if err := fill(z); err != nil {
		z.Abort()
		return err
	}
	return z.Close()
}

// write stores d at path (atomically: a failed write leaves path as it was).
func (d *dataset) write(path string) error {
	return writeNPZ(path, d.fill)
}

// fill writes d's arrays into z.
func (d *dataset) fill(z *npy.NPZWriter) error {
	r := d.rows()
	meta, err := json.Marshal(d.meta)
	if err != nil {
		return err
	}
	mb := make([]int64, len(meta))
	for i, c := range meta {
		mb[i] = int64(c)
	}
	w, err := z.Create("meta", npy.Header{DType: "|u1", Shape: []int{len(mb)}})
	if err != nil {
		return err
	}
	if err := w.WriteInt64(mb); err != nil {
		w.Close()
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	f64 := []npzF64{
		{"coeff", append([]int{r}, d.meta.FieldShape...), d.coeff},
		{"solution", append([]int{r}, d.meta.SolutionShape...), d.solution},
		{"seconds", []int{r}, d.seconds},
		{"setup_seconds", []int{r}, d.setup},
		{"assemble_seconds", []int{r}, d.assemble},
		{"relres", []int{r}, d.relres},
		{"rtol", nil, []float64{d.meta.RTol}},
	}
	i64 := []npzI64{
		{"index", []int{r}, d.index},
		{"order", []int{len(d.order)}, d.order},
		{"position", []int{r}, d.position},
		{"iterations", []int{r}, d.iterations},
		{"matvecs", []int{r}, d.matvecs},
		{"grid", nil, []int64{int64(d.meta.Grid)}},
		{"count", nil, []int64{int64(d.meta.Count)}},
	}
	if d.hasBase {
		f64 = append(f64,
			npzF64{"baseline_seconds", []int{r}, d.baseSeconds},
			npzF64{"baseline_setup_seconds", []int{r}, d.baseSetup},
			npzF64{"baseline_relres", []int{r}, d.baseRelres})
		i64 = append(i64,
			npzI64{"baseline_iterations", []int{r}, d.baseIterations},
			npzI64{"baseline_matvecs", []int{r}, d.baseMatvecs})
	}
	for _, a := range f64 {
		if err := z.WriteFloat64(a.name, a.shape, a.data); err != nil {
			return err
		}
	}
	for _, a := range i64 {
		if err := z.WriteInt64(a.name, a.shape, a.data); err != nil {
			return err
		}
	}
	return nil
}

// readDataset reads a datagen .npz file and checks that its arrays are
// consistent with its metadata. NaN and Inf are read: a failed solve
// (krylov.ErrNaN) leaves them in its solution and relres, and datagen
// writes them.
func readDataset(path string) (*dataset, error) {
	z, err := npy.ReadOptions{AllowNonFinite: true}.OpenNPZ(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such file", path)
		}
		return nil, err
	}
	defer z.Close()
	return parseDataset(z, path)
}

// parseDataset reads and checks the arrays of a datagen file opened as z;
// path (the file's name) prefixes every error.
func parseDataset(z *npy.NPZReader, path string) (*dataset, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: not a datagen dataset: %s", path, fmt.Sprintf(format, args...))
	}
	mb, err := z.ReadInt64("meta")
	if err != nil {
		return nil, bad("no readable meta array (%v)", err)
	}
	raw := make([]byte, len(mb.Data))
	for i, v := range mb.Data {
		raw[i] = byte(v)
	}
	d := &dataset{}
	if err := json.Unmarshal(raw, &d.meta); err != nil {
		return nil, bad("meta is not JSON (%v)", err)
	}
	if d.meta.Format != datagenFormat {
		return nil, bad("format %q, want %q", d.meta.Format, datagenFormat)
	}
	getI := func(name string) ([]int64, error) {
		a, err := z.ReadInt64(name)
		if err != nil {
			return nil, bad("array %s: %v", name, err)
		}
		return a.Data, nil
	}
	getF := func(name string) ([]float64, error) {
		a, err := z.ReadFloat64(name)
		if err != nil {
			return nil, bad("array %s: %v", name, err)
		}
		return a.Data, nil
	}
	for _, p := range []struct {
		name string
		dst  *[]int64
	}{{"index", &d.index}, {"order", &d.order}, {"position", &d.position}, {"iterations", &d.iterations}, {"matvecs", &d.matvecs}} {
		if *p.dst, err = getI(p.name); err != nil {
			return nil, err
		}
	}
	for _, p := range []struct {
		name string
		dst  *[]float64
	}{{"coeff", &d.coeff}, {"solution", &d.solution}, {"seconds", &d.seconds}, {"setup_seconds", &d.setup}, {"assemble_seconds", &d.assemble}, {"relres", &d.relres}} {
		if *p.dst, err = getF(p.name); err != nil {
			return nil, err
		}
	}
	names := map[string]bool{}
	for _, n := range z.Names() {
		names[n] = true
	}
	if names["baseline_iterations"] {
		d.hasBase = true
		for _, p := range []struct {
			name string
			dst  *[]int64
		}{{"baseline_iterations", &d.baseIterations}, {"baseline_matvecs", &d.baseMatvecs}} {
			if *p.dst, err = getI(p.name); err != nil {
				return nil, err
			}
		}
		for _, p := range []struct {
			name string
			dst  *[]float64
		}{{"baseline_seconds", &d.baseSeconds}, {"baseline_setup_seconds", &d.baseSetup}, {"baseline_relres", &d.baseRelres}} {
			if *p.dst, err = getF(p.name); err != nil {
				return nil, err
			}
		}
	}
	// Consistency.
	r := len(d.index)
	m := d.meta
	if m.Baseline != "" && !d.hasBase {
		return nil, bad("meta names baseline %s but the baseline_* arrays are missing", m.Baseline)
	}
	if m.Baseline == "" && d.hasBase {
		return nil, bad("baseline_* arrays without a baseline in meta")
	}
	if m.Count < 1 || len(d.order) != m.Count {
		return nil, bad("order has %d entries for count %d", len(d.order), m.Count)
	}
	if m.ShardCount < 1 || m.ShardIndex < 0 || m.ShardIndex >= m.ShardCount {
		return nil, bad("shard %d/%d", m.ShardIndex, m.ShardCount)
	}
	// A slice, not a map: the first bad array named is the same on every run.
	type arrayLen struct {
		name string
		l    int
	}
	lens := []arrayLen{{"position", len(d.position)}, {"iterations", len(d.iterations)}, {"matvecs", len(d.matvecs)},
		{"seconds", len(d.seconds)}, {"setup_seconds", len(d.setup)}, {"assemble_seconds", len(d.assemble)}, {"relres", len(d.relres)}}
	if d.hasBase {
		lens = append(lens, arrayLen{"baseline_iterations", len(d.baseIterations)}, arrayLen{"baseline_matvecs", len(d.baseMatvecs)},
			arrayLen{"baseline_seconds", len(d.baseSeconds)}, arrayLen{"baseline_setup_seconds", len(d.baseSetup)}, arrayLen{"baseline_relres", len(d.baseRelres)})
	}
	for _, a := range lens {
		if a.l != r {
			return nil, bad("%s has %d rows, index has %d", a.name, a.l, r)
		}
	}
	// Shapes of positive dimensions, with a product that cannot overflow
	// in r·size below (r < 2^32: the index array is in the file).
	for _, sh := range []struct {
		name  string
		shape []int
	}{{"field_shape", m.FieldShape}, {"solution_shape", m.SolutionShape}} {
		size := 1
		for _, v := range sh.shape {
			if v < 1 || v > 1<<31/size {
				size = 0
				break
			}
			size *= v
		}
		if len(sh.shape) == 0 || size == 0 {
			return nil, bad("%s %v: want positive dimensions, at most 2^31 values per system", sh.name, sh.shape)
		}
	}
	if len(d.coeff) != r*prod(m.FieldShape) || len(d.solution) != r*prod(m.SolutionShape) {
		return nil, bad("coeff or solution size does not match %d rows of shape %v / %v", r, m.FieldShape, m.SolutionShape)
	}
	seen := make([]bool, m.Count)
	for _, i := range d.order {
		if i < 0 || int(i) >= m.Count || seen[i] {
			return nil, bad("order is not a permutation of 0..%d", m.Count-1)
		}
		seen[i] = true
	}
	if !sort.SliceIsSorted(d.index, func(a, b int) bool { return d.index[a] < d.index[b] }) {
		return nil, bad("rows are not in increasing index order")
	}
	for k, p := range d.position {
		if p < 0 || int(p) >= m.Count || d.order[p] != d.index[k] {
			return nil, bad("row %d: position %d does not hold system %d in order", k, p, d.index[k])
		}
	}
	// Counts are never negative; times are not negative either (NaN is
	// kept: relres is NaN for a solve that failed with NaN, and datagen
	// writes what it measured).
	counts := []struct {
		name string
		v    []int64
	}{{"iterations", d.iterations}, {"matvecs", d.matvecs}, {"baseline_iterations", d.baseIterations}, {"baseline_matvecs", d.baseMatvecs}}
	for _, c := range counts {
		for k, v := range c.v {
			if v < 0 {
				return nil, bad("%s[%d] = %d: a count cannot be negative", c.name, k, v)
			}
		}
	}
	times := []struct {
		name string
		v    []float64
	}{{"seconds", d.seconds}, {"setup_seconds", d.setup}, {"assemble_seconds", d.assemble},
		{"baseline_seconds", d.baseSeconds}, {"baseline_setup_seconds", d.baseSetup}}
	for _, c := range times {
		for k, v := range c.v {
			if v < 0 || math.IsInf(v, 0) {
				return nil, bad("%s[%d] = %v: a time must be finite and ≥ 0", c.name, k, v)
			}
		}
	}
	return d, nil
}
