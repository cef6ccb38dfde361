package pde

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Sampler draws random fields on an s×s grid: Sample returns s² values,
// row-major, drawn from rnd (a new slice if dst is nil, otherwise dst with
// len(dst) = s²). GRF and PeriodicGRF implement it.
type Sampler interface {
	// Size returns the grid size s.
	Size() int
	// Sample draws one field from rnd into dst (or a new slice if dst is
	// nil) and returns it.
	Sample(dst []float64, rnd *rand.Rand) []float64
}

// PeriodicGRF draws samples of FNO's periodic Gaussian random field
// (GaussianRF in zongyi-li/fourier_neural_operator, the sampler the SKR
// authors' code uses for its Darcy and Helmholtz data: NO-DataGen-SKR,
// code_dracy/exp_generate_mpi_82_sort.py lines 49–103 and 374–377). On an
// s×s grid with integer wavenumbers k = (k1, k2) in FFT order (0, 1, …,
// ⌈s/2⌉−1, −⌊s/2⌋, …, −1; FNO's order for even s), the sample is
//
//	u = Re ifft2(s²·√2·σ·(4π²|k|² + τ²)^(−α/2) · z_k),   σ = τ^(α−1),
//
// z_k = (ξ_k + i η_k)/√2 with ξ, η standard normal (torch's complex normal),
// the k = 0 mode set to zero, ifft2 normalised by 1/s². The field is
// periodic on the unit square, with pointwise variance
// σ² Σ_{k≠0} (4π²|k|² + τ²)^(−α) (Variance). At α = 2.5, τ = 7, s = 82
// its standard deviation is about 0.19, against about 0.26 for GRF's
// Neumann field: a different, smoother-looking field than GRF at the same
// parameters.
//
// Cost: 2s complex FFTs of length s per sample (gonum's FFTPACK). A
// PeriodicGRF is safe for concurrent use.
type PeriodicGRF struct {
	s          int
	alpha, tau float64
	scale      []float64 // s²·σ·(4π²|k|²+τ²)^(−α/2) (the √2 of FNO cancels the 1/√2 of z), scale[0] = 0
	pool       sync.Pool // *periodicWork
}

type periodicWork struct {
	fft  *fourier.CmplxFFT
	c    []complex128 // s×s coefficients, then the transform
	line []complex128 // one column
	z    []float64    // 2s² normals drawn by Sample
}

// NewPeriodicGRF returns a periodic sampler on an s×s grid (1 ≤ s ≤
// MaxGrid+2), with the defaults of GRFOptions. It returns an error for s
// out of that range or invalid options. Build a PeriodicGRF with
// NewPeriodicGRF: the zero value's Sample and FromNormals panic.
func NewPeriodicGRF(s int, o *GRFOptions) (*PeriodicGRF, error) {
	if s < 1 || s > MaxGrid+2 {
		return nil, fmt.Errorf("pde: periodic GRF grid %d, must be in [1, %d]", s, MaxGrid+2)
	}
	alpha, tau, err := o.resolve()
	if err != nil {
		return nil, err
	}
	g := &PeriodicGRF{s: s, alpha: alpha, tau: tau, scale: make([]float64, s*s)}
	amp := float64(s*s) * math.Pow(tau, alpha-1)
	for i := 0; i < s; i++ {
		k1 := float64(fftWavenumber(i, s))
		for j := 0; j < s; j++ {
			if i == 0 && j == 0 {
				continue // the constant mode is dropped
			}
			k2 := float64(fftWavenumber(j, s))
			v, ok := spectralCoef(float64(s*s), amp, 4*math.Pi*math.Pi*(k1*k1+k2*k2), alpha, tau)
			if !ok {
				return nil, fmt.Errorf("pde: periodic GRF alpha = %g, tau = %g: the coefficient of mode (%d,%d) is %v; choose a smaller alpha or tau", alpha, tau, i, j, v)
			}
			g.scale[i*s+j] = v
		}
	}
	g.pool.New = func() any {
		return &periodicWork{fft: fourier.NewCmplxFFT(s), c: make([]complex128, s*s), line: make([]complex128, s), z: make([]float64, 2*s*s)}
	}
	return g, nil
}

// fftWavenumber is the wavenumber of FFT output index i of a length-s
// transform: i for i < ⌈s/2⌉, else i − s.
func fftWavenumber(i, s int) int {
	if i < (s+1)/2 {
		return i
	}
	return i - s
}

// Size returns the grid size s.
func (g *PeriodicGRF) Size() int { return g.s }

// Variance returns the pointwise variance of the field (the same at every
// point): σ² Σ_{k≠0} (4π²|k|² + τ²)^(−α).
func (g *PeriodicGRF) Variance() float64 {
	n2 := float64(g.s * g.s)
	v := 0.0
	for _, c := range g.scale {
		v += c * c
	}
	return v / (n2 * n2)
}

// Sample draws 2s² standard normals from rnd, the real parts ξ (row-major,
// the k = 0 draw included) then the imaginary parts η, and returns
// FromNormals(dst, ξ, η). It allocates nothing when dst is given.
func (g *PeriodicGRF) Sample(dst []float64, rnd *rand.Rand) []float64 {
	g.built("PeriodicGRF.Sample")
	n := g.s * g.s
	dst = g.dst(dst)
	w := g.pool.Get().(*periodicWork)
	for i := range w.z {
		w.z[i] = rnd.NormFloat64()
	}
	g.transform(dst, w.z[:n], w.z[n:], w)
	g.pool.Put(w)
	return dst
}

func (g *PeriodicGRF) dst(dst []float64) []float64 {
	n := g.s * g.s
	if dst == nil {
		return make([]float64, n)
	}
	if len(dst) != n {
		panic(fmt.Sprintf("pde: PeriodicGRF: destination length %d, want %d", len(dst), n))
	}
	return dst
}

// FromNormals maps the real and imaginary parts (ξ, η) of the Fourier
// coefficients (s×s each, row-major in FFT order) to the field sample
// (see PeriodicGRF). dst may be nil (allocated). It panics on a length
// mismatch.
func (g *PeriodicGRF) FromNormals(dst, xi, eta []float64) []float64 {
	g.built("PeriodicGRF.FromNormals")
	s := g.s
	n := s * s
	if len(xi) != n || len(eta) != n {
		panic(fmt.Sprintf("pde: PeriodicGRF.FromNormals: %d and %d coefficients, want %d each", len(xi), len(eta), n))
	}
	dst = g.dst(dst)
	w := g.pool.Get().(*periodicWork)
	g.transform(dst, xi, eta, w)
	g.pool.Put(w)
	return dst
}

// transform writes the field of coefficients (ξ, η) to dst using w.
func (g *PeriodicGRF) transform(dst, xi, eta []float64, w *periodicWork) {
	s := g.s
	n := s * s
	c := w.c
	for i := range c {
		c[i] = complex(g.scale[i]*xi[i], g.scale[i]*eta[i])
	}
	for i := 0; i < s; i++ {
		row := c[i*s : (i+1)*s]
		w.fft.Sequence(row, row)
	}
	inv := 1 / float64(n)
	for j := 0; j < s; j++ {
		for i := 0; i < s; i++ {
			w.line[i] = c[i*s+j]
		}
		w.fft.Sequence(w.line, w.line)
		for i := 0; i < s; i++ {
			dst[i*s+j] = real(w.line[i]) * inv
		}
	}
}

// built panics unless g was made by NewPeriodicGRF (the zero value has no
// grid).
func (g *PeriodicGRF) built(name string) {
	if g.scale == nil {
		panic("pde: " + name + ": zero-value PeriodicGRF; build it with NewPeriodicGRF")
	}
}
