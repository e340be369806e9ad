package tensor

import (
	"fmt"
	"slices"

	"github.com/ember-ml/ember/backend"
)

// Grad-fn names of matrix products.
var (
	opDot    = defOp("DotBackward0")
	opMv     = defOp("MvBackward0")
	opMm     = defOp("MmBackward0")
	opMatMul = defOp("BmmBackward0")
)

// MatMul returns the matrix product with torch.matmul's rules: 1-D·1-D is a dot product,
// 2-D·2-D a matrix product, a 1-D operand is treated as a row (left) or column (right) vector
// and that dim is removed from the result, and leading batch dims broadcast.
func (t *Tensor) MatMul(u *Tensor) *Tensor {
	if t.Dim() == 0 || u.Dim() == 0 {
		panic(fmt.Sprintf("matmul: both arguments need at least 1 dimension, got %v and %v", t.layout.Shape, u.layout.Shape))
	}
	sameDevice("matmul", t, u)
	a, b := t.Detach(), u.Detach()
	if a.Dim() == 1 {
		a = a.Unsqueeze(0)
	}
	if b.Dim() == 1 {
		b = b.Unsqueeze(1)
	}
	m, k := a.layout.Shape[a.Dim()-2], a.layout.Shape[a.Dim()-1]
	k2, n := b.layout.Shape[b.Dim()-2], b.layout.Shape[b.Dim()-1]
	if k != k2 {
		panic(fmt.Sprintf("matmul: %v @ %v: inner dimensions %d and %d differ", t.layout.Shape, u.layout.Shape, k, k2))
	}
	batch := mustBroadcast("matmul", a.layout.Shape[:a.Dim()-2], b.layout.Shape[:b.Dim()-2])
	dt := PromoteTypes(a.DType(), b.DType())
	if dt == Bool {
		panic("matmul: not implemented for bool tensors")
	}
	a, b = a.To(dt), b.To(dt)
	as, al := batched(a, batch, m, k)
	bs, bl := batched(b, batch, k, n)
	nb := backend.Numel(batch)
	out := a.zeros(dt, nb*m*n)
	out.be().MatMul(out.storage, as, al, bs, bl)
	shape := append(slices.Clone(batch), m, n)
	if t.Dim() == 1 {
		shape = slices.Delete(shape, len(shape)-2, len(shape)-1)
	}
	if u.Dim() == 1 {
		shape = shape[:len(shape)-1]
	}
	out = out.view(backend.ContiguousLayout(shape))
	name := opMatMul
	switch {
	case t.Dim() == 1 && u.Dim() == 1:
		name = opDot
	case t.Dim() == 2 && u.Dim() == 1:
		name = opMv
	case t.Dim() == 2 && u.Dim() == 2:
		name = opMm
	}
	return record(name, out, []*Tensor{t, u}, func(g *Tensor) []*Tensor {
		// Restore the removed vector dims, then ga = g·bᵀ and gb = aᵀ·g, summed over broadcast
		// batch dims.
		g2 := g.Reshape(append(slices.Clone(batch), m, n)...)
		return []*Tensor{
			gradIf(t, func() *Tensor {
				return sumTo(g2.MatMul(b.Transpose(-1, -2)), a.layout.Shape).Reshape(t.layout.Shape...)
			}),
			gradIf(u, func() *Tensor {
				return sumTo(a.Transpose(-1, -2).MatMul(g2), b.layout.Shape).Reshape(u.layout.Shape...)
			}),
		}
	})
}

// batched returns a storage and [B, r, c] layout of x broadcast to batch+[r, c], copying
// only when the broadcast batch dims cannot be merged into one stride.
func batched(x *Tensor, batch []int, r, c int) (backend.Storage, backend.Layout) {
	full := append(slices.Clone(batch), r, c)
	l := x.expandLayout("matmul", full)
	nb := backend.Numel(batch)
	mat := l.Strides[len(batch):]
	if len(batch) == 0 {
		return x.storage, backend.Layout{Shape: []int{1, r, c}, Strides: []int{0, mat[0], mat[1]}, Offset: l.Offset}
	}
	if st, ok := viewStrides(backend.Layout{Shape: batch, Strides: l.Strides[:len(batch)]}, []int{nb}); ok {
		return x.storage, backend.Layout{Shape: []int{nb, r, c}, Strides: []int{st[0], mat[0], mat[1]}, Offset: l.Offset}
	}
	cp := x.zeros(x.DType(), full...)
	cp.be().Copy(cp.storage, cp.layout, x.storage, l)
	return cp.storage, backend.Layout{Shape: []int{nb, r, c}, Strides: []int{r * c, c, 1}}
}
