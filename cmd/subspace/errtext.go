package main

import (
	"errors"
	"strings"

	"github.com/subspace-lab/subspace/npy"
	"github.com/subspace-lab/subspace/precond"
	"github.com/subspace-lab/subspace/sparse"
)

// The library's errors name its own API where a fix is an option of a Go
// type (IC0Options.Shift) or another function (ReadMMFile); on the
// command line the same advice names the flag or says what the verb
// takes. These helpers rewrite such errors for the CLI, and classify a
// preconditioner's bad option as a usage error (exit status 2).

// cliLoadError rewrites an error from sparse.Load for verbs that solve
// real systems; the result still unwraps to the *sparse.MMError.
func cliLoadError(err error) error {
	var me *sparse.MMError
	if errors.As(err, &me) && strings.Contains(me.Msg, "use ReadMMFile") {
		return &rewritten{msg: strings.Replace(err.Error(), "matrix is complex; use ReadMMFile to read complex matrices",
			"matrix is complex; this command solves real systems only", 1), err: err}
	}
	return err
}

// cliPrecondError rewrites an error from building preconditioner kind
// (precond.New, or a sequence run that builds them): the IC(0) shift is
// --shift, block Jacobi is named bjacobi (it is ASM without overlap), and
// an invalid option (e.g. more blocks than rows) is a usage error.
func cliPrecondError(kind string, err error) error {
	if err == nil {
		return nil
	}
	msg := strings.Replace(err.Error(), "try IC0Options.Shift (e.g. 1e-2)", "try --shift (e.g. --shift 1e-2)", 1)
	if kind == "bjacobi" {
		msg = strings.ReplaceAll(msg, "asm: ", "bjacobi: ")
	}
	if errors.Is(err, precond.ErrOption) {
		return usageErrorf("%s", msg)
	}
	if msg == err.Error() {
		return err
	}
	return &rewritten{msg: msg, err: err}
}

// cliArrayError rewrites an error from reading a dense .npy array.
func cliArrayError(err error) error {
	if errors.Is(err, npy.ErrShape) && strings.Contains(err.Error(), "an empty matrix cannot be a mat.Dense") {
		return &rewritten{msg: strings.Replace(err.Error(), "an empty matrix cannot be a mat.Dense", "it must have at least one row and one column", 1), err: err}
	}
	return err
}

// rewritten is an error with a CLI wording that still unwraps to the
// library's error (so exit statuses and errors.Is keep working).
type rewritten struct {
	msg string
	err error
}

func (e *rewritten) Error() string { return e.msg }
func (e *rewritten) Unwrap() error { return e.err }
