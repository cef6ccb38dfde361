package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/subspace-lab/subspace/sparse"
)

// convertFlags are the options of "convert".
type convertFlags struct {
	symmetry, field string
	compress        bool
	force, json     bool
}

// newConvertCmd returns the "convert" verb: a sparse matrix from one file
// format to the other (Matrix Market and SciPy's .npz).
func newConvertCmd() *cobra.Command {
	var f convertFlags
	cmd := &cobra.Command{
		Use:   "convert IN OUT",
		Short: "Convert a sparse matrix between Matrix Market (.mtx) and SciPy (.npz) files",
		Long: `convert reads a real sparse matrix from IN and writes it to OUT, each file's
format given by its extension: .npz is SciPy's (scipy.sparse.save_npz /
load_npz; read: csr, csc, coo, bsr, dia; written: csr), anything else
Matrix Market (OUT may not be named .npy, NumPy's dense format). Values
are copied exactly (Matrix Market values are written in shortest
round-trip form) and explicitly stored zeros are kept.

Matrix Market output: --symmetry auto (default) writes symmetric or
skew-symmetric storage (the lower triangle only) when the matrix has that
symmetry exactly, values and pattern, as scipy.io.mmwrite does, and general
storage otherwise (with --field pattern, which writes positions only:
symmetric storage when the pattern is symmetric); general, symmetric and
skew-symmetric force one (a matrix without that symmetry is an error).
--field real (default), integer (every value must be an integer) or
pattern (positions only).
.npz output: deflated like save_npz's default; --compress=false stores
the arrays (larger, faster to read and write).

OUT must differ from IN and is not overwritten unless --force is given.
--json prints one object: in, out, rows, cols, nnz, symmetry and field
(Matrix Market output), compressed (.npz output), seconds.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageErrorf("convert takes IN and OUT file arguments, got %d", len(args))
			}
			// checkOutputs skips an empty path (an option not given); an
			// empty OUT was found only after the matrix was read.
			if args[0] == "" || args[1] == "" {
				return usageErrorf("convert takes IN and OUT file names, got %q and %q", args[0], args[1])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runConvert(cmd, args[0], args[1], &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.symmetry, "symmetry", "auto", "Matrix Market storage: auto, general, symmetric or skew-symmetric")
	fl.StringVar(&f.field, "field", "real", "Matrix Market field: real, integer or pattern")
	fl.BoolVar(&f.compress, "compress", true, ".npz output: deflate the arrays (as scipy.sparse.save_npz)")
	fl.BoolVar(&f.force, "force", false, "overwrite OUT if it exists")
	fl.BoolVar(&f.json, "json", false, "print one JSON object")
	return cmd
}

// convertOutput is what "convert" reports; the JSON keys are part of the
// CLI's interface.
type convertOutput struct {
	In         string  `json:"in"`
	Out        string  `json:"out"`
	Rows       int     `json:"rows"`
	Cols       int     `json:"cols"`
	NNZ        int     `json:"nnz"`
	Symmetry   string  `json:"symmetry,omitempty"`
	Field      string  `json:"field,omitempty"`
	Compressed *bool   `json:"compressed,omitempty"`
	Seconds    float64 `json:"seconds"`
}

func isNPZ(path string) bool { return strings.HasSuffix(strings.ToLower(path), ".npz") }

func runConvert(cmd *cobra.Command, in, out string, f *convertFlags) error {
	symmetry := strings.ToLower(f.symmetry)
	switch symmetry {
	case "auto", sparse.MMGeneral, sparse.MMSymmetric, sparse.MMSkewSymmetric:
	default:
		return usageErrorf("--symmetry must be auto, general, symmetric or skew-symmetric, got %q", f.symmetry)
	}
	field := strings.ToLower(f.field)
	switch field {
	case sparse.MMReal, sparse.MMInteger, sparse.MMPattern:
	default:
		return usageErrorf("--field must be real, integer or pattern, got %q", f.field)
	}
	toNPZ := isNPZ(out)
	if strings.HasSuffix(strings.ToLower(out), ".npy") {
		// Anything but .npz is written as Matrix Market: a .npy name
		// would get Matrix Market text that np.load cannot read.
		return usageErrorf("OUT %s: .npy holds a dense NumPy array, not a sparse matrix; name OUT .npz (scipy.sparse.load_npz) or .mtx (Matrix Market)", out)
	}
	flags := cmd.Flags()
	if toNPZ && (flags.Changed("symmetry") || flags.Changed("field")) {
		return usageErrorf("--symmetry and --field apply to Matrix Market output, not %s", out)
	}
	if !toNPZ && flags.Changed("compress") {
		return usageErrorf("--compress applies to .npz output, not %s", out)
	}
	if err := checkOutputs([]output{{"IN", in}}, []output{{"OUT", out}}, f.force, nil); err != nil {
		return err
	}
	var err error

	start := time.Now()
	var A *sparse.CSR
	if isNPZ(in) {
		A, err = sparse.LoadContext(cmd.Context(), in)
	} else {
		var m *sparse.MM
		if m, err = sparse.ReadMMFileContext(cmd.Context(), in); err == nil {
			if A = m.Real; A == nil {
				err = fmt.Errorf("%s is a complex matrix; convert handles real matrices only", in)
			}
		}
	}
	if err != nil {
		return err
	}
	r, c := A.Dims()
	res := convertOutput{In: in, Out: out, Rows: r, Cols: c, NNZ: A.NNZ()}
	if toNPZ {
		if err := sparse.SaveNPZ(out, A, f.compress); err != nil {
			return err
		}
		res.Compressed = &f.compress
	} else {
		if symmetry == "auto" {
			symmetry = detectSymmetry(A, field)
		}
		if err := sparse.SaveMM(out, A, &sparse.MMWriteOptions{Symmetry: symmetry, Field: field}); err != nil {
			return err
		}
		res.Symmetry, res.Field = symmetry, field
	}
	res.Seconds = time.Since(start).Seconds()
	w := cmd.OutOrStdout()
	if f.json {
		return json.NewEncoder(w).Encode(res)
	}
	desc := "csr, compressed"
	if !toNPZ {
		desc = field + " " + symmetry
	} else if !f.compress {
		desc = "csr, stored"
	}
	_, err = fmt.Fprintf(w, "%s -> %s: %d × %d, %s (%s), %.3f s\n", in, out, r, c, plural(A.NNZ(), "stored entry", "stored entries"), desc, res.Seconds)
	return err
}

// detectSymmetry returns the Matrix Market storage that holds A exactly in
// the fewest entries: symmetric or skew-symmetric when A has that symmetry
// in its values and its pattern (and, skew, no stored diagonal), general
// otherwise. The pattern field holds positions only (and cannot be
// skew-symmetric): symmetric when the pattern is, general otherwise.
//
// Values are compared bit for bit, not with == as CSR.IsSymmetric does:
// under == a stored −0 equals its mirror's +0, and storage that writes one
// triangle would give the other the mirror's sign, so the copy would not be
// exact. With a symmetric pattern, A and Aᵀ (both with sorted rows) store
// their entries at the same positions of their arrays.
func detectSymmetry(A *sparse.CSR, field string) string {
	r, c := A.Dims()
	if r != c || r == 0 || !A.IsPatternSymmetric() {
		return sparse.MMGeneral
	}
	if field == sparse.MMPattern {
		return sparse.MMSymmetric
	}
	_, _, v := A.Raw()
	_, _, vt := A.T().Raw()
	sym, skew := true, A.DiagonalInfo().Missing == r
	for k := 0; k < len(v) && (sym || skew); k++ {
		b := math.Float64bits(v[k])
		sym = sym && b == math.Float64bits(vt[k])
		skew = skew && b == math.Float64bits(-vt[k])
	}
	switch {
	case sym:
		return sparse.MMSymmetric
	case skew:
		return sparse.MMSkewSymmetric
	}
	return sparse.MMGeneral
}
