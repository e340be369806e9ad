package tensor

import (
	"fmt"
)

// Grad-fn names of sorting ops.
var (
	opSort = defOp("SortBackward1") // PyTorch's name for the stable sort
	opTopK = defOp("TopkBackward0")
)

// Sort returns the elements of t sorted along dim, ascending or descending, and their int64
// positions along dim, as torch.sort(t, dim, descending, stable=True): equal elements keep
// their order (the lower position first, -0 equal to +0) and NaN sorts as larger than every
// number; bool sorts false before true. The gradient of values flows back to the positions
// they came from; indices have none. Runs along dim take O(n) time per key byte (a radix
// sort), and many runs are sorted in parallel.
func (t *Tensor) Sort(dim int, descending bool) (values, indices *Tensor) {
	d := t.normDim("sort", dim)
	n := 1
	if t.Dim() > 0 {
		n = t.layout.Shape[d]
	}
	return t.sortK(opSort, d, n, descending)
}

// ArgSort returns the int64 positions that sort t along dim: the indices of Sort.
func (t *Tensor) ArgSort(dim int, descending bool) *Tensor {
	_, i := t.Detach().Sort(dim, descending)
	return i
}

// TopK returns the k largest (or, when largest is false, smallest) elements of t along dim
// and their int64 positions, as torch.topk. Equal elements come lower position first, NaN
// counts as larger than every number, and the result is always in order (sorted false is
// accepted for PyTorch's signature; PyTorch leaves that order unspecified). It selects
// rather than sorts: a heap of the best k for k ≤ 64 (O(n log k) per run), quickselect then
// a sort of the k below n/2, a full sort above. The gradient of values flows back to their
// positions.
func (t *Tensor) TopK(k, dim int, largest, sorted bool) (values, indices *Tensor) {
	_ = sorted
	d := t.normDim("topk", dim)
	n := 1
	if t.Dim() > 0 {
		n = t.layout.Shape[d]
	}
	if k < 0 {
		panic(fmt.Sprintf("topk: k %d must be non-negative (dim %d of %v)", k, d, t.layout.Shape))
	}
	if k > n {
		panic(fmt.Sprintf("topk: k %d > size %d of dim %d of %v", k, n, d, t.layout.Shape))
	}
	if t.DType() == Bool {
		panic("topk: not implemented for bool tensors")
	}
	return t.sortK(opTopK, d, k, largest)
}

// sortK runs the Sort kernel for the first k elements along the normalized dim d.
func (t *Tensor) sortK(gradName string, d, k int, desc bool) (*Tensor, *Tensor) {
	src := t.plain()
	if t.Dim() == 0 {
		src, k = src.Reshape(1), 1 // PyTorch returns a 0-d tensor itself even for k = 0
	}
	shape := src.Shape()
	shape[d] = k
	vals := t.zeros(t.DType(), shape...)
	idx := t.zeros(Int64, shape...)
	vals.be().Sort(vals.storage, idx.storage, src.storage, src.layout, d, k, desc)
	if t.Dim() == 0 {
		vals, idx = vals.Reshape(), idx.Reshape()
	}
	vals = record(gradName, vals, []*Tensor{t}, func(g *Tensor) []*Tensor {
		z := g.zeros(g.DType(), src.layout.Shape...)
		return []*Tensor{z.ScatterAdd(d, idx.Reshape(shape...), g.Reshape(shape...)).Reshape(t.layout.Shape...)}
	})
	return vals, idx
}
