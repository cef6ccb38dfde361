package pde

import (
	"math"
	"strings"
	"testing"
)

// TestThermalLinearExact: without the wall the exact solution is linear in
// x and the cell-centred scheme reproduces it exactly.
func TestThermalLinearExact(t *testing.T) {
	for _, g := range []int{2, 3, 8, 13} {
		th, _ := NewThermal(g, &ThermalOptions{NoWall: true})
		if th.nnz != nnz5(g) {
			t.Fatalf("g=%d: nnz %d without wall, want %d", g, th.nnz, nnz5(g))
		}
		for _, T := range [][2]float64{{-100, 100}, {-37.5, 12.25}, {0, 0}, {5, 5}} {
			A, b, err := th.Assemble(T[:])
			if err != nil {
				t.Fatal(err)
			}
			x := denseSolve(t, A, b)
			want := make([]float64, g*g)
			for i := 0; i < g; i++ {
				for j := 0; j < g; j++ {
					want[i*g+j] = T[0] + (T[1]-T[0])*(float64(j)+0.5)/float64(g)
				}
			}
			var e float64
			for i := range x {
				e = math.Max(e, math.Abs(x[i]-want[i]))
			}
			// Condition number O(g²) ≤ 1e3, values ≤ 100: 1e-10 absolute.
			if e > 1e-10 {
				t.Errorf("g=%d T=%v: max error %g against the linear profile", g, T, e)
			}
		}
	}
}

// TestThermalWall checks the default (walled) geometry: the pattern loses
// the cut faces, A is symmetric, and the solution obeys the maximum
// principle, conserves heat (what enters on the left leaves on the right),
// is antisymmetric about the centre for even g, and departs from the
// linear profile.
func TestThermalWall(t *testing.T) {
	for _, c := range []struct{ g, cutRows int }{{2, 0}, {3, 1}, {8, 4}, {12, 6}, {15, 7}} {
		th, _ := NewThermal(c.g, nil)
		g := c.g
		if want := nnz5(g) - 2*c.cutRows; th.nnz != want {
			t.Fatalf("g=%d: nnz %d, want %d (%d cut rows)", g, th.nnz, want, c.cutRows)
		}
		TL, TR := -60.0, 25.0
		A, b, err := th.Assemble([]float64{TL, TR})
		if err != nil {
			t.Fatal(err)
		}
		if A.NNZ() != th.nnz || !A.IsSymmetric(0) {
			t.Fatalf("g=%d: nnz %d, symmetric %v", g, A.NNZ(), A.IsSymmetric(0))
		}
		x := denseSolve(t, A, b)
		var in, out, dev float64
		for i := 0; i < g; i++ {
			in += 2 * (TL - x[i*g])
			out += 2 * (x[i*g+g-1] - TR)
			for j := 0; j < g; j++ {
				v := x[i*g+j]
				if v < TL-1e-9 || v > TR+1e-9 {
					t.Fatalf("g=%d: T(%d,%d) = %g outside [%g, %g]", g, i, j, v, TL, TR)
				}
				dev = math.Max(dev, math.Abs(v-(TL+(TR-TL)*(float64(j)+0.5)/float64(g))))
				if g%2 == 0 {
					if s := v + x[i*g+g-1-j]; math.Abs(s-(TL+TR)) > 1e-9 {
						t.Fatalf("g=%d: T(%d,%d) + T(%d,%d) = %g, want %g", g, i, j, i, g-1-j, s, TL+TR)
					}
				}
			}
		}
		if math.Abs(in-out) > 1e-9*math.Abs(in) {
			t.Errorf("g=%d: heat in %g, out %g", g, in, out)
		}
		if c.cutRows > 0 && dev < 0.01*(TR-TL) {
			t.Errorf("g=%d: the wall changed the solution by only %g", g, dev)
		}
		if c.cutRows == 0 && dev > 1e-10 {
			t.Errorf("g=%d: no wall, but the solution departs from linear by %g", g, dev)
		}
	}
}

func TestThermalField(t *testing.T) {
	th, _ := NewThermal(4, nil)
	for i := 0; i < 500; i++ {
		f := th.Field(1, i)
		if len(f) != 2 || f[0] < -100 || f[0] > 0 || f[1] < 0 || f[1] > 100 {
			t.Fatalf("field %v outside the default ranges", f)
		}
	}
	th, _ = NewThermal(4, &ThermalOptions{LeftMin: 10, LeftMax: 20, RightMin: -5, RightMax: -5})
	f := th.Field(2, 3)
	if f[0] < 10 || f[0] >= 20 || f[1] != -5 {
		t.Errorf("field %v outside [10, 20) × {−5}", f)
	}
}

func TestThermalAssembleInto(t *testing.T) {
	th, _ := NewThermal(10, nil)
	A, b, _ := th.Assemble([]float64{-1, 1})
	A.Scale(-2)
	f := []float64{-70, 30}
	wantA, wantb, _ := th.Assemble(f)
	if err := th.AssembleInto(A, b, f); err != nil {
		t.Fatal(err)
	}
	sameCSR(t, A, wantA, 0)
	if !equal(b, wantb) {
		t.Error("b differs")
	}
	if n := testing.AllocsPerRun(10, func() { _ = th.AssembleInto(A, b, f) }); n != 0 {
		t.Errorf("AssembleInto allocates %v times", n)
	}
	noWall, _ := NewThermal(10, &ThermalOptions{NoWall: true})
	mustPanic(t, "AssembleInto with a walled A on a wall-less family", func() { _ = noWall.AssembleInto(A, b, f) })
}

func TestThermalBadInput(t *testing.T) {
	th, _ := NewThermal(4, nil)
	for _, c := range []struct {
		name, want string
		f          []float64
	}{
		{"short", "field has 1 values, want 2", []float64{1}},
		{"long", "field has 3 values, want 2", []float64{1, 2, 3}},
		{"NaN", "field value 1 is NaN", []float64{1, math.NaN()}},
		{"Inf", "field value 0 is -Inf", []float64{math.Inf(-1), 1}},
	} {
		_, _, err := th.Assemble(c.f)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
	for _, c := range []struct {
		name string
		o    *ThermalOptions
	}{
		{"left min > max", &ThermalOptions{LeftMin: 1, LeftMax: -1}},
		{"right NaN", &ThermalOptions{RightMin: math.NaN()}},
		{"right width overflows", &ThermalOptions{RightMin: -1e308, RightMax: 1e308}},
		{"right Inf", &ThermalOptions{RightMax: math.Inf(1)}},
	} {
		if _, err := NewThermal(4, c.o); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	if _, err := NewThermal(1, nil); err == nil {
		t.Error("grid 1: no error")
	}
}
