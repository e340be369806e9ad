package tensor

import (
	"fmt"
	"slices"

	"github.com/ember-ml/ember/backend"
)

// Grad-fn names of indexing and joining ops.
var (
	opGather      = defOp("GatherBackward0")
	opScatterAdd  = defOp("ScatterAddBackward0")
	opIndexSelect = defOp("IndexSelectBackward0")
	opCat         = defOp("CatBackward0")
	opPad         = defOp("ConstantPadNdBackward0")
	opCumsum      = defOp("CumsumBackward0")
)

// checkIndex panics unless index is int64 with every value in [0, n).
func checkIndex(op string, index *Tensor, n int) {
	if index.DType() != Int64 {
		panic(fmt.Sprintf("%s: index must be int64, got %v", op, index.DType()))
	}
	if backend.IsAbstract(index.bk) {
		return // no values to check on the meta device
	}
	for _, v := range index.Int64s() {
		if v < 0 || v >= int64(n) {
			panic(fmt.Sprintf("%s: index %d is out of bounds for dimension with size %d", op, v, n))
		}
	}
}

// Gather returns out[i][j][k] = t[index[i][j][k]][j][k] for dim 0 (and likewise for other
// dims); index has t's number of dims and is no larger than t outside dim.
func (t *Tensor) Gather(dim int, index *Tensor) *Tensor {
	return t.gather(dim, index, true)
}

// gather is Gather with the index check optional, for callers that checked a smaller index.
func (t *Tensor) gather(dim int, index *Tensor, check bool) *Tensor {
	dim = t.normDim("gather", dim)
	if index.Dim() != t.Dim() && !(t.Dim() == 0 && index.Dim() <= 1) {
		panic(fmt.Sprintf("gather: index %v and input %v must have the same number of dimensions", index.layout.Shape, t.layout.Shape))
	}
	for i := range index.Dim() {
		if i != dim && index.layout.Shape[i] > t.layout.Shape[i] {
			panic(fmt.Sprintf("gather: size of index %v does not fit input %v at dimension %d", index.layout.Shape, t.layout.Shape, i))
		}
	}
	src := t
	if t.Dim() == 0 {
		src = t.view(backend.Layout{Shape: []int{1}, Strides: []int{1}, Offset: t.layout.Offset})
	}
	if check {
		checkIndex("gather", index, src.layout.Shape[dim])
	}
	out := t.zeros(t.DType(), index.layout.Shape...)
	idxL := index.layout
	out.be().Gather(out.storage, src.storage, src.layout, index.storage, idxL, dim)
	return record(opGather, out, []*Tensor{t}, func(g *Tensor) []*Tensor {
		return []*Tensor{ZerosLike(t).ScatterAdd(dim, index, g)}
	})
}

// ScatterAdd returns a copy of t with src[i][j][k] added at [index[i][j][k]][j][k] for dim 0
// (and likewise for other dims); index and src have the same shape.
func (t *Tensor) ScatterAdd(dim int, index, src *Tensor) *Tensor {
	dim = t.normDim("scatter_add", dim)
	if !sameShape(index.layout.Shape, src.layout.Shape) {
		panic(fmt.Sprintf("scatter_add: index %v and src %v must have the same shape", index.layout.Shape, src.layout.Shape))
	}
	if index.Dim() != t.Dim() && t.Dim() != 0 {
		panic(fmt.Sprintf("scatter_add: index %v and self %v must have the same number of dimensions", index.layout.Shape, t.layout.Shape))
	}
	for i := range index.Dim() {
		if i != dim && index.layout.Shape[i] > t.layout.Shape[i] {
			panic(fmt.Sprintf("scatter_add: size of index %v does not fit self %v at dimension %d", index.layout.Shape, t.layout.Shape, i))
		}
	}
	n := 1
	if t.Dim() > 0 {
		n = t.layout.Shape[dim]
	}
	checkIndex("scatter_add", index, n)
	out, s := t.plain().Clone(), src.plain().To(t.DType())
	outL := out.layout
	if out.Dim() == 0 {
		outL = backend.Layout{Shape: []int{1}, Strides: []int{1}}
	}
	out.be().ScatterAdd(out.storage, outL, index.storage, index.layout, s.storage, s.layout, dim)
	return record(opScatterAdd, out, []*Tensor{t, src}, func(g *Tensor) []*Tensor {
		return []*Tensor{g, gradIf(src, func() *Tensor { return g.Gather(dim, index) })}
	})
}

// IndexSelect returns the entries of t along dim at the positions in the 1-D int64 index.
func (t *Tensor) IndexSelect(dim int, index *Tensor) *Tensor {
	dim = t.normDim("index_select", dim)
	if index.Dim() > 1 {
		panic(fmt.Sprintf("index_select: index must be 1-D, got shape %v", index.layout.Shape))
	}
	idx := index.Reshape(-1)
	n := 1
	if t.Dim() > 0 {
		n = t.layout.Shape[dim]
	}
	checkIndex("index_select", idx, n)
	shape := t.Shape()
	if t.Dim() == 0 {
		shape = []int{1}
	}
	shape[dim] = idx.Numel()
	st := make([]int, len(shape))
	st[dim] = idx.layout.Strides[0]
	wide := idx.view(backend.Layout{Shape: shape, Strides: st, Offset: idx.layout.Offset})
	out := t.plain().gather(dim, wide, false)
	if t.Dim() == 0 {
		out = out.Reshape()
	}
	return record(opIndexSelect, out, []*Tensor{t}, func(g *Tensor) []*Tensor {
		if t.Dim() == 0 {
			return []*Tensor{g.Sum().Reshape()}
		}
		return []*Tensor{ZerosLike(t).ScatterAdd(dim, wide, g)}
	})
}

// Cat concatenates tensors along dim; all other dims must match.
func Cat(ts []*Tensor, dim int) *Tensor {
	if len(ts) == 0 {
		panic("cat: expected a non-empty list of tensors")
	}
	ref := ts[0]
	dim = ref.normDim("cat", dim)
	dt := ref.DType()
	shape := ref.Shape()
	shape[dim] = 0
	for i, t := range ts {
		if t.Dim() != ref.Dim() {
			panic(fmt.Sprintf("cat: tensor %d has shape %v, tensor 0 has shape %v: ranks differ", i, t.layout.Shape, ref.layout.Shape))
		}
		for d := range t.Dim() {
			if d != dim && t.layout.Shape[d] != ref.layout.Shape[d] {
				panic(fmt.Sprintf("cat: sizes of tensors must match except in dimension %d: tensor %d has shape %v, tensor 0 has %v", dim, i, t.layout.Shape, ref.layout.Shape))
			}
		}
		sameDevice("cat", ref, t)
		shape[dim] += t.layout.Shape[dim]
		dt = PromoteTypes(dt, t.DType())
	}
	out := ref.zeros(dt, shape...)
	starts := make([]int, len(ts))
	pos := 0
	for i, t := range ts {
		starts[i] = pos
		part := out.view(out.layout).Narrow(dim, pos, t.layout.Shape[dim])
		out.be().Copy(part.storage, part.layout, t.storage, t.layout)
		pos += t.layout.Shape[dim]
	}
	return record(opCat, out, slices.Clone(ts), func(g *Tensor) []*Tensor {
		gs := make([]*Tensor, len(ts))
		for i, t := range ts {
			gs[i] = g.Narrow(dim, starts[i], t.layout.Shape[dim])
		}
		return gs
	})
}

// Stack joins equally shaped tensors along a new dim.
func Stack(ts []*Tensor, dim int) *Tensor {
	if len(ts) == 0 {
		panic("stack: expected a non-empty list of tensors")
	}
	us := make([]*Tensor, len(ts))
	for i, t := range ts {
		if !sameShape(t.layout.Shape, ts[0].layout.Shape) {
			panic(fmt.Sprintf("stack: expects each tensor to be equal size, but got %v at entry 0 and %v at entry %d", ts[0].layout.Shape, t.layout.Shape, i))
		}
		us[i] = t.Unsqueeze(dim)
	}
	return Cat(us, normDim("stack", dim, ts[0].Dim()+1, ts[0].layout.Shape))
}

// Split cuts t along dim into views of size elements (the last may be smaller).
func (t *Tensor) Split(size, dim int) []*Tensor {
	if size <= 0 {
		panic(fmt.Sprintf("split: split size must be positive, got %d", size))
	}
	dim = t.normDim("split", dim)
	n := t.layout.Shape[dim]
	var parts []*Tensor
	for s := 0; s < n || (n == 0 && parts == nil); s += size {
		parts = append(parts, t.Narrow(dim, s, min(size, n-s)))
	}
	return parts
}

// SplitSizes cuts t along dim into views of the given sizes, which must sum to its size.
func (t *Tensor) SplitSizes(sizes []int, dim int) []*Tensor {
	dim = t.normDim("split", dim)
	total := 0
	for _, s := range sizes {
		total += s
	}
	if total != t.layout.Shape[dim] {
		panic(fmt.Sprintf("split: sizes %v sum to %d, but dimension %d has size %d", sizes, total, dim, t.layout.Shape[dim]))
	}
	parts := make([]*Tensor, len(sizes))
	pos := 0
	for i, s := range sizes {
		parts[i] = t.Narrow(dim, pos, s)
		pos += s
	}
	return parts
}

// Chunk splits t into n views along dim, as torch.chunk does (each of ceil(size/n) elements,
// so fewer than n chunks may result).
func (t *Tensor) Chunk(n, dim int) []*Tensor {
	if n <= 0 {
		panic(fmt.Sprintf("chunk: number of chunks must be positive, got %d", n))
	}
	size := (t.layout.Shape[t.normDim("chunk", dim)] + n - 1) / n
	return t.Split(max(size, 1), dim)
}

// OneHot returns an int64 tensor with a trailing dim of numClasses holding 1 at each label of
// the int64 tensor t. numClasses -1 means max(t)+1.
func (t *Tensor) OneHot(numClasses int) *Tensor {
	if t.DType() != Int64 {
		panic(fmt.Sprintf("one_hot: is only applicable to index tensor (int64), got %v", t.DType()))
	}
	if backend.IsAbstract(t.bk) {
		if numClasses < 0 {
			panic(fmt.Sprintf("one_hot: numClasses -1 needs the labels' values, which a %s tensor does not have", t.Device()))
		}
		return t.zeros(Int64, append(t.Shape(), numClasses)...)
	}
	labels := t.Int64s()
	if numClasses == -1 {
		numClasses = 0
		for _, v := range labels {
			numClasses = max(numClasses, int(v)+1)
		}
	}
	vals := make([]int64, len(labels)*numClasses)
	for i, v := range labels {
		if v < 0 || v >= int64(numClasses) {
			panic(fmt.Sprintf("one_hot: class value %d is out of range for %d classes", v, numClasses))
		}
		vals[i*numClasses+int(v)] = 1
	}
	return FromSlice(vals, append(t.Shape(), numClasses)...).To(t.Device())
}

// Pad pads t with value; pads lists (before, after) pairs starting from the last dim, as in
// torch.nn.functional.pad: [left, right] pads the last dim, [left, right, top, bottom] the last
// two. Negative pads crop.
func (t *Tensor) Pad(pads []int, value float64) *Tensor {
	if len(pads)%2 != 0 || len(pads)/2 > t.Dim() {
		panic(fmt.Sprintf("pad: padding length %d must be even and at most twice the number of dims of shape %v", len(pads), t.layout.Shape))
	}
	shape := t.Shape()
	src := t.Detach()
	type cut struct{ dim, start, length int }
	var dstCuts []cut
	for i := 0; i < len(pads); i += 2 {
		d := t.Dim() - 1 - i/2
		before, after := pads[i], pads[i+1]
		shape[d] += before + after
		if shape[d] < 0 {
			panic(fmt.Sprintf("pad: padding %v gives a negative size for shape %v", pads, t.layout.Shape))
		}
		if before < 0 {
			src = src.Narrow(d, -before, src.layout.Shape[d]+before)
			before = 0
		}
		if after < 0 {
			src = src.Narrow(d, 0, src.layout.Shape[d]+after)
		}
		dstCuts = append(dstCuts, cut{d, before, src.layout.Shape[d]})
	}
	out := fullOn(t.bk, t.DType(), value, shape...)
	inner := func(x *Tensor) *Tensor {
		for _, c := range dstCuts {
			x = x.Narrow(c.dim, c.start, c.length)
		}
		return x
	}
	dst := inner(out.Detach())
	out.be().Copy(dst.storage, dst.layout, src.storage, src.layout)
	return record(opPad, out, []*Tensor{t}, func(g *Tensor) []*Tensor {
		neg := make([]int, len(pads))
		for i, p := range pads {
			neg[i] = -p
		}
		return []*Tensor{g.Pad(neg, 0)}
	})
}

// Cumsum returns the running sum along dim (bool and int64 give int64).
func (t *Tensor) Cumsum(dim int) *Tensor {
	src := t
	if t.DType() == Bool {
		src = t.To(Int64)
	}
	if src.Dim() == 0 {
		return src.Clone()
	}
	dim = src.normDim("cumsum", dim)
	out := src.zeros(src.DType(), src.layout.Shape...)
	out.be().Cumsum(out.storage, src.storage, src.layout, dim)
	return record(opCumsum, out, []*Tensor{t}, func(g *Tensor) []*Tensor {
		// The gradient is the reversed cumulative sum Σ_{j≥i} g_j.
		return []*Tensor{g.flip(dim).Cumsum(dim).flip(dim)}
	})
}

// flip returns a view with dim reversed (a negative stride); for internal use only, since
// PyTorch's tensors never expose negative strides.
func (t *Tensor) flip(dim int) *Tensor {
	l := t.Layout()
	if n := l.Shape[dim]; n > 0 {
		l.Offset += (n - 1) * l.Strides[dim]
	}
	l.Strides[dim] = -l.Strides[dim]
	return t.view(l)
}

// TakeRows returns the rows of t (along dim 0) at the given positions, as a new contiguous
// tensor without autograd history: batching for data loaders. It copies host memory directly
// when it can.
func (t *Tensor) TakeRows(rows []int) *Tensor {
	if t.Dim() == 0 {
		panic("take_rows: needs at least one dimension")
	}
	n := t.layout.Shape[0]
	for _, r := range rows {
		if r < 0 || r >= n {
			panic(fmt.Sprintf("take_rows: row %d is out of bounds for dimension 0 with size %d", r, n))
		}
	}
	shape := t.Shape()
	shape[0] = len(rows)
	width := 1
	for _, d := range shape[1:] {
		width *= d
	}
	if t.coversStorage() {
		if take := takeHost(t, rows, width, shape); take != nil {
			return take
		}
	}
	idx := make([]int64, len(rows))
	for i, r := range rows {
		idx[i] = int64(r)
	}
	return t.plain().IndexSelect(0, FromSlice(idx, len(idx)).To(t.Device()))
}

func takeHost(t *Tensor, rows []int, width int, shape []int) *Tensor {
	out := t.zeros(t.DType(), shape...)
	if hf, ok := t.be().(backend.HostFloats); ok {
		// Unboxed float slices: no allocation beyond out.
		if src := hf.HostFloat32(t.storage); src != nil {
			takeRows(hf.HostFloat32(out.storage), src, rows, width)
			return out
		}
		if src := hf.HostFloat64(t.storage); src != nil {
			takeRows(hf.HostFloat64(out.storage), src, rows, width)
			return out
		}
	}
	switch src := t.be().Host(t.storage).(type) {
	case []float32:
		takeRows(out.be().Host(out.storage).([]float32), src, rows, width)
	case []float64:
		takeRows(out.be().Host(out.storage).([]float64), src, rows, width)
	case []int64:
		takeRows(out.be().Host(out.storage).([]int64), src, rows, width)
	default:
		return nil
	}
	return out
}

// takeRows copies the given rows of src (each width long) into dst, one after another.
func takeRows[T Elem](dst, src []T, rows []int, width int) {
	for i, r := range rows {
		copy(dst[i*width:(i+1)*width], src[r*width:(r+1)*width])
	}
}
