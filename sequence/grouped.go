package sequence

import (
	"fmt"
	"math"
)

// Defaults of GroupedOptions, the constants of the SKR code
// (prm_freq = 12, dim_pca = 7 in exp_generate_mpi_82_sort.py).
const (
	DefaultFreq = 12
	DefaultDims = 7
)

// GroupedOptions configures Grouped. The zero value and a nil pointer
// mean the SKR code's settings with greedy ordering inside each bin.
type GroupedOptions struct {
	// Freq is the side of the low-frequency block of DFT coefficients
	// used as features (LowFrequency); 0 means DefaultFreq (12).
	Freq int
	// Dims is the number of principal components, so there are up to
	// 2^Dims bins; 0 means DefaultDims (7). At most 20.
	Dims int
	// IndexOrder keeps systems in index order inside a bin, as the SKR
	// code means to (as written it returns the identity order: see the
	// package documentation), instead of ordering them greedily.
	IndexOrder bool
	// Features, if not nil, replaces LowFrequency: it maps a field to its
	// feature vector (all of the same length). Use it for fields that are
	// not a 2-D image, e.g. a medium plus a scalar.
	Features func(field []float64) []float64
}

// Grouped returns an ordering of the systems for large N: the systems are
// binned by the orthant of their low-frequency features in principal
// component space, bins are visited in Gray-code order and each bin is
// ordered greedily (see the package documentation for the method and
// every choice it makes). shape is the shape of each field (row-major).
//
// Steps: features F_i = LowFrequency(field_i, shape, Freq) (2·Freq²
// values for a 2-D field); scores = projection of the centred features on
// the r ≤ Dims leading principal components (components with variance
// ≤ 1e-12 of the largest are dropped); each score column min–max
// normalised to [0, 1]; bit j of system i's bin is set when its j-th
// normalised score is ≥ ½, component 0 being the most significant bit;
// bins visited in the order g(t) = t XOR (t >> 1), t = 0 … 2^r − 1, empty
// bins skipped; inside a bin, Greedy on the full fields starting from the
// system nearest to the last one placed (the first bin starts at its
// lowest index).
//
// Cost: O(N·Freq·d) for the features, O(N·F² + F³) for the PCA (F feature
// length), O(Σ_b |b|²·d) for the greedy passes, about N²·d/2^r when the
// bins are balanced. It panics if fields differ in length, shape does not
// match them (checked when Features is nil, which is what uses shape), or
// Dims > 20. The fields must be finite (see Greedy). Empty fields are
// all equal: they come in index order.
func Grouped(fields [][]float64, shape []int, o *GroupedOptions) []int {
	var opt GroupedOptions
	if o != nil {
		opt = *o
	}
	if opt.Freq == 0 {
		opt.Freq = DefaultFreq
	}
	if opt.Dims == 0 {
		opt.Dims = DefaultDims
	}
	if opt.Freq < 0 || opt.Dims < 0 || opt.Dims > 20 {
		panic(fmt.Sprintf("sequence: Grouped: invalid Freq=%d or Dims=%d (Dims ≤ 20)", opt.Freq, opt.Dims))
	}
	checkFields(fields)
	N := len(fields)
	if N == 0 {
		return []int{}
	}
	feats := make([][]float64, N)
	for i, f := range fields {
		if opt.Features != nil {
			feats[i] = opt.Features(f)
			if len(feats[i]) == 0 {
				panic(fmt.Sprintf("sequence: Grouped: Features returned no values for field %d", i))
			}
			if len(feats[i]) != len(feats[0]) {
				panic(fmt.Sprintf("sequence: Grouped: Features returned %d values for field %d, %d for field 0", len(feats[i]), i, len(feats[0])))
			}
		} else {
			feats[i] = LowFrequency(f, shape, opt.Freq)
		}
	}
	if len(feats[0]) == 0 {
		// Empty fields (shape [0] or [0, c]): all equal, so index
		// order, as Greedy gives them.
		order := make([]int, N)
		for i := range order {
			order[i] = i
		}
		return order
	}
	scores := pcaScores(feats, opt.Dims)
	bins := Bins(scores)
	r := len(scores[0])
	members := make(map[int][]int)
	for i, b := range bins {
		members[b] = append(members[b], i)
	}
	order := make([]int, 0, N)
	for t := 0; t < 1<<r; t++ {
		idx := members[t^(t>>1)]
		if len(idx) == 0 {
			continue
		}
		if opt.IndexOrder {
			order = append(order, idx...)
			continue
		}
		start := 0
		if len(order) > 0 {
			j := nearestJobs.Get().(*nearestJob)
			start, _ = j.nearest(fields, fields[order[len(order)-1]], idx)
			j.fields, j.c, j.cand = nil, nil, nil
			nearestJobs.Put(j)
		}
		order = append(order, greedyWithin(fields, idx, start)...)
	}
	return order
}

// Bins returns the orthant bin of each row of scores (N×r): column j is
// min–max normalised over the rows and bit r−1−j of the bin is set when
// the normalised value is ≥ ½ (column 0 is the most significant bit). A
// constant column sets no bit. It panics if the rows differ in length or
// a row has more than 62 columns.
func Bins(scores [][]float64) []int {
	N := len(scores)
	bins := make([]int, N)
	if N == 0 || len(scores[0]) == 0 {
		return bins
	}
	r := len(scores[0])
	if r > 62 {
		panic(fmt.Sprintf("sequence: Bins: %d columns, at most 62 fit in a bin number", r))
	}
	for i, s := range scores {
		if len(s) != r {
			panic(fmt.Sprintf("sequence: Bins: row %d has %d scores, row 0 has %d", i, len(s), r))
		}
	}
	for j := 0; j < r; j++ {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, s := range scores {
			lo, hi = math.Min(lo, s[j]), math.Max(hi, s[j])
		}
		if !(hi > lo) {
			continue
		}
		for i, s := range scores {
			if (s[j]-lo)/(hi-lo) >= 0.5 {
				bins[i] |= 1 << (r - 1 - j)
			}
		}
	}
	return bins
}
