package ot

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// refCase is one case of testdata/ot/ref.json, computed once by POT 0.8.2
// with testdata/ot/make_ref.py.
type refCase struct {
	Name           string    `json:"name"`
	N              int       `json:"n"`
	M              int       `json:"m"`
	A              []float64 `json:"a"`
	B              []float64 `json:"b"`
	C              []float64 `json:"C"`
	Reg            float64   `json:"reg"`
	RegM           float64   `json:"reg_m"`
	LogPlan        []float64 `json:"sinkhorn_log_plan"`
	LogCost        float64   `json:"sinkhorn_log_cost"`
	EMDPlan        []float64 `json:"emd_plan"`
	EMDCost        float64   `json:"emd_cost"`
	EMDU           []float64 `json:"emd_u"`
	EMDV           []float64 `json:"emd_v"`
	UnbalancedPlan []float64 `json:"unbalanced_plan"`
	UnbalancedCost float64   `json:"unbalanced_cost"`
	LogErr         []float64 `json:"sinkhorn_log_err"`
	ScalingErr     []float64 `json:"sinkhorn_err"`
}

func loadRef(t *testing.T) []refCase {
	t.Helper()
	data, err := os.ReadFile("../testdata/ot/ref.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []refCase `json:"cases"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) == 0 {
		t.Fatal("no reference cases")
	}
	return f.Cases
}

func (c refCase) cost() *mat.Dense { return mat.NewDense(c.N, c.M, append([]float64(nil), c.C...)) }

// maxAbsDiff returns max |P_ij − want_ij|.
func maxAbsDiff(t *testing.T, P *mat.Dense, want []float64) float64 {
	t.Helper()
	r, c := P.Dims()
	if r*c != len(want) {
		t.Fatalf("plan is %d×%d, reference has %d entries", r, c, len(want))
	}
	d := 0.0
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			d = math.Max(d, math.Abs(P.At(i, j)-want[i*c+j]))
		}
	}
	return d
}
