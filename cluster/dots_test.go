package cluster

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestArgmin8KernelMatchesGo checks the selected argmin8 kernel against the portable one on
// row counts that are and are not multiples of 8, including more than one chunk, and on
// absent (+Inf) centres.
func TestArgmin8KernelMatchesGo(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, d := range []int{1, 3, 8, 50, 70} {
		for _, rows := range []int{1, 7, 8, 9, 31, lloydChunk + 13} {
			x := make([]float32, rows*d)
			for i := range x {
				x[i] = float32(r.NormFloat64())
			}
			ct := make([]float32, 8*d)
			for i := range ct {
				ct[i] = float32(r.NormFloat64())
			}
			cn := make([]float32, 8)
			for c := range 8 {
				for j := range d {
					cn[c] += ct[j*8+c] * ct[j*8+c]
				}
			}
			cn[7] = float32(math.Inf(1))
			v1, v2 := make([]float32, rows), make([]float32, rows)
			i1, i2 := make([]int, rows), make([]int, rows)
			argmin8(x, d, rows, ct, cn, v1, i1)
			argmin8Go(x, d, rows, ct, cn, v2, i2)
			for i := range rows {
				tol := 1e-4 * float64(max(1, math.Abs(float64(v2[i]))))
				if math.Abs(float64(v1[i]-v2[i])) > tol || i1[i] == 7 {
					t.Fatalf("d=%d rows=%d row %d: kernel (%v, %d), Go (%v, %d)", d, rows, i, v1[i], i1[i], v2[i], i2[i])
				}
				// The indices may differ only between near-equal values (FMA rounding).
				if i1[i] != i2[i] {
					if e := cn[i1[i]] - 2*dot32(x[i*d:(i+1)*d], ct, i1[i]); math.Abs(float64(e-v2[i])) > tol {
						t.Fatalf("d=%d rows=%d row %d: kernel picks %d, Go %d", d, rows, i, i1[i], i2[i])
					}
				}
			}
		}
	}
}

func dot32(x, ct []float32, c int) float32 {
	s := float32(0)
	for j, v := range x {
		s += v * ct[j*8+c]
	}
	return s
}
