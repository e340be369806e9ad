package tensor

// Grad-fn names of the softmax family.
var (
	opSoftmax    = defOp("SoftmaxBackward0")
	opLogSoftmax = defOp("LogSoftmaxBackward0")
)

// Softmax returns exp(t) normalised to sum to 1 along dim, computed stably (the maximum is
// subtracted first, so large logits do not overflow).
func (t *Tensor) Softmax(dim int) *Tensor {
	x := t.floatInput()
	dim = x.normDim("softmax", dim)
	xp := x.plain()
	e := xp.Sub(xp.Amax([]int{dim}, true)).Exp()
	out := e.Div(e.SumDims([]int{dim}, true))
	return record(opSoftmax, out, []*Tensor{x}, func(g *Tensor) []*Tensor {
		// dx = y ⊙ (g − Σ g⊙y)
		return []*Tensor{out.Mul(g.Sub(g.Mul(out).SumDims([]int{dim}, true)))}
	})
}

// LogSoftmax returns t − logsumexp(t) along dim, computed stably as (t − m) − log Σ exp(t − m)
// with m the maximum, so large logits keep their float32 precision (as PyTorch computes it).
func (t *Tensor) LogSoftmax(dim int) *Tensor {
	x := t.floatInput()
	dim = x.normDim("log_softmax", dim)
	shifted := x.plain()
	shifted = shifted.Sub(shifted.finiteAmax([]int{dim}))
	out := shifted.Sub(shifted.Exp().SumDims([]int{dim}, true).Log())
	return record(opLogSoftmax, out, []*Tensor{x}, func(g *Tensor) []*Tensor {
		// dx = g − softmax ⊙ Σ g
		return []*Tensor{g.Sub(out.Exp().Mul(g.SumDims([]int{dim}, true)))}
	})
}

// floatInput returns t, converted to float32 when it is not a float tensor.
func (t *Tensor) floatInput() *Tensor {
	if t.DType().IsFloat() {
		return t
	}
	return t.To(Float32)
}
