package npy

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Header describes the array stored in a .npy file (or in one member of an
// .npz archive).
type Header struct {
	DType   DType // element type as NumPy spells it, e.g. "<f8"
	Fortran bool  // data stored in column-major (Fortran) order instead of row-major (C) order
	Shape   []int // dimensions; empty for a 0-d (scalar) array
}

// Len returns the number of elements, the product of Shape (1 for a 0-d
// array). It panics if the product overflows int; headers returned by this
// package never do.
func (h Header) Len() int {
	n, ok := shapeLen(h.Shape)
	if !ok {
		panic(fmt.Sprintf("npy: invalid shape %v", h.Shape))
	}
	return n
}

// String formats the header the way NumPy prints the matching array's
// metadata, e.g. "<f8 (3, 4) C order".
func (h Header) String() string {
	o := "C"
	if h.Fortran {
		o = "Fortran"
	}
	return fmt.Sprintf("%s %s %s order", h.DType, FormatShape(h.Shape), o)
}

// Limits that keep a hostile header from exhausting memory before the data
// proves it is really there.
const (
	maxHeaderLen = 1 << 20 // bytes of header dictionary; NumPy itself refuses more than 10000 by default
	maxNDim      = 64      // NumPy 2 allows 64 dimensions (NumPy 1: 32)
	magic        = "\x93NUMPY"
	preludeLen   = len(magic) + 2 // magic + major + minor
	arrayAlign   = 64             // NumPy aligns the data start to 64 bytes
	growthDigits = 21             // NumPy's spare header room for the growing axis
)

// shapeLen returns the product of shape, or ok=false if a dimension is
// negative or the product of the non-zero dimensions overflows. A zero
// dimension makes the product 0, but as in NumPy (which refuses
// np.empty((2**62, 2**62, 0)) as "array is too big") the other dimensions
// must still have a representable product.
func shapeLen(shape []int) (int, bool) {
	span, zero, ok := shapeSpan(shape)
	if !ok {
		return 0, false
	}
	if zero {
		return 0, true
	}
	return span, true
}

// tooBig reports whether the non-zero dimensions of shape hold more bytes
// of itemsize each than NumPy (and this package) can address, 2⁶²: NumPy
// refuses such a shape even when a zero dimension makes the array empty.
func tooBig(shape []int, itemsize int) bool {
	span, _, _ := shapeSpan(shape)
	return int64(span) > (1<<62)/int64(itemsize)
}

// shapeSpan returns the product of the non-zero dimensions of shape and
// whether any dimension is zero; ok is false if a dimension is negative or
// the product overflows. NumPy bounds this product times the item size,
// whatever the zero dimensions are.
func shapeSpan(shape []int) (span int, zero, ok bool) {
	span = 1
	for _, d := range shape {
		switch {
		case d < 0:
			return 0, false, false
		case d == 0:
			zero = true
		default:
			if span > math.MaxInt/d {
				return 0, false, false
			}
			span *= d
		}
	}
	return span, zero, true
}

// readHeader reads the magic string, version, header length and header
// dictionary from r. It returns the header and the number of bytes consumed.
func readHeader(r io.Reader) (Header, int64, error) {
	var pre [preludeLen]byte
	if n, err := io.ReadFull(r, pre[:]); err != nil {
		if n == 0 && err == io.EOF {
			return Header{}, 0, fmt.Errorf("%w: empty file, not a .npy array", ErrFormat)
		}
		if err == io.ErrUnexpectedEOF || err == io.EOF {
			return Header{}, 0, fmt.Errorf("%w: truncated before the end of the .npy magic string (%d bytes)", ErrFormat, n)
		}
		return Header{}, 0, err
	}
	if string(pre[:len(magic)]) != magic {
		return Header{}, 0, fmt.Errorf("%w: bad magic %q, not a .npy file (want \"\\x93NUMPY\")", ErrFormat, pre[:len(magic)])
	}
	major, minor := pre[6], pre[7]
	var lenBytes int
	switch {
	case major == 1 && minor == 0:
		lenBytes = 2
	case (major == 2 || major == 3) && minor == 0:
		lenBytes = 4
	default:
		return Header{}, 0, fmt.Errorf("%w: unsupported .npy format version %d.%d (want 1.0, 2.0 or 3.0)", ErrFormat, major, minor)
	}
	var lb [4]byte
	if _, err := io.ReadFull(r, lb[:lenBytes]); err != nil {
		if err == io.ErrUnexpectedEOF || err == io.EOF {
			return Header{}, 0, fmt.Errorf("%w: truncated in the header length", ErrFormat)
		}
		return Header{}, 0, err
	}
	var hlen int64
	if lenBytes == 2 {
		hlen = int64(binary.LittleEndian.Uint16(lb[:]))
	} else {
		hlen = int64(binary.LittleEndian.Uint32(lb[:]))
	}
	if hlen > maxHeaderLen {
		return Header{}, 0, fmt.Errorf("%w: header length %d exceeds the limit of %d bytes", ErrFormat, hlen, maxHeaderLen)
	}
	// ReadAll through a LimitReader grows with the data actually present,
	// so a lying length cannot make us allocate it up front.
	buf, err := io.ReadAll(io.LimitReader(r, hlen))
	if err != nil {
		return Header{}, 0, err
	}
	if int64(len(buf)) < hlen {
		return Header{}, 0, fmt.Errorf("%w: truncated header (%d of %d bytes)", ErrFormat, len(buf), hlen)
	}
	h, err := parseHeaderDict(buf)
	if err != nil {
		return Header{}, 0, err
	}
	return h, int64(preludeLen+lenBytes) + hlen, nil
}

// parseHeaderDict parses the Python dict literal of a .npy header, e.g.
// {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }
// It accepts exactly the literal forms NumPy writes (single or double
// quotes, optional trailing commas, Python 2 "3L" integers) followed only by
// whitespace, and it requires exactly the keys descr, fortran_order and
// shape, as NumPy does.
func parseHeaderDict(buf []byte) (Header, error) {
	p := &dictParser{s: buf}
	var h Header
	seen := map[string]bool{}
	p.space()
	if !p.eat('{') {
		return h, p.fail("header is not a Python dict literal")
	}
	for {
		p.space()
		if p.eat('}') {
			break
		}
		key, ok := p.str()
		if !ok {
			return h, p.fail("expected a quoted key")
		}
		if seen[key] {
			return h, p.fail(fmt.Sprintf("duplicate key %q", key))
		}
		seen[key] = true
		p.space()
		if !p.eat(':') {
			return h, p.fail("expected ':' after key")
		}
		p.space()
		switch key {
		case "descr":
			if p.peek() == '[' {
				return h, fmt.Errorf("%w: structured (record) dtype; save each field as its own array", ErrDType)
			}
			v, ok := p.str()
			if !ok {
				return h, p.fail("descr must be a quoted type string")
			}
			h.DType = DType(v)
		case "fortran_order":
			switch {
			case p.word("True"):
				h.Fortran = true
			case p.word("False"):
				h.Fortran = false
			default:
				return h, p.fail("fortran_order must be True or False")
			}
		case "shape":
			shape, err := p.tuple()
			if err != nil {
				return h, err
			}
			h.Shape = shape
		default:
			return h, p.fail(fmt.Sprintf("unexpected key %q (want only descr, fortran_order, shape)", key))
		}
		p.space()
		if p.eat(',') {
			continue
		}
		p.space()
		if p.eat('}') {
			break
		}
		return h, p.fail("expected ',' or '}'")
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("%w: header has no %q key", ErrFormat, k)
		}
	}
	p.space()
	if p.i != len(p.s) {
		return h, p.fail("unexpected bytes after the header dict")
	}
	if _, ok := shapeLen(h.Shape); !ok {
		return h, fmt.Errorf("%w: shape %s has more elements than this machine can address", ErrFormat, FormatShape(h.Shape))
	}
	return h, nil
}

type dictParser struct {
	s []byte
	i int
}

func (p *dictParser) fail(msg string) error {
	ctx := p.s[p.i:]
	if len(ctx) > 20 {
		ctx = ctx[:20]
	}
	return fmt.Errorf("%w: bad header: %s at byte %d (near %q)", ErrFormat, msg, p.i, ctx)
}

func (p *dictParser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *dictParser) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *dictParser) eat(c byte) bool {
	if p.peek() == c && p.i < len(p.s) {
		p.i++
		return true
	}
	return false
}

func (p *dictParser) word(w string) bool {
	if bytes.HasPrefix(p.s[p.i:], []byte(w)) {
		p.i += len(w)
		return true
	}
	return false
}

// str parses a quoted string without escapes (NumPy type strings and keys
// never contain any).
func (p *dictParser) str() (string, bool) {
	q := p.peek()
	if q != '\'' && q != '"' {
		return "", false
	}
	end := bytes.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", false
	}
	v := p.s[p.i+1 : p.i+1+end]
	if bytes.IndexByte(v, '\\') >= 0 || bytes.IndexByte(v, '\n') >= 0 {
		return "", false
	}
	p.i += end + 2
	return string(v), true
}

// tuple parses a tuple of non-negative integers: "()", "(3,)", "(2, 3)".
func (p *dictParser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, p.fail("shape must be a tuple")
	}
	shape := []int{}
	for {
		p.space()
		if p.eat(')') {
			break
		}
		if len(shape) == maxNDim {
			return nil, p.fail(fmt.Sprintf("more than %d dimensions", maxNDim))
		}
		start := p.i
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
		if p.i == start {
			return nil, p.fail("shape entries must be non-negative integers")
		}
		d, err := strconv.ParseInt(string(p.s[start:p.i]), 10, 64)
		if err != nil || d > math.MaxInt {
			return nil, p.fail("shape entry too large")
		}
		p.eat('L') // Python 2 long literal, as in files written by NumPy on Python 2
		shape = append(shape, int(d))
		p.space()
		if p.eat(',') {
			continue
		}
		p.space()
		if p.eat(')') {
			if len(shape) == 1 {
				// "(3)" is an int in Python, not a tuple; NumPy rejects it.
				return nil, p.fail("a one-element shape needs a trailing comma, as in (3,)")
			}
			break
		}
		return nil, p.fail("expected ',' or ')' in shape")
	}
	return shape, nil
}

// FormatShape formats a shape like Python's repr of a tuple, as NumPy
// users read shapes in messages: (), (3,), (2, 3).
func FormatShape(shape []int) string {
	switch len(shape) {
	case 0:
		return "()"
	case 1:
		return "(" + strconv.Itoa(shape[0]) + ",)"
	}
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// encodeHeader returns the magic string, version, length and padded header
// dictionary, byte for byte as NumPy 1.24's np.save writes them: keys in
// sorted order, spare room for the growing axis, padding with spaces and a
// final newline so that the data starts at a multiple of 64 bytes, format
// version 1.0 unless the header needs more than 65535 bytes.
func encodeHeader(h Header, dt dtype) []byte { return encodeHeaderDescr(h, dt.String()) }

// encodeHeaderDescr is encodeHeader for a type string given as text (the
// string arrays of WriteString, which dtype does not describe).
func encodeHeaderDescr(h Header, descr string) []byte {
	order := "False"
	if h.Fortran {
		order = "True"
	}
	dict := "{'descr': '" + descr + "', 'fortran_order': " + order + ", 'shape': " + FormatShape(h.Shape) + ", }"
	if len(h.Shape) > 0 {
		grow := h.Shape[0]
		if h.Fortran {
			grow = h.Shape[len(h.Shape)-1]
		}
		if pad := growthDigits - len(strconv.Itoa(grow)); pad > 0 {
			dict += strings.Repeat(" ", pad)
		}
	}
	lenBytes, major := 2, byte(1)
	hlen := len(dict) + 1
	pad := arrayAlign - (preludeLen+lenBytes+hlen)%arrayAlign
	if hlen+pad > math.MaxUint16 {
		lenBytes, major = 4, 2
		pad = arrayAlign - (preludeLen+lenBytes+hlen)%arrayAlign
	}
	out := make([]byte, 0, preludeLen+lenBytes+hlen+pad)
	out = append(out, magic...)
	out = append(out, major, 0)
	if lenBytes == 2 {
		out = binary.LittleEndian.AppendUint16(out, uint16(hlen+pad))
	} else {
		out = binary.LittleEndian.AppendUint32(out, uint32(hlen+pad))
	}
	out = append(out, dict...)
	for range pad {
		out = append(out, ' ')
	}
	return append(out, '\n')
}
