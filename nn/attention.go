package nn

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/tensor"
)

// ScaledDotProductAttention returns softmax(q·kᵀ/√d + mask)·v and the attention weights, for
// q [B, L, d], k [B, S, d], v [B, S, dv]; mask (optional) is additive (−inf blocks) and
// broadcasts to [B, L, S].
func ScaledDotProductAttention(q, k, v, mask *tensor.Tensor) (out, weights *tensor.Tensor) {
	d := q.Size(-1)
	scores := q.DivScalar(math.Sqrt(float64(d))).MatMul(k.Transpose(-2, -1))
	if mask != nil {
		scores = scores.Add(mask)
	}
	weights = scores.Softmax(-1)
	return weights.MatMul(v), weights
}

// CausalMask returns the [n, n] additive mask that lets position i attend to positions ≤ i
// (−inf above the diagonal), like nn.Transformer.generate_square_subsequent_mask.
func CausalMask(n int) *tensor.Tensor {
	vals := make([]float32, n*n)
	for i := range n {
		for j := i + 1; j < n; j++ {
			vals[i*n+j] = float32(math.Inf(-1))
		}
	}
	return tensor.FromSlice(vals, n, n)
}

// MultiheadAttentionLayer is torch.nn.MultiheadAttention: packed input projections, heads of
// embed/heads features, an output projection, and head-averaged weights.
type MultiheadAttentionLayer struct {
	InProjWeight *tensor.Tensor `ember:"in_proj_weight"` // [3·E, E]
	InProjBias   *tensor.Tensor `ember:"in_proj_bias"`   // [3·E], or nil
	OutProj      *LinearLayer   `ember:"out_proj"`
	embed, heads int
	dropout      float64
	batchFirst   bool
	training     bool
	gen          *tensor.Generator
}

// AttentionMasks are the optional masks of MultiheadAttention.Attend.
type AttentionMasks struct {
	// KeyPadding [N, S] marks keys to ignore (true, or a non-zero value).
	KeyPadding *tensor.Tensor
	// Attn [L, S] or [N·heads, L, S]: a bool mask (true blocks) or an additive float mask.
	Attn *tensor.Tensor
	// Causal adds CausalMask(L).
	Causal bool
}

// MultiheadAttention returns attention with PyTorch's initialisation (Xavier-uniform input
// projection, zero biases).
func MultiheadAttention(embed, heads int, dropout float64, bias, batchFirst bool, opts ...Option) *MultiheadAttentionLayer {
	if embed <= 0 || heads <= 0 || embed%heads != 0 {
		panic(fmt.Sprintf("nn: multihead attention: embed_dim %d must be divisible by num_heads %d", embed, heads))
	}
	o := buildOptions(opts)
	m := &MultiheadAttentionLayer{embed: embed, heads: heads, dropout: dropout, batchFirst: batchFirst, training: true, gen: o.gen}
	m.InProjWeight = param(XavierUniform(o.gen, 1, 3*embed, embed), o.dtype)
	lopts := append([]Option{}, opts...)
	if !bias {
		lopts = append(lopts, NoBias())
	}
	m.OutProj = Linear(embed, embed, lopts...)
	if bias {
		m.InProjBias = param(tensor.Zeros(3*embed), o.dtype)
		tensor.NoGrad(func() { m.OutProj.Bias.Fill(0) })
	}
	return m
}

// SetTraining switches attention dropout.
func (m *MultiheadAttentionLayer) SetTraining(training bool) { m.training = training }

// Forward is self-attention of x with no masks.
func (m *MultiheadAttentionLayer) Forward(x *tensor.Tensor) *tensor.Tensor {
	out, _ := m.Attend(x, x, x, AttentionMasks{})
	return observe(m, out)
}

// Attend returns the attention output ([L, N, E], or [N, L, E] with batch_first) and the
// weights averaged over heads [N, L, S].
func (m *MultiheadAttentionLayer) Attend(query, key, value *tensor.Tensor, masks AttentionMasks) (out, weights *tensor.Tensor) {
	if m.batchFirst {
		query, key, value = query.Transpose(0, 1), key.Transpose(0, 1), value.Transpose(0, 1)
	}
	if query.Dim() != 3 || query.Size(2) != m.embed || key.Dim() != 3 || value.Dim() != 3 {
		panic(fmt.Sprintf("multihead_attention: expected [L, N, %d] inputs, got %v, %v, %v", m.embed, query.Shape(), key.Shape(), value.Shape()))
	}
	L, N, E, H := query.Size(0), query.Size(1), m.embed, m.heads
	S := key.Size(0)
	hd := E / H
	w := m.InProjWeight.Split(E, 0)
	var b []*tensor.Tensor
	if m.InProjBias != nil {
		b = m.InProjBias.Split(E, 0)
	} else {
		b = []*tensor.Tensor{nil, nil, nil}
	}
	heads := func(x *tensor.Tensor, wi, bi *tensor.Tensor, n int) *tensor.Tensor {
		// [n, N, E] → [N·H, n, hd]
		return tensor.Linear(x, wi, bi, tensor.ActNone).Reshape(n, N*H, hd).Transpose(0, 1)
	}
	q, k, v := heads(query, w[0], b[0], L), heads(key, w[1], b[1], S), heads(value, w[2], b[2], S)
	var mask *tensor.Tensor
	addMask := func(add *tensor.Tensor) {
		if mask == nil {
			mask = add
		} else {
			mask = mask.Add(add)
		}
	}
	if a := masks.Attn; a != nil {
		if a.DType() == tensor.Bool {
			a = tensor.ZerosOn(query.Device(), query.DType(), a.Shape()...).MaskedFill(a, math.Inf(-1))
		}
		addMask(a.To(query.DType()))
	}
	if masks.Causal {
		addMask(CausalMask(L).To(query.DType()).To(query.Device()))
	}
	if kp := masks.KeyPadding; kp != nil {
		if kp.Dim() != 2 || kp.Size(0) != N || kp.Size(1) != S {
			panic(fmt.Sprintf("multihead_attention: key padding mask %v, want [%d, %d]", kp.Shape(), N, S))
		}
		pad := tensor.ZerosOn(query.Device(), query.DType(), N, 1, 1, S).MaskedFill(kp.To(tensor.Bool).Reshape(N, 1, 1, S), math.Inf(-1))
		addMask(pad.Expand(N, H, 1, S).Reshape(N*H, 1, S))
	}
	attnOut, attn := ScaledDotProductAttention(q, k, v, mask)
	if m.training && m.dropout > 0 {
		attn = Dropout(m.dropout, WithGenerator(m.gen)).Forward(attn)
		attnOut = attn.MatMul(v)
	}
	out = m.OutProj.Forward(attnOut.Transpose(0, 1).Reshape(L, N, E))
	weights = attn.Reshape(N, H, L, S).MeanDims([]int{1}, false)
	if m.batchFirst {
		out = out.Transpose(0, 1)
	}
	return observe(m, out), weights
}

// Describe returns PyTorch's name and extra_repr shape for printing.
func (m *MultiheadAttentionLayer) Describe() (string, string) { return "MultiheadAttention", "" }

// TransformerEncoderLayerModule is torch.nn.TransformerEncoderLayer: self-attention and a
// feed-forward block, each with a residual connection and LayerNorm (after, or before with
// norm_first).
type TransformerEncoderLayerModule struct {
	SelfAttn   *MultiheadAttentionLayer `ember:"self_attn"`
	Linear1    *LinearLayer
	Dropout    *DropoutLayer
	Linear2    *LinearLayer
	Norm1      *LayerNormLayer
	Norm2      *LayerNormLayer
	Dropout1   *DropoutLayer
	Dropout2   *DropoutLayer
	activation *Activation
	normFirst  bool
	// Masks apply to every call of Forward.
	Masks AttentionMasks `ember:"-"`
}

// TransformerOptions are a Transformer layer's settings; zero values are PyTorch's defaults
// except where noted (dim_feedforward 2048, dropout 0.1 unless NoDropout, ReLU, eps 1e-5).
type TransformerOptions struct {
	FeedForward int
	Dropout     float64
	NoDropout   bool
	GELU        bool
	Eps         float64
	BatchFirst  bool
	NormFirst   bool
}

// TransformerEncoderLayer builds one encoder layer.
func TransformerEncoderLayer(dModel, heads int, o TransformerOptions, opts ...Option) *TransformerEncoderLayerModule {
	if o.FeedForward == 0 {
		o.FeedForward = 2048
	}
	if o.Dropout == 0 && !o.NoDropout {
		o.Dropout = 0.1
	}
	if o.NoDropout {
		o.Dropout = 0
	}
	if o.Eps == 0 {
		o.Eps = 1e-5
	}
	act := ReLU()
	if o.GELU {
		act = GELU()
	}
	return &TransformerEncoderLayerModule{
		SelfAttn: MultiheadAttention(dModel, heads, o.Dropout, true, o.BatchFirst, opts...),
		Linear1:  Linear(dModel, o.FeedForward, opts...), Dropout: Dropout(o.Dropout, opts...),
		Linear2: Linear(o.FeedForward, dModel, opts...),
		Norm1:   LayerNorm([]int{dModel}, o.Eps, true, opts...), Norm2: LayerNorm([]int{dModel}, o.Eps, true, opts...),
		Dropout1: Dropout(o.Dropout, opts...), Dropout2: Dropout(o.Dropout, opts...),
		activation: act, normFirst: o.NormFirst,
	}
}

func (t *TransformerEncoderLayerModule) block(x *tensor.Tensor) *tensor.Tensor {
	a, _ := t.SelfAttn.Attend(x, x, x, t.Masks)
	return t.Dropout1.Forward(a)
}

func (t *TransformerEncoderLayerModule) ff(x *tensor.Tensor) *tensor.Tensor {
	return t.Dropout2.Forward(t.Linear2.Forward(t.Dropout.Forward(t.activation.Forward(t.Linear1.Forward(x)))))
}

// Forward runs the layer on x ([S, N, E], or [N, S, E] with batch_first).
func (t *TransformerEncoderLayerModule) Forward(x *tensor.Tensor) *tensor.Tensor {
	if t.normFirst {
		x = x.Add(t.block(t.Norm1.Forward(x)))
		return observe(t, x.Add(t.ff(t.Norm2.Forward(x))))
	}
	x = t.Norm1.Forward(x.Add(t.block(x)))
	return observe(t, t.Norm2.Forward(x.Add(t.ff(x))))
}

// Describe returns PyTorch's name.
func (t *TransformerEncoderLayerModule) Describe() (string, string) {
	return "TransformerEncoderLayer", ""
}

// TransformerEncoderModule stacks encoder layers, like torch.nn.TransformerEncoder.
type TransformerEncoderModule struct {
	Layers []*TransformerEncoderLayerModule
	Norm   *LayerNormLayer // optional final norm
}

// TransformerEncoder stacks n layers made by newLayer (PyTorch deep-copies one layer; here
// each layer is built, so initial weights differ between layers).
func TransformerEncoder(n int, newLayer func() *TransformerEncoderLayerModule, norm *LayerNormLayer) *TransformerEncoderModule {
	e := &TransformerEncoderModule{Norm: norm}
	for range n {
		e.Layers = append(e.Layers, newLayer())
	}
	return e
}

// Forward runs every layer, with masks set on each.
func (e *TransformerEncoderModule) ForwardMasked(x *tensor.Tensor, masks AttentionMasks) *tensor.Tensor {
	for _, l := range e.Layers {
		l.Masks = masks
		x = l.Forward(x)
	}
	if e.Norm != nil {
		x = e.Norm.Forward(x)
	}
	return x
}

// Forward runs every layer without masks.
func (e *TransformerEncoderModule) Forward(x *tensor.Tensor) *tensor.Tensor {
	return observe(e, e.ForwardMasked(x, AttentionMasks{}))
}

// Describe returns PyTorch's name.
func (e *TransformerEncoderModule) Describe() (string, string) { return "TransformerEncoder", "" }

// PositionalEncoding returns the sinusoidal table [n, d]: sin at even and cos at odd features,
// with wavelengths growing geometrically to 10000·2π, as in "Attention Is All You Need".
func PositionalEncoding(n, d int) *tensor.Tensor {
	vals := make([]float32, n*d)
	for pos := range n {
		for i := 0; i < d; i += 2 {
			freq := math.Exp(-float64(i) * math.Log(10000) / float64(d))
			vals[pos*d+i] = float32(math.Sin(float64(pos) * freq))
			if i+1 < d {
				vals[pos*d+i+1] = float32(math.Cos(float64(pos) * freq))
			}
		}
	}
	return tensor.FromSlice(vals, n, d)
}

// TransformerDecoderLayerModule is torch.nn.TransformerDecoderLayer: masked self-attention,
// attention over the encoder's memory, and a feed-forward block, each with a residual
// connection and LayerNorm (after, or before with norm_first).
type TransformerDecoderLayerModule struct {
	SelfAttn      *MultiheadAttentionLayer `ember:"self_attn"`
	MultiheadAttn *MultiheadAttentionLayer `ember:"multihead_attn"`
	Linear1       *LinearLayer
	Dropout       *DropoutLayer
	Linear2       *LinearLayer
	Norm1         *LayerNormLayer
	Norm2         *LayerNormLayer
	Norm3         *LayerNormLayer
	Dropout1      *DropoutLayer
	Dropout2      *DropoutLayer
	Dropout3      *DropoutLayer
	activation    *Activation
	normFirst     bool
}

// TransformerDecoderLayer builds one decoder layer (options as TransformerEncoderLayer).
func TransformerDecoderLayer(dModel, heads int, o TransformerOptions, opts ...Option) *TransformerDecoderLayerModule {
	enc := TransformerEncoderLayer(dModel, heads, o, opts...)
	if o.NoDropout {
		o.Dropout = 0
	} else if o.Dropout == 0 {
		o.Dropout = 0.1
	}
	eps := o.Eps
	if eps == 0 {
		eps = 1e-5
	}
	return &TransformerDecoderLayerModule{
		SelfAttn: enc.SelfAttn, MultiheadAttn: MultiheadAttention(dModel, heads, o.Dropout, true, o.BatchFirst, opts...),
		Linear1: enc.Linear1, Dropout: enc.Dropout, Linear2: enc.Linear2,
		Norm1: enc.Norm1, Norm2: enc.Norm2, Norm3: LayerNorm([]int{dModel}, eps, true, opts...),
		Dropout1: enc.Dropout1, Dropout2: enc.Dropout2, Dropout3: Dropout(o.Dropout, opts...),
		activation: enc.activation, normFirst: o.NormFirst,
	}
}

// Decode runs the layer on tgt with the encoder output memory and optional masks for each
// attention.
func (d *TransformerDecoderLayerModule) Decode(tgt, memory *tensor.Tensor, tgtMasks, memoryMasks AttentionMasks) *tensor.Tensor {
	sa := func(x *tensor.Tensor) *tensor.Tensor {
		a, _ := d.SelfAttn.Attend(x, x, x, tgtMasks)
		return d.Dropout1.Forward(a)
	}
	mha := func(x *tensor.Tensor) *tensor.Tensor {
		a, _ := d.MultiheadAttn.Attend(x, memory, memory, memoryMasks)
		return d.Dropout2.Forward(a)
	}
	ff := func(x *tensor.Tensor) *tensor.Tensor {
		return d.Dropout3.Forward(d.Linear2.Forward(d.Dropout.Forward(d.activation.Forward(d.Linear1.Forward(x)))))
	}
	x := tgt
	if d.normFirst {
		x = x.Add(sa(d.Norm1.Forward(x)))
		x = x.Add(mha(d.Norm2.Forward(x)))
		return x.Add(ff(d.Norm3.Forward(x)))
	}
	x = d.Norm1.Forward(x.Add(sa(x)))
	x = d.Norm2.Forward(x.Add(mha(x)))
	return d.Norm3.Forward(x.Add(ff(x)))
}

// Forward decodes x attending to itself as memory (rarely useful; use Decode).
func (d *TransformerDecoderLayerModule) Forward(x *tensor.Tensor) *tensor.Tensor {
	return observe(d, d.Decode(x, x, AttentionMasks{}, AttentionMasks{}))
}

// Describe returns PyTorch's name.
func (d *TransformerDecoderLayerModule) Describe() (string, string) {
	return "TransformerDecoderLayer", ""
}
