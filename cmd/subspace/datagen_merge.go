package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// newDatagenMergeCmd returns "datagen merge": join shard files into one
// dataset.
func newDatagenMergeCmd() *cobra.Command {
	var (
		out     string
		force   bool
		jsonOut bool
	)
	cmd := &cobra.Command{
		Use:   "merge --out FILE.npz SHARD.npz...",
		Short: "Join the shard files of one datagen run into one dataset",
		Long: `merge reads the .npz files written by "datagen --shard i/N" for i = 0..N-1 and
writes one dataset laid out as the unsharded run stores it: rows in increasing
system index, the same global order, the same coeff, index and position, every
per-system column. The solutions, relres and iteration counts are not bit for
bit the unsharded run's: each shard starts its recycled space (and, for poisson
and thermal, its projection on earlier solutions) empty at its first system: each
solution still meets rtol, and differs from the unsharded one by about that
much. It checks that
the files come from the same run (family, grid, seed, count, rtol,
preconditioner, sort, solver settings, number of shards, and the same global
order), that every shard 0..N-1 is present exactly once and that together
they hold every system exactly once; anything else is an error naming the
files. Shards may differ in --warmup (the merged file records the largest). The output is refused if it exists, unless --force, and may not be
one of the shards. Exit status 3 (after writing and printing) when some
merged solutions have a relative residual above the run's rtol, as datagen.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("merge needs at least one shard file")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageErrorf("merge needs --out FILE.npz")
			}
			var shards []output
			for _, a := range args {
				shards = append(shards, output{"SHARD", a})
			}
			if err := checkOutputs(shards, []output{{"--out", out}}, force, nil); err != nil {
				return err
			}
			if err := checkFormats(".npz", output{"--out", out}); err != nil {
				return err
			}
			d, err := mergeShards(args)
			if err != nil {
				return err
			}
			if err := d.write(out); err != nil {
				return err
			}
			if err := printMerge(cmd.OutOrStdout(), jsonOut, out, d, len(args)); err != nil {
				return err
			}
			// As datagen itself: a dataset holding solutions that missed
			// the tolerance is written, but the exit status says so.
			bad := 0
			for _, v := range d.relres {
				if !(v <= d.meta.RTol) {
					bad++
				}
			}
			if bad > 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "subspace: %d of %d merged solutions have relative residual above rtol %g\n", bad, len(d.relres), d.meta.RTol)
				return &exitErr{code: exitNotConverge}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "merged output .npz file (required)")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite an existing output file")
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print one JSON object instead of text")
	return cmd
}

// mergeShards reads and checks the shard files and joins them.
func mergeShards(paths []string) (*dataset, error) {
	shards := make([]*dataset, len(paths))
	for k, p := range paths {
		d, err := readDataset(p)
		if err != nil {
			return nil, err
		}
		shards[k] = d
	}
	first := shards[0].meta
	byIndex := map[int]string{}
	for k, d := range shards {
		if diff := first.sameRun(d.meta); diff != "" {
			return nil, fmt.Errorf("%s and %s come from different runs: %s", paths[0], paths[k], diff)
		}
		for p := range d.order {
			if d.order[p] != shards[0].order[p] {
				return nil, fmt.Errorf("%s and %s have different solve orders (position %d: system %d vs %d)", paths[0], paths[k], p, shards[0].order[p], d.order[p])
			}
		}
		if prev, dup := byIndex[d.meta.ShardIndex]; dup {
			return nil, fmt.Errorf("shard %d/%d given twice: %s and %s", d.meta.ShardIndex, first.ShardCount, prev, paths[k])
		}
		byIndex[d.meta.ShardIndex] = paths[k]
	}
	var missing []int
	for i := 0; i < first.ShardCount; i++ {
		if _, ok := byIndex[i]; !ok {
			missing = append(missing, i)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing shard(s) %v of %d", missing, first.ShardCount)
	}
	// Rows from all shards, each system exactly once.
	type src struct{ d, row int }
	owner := make([]src, first.Count)
	for i := range owner {
		owner[i] = src{-1, -1}
	}
	for k, d := range shards {
		for row, i := range d.index {
			if owner[i].d >= 0 {
				return nil, fmt.Errorf("system %d is in both %s and %s", i, paths[owner[i].d], paths[k])
			}
			owner[i] = src{k, row}
		}
	}
	for i, o := range owner {
		if o.d < 0 {
			return nil, fmt.Errorf("system %d is in none of the files (a gap in the shards)", i)
		}
	}
	m := &dataset{meta: first, order: shards[0].order, hasBase: first.Baseline != ""}
	m.meta.ShardIndex, m.meta.ShardCount = 0, 1
	// --warmup is a choice of each shard (how many systems before its
	// slice warm the recycled space), not of the run: the merged file
	// records the largest.
	for _, d := range shards {
		m.meta.Warmup = max(m.meta.Warmup, d.meta.Warmup)
	}
	N := first.Count
	fl, sl := prod(first.FieldShape), prod(first.SolutionShape)
	m.index, m.position = make([]int64, N), make([]int64, N)
	m.coeff, m.solution = make([]float64, N*fl), make([]float64, N*sl)
	m.iterations, m.matvecs = make([]int64, N), make([]int64, N)
	m.seconds, m.setup, m.assemble, m.relres = make([]float64, N), make([]float64, N), make([]float64, N), make([]float64, N)
	if m.hasBase {
		m.baseIterations, m.baseMatvecs = make([]int64, N), make([]int64, N)
		m.baseSeconds, m.baseSetup, m.baseRelres = make([]float64, N), make([]float64, N), make([]float64, N)
	}
	for i, o := range owner {
		d, r := shards[o.d], o.row
		m.index[i], m.position[i] = int64(i), d.position[r]
		copy(m.coeff[i*fl:(i+1)*fl], d.coeff[r*fl:(r+1)*fl])
		copy(m.solution[i*sl:(i+1)*sl], d.solution[r*sl:(r+1)*sl])
		m.iterations[i], m.matvecs[i] = d.iterations[r], d.matvecs[r]
		m.seconds[i], m.setup[i], m.assemble[i], m.relres[i] = d.seconds[r], d.setup[r], d.assemble[r], d.relres[r]
		if m.hasBase {
			m.baseIterations[i], m.baseMatvecs[i] = d.baseIterations[r], d.baseMatvecs[r]
			m.baseSeconds[i], m.baseSetup[i], m.baseRelres[i] = d.baseSeconds[r], d.baseSetup[r], d.baseRelres[r]
		}
	}
	return m, nil
}

func printMerge(w io.Writer, jsonOut bool, out string, d *dataset, files int) error {
	maxRel := 0.0
	for _, v := range d.relres {
		if v > maxRel || v != v {
			maxRel = v
		}
	}
	if jsonOut {
		return json.NewEncoder(w).Encode(struct {
			Out            string  `json:"out"`
			Files          int     `json:"files"`
			Family         string  `json:"family"`
			Grid           int     `json:"grid"`
			Count          int     `json:"count"`
			MaxRelResidual jsonNum `json:"max_relres"`
		}{out, files, d.meta.Family, d.meta.Grid, d.meta.Count, jsonNum(maxRel)})
	}
	fmt.Fprintf(w, "merged %s into %s: %s grid %d, %s, max relative residual %.2g\n",
		plural(files, "shard file", "shard files"), out, d.meta.Family, d.meta.Grid, plural(d.meta.Count, "system", "systems"), maxRel)
	return nil
}
