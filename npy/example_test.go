package npy_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/subspace-lab/subspace/npy"
	"gonum.org/v1/gonum/mat"
)

// A right-hand side saved with np.save(path, b) and a solution written back
// for np.load, as `subspace solve --rhs b.npy --out x.npy` does.
func ExampleReadVector() {
	dir, _ := os.MkdirTemp("", "npy")
	defer os.RemoveAll(dir)
	rhs := filepath.Join(dir, "b.npy")
	if err := npy.WriteVector(rhs, []float64{1, 0.5, -2}); err != nil {
		log.Fatal(err)
	}

	b, err := npy.ReadVector(rhs)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(b)
	// Output: [1 0.5 -2]
}

// NaN and Inf are refused by default, with the element named; ReadOptions
// lets them through.
func ExampleReadOptions() {
	dir, _ := os.MkdirTemp("", "npy")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "ratings.npy")
	nan := 0.0
	nan /= nan
	m := mat.NewDense(2, 2, []float64{5, nan, 3, 4})
	if err := npy.WriteDense(path, m); err != nil {
		log.Fatal(err)
	}

	_, err := npy.ReadDense(path)
	fmt.Println(errors.Is(err, npy.ErrNonFinite))
	got, err := npy.ReadOptions{AllowNonFinite: true}.ReadDense(path)
	fmt.Println(got.At(0, 1), err)
	// Output:
	// true
	// NaN <nil>
}

// A data set for PyTorch/NumPy users: features as float64, labels as int64,
// in one archive that np.load(path) opens as a dict.
func ExampleCreateNPZ() {
	dir, _ := os.MkdirTemp("", "npy")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "data.npz")

	z, err := npy.CreateNPZ(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := z.WriteFloat64("X", []int{3, 2}, []float64{0, 1, 2, 3, 4, 5}); err != nil {
		log.Fatal(err)
	}
	if err := z.WriteInt64("y", []int{3}, []int64{0, 1, 1}); err != nil {
		log.Fatal(err)
	}
	if err := z.Close(); err != nil { // the file appears only now
		log.Fatal(err)
	}

	r, err := npy.OpenNPZ(path)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	X, _ := r.ReadFloat64("X")
	y, _ := r.ReadInt64("y")
	fmt.Println(r.Names(), X.Shape, X.Data, y.Data)
	// Output: [X y] [3 2] [0 1 2 3 4 5] [0 1 1]
}

// Streaming a float32 matrix one row at a time, without holding it in memory.
func ExampleCreate() {
	dir, _ := os.MkdirTemp("", "npy")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "big.npy")

	w, err := npy.Create(path, npy.Header{DType: npy.Float32, Shape: []int{1000, 3}})
	if err != nil {
		log.Fatal(err)
	}
	row := make([]float64, 3)
	for i := range 1000 {
		row[0], row[1], row[2] = float64(i), float64(2*i), 0.5
		if err := w.WriteFloat64(row); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	r, err := npy.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	fmt.Println(r.Header())
	r.ReadFloat64(row)
	r.ReadFloat64(row)
	fmt.Println(row)
	// Output:
	// <f4 (1000, 3) C order
	// [1 2 0.5]
}
