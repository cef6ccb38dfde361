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
// code_dracy/exp_generate_mpi_82_sort.py line 374). The inverse DCT is
// computed with gonum's real FFT (Makhoul's algorithm) or, for grid sizes
// with a large prime factor such as s = 82 = 2·41 where FFTPACK's generic
// radix is slow, by a direct sum that uses the cosines' even/odd symmetry;
// both are checked against an O(n²) sum of the
// definition and against scipy.fft.idctn values in testdata/pde.
//
// Choices left open, and what SKR's own code does differently:
//   - The points (n+½)/s of the inverse DCT-II grid are assigned to the
//     nodes n/(s−1) of the finite-difference grid without interpolation (as
//     the SKR anchor does). FNO's solve_gwf.m interpolates the field from the
//     cell-centred to the nodal grid first.
//   - SKR's Python code (wanghong1700/NO-DataGen-SKR,
//     code_dracy/exp_generate_mpi_82_sort.py lines 49–103 and 374–377) does
//     not use its DCT function GRF2 (lines 31–46); it draws Darcy and Helmholtz fields
//     with FNO's periodic GaussianRF (torch): complex normal coefficients
//     scaled by s²·√2·τ^(α−1)(4π²|k|² + τ²)^(−α/2), inverse FFT, real part.
//     That field is periodic and, at the same (α, τ) and s = 82, has
//     pointwise standard deviation about 0.19 (simulated) against 0.26 for
//     the Neumann field. We follow the Neumann/DCT field that the project's
//     SKR anchor and FNO's Darcy benchmark use.
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
// seq_generator, line 441); the anchor sorts
// by log K. SKR's code assembles a different, nonsymmetric stencil
// (build_darcy, lines 182–202: 4K_p on the diagonal and −K_q off it, a
// discretisation of −Δ(K u), with h = 1/(s−1) for s interior nodes). It is
// not the default; DarcyOptions.Scheme = SKRCodeScheme assembles it, bit for
// bit against a copy of build_darcy, to re-run the paper's experiment on the
// paper's matrices (bench/skr -scheme skr-code). The paper's sizes n = 2500…40000
// are labels (size_mat = (s−2)² for the script's s = 52…202): dataset_generator
// re-derives s = √size_mat (line 373), draws the field on that s×s grid and
// build_darcy drops two more nodes, so the systems solved have (s−4)²
// unknowns: Table 1's "n = 6400" (s = 82) is g = 78, 6084 unknowns. build_darcy
// also zeroes the left/right boundary columns of w in place (lines 187–190)
// before seq_generator sorts by w.
//
// # Helmholtz
//
// −∇·(a∇u) − k²u = f on the unit square, u = 0 on the boundary, f = 1,
// a = exp(GRF α=2.5, τ=7) on the (g+2)×(g+2) node grid, k ~ U(0, 1) one
// scalar per system; Darcy's discretisation with the diagonal shifted by
// h²k². Field: a (row-major) followed by k, (g+2)² + 1 values.
//
// The paper's text (appendix D.2) writes ∇²u + k²u = 0 with "k derived
// using the GRF method"; its code does something else, and we follow the
// code because it produced Table 1: code_hmh/exp_generate_mpi_hmhz102_sort.py
// (the n = 10000 run, exp_id 20230918_2, solved by exp_solve_mpi_hmhz102_sort.py)
// draws w = exp(GaussianRF(α=2.5, τ=7)) as a coefficient field (lines
// 397–400), f = 1 (line 398), k = random.uniform(0, 1) per system (line
// 405), and assembles build_helmholtz (line 206): Darcy's nodal stencil with
// the diagonal 4w − h²k², h = 1/(s−1). It sorts by ‖Δw‖_F + |Δk| (line 531);
// the Frobenius distance of our field is √(‖Δa‖² + Δk²), which likewise is
// dominated by the medium. With k < 1 the shift h²k² is far below the
// smallest eigenvalue of the diffusion part (at least 2π²h²·min a, and
// about 20h² for the default medium), so these systems are SPD and close
// to Darcy's. An earlier script in the same
// folder (exp_generate_mpi_hmhz_sort.py) used k ~ U(0, 100) and a shift k²
// without h²; we do not reproduce it. Set HelmholtzOptions.KMax above about
// 5 to get genuinely indefinite Helmholtz systems (k² above the smallest
// eigenvalue, k ≈ 4.5 for the default medium): GMRES-type methods handle
// them, CG does not.
//
// # Poisson
//
// −Δu = f on the unit square with Dirichlet data, f and the four boundary
// functions truncated Chebyshev series of degree 5 with coefficients
// uniform in [−1, 1] (SKR: recycle datasets/Poisson_generate/
// possion_generate.m lines 6, 24–45 and chebfun_generate.m line 4; MATLAB's
// −∇·(c∇u) + au = f with c = 1, a = 0, so −Δu = f where the paper's text
// writes ∇²u = f). As in that code f depends on x only and the series are
// evaluated at coordinates in [0, 1] without mapping chebfun's [−1, 1]
// domain. The code evaluates every side's series at the x coordinate, so
// its left and right sides get constants; we evaluate each side at its own
// tangential coordinate (x on the bottom and top, y on the left and right).
// The paper meshes the square with MATLAB's FEM mesher (Hmax 0.008, n =
// 72313: code_pos/exp_generate_mpi_pos72313_sort.py lines 631, 642; the
// 71313 quoted for Table 1 disagrees); we use the 5-point scheme on the regular g×g interior grid, rows
// scaled by h², so A is the same SPD matrix (sparse.Laplacian2D) for every
// system and only b varies. Field: the 5×6 coefficients (source, bottom,
// right, top, left), which SKR sorts by (Frobenius distance,
// code_pos/exp_generate_mpi_pos72313_sort.py line 444).
//
// # Thermal
//
// Steady heat conduction ΔT = 0 with T = T_left ~ U(−100, 0) on the left
// side and T = T_right ~ U(0, 100) on the right side (paper, appendix D.2),
// top and bottom insulated. SKR meshes a block [−0.5, 0.5]×[−0.8, 0.8] with a
// central slot [−0.05, 0.05]×[−0.4, 0.4] with MATLAB's FEM mesher
// (recycle datasets/Heat_generate/Heat_generate.m lines 18–24, unit
// conductivity line 39; n = 11063 at Hmax 0.025) and sorts by the boundary
// values (code_heat/exp_generate_mpi_heat11063_sort.py line 444). Its
// stored script (Hmax 0.05, line 7) saves two values per system (lines
// 68–71) but the sort reads three, |Δr₀|+|Δr₁|+|Δr₂| (L1), so the Table 1
// data came from an unpublished variant. The stored
// script applies a temperature to one edge and a heat flux to another
// (lines 30–34), where the paper says temperatures on both; we follow the
// paper. We use cell-centred finite volumes on a regular g×g grid of the
// unit square (a 5-point stencil) and model the slot as a zero-thickness
// insulated wall on the face line nearest x = 1/2 over the middle half of
// the height, so that, as in the paper, heat must flow around an obstacle
// and the solution is not simply linear. ThermalOptions.NoWall removes it.
// A is the same SPD matrix for every system; only b varies.
//
// # Sizes
//
// Unknowns are g² for every family. The paper's labels Darcy n = 2500,
// 6400, 10000, 22500, 40000 (script s = 52…202) are systems with g = 48,
// 78, 98, 148, 198 (see Darcy); Helmholtz "n = 10000" is g = 98 (9604
// unknowns, hmhz102 line 396); the FEM sizes Poisson
// n = 72313 and thermal n = 11063 are closest to g = 269 (72361) and g = 105
// (11025).
//
// # Performance
//
// Assemble writes the CSR arrays directly in row order (the 5-point
// pattern is known), allocating only the output: A's three arrays and b.
// AssembleInto (the Reassembler interface) refills an existing A and b and
// allocates nothing. Field costs one GRF sample: s² normals and a 2-D
// inverse DCT (FFT or direct, whichever is faster for s; see above). See
// BenchmarkDarcyAssemble_G80 and bench/pde, which times both against the
// NumPy/SciPy anchor on the same field.
package pde
