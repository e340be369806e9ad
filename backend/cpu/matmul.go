package cpu

import (
	"github.com/ember-ml/ember/backend"
)

// MatMul computes dst[b,i,j] = Σₖ a[b,i,k]·b[b,k,j] with strided operands: float32 and (beyond
// small sizes) float64 through the packed, vectorised GEMM; int64 and small float64 products
// through the reference loop matmulRef.
func (Backend) MatMul(dst backend.Storage, a backend.Storage, aL backend.Layout, b backend.Storage, bL backend.Layout) {
	switch x := a.(type) {
	case *Storage[float32]:
		c := data[float32](dst)
		M, N := aL.Shape[1], bL.Shape[2]
		K := aL.Shape[2]
		for p := range aL.Shape[0] {
			av := matView{x.Data, aL.Offset + p*aL.Strides[0], aL.Strides[1], aL.Strides[2]}
			bv := matView{data[float32](b), bL.Offset + p*bL.Strides[0], bL.Strides[1], bL.Strides[2]}
			if M*N*K <= smallGemm || (N <= 32 && smallKernel != nil) {
				smallMatMul(M, N, K, av, bv, c[p*M*N:(p+1)*M*N])
				continue
			}
			sgemm(M, N, K, av, bv, c, p*M*N, N, false)
		}
	case *Storage[float64]:
		M, N, K := aL.Shape[1], bL.Shape[2], aL.Shape[2]
		if M*N*K <= smallGemm {
			matmulRef(data[float64](dst), x.Data, aL, data[float64](b), bL)
			return
		}
		c := data[float64](dst)
		for p := range aL.Shape[0] {
			av := mat[float64]{x.Data, aL.Offset + p*aL.Strides[0], aL.Strides[1], aL.Strides[2]}
			bv := mat[float64]{data[float64](b), bL.Offset + p*bL.Strides[0], bL.Strides[1], bL.Strides[2]}
			dgemm(M, N, K, av, bv, c, p*M*N, N, false)
		}
	case *Storage[int64]:
		matmulRef(data[int64](dst), x.Data, aL, data[int64](b), bL)
	}
}

// matmulRef is the reference product: the plain triple loop that fast kernels must match.
func matmulRef[T number](c []T, a []T, aL backend.Layout, b []T, bL backend.Layout) {
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
				bo := bL.Offset + p*bs0 + k*bs1
				for j := range N {
					row[j] += av * b[bo+j*bs2]
				}
			}
		}
	}
}

// smallKernel is the vectorised small product (nil where the CPU has none); see smallMatMul.
// When bias is not nil it is added to every row of c, and relu clamps negatives to 0.
var smallKernel func(m, n, k int, a []float32, aoff, ars, acs int, b, c, bias []float32, relu bool)

// smallGemm is the product size (m·n·k) below which packing costs more than it saves.
const smallGemm = 16 * 1024

// smallMatMul computes c = a·b directly for small operands, without packing.
func smallMatMul(m, n, k int, a, b matView, c []float32) {
	smallMatMulEpilogue(m, n, k, a, b, c, nil, false)
}

// smallMatMulEpilogue is smallMatMul that also adds bias (when not nil) to every row of c and
// applies ReLU (when relu is set); the vector kernel does both in registers.
func smallMatMulEpilogue(m, n, k int, a, b matView, c, bias []float32, relu bool) {
	if m == 0 || n == 0 {
		return
	}
	transposedB := b.rs == 1 && b.cs != 1 && a.cs == 1 // x·Wᵀ with row-major x and W
	switch {
	case transposedB && (m <= 4 || smallKernel == nil):
		// Dot products of contiguous rows: at batch size 1 they beat copying Wᵀ for the
		// vector kernel.
		dotRows(m, n, k, a, b, c, bias, relu)
	case smallKernel != nil && k > 0:
		// The vector kernel reads b as contiguous rows; copy a transposed or strided b.
		bs := b.data[b.off:]
		if b.cs != 1 || b.rs != n {
			buf := getScratch[float32](k * n)
			defer putScratch(buf)
			for p := range k {
				for j := range n {
					(*buf)[p*n+j] = b.data[b.off+p*b.rs+j*b.cs]
				}
			}
			bs = *buf
		}
		smallKernel(m, n, k, a.data, a.off, a.rs, a.cs, bs, c, bias, relu)
	default:
		axpyRows(m, n, k, a, b, c)
		if bias != nil || relu {
			for i := range m {
				row := c[i*n : i*n+n]
				for j := range row {
					if bias != nil {
						row[j] += bias[j]
					}
					if relu {
						row[j] = max(row[j], 0)
					}
				}
			}
		}
	}
}

// dotRows computes c[i,j] = Σ_p a[i,p]·b[p,j] (+ bias[j], then ReLU) as dot products, for a
// with contiguous rows and b with contiguous columns.
func dotRows(m, n, k int, a, b matView, c, bias []float32, relu bool) {
	for i := range m {
		arow := a.data[a.off+i*a.rs : a.off+i*a.rs+k]
		row := c[i*n : i*n+n]
		for j := range row {
			brow := b.data[b.off+j*b.cs : b.off+j*b.cs+k]
			var s float32
			for p, v := range arow {
				s += v * brow[p]
			}
			if bias != nil {
				s += bias[j]
			}
			if relu {
				s = max(s, 0)
			}
			row[j] = s
		}
	}
}

// axpyRows computes c = a·b by adding a[i,p]·(row p of b) into row i of c.
func axpyRows(m, n, k int, a, b matView, c []float32) {
	clear(c[:m*n])
	for i := range m {
		row := c[i*n : i*n+n]
		abase := a.off + i*a.rs
		for p := range k {
			av := a.data[abase+p*a.cs]
			bbase := b.off + p*b.rs
			if b.cs == 1 {
				brow := b.data[bbase : bbase+n]
				for j := range row {
					row[j] += av * brow[j]
				}
				continue
			}
			for j := range row {
				row[j] += av * b.data[bbase+j*b.cs]
			}
		}
	}
}

// MatMulBiasAct computes dst = act(a·b + bias) for one [1,M,K]·[1,K,N] product: the fused
// Linear layer. Small float32 products with no activation or ReLU finish bias and activation
// in the vector kernel's registers; everything else runs MatMul, then BiasAct.
func (be Backend) MatMulBiasAct(dst backend.Storage, a backend.Storage, aL backend.Layout, b backend.Storage, bL backend.Layout, bias backend.Storage, act backend.UnaryOp) {
	M, K, N := aL.Shape[1], aL.Shape[2], bL.Shape[2]
	if x, ok := a.(*Storage[float32]); ok && aL.Shape[0] == 1 && K > 0 &&
		(act == backend.Identity || act == backend.ReLU) && (M*N*K <= smallGemm || (N <= 32 && smallKernel != nil)) {
		var bs []float32
		if bias != nil {
			bs = data[float32](bias)
		}
		av := matView{x.Data, aL.Offset, aL.Strides[1], aL.Strides[2]}
		bv := matView{data[float32](b), bL.Offset, bL.Strides[1], bL.Strides[2]}
		smallMatMulEpilogue(M, N, K, av, bv, data[float32](dst)[:M*N], bs, act == backend.ReLU)
		return
	}
	be.MatMul(dst, a, aL, b, bL)
	be.BiasAct(dst, M, N, bias, act)
}
