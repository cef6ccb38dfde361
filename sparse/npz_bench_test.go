package sparse

import (
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkNPZ reads and writes the 2-D Laplacian (n² rows, ~5n² stored
// entries) in scipy.sparse.save_npz format, in memory; bench/spnpz puts
// the same operations on files beside SciPy.
func BenchmarkNPZ(b *testing.B) {
	for _, n := range []int{300, 1000} {
		A := Laplacian2D(n, n)
		for _, compress := range []bool{false, true} {
			var buf bytes.Buffer
			if err := WriteNPZ(&buf, A, compress); err != nil {
				b.Fatal(err)
			}
			data := buf.Bytes()
			mode := map[bool]string{false: "stored", true: "deflated"}[compress]
			b.Run(fmt.Sprintf("read/%s/n=%d", mode, n), func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					if _, err := ReadNPZ(bytes.NewReader(data), int64(len(data))); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(fmt.Sprintf("write/%s/n=%d", mode, n), func(b *testing.B) {
				var out bytes.Buffer
				for b.Loop() {
					out.Reset()
					if err := WriteNPZ(&out, A, compress); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
