// Package ot solves discrete optimal transport problems: entropic OT by
// Sinkhorn's algorithm in several forms and by Sinkhorn–Newton–Sparse,
// exact OT by the network simplex method, and unbalanced entropic OT.
//
// # Problem and parameterisation
//
// Given weights a ∈ R^n, b ∈ R^m (histograms: non-negative, equal mass)
// and a cost matrix C ∈ R^(n×m) (CostMatrix builds one from point clouds
// for the squared Euclidean, Euclidean and cityblock metrics), the
// entropic problem is POT's:
//
//	min_P ⟨C, P⟩ − reg·H(P)   s.t. P1 = a, Pᵀ1 = b,   H(P) = −Σ P_ij (log P_ij − 1),
//
// so reg = 1/η in the SNS paper's notation (Tang et al. write
// min ⟨C,P⟩ + η⁻¹ Σ P log P; the −1 only adds a constant under the
// constraints). Its solution is P_ij = exp((f_i + g_j − C_ij)/reg) with
// dual potentials f, g (cost units; Result.F, Result.G) maximising the
// concave dual
//
//	D(f, g) = ⟨f, a⟩ + ⟨g, b⟩ − reg·Σ_ij exp((f_i + g_j − C_ij)/reg),
//	∇D = (a − P1, b − Pᵀ1),
//	∇²D = −(1/reg)·[ diag(P1)  P ; Pᵀ  diag(Pᵀ1) ]   (negative semidefinite).
//
// The Hessian has the null vector (1, −1): D is invariant under f + t,
// g − t. Result.Cost is ⟨C, P⟩ without the entropy (POT's sinkhorn2).
//
// Every solver takes a nil a or b to mean uniform weights (Uniform(n),
// Uniform(m)).
//
// Weights of zero are allowed: those rows and columns are removed before
// solving, their plan entries are zero and their entropic potentials −Inf.
// Masses may differ by DefaultMassTol (relative) for the balanced methods;
// b is then rescaled to Σa as POT's emd does. When |min C| exceeds the
// spread max C − min C, the balanced methods (entropic and EMD) solve
// with C − min C (the same problem: f absorbs the constant, and F, G (U,
// V) and Cost are returned for C), so that a large offset does not cost
// the exponents, or the simplex's reduced costs, their accuracy.
// Anything else (negative or
// non-finite weights, unequal masses, NaN/Inf costs, reg ≤ 0) is an error
// wrapping ErrInput or ErrNaN that says which entry. The exponents
// (F_i + G_j − C_ij)/reg carry a rounding error of about 1e-16·s/reg, s
// the scale of the cost solved (max|C|, or max C − min C when it is
// shifted): past s/reg ≈ 1e15 the plan has no accuracy left
// (ErrNotConverged with a meaningless last iterate), and from s/reg ≈
// 1e19 on its entries can overflow (whether they do depends on rounding,
// and so on the build's exponential kernel), which is an error wrapping
// ErrNaN (the scaling Sinkhorn fails with ErrUnderflow long before). No
// method returns a result whose cost or marginal error is not finite.
// Weights whose lengths do not match the cost matrix's shape are
// programming errors and panic with a message starting "ot:"; warm-start
// potentials of the wrong length are an ErrInput error.
//
// # Methods
//
//   - Sinkhorn: scaling form u = a./(Kv), v = b./(Kᵀu), K = exp(−C/reg)
//     (Cuturi 2013; POT "sinkhorn"), built from C − min C. Fastest per
//     iteration, but entries of K underflow to 0 once (C − min C)/reg
//     exceeds ~708: it then returns
//     ErrUnderflow when a row, a column or a scaling is lost, or when the
//     underflowed entries should carry plan mass above Tol (checked in
//     the log domain at the end), never NaN or a wrong plan.
//   - SinkhornLog: the same iteration on the potentials, each log-sum-exp
//     shifted by the current potential so that a half-iteration is one
//     fused pass of n·m exponentials (an inlined table exponential, ≤ 3
//     ulp); rows or columns whose shifted sum under- or overflows are
//     redone exactly with a max shift (POT "sinkhorn_log").
//   - SinkhornStabilized: scaling with absorption into the potentials when
//     a scaling exceeds Tau = 1e3 (Schmitzer 2019; POT
//     "sinkhorn_stabilized"); between absorptions no exponentials. Unlike
//     POT the first iteration is done in the log domain and an underflowed
//     Kᵀu or Kv triggers a log-domain step, so small reg does not fail.
//   - SinkhornEpsScaling: the stabilised iteration at reg_k = (Eps0 −
//     reg)e^(−k) + reg (POT's schedule), at most EpsInnerMaxIter = 100
//     iterations per stage, Eps0 = max|C| by default (max C − min C when
//     C is shifted, as above; POT: 1e4).
//   - SNS: Sinkhorn–Newton–Sparse (Tang, Shavlovsky, Rahmanian, Tardini,
//     Thekumparampil, Xiao, Ying, ICLR 2024), below.
//   - EMD: exact OT by the primal network simplex method (block search
//     pivoting, Cunningham's strongly feasible trees, Big-M artificial
//     root); returns an optimal vertex plan, its cost, and optimal duals
//     centred as POT's ot.emd.
//   - SinkhornUnbalanced: KL-relaxed marginals with weight regM, the
//     generalised Sinkhorn iteration of Chizat et al. 2018 in the log
//     domain (POT sinkhorn_unbalanced, method "sinkhorn").
//
// # Stopping rules
//
// Balanced Sinkhorn methods use POT's rule: after the row (u or f) update
// the row marginal is exact, and the iteration stops when the column
// violation ‖Pᵀ1 − b‖₂ < Tol (default 1e-9, POT's stopThr), evaluated
// after iterations 1, 1+CheckEvery, 1+2·CheckEvery, ... (CheckEvery = 10,
// as POT's sinkhorn and sinkhorn_log; POT 0.8.2's sinkhorn_stabilized
// checks every 20 iterations, its print_period, so there CheckEvery = 20
// reproduces its iteration count and log["err"]). The scaling methods reuse the next iteration's Kᵀu, so the
// check costs O(m). SNS stops when ‖P1 − a‖₂ + ‖Pᵀ1 − b‖₂ < Tol (both
// marginals move under a Newton step), which equals POT's quantity when
// the row marginal is exact. The unbalanced method stops as POT does, on
// the relative change of the scalings (default Tol 1e-6). Result.
// MarginalError is always ‖P1 − a‖₂ + ‖Pᵀ1 − b‖₂ recomputed from the
// returned plan, and a balanced method reports convergence only if it is
// ≤ Tol: when the stopping rule passes on the iteration's own sums, the
// plan is materialised and checked, and the iteration goes on if it
// misses (rounding in the row marginal, or, for the stabilised methods,
// exponentials of large (C − min C)/reg: at 1e8 the plan keeps about 1e-8
// relative accuracy, so Tol 1e-9 is out of reach and the result is
// ErrNotConverged).
//
// # Sinkhorn–Newton–Sparse: choices
//
// Stage 1 runs N1 = 20 log-domain Sinkhorn iterations (the paper's
// default). Stage 2 repeats: compute P, r = P1, c = Pᵀ1 at the current
// potentials; find the threshold ρ, the k-th largest plan entry with
// k = ⌈Lambda·n·m⌉ (quickselect, O(n·m)); build M̃ = [diag(r) P̃; P̃ᵀ
// diag(c)] where P̃ keeps the entries ≥ ρ and the diagonal blocks come
// from the full plan (so M̃ stays diagonally dominant, hence positive
// semidefinite), scaled by 1 + 1e-10 (at small reg the plan is nearly
// block diagonal and M̃ numerically singular, which broke CG down);
// solve M̃ ΔF = ∇D (ΔF = Δf/reg, the Newton step
// Δf = −(∇²D)⁻¹∇D with the sparsified Hessian) by Jacobi-preconditioned
// CG to relative residual max(CGTol, min(0.1, ‖∇D‖/mass)) (an inexact
// Newton forcing term; CGTol = 1e-10, at most 2(n+m) iterations); take
// the largest step α = 1, ½, ¼, ... (at most 30) with D(z + αΔ) ≥ D(z) +
// 1e-4·α·∇DᵀΔ. Since M̃ ⪰ 0, ∇DᵀΔ = reg·∇Dᵀ M̃⁻¹ ∇D > 0: the step is an
// ascent direction (the sign that several public re-implementations get
// wrong; TestDualDerivatives checks ∇D and ∇²D against finite
// differences). When α∇DᵀΔ is below the rounding of D the step is
// accepted if it reduces ‖∇D‖; when no step is accepted SNS takes one
// Sinkhorn iteration instead.
//
// Gauge: the null vector (1, −1) is removed by fixing the last column
// potential g_{m−1} (its row and column are dropped from M̃), which makes
// the exact Hessian positive definite on a connected support, costs
// nothing, and avoids the drift along the null vector that projecting in
// floating point leaves. ∇D is orthogonal to (1, −1) whenever the masses
// are equal, so no information is lost.
//
// Sparsity: the paper keeps λ = 2/n of the entries (here Lambda defaults
// to 1/n + 1/m, which is 2/n for square problems). On uniformly random
// costs with η = 1200 this drops enough mass that the Newton steps become
// a linear iteration with rate ≈ 0.9, so SNS doubles the number of kept
// entries whenever an accepted step leaves more than half of ‖∇D‖
// (Result.SparsityIncreases counts it; quadratic convergence divides it
// by much more than 2, a sparsification that misses mass gives a linear
// rate of 0.6–0.9); on two random assignment instances with n = 500 that
// happens twice and SNS converges in 20 + 8 and 20 + 10 iterations, as
// the paper reports (20 + 9).
//
// # Failure modes
//
//   - Sinkhorn (scaling): ErrUnderflow when exp(−(C − min C)/reg)
//     underflows (reg ≲ (max C − min C)/708) where the plan is not
//     negligible; use
//     SinkhornLog, SinkhornStabilized, SinkhornEpsScaling or SNS.
//   - All Sinkhorn methods converge linearly with a rate that degrades
//     like exp(−‖C‖∞/reg): at small reg they may hit MaxIter and return
//     ErrNotConverged with the last iterate; SNS or EMD then help.
//   - SNS: when the plan is far from sparse (large reg) Newton steps cost
//     more CG iterations than they save; the line search guarantees
//     monotone progress of D and falls back to Sinkhorn steps. It keeps
//     two n·m buffers (plan and a selection scratch).
//   - EMD: O(n·m) memory for the flows; pivots grow roughly like
//     (n+m)^1.5 in practice. Costs of very different magnitudes lose
//     relative precision in the potentials (Big-M is (n+m+1)·max|C|).
//   - Unbalanced: the fixed-point map contracts slowly when regM ≫ reg.
//   - Programmer errors panic with an "ot:" message: a nil cost matrix,
//     weights whose lengths differ from the cost matrix's dimensions, an
//     unknown Method in Solve, Uniform(n) with n < 0, and CostMatrix on nil
//     points, points of different dimensions or an unknown metric. Bad data
//     (negative or unequal masses, NaN, reg ≤ 0) are errors.
//
// All sweeps are parallel over blocks of rows or columns with every output
// entry computed by one goroutine in a fixed order, so results are
// bit-identical whatever GOMAXPROCS is; Sinkhorn iterations allocate
// nothing (an SNS Newton step allocates its CG vectors, O(n + m)).
package ot
