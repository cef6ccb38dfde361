//go:build !amd64 || purego

package sequence

// sqDistLanes16 is sqDistLanes16Go on machines without the amd64 kernel.
func sqDistLanes16(a, b []float64, s *[16]float64) { sqDistLanes16Go(a, b, s) }
