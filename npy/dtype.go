package npy

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
)

// DType is a NumPy array-protocol type string as stored in a .npy header:
// a byte-order character ('<' little-endian, '>' big-endian, '|' not
// applicable, '=' native) followed by the kind and the item size in bytes,
// for example "<f8" (float64) or ">i4" (big-endian int32).
//
// Reading accepts kinds f (float16, float32, float64), i and u (1, 2, 4, 8
// bytes) and b (bool, 1 byte) in either byte order. Writing accepts f4, f8,
// i1–i8 and u1–u8. Everything else (complex, object, strings, structured
// records, datetimes, long double) is refused with ErrDType.
type DType string

// The element types this package writes by default.
const (
	Float64 DType = "<f8" // NumPy float64, little-endian (np.save's default for float arrays)
	Float32 DType = "<f4" // NumPy float32, little-endian (half the size; PyTorch's default dtype)
	Int64   DType = "<i8" // NumPy int64, little-endian (labels, indices)
	Int32   DType = "<i4" // NumPy int32, little-endian
)

// dtype is a parsed DType.
type dtype struct {
	kind byte // 'f', 'i', 'u' or 'b'
	size int  // bytes per element
	big  bool // big-endian storage
}

var nativeBig = binary.NativeEndian.Uint16([]byte{0, 1}) == 1

// parseDType parses a NumPy type string. Refusals wrap ErrDType with a hint
// on how to convert the array in NumPy; garbage wraps ErrFormat.
func parseDType(s DType) (dtype, error) {
	str := string(s)
	var dt dtype
	if str == "" {
		return dt, fmt.Errorf("%w: empty descr in header", ErrFormat)
	}
	switch str[0] {
	case '<':
		str = str[1:]
	case '>':
		dt.big = true
		str = str[1:]
	case '|', '=':
		// '|' is written for one-byte types, '=' means native; NumPy reads
		// both in the reading machine's order, and so do we.
		dt.big = nativeBig
		str = str[1:]
	default:
		dt.big = nativeBig
	}
	if str == "" {
		return dt, fmt.Errorf("%w: bad descr %q", ErrFormat, string(s))
	}
	kind := str[0]
	size := 0
	if len(str) > 1 {
		v, err := strconv.ParseUint(str[1:], 10, 16)
		if err != nil {
			// Datetimes look like "<M8[ns]"; report them as a dtype, not as garbage.
			if kind == 'M' || kind == 'm' {
				return dt, fmt.Errorf("%w: %q is a datetime/timedelta array; convert with a.astype(np.int64) or a.astype(np.float64)", ErrDType, string(s))
			}
			return dt, fmt.Errorf("%w: bad descr %q", ErrFormat, string(s))
		}
		size = int(v)
	}
	dt.kind, dt.size = kind, size
	switch kind {
	case 'f':
		switch size {
		case 2, 4, 8:
			return dt, nil
		case 10, 12, 16:
			return dt, fmt.Errorf("%w: %q is extended precision (np.longdouble); convert with a.astype(np.float64)", ErrDType, string(s))
		}
	case 'i', 'u':
		switch size {
		case 1, 2, 4, 8:
			return dt, nil
		}
	case 'b':
		if size == 1 {
			return dt, nil
		}
	case 'c':
		return dt, fmt.Errorf("%w: %q is complex; only real arrays are supported (save a.real and a.imag separately)", ErrDType, string(s))
	case 'O':
		return dt, fmt.Errorf("%w: %q is an object array (pickled Python objects); convert with a.astype(np.float64)", ErrDType, string(s))
	case 'U', 'S', 'a':
		return dt, fmt.Errorf("%w: %q is a string array", ErrDType, string(s))
	case 'V':
		return dt, fmt.Errorf("%w: %q is a raw-bytes (void) array", ErrDType, string(s))
	case 'M', 'm':
		return dt, fmt.Errorf("%w: %q is a datetime/timedelta array; convert with a.astype(np.int64) or a.astype(np.float64)", ErrDType, string(s))
	}
	return dt, fmt.Errorf("%w: %q is not a numeric NumPy type this package reads (want f2/f4/f8, i1-i8, u1-u8 or b1)", ErrDType, string(s))
}

// String returns the canonical type string, e.g. "<f8" or "|u1".
func (dt dtype) String() string {
	o := "<"
	switch {
	case dt.size == 1:
		o = "|"
	case dt.big:
		o = ">"
	}
	return o + string(dt.kind) + strconv.Itoa(dt.size)
}

// name is the NumPy name of the type, for messages.
func (dt dtype) name() string {
	switch dt.kind {
	case 'f':
		return "float" + strconv.Itoa(8*dt.size)
	case 'i':
		return "int" + strconv.Itoa(8*dt.size)
	case 'u':
		return "uint" + strconv.Itoa(8*dt.size)
	case 'b':
		return "bool"
	}
	return dt.String()
}

// isInt reports whether the type holds integers (bool counts as 0/1).
func (dt dtype) isInt() bool { return dt.kind == 'i' || dt.kind == 'u' || dt.kind == 'b' }

// writable reports whether the writer can encode this type.
func (dt dtype) writable() bool {
	return (dt.kind == 'f' && (dt.size == 4 || dt.size == 8)) || dt.kind == 'i' || dt.kind == 'u'
}

func (dt dtype) order() binary.ByteOrder {
	if dt.big {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// uintAt reads one element of an integer type as raw bits.
func (dt dtype) uintAt(b []byte) uint64 {
	o := dt.order()
	switch dt.size {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(o.Uint16(b))
	case 4:
		return uint64(o.Uint32(b))
	default:
		return o.Uint64(b)
	}
}

// intAt reads one integer element sign- or zero-extended to 64 bits. For
// uint64 values above MaxInt64 it reports ok=false.
func (dt dtype) intAt(b []byte) (v int64, ok bool) {
	u := dt.uintAt(b)
	switch dt.kind {
	case 'i':
		s := uint(64 - 8*dt.size)
		return int64(u<<s) >> s, true
	case 'b':
		if u != 0 {
			return 1, true
		}
		return 0, true
	default:
		return int64(u), u <= math.MaxInt64
	}
}

// putUint writes the low dt.size bytes of v.
func (dt dtype) putUint(b []byte, v uint64) {
	o := dt.order()
	switch dt.size {
	case 1:
		b[0] = byte(v)
	case 2:
		o.PutUint16(b, uint16(v))
	case 4:
		o.PutUint32(b, uint32(v))
	default:
		o.PutUint64(b, v)
	}
}

// toFloat64 decodes len(dst) elements from src into dst. It returns the
// index of the first element that has no exact float64 value (only possible
// for 64-bit integers beyond 2^53), or -1.
func (dt dtype) toFloat64(dst []float64, src []byte) int {
	o := dt.order()
	switch {
	case dt.kind == 'f' && dt.size == 8:
		if dt.big {
			for i := range dst {
				dst[i] = math.Float64frombits(binary.BigEndian.Uint64(src[8*i:]))
			}
		} else {
			for i := range dst {
				dst[i] = math.Float64frombits(binary.LittleEndian.Uint64(src[8*i:]))
			}
		}
	case dt.kind == 'f' && dt.size == 4:
		// Concrete byte orders: a call through the ByteOrder interface per
		// element costs more than the conversion itself.
		if dt.big {
			for i := range dst {
				dst[i] = float64(math.Float32frombits(binary.BigEndian.Uint32(src[4*i:])))
			}
		} else {
			for i := range dst {
				dst[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:])))
			}
		}
	case dt.kind == 'f' && dt.size == 2:
		for i := range dst {
			dst[i] = halfToFloat64(o.Uint16(src[2*i:]))
		}
	case dt.kind == 'u' && dt.size == 8:
		for i := range dst {
			u := o.Uint64(src[8*i:])
			f := float64(u)
			if f >= 1<<64 || uint64(f) != u {
				return i
			}
			dst[i] = f
		}
	case dt.kind == 'i' && dt.size == 8:
		for i := range dst {
			v := int64(o.Uint64(src[8*i:]))
			f := float64(v)
			if f >= 1<<63 || int64(f) != v {
				return i
			}
			dst[i] = f
		}
	default: // narrower integers and bool: always exact
		for i := range dst {
			v, _ := dt.intAt(src[dt.size*i:])
			dst[i] = float64(v)
		}
	}
	return -1
}

// toInt64 decodes len(dst) integer elements from src into dst. It returns
// the index of the first uint64 above MaxInt64, or -1. dt must be an integer
// or bool type.
func (dt dtype) toInt64(dst []int64, src []byte) int {
	switch {
	case dt.kind == 'i' && dt.size == 8 && !dt.big:
		for i := range dst {
			dst[i] = int64(binary.LittleEndian.Uint64(src[8*i:]))
		}
		return -1
	case dt.kind == 'i' && dt.size == 4 && !dt.big:
		// SciPy's index arrays: the common case after int64.
		for i := range dst {
			dst[i] = int64(int32(binary.LittleEndian.Uint32(src[4*i:])))
		}
		return -1
	}
	for i := range dst {
		v, ok := dt.intAt(src[dt.size*i:])
		if !ok {
			return i
		}
		dst[i] = v
	}
	return -1
}

// toInt32 decodes len(dst) integer elements from src into dst. It returns
// the index of the first value outside the int32 range, or -1. dt must be
// an integer or bool type.
func (dt dtype) toInt32(dst []int32, src []byte) int {
	if dt.kind == 'i' && dt.size == 8 && !dt.big {
		for i := range dst {
			v := int64(binary.LittleEndian.Uint64(src[8*i:]))
			if v != int64(int32(v)) {
				return i
			}
			dst[i] = int32(v)
		}
		return -1
	}
	for i := range dst {
		v, ok := dt.intAt(src[dt.size*i:])
		if !ok || v != int64(int32(v)) {
			return i
		}
		dst[i] = int32(v)
	}
	return -1
}

// fromFloat64 encodes src into dst (len(src)*dt.size bytes). It returns the
// index of the first value the type cannot hold (float32 overflow, a
// non-integral or out-of-range value for an integer type), or -1; float32
// rounds values in its range to nearest.
func (dt dtype) fromFloat64(dst []byte, src []float64) int {
	switch dt.kind {
	case 'f':
		if dt.size == 8 {
			if dt.big {
				for i, v := range src {
					binary.BigEndian.PutUint64(dst[8*i:], math.Float64bits(v))
				}
			} else {
				for i, v := range src {
					binary.LittleEndian.PutUint64(dst[8*i:], math.Float64bits(v))
				}
			}
			return -1
		}
		for i, v := range src {
			f := float32(v)
			if f-f != 0 && v-v == 0 { // finite v rounded to ±Inf
				return i
			}
			if dt.big {
				binary.BigEndian.PutUint32(dst[4*i:], math.Float32bits(f))
			} else {
				binary.LittleEndian.PutUint32(dst[4*i:], math.Float32bits(f))
			}
		}
		return -1
	default:
		lo, hi := dt.floatRange()
		for i, v := range src {
			if !(v >= lo && v < hi) || v != math.Trunc(v) {
				return i
			}
			if dt.kind == 'u' {
				dt.putUint(dst[dt.size*i:], uint64(v))
			} else {
				dt.putUint(dst[dt.size*i:], uint64(int64(v)))
			}
		}
		return -1
	}
}

// floatRange is the half-open interval [lo, hi) of an integer type; both
// ends are powers of two and so exact in float64.
func (dt dtype) floatRange() (lo, hi float64) {
	bits := 8 * dt.size
	if dt.kind == 'u' {
		return 0, math.Ldexp(1, bits)
	}
	return -math.Ldexp(1, bits-1), math.Ldexp(1, bits-1)
}

// fromInt64 encodes src into dst. It returns the index of the first value
// the type cannot hold exactly, or -1.
func (dt dtype) fromInt64(dst []byte, src []int64) int {
	o := dt.order()
	switch dt.kind {
	case 'f':
		for i, v := range src {
			if dt.size == 8 {
				f := float64(v)
				if f >= 1<<63 || int64(f) != v {
					return i
				}
				o.PutUint64(dst[8*i:], math.Float64bits(f))
			} else {
				f := float32(v)
				if f >= 1<<63 || int64(f) != v {
					return i
				}
				o.PutUint32(dst[4*i:], math.Float32bits(f))
			}
		}
		return -1
	case 'u':
		for i, v := range src {
			if v < 0 || (dt.size < 8 && uint64(v) >= 1<<(8*dt.size)) {
				return i
			}
			dt.putUint(dst[dt.size*i:], uint64(v))
		}
		return -1
	default: // 'i'
		bits := 8 * dt.size
		for i, v := range src {
			if dt.size < 8 && (v < -(1<<(bits-1)) || v >= 1<<(bits-1)) {
				return i
			}
			dt.putUint(dst[dt.size*i:], uint64(v))
		}
		return -1
	}
}

// halfToFloat64 converts IEEE 754 binary16 bits to float64 (exactly).
func halfToFloat64(h uint16) float64 {
	exp := int(h>>10) & 0x1f
	frac := float64(h & 0x3ff)
	var v float64
	switch exp {
	case 0: // zero or subnormal: frac·2^-24
		v = math.Ldexp(frac, -24)
	case 0x1f:
		if frac == 0 {
			v = math.Inf(1)
		} else {
			// Keep sign and payload, as NumPy's npy_halfbits_to_doublebits:
			// the 10 fraction bits become the top of the 52.
			return math.Float64frombits(uint64(h&0x8000)<<48 | 0x7ff<<52 | uint64(h&0x3ff)<<42)
		}
	default: // (1024+frac)·2^(exp-25)
		v = math.Ldexp(1024+frac, exp-25)
	}
	if h&0x8000 != 0 {
		v = -v
	}
	return v
}
