package sparse

import "fmt"

// COO is a sparse matrix builder in coordinate (triplet) form. Entries may
// be appended in any order and the same position may appear more than
// once: conversion sums duplicates (as SciPy and the Matrix Market format
// do). Stored zeros are kept.
type COO struct {
	rows, cols int
	ri, ci     []int32
	v          []float64
}

// NewCOO returns an empty r×c builder with room for capacity entries.
// It panics if r or c is negative or above MaxDim, or capacity is
// negative.
func NewCOO(r, c, capacity int) *COO {
	if r < 0 || c < 0 || r > MaxDim || c > MaxDim {
		panic(fmt.Sprintf("sparse: invalid dimensions %d×%d", r, c))
	}
	if capacity < 0 {
		panic(fmt.Sprintf("sparse: NewCOO: negative capacity %d", capacity))
	}
	return &COO{
		rows: r, cols: c,
		ri: make([]int32, 0, capacity),
		ci: make([]int32, 0, capacity),
		v:  make([]float64, 0, capacity),
	}
}

// Dims returns the number of rows and columns.
func (m *COO) Dims() (r, c int) { return m.rows, m.cols }

// Len returns the number of appended entries, duplicates included.
func (m *COO) Len() int { return len(m.v) }

// Entry returns the k-th appended entry. It panics if k is not in
// [0, Len()).
func (m *COO) Entry(k int) (i, j int, v float64) {
	if k < 0 || k >= len(m.v) {
		panic(fmt.Sprintf("sparse: COO.Entry: index %d out of range [0, %d)", k, len(m.v)))
	}
	return int(m.ri[k]), int(m.ci[k]), m.v[k]
}

// Append adds v at (i, j). It panics if the position is out of range.
func (m *COO) Append(i, j int, v float64) {
	if i < 0 || i >= m.rows || j < 0 || j >= m.cols {
		panic(fmt.Sprintf("sparse: COO.Append: index (%d,%d) out of range for %d×%d matrix", i, j, m.rows, m.cols))
	}
	m.ri = append(m.ri, int32(i))
	m.ci = append(m.ci, int32(j))
	m.v = append(m.v, v)
}

// ToCSR returns the matrix in CSR form with duplicates summed and column
// indices sorted. It takes O(nnz + rows + cols) time (two counting sorts)
// and does not modify m. Besides the result and O(nnz) scratch it
// allocates one array of cols+1 pointers, and no other O(rows) array than
// the result's row pointers: a small file can declare 2³¹−1 rows or
// columns, and the readers check that much memory, not a multiple of it.
func (m *COO) ToCSR() *CSR {
	nnz := len(m.v)
	if len(m.ri) != nnz || len(m.ci) != nnz {
		panic("sparse: COO has slices of different lengths")
	}
	// Pass 1: bucket by column (stable), giving a CSC ordering. The
	// column pointers serve as the insertion cursors: they are not needed
	// afterwards.
	colptr := make([]int, m.cols+1)
	for _, j := range m.ci {
		colptr[j+1]++
	}
	for j := 0; j < m.cols; j++ {
		colptr[j+1] += colptr[j]
	}
	perm := make([]int, nnz)
	for k, j := range m.ci {
		perm[colptr[j]] = k
		colptr[j]++
	}
	// Pass 2: bucket by row, visiting entries in column order, so each
	// row comes out with non-decreasing column indices. rowptr[i] is row
	// i's cursor, which leaves it at the start of row i+1: shifted back
	// below.
	rowptr := make([]int, m.rows+1)
	for _, i := range m.ri {
		rowptr[i+1]++
	}
	for i := 0; i < m.rows; i++ {
		rowptr[i+1] += rowptr[i]
	}
	ind := make([]int32, nnz)
	val := make([]float64, nnz)
	for _, k := range perm {
		i := m.ri[k]
		p := rowptr[i]
		ind[p] = m.ci[k]
		val[p] = m.v[k]
		rowptr[i]++
	}
	copy(rowptr[1:], rowptr[:m.rows])
	rowptr[0] = 0
	// Pass 3: sum duplicates in place, compacting.
	out := 0
	for i := 0; i < m.rows; i++ {
		s, e := rowptr[i], rowptr[i+1]
		rowptr[i] = out
		for k := s; k < e; k++ {
			if k > s && ind[k] == ind[out-1] {
				val[out-1] += val[k]
				continue
			}
			ind[out] = ind[k]
			val[out] = val[k]
			out++
		}
	}
	rowptr[m.rows] = out
	return newCSR(m.rows, m.cols, rowptr, ind[:out:out], val[:out:out])
}

// ToCSC returns the matrix in CSC form with duplicates summed.
func (m *COO) ToCSC() *CSC {
	t := &COO{rows: m.cols, cols: m.rows, ri: m.ci, ci: m.ri, v: m.v}
	return &CSC{t: *t.ToCSR()}
}
