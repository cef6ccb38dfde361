//go:build !amd64 || purego

package vec

// cgDirDiag sets p = d∘r + b·p on one chunk.
func cgDirDiag(p, r, d []float64, b float64) { cgDirDiagGo(p, r, d, b) }

// cgUpdateDiag returns rᵀ(d∘r) of a chunk just updated (in cache).
func cgUpdateDiag(r, d []float64) float64 { return rdrGo(r, d) }

// cgUpdate does x += a·p, r −= a·q on one chunk and returns rᵀr.
func cgUpdate(a float64, p, q, x, r []float64) float64 { return cgUpdateGo(a, p, q, x, r) }
