package benchutil

import "testing"

// Interleaved calls every function once to warm up and once per round, in
// order within each round, and fs[0]'s ratio to itself is exactly 1.
func TestInterleavedCallsInRounds(t *testing.T) {
	var calls []int
	f := func(i int) func() { return func() { calls = append(calls, i) } }
	med, ratio := Interleaved(3, f(0), f(1), f(2))
	want := []int{0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}
	if len(calls) != len(want) {
		t.Fatalf("calls %v, want %v", calls, want)
	}
	for i := range want {
		if calls[i] != want[i] {
			t.Fatalf("calls %v, want %v", calls, want)
		}
	}
	if len(med) != 3 || len(ratio) != 3 || ratio[0] != 1 {
		t.Fatalf("median %v, ratio %v: want 3 each and ratio[0] = 1", med, ratio)
	}
	for i, m := range med {
		if !(m >= 0) {
			t.Fatalf("median[%d] = %v", i, m)
		}
	}
}

// NewTriad counts 24 bytes per whole element of the footprint, and the
// bandwidth TriadGBs derives from it is a positive, finite number.
func TestNewTriad(t *testing.T) {
	for _, tc := range []struct{ footprint, want int64 }{{24 * 1000, 24 * 1000}, {24*1000 + 23, 24 * 1000}, {10, 0}} {
		run, bytes := NewTriad(tc.footprint)
		if bytes != tc.want {
			t.Fatalf("footprint %d: bytes = %d, want %d", tc.footprint, bytes, tc.want)
		}
		run()
	}
	if gbs := TriadGBs(24*4096, 3); !(gbs > 0) || gbs > 1e6 {
		t.Fatalf("TriadGBs = %v", gbs)
	}
}
