//go:build !amd64 || purego

package sparse

// useFMA is false: without the amd64 assembly the product runs mulRowsGo.
const useFMA = false

// mulRowsFMA is mulRowsGo where there is no assembly kernel.
func mulRowsFMA(ip []int, ind []int32, val []float64, x []float64, d []float64) {
	mulRowsGo(ip, ind, val, x, d)
}
