//go:build amd64 && !purego

package sparse

import "golang.org/x/sys/cpu"

// useFMA reports whether mulRowsFMA can run: the CPU has AVX and FMA.
var useFMA = cpu.X86.HasAVX && cpu.X86.HasFMA

// mulRowsFMA is mulRowsGo in amd64 assembly (spmv_amd64.s) with scalar
// fused multiply-adds: d[i] = Σ_{ip[i] ≤ k < ip[i+1]} val[k]·x[ind[k]]
// for i < len(d), len(ip) = len(d)+1. It trusts the CSR invariants for
// every index (see mulRows) and needs AVX and FMA.
//
//go:noescape
func mulRowsFMA(ip []int, ind []int32, val []float64, x []float64, d []float64)
