package nn

import (
	"encoding/json"
	"fmt"

	"github.com/ember-ml/ember/tensor"
)

// Spec describes a model built from the standard layers, so that it can be rebuilt without
// the code that made it (saved in a file's metadata, for example). Kind is the PyTorch class
// name; the other fields apply to the kinds that use them.
type Spec struct {
	Kind      string  `json:"kind"`
	In        int     `json:"in,omitempty"`
	Out       int     `json:"out,omitempty"`
	Bias      *bool   `json:"bias,omitempty"`
	P         float64 `json:"p,omitempty"`
	Slope     float64 `json:"negative_slope,omitempty"`
	Alpha     float64 `json:"alpha,omitempty"`
	Beta      float64 `json:"beta,omitempty"`
	Threshold float64 `json:"threshold,omitempty"`
	Dim       *int    `json:"dim,omitempty"`
	Start     *int    `json:"start_dim,omitempty"`
	End       *int    `json:"end_dim,omitempty"`
	Approx    string  `json:"approximate,omitempty"`
	Layers    []Spec  `json:"layers,omitempty"`
	Kernel    *[2]int `json:"kernel_size,omitempty"`
	Stride    *[2]int `json:"stride,omitempty"`
	Padding   *[2]int `json:"padding,omitempty"`
	Dilation  *[2]int `json:"dilation,omitempty"`
	Groups    int     `json:"groups,omitempty"`
	Same      bool    `json:"padding_same,omitempty"`
	NormShape []int   `json:"normalized_shape,omitempty"`
	Eps       float64 `json:"eps,omitempty"`
	Momentum  float64 `json:"momentum,omitempty"`
	Affine    *bool   `json:"affine,omitempty"`
	PadIdx    *int64  `json:"padding_idx,omitempty"`
}

func intp(v int) *int    { return &v }
func boolp(v bool) *bool { return &v }

// Describe returns the Spec of a model made of Sequential, Linear, the activations, Flatten
// and Dropout, or an error naming the first layer it cannot describe.
func Describe(m any) (Spec, error) {
	switch l := m.(type) {
	case *SequentialContainer:
		s := Spec{Kind: "Sequential"}
		for i, c := range l.Layers {
			cs, err := Describe(c)
			if err != nil {
				return Spec{}, fmt.Errorf("layer %d: %w", i, err)
			}
			s.Layers = append(s.Layers, cs)
		}
		return s, nil
	case *LinearLayer:
		return Spec{Kind: "Linear", In: l.in, Out: l.out, Bias: boolp(l.Bias != nil)}, nil
	case *FlattenLayer:
		return Spec{Kind: "Flatten", Start: intp(l.start), End: intp(l.end)}, nil
	case *DropoutLayer:
		return Spec{Kind: "Dropout", P: l.P}, nil
	case *Conv2dLayer:
		k, st, p, d := l.kernel, l.opts.Stride, l.opts.Padding, l.opts.Dilation
		return Spec{Kind: "Conv2d", In: l.in, Out: l.out, Bias: boolp(l.Bias != nil), Kernel: &k, Stride: &st, Padding: &p, Dilation: &d,
			Groups: l.opts.Groups, Same: l.opts.SamePadding}, nil
	case *PoolLayer:
		k, st, p, d := l.opts.Kernel, l.opts.Stride, l.opts.Padding, l.opts.Dilation
		kind := "AvgPool2d"
		if l.max {
			kind = "MaxPool2d"
		}
		return Spec{Kind: kind, Kernel: &k, Stride: &st, Padding: &p, Dilation: &d}, nil
	case *LayerNormLayer:
		return Spec{Kind: "LayerNorm", NormShape: l.shape, Eps: l.eps, Affine: boolp(l.Weight != nil)}, nil
	case *BatchNormLayer:
		kind := "BatchNorm1d"
		if l.dims == 2 {
			kind = "BatchNorm2d"
		}
		return Spec{Kind: kind, In: l.features, Eps: l.eps, Momentum: l.momentum, Affine: boolp(l.Weight != nil)}, nil
	case *EmbeddingLayer:
		p := l.padding
		return Spec{Kind: "Embedding", In: l.Weight.Size(0), Out: l.Weight.Size(1), PadIdx: &p}, nil
	case *Activation:
		if l.spec == nil {
			return Spec{}, fmt.Errorf("activation %s cannot be described", l.name)
		}
		return *l.spec, nil
	}
	name, _ := describe(m)
	return Spec{}, fmt.Errorf("nn: %s is not a standard layer; save its weights and rebuild it in code", name)
}

// Build makes a fresh model from a Spec (weights initialised as new layers are; load a
// state dict afterwards).
func Build(s Spec, opts ...Option) (Module, error) {
	switch s.Kind {
	case "Sequential":
		seq := Sequential()
		for i, c := range s.Layers {
			m, err := Build(c, opts...)
			if err != nil {
				return nil, fmt.Errorf("layer %d: %w", i, err)
			}
			seq.Append(m)
		}
		return seq, nil
	case "Linear":
		if s.In <= 0 || s.Out <= 0 || s.In > 1<<24 || s.Out > 1<<24 {
			return nil, fmt.Errorf("nn: linear spec with in %d and out %d", s.In, s.Out)
		}
		o := opts
		if s.Bias != nil && !*s.Bias {
			o = append(o, NoBias())
		}
		return Linear(s.In, s.Out, o...), nil
	case "Conv2d", "MaxPool2d", "AvgPool2d":
		get := func(p *[2]int) [2]int {
			if p == nil {
				return [2]int{}
			}
			return *p
		}
		k := get(s.Kernel)
		if k[0] <= 0 || k[1] <= 0 || k[0] > 1<<12 || k[1] > 1<<12 {
			return nil, fmt.Errorf("nn: %s spec with kernel %v", s.Kind, k)
		}
		if s.Kind != "Conv2d" {
			o := tensor.PoolOptions{Kernel: k, Stride: get(s.Stride), Padding: get(s.Padding), Dilation: get(s.Dilation)}
			if s.Kind == "MaxPool2d" {
				return MaxPool2d(o), nil
			}
			return AvgPool2d(o), nil
		}
		if s.In <= 0 || s.Out <= 0 || s.In > 1<<16 || s.Out > 1<<16 || (s.Groups > 0 && (s.In%s.Groups != 0 || s.Out%s.Groups != 0)) {
			return nil, fmt.Errorf("nn: conv2d spec with channels %d→%d, groups %d", s.In, s.Out, s.Groups)
		}
		o := opts
		if s.Bias != nil && !*s.Bias {
			o = append(o, NoBias())
		}
		return Conv2d(s.In, s.Out, k, tensor.Conv2dOptions{Stride: get(s.Stride), Padding: get(s.Padding), Dilation: get(s.Dilation), Groups: s.Groups, SamePadding: s.Same}, o...), nil
	case "LayerNorm":
		if len(s.NormShape) == 0 || len(s.NormShape) > 8 {
			return nil, fmt.Errorf("nn: layer norm spec with shape %v", s.NormShape)
		}
		for _, d := range s.NormShape {
			if d <= 0 || d > 1<<20 {
				return nil, fmt.Errorf("nn: layer norm spec with shape %v", s.NormShape)
			}
		}
		return LayerNorm(s.NormShape, s.Eps, s.Affine == nil || *s.Affine, opts...), nil
	case "BatchNorm1d", "BatchNorm2d":
		if s.In <= 0 || s.In > 1<<20 {
			return nil, fmt.Errorf("nn: batch norm spec with %d features", s.In)
		}
		affine := s.Affine == nil || *s.Affine
		if s.Kind == "BatchNorm1d" {
			return BatchNorm1d(s.In, s.Eps, s.Momentum, affine, opts...), nil
		}
		return BatchNorm2d(s.In, s.Eps, s.Momentum, affine, opts...), nil
	case "Embedding":
		pad := int64(-1)
		if s.PadIdx != nil {
			pad = *s.PadIdx
		}
		if s.In <= 0 || s.Out <= 0 || s.In > 1<<24 || s.Out > 1<<16 || pad < -1 || pad >= int64(s.In) {
			return nil, fmt.Errorf("nn: embedding spec %d×%d with padding_idx %d", s.In, s.Out, pad)
		}
		return Embedding(s.In, s.Out, pad, opts...), nil
	case "Flatten":
		f := Flatten()
		if s.Start != nil {
			f.start = *s.Start
		}
		if s.End != nil {
			f.end = *s.End
		}
		return f, nil
	case "Dropout":
		if s.P < 0 || s.P > 1 {
			return nil, fmt.Errorf("nn: dropout spec with p %g", s.P)
		}
		return Dropout(s.P, opts...), nil
	case "ReLU":
		return ReLU(), nil
	case "LeakyReLU":
		return LeakyReLU(s.Slope), nil
	case "ELU":
		return ELU(s.Alpha), nil
	case "Tanh":
		return Tanh(), nil
	case "Sigmoid":
		return Sigmoid(), nil
	case "GELU":
		if s.Approx == "tanh" {
			return GELUTanh(), nil
		}
		return GELU(), nil
	case "SiLU":
		return SiLU(), nil
	case "Softplus":
		return Softplus(s.Beta, s.Threshold), nil
	case "Softmax", "LogSoftmax":
		d := -1
		if s.Dim != nil {
			d = *s.Dim
		}
		if s.Kind == "Softmax" {
			return Softmax(d), nil
		}
		return LogSoftmax(d), nil
	case "Identity":
		return Identity(), nil
	}
	return nil, fmt.Errorf("nn: unknown layer kind %q", s.Kind)
}

// MarshalSpec describes m as JSON.
func MarshalSpec(m any) (string, error) {
	s, err := Describe(m)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(s)
	return string(b), err
}

// UnmarshalSpec rebuilds a model from JSON made by MarshalSpec.
func UnmarshalSpec(js string, opts ...Option) (Module, error) {
	var s Spec
	if err := json.Unmarshal([]byte(js), &s); err != nil {
		return nil, fmt.Errorf("nn: architecture: %w", err)
	}
	return Build(s, opts...)
}
