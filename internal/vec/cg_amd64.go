//go:build amd64 && !purego

package vec

// cgDirDiagFMA is cgDirDiagGo in AVX2/FMA assembly (cg_amd64.s): p[i] =
// b·p[i] + d[i]·r[i] with one rounding for the sum. It needs AVX2 and FMA
// and reads len(p) elements of r and d.
//
//go:noescape
func cgDirDiagFMA(p, r, d []float64, b float64)

// rdrFMA is rdrGo in AVX2/FMA assembly (cg_amd64.s): Σ r[i]·d[i]·r[i]
// with four vector accumulators. It needs AVX2 and FMA and reads len(r)
// elements of d.
//
//go:noescape
func rdrFMA(r, d []float64) float64

// cgDirDiag sets p = d∘r + b·p on one chunk.
func cgDirDiag(p, r, d []float64, b float64) {
	if useFMA {
		cgDirDiagFMA(p, r[:len(p)], d[:len(p)], b)
		return
	}
	cgDirDiagGo(p, r, d, b)
}

// cgUpdateDiag returns rᵀ(d∘r) of a chunk just updated (in cache).
func cgUpdateDiag(r, d []float64) float64 {
	if useFMA {
		return rdrFMA(r, d[:len(r)])
	}
	return rdrGo(r, d)
}

// cgUpdateFMA is cgUpdateGo in AVX2/FMA assembly (cg_amd64.s): x += a·p,
// r −= a·q and Σ r² in one pass, each element loaded and stored once. It
// needs AVX2 and FMA and reads len(p) elements of q, x and r.
//
//go:noescape
func cgUpdateFMA(a float64, p, q, x, r []float64) float64

// cgUpdate does x += a·p, r −= a·q on one chunk and returns rᵀr.
func cgUpdate(a float64, p, q, x, r []float64) float64 {
	if useFMA {
		n := len(p)
		return cgUpdateFMA(a, p, q[:n], x[:n], r[:n])
	}
	return cgUpdateGo(a, p, q, x, r)
}
