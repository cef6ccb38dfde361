package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/subspace-lab/subspace/sparse"
)

// newInfoCmd returns the "info" verb: a summary of one matrix file.
func newInfoCmd() *cobra.Command {
	var (
		jsonOut bool
		symTol  float64
	)
	cmd := &cobra.Command{
		Use:   "info FILE",
		Short: "Describe a sparse matrix (Matrix Market or SciPy .npz): shape, nonzeros, symmetry, diagonal, norms",
		Long: `info reads a Matrix Market file (coordinate or array; real, integer, pattern or
complex), or a SciPy sparse matrix saved by scipy.sparse.save_npz (FILE.npz:
csr, csc, coo, bsr or dia; real), and prints its shape, the number of stored entries after symmetric
storage is expanded (explicit zeros count), the field and the symmetry the
header declares, the symmetry the values actually have (symmetric,
skew-symmetric, hermitian for complex matrices) and whether the pattern is
symmetric, the diagonal's missing and explicitly zero entries (what breaks
Jacobi, SSOR and incomplete factorisations), the Frobenius, 1-, inf- and
max-abs norms (of |a_ij| for complex matrices), the density, and the
number of stored entries per row.

Symmetry is exact by default; --sym-tol t accepts |a_ij - a_ji| <= t·max|a|.
With --json it prints one JSON object; quantities that are undefined (the
density of a matrix with no positions) or overflow are null.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("info takes one FILE argument, got %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if !(symTol >= 0) || math.IsInf(symTol, 0) {
				return usageErrorf("--sym-tol must be finite and >= 0, got %v", symTol)
			}
			m, err := readInfoMatrix(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			info := describeMM(args[0], m, symTol)
			out := cmd.OutOrStdout()
			if jsonOut {
				enc := json.NewEncoder(out)
				return enc.Encode(info)
			}
			return info.print(out)
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print one JSON object instead of text")
	cmd.Flags().Float64Var(&symTol, "sym-tol", 0, "relative tolerance for the symmetry checks (0: exact)")
	return cmd
}

// readInfoMatrix reads a Matrix Market file with its header, or a .npz
// file (scipy.sparse.save_npz) under a header that says so: format "npz",
// field real, general storage, the stored entries (duplicates summed) as
// the file's entries.
func readInfoMatrix(ctx context.Context, path string) (*sparse.MM, error) {
	if !strings.HasSuffix(strings.ToLower(path), ".npz") {
		return sparse.ReadMMFileContext(ctx, path)
	}
	A, err := sparse.LoadContext(ctx, path)
	if err != nil {
		return nil, err
	}
	r, c := A.Dims()
	h := sparse.MMHeader{Object: "matrix", Format: "npz", Field: sparse.MMReal, Symmetry: sparse.MMGeneral, Rows: r, Cols: c, Entries: A.NNZ()}
	return &sparse.MM{Header: h, Real: A}, nil
}

// jsonNum is a float64 that encodes as null when it is NaN or infinite,
// which JSON cannot represent.
type jsonNum float64

func (v jsonNum) MarshalJSON() ([]byte, error) {
	f := float64(v)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

// mmInfo is what "info" reports; the JSON keys are part of the CLI's
// interface.
type mmInfo struct {
	File          string  `json:"file"`
	Rows          int     `json:"rows"`
	Cols          int     `json:"cols"`
	NNZ           int     `json:"nnz"`
	Entries       int     `json:"entries"` // entry lines in the file (.npz: the stored entries, duplicates summed)
	Format        string  `json:"format"`
	Field         string  `json:"field"`
	HeaderSym     string  `json:"header_symmetry"`
	Complex       bool    `json:"complex"`
	SymTol        float64 `json:"sym_tol"`
	Symmetric     bool    `json:"symmetric"`
	SkewSymmetric bool    `json:"skew_symmetric"`
	Hermitian     bool    `json:"hermitian"` // equals symmetric for real matrices
	PatternSym    bool    `json:"pattern_symmetric"`
	DiagMissing   int     `json:"diag_missing"`
	DiagZero      int     `json:"diag_zero"`
	NormFro       jsonNum `json:"norm_fro"`
	Norm1         jsonNum `json:"norm_1"`
	NormInf       jsonNum `json:"norm_inf"`
	NormMax       jsonNum `json:"norm_max"`
	Density       jsonNum `json:"density"`
	NNZRowMin     int     `json:"nnz_row_min"`
	NNZRowMean    jsonNum `json:"nnz_row_mean"`
	NNZRowMax     int     `json:"nnz_row_max"`
	EmptyRows     int     `json:"empty_rows"`
	FirstDiagMiss int     `json:"-"`
	FirstDiagZero int     `json:"-"`
}

// describeMM computes the report for m. Each symmetry check costs
// O(nnz·log(nnz/rows)), the rest O(nnz + rows + cols).
func describeMM(path string, m *sparse.MM, tol float64) *mmInfo {
	h := m.Header
	in := &mmInfo{
		File: path, Entries: h.Entries, Format: h.Format, Field: h.Field,
		HeaderSym: h.Symmetry, SymTol: tol, Complex: m.Complex != nil,
	}
	var abs *sparse.CSR // norms, diagonal and pattern facts: the moduli, or A itself
	if m.Complex != nil {
		Z := m.Complex
		abs = Z.Abs()
		in.Symmetric = Z.IsSymmetric(tol)
		in.SkewSymmetric = Z.IsSkewSymmetric(tol)
		in.Hermitian = Z.IsHermitian(tol)
	} else {
		// Every quantity below depends on |a_ij| only (the norms take
		// absolute values, the diagonal facts test for zero), so A serves
		// as is: a copy doubled the memory of the read.
		A := m.Real
		abs = A
		in.Symmetric = A.IsSymmetric(tol)
		in.SkewSymmetric = A.IsSkewSymmetric(tol)
		in.Hermitian = in.Symmetric
	}
	in.Rows, in.Cols = abs.Dims()
	in.NNZ = abs.NNZ()
	in.PatternSym = abs.IsPatternSymmetric()
	d := abs.DiagonalInfo()
	in.DiagMissing, in.DiagZero = d.Missing, d.Zero
	in.FirstDiagMiss, in.FirstDiagZero = d.FirstMissing, d.FirstZero
	in.NormMax = jsonNum(abs.MaxAbs())
	in.NormFro = jsonNum(frobenius(abs))
	in.Norm1 = jsonNum(abs.Norm1())
	in.NormInf = jsonNum(abs.NormInf())
	in.Density = jsonNum(float64(in.NNZ) / (float64(in.Rows) * float64(in.Cols)))
	in.NNZRowMean = jsonNum(float64(in.NNZ) / float64(in.Rows))
	indptr, _, _ := abs.Raw()
	for i := 0; i < in.Rows; i++ {
		n := indptr[i+1] - indptr[i]
		if i == 0 || n < in.NNZRowMin {
			in.NNZRowMin = n
		}
		in.NNZRowMax = max(in.NNZRowMax, n)
		if n == 0 {
			in.EmptyRows++
		}
	}
	return in
}

// frobenius returns sqrt(Σ a²) for a matrix of non-negative values,
// scaled by the largest value so that squares of values above 1e154 do not
// overflow (nor those below 1e-154 underflow) when the norm itself fits.
func frobenius(abs *sparse.CSR) float64 {
	s := abs.MaxAbs()
	if s == 0 {
		return 0
	}
	_, _, v := abs.Raw()
	sum := 0.0
	for _, a := range v {
		r := a / s
		sum += r * r
	}
	return s * math.Sqrt(sum)
}

// print writes the human-readable report.
func (in *mmInfo) print(w io.Writer) error {
	g := func(v jsonNum) string {
		if math.IsNaN(float64(v)) {
			return "n/a" // a density or mean of no positions (null in JSON)
		}
		return strconv.FormatFloat(float64(v), 'g', 6, 64)
	}
	var b strings.Builder
	row := func(k, format string, args ...any) {
		fmt.Fprintf(&b, "%-17s "+format+"\n", append([]any{k}, args...)...)
	}
	row("file", "%s", in.File)
	row("shape", "%d × %d", in.Rows, in.Cols)
	expanded := ""
	if in.HeaderSym != sparse.MMGeneral {
		expanded = ", " + in.HeaderSym + " storage expanded"
	}
	if in.Format == "npz" {
		// LoadNPZ sums duplicate entries (as SciPy's tocsr does), so the
		// count as stored in the file is not known here.
		row("nonzeros", "%d stored (duplicates in the file summed; explicit zeros count)", in.NNZ)
	} else {
		row("nonzeros", "%d stored (%s in the file%s; explicit zeros count)", in.NNZ, plural(in.Entries, "entry", "entries"), expanded)
	}
	row("field", "%s (%s format)", in.Field, in.Format)
	row("header symmetry", "%s", in.HeaderSym)
	var props []string
	if in.Symmetric {
		props = append(props, "symmetric")
	}
	if in.SkewSymmetric {
		props = append(props, "skew-symmetric")
	}
	if in.Complex && in.Hermitian {
		props = append(props, "hermitian")
	}
	if len(props) == 0 {
		props = append(props, "not symmetric")
	}
	how := "exact"
	if in.SymTol > 0 {
		how = "within " + strconv.FormatFloat(in.SymTol, 'g', -1, 64) + "·max|a|"
	}
	pat := "not symmetric"
	if in.PatternSym {
		pat = "symmetric"
	}
	if in.Rows != in.Cols {
		pat = "not symmetric (rectangular)"
	}
	row("value symmetry", "%s (%s)", strings.Join(props, ", "), how)
	row("pattern symmetry", "%s", pat)
	diag := fmt.Sprintf("%d missing, %s", in.DiagMissing, plural(in.DiagZero, "stored zero", "stored zeros"))
	if in.FirstDiagMiss >= 0 {
		diag += fmt.Sprintf("; first missing in row %d", in.FirstDiagMiss+1)
	}
	if in.FirstDiagZero >= 0 {
		diag += fmt.Sprintf("; first zero in row %d", in.FirstDiagZero+1)
	}
	row("diagonal", "%s", diag)
	modulus := ""
	if in.Complex {
		modulus = " (of |a_ij|)"
	}
	row("norms"+modulus, "Frobenius %s  1-norm %s  inf-norm %s  max|a| %s", g(in.NormFro), g(in.Norm1), g(in.NormInf), g(in.NormMax))
	row("density", "%s", g(in.Density))
	row("nonzeros per row", "min %d  mean %s  max %d  (%s)", in.NNZRowMin, g(in.NNZRowMean), in.NNZRowMax, plural(in.EmptyRows, "empty row", "empty rows"))
	_, err := io.WriteString(w, b.String())
	return err
}

// plural returns "n one" when n is 1 and "n many" otherwise.
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
