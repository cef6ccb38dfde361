package main

import (
	"slices"

	"github.com/subspace-lab/subspace/sparse"
)

// matrixFeatures returns one feature vector per matrix such that the
// Euclidean distance between two features is the Frobenius distance
// between the matrices, for "sequence --sort greedy". When every matrix
// stores the first one's pattern (the common case) the features are the
// value arrays themselves, shared; otherwise each matrix's values are
// scattered onto the union of all the patterns, an entry a matrix does not
// store counting as zero. Cost O(N·nnz·log(row length)) and N·nnz_union
// floats for differing patterns; nothing for equal ones. The matrices must
// have the same size.
func matrixFeatures(mats []*sparse.CSR) [][]float64 {
	features := make([][]float64, len(mats))
	same := true
	for i, A := range mats {
		_, _, val := A.Raw()
		features[i] = val
		same = same && samePattern(A, mats[0])
	}
	if same || len(mats) == 0 {
		return features
	}
	// Union pattern, row by row: every matrix's columns of row r, sorted
	// and deduplicated.
	n, _ := mats[0].Dims()
	uptr := make([]int, n+1)
	var uind []int32
	for r := range n {
		start := len(uind)
		for _, A := range mats {
			cols, _ := A.Row(r)
			uind = append(uind, cols...)
		}
		row := uind[start:]
		slices.Sort(row)
		uind = append(uind[:start], slices.Compact(row)...)
		uptr[r+1] = len(uind)
	}
	for i, A := range mats {
		f := make([]float64, len(uind))
		for r := range n {
			cols, vals := A.Row(r)
			u, e := uptr[r], uptr[r+1]
			for k, c := range cols {
				for u < e && uind[u] < c {
					u++
				}
				f[u] = vals[k]
			}
		}
		features[i] = f
	}
	return features
}

// samePattern reports whether a and b store the same positions.
func samePattern(a, b *sparse.CSR) bool {
	pa, ia, _ := a.Raw()
	pb, ib, _ := b.Raw()
	return slices.Equal(pa, pb) && slices.Equal(ia, ib)
}
