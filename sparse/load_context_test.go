package sparse

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// countingReader counts the Read calls that reach the file.
type countingReader struct {
	r     io.Reader
	reads int
}

func (c *countingReader) Read(p []byte) (int, error) {
	c.reads++
	return c.r.Read(p)
}

// LoadContext reads what Load reads; a ctx done before or during the read
// stops it with an error wrapping ctx.Err() that names the file.
func TestLoadContext(t *testing.T) {
	dir := t.TempDir()
	A := Laplacian2D(60, 50)
	mm := filepath.Join(dir, "A.mtx")
	npz := filepath.Join(dir, "A.npz")
	if err := SaveMM(mm, A, nil); err != nil {
		t.Fatal(err)
	}
	if err := SaveNPZ(npz, A, true); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{mm, npz} {
		t.Run(filepath.Ext(path), func(t *testing.T) {
			B, err := LoadContext(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			if !crossSameBits(A, B) {
				t.Errorf("LoadContext read another matrix")
			}
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if _, err := LoadContext(ctx, path); !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), path) {
				t.Errorf("cancelled ctx: %v, want context.Canceled naming %s", err, path)
			}
			if filepath.Ext(path) == ".mtx" {
				if _, err := ReadMMFileContext(ctx, path); !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), path) {
					t.Errorf("ReadMMFileContext, cancelled ctx: %v, want context.Canceled naming %s", err, path)
				}
				if m, err := ReadMMFileContext(context.Background(), path); err != nil || !crossSameBits(A, m.Real) {
					t.Errorf("ReadMMFileContext read another matrix (%v)", err)
				}
			}
			ctx, cancel = context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
			defer cancel()
			if _, err := LoadContext(ctx, path); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("expired ctx: %v, want context.DeadlineExceeded", err)
			}
		})
	}
	// Cancelled in the middle of a Matrix Market read: the reader stops at
	// its next block, not at the end of the file.
	f, err := os.Open(mm)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cr := &countingReader{r: f}
	stopAfter := func(p []byte) (int, error) {
		n, err := cr.Read(p)
		if cr.reads == 2 {
			cancel()
		}
		return n, err
	}
	_, err = readMM(ctxReader{ctx, readerFunc(stopAfter)}, mm, defaultLimits(), -1)
	if !errors.Is(err, context.Canceled) || cr.reads != 2 {
		t.Errorf("cancelled after 2 reads: %v after %d reads, want context.Canceled after 2", err, cr.reads)
	}
}

// readerFunc adapts a function to io.Reader.
type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }
