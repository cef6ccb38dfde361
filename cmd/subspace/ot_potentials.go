package main

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/subspace-lab/subspace/npy"
)

// writePotentials stores the dual potentials of an "ot" solve as the
// arrays f (length n) and g (length m) of a .npz file, atomically. Bins of
// zero mass may hold −Inf (entropic methods), which the file keeps.
func writePotentials(path string, f, g []float64) error {
	return writeNPZ(path, func(z *npy.NPZWriter) error {
		if err := z.WriteFloat64("f", []int{len(f)}, f); err != nil {
			return err
		}
		return z.WriteFloat64("g", []int{len(g)}, g)
	})
}

// readPotentials reads the arrays f and g that --potentials writes (or
// that NumPy's savez(path, f=..., g=...) writes) and checks their shapes
// against the n×m problem. ±Inf is read (ot accepts it on zero-mass bins
// and names any other); NaN is refused by ot.
func readPotentials(path string, n, m int) (f, g []float64, err error) {
	z, err := npy.ReadOptions{AllowNonFinite: true}.OpenNPZ(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("%s: no such file", path)
		}
		return nil, nil, err
	}
	defer z.Close()
	get := func(name string, want int, what string) ([]float64, error) {
		a, err := z.ReadFloat64(name)
		if err != nil {
			return nil, fmt.Errorf("%s: array %s: %w", path, name, err)
		}
		if len(a.Shape) != 1 || a.Shape[0] != want {
			return nil, fmt.Errorf("%s: array %s has shape %s, want (%d,) (one potential per %s)", path, name, npy.FormatShape(a.Shape), want, what)
		}
		return a.Data, nil
	}
	if f, err = get("f", n, "source point"); err != nil {
		return nil, nil, err
	}
	if g, err = get("g", m, "target point"); err != nil {
		return nil, nil, err
	}
	return f, g, nil
}
