package cpu

import (
	"github.com/ember-ml/ember/backend"
)

// MatMul computes dst[b,i,j] = Σₖ a[b,i,k]·b[b,k,j] with strided operands.
// Float32 products accumulate in float32, like a BLAS sgemm.
func (Backend) MatMul(dst backend.Storage, a backend.Storage, aL backend.Layout, b backend.Storage, bL backend.Layout) {
	switch x := a.(type) {
	case *Storage[float32]:
		matmul(data[float32](dst), x.Data, aL, data[float32](b), bL)
	case *Storage[float64]:
		matmul(data[float64](dst), x.Data, aL, data[float64](b), bL)
	case *Storage[int64]:
		matmul(data[int64](dst), x.Data, aL, data[int64](b), bL)
	}
}

func matmul[T number](c []T, a []T, aL backend.Layout, b []T, bL backend.Layout) {
	B, M, K, N := aL.Shape[0], aL.Shape[1], aL.Shape[2], bL.Shape[2]
	as0, as1, as2 := aL.Strides[0], aL.Strides[1], aL.Strides[2]
	bs0, bs1, bs2 := bL.Strides[0], bL.Strides[1], bL.Strides[2]
	for p := range B {
		cb := c[p*M*N : (p+1)*M*N]
		clear(cb)
		for i := range M {
			row := cb[i*N : (i+1)*N]
			for k := range K {
				av := a[aL.Offset+p*as0+i*as1+k*as2]
				if av == 0 {
					continue
				}
				bo := bL.Offset + p*bs0 + k*bs1
				for j := range N {
					row[j] += av * b[bo+j*bs2]
				}
			}
		}
	}
}
