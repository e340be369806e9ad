package nn

import (
	"fmt"
	"slices"

	"github.com/ember-ml/ember/tensor"
)

// LayerNormLayer normalises over the last dims (mean 0, variance 1, biased variance) and
// applies an elementwise affine map, like torch.nn.LayerNorm.
type LayerNormLayer struct {
	Weight *tensor.Tensor // normalized shape, or nil without affine
	Bias   *tensor.Tensor
	shape  []int
	eps    float64
}

// LayerNorm returns a layer normalising over the trailing dims of the given shape (eps 1e-5,
// weight 1 and bias 0 as in PyTorch).
func LayerNorm(normalizedShape []int, eps float64, affine bool, opts ...Option) *LayerNormLayer {
	if len(normalizedShape) == 0 {
		panic("nn: layer norm: empty normalized shape")
	}
	o := buildOptions(opts)
	l := &LayerNormLayer{shape: slices.Clone(normalizedShape), eps: eps}
	if affine {
		l.Weight = param(tensor.Ones(normalizedShape...), o.dtype)
		l.Bias = param(tensor.Zeros(normalizedShape...), o.dtype)
	}
	return l
}

// Forward normalises x, whose trailing dims must equal the normalized shape.
func (l *LayerNormLayer) Forward(x *tensor.Tensor) *tensor.Tensor {
	k := len(l.shape)
	if x.Dim() < k || !slices.Equal(x.Shape()[x.Dim()-k:], l.shape) {
		panic(fmt.Sprintf("layer_norm: input %v does not end in the normalized shape %v", x.Shape(), l.shape))
	}
	dims := make([]int, k)
	for i := range dims {
		dims[i] = x.Dim() - k + i
	}
	y := normalize(x, dims, nil, nil, l.eps)
	if l.Weight != nil {
		y = y.Mul(l.Weight).Add(l.Bias)
	}
	return observe(l, y)
}

// normalize returns (x − mean)/√(var + eps) over dims, using the given statistics when set
// (shaped to broadcast) and the batch's (biased variance) otherwise.
func normalize(x *tensor.Tensor, dims []int, mean, variance *tensor.Tensor, eps float64) *tensor.Tensor {
	if mean == nil {
		mean = x.MeanDims(dims, true)
		variance = x.Var(dims, 0, true)
	}
	return x.Sub(mean).Mul(variance.AddScalar(eps).Rsqrt())
}

// Describe returns PyTorch's name and extra_repr.
func (l *LayerNormLayer) Describe() (string, string) {
	return "LayerNorm", fmt.Sprintf("%s, eps=%s, elementwise_affine=%s", pyTuple(l.shape), pyExp(l.eps), pyBool(l.Weight != nil))
}

func pyTuple(s []int) string {
	out := "("
	for i, d := range s {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprint(d)
	}
	if len(s) == 1 {
		out += ","
	}
	return out + ")"
}

// pyExp formats like Python's repr of small floats (1e-05).
func pyExp(v float64) string {
	s := fmt.Sprintf("%g", v)
	if len(s) > 2 && s[len(s)-2] == '-' && (s[len(s)-3] == 'e') {
		s = s[:len(s)-1] + "0" + s[len(s)-1:]
	}
	return s
}

// BatchNormLayer normalises each channel (dim 1) with batch statistics in training and
// running statistics in evaluation, like torch.nn.BatchNorm1d/2d.
type BatchNormLayer struct {
	Weight            *tensor.Tensor // [C], or nil without affine
	Bias              *tensor.Tensor
	RunningMean       *tensor.Tensor `ember:"running_mean,buffer"`
	RunningVar        *tensor.Tensor `ember:"running_var,buffer"`
	NumBatchesTracked *tensor.Tensor `ember:"num_batches_tracked,buffer"`
	features          int
	eps, momentum     float64
	dims              int // 2 for BatchNorm1d inputs [N, C] or 3 for [N, C, L]; 4 for BatchNorm2d
	training          bool
}

// BatchNorm1d normalises [N, C] or [N, C, L] inputs (eps 1e-5, momentum 0.1 in PyTorch).
func BatchNorm1d(features int, eps, momentum float64, affine bool, opts ...Option) *BatchNormLayer {
	return newBatchNorm(features, eps, momentum, affine, 1, opts)
}

// BatchNorm2d normalises [N, C, H, W] inputs.
func BatchNorm2d(features int, eps, momentum float64, affine bool, opts ...Option) *BatchNormLayer {
	return newBatchNorm(features, eps, momentum, affine, 2, opts)
}

func newBatchNorm(features int, eps, momentum float64, affine bool, kind int, opts []Option) *BatchNormLayer {
	if features <= 0 {
		panic(fmt.Sprintf("nn: batch norm: features must be positive, got %d", features))
	}
	o := buildOptions(opts)
	b := &BatchNormLayer{features: features, eps: eps, momentum: momentum, dims: kind, training: true,
		RunningMean: tensor.ZerosOf(o.dtype, features), RunningVar: tensor.OnesOf(o.dtype, features),
		NumBatchesTracked: tensor.ZerosOf(tensor.Int64)}
	if affine {
		b.Weight = param(tensor.Ones(features), o.dtype)
		b.Bias = param(tensor.Zeros(features), o.dtype)
	}
	return b
}

// SetTraining switches between batch and running statistics.
func (b *BatchNormLayer) SetTraining(training bool) { b.training = training }

// Forward normalises x per channel.
func (b *BatchNormLayer) Forward(x *tensor.Tensor) *tensor.Tensor {
	ok := x.Dim() >= 2 && x.Size(1) == b.features
	if b.dims == 1 {
		ok = ok && (x.Dim() == 2 || x.Dim() == 3)
	} else {
		ok = ok && x.Dim() == 4
	}
	if !ok {
		name, _ := b.Describe()
		panic(fmt.Sprintf("%s: expected input with %d channels in dim 1 (%s), got %v", name, b.features, map[int]string{1: "[N, C] or [N, C, L]", 2: "[N, C, H, W]"}[b.dims], x.Shape()))
	}
	dims := []int{0}
	for d := 2; d < x.Dim(); d++ {
		dims = append(dims, d)
	}
	bshape := make([]int, x.Dim())
	for i := range bshape {
		bshape[i] = 1
	}
	bshape[1] = b.features
	var y *tensor.Tensor
	if b.training {
		count := x.Numel() / b.features
		if count <= 1 {
			panic(fmt.Sprintf("batch_norm: expected more than 1 value per channel when training, got input size %v", x.Shape()))
		}
		y = normalize(x, dims, nil, nil, b.eps)
		tensor.NoGrad(func() {
			mean := x.Detach().MeanDims(dims, false)
			unbiased := x.Detach().Var(dims, 1, false)
			m := b.momentum
			b.RunningMean.CopyFrom(b.RunningMean.MulScalar(1 - m).Add(mean.MulScalar(m)))
			b.RunningVar.CopyFrom(b.RunningVar.MulScalar(1 - m).Add(unbiased.MulScalar(m)))
			b.NumBatchesTracked.CopyFrom(b.NumBatchesTracked.AddScalar(1))
		})
	} else {
		y = normalize(x, dims, b.RunningMean.Reshape(bshape...), b.RunningVar.Reshape(bshape...), b.eps)
	}
	if b.Weight != nil {
		y = y.Mul(b.Weight.Reshape(bshape...)).Add(b.Bias.Reshape(bshape...))
	}
	return observe(b, y)
}

// Describe returns PyTorch's name and extra_repr.
func (b *BatchNormLayer) Describe() (string, string) {
	name := "BatchNorm1d"
	if b.dims == 2 {
		name = "BatchNorm2d"
	}
	return name, fmt.Sprintf("%d, eps=%s, momentum=%s, affine=%s, track_running_stats=True", b.features, pyExp(b.eps), pyFloat(b.momentum), pyBool(b.Weight != nil))
}

// EmbeddingLayer maps class indices to learned vectors, like torch.nn.Embedding.
type EmbeddingLayer struct {
	Weight  *tensor.Tensor // [num, dim]
	padding int64          // −1 for none
}

// Embedding returns a table of num vectors of size dim drawn from N(0, 1); paddingIdx (−1 for
// none) names a row that starts at zero and receives no gradient.
func Embedding(num, dim int, paddingIdx int64, opts ...Option) *EmbeddingLayer {
	if num <= 0 || dim <= 0 || paddingIdx < -1 || paddingIdx >= int64(num) {
		panic(fmt.Sprintf("nn: embedding: invalid size %d×%d or padding_idx %d", num, dim, paddingIdx))
	}
	o := buildOptions(opts)
	w := tensor.Randn(o.gen, num, dim)
	if paddingIdx >= 0 {
		w.Select(0, int(paddingIdx)).Fill(0)
	}
	return &EmbeddingLayer{Weight: param(w, o.dtype), padding: paddingIdx}
}

// Forward looks up the int64 indices idx (any shape); the result has a trailing dim.
func (e *EmbeddingLayer) Forward(idx *tensor.Tensor) *tensor.Tensor {
	if idx.DType() != tensor.Int64 {
		panic(fmt.Sprintf("embedding: indices must be int64, got %v", idx.DType()))
	}
	flat := idx.Reshape(-1)
	var out *tensor.Tensor
	tensor.NoGrad(func() { out = e.Weight.IndexSelect(0, flat) })
	num, dim := e.Weight.Size(0), e.Weight.Size(1)
	out = tensor.Attach("EmbeddingBackward0", out.Detach(), []*tensor.Tensor{e.Weight}, func(g *tensor.Tensor) []*tensor.Tensor {
		g = g.Reshape(-1, dim)
		if e.padding >= 0 {
			g = g.MaskedFill(flat.EqScalar(float64(e.padding)).Unsqueeze(1), 0)
		}
		wide := flat.Unsqueeze(1).Expand(-1, dim)
		return []*tensor.Tensor{tensor.ZerosOn(g.Device(), g.DType(), num, dim).ScatterAdd(0, wide.Contiguous(), g)}
	})
	return observe(e, out.Reshape(append(idx.Shape(), dim)...))
}

// Describe returns PyTorch's name and extra_repr.
func (e *EmbeddingLayer) Describe() (string, string) {
	s := fmt.Sprintf("%d, %d", e.Weight.Size(0), e.Weight.Size(1))
	if e.padding >= 0 {
		s += fmt.Sprintf(", padding_idx=%d", e.padding)
	}
	return "Embedding", s
}

// GroupNormLayer normalises groups of channels of [N, C, …] inputs per sample, like
// torch.nn.GroupNorm.
type GroupNormLayer struct {
	Weight   *tensor.Tensor // [C], or nil without affine
	Bias     *tensor.Tensor
	groups   int
	channels int
	eps      float64
}

// GroupNorm returns group normalisation of channels split into groups (eps 1e-5 in PyTorch).
func GroupNorm(groups, channels int, eps float64, affine bool, opts ...Option) *GroupNormLayer {
	if groups <= 0 || channels%groups != 0 {
		panic(fmt.Sprintf("nn: group norm: %d channels do not split into %d groups", channels, groups))
	}
	o := buildOptions(opts)
	g := &GroupNormLayer{groups: groups, channels: channels, eps: eps}
	if affine {
		g.Weight = param(tensor.Ones(channels), o.dtype)
		g.Bias = param(tensor.Zeros(channels), o.dtype)
	}
	return g
}

// Forward normalises x [N, C, …].
func (g *GroupNormLayer) Forward(x *tensor.Tensor) *tensor.Tensor {
	if x.Dim() < 2 || x.Size(1) != g.channels {
		panic(fmt.Sprintf("group_norm: expected input [N, %d, …], got %v", g.channels, x.Shape()))
	}
	shape := x.Shape()
	grouped := x.Reshape(shape[0], g.groups, -1)
	y := normalize(grouped, []int{2}, nil, nil, g.eps).Reshape(shape...)
	if g.Weight != nil {
		bshape := make([]int, len(shape))
		for i := range bshape {
			bshape[i] = 1
		}
		bshape[1] = g.channels
		y = y.Mul(g.Weight.Reshape(bshape...)).Add(g.Bias.Reshape(bshape...))
	}
	return observe(g, y)
}

// Describe returns PyTorch's name and extra_repr.
func (g *GroupNormLayer) Describe() (string, string) {
	return "GroupNorm", fmt.Sprintf("%d, %d, eps=%s, affine=%s", g.groups, g.channels, pyExp(g.eps), pyBool(g.Weight != nil))
}

// Dropout2dLayer zeroes whole channels of [N, C, H, W] (or [N, C, L]) inputs with probability
// P during training and scales the rest by 1/(1−P), like nn.Dropout2d.
type Dropout2dLayer struct {
	P        float64
	training bool
	gen      *tensor.Generator
}

// Dropout2d returns channel dropout, in training mode.
func Dropout2d(p float64, opts ...Option) *Dropout2dLayer {
	if p < 0 || p > 1 {
		panic(fmt.Sprintf("nn: dropout probability has to be between 0 and 1, but got %g", p))
	}
	return &Dropout2dLayer{P: p, training: true, gen: buildOptions(opts).gen}
}

// SetTraining switches between training and evaluation behaviour.
func (d *Dropout2dLayer) SetTraining(training bool) { d.training = training }

// Forward applies channel dropout in training mode.
func (d *Dropout2dLayer) Forward(x *tensor.Tensor) *tensor.Tensor {
	if !d.training || d.P == 0 {
		return observe(d, x)
	}
	if x.Dim() < 3 {
		panic(fmt.Sprintf("dropout2d: expected [N, C, H, W] or [N, C, L] input, got %v", x.Shape()))
	}
	mshape := make([]int, x.Dim())
	for i := range mshape {
		mshape[i] = 1
	}
	mshape[0], mshape[1] = x.Size(0), x.Size(1)
	return observe(d, x.Mul(dropoutMask(d.gen, d.P, x, mshape)))
}

// Describe returns PyTorch's name and extra_repr.
func (d *Dropout2dLayer) Describe() (string, string) {
	return "Dropout2d", fmt.Sprintf("p=%s, inplace=False", pyFloat(d.P))
}
