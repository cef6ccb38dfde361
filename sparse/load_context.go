package sparse

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// LoadContext is Load that stops when ctx is done: the file is read
// through a reader that checks ctx before every read (the Matrix Market
// reader takes the file in blocks of 64 KiB, the .npz reader its members'
// compressed or stored blocks), so a cancelled or expired ctx ends a long
// read within a block, with an error wrapping ctx.Err() that
// names the file. Work after the last read (assembling the CSR arrays,
// O(nnz)) is not interrupted. A nil ctx means context.Background().
func LoadContext(ctx context.Context, path string) (*CSR, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	return stopped(ctx, path, func() (*CSR, error) { return load(ctx, path) })
}

// stopped runs read unless ctx is already done, and turns an error
// caused by ctx into one that names the file.
func stopped[T any](ctx context.Context, path string, read func() (T, error)) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, fmt.Errorf("sparse: reading %s stopped: %w", path, err)
	}
	v, err := read()
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return zero, fmt.Errorf("sparse: reading %s stopped: %w", path, ctx.Err())
	}
	return v, err
}

// ctxReader is an io.Reader that fails with ctx.Err() once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// ctxReaderAt is an io.ReaderAt that fails with ctx.Err() once ctx is
// done.
type ctxReaderAt struct {
	ctx context.Context
	r   io.ReaderAt
}

func (c ctxReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.ReadAt(p, off)
}
