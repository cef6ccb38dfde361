package sparse

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"unsafe"
)

// mmMaxLine is the longest line the Matrix Market reader accepts, in bytes.
const mmMaxLine = 1 << 20

// mmScanner returns the lines of a Matrix Market stream one at a time
// without copying them (a line is valid until the next call), counting
// line numbers. Lines longer than the bufio buffer are assembled in long.
type mmScanner struct {
	br   *bufio.Reader
	line int // number of the last line returned, 1-based
	long []byte
}

// next returns the next line without its "\n" or "\r\n" terminator. It
// returns io.EOF after the last line and an *MMError for an over-long line
// or a read error.
func (s *mmScanner) next() ([]byte, error) {
	b, err := s.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		s.long = append(s.long[:0], b...)
		for err == bufio.ErrBufferFull {
			if len(s.long) > mmMaxLine {
				return nil, &MMError{Line: s.line + 1, Msg: fmt.Sprintf("line longer than %d bytes", mmMaxLine)}
			}
			b, err = s.br.ReadSlice('\n')
			s.long = append(s.long, b...)
		}
		b = s.long
	}
	if err != nil && err != io.EOF {
		return nil, &MMError{Line: s.line + 1, Msg: "read error: " + err.Error(), Err: err}
	}
	if len(b) == 0 {
		return nil, io.EOF
	}
	if len(b) > mmMaxLine {
		return nil, &MMError{Line: s.line + 1, Msg: fmt.Sprintf("line longer than %d bytes", mmMaxLine)}
	}
	s.line++
	if b[len(b)-1] == '\n' {
		b = b[:len(b)-1]
	}
	if len(b) > 0 && b[len(b)-1] == '\r' {
		b = b[:len(b)-1]
	}
	return b, nil
}

// isSpace reports whether c separates tokens.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' }

// mmFields splits line into whitespace-separated tokens, appending them to
// dst (reused between calls so that splitting allocates nothing) and
// returning it. It stops after max+1 tokens: the caller only needs to know
// that there are too many.
func mmFields(dst [][]byte, line []byte, max int) [][]byte {
	dst = dst[:0]
	i, n := 0, len(line)
	for i < n && len(dst) <= max {
		for i < n && isSpace(line[i]) {
			i++
		}
		if i == n {
			break
		}
		s := i
		for i < n && !isSpace(line[i]) {
			i++
		}
		dst = append(dst, line[s:i])
	}
	return dst
}

// mmSkip reports whether line is blank or a comment.
func mmSkip(line []byte) bool {
	for _, c := range line {
		if !isSpace(c) {
			return c == '%'
		}
	}
	return true
}

// mmInt parses a decimal integer with an optional sign. Magnitudes beyond
// about 2⁶² saturate to 2⁶² (every caller range-checks the result against far smaller
// limits). ok is false if tok is not an integer.
func mmInt(tok []byte) (v int64, ok bool) {
	neg := false
	if len(tok) > 0 && (tok[0] == '-' || tok[0] == '+') {
		neg = tok[0] == '-'
		tok = tok[1:]
	}
	if len(tok) == 0 {
		return 0, false
	}
	const limit = 1 << 62
	for _, c := range tok {
		d := c - '0'
		if d > 9 {
			return 0, false
		}
		if v <= (limit-9)/10 {
			v = v*10 + int64(d)
		} else {
			v = limit
		}
	}
	if neg {
		v = -v
	}
	return v, true
}

// mmFloat parses a real value: a decimal number as strconv.ParseFloat reads
// it, without ParseFloat's extensions (hexadecimal mantissas, digit
// separators) that other Matrix Market readers reject. NaN, infinities and
// values that overflow float64 are refused; values below the smallest
// subnormal round to zero as ParseFloat rounds them. The second result is
// the problem, empty if there is none.
func mmFloat(tok []byte) (float64, string) {
	for _, c := range tok {
		if (c < '0' || c > '9') && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E' {
			if c == 'n' || c == 'N' || c == 'i' || c == 'I' {
				// Possibly "nan" / "inf": say so if ParseFloat agrees.
				if v, err := strconv.ParseFloat(string(tok), 64); err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
					return 0, fmt.Sprintf("value %s is not finite (NaN and Inf are refused)", quoteTok(tok))
				}
			}
			return 0, fmt.Sprintf("invalid number %s", quoteTok(tok))
		}
	}
	// ParseFloat copies its argument into any error it returns, so the
	// string may share tok's bytes.
	v, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(tok), len(tok)), 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, fmt.Sprintf("value %s overflows float64", quoteTok(tok))
		}
		return 0, fmt.Sprintf("invalid number %s", quoteTok(tok))
	}
	return v, ""
}

// mmInteger parses an integer-field value exactly as an int64 and returns
// it as float64 (rounded to nearest beyond 2⁵³).
func mmInteger(tok []byte) (float64, string) {
	v, err := strconv.ParseInt(unsafe.String(unsafe.SliceData(tok), len(tok)), 10, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, fmt.Sprintf("integer %s overflows int64", quoteTok(tok))
		}
		return 0, fmt.Sprintf("invalid integer %s", quoteTok(tok))
	}
	return float64(v), ""
}

// quoteTok quotes a token for an error message, shortened to 40 bytes.
func quoteTok(tok []byte) string {
	if len(tok) > 40 {
		return strconv.Quote(string(tok[:40])) + "..."
	}
	return strconv.Quote(string(tok))
}
