package npy

import "unsafe"

// rawBytes views the memory of s as bytes (8 or 4 per element), without
// copying. When the file's element type is the host's own 8-byte float or
// integer, the readers and writers move data straight between the file and
// the caller's slice through this view: one copy instead of two plus a
// conversion pass, which is what lets ReadVector keep up with np.load (it
// does the same with readinto). float64 and int64 have no pointers and no
// invalid bit patterns, so any bytes are a valid value.
func rawBytes[T float64 | int64 | int32](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))
}

// isNative8 reports whether dt is the 8-byte type of the given kind in the
// host's byte order, so rawBytes can be used.
func (dt dtype) isNative8(kind byte) bool { return dt.isNative(kind, 8) }

// isNative reports whether dt is the type of the given kind and size in
// the host's byte order.
func (dt dtype) isNative(kind byte, size int) bool {
	return dt.kind == kind && dt.size == size && (size == 1 || dt.big == nativeBig)
}
