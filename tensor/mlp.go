package tensor

import (
	"sync"

	"github.com/ember-ml/ember/backend"
)

// opMLP is a chain of affine layers run as one op.
var opMLP = defOp("MLPBackward0")

// DenseLayer is one affine layer of an MLP chain: act(x·Wᵀ + B) with W [out, in] and B [out]
// (or nil); Act is ActNone or ActReLU.
type DenseLayer struct {
	W, B *Tensor
	Act  string
}

// MLPCache keeps MLP's intermediate buffers between calls. The zero value is ready to use;
// it is safe for concurrent use.
type MLPCache struct{ pool sync.Pool }

// mlpScratch is one call's worth of buffers and layouts, reused once the call's graph is
// freed (or at once without autograd).
type mlpScratch struct {
	dtype DType
	rows  int
	dims  []int             // in, out₀, out₁, …
	acts  []backend.Storage // output of every layer but the last (rows × outᵢ)
	grads []backend.Storage // gradient of every layer's output (rows × outᵢ)
	// Layouts, rebuilt in place on every call: a, the input of layer i as [1, rows, in];
	// w, Wᵢᵀ as [1, in, out]; wn, Wᵢ as [1, out, in]; gt, the output gradient transposed as
	// [1, out, rows]; g, the output gradient as [1, rows, out]; m, the output as [rows, out].
	a, w, wn, gt, g, m []backend.Layout
	ints               []int // backs every layout's shape and strides
}

// MLP computes the chain of layers on x [rows, in] exactly as the chain of Linear calls
// does (same kernels, same order), as one op: the activations between layers live in buffers
// that cache hands out again after the backward pass, so a training step of a small network
// allocates only its output and the gradients it returns. Inputs that the fast path does not
// cover (mixed dtypes, other activations, non-2-D input) run as the chain of Linear calls.
func MLP(x *Tensor, layers []DenseLayer, cache *MLPCache) *Tensor {
	if !mlpFits(x, layers) {
		for _, l := range layers {
			x = Linear(x, l.W, l.B, l.Act)
		}
		return x
	}
	rows := x.layout.Shape[0]
	be := x.be()
	s := cache.get(be, x.DType(), rows, layers)
	s.refresh(x, layers)
	last := len(layers) - 1
	y := x.zeros(x.DType(), rows, layers[last].W.layout.Shape[0])
	in, inL := x.storage, s.a[0]
	for i, l := range layers {
		dst := y.storage
		if i < last {
			dst = s.acts[i]
		}
		be.MatMulBiasAct(dst, in, inL, l.W.storage, s.w[i], biasStorage(l.B), actOp(l.Act))
		if i < last {
			in, inL = dst, s.a[i+1]
		}
	}
	if !GradEnabled() {
		cache.pool.Put(s)
		return y
	}
	inputs := make([]*Tensor, 0, 1+2*len(layers))
	inputs = append(inputs, x)
	for _, l := range layers {
		inputs = append(inputs, l.W)
		if l.B != nil {
			inputs = append(inputs, l.B)
		}
	}
	out := record(opMLP, y, inputs, func(g *Tensor) []*Tensor { return mlpBackward(s, x, y, layers, dense(g), len(inputs)) })
	if out.node == nil {
		cache.pool.Put(s)
		return out
	}
	out.node.onFree = func() { cache.pool.Put(s) }
	return out
}

// mlpFits reports whether MLP's fused path covers x and layers.
func mlpFits(x *Tensor, layers []DenseLayer) bool {
	if len(layers) == 0 || x.Dim() != 2 || !x.DType().IsFloat() || x.layout.Shape[0] == 0 {
		return false
	}
	in := x.layout.Shape[1]
	for _, l := range layers {
		if (l.Act != ActNone && l.Act != ActReLU) || l.W.Dim() != 2 || l.W.DType() != x.DType() || l.W.bk != x.bk ||
			l.W.layout.Shape[1] != in || l.W.layout.Shape[0] == 0 || in == 0 {
			return false
		}
		if l.B != nil && (l.B.Dim() != 1 || l.B.layout.Shape[0] != l.W.layout.Shape[0] || l.B.DType() != x.DType() ||
			!l.B.IsContiguous() || l.B.layout.Offset != 0 || l.B.bk != x.bk) {
			return false
		}
		in = l.W.layout.Shape[0]
	}
	return true
}

func biasStorage(b *Tensor) backend.Storage {
	if b == nil {
		return nil
	}
	return b.storage
}

// get returns buffers for this call: pooled ones when their shapes match, else new ones.
func (c *MLPCache) get(be backend.Backend, dt DType, rows int, layers []DenseLayer) *mlpScratch {
	if s, ok := c.pool.Get().(*mlpScratch); ok && s.fits(dt, rows, layers) {
		return s
	}
	n := len(layers)
	s := &mlpScratch{dtype: dt, rows: rows, dims: make([]int, n+1)}
	s.dims[0] = layers[0].W.layout.Shape[1]
	for i, l := range layers {
		out := l.W.layout.Shape[0]
		s.dims[i+1] = out
		if i < n-1 {
			s.acts = append(s.acts, be.Alloc(dt, rows*out))
		}
		s.grads = append(s.grads, be.Alloc(dt, rows*out))
	}
	s.ints = make([]int, 6*n*6)
	for _, ls := range []*[]backend.Layout{&s.a, &s.w, &s.wn, &s.gt, &s.g, &s.m} {
		*ls = make([]backend.Layout, n)
	}
	k := 0
	take := func(l *backend.Layout, dims int) {
		l.Shape, l.Strides = s.ints[k:k+dims:k+dims], s.ints[k+dims:k+2*dims:k+2*dims]
		k += 2 * dims
	}
	for i := range n {
		take(&s.a[i], 3)
		take(&s.w[i], 3)
		take(&s.wn[i], 3)
		take(&s.gt[i], 3)
		take(&s.g[i], 3)
		take(&s.m[i], 2)
	}
	return s
}

func (s *mlpScratch) fits(dt DType, rows int, layers []DenseLayer) bool {
	if s.dtype != dt || s.rows != rows || len(s.dims) != len(layers)+1 || s.dims[0] != layers[0].W.layout.Shape[1] {
		return false
	}
	for i, l := range layers {
		if s.dims[i+1] != l.W.layout.Shape[0] {
			return false
		}
	}
	return true
}

// refresh writes this call's layouts (x's and the weights' strides may change between calls).
func (s *mlpScratch) refresh(x *Tensor, layers []DenseLayer) {
	set := func(l *backend.Layout, off int, v ...int) {
		d := len(v) / 2
		copy(l.Shape, v[:d])
		copy(l.Strides, v[d:])
		l.Offset = off
	}
	r := s.rows
	for i, l := range layers {
		in, out := s.dims[i], s.dims[i+1]
		if i == 0 {
			set(&s.a[0], x.layout.Offset, 1, r, in, 0, x.layout.Strides[0], x.layout.Strides[1])
		} else {
			set(&s.a[i], 0, 1, r, in, 0, in, 1)
		}
		ws := l.W.layout.Strides
		set(&s.w[i], l.W.layout.Offset, 1, in, out, 0, ws[1], ws[0])
		set(&s.wn[i], l.W.layout.Offset, 1, out, in, 0, ws[0], ws[1])
		set(&s.gt[i], 0, 1, out, r, 0, 1, out)
		set(&s.g[i], 0, 1, r, out, 0, out, 1)
		set(&s.m[i], 0, r, out, out, 1)
	}
}

// mlpBackward maps the gradient of MLP's output to the gradients of x and every parameter,
// with the kernels and layouts Linear's backward uses.
func mlpBackward(s *mlpScratch, x, y *Tensor, layers []DenseLayer, g *Tensor, nInputs int) []*Tensor {
	be := y.be()
	grads := make([]*Tensor, nInputs)
	// Parameter gradients sit after x in input order: W₀, B₀ (if any), W₁, …; pos walks
	// them from the end.
	pos := nInputs
	last := len(layers) - 1
	gs, gL := g.storage, g.layout // gradient of layer i's output
	for i := last; i >= 0; i-- {
		l := layers[i]
		out := s.dims[i+1]
		pos--
		if l.B != nil {
			pos--
		}
		if l.Act == ActReLU {
			ys, yL := y.storage, y.layout
			if i < last {
				ys, yL = s.acts[i], s.m[i]
			}
			be.Binary(backend.ReLUGrad, s.grads[i], gs, gL, ys, yL)
			gs, gL = s.grads[i], s.m[i]
		}
		// gs is now dense at offset 0: the incoming gradient, or a buffer.
		gT, gN := s.gt[i], s.g[i]
		in, inL := x.storage, s.a[0]
		if i > 0 {
			in, inL = s.acts[i-1], s.a[i]
		}
		if l.W.requiresGrad {
			dw := y.zeros(s.dtype, out, s.dims[i])
			be.MatMul(dw.storage, gs, gT, in, inL)
			grads[pos] = dw
		}
		if l.B != nil && l.B.requiresGrad {
			db := y.zeros(s.dtype, out)
			be.Reduce(backend.Sum, db.storage, gs, gL, dim0)
			grads[pos+1] = db
		}
		switch {
		case i > 0:
			be.MatMul(s.grads[i-1], gs, gN, l.W.storage, s.wn[i])
			gs, gL = s.grads[i-1], s.m[i-1]
		case x.requiresGrad:
			dx := y.zeros(s.dtype, s.rows, s.dims[0])
			be.MatMul(dx.storage, gs, gN, l.W.storage, s.wn[i])
			grads[0] = dx
		}
	}
	return grads
}
