// Package sequence solves many related linear systems fast: it orders them
// so that neighbours are similar and solves them in that order with a
// recycling Krylov solver, the SKR method ("Sorting Krylov Recycling") of
// Wang et al., "Accelerating Data Generation for Neural Operators via
// Krylov Subspace Recycling", ICLR 2024.
//
// # Ordering
//
// Greedy is the paper's Algorithm 1: start at system 0 and repeatedly move
// to the nearest system not yet visited, the distance being the Frobenius
// (Euclidean) norm of the difference of the parameter fields. It costs
// O(N²·d) for N fields of d values. For large N it first fills a table of
// all N(N−1)/2 distances in cache-sized blocks, in parallel, with an AVX2
// kernel on amd64 (1 000 fields of 10 404 values in 0.7 s on 2 cores,
// 10 000 in 70 s, the table taking 4·N² bytes); small sets, and sets whose
// table would exceed 512 MiB, compute each step's distances on the fly.
// Both paths sum every distance in the same order and give the same order.
//
// Grouped is the variant of the authors' code_basic/exp_generate.py
// (wanghong1700/NO-DataGen-SKR, seq_generator lines 396–482, N = 1000; in
// exp_generate_mpi_82_sort.py the same features are computed but unused,
// and every Table 1 and ablation script orders greedily, lines 433–449).
// There torch.fft.fftshift (line 402) also shifts the batch axis, so
// system i is binned by the features of system (i + N/2) mod N; we bin
// each system by its own field. Each field is reduced to its low-frequency
// Fourier coefficients (the central 12×12 block of the fftshifted 2-D DFT,
// real parts then imaginary parts), the features are projected on their 7
// leading principal components, each component is min–max normalised to
// [0, 1] and thresholded at ½, which puts every system in one of 2⁷
// orthant bins, and the bins are visited in binary-reflected Gray-code
// order, so consecutive bins differ in one component. Choices this package
// makes where the code is silent, buggy or where we do better, all
// documented at Grouped:
//   - Fields with fewer than 12 entries along an axis keep all their
//     frequencies along it; 1-D fields use the 1-D DFT (as the code's
//     seq_generator_vec does for vectors), with the same central block
//     of frequencies −6 … 5 as each axis of a 2-D field, where
//     seq_generator_vec takes the first 12 unshifted coefficients
//     (frequencies 0 … 11).
//   - Components with (numerically) zero variance are dropped instead of
//     dividing by zero in the normalisation.
//   - The leading principal component is the most significant bit of the
//     bin number, so it changes once along the Gray code and the
//     least important one changes most often (the code uses the reverse).
//     Principal directions are signed so that their largest entry (the
//     first of near-equal ones) is positive (reproducible bins).
//   - The code walks linked "area_down" pointers that mix bin numbers and
//     positions and can stop before every bin is visited; we visit all
//     bins in Gray-code order.
//   - Inside a bin the code means to keep index order; we run Greedy
//     inside each bin (Frobenius distance on the full fields), starting
//     from the system nearest to the last one of the previous bin.
//     IndexOrder keeps index order inside each bin, the code's intent.
//     As written, the code's class area has mutable default arguments
//     (mat_num=[]), so every bin appends to one shared list and the
//     first N entries of mat_seq, the only ones petsc_generator reads,
//     are 0 … N−1: the code's grouped order is the identity permutation
//     whatever the features.
//
// # Driver
//
// Run solves systems from a Source in a given order with any Solver:
// krylov.GCRODR carries its recycled subspace from one system to the next;
// SolverFunc(krylov.GMRES) solves each independently (the paper's
// baseline). For every system it builds the preconditioner from that
// system's matrix (precond.New, timed as part of the solve), solves from a
// zero initial guess (or from the previous solution, Options.WarmStart),
// and reports iterations, products with A, seconds and the true relative
// residual. Consecutive systems with bitwise identical matrices (the
// Poisson and thermal families: only b changes) share one matrix and one
// preconditioner when Options.ReuseIdentical is set, so a recycling
// solver keeps C = A·M·U without recomputing it; with Options.Projection
// they also start from the minimal-residual combination of the earlier
// solutions (Fischer 1998), which is nearly exact when b depends linearly
// on a few parameters. GCRO-DR's recycled space holds approximate
// eigenvectors, not earlier solutions, so it cannot exploit that on its
// own (SciPy's gcrotmk, which keeps correction directions, does).
package sequence
