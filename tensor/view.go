package tensor

import (
	"fmt"
	"slices"

	"github.com/ember-ml/ember/backend"
)

// Grad-fn names of view ops.
var (
	opView      = defOp("ViewBackward0")
	opTranspose = defOp("TransposeBackward0")
	opPermute   = defOp("PermuteBackward0")
	opSlice     = defOp("SliceBackward0")
	opSelect    = defOp("SelectBackward0")
	opSqueeze   = defOp("SqueezeBackward0")
	opUnsqueeze = defOp("UnsqueezeBackward0")
	opExpand    = defOp("ExpandBackward0")
	opClone     = defOp("CloneBackward0")
	opToCopy    = defOp("ToCopyBackward0")
)

// BroadcastShapes returns the shape that a and b broadcast to under NumPy's rules, or an
// error naming both shapes.
func BroadcastShapes(a, b []int) ([]int, error) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := range n {
		da, db := 1, 1
		if k := len(a) - n + i; k >= 0 {
			da = a[k]
		}
		if k := len(b) - n + i; k >= 0 {
			db = b[k]
		}
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, fmt.Errorf("shapes %v and %v are not broadcastable: dimension %d is %d and %d", a, b, i, da, db)
		}
	}
	return out, nil
}

func mustBroadcast(op string, a, b []int) []int {
	s, err := BroadcastShapes(a, b)
	if err != nil {
		panic(op + ": " + err.Error())
	}
	return s
}

// expandLayout returns t's layout broadcast to shape (stride 0 on new or size-1 dims).
func (t *Tensor) expandLayout(op string, shape []int) backend.Layout {
	nd := len(shape)
	if len(t.layout.Shape) > nd {
		panic(fmt.Sprintf("%s: cannot expand shape %v to %v", op, t.layout.Shape, shape))
	}
	st := make([]int, nd)
	off := nd - len(t.layout.Shape)
	for i := range nd {
		if i < off {
			continue
		}
		d := t.layout.Shape[i-off]
		switch {
		case d == shape[i]:
			st[i] = t.layout.Strides[i-off]
		case d == 1:
			st[i] = 0
		default:
			panic(fmt.Sprintf("%s: cannot expand shape %v to %v: dimension %d is %d, not 1 or %d", op, t.layout.Shape, shape, i, d, shape[i]))
		}
	}
	return backend.Layout{Shape: append([]int{}, shape...), Strides: st, Offset: t.layout.Offset}
}

// Expand returns a view of t broadcast to shape; -1 keeps a dimension. Its gradient is a sum.
func (t *Tensor) Expand(shape ...int) *Tensor {
	shape = slices.Clone(shape)
	off := len(shape) - t.Dim()
	for i, d := range shape {
		if d == -1 {
			if i < off {
				panic(fmt.Sprintf("expand: -1 is not allowed in a new leading dimension (shape %v to %v)", t.layout.Shape, shape))
			}
			shape[i] = t.layout.Shape[i-off]
		}
	}
	if sameShape(shape, t.layout.Shape) {
		return t
	}
	out := t.view(t.expandLayout("expand", shape))
	in := t.layout.Shape
	return record(opExpand, out, []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{sumTo(g, in)} })
}

// BroadcastTo is Expand without -1 placeholders, like torch.broadcast_to.
func (t *Tensor) BroadcastTo(shape ...int) *Tensor { return t.Expand(shape...) }

// sumTo reduces g, a gradient of a broadcast result, to shape by summing the broadcast dims.
func sumTo(g *Tensor, shape []int) *Tensor {
	if sameShape(g.layout.Shape, shape) {
		return g
	}
	lead := g.Dim() - len(shape)
	var dims []int
	for i := range g.Dim() {
		if i < lead || (shape[i-lead] == 1 && g.layout.Shape[i] != 1) {
			dims = append(dims, i)
		}
	}
	s := g.SumDims(dims, true)
	return s.Reshape(shape...)
}

// inferShape resolves one -1 in shape against n elements.
func inferShape(op string, shape []int, n int, from []int) []int {
	shape = slices.Clone(shape)
	neg, prod := -1, 1
	for i, d := range shape {
		switch {
		case d == -1 && neg < 0:
			neg = i
		case d == -1:
			panic(fmt.Sprintf("%s: only one dimension can be inferred (shape %v)", op, shape))
		case d < 0:
			panic(fmt.Sprintf("%s: invalid shape dimension %d in %v", op, d, shape))
		default:
			prod *= d
		}
	}
	if neg >= 0 {
		if prod == 0 || n%prod != 0 {
			panic(fmt.Sprintf("%s: shape %v is invalid for input of size %d (from %v)", op, shape, n, from))
		}
		shape[neg] = n / prod
		prod = n
	}
	if prod != n {
		panic(fmt.Sprintf("%s: shape %v is invalid for input of size %d (from %v)", op, shape, n, from))
	}
	return shape
}

// viewStrides computes strides that let a tensor with layout l be seen with newShape without
// copying, following PyTorch's rule; ok is false when no such strides exist.
func viewStrides(l backend.Layout, newShape []int) (strides []int, ok bool) {
	old, oldSt := l.Shape, l.Strides
	if backend.Numel(old) == 0 || len(old) == 0 {
		return backend.ContiguousStrides(newShape), true
	}
	strides = make([]int, len(newShape))
	viewD := len(newShape) - 1
	chunkBase := oldSt[len(old)-1]
	tensorNumel, viewNumel := 1, 1
	for d := len(old) - 1; d >= 0; d-- {
		tensorNumel *= old[d]
		if d == 0 || (old[d-1] != 1 && oldSt[d-1] != tensorNumel*chunkBase) {
			for viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1) {
				strides[viewD] = viewNumel * chunkBase
				viewNumel *= newShape[viewD]
				viewD--
			}
			if viewNumel != tensorNumel {
				return nil, false
			}
			if d > 0 {
				chunkBase = oldSt[d-1]
				tensorNumel, viewNumel = 1, 1
			}
		}
	}
	if viewD != -1 {
		return nil, false
	}
	return strides, true
}

// View returns a tensor with the same storage and a new shape (one dimension may be -1).
// It panics when the layout cannot be viewed that way; Reshape copies instead.
func (t *Tensor) View(shape ...int) *Tensor {
	shape = inferShape("view", shape, t.Numel(), t.layout.Shape)
	st, ok := viewStrides(t.layout, shape)
	if !ok {
		panic(fmt.Sprintf("view: size %v is not compatible with input tensor's size %v and stride %v (at least one dimension spans across two contiguous subspaces); use Reshape", shape, t.layout.Shape, t.layout.Strides))
	}
	out := t.view(backend.Layout{Shape: shape, Strides: st, Offset: t.layout.Offset})
	in := t.layout.Shape
	return record(opView, out, []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{g.Reshape(in...)} })
}

// Reshape returns a view with the new shape when possible and a copy otherwise.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	shape = inferShape("reshape", shape, t.Numel(), t.layout.Shape)
	if sameShape(shape, t.layout.Shape) {
		return t
	}
	if _, ok := viewStrides(t.layout, shape); ok {
		return t.View(shape...)
	}
	return t.Clone().View(shape...)
}

// Flatten merges dims start…end (inclusive; negatives count from the end) into one.
func (t *Tensor) Flatten(start, end int) *Tensor {
	if t.Dim() == 0 {
		return t.Reshape(1)
	}
	start, end = t.normDim("flatten", start), t.normDim("flatten", end)
	if start > end {
		panic(fmt.Sprintf("flatten: start dim %d is after end dim %d", start, end))
	}
	shape := slices.Clone(t.layout.Shape[:start])
	shape = append(shape, backend.Numel(t.layout.Shape[start:end+1]))
	shape = append(shape, t.layout.Shape[end+1:]...)
	return t.Reshape(shape...)
}

// Permute returns a view with the dimensions reordered: output dim i is input dim dims[i].
func (t *Tensor) Permute(dims ...int) *Tensor {
	if len(dims) != t.Dim() {
		panic(fmt.Sprintf("permute: %d dims given for tensor of shape %v", len(dims), t.layout.Shape))
	}
	seen := make([]bool, t.Dim())
	inv := make([]int, t.Dim())
	l := backend.Layout{Shape: make([]int, t.Dim()), Strides: make([]int, t.Dim()), Offset: t.layout.Offset}
	for i, d := range dims {
		d = t.normDim("permute", d)
		if seen[d] {
			panic(fmt.Sprintf("permute: repeated dim %d in %v", d, dims))
		}
		seen[d] = true
		inv[d] = i
		l.Shape[i], l.Strides[i] = t.layout.Shape[d], t.layout.Strides[d]
	}
	return record(opPermute, t.view(l), []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{g.Permute(inv...)} })
}

// Transpose swaps two dimensions (a view).
func (t *Tensor) Transpose(d0, d1 int) *Tensor {
	if t.Dim() == 0 {
		return t
	}
	d0, d1 = t.normDim("transpose", d0), t.normDim("transpose", d1)
	l := t.Layout()
	l.Shape[d0], l.Shape[d1] = l.Shape[d1], l.Shape[d0]
	l.Strides[d0], l.Strides[d1] = l.Strides[d1], l.Strides[d0]
	return record(opTranspose, t.view(l), []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{g.Transpose(d0, d1)} })
}

// T transposes a tensor of at most 2 dimensions, like tensor.T for matrices.
func (t *Tensor) T() *Tensor {
	if t.Dim() > 2 {
		panic(fmt.Sprintf("t: expects a tensor with <= 2 dimensions, got shape %v", t.layout.Shape))
	}
	if t.Dim() < 2 {
		return t
	}
	return t.Transpose(0, 1)
}

// Slice returns a view of dim restricted to start:end:step with Python's rules (negative
// indices count from the end; out-of-range bounds are clamped). step must be positive.
func (t *Tensor) Slice(dim, start, end, step int) *Tensor {
	dim = t.normDim("slice", dim)
	if step <= 0 {
		panic(fmt.Sprintf("slice: step must be positive, got %d", step))
	}
	n := t.layout.Shape[dim]
	clampIdx := func(i int) int {
		if i < 0 {
			i += n
		}
		return max(0, min(i, n))
	}
	start, end = clampIdx(start), clampIdx(end)
	if end < start {
		end = start
	}
	l := t.Layout()
	l.Shape[dim] = (end - start + step - 1) / step
	l.Offset += start * l.Strides[dim]
	l.Strides[dim] *= step
	in := t.layout
	return record(opSlice, t.view(l), []*Tensor{t}, func(g *Tensor) []*Tensor {
		return []*Tensor{scatterView(g, in.Shape, func(z *Tensor) *Tensor { return z.Slice(dim, start, end, step) })}
	})
}

// Narrow returns a view of length elements of dim starting at start.
func (t *Tensor) Narrow(dim, start, length int) *Tensor {
	d := t.normDim("narrow", dim)
	if start < 0 {
		start += t.layout.Shape[d]
	}
	if start < 0 || length < 0 || start+length > t.layout.Shape[d] {
		panic(fmt.Sprintf("narrow: start %d + length %d exceeds dimension %d of size %d (shape %v)", start, length, d, t.layout.Shape[d], t.layout.Shape))
	}
	return t.Slice(d, start, start+length, 1)
}

// Select returns the view at index along dim, removing that dim (t[..., index, ...]).
func (t *Tensor) Select(dim, index int) *Tensor {
	if t.Dim() == 0 {
		panic("select: cannot select from a 0-d tensor")
	}
	dim = t.normDim("select", dim)
	n := t.layout.Shape[dim]
	if index < -n || index >= n {
		panic(fmt.Sprintf("select: index %d is out of bounds for dimension %d with size %d (shape %v)", index, dim, n, t.layout.Shape))
	}
	if index < 0 {
		index += n
	}
	l := backend.Layout{
		Shape:   slices.Delete(t.Shape(), dim, dim+1),
		Strides: slices.Delete(t.Strides(), dim, dim+1),
		Offset:  t.layout.Offset + index*t.layout.Strides[dim],
	}
	in := t.layout.Shape
	return record(opSelect, t.view(l), []*Tensor{t}, func(g *Tensor) []*Tensor {
		return []*Tensor{scatterView(g, in, func(z *Tensor) *Tensor { return z.Select(dim, index) })}
	})
}

// Index returns t[i] (Select on dim 0).
func (t *Tensor) Index(i int) *Tensor { return t.Select(0, i) }

// scatterView returns zeros of shape with g written into the view that sel picks.
func scatterView(g *Tensor, shape []int, sel func(*Tensor) *Tensor) *Tensor {
	z := g.zeros(g.DType(), shape...)
	v := sel(z)
	z.be().Copy(v.storage, v.layout, g.storage, g.layout)
	return z
}

// Squeeze removes the given dims of size 1 (all size-1 dims when none are given).
// A named dim whose size is not 1 is left alone, as in PyTorch.
func (t *Tensor) Squeeze(dims ...int) *Tensor {
	drop := make([]bool, t.Dim())
	if len(dims) == 0 {
		for i, d := range t.layout.Shape {
			drop[i] = d == 1
		}
	}
	for _, d := range dims {
		if t.Dim() == 0 {
			continue
		}
		d = t.normDim("squeeze", d)
		drop[d] = t.layout.Shape[d] == 1
	}
	l := backend.Layout{Offset: t.layout.Offset, Shape: []int{}, Strides: []int{}}
	for i := range t.Dim() {
		if !drop[i] {
			l.Shape = append(l.Shape, t.layout.Shape[i])
			l.Strides = append(l.Strides, t.layout.Strides[i])
		}
	}
	if len(l.Shape) == t.Dim() {
		return t
	}
	in := t.layout.Shape
	return record(opSqueeze, t.view(l), []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{g.Reshape(in...)} })
}

// Unsqueeze inserts a dim of size 1 at position dim (negative dims count from the end of the
// result).
func (t *Tensor) Unsqueeze(dim int) *Tensor {
	dim = normDim("unsqueeze", dim, t.Dim()+1, t.layout.Shape)
	st := 1
	if dim < t.Dim() {
		st = t.layout.Strides[dim] * t.layout.Shape[dim]
	}
	l := backend.Layout{
		Shape:   slices.Insert(t.Shape(), dim, 1),
		Strides: slices.Insert(t.Strides(), dim, st),
		Offset:  t.layout.Offset,
	}
	in := t.layout.Shape
	return record(opUnsqueeze, t.view(l), []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{g.Reshape(in...)} })
}
