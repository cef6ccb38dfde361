package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/subspace-lab/subspace/npy"
)

// FuzzReadDataset feeds arbitrary bytes to the reader of datagen's .npz
// files (what "datagen merge" reads, from files a user names), in memory:
// writing files would make every execution wait for the disk. It must
// never panic, every failure must name the file, and a success must be
// self-consistent: shapes of positive dimensions whose products match
// the arrays, and a dataset that writes and reads back. Seeds: a whole
// run and a shard written by datagen.
func FuzzReadDataset(f *testing.F) {
	dir := f.TempDir()
	for _, args := range [][]string{
		{"datagen", "darcy", "--grid", "4", "--count", "3", "--out", filepath.Join(dir, "a.npz")},
		{"datagen", "poisson", "--grid", "3", "--count", "4", "--shard", "1/2", "--compare=false", "--out", filepath.Join(dir, "b.npz")},
	} {
		if code, _, stderr := dgRun(f, args...); code != 0 {
			f.Fatalf("%v: %s", args, stderr)
		}
		b, err := os.ReadFile(args[len(args)-1])
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	const name = "in.npz"
	parse := func(b []byte) (*dataset, error) {
		z, err := npy.NewNPZReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return nil, err
		}
		return parseDataset(z, name)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		d, err := parse(in)
		if err != nil {
			if _, isNPY := err.(*npy.Error); !isNPY && !strings.Contains(err.Error(), name) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		m := d.meta
		for _, s := range [][]int{m.FieldShape, m.SolutionShape} {
			for _, v := range s {
				if v < 1 {
					t.Fatalf("accepted shape %v", s)
				}
			}
		}
		r := d.rows()
		if len(d.coeff) != r*prod(m.FieldShape) || len(d.solution) != r*prod(m.SolutionShape) || len(d.order) != m.Count {
			t.Fatalf("accepted inconsistent sizes: rows %d meta %+v", r, m)
		}
		var buf bytes.Buffer
		z := npy.NewNPZWriter(&buf)
		if err := d.fill(z); err != nil {
			t.Fatalf("accepted dataset does not write: %v", err)
		}
		if err := z.Close(); err != nil {
			t.Fatalf("accepted dataset does not write: %v", err)
		}
		if _, err := parse(buf.Bytes()); err != nil {
			t.Fatalf("written dataset does not read back: %v", err)
		}
	})
}
