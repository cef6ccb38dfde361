package allocs

import "testing"

var sink []byte

// Least counts at least what f allocates, and about only that.
func TestLeast(t *testing.T) {
	const n = 1 << 20
	got := Least(func() { sink = make([]byte, n) })
	if got < n || got > n+64<<10 {
		t.Errorf("Least of a %d-byte allocation: %d", n, got)
	}
	if got := Least(func() {}); got > 4<<10 {
		t.Errorf("Least of nothing: %d", got)
	}
}
