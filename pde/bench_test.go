package pde

import (
	"math/rand/v2"
	"testing"
)

func benchAssemble(b *testing.B, name string, g int) {
	f, err := New(name, g)
	if err != nil {
		b.Fatal(err)
	}
	field := f.Field(1, 0)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := f.Assemble(field); err != nil {
			b.Fatal(err)
		}
	}
}

func benchAssembleInto(b *testing.B, name string, g int) {
	f, err := New(name, g)
	if err != nil {
		b.Fatal(err)
	}
	field := f.Field(1, 0)
	A, rhs, _ := f.Assemble(field)
	r := f.(Reassembler)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := r.AssembleInto(A, rhs, field); err != nil {
			b.Fatal(err)
		}
	}
}

func benchField(b *testing.B, name string, g int) {
	f, err := New(name, g)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		f.Field(1, i)
		i++
	}
}

func BenchmarkDarcyAssemble_G80(b *testing.B)      { benchAssemble(b, "darcy", 80) }
func BenchmarkDarcyAssemble_G200(b *testing.B)     { benchAssemble(b, "darcy", 200) }
func BenchmarkDarcyAssembleInto_G80(b *testing.B)  { benchAssembleInto(b, "darcy", 80) }
func BenchmarkDarcyAssembleInto_G200(b *testing.B) { benchAssembleInto(b, "darcy", 200) }
func BenchmarkDarcyField_G80(b *testing.B)         { benchField(b, "darcy", 80) }
func BenchmarkDarcyField_G200(b *testing.B)        { benchField(b, "darcy", 200) }
func BenchmarkHelmholtzAssemble_G100(b *testing.B) { benchAssemble(b, "helmholtz", 100) }
func BenchmarkHelmholtzField_G100(b *testing.B)    { benchField(b, "helmholtz", 100) }
func BenchmarkPoissonAssemble_G267(b *testing.B)   { benchAssemble(b, "poisson", 267) }
func BenchmarkThermalAssemble_G105(b *testing.B)   { benchAssemble(b, "thermal", 105) }

func benchGRF(b *testing.B, s int) {
	g, err := NewGRF(s, nil)
	if err != nil {
		b.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	u := make([]float64, s*s)
	b.ReportAllocs()
	for b.Loop() {
		g.Sample(u, rnd)
	}
}

func BenchmarkGRF_G82(b *testing.B)  { benchGRF(b, 82) }
func BenchmarkGRF_G102(b *testing.B) { benchGRF(b, 102) }
func BenchmarkGRF_G202(b *testing.B) { benchGRF(b, 202) }
func BenchmarkGRF_G256(b *testing.B) { benchGRF(b, 256) }
