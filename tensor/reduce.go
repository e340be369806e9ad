package tensor

import (
	"fmt"
	"math"
	"slices"

	"github.com/ember-ml/ember/backend"
)

// Grad-fn names of reductions.
var (
	opSum       = defOp("SumBackward0")
	opSumDims   = defOp("SumBackward1")
	opMean      = defOp("MeanBackward0")
	opMeanDims  = defOp("MeanBackward1")
	opProd      = defOp("ProdBackward0")
	opProdDim   = defOp("ProdBackward1")
	opMaxAll    = defOp("MaxBackward1")
	opMaxDim    = defOp("MaxBackward0")
	opMinAll    = defOp("MinBackward1")
	opMinDim    = defOp("MinBackward0")
	opAmax      = defOp("AmaxBackward0")
	opAmin      = defOp("AminBackward0")
	opLogSumExp = defOp("LogsumexpBackward0")
	opNorm      = defOp("NormBackward1")
)

// reduction describes which dims a reduction removes.
type reduction struct {
	dims      []int // normalized, sorted, unique
	keepShape []int // input shape with reduced dims set to 1
	outShape  []int // result shape (keepShape without the reduced dims unless keepdim)
	count     int   // number of elements reduced into each output
}

// planReduce normalizes dims; no dims means all dims.
func (t *Tensor) planReduce(op string, dims []int, keepdim bool) reduction {
	var r reduction
	if len(dims) == 0 {
		for i := range t.Dim() {
			r.dims = append(r.dims, i)
		}
	} else if t.Dim() > 0 {
		for _, d := range dims {
			d = t.normDim(op, d)
			if slices.Contains(r.dims, d) {
				panic(fmt.Sprintf("%s: dim %d appears multiple times in the list of dims %v", op, d, dims))
			}
			r.dims = append(r.dims, d)
		}
		slices.Sort(r.dims)
	}
	r.keepShape = t.Shape()
	r.count = 1
	for _, d := range r.dims {
		r.count *= r.keepShape[d]
		r.keepShape[d] = 1
	}
	if keepdim {
		r.outShape = slices.Clone(r.keepShape)
	} else {
		for i, s := range r.keepShape {
			if !slices.Contains(r.dims, i) {
				r.outShape = append(r.outShape, s)
			}
		}
		if r.outShape == nil {
			r.outShape = []int{}
		}
	}
	return r
}

func (t *Tensor) reduceKernel(op backend.ReduceOp, r reduction, dt DType) *Tensor {
	src := t
	if src.DType() != dt {
		src = t.plain().To(dt)
	}
	out := t.zeros(dt, r.outShape...)
	out.be().Reduce(op, out.storage, src.storage, src.layout, r.dims)
	return out
}

// expandGrad broadcasts the gradient of a reduction's output back to t's shape.
func (t *Tensor) expandGrad(g *Tensor, r reduction) *Tensor {
	return g.Reshape(r.keepShape...).Expand(t.layout.Shape...)
}

func sumType(d DType) DType {
	if d == Bool {
		return Int64
	}
	return d
}

// Sum returns the sum of all elements as a 0-d tensor (bool and int64 sum to int64).
func (t *Tensor) Sum() *Tensor {
	r := t.planReduce("sum", nil, false)
	out := t.reduceKernel(backend.Sum, r, sumType(t.DType()))
	return record(opSum, out, []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{t.expandGrad(g, r)} })
}

// SumDims sums over dims (all dims when empty), keeping them as size 1 when keepdim is set.
func (t *Tensor) SumDims(dims []int, keepdim bool) *Tensor {
	r := t.planReduce("sum", dims, keepdim)
	out := t.reduceKernel(backend.Sum, r, sumType(t.DType()))
	return record(opSumDims, out, []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{t.expandGrad(g, r)} })
}

// Mean returns the mean of all elements (integers give float32).
func (t *Tensor) Mean() *Tensor { return t.mean(opMean, nil, false) }

// MeanDims averages over dims (all when empty).
func (t *Tensor) MeanDims(dims []int, keepdim bool) *Tensor { return t.mean(opMeanDims, dims, keepdim) }

func (t *Tensor) mean(name string, dims []int, keepdim bool) *Tensor {
	r := t.planReduce("mean", dims, keepdim)
	dt := floatOr32(t.DType())
	out := t.reduceKernel(backend.Sum, r, dt).DivScalar(float64(r.count))
	return record(name, out, []*Tensor{t}, func(g *Tensor) []*Tensor {
		return []*Tensor{t.expandGrad(g.DivScalar(float64(r.count)), r)}
	})
}

// Prod returns the product of all elements.
func (t *Tensor) Prod() *Tensor {
	flat := t.Reshape(-1)
	r := flat.planReduce("prod", nil, false)
	out := flat.reduceKernel(backend.Prod, r, sumType(t.DType()))
	return record(opProd, out, []*Tensor{t}, func(g *Tensor) []*Tensor {
		return []*Tensor{g.Mul(productOfOthers(flat, 0)).Reshape(t.layout.Shape...)}
	})
}

// ProdDim returns the product along dim.
func (t *Tensor) ProdDim(dim int, keepdim bool) *Tensor {
	r := t.planReduce("prod", []int{dim}, keepdim)
	out := t.reduceKernel(backend.Prod, r, sumType(t.DType()))
	return record(opProdDim, out, []*Tensor{t}, func(g *Tensor) []*Tensor {
		return []*Tensor{t.expandGrad(g, r).Mul(productOfOthers(t, r.dims[0]))}
	})
}

// productOfOthers returns, for each element, the product of the other elements along dim
// (exact with zeros, unlike out/x). It computes in host memory (there is no cumulative
// product primitive yet); on a device without data only the shape matters.
func productOfOthers(t *Tensor, dim int) *Tensor {
	if t.Dim() == 0 {
		return OnesLike(t)
	}
	if backend.IsAbstract(t.bk) {
		return ZerosLike(t)
	}
	moved := t.Transpose(dim, -1).Contiguous()
	vals := moved.Float64s()
	n := moved.Size(-1)
	res := make([]float64, len(vals))
	for start := 0; start < len(vals); start += n {
		row := vals[start : start+n]
		left := 1.0
		for i := range row {
			res[start+i] = left
			left *= row[i]
		}
		right := 1.0
		for i := n - 1; i >= 0; i-- {
			res[start+i] *= right
			right *= row[i]
		}
	}
	return FromSlice(res, moved.layout.Shape...).To(t.DType()).To(t.Device()).Transpose(dim, -1)
}

// Max returns the largest element as a 0-d tensor (NaN if any element is NaN). The gradient
// is shared evenly among tied maxima, as in PyTorch.
func (t *Tensor) Max() *Tensor { return t.extremeAll("max", opMaxAll, backend.Max) }

// Min returns the smallest element as a 0-d tensor.
func (t *Tensor) Min() *Tensor { return t.extremeAll("min", opMinAll, backend.Min) }

func (t *Tensor) extremeAll(name, gradName string, op backend.ReduceOp) *Tensor {
	if t.Numel() == 0 {
		panic(fmt.Sprintf("%s: expected a non-empty tensor (shape %v)", name, t.layout.Shape))
	}
	r := t.planReduce(name, nil, false)
	out := t.reduceKernel(op, r, t.DType())
	return record(gradName, out, []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{evenGrad(t, out, g, r)} })
}

// Amax returns the maximum over dims (all when empty); ties share the gradient evenly.
func (t *Tensor) Amax(dims []int, keepdim bool) *Tensor {
	return t.amax("amax", opAmax, backend.Max, dims, keepdim)
}

// Amin returns the minimum over dims (all when empty); ties share the gradient evenly.
func (t *Tensor) Amin(dims []int, keepdim bool) *Tensor {
	return t.amax("amin", opAmin, backend.Min, dims, keepdim)
}

func (t *Tensor) amax(name, gradName string, op backend.ReduceOp, dims []int, keepdim bool) *Tensor {
	r := t.planReduce(name, dims, keepdim)
	if t.Numel() == 0 {
		panic(fmt.Sprintf("%s: expected a non-empty tensor (shape %v)", name, t.layout.Shape))
	}
	out := t.reduceKernel(op, r, t.DType())
	return record(gradName, out, []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{evenGrad(t, out, g, r)} })
}

// evenGrad spreads g over the elements of t equal to the reduced extreme out.
func evenGrad(t, out, g *Tensor, r reduction) *Tensor {
	mask := t.Eq(out.Reshape(r.keepShape...)).To(g.DType())
	share := g.Reshape(r.keepShape...).Div(mask.SumDims(r.dims, true))
	return mask.Mul(share)
}

// MaxDim returns the maximum along dim and the index of its first occurrence.
func (t *Tensor) MaxDim(dim int, keepdim bool) (values, indices *Tensor) {
	return t.extremeDim("max", opMaxDim, backend.Max, dim, keepdim)
}

// MinDim returns the minimum along dim and the index of its first occurrence.
func (t *Tensor) MinDim(dim int, keepdim bool) (values, indices *Tensor) {
	return t.extremeDim("min", opMinDim, backend.Min, dim, keepdim)
}

func (t *Tensor) extremeDim(name, gradName string, op backend.ReduceOp, dim int, keepdim bool) (*Tensor, *Tensor) {
	idx := t.argKernel(name, op, dim, true)
	var vals *Tensor
	src := t
	if t.Dim() == 0 {
		src = t.Reshape(1)
	}
	d := src.normDim(name, dim)
	vals = src.plain().Gather(d, idx)
	r := t.planReduce(name, []int{dim}, keepdim)
	vals = vals.Reshape(r.outShape...)
	outIdx := idx.Reshape(r.outShape...)
	vals = record(gradName, vals.Detach(), []*Tensor{t}, func(g *Tensor) []*Tensor {
		z := g.zeros(g.DType(), src.layout.Shape...)
		return []*Tensor{z.ScatterAdd(d, idx, g.Reshape(r.keepShape...)).Reshape(t.layout.Shape...)}
	})
	return vals, outIdx
}

// argKernel returns int64 indices of the extreme along dim, kept as size 1.
func (t *Tensor) argKernel(name string, op backend.ReduceOp, dim int, keep bool) *Tensor {
	src := t
	if t.Dim() == 0 {
		src = t.Reshape(1)
	}
	d := src.normDim(name, dim)
	if src.layout.Shape[d] == 0 {
		panic(fmt.Sprintf("%s: expected reduction dim %d to have non-zero size (shape %v)", name, d, t.layout.Shape))
	}
	shape := src.Shape()
	shape[d] = 1
	out := t.zeros(Int64, shape...)
	out.be().ArgReduce(op, out.storage, src.storage, src.layout, d)
	return out
}

// Argmax returns the flat index of the first maximum, as a 0-d int64 tensor.
func (t *Tensor) Argmax() *Tensor {
	return t.Reshape(-1).argKernel("argmax", backend.Max, 0, false).Reshape()
}

// Argmin returns the flat index of the first minimum, as a 0-d int64 tensor.
func (t *Tensor) Argmin() *Tensor {
	return t.Reshape(-1).argKernel("argmin", backend.Min, 0, false).Reshape()
}

// ArgmaxDim returns the indices of the first maxima along dim.
func (t *Tensor) ArgmaxDim(dim int, keepdim bool) *Tensor {
	_, i := t.Detach().MaxDim(dim, keepdim)
	return i
}

// ArgminDim returns the indices of the first minima along dim.
func (t *Tensor) ArgminDim(dim int, keepdim bool) *Tensor {
	_, i := t.Detach().MinDim(dim, keepdim)
	return i
}

// Var returns the variance over dims (all when empty) with the given correction: 1 is
// PyTorch's default unbiased estimate, 0 the population variance.
func (t *Tensor) Var(dims []int, correction int, keepdim bool) *Tensor {
	r := t.planReduce("var", dims, keepdim)
	x := t
	if !x.DType().IsFloat() {
		x = x.To(Float32)
	}
	d := x.Sub(x.MeanDims(r.dims, true))
	return d.Mul(d).SumDims(r.dims, keepdim).DivScalar(float64(r.count - correction))
}

// Std returns the standard deviation over dims: the square root of Var.
func (t *Tensor) Std(dims []int, correction int, keepdim bool) *Tensor {
	return t.Var(dims, correction, keepdim).Sqrt()
}

// LogSumExp returns log Σ exp(t) over dims, computed stably (the maximum is subtracted
// first; all -inf gives -inf).
func (t *Tensor) LogSumExp(dims []int, keepdim bool) *Tensor {
	r := t.planReduce("logsumexp", dims, keepdim)
	x := t
	if !x.DType().IsFloat() {
		x = x.To(Float32)
	}
	xp := x.plain()
	m := xp.finiteAmax(r.dims)
	out := xp.Sub(m).Exp().SumDims(r.dims, true).Log().Add(m).Reshape(r.outShape...)
	return record(opLogSumExp, out, []*Tensor{x}, func(g *Tensor) []*Tensor {
		return []*Tensor{g.Reshape(r.keepShape...).Mul(x.Sub(out.Reshape(r.keepShape...)).Exp())}
	})
}

// Norm returns the p-norm of all elements (p = 2 is the Euclidean norm; math.Inf(1) the
// largest absolute value).
func (t *Tensor) Norm(p float64) *Tensor { return t.NormDims(p, nil, false) }

// NormDims returns the p-norm over dims (all when empty). For p = 2 the gradient at a zero
// norm is 0, as in PyTorch.
func (t *Tensor) NormDims(p float64, dims []int, keepdim bool) *Tensor {
	switch {
	case p == 2:
		r := t.planReduce("norm", dims, keepdim)
		tp := t.plain()
		out := tp.Mul(tp).SumDims(r.dims, keepdim).Sqrt()
		return record(opNorm, out, []*Tensor{t}, func(g *Tensor) []*Tensor {
			n := out.Reshape(r.keepShape...)
			scale := g.Reshape(r.keepShape...).Div(n)
			scale = scale.MaskedFill(n.EqScalar(0), 0)
			return []*Tensor{t.Mul(scale)}
		})
	case math.IsInf(p, 1):
		return t.Abs().Amax(dims, keepdim)
	case math.IsInf(p, -1):
		return t.Abs().Amin(dims, keepdim)
	case p == 1:
		return t.Abs().SumDims(dims, keepdim)
	case p == 0:
		return t.NeScalar(0).To(floatOr32(t.DType())).SumDims(dims, keepdim)
	case p > 0:
		return t.Abs().PowScalar(p).SumDims(dims, keepdim).PowScalar(1 / p)
	}
	panic(fmt.Sprintf("norm: unsupported p %g", p))
}

// All reports over dims (all when empty) whether every element is non-zero, as a bool tensor.
func (t *Tensor) All(dims []int, keepdim bool) *Tensor {
	r := t.planReduce("all", dims, keepdim)
	return t.To(Bool).reduceKernel(backend.Min, r, Bool)
}

// Any reports over dims (all when empty) whether some element is non-zero, as a bool tensor.
func (t *Tensor) Any(dims []int, keepdim bool) *Tensor {
	r := t.planReduce("any", dims, keepdim)
	return t.To(Bool).reduceKernel(backend.Max, r, Bool)
}

// finiteAmax returns the maximum over dims (kept as size 1), with ±Inf maxima replaced by 0:
// the shift that makes exp stable without turning rows of infinities into NaN.
func (t *Tensor) finiteAmax(dims []int) *Tensor {
	m := t.Amax(dims, true)
	return m.MaskedFill(m.Abs().EqScalar(math.Inf(1)), 0)
}
