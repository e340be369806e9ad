package tensor

import (
	"fmt"
	"math"
	"slices"
)

// Grad-fn names of pairwise distances: PyTorch's direct form and its matrix-product form.
var (
	opCdist         = defOp("CdistBackward0")
	opEuclideanDist = defOp("EuclideanDistBackward0")
)

// cdistMMRows is the row count above which (in x1 or x2) Euclidean distances use the
// matrix-product form, as torch.cdist's default "use_mm_for_euclid_dist_if_necessary".
const cdistMMRows = 25

// Cdist returns the p-norm distances between the rows of x1 [.., P, M] and of x2 [.., R, M]
// as a [.., P, R] tensor whose batch dims are x1's and x2's broadcast, as torch.cdist:
// p = 1 sums absolute differences, p = ∞ (math.Inf(1)) takes the largest, p = 0 counts the
// coordinates that differ, and any other p ≥ 0 gives (Σ|a−b|^p)^(1/p). For p = 2 with more
// than 25 rows in x1 or x2 it computes √max(|a|² + |b|² − 2a·b, 0) with a matrix product,
// like PyTorch: fast, but inexact for points much closer than their norms. Both inputs get
// gradients (PyTorch's, with 0 where a distance is 0; none for p = 0). Inputs must be
// floating, of one dtype.
func Cdist(x1, x2 *Tensor, p float64) *Tensor {
	if x1.Dim() < 2 || x2.Dim() < 2 {
		panic(fmt.Sprintf("cdist: only supports at least 2-D tensors, got shapes %v and %v", x1.layout.Shape, x2.layout.Shape))
	}
	if !x1.DType().IsFloat() || x1.DType() != x2.DType() {
		panic(fmt.Sprintf("cdist: needs two floating tensors of one dtype, got %v and %v", x1.DType(), x2.DType()))
	}
	if !(p >= 0) {
		panic(fmt.Sprintf("cdist: only supports non-negative p values, got %g", p))
	}
	sameDevice("cdist", x1, x2)
	nd1, nd2 := x1.Dim(), x2.Dim()
	pr, m := x1.layout.Shape[nd1-2], x1.layout.Shape[nd1-1]
	r := x2.layout.Shape[nd2-2]
	if x2.layout.Shape[nd2-1] != m {
		panic(fmt.Sprintf("cdist: x1 %v and x2 %v must have the same number of columns", x1.layout.Shape, x2.layout.Shape))
	}
	batch := mustBroadcast("cdist", x1.layout.Shape[:nd1-2], x2.layout.Shape[:nd2-2])
	a := x1.plain().Expand(append(slices.Clone(batch), pr, m)...)
	b := x2.plain().Expand(append(slices.Clone(batch), r, m)...)
	outShape := append(slices.Clone(batch), pr, r)
	unbroadcast := func(ga, gb *Tensor) []*Tensor {
		return []*Tensor{
			gradIf(x1, func() *Tensor { return sumTo(ga, x1.layout.Shape) }),
			gradIf(x2, func() *Tensor { return sumTo(gb, x2.layout.Shape) }),
		}
	}
	if pr*r*m == 0 || emptyBatch(batch) {
		out := x1.zeros(x1.DType(), outShape...)
		return record(opCdist, out, []*Tensor{x1, x2}, func(g *Tensor) []*Tensor {
			return unbroadcast(ZerosLike(a), ZerosLike(b))
		})
	}
	if p == 2 && (pr > cdistMMRows || r > cdistMMRows) {
		out := euclideanMM(a, b)
		return record(opEuclideanDist, out, []*Tensor{x1, x2}, func(g *Tensor) []*Tensor {
			ratio := g.Div(out).MaskedFill(out.EqScalar(0), 0)
			ga := a.Mul(ratio.SumDims([]int{-1}, true)).Sub(ratio.MatMul(b))
			gb := b.Mul(ratio.SumDims([]int{-2}, false).Unsqueeze(-1)).Sub(ratio.Transpose(-1, -2).MatMul(a))
			return unbroadcast(ga, gb)
		})
	}
	as, al := batched(a, batch, pr, m)
	bs, bl := batched(b, batch, r, m)
	out := x1.zeros(x1.DType(), outShape...)
	out.be().Cdist(out.storage, as, al, bs, bl, p)
	return record(opCdist, out, []*Tensor{x1, x2}, func(g *Tensor) []*Tensor {
		if p == 0 {
			return unbroadcast(ZerosLike(a), ZerosLike(b))
		}
		g3 := g.Contiguous().Reshape(-1, pr, r)
		d3 := out.Reshape(-1, pr, r)
		gT, dT := g3.Transpose(1, 2), d3.Transpose(1, 2)
		ga, gb := a.zeros(a.DType(), a.layout.Shape...), b.zeros(b.DType(), b.layout.Shape...)
		if x1.requiresGrad {
			ga.be().CdistBackward(ga.storage, g3.storage, g3.layout, as, al, bs, bl, d3.storage, d3.layout, p)
		}
		if x2.requiresGrad {
			gb.be().CdistBackward(gb.storage, gT.storage, gT.layout, bs, bl, as, al, dT.storage, dT.layout, p)
		}
		return unbroadcast(ga, gb)
	})
}

// emptyBatch reports whether a batch shape holds no matrices.
func emptyBatch(batch []int) bool { return slices.Contains(batch, 0) }

// euclideanMM is PyTorch's _euclidean_dist: one product of [−2a, |a|², 1] and [b, 1, |b|²]ᵀ,
// clamped at 0 before the square root.
func euclideanMM(a, b *Tensor) *Tensor {
	an := a.Mul(a).SumDims([]int{-1}, true)
	bn := b.Mul(b).SumDims([]int{-1}, true)
	a2 := Cat([]*Tensor{a.MulScalar(-2), an, OnesLike(an)}, -1)
	b2 := Cat([]*Tensor{b, OnesLike(bn), bn}, -1)
	sq := a2.MatMul(b2.Transpose(-1, -2))
	// √max(x, 0) in one pass over host memory where it can.
	if h := sq.HostFloat32(); h != nil {
		sqrtClamped(h)
		return sq
	}
	if h := sq.HostFloat64(); h != nil {
		sqrtClamped(h)
		return sq
	}
	return sq.Clamp(0, math.Inf(1)).Sqrt()
}

// sqrtClamped replaces each x by √max(x, 0) (NaN stays NaN).
func sqrtClamped[F float32 | float64](xs []F) {
	for i, x := range xs {
		xs[i] = F(math.Sqrt(float64(max(x, 0))))
	}
}
