package tensor

import (
	"fmt"

	"github.com/ember-ml/ember/backend"
)

// opLinear is the fused affine layer (PyTorch shows AddmmBackward0 for it).
var opLinear = defOp("LinearBackward0")

// Activations that Linear can fuse into its output.
const (
	ActNone    = ""
	ActReLU    = "relu"
	ActTanh    = "tanh"
	ActSigmoid = "sigmoid"
)

func actOp(act string) backend.UnaryOp {
	switch act {
	case ActNone:
		return backend.Identity
	case ActReLU:
		return backend.ReLU
	case ActTanh:
		return backend.Tanh
	case ActSigmoid:
		return backend.Sigmoid
	}
	panic(fmt.Sprintf("linear: unsupported fused activation %q (want \"\", relu, tanh or sigmoid)", act))
}

// Linear returns act(x·wᵀ + b) for x [..., in], w [out, in] and b [out] (or nil) in one op:
// one matrix product and one pass for bias and activation forward, and three products and
// one reduction backward. It computes exactly what x.MatMul(w.T()).Add(b) followed by the
// activation computes.
func Linear(x, w, b *Tensor, act string) *Tensor {
	op := actOp(act)
	if w.Dim() != 2 {
		panic(fmt.Sprintf("linear: weight must be 2-D [out, in], got %v", w.layout.Shape))
	}
	out, in := w.layout.Shape[0], w.layout.Shape[1]
	if x.Dim() == 0 || x.layout.Shape[x.Dim()-1] != in {
		panic(fmt.Sprintf("linear: input %v @ weight %v: inner dimensions %d and %d differ", x.layout.Shape, w.layout.Shape, lastDim(x), in))
	}
	if b != nil && (b.Dim() != 1 || b.layout.Shape[0] != out) {
		panic(fmt.Sprintf("linear: bias %v does not match %d output features", b.layout.Shape, out))
	}
	dt, xs, ws, bs := affineOperands("linear", x, w, b)
	rows := x.Numel() / max(in, 1)
	if in == 0 {
		rows = x.Numel()
	}
	x2 := xs.rows2D(rows, in)
	y := x.zeros(dt, rows, out)
	be := y.be()
	// One allocation for both operand layouts: x2 as [1,rows,in], wᵀ as [1,in,out].
	lb := [12]int{1, x2.layout.Shape[0], x2.layout.Shape[1], 0, x2.layout.Strides[0], x2.layout.Strides[1],
		1, in, out, 0, ws.layout.Strides[1], ws.layout.Strides[0]}
	lbs := lb[:]
	xl := backend.Layout{Shape: lbs[0:3:3], Strides: lbs[3:6:6], Offset: x2.layout.Offset}
	wl := backend.Layout{Shape: lbs[6:9:9], Strides: lbs[9:12:12], Offset: ws.layout.Offset}
	var bstore backend.Storage
	if bs != nil {
		bc := bs
		if !bc.IsContiguous() || bc.layout.Offset != 0 {
			bc = bc.Detach().Clone()
		}
		bstore = bc.storage
	}
	be.MatMulBiasAct(y.storage, x2.storage, xl, ws.storage, wl, bstore, op)
	res := y
	if x.Dim() != 2 {
		res = y.view(backend.ContiguousLayout(append(x.Shape()[:x.Dim()-1], out)))
	}
	inputs := []*Tensor{x, w}
	if b != nil {
		inputs = append(inputs, b)
	}
	return record(opLinear, res, inputs, func(g *Tensor) []*Tensor {
		g2 := g.rows2D(rows, out)
		switch act {
		case ActReLU:
			masked := g.zeros(dt, rows, out)
			be.Binary(backend.ReLUGrad, masked.storage, g2.storage, g2.layout, y.storage, y.layout)
			g2 = masked
		case ActTanh:
			g2 = g2.Mul(y.Mul(y).RSubScalar(1))
		case ActSigmoid:
			g2 = g2.Mul(y.Mul(y.RSubScalar(1)))
		}
		grads := make([]*Tensor, len(inputs))
		if x.requiresGrad {
			grads[0] = mm(g2, ws, false, false).reshapeTo(x.layout.Shape)
		}
		if w.requiresGrad {
			grads[1] = mm(g2, x2, true, false)
		}
		if b != nil && b.requiresGrad {
			gb := g.zeros(dt, out)
			be.Reduce(backend.Sum, gb.storage, g2.storage, g2.layout, dim0)
			grads[2] = gb
		}
		return grads
	})
}

// affineOperands promotes an affine op's input, weight and bias (or nil) to their common float
// dtype, returning the dtype and the converted tensors (the originals where nothing changes;
// the conversions carry no history — the op's own backward routes gradients to the originals).
func affineOperands(op string, x, w, b *Tensor) (DType, *Tensor, *Tensor, *Tensor) {
	dt := PromoteTypes(x.DType(), w.DType())
	if b != nil {
		dt = PromoteTypes(dt, b.DType())
	}
	if !dt.IsFloat() {
		panic(fmt.Sprintf("%s: needs floating-point tensors, got %v", op, dt))
	}
	sameDevice(op, x, w)
	xs, ws, bs := x, w, b
	if x.DType() != dt || w.DType() != dt || (b != nil && b.DType() != dt) {
		xs, ws = x.plain().To(dt), w.plain().To(dt)
		if b != nil {
			bs = b.plain().To(dt)
		}
	}
	return dt, xs, ws, bs
}

func lastDim(x *Tensor) int {
	if x.Dim() == 0 {
		return 0
	}
	return x.layout.Shape[x.Dim()-1]
}

// dim0 lists dimension 0, for reductions over rows (read-only).
var dim0 = []int{0}

// rows2D returns t viewed (or copied) as a [rows, cols] matrix for kernels: t itself when it
// is already 2-D (callers use only its storage and layout, never its history).
func (t *Tensor) rows2D(rows, cols int) *Tensor {
	if t.Dim() == 2 {
		return t
	}
	shape := []int{rows, cols}
	if st, ok := viewStrides(t.layout, shape); ok {
		return t.view(backend.Layout{Shape: shape, Strides: st, Offset: t.layout.Offset})
	}
	c := t.zeros(t.DType(), t.layout.Shape...)
	c.be().Copy(c.storage, c.layout, t.storage, t.layout)
	return c.view(backend.ContiguousLayout(shape))
}

// reshapeTo views a contiguous result with shape (no history).
func (t *Tensor) reshapeTo(shape []int) *Tensor {
	if sameShape(t.layout.Shape, shape) {
		return t
	}
	return t.view(backend.ContiguousLayout(append([]int{}, shape...)))
}

// mm multiplies two matrices (optionally transposed) without autograd history.
func mm(a, b *Tensor, ta, tb bool) *Tensor {
	buf := [12]int{1, a.layout.Shape[0], a.layout.Shape[1], 0, a.layout.Strides[0], a.layout.Strides[1],
		1, b.layout.Shape[0], b.layout.Shape[1], 0, b.layout.Strides[0], b.layout.Strides[1]}
	bs := buf[:] // one allocation for both layouts
	al := backend.Layout{Shape: bs[0:3:3], Strides: bs[3:6:6], Offset: a.layout.Offset}
	bl := backend.Layout{Shape: bs[6:9:9], Strides: bs[9:12:12], Offset: b.layout.Offset}
	if ta {
		al.Shape[1], al.Shape[2] = al.Shape[2], al.Shape[1]
		al.Strides[1], al.Strides[2] = al.Strides[2], al.Strides[1]
	}
	if tb {
		bl.Shape[1], bl.Shape[2] = bl.Shape[2], bl.Shape[1]
		bl.Strides[1], bl.Strides[2] = bl.Strides[2], bl.Strides[1]
	}
	out := a.zeros(a.DType(), al.Shape[1], bl.Shape[2])
	out.be().MatMul(out.storage, a.storage, al, b.storage, bl)
	return out
}
