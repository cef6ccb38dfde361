package npy_test

import (
	"testing"

	"github.com/subspace-lab/subspace/internal/misuse"
	"github.com/subspace-lab/subspace/npy"
)

// TestWriteDenseNilPanics: a nil matrix is a programming error with an
// "npy:" message (an empty Dense is valid and written as shape (0, 0)).
func TestWriteDenseNilPanics(t *testing.T) {
	misuse.Check(t, []misuse.Case{
		{Name: "WriteDense nil", Want: "npy: WriteDense: nil matrix", F: func() { npy.WriteDense(t.TempDir()+"/m.npy", nil) }},
	})
}
