// Package pde generates sequences of sparse linear systems from random PDE
// parameter fields: the data-generation workload of neural-operator training
// that SKR (Wang et al., "Accelerating Data Generation for Neural Operators
// via Krylov Subspace Recycling", ICLR 2024) accelerates by sorting the
// systems and solving them with a recycling Krylov method.
//
// A Family draws the parameter field of system i from (seed, i) alone
// (Field) and assembles A_i and b_i from a field (Assemble). Fields are what
// the SKR sorting compares and what a dataset stores as the input ("coeff");
// solutions have shape SolutionShape. New(name, grid) returns a family with
// the paper's defaults; NewDarcy etc. take options.
//
// # Gaussian random fields
//
// GRF samples the field of FNO's Darcy data generator (Li et al. 2020,
// data_generation/darcy/GRF.m in zongyi-li/fourier_neural_operator) and of
// the SKR anchor script: covariance τ^(2α−2)(−Δ + τ²)^(−α) with Neumann
// cosine modes, constant mode removed, truncated to s×s modes and evaluated
// at the s×s points ((n+½)/s); defaults α = 2.5, τ = 7 (SKR code,
// exp_generate_mpi_82_sort.py line 374). The inverse DCT is computed with
// gonum's real FFT (Makhoul's algorithm; see dct.go) and checked against a
// direct O(n²) sum and against scipy.fft.idctn values in testdata/pde.
//
// Choices left open, and what SKR's own code does differently:
//   - The points (n+½)/s of the inverse DCT-II grid are assigned to the
//     nodes n/(s−1) of the finite-difference grid without interpolation (as
//     the SKR anchor does). FNO's solve_gwf.m interpolates the field from the
//     cell-centred to the nodal grid first.
//   - SKR's Python code (wanghong1700/NO-DataGen-SKR,
//     exp_generate_mpi_82_sort.py lines 49–103 and 374–377) does not use its
//     DCT function GRF2 (lines 31–46); it draws Darcy and Helmholtz fields
//     with FNO's periodic GaussianRF (torch): complex normal coefficients
//     scaled by s²·√2·τ^(α−1)(4π²|k|² + τ²)^(−α/2), inverse FFT, real part.
//     Periodic modes have wavenumbers 2πk instead of πk, so its fields are
//     smoother at the same (α, τ). We follow the Neumann/DCT field that the
//     project's SKR anchor and FNO's Darcy benchmark use.
//   - For α = 2.5, τ = 7 the pointwise variance of log K is about 0.068
//     (standard deviation 0.26), so K = exp(GRF) lies mostly in [0.5, 2].
//
// # Darcy
//
// −∇·(K∇u) = f on the unit square, u = 0 on the boundary, f = 1,
// K = exp(GRF α=2.5, τ=7) on the (g+2)×(g+2) node grid including the
// boundary; unknowns on the g×g interior nodes, h = 1/(g+1); face
// coefficient the arithmetic mean of the two nodal K values; rows scaled so
// that Σ_faces k_f (u_i − u_j) = h² f. A is SPD. This is the discretisation
// of the project's SKR anchor (darcy_ref.py) and of FNO's solve_gwf.m (up to
// the interpolation above), and the tests check it bit for bit against the
// anchor. The field is K itself: SKR's code sorts by K (w = exp(GRF) in
// seq_generator, exp_generate_mpi_82_sort.py line 441); the anchor sorts
// by log K. SKR's code assembles a different, nonsymmetric stencil
// (build_darcy, lines 182–202: 4K_p on the diagonal and −K_q off it, a
// discretisation of −Δ(K u), with h = 1/(s−1) for s interior nodes); we do
// not reproduce that. The paper's sizes n = 2500…40000 are g = 50…200
// (Table 1's n = 6400 is g = 80).
package pde
