package nn

import (
	"encoding/json"
	"fmt"
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
