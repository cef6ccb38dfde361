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

// sketchDims is the length of matrixSketch's feature vectors.
const sketchDims = 256

// matrixSketch returns a count sketch of a matrix feature vector f (from
// matrixFeatures): entry j is added, with a sign, to one of sketchDims
// buckets, both chosen by a fixed hash of j. Inner products, and so
// Frobenius distances, are preserved in expectation (relative error about
// 1/√sketchDims), which is what "sequence --sort grouped" needs for the
// principal components it bins the matrices by; the order inside a bin
// uses the exact distances. Cost O(len(f)); the hash does not depend on
// the run, so the same files give the same order.
func matrixSketch(f []float64) []float64 {
	s := make([]float64, sketchDims)
	for j, v := range f {
		h := splitmix64(uint64(j))
		b := int(h % sketchDims)
		if h>>63 != 0 {
			v = -v
		}
		s[b] += v
	}
	return s
}

// splitmix64 is the finaliser of the SplitMix64 generator: a fixed,
// well-mixed 64-bit hash.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
