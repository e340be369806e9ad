package nn

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/ember-ml/ember/tensor"
)

// LinearLayer applies y = x·Wᵀ + b to the last dim of its input, like torch.nn.Linear.
type LinearLayer struct {
	Weight *tensor.Tensor // [out, in]
	Bias   *tensor.Tensor // [out], or nil
	in     int
	out    int
}

// Linear returns a fully connected layer with PyTorch's default initialisation: weight from
// Kaiming-uniform with a = √5 (that is U(-1/√in, 1/√in)) and bias from U(-1/√in, 1/√in).
func Linear(in, out int, opts ...Option) *LinearLayer {
	if in <= 0 || out <= 0 {
		panic(fmt.Sprintf("nn: linear: in_features and out_features must be positive, got %d and %d", in, out))
	}
	o := buildOptions(opts)
	l := &LinearLayer{in: in, out: out}
	l.Weight = param(KaimingUniform(o.gen, math.Sqrt(5), out, in), o.dtype)
	if !o.noBias {
		bound := 1 / math.Sqrt(float64(in))
		l.Bias = param(tensor.Uniform(o.gen, -bound, bound, out), o.dtype)
	}
	return l
}

// Forward applies the layer to x of shape [..., in] (one fused op; see tensor.Linear).
func (l *LinearLayer) Forward(x *tensor.Tensor) *tensor.Tensor {
	return observe(l, l.forwardAct(x, tensor.ActNone))
}

func (l *LinearLayer) forwardAct(x *tensor.Tensor, act string) *tensor.Tensor {
	if x.Dim() == 0 || x.Size(-1) != l.in {
		panic(fmt.Sprintf("linear: input of shape %v does not end in in_features=%d", x.Shape(), l.in))
	}
	return tensor.Linear(x, l.Weight, l.Bias, act)
}

// Describe returns PyTorch's name and extra_repr.
func (l *LinearLayer) Describe() (string, string) {
	return "Linear", fmt.Sprintf("in_features=%d, out_features=%d, bias=%v", l.in, l.out, pyBool(l.Bias != nil))
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// Activation is a parameter-free elementwise layer such as ReLU or Tanh.
type Activation struct {
	name  string
	extra string
	fn    func(*tensor.Tensor) *tensor.Tensor
	fused string // the tensor.Linear activation equal to this one, if any
	spec  *Spec  // how to rebuild it
}

// Forward applies the activation.
func (a *Activation) Forward(x *tensor.Tensor) *tensor.Tensor { return observe(a, a.fn(x)) }

// Describe returns PyTorch's name and extra_repr.
func (a *Activation) Describe() (string, string) { return a.name, a.extra }

// ReLU returns max(x, 0) as a layer.
func ReLU() *Activation {
	return &Activation{name: "ReLU", fn: (*tensor.Tensor).ReLU, fused: tensor.ActReLU, spec: &Spec{Kind: "ReLU"}}
}

// LeakyReLU returns x for x > 0 and slope·x elsewhere (PyTorch's default slope is 0.01).
func LeakyReLU(slope float64) *Activation {
	return &Activation{name: "LeakyReLU", extra: "negative_slope=" + pyFloat(slope), fn: func(x *tensor.Tensor) *tensor.Tensor { return x.LeakyReLU(slope) },
		spec: &Spec{Kind: "LeakyReLU", Slope: slope}}
}

// ELU returns x for x > 0 and alpha·(eˣ−1) elsewhere (PyTorch's default alpha is 1).
func ELU(alpha float64) *Activation {
	return &Activation{name: "ELU", extra: "alpha=" + pyFloat(alpha), fn: func(x *tensor.Tensor) *tensor.Tensor { return x.ELU(alpha) },
		spec: &Spec{Kind: "ELU", Alpha: alpha}}
}

// Tanh returns tanh as a layer.
func Tanh() *Activation {
	return &Activation{name: "Tanh", fn: (*tensor.Tensor).Tanh, fused: tensor.ActTanh, spec: &Spec{Kind: "Tanh"}}
}

// Sigmoid returns the logistic function as a layer.
func Sigmoid() *Activation {
	return &Activation{name: "Sigmoid", fn: (*tensor.Tensor).Sigmoid, fused: tensor.ActSigmoid, spec: &Spec{Kind: "Sigmoid"}}
}

// GELU returns the exact GELU as a layer; GELUTanh the tanh approximation.
func GELU() *Activation {
	return &Activation{name: "GELU", extra: "approximate='none'", fn: (*tensor.Tensor).GELU, spec: &Spec{Kind: "GELU"}}
}

// GELUTanh returns GELU with approximate='tanh'.
func GELUTanh() *Activation {
	return &Activation{name: "GELU", extra: "approximate='tanh'", fn: (*tensor.Tensor).GELUTanh, spec: &Spec{Kind: "GELU", Approx: "tanh"}}
}

// SiLU returns x·sigmoid(x) as a layer.
func SiLU() *Activation {
	return &Activation{name: "SiLU", fn: (*tensor.Tensor).SiLU, spec: &Spec{Kind: "SiLU"}}
}

// Softplus returns log(1+e^(beta·x))/beta, linear above threshold (defaults 1 and 20).
func Softplus(beta, threshold float64) *Activation {
	return &Activation{name: "Softplus", extra: fmt.Sprintf("beta=%v, threshold=%v", beta, threshold),
		fn: func(x *tensor.Tensor) *tensor.Tensor { return x.Softplus(beta, threshold) }, spec: &Spec{Kind: "Softplus", Beta: beta, Threshold: threshold}}
}

// Softmax normalises along dim as a layer.
func Softmax(dim int) *Activation {
	return &Activation{name: "Softmax", extra: fmt.Sprintf("dim=%d", dim), fn: func(x *tensor.Tensor) *tensor.Tensor { return x.Softmax(dim) },
		spec: &Spec{Kind: "Softmax", Dim: intp(dim)}}
}

// LogSoftmax returns log-probabilities along dim as a layer.
func LogSoftmax(dim int) *Activation {
	return &Activation{name: "LogSoftmax", extra: fmt.Sprintf("dim=%d", dim), fn: func(x *tensor.Tensor) *tensor.Tensor { return x.LogSoftmax(dim) },
		spec: &Spec{Kind: "LogSoftmax", Dim: intp(dim)}}
}

// Identity returns its input unchanged.
func Identity() *Activation {
	return &Activation{name: "Identity", fn: func(x *tensor.Tensor) *tensor.Tensor { return x }, spec: &Spec{Kind: "Identity"}}
}

// ActivationByName returns the activation layer for a lower-case name used on command lines:
// relu, leaky_relu, elu, tanh, sigmoid, gelu, silu, softplus, identity (or linear).
func ActivationByName(name string) (*Activation, error) {
	switch strings.ToLower(name) {
	case "relu":
		return ReLU(), nil
	case "leaky_relu", "leakyrelu":
		return LeakyReLU(0.01), nil
	case "elu":
		return ELU(1), nil
	case "tanh":
		return Tanh(), nil
	case "sigmoid":
		return Sigmoid(), nil
	case "gelu":
		return GELU(), nil
	case "silu", "swish":
		return SiLU(), nil
	case "softplus":
		return Softplus(1, 20), nil
	case "identity", "linear":
		return Identity(), nil
	}
	return nil, fmt.Errorf("unknown activation %q (want relu, leaky_relu, elu, tanh, sigmoid, gelu, silu, softplus or identity)", name)
}

// pyFloat formats a float as Python's repr does for simple values (0.01, 1.0, 20.0).
func pyFloat(v float64) string {
	s := fmt.Sprint(v)
	if !strings.ContainsAny(s, ".eIN") {
		s += ".0"
	}
	return s
}

// FlattenLayer flattens dims start…end of its input (defaults 1 and -1).
type FlattenLayer struct{ start, end int }

// Flatten returns a layer that flattens dims start_dim…end_dim, like nn.Flatten(start_dim=1,
// end_dim=-1): Flatten() keeps the batch dim and flattens the rest, Flatten(0) flattens
// everything, Flatten(1, 2) flattens dims 1 and 2. More than two dims panic.
func Flatten(dims ...int) *FlattenLayer {
	f := &FlattenLayer{1, -1}
	switch len(dims) {
	case 2:
		f.end = dims[1]
		fallthrough
	case 1:
		f.start = dims[0]
	case 0:
	default:
		panic(fmt.Sprintf("nn: Flatten takes start_dim and end_dim, got %d dims", len(dims)))
	}
	return f
}

// FlattenDims flattens dims start…end; it is Flatten(start, end).
func FlattenDims(start, end int) *FlattenLayer { return Flatten(start, end) }

// Forward flattens x.
func (f *FlattenLayer) Forward(x *tensor.Tensor) *tensor.Tensor {
	return observe(f, x.Flatten(f.start, f.end))
}

// Describe returns PyTorch's name and extra_repr.
func (f *FlattenLayer) Describe() (string, string) {
	return "Flatten", fmt.Sprintf("start_dim=%d, end_dim=%d", f.start, f.end)
}

// DropoutLayer zeroes each element with probability P during training and scales the rest
// by 1/(1-P); in evaluation it is the identity.
type DropoutLayer struct {
	P        float64
	training bool
	gen      *tensor.Generator
}

// Dropout returns a dropout layer (PyTorch's default p is 0.5), in training mode.
func Dropout(p float64, opts ...Option) *DropoutLayer {
	if p < 0 || p > 1 {
		panic(fmt.Sprintf("nn: dropout probability has to be between 0 and 1, but got %g", p))
	}
	return &DropoutLayer{P: p, training: true, gen: buildOptions(opts).gen}
}

// SetTraining switches between training and evaluation behaviour.
func (d *DropoutLayer) SetTraining(training bool) { d.training = training }

// Forward applies dropout in training mode.
func (d *DropoutLayer) Forward(x *tensor.Tensor) *tensor.Tensor {
	if !d.training || d.P == 0 {
		return observe(d, x)
	}
	if d.P == 1 {
		return observe(d, x.MulScalar(0))
	}
	return observe(d, x.Mul(dropoutMask(d.gen, d.P, x, x.Shape())))
}

// dropoutMask returns a mask of shape on x's device and dtype holding 1/(1-p) with
// probability 1-p and 0 otherwise; on the meta device, where values do not exist, it draws
// nothing.
func dropoutMask(g *tensor.Generator, p float64, x *tensor.Tensor, shape []int) *tensor.Tensor {
	if x.IsMeta() {
		return tensor.FullOn(x.Device(), x.DType(), 1/(1-p), shape...)
	}
	return tensor.Rand(g, shape...).GeScalar(p).To(x.DType()).DivScalar(1 - p).To(x.Device())
}

// Describe returns PyTorch's name and extra_repr.
func (d *DropoutLayer) Describe() (string, string) {
	return "Dropout", fmt.Sprintf("p=%s, inplace=False", pyFloat(d.P))
}

// SequentialContainer runs its layers in order, like torch.nn.Sequential.
type SequentialContainer struct {
	Layers []Module `ember:"-"`

	mlp  tensor.MLPCache           // buffers of the fused chain, when the layers form one
	plan atomic.Pointer[densePlan] // the last chain made from Layers
}

// densePlan is Layers seen as a chain of dense layers (nil layers when they are not one).
type densePlan struct {
	from   []Module
	layers []tensor.DenseLayer
}

// Sequential chains modules; state-dict names are "0.weight", "1.bias", ….
func Sequential(layers ...Module) *SequentialContainer { return &SequentialContainer{Layers: layers} }

// Forward feeds x through every layer. A Linear layer followed by ReLU, Tanh or Sigmoid, and a
// Conv2d followed by ReLU, run as one fused op, which computes the same numbers with less
// overhead. When no gradients are recorded, activations that the loop itself allocated are
// recycled once the next standard layer has consumed them; the caller's input, and views of
// it, are never recycled.
func (s *SequentialContainer) Forward(x *tensor.Tensor) *tensor.Tensor {
	if observing() {
		// Summary sees every layer's output: no fusion.
		for _, l := range s.Layers {
			x = l.Forward(x)
		}
		return observe(s, x)
	}
	if plan := s.densePlan(); plan != nil && x.Dim() == 2 {
		return observe(s, tensor.MLP(x, plan, &s.mlp))
	}
	recycle := !tensor.GradEnabled()
	// owned is an activation this loop allocated (never the caller's input or a view of it);
	// x is owned or a view of owned, or the input or a view of the input.
	var owned *tensor.Tensor
	for i := 0; i < len(s.Layers); i++ {
		var next *tensor.Tensor
		layer := s.Layers[i]
		if i+1 < len(s.Layers) {
			if act, ok := s.Layers[i+1].(*Activation); ok && act.fused != "" {
				switch l := layer.(type) {
				case *LinearLayer:
					next = l.forwardAct(x, act.fused)
				case *Conv2dLayer:
					if act.fused == tensor.ActReLU {
						next = l.forwardAct(x, act.fused)
					}
				}
				if next != nil {
					i++
				}
			}
		}
		if next == nil {
			next = layer.Forward(x)
		}
		switch {
		case !recycle:
		case !isStandard(layer):
			owned = nil // the layer may keep its input: never recycle it
		case !next.SharesStorage(x):
			// next is fresh storage and x (the owned activation or a view of it, or the
			// caller's input) is consumed.
			if owned != nil {
				tensor.Release(owned)
			}
			owned = next
		}
		x = next
	}
	return observe(s, x)
}

// densePlan returns the layers as a chain of dense layers when they are only Linear layers,
// each optionally followed by ReLU (the fused MLP op runs them), else nil.
func (s *SequentialContainer) densePlan() []tensor.DenseLayer {
	if p := s.plan.Load(); p != nil && slices.Equal(p.from, s.Layers) && p.current() {
		return p.layers
	}
	p := &densePlan{from: slices.Clone(s.Layers), layers: denseLayers(s.Layers)}
	s.plan.Store(p)
	return p.layers
}

// denseLayers returns layers as a chain of dense layers, or nil when they are not one.
func denseLayers(layers []Module) []tensor.DenseLayer {
	var plan []tensor.DenseLayer
	for i := 0; i < len(layers); i++ {
		lin, ok := layers[i].(*LinearLayer)
		if !ok {
			return nil
		}
		d := tensor.DenseLayer{W: lin.Weight, B: lin.Bias}
		if i+1 < len(layers) {
			if act, ok := layers[i+1].(*Activation); ok && act.fused == tensor.ActReLU {
				d.Act = tensor.ActReLU
				i++
			}
		}
		plan = append(plan, d)
	}
	return plan
}

// current reports whether the plan still holds its layers' parameters (they may be replaced).
func (p *densePlan) current() bool {
	k := 0
	for _, m := range p.from {
		if lin, ok := m.(*LinearLayer); ok {
			if k >= len(p.layers) {
				return p.layers == nil
			}
			if p.layers[k].W != lin.Weight || p.layers[k].B != lin.Bias {
				return false
			}
			k++
		}
	}
	return true
}

// isStandard reports whether a layer is one of nn's own, which never keep their input.
func isStandard(m Module) bool {
	switch m.(type) {
	case *LinearLayer, *Activation, *FlattenLayer, *DropoutLayer, *Conv2dLayer, *PoolLayer, *LayerNormLayer, *BatchNormLayer,
		*Conv1dLayer, *Pool1dLayer, *AdaptiveAvgPoolLayer, *GroupNormLayer, *Dropout2dLayer,
		*ConvTranspose2dLayer, *UpsampleLayer, *ConvTranspose1dLayer:
		return true
	}
	return false
}

// Children lists the layers named by their position.
func (s *SequentialContainer) Children() []Child {
	cs := make([]Child, len(s.Layers))
	for i, l := range s.Layers {
		cs[i] = Child{fmt.Sprint(i), l}
	}
	return cs
}

// Describe returns PyTorch's name.
func (s *SequentialContainer) Describe() (string, string) { return "Sequential", "" }

// Append adds a layer at the end.
func (s *SequentialContainer) Append(m Module) { s.Layers = append(s.Layers, m) }

// Parameters returns the parameters of all layers.
func (s *SequentialContainer) Parameters() []*tensor.Tensor { return Parameters(s) }

// Train puts every layer in training mode.
func (s *SequentialContainer) Train() { Train(s) }

// Eval puts every layer in evaluation mode.
func (s *SequentialContainer) Eval() { Eval(s) }

// String prints the model like PyTorch.
func (s *SequentialContainer) String() string { return String(s) }
