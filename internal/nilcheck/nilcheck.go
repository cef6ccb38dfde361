// Package nilcheck tells a nil interface value from a usable one, for the
// misuse checks of exported functions: an interface holding a nil pointer
// (a (*mat.Dense)(nil), the *Darcy of a failed constructor, a nil
// *krylov.GCRODR) is not == nil, yet any method call on it fails later
// with a runtime error — in a worker goroutine, one that kills the
// process.
package nilcheck

import "reflect"

// IsNil reports whether v is nil or holds a nil pointer. Cost: one
// reflect.ValueOf, no allocation for pointer values.
func IsNil(v any) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	return r.Kind() == reflect.Pointer && r.IsNil()
}
