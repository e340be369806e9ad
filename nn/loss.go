package nn

import (
	"fmt"
	"math"
	"slices"

	"github.com/ember-ml/ember/tensor"
)

// Loss maps a prediction and a target to a loss tensor (a scalar unless the reduction is
// "none").
type Loss func(input, target *tensor.Tensor) *tensor.Tensor

// LossOption configures a loss.
type LossOption func(*lossOptions)

type lossOptions struct {
	reduction      string
	weight         *tensor.Tensor
	posWeight      *tensor.Tensor
	ignoreIndex    int64
	labelSmoothing float64
	beta           float64 // SmoothL1's beta, Huber's delta
	logTarget      bool
}

func buildLoss(opts []LossOption) lossOptions {
	o := lossOptions{reduction: "mean", ignoreIndex: -100, beta: 1}
	for _, f := range opts {
		f(&o)
	}
	switch o.reduction {
	case "mean", "sum", "none", "batchmean":
	default:
		panic(fmt.Sprintf("nn: %q is not a valid value for reduction (mean, sum, none)", o.reduction))
	}
	return o
}

// Reduction sets how per-element losses combine: "mean" (default), "sum" or "none"
// (KLDivLoss also takes "batchmean").
func Reduction(r string) LossOption { return func(o *lossOptions) { o.reduction = r } }

// Weight sets per-class weights (CrossEntropyLoss, NLLLoss) or per-element weights
// broadcast over the input (BCELoss, BCEWithLogitsLoss).
func Weight(w *tensor.Tensor) LossOption { return func(o *lossOptions) { o.weight = w } }

// PosWeight weights the positive term of BCEWithLogitsLoss, per class (broadcast over the last
// dim).
func PosWeight(w *tensor.Tensor) LossOption { return func(o *lossOptions) { o.posWeight = w } }

// IgnoreIndex sets a target class that contributes no loss and no gradient (default -100).
func IgnoreIndex(i int64) LossOption { return func(o *lossOptions) { o.ignoreIndex = i } }

// LabelSmoothing mixes the targets of CrossEntropyLoss with the uniform distribution.
func LabelSmoothing(eps float64) LossOption { return func(o *lossOptions) { o.labelSmoothing = eps } }

// Beta sets SmoothL1Loss's beta or HuberLoss's delta (default 1).
func Beta(b float64) LossOption { return func(o *lossOptions) { o.beta = b } }

// LogTarget tells KLDivLoss that the target holds log-probabilities.
func LogTarget() LossOption { return func(o *lossOptions) { o.logTarget = true } }

func reduce(l *tensor.Tensor, reduction string) *tensor.Tensor {
	switch reduction {
	case "sum":
		return l.Sum()
	case "none":
		return l
	case "batchmean":
		if l.Dim() == 0 {
			return l.Sum()
		}
		return l.Sum().DivScalar(float64(l.Size(0)))
	}
	return l.Mean()
}

// sameShapes panics unless input and target have the same shape. PyTorch broadcasts with a
// warning for some losses; Ember refuses, because the broadcast ([N,1] against [N]) is almost
// always a bug.
func sameShapes(op string, input, target *tensor.Tensor) {
	if !slices.Equal(input.Shape(), target.Shape()) {
		panic(fmt.Sprintf("%s: input %v and target %v differ in shape (Ember does not broadcast losses; reshape one of them, e.g. Squeeze(1))", op, input.Shape(), target.Shape()))
	}
}

// floatTarget converts label targets to the input's dtype.
func floatTarget(input, target *tensor.Tensor) *tensor.Tensor {
	if target.DType() != input.DType() {
		return target.To(input.DType())
	}
	return target
}

// MSELoss is the mean squared error (x−y)², like nn.MSELoss. Shapes must match.
func MSELoss(opts ...LossOption) Loss {
	o := buildLoss(opts)
	return func(input, target *tensor.Tensor) *tensor.Tensor {
		sameShapes("mse_loss", input, target)
		d := input.Sub(floatTarget(input, target))
		return reduce(d.Mul(d), o.reduction)
	}
}

// L1Loss is the mean absolute error |x−y|, like nn.L1Loss.
func L1Loss(opts ...LossOption) Loss {
	o := buildLoss(opts)
	return func(input, target *tensor.Tensor) *tensor.Tensor {
		sameShapes("l1_loss", input, target)
		return reduce(input.Sub(floatTarget(input, target)).Abs(), o.reduction)
	}
}

// SmoothL1Loss is 0.5·d²/β where |d| < β and |d| − 0.5·β elsewhere (β = 1 by default;
// β = 0 gives L1Loss), like nn.SmoothL1Loss.
func SmoothL1Loss(opts ...LossOption) Loss {
	o := buildLoss(opts)
	return func(input, target *tensor.Tensor) *tensor.Tensor {
		sameShapes("smooth_l1_loss", input, target)
		z := input.Sub(floatTarget(input, target)).Abs()
		if o.beta == 0 {
			return reduce(z, o.reduction)
		}
		return reduce(tensor.Where(z.LtScalar(o.beta), z.Mul(z).MulScalar(0.5/o.beta), z.SubScalar(0.5*o.beta)), o.reduction)
	}
}

// HuberLoss is 0.5·d² where |d| < δ and δ·(|d| − 0.5·δ) elsewhere (δ set with Beta,
// default 1), like nn.HuberLoss.
func HuberLoss(opts ...LossOption) Loss {
	o := buildLoss(opts)
	return func(input, target *tensor.Tensor) *tensor.Tensor {
		sameShapes("huber_loss", input, target)
		z := input.Sub(floatTarget(input, target)).Abs()
		return reduce(tensor.Where(z.LtScalar(o.beta), z.Mul(z).MulScalar(0.5), z.SubScalar(0.5*o.beta).MulScalar(o.beta)), o.reduction)
	}
}

// bceEpsilon is PyTorch's 1e-12 as a float32 constant, which it is in PyTorch's kernel.
var bceEpsilon = float64(float32(1e-12))

// BCELoss is the binary cross-entropy −w·(y·log x + (1−y)·log(1−x)) of probabilities x,
// with each log clamped at −100 as PyTorch does; the gradient is PyTorch's
// w·(x−y)/max(x·(1−x), 1e-12), finite even at 0 and 1. Integer or bool targets are converted.
func BCELoss(opts ...LossOption) Loss {
	o := buildLoss(opts)
	return func(input, target *tensor.Tensor) *tensor.Tensor {
		sameShapes("binary_cross_entropy", input, target)
		y := floatTarget(input, target).Detach()
		x := input.Detach()
		var l *tensor.Tensor
		tensor.NoGrad(func() {
			logx := x.Log().Clamp(-100, math.Inf(1))
			log1mx := x.RSubScalar(1).Log().Clamp(-100, math.Inf(1))
			l = y.Mul(logx).Add(y.RSubScalar(1).Mul(log1mx)).Neg()
			if o.weight != nil {
				l = l.Mul(o.weight)
			}
		})
		l = tensor.Attach("BinaryCrossEntropyBackward0", l, []*tensor.Tensor{input}, func(g *tensor.Tensor) []*tensor.Tensor {
			gx := g.Mul(x.Sub(y)).Div(x.Mul(x.RSubScalar(1)).Clamp(bceEpsilon, math.Inf(1)))
			if o.weight != nil {
				gx = gx.Mul(o.weight)
			}
			return []*tensor.Tensor{gx}
		})
		return reduce(l, o.reduction)
	}
}

// BCEWithLogitsLoss is BCELoss applied to sigmoid(x), computed in PyTorch's stable form
// (1−y)·x + lw·(log(e^−m + e^(−x−m)) + m) with m = max(−x, 0) and lw = 1 + (pos_weight−1)·y,
// so large logits neither overflow nor lose the gradient.
func BCEWithLogitsLoss(opts ...LossOption) Loss {
	o := buildLoss(opts)
	return func(input, target *tensor.Tensor) *tensor.Tensor {
		sameShapes("binary_cross_entropy_with_logits", input, target)
		y := floatTarget(input, target)
		if o.weight == nil && o.posWeight == nil && o.reduction != "none" {
			if l := fusedBCEWithLogits(input, y, o.reduction == "sum"); l != nil {
				return l
			}
		}
		m := input.Neg().Clamp(0, math.Inf(1))
		soft := m.Neg().Exp().Add(input.Neg().Sub(m).Exp()).Log().Add(m) // softplus(−x)
		if o.posWeight != nil {
			soft = soft.Mul(o.posWeight.SubScalar(1).Mul(y).AddScalar(1))
		}
		l := y.RSubScalar(1).Mul(input).Add(soft)
		if o.weight != nil {
			l = l.Mul(o.weight)
		}
		return reduce(l, o.reduction)
	}
}

// classLast moves the class dim (1) of an [N, C, d…] input to the end and flattens the rest,
// returning [M, C]; a [N, C] input is returned as is; a [C] input becomes [1, C].
func classLast(input *tensor.Tensor) *tensor.Tensor {
	switch input.Dim() {
	case 1:
		return input.Unsqueeze(0)
	case 2:
		return input
	}
	perm := []int{0}
	for d := 2; d < input.Dim(); d++ {
		perm = append(perm, d)
	}
	perm = append(perm, 1)
	return input.Permute(perm...).Reshape(-1, input.Size(1))
}

// nllParts returns per-sample −w[y]·logp[y] (0 for ignored) and w[y] (0 for ignored), flat.
func nllParts(op string, logp, target *tensor.Tensor, o lossOptions) (loss, w *tensor.Tensor) {
	c := logp.Size(1)
	if target.DType() != tensor.Int64 {
		panic(fmt.Sprintf("%s: expected class-index targets of dtype int64, got %v", op, target.DType()))
	}
	y := target.Reshape(-1)
	if y.Size(0) != logp.Size(0) {
		panic(fmt.Sprintf("%s: expected target with %d elements, got shape %v", op, logp.Size(0), target.Shape()))
	}
	ignored := y.EqScalar(float64(o.ignoreIndex))
	var vals []int64
	if !y.IsMeta() {
		vals = y.Int64s()
	}
	for _, v := range vals {
		if v != o.ignoreIndex && (v < 0 || v >= int64(c)) {
			panic(fmt.Sprintf("%s: target %d is out of bounds for %d classes", op, v, c))
		}
	}
	safe := tensor.Where(ignored, tensor.ZerosOn(y.Device(), tensor.Int64), y)
	// Ignored rows are not read: their (possibly infinite) log-probabilities are masked out.
	picked := logp.Gather(1, safe.Unsqueeze(1)).Squeeze(1).MaskedFill(ignored, 0)
	w = tensor.OnesLike(picked)
	if o.weight != nil {
		if o.weight.Dim() != 1 || o.weight.Size(0) != c {
			panic(fmt.Sprintf("%s: weight of shape %v does not match %d classes", op, o.weight.Shape(), c))
		}
		w = o.weight.To(logp.DType()).IndexSelect(0, safe)
	}
	w = w.MaskedFill(ignored, 0)
	return picked.Mul(w).Neg(), w
}

// weightedMean returns Σ l / Σ w, the mean of PyTorch's nll_loss. When every target is
// ignored the weights sum to 0 and the value is NaN, as in PyTorch, but the gradient is 0,
// also as in PyTorch (it scales by 1/Σw only where Σw ≠ 0).
func weightedMean(l, w *tensor.Tensor) *tensor.Tensor {
	total := w.Detach().Sum()
	out := l.Detach().Sum().Div(total)
	return tensor.Attach("NllLossBackward0", out, []*tensor.Tensor{l}, func(g *tensor.Tensor) []*tensor.Tensor {
		scale := g.Div(total).MaskedFill(total.EqScalar(0), 0)
		return []*tensor.Tensor{scale.Expand(l.Shape()...)}
	})
}

// reshapeLike returns a flat per-sample loss in the target's shape (for reduction "none").
func reshapeLike(l, target *tensor.Tensor) *tensor.Tensor { return l.Reshape(target.Shape()...) }

// NLLLoss is the negative log-likelihood of class-index targets given log-probabilities of
// shape [N, C] (or [N, C, d…] with targets [N, d…]). The mean divides by the summed weights
// of the non-ignored targets, as in PyTorch.
func NLLLoss(opts ...LossOption) Loss {
	o := buildLoss(opts)
	return func(input, target *tensor.Tensor) *tensor.Tensor {
		l, w := nllParts("nll_loss", classLast(input), target, o)
		switch o.reduction {
		case "none":
			return reshapeLike(l, target)
		case "sum":
			return l.Sum()
		}
		return weightedMean(l, w)
	}
}

// CrossEntropyLoss is log_softmax followed by NLLLoss for class-index targets (int64), or
// −Σ_c w_c·y_c·log p_c for probability targets (float, shaped like the input). It supports
// class weights (the mean divides by the summed target weights), ignore_index, and label
// smoothing, with PyTorch's exact semantics.
func CrossEntropyLoss(opts ...LossOption) Loss {
	o := buildLoss(opts)
	return func(input, target *tensor.Tensor) *tensor.Tensor {
		if input.Dim() == 0 {
			panic("cross_entropy: input must have at least 1 dimension (the classes)")
		}
		cdim := 1
		if input.Dim() == 1 {
			cdim = 0
		}
		c := input.Size(cdim)
		logp := classLast(input.LogSoftmax(cdim))
		var wvec *tensor.Tensor
		if o.weight != nil {
			wvec = o.weight.To(logp.DType())
		}
		if target.DType().IsFloat() {
			if target.Dim() == input.Dim()-1 {
				panic(fmt.Sprintf("cross_entropy: target %v has dtype %v: class-index targets must be int64 (use target.To(tensor.Int64)); "+
					"float targets are class probabilities shaped like the input %v", target.Shape(), target.DType(), input.Shape()))
			}
			sameShapes("cross_entropy", input, target)
			y := classLast(target.To(logp.DType()))
			if o.labelSmoothing > 0 {
				y = y.MulScalar(1 - o.labelSmoothing).AddScalar(o.labelSmoothing / float64(c))
			}
			terms := logp.Mul(y)
			if wvec != nil {
				terms = terms.Mul(wvec)
			}
			l := terms.SumDims([]int{1}, false).Neg()
			switch o.reduction {
			case "none":
				if input.Dim() == 1 {
					return l.Reshape()
				}
				return reshapeLike(l, target.Select(1, 0))
			case "sum":
				return l.Sum()
			}
			return l.Sum().DivScalar(float64(l.Size(0)))
		}
		nll, w := nllParts("cross_entropy", logp, target, o)
		var out *tensor.Tensor
		switch o.reduction {
		case "none":
			out = reshapeLike(nll, target)
		case "sum":
			out = nll.Sum()
		default:
			out = weightedMean(nll, w)
		}
		if o.labelSmoothing == 0 {
			return out
		}
		ignored := target.Reshape(-1).EqScalar(float64(o.ignoreIndex))
		terms := logp
		if wvec != nil {
			terms = terms.Mul(wvec)
		}
		smooth := terms.SumDims([]int{1}, false).Neg().MaskedFill(ignored, 0)
		var sm *tensor.Tensor
		switch o.reduction {
		case "none":
			sm = reshapeLike(smooth, target)
		case "sum":
			sm = smooth.Sum()
		default:
			if wvec != nil {
				sm = weightedMean(smooth, w)
			} else {
				sm = weightedMean(smooth, ignored.LogicalNot().To(smooth.DType()))
			}
		}
		return out.MulScalar(1 - o.labelSmoothing).Add(sm.MulScalar(o.labelSmoothing / float64(c)))
	}
}

// KLDivLoss is target·(log target − input) for log-probability inputs (0 where target is 0),
// like nn.KLDivLoss; with LogTarget the target holds log-probabilities. Use
// Reduction("batchmean") for the true KL divergence per sample; "mean" averages over elements
// as PyTorch does.
func KLDivLoss(opts ...LossOption) Loss {
	o := buildLoss(opts)
	return func(input, target *tensor.Tensor) *tensor.Tensor {
		sameShapes("kl_div", input, target)
		t := floatTarget(input, target)
		var l *tensor.Tensor
		if o.logTarget {
			l = t.Exp().Mul(t.Sub(input))
		} else {
			// xlogy: 0·log 0 = 0.
			safe := tensor.Where(t.GtScalar(0), t, tensor.OnesLike(t))
			l = t.Mul(safe.Log()).Sub(t.Mul(input))
		}
		return reduce(l, o.reduction)
	}
}

// LossByName returns a loss for a lower-case name used on command lines: mse, l1,
// smooth_l1, huber, bce, bce_with_logits, cross_entropy, nll.
func LossByName(name string) (Loss, error) {
	switch name {
	case "mse":
		return MSELoss(), nil
	case "l1", "mae":
		return L1Loss(), nil
	case "smooth_l1":
		return SmoothL1Loss(), nil
	case "huber":
		return HuberLoss(), nil
	case "bce":
		return BCELoss(), nil
	case "bce_with_logits", "bcewithlogits":
		return BCEWithLogitsLoss(), nil
	case "cross_entropy", "ce":
		return CrossEntropyLoss(), nil
	case "nll":
		return NLLLoss(), nil
	}
	return nil, fmt.Errorf("unknown loss %q (want mse, l1, smooth_l1, huber, bce, bce_with_logits, cross_entropy or nll)", name)
}

// fusedBCEWithLogits computes the mean (or sum) BCE-with-logits loss in one pass on the
// operands' backend (backend.Backend.BCEWithLogits), with the gradient (sigmoid(x) − y)·scale,
// or returns nil when the operands are not contiguous tensors of one float dtype.
func fusedBCEWithLogits(input, y *tensor.Tensor, sum bool) *tensor.Tensor {
	xc, yc := input.Contiguous(), y.Contiguous()
	if !flat(xc) || !flat(yc) || xc.DType() != yc.DType() || !xc.DType().IsFloat() || xc.Device() != yc.Device() {
		return nil
	}
	be := xc.Backend()
	scale := 1.0
	if !sum {
		scale = 1 / float64(xc.Numel())
	}
	out := tensor.FullOn(input.Device(), input.DType(), be.BCEWithLogits(xc.Storage(), yc.Storage())*scale)
	return tensor.Attach("BinaryCrossEntropyWithLogitsBackward0", out, []*tensor.Tensor{input}, func(g *tensor.Tensor) []*tensor.Tensor {
		k := 0.0
		if !g.IsMeta() {
			k = g.Item() * scale
		}
		gt := tensor.ZerosOn(input.Device(), input.DType(), input.Shape()...)
		be.BCEWithLogitsBackward(gt.Storage(), xc.Storage(), yc.Storage(), k)
		return []*tensor.Tensor{gt}
	})
}

// flat reports whether t is contiguous and covers its whole storage.
func flat(t *tensor.Tensor) bool {
	return t.IsContiguous() && t.Offset() == 0 && t.Numel() == t.Storage().Len()
}
