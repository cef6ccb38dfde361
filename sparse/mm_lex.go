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
			if len(s.long) > mmMaxLine+1 { // longer even without a "\r" of "\r\n"
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
	s.line++
	if b[len(b)-1] == '\n' {
		b = b[:len(b)-1]
	}
	if len(b) > 0 && b[len(b)-1] == '\r' {
		b = b[:len(b)-1]
	}
	if len(b) > mmMaxLine {
		return nil, &MMError{Line: s.line, Msg: fmt.Sprintf("line longer than %d bytes", mmMaxLine)}
	}
	return b, nil
}

// mmSpace marks the bytes that separate tokens (read-only).
var mmSpace = [256]bool{' ': true, '\t': true, '\r': true, '\v': true, '\f': true}

// isSpace reports whether c separates tokens.
func isSpace(c byte) bool { return mmSpace[c] }

// mmFields splits line into whitespace-separated tokens, appending them to
// dst (reused between calls so that splitting allocates nothing) and
// returning it. It stops after max+1 tokens: the caller only needs to know
// that there are too many.
func mmFields(dst [][]byte, line []byte, max int) [][]byte {
	dst = dst[:0]
	i, n := 0, len(line)
	for i < n && len(dst) <= max {
		for i < n && mmSpace[line[i]] {
			i++
		}
		if i == n {
			break
		}
		s := i
		for i < n && !mmSpace[line[i]] {
			i++
		}
		dst = append(dst, line[s:i:i])
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

// mmPow10 holds the powers of ten that float64 represents exactly.
var mmPow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// mmFloat parses a real value: a decimal number [sign] digits [. digits]
// [e|E [sign] digits] (at least one digit before or after the point), the
// syntax of strconv.ParseFloat without its extensions (hexadecimal
// mantissas, digit separators, inf/nan) that other Matrix Market readers
// reject. NaN, infinities and values that overflow float64 are refused;
// values below the smallest subnormal round to zero, as ParseFloat rounds
// them. The second result is the problem, empty if there is none.
//
// Numbers with at most 15 significant digits (below 2⁵³) and a decimal
// exponent in [−22, 22] — most hand-written and single-precision-sourced
// files — are converted by Clinger's fast path: one exact integer and one
// correctly rounded multiplication or division by an exact power of ten,
// which gives the correctly rounded result. The rest go to ParseFloat
// (Eisel–Lemire with a big-decimal fallback), also correctly rounded, so
// both paths agree bit for bit.
func mmFloat(tok []byte) (float64, string) {
	i, n := 0, len(tok)
	neg := false
	if n > 0 && (tok[0] == '+' || tok[0] == '-') {
		neg = tok[0] == '-'
		i++
	}
	var mant uint64
	nd, exp := 0, 0 // significant digits in mant, decimal exponent
	digits, dot, many := false, false, false
	for ; i < n; i++ {
		c := tok[i]
		if c == '.' {
			if dot {
				break
			}
			dot = true
			continue
		}
		d := c - '0'
		if d > 9 {
			break
		}
		digits = true
		if nd < 19 {
			mant = mant*10 + uint64(d)
			if mant != 0 {
				nd++
			}
			if dot {
				exp--
			}
		} else {
			many = true // beyond 19 digits: leave it to ParseFloat
		}
	}
	if i < n && digits && (tok[i] == 'e' || tok[i] == 'E') {
		i++
		eneg := false
		if i < n && (tok[i] == '+' || tok[i] == '-') {
			eneg = tok[i] == '-'
			i++
		}
		e, ed := 0, false
		for ; i < n && tok[i]-'0' <= 9; i++ {
			ed = true
			if e < 100000 {
				e = e*10 + int(tok[i]-'0')
			}
		}
		if !ed {
			digits = false // "1e", "1e+": malformed
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	if i != n || !digits {
		return 0, mmBadFloat(tok)
	}
	if !many && mant < 1<<53 && exp >= -22 && exp <= 22 {
		f := float64(mant)
		if exp < 0 {
			f /= mmPow10[-exp]
		} else {
			f *= mmPow10[exp]
		}
		if neg {
			f = -f
		}
		return f, ""
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

// mmBadFloat says what is wrong with a token that is not a decimal number.
func mmBadFloat(tok []byte) string {
	if v, err := strconv.ParseFloat(string(tok), 64); err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
		return fmt.Sprintf("value %s is not finite (NaN and Inf are refused)", quoteTok(tok))
	}
	return fmt.Sprintf("invalid number %s", quoteTok(tok))
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

// intTok returns the text of an integer token as the file has it (mmInt
// saturates its value at 2⁶², so a message quoting the value would
// misquote a larger one), cut after 40 characters.
func intTok(tok []byte) string {
	if len(tok) > 40 {
		return string(tok[:40]) + "..."
	}
	return string(tok)
}

// quoteTok quotes a token for an error message, shortened to 40 bytes.
func quoteTok(tok []byte) string {
	if len(tok) > 40 {
		return strconv.Quote(string(tok[:40])) + "..."
	}
	return strconv.Quote(string(tok))
}
