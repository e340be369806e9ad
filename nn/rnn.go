package nn

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/tensor"
)

// RNNLayer is a multi-layer Elman RNN, LSTM or GRU with PyTorch's names, gate order, shapes
// and initialisation (every weight and bias from U(±1/√hidden)).
type RNNLayer struct {
	// Weights holds weight_ih_l{k}[_reverse], weight_hh_…, bias_ih_…, bias_hh_… in PyTorch's
	// order; gates are stacked as i,f,g,o (LSTM) or r,z,n (GRU).
	Weights       []*tensor.Tensor `ember:"-"`
	names         []string
	mode          string // "RNN_TANH", "RNN_RELU", "LSTM", "GRU"
	input, hidden int
	layers        int
	bidirectional bool
	batchFirst    bool
	dropout       float64
	bias          bool
	training      bool
	gen           *tensor.Generator
}

// RNNOptions configure a recurrent layer; zero values are PyTorch's defaults (1 layer, bias,
// sequence-first, unidirectional, no dropout, tanh).
type RNNOptions struct {
	Layers        int
	NoBias        bool
	BatchFirst    bool
	Bidirectional bool
	Dropout       float64
	ReLU          bool // RNN only: relu instead of tanh
}

// RNN returns an Elman RNN.
func RNN(input, hidden int, o RNNOptions, opts ...Option) *RNNLayer {
	mode := "RNN_TANH"
	if o.ReLU {
		mode = "RNN_RELU"
	}
	return newRNN(mode, input, hidden, o, opts)
}

// LSTM returns a long short-term memory network.
func LSTM(input, hidden int, o RNNOptions, opts ...Option) *RNNLayer {
	return newRNN("LSTM", input, hidden, o, opts)
}

// GRU returns a gated recurrent unit network.
func GRU(input, hidden int, o RNNOptions, opts ...Option) *RNNLayer {
	return newRNN("GRU", input, hidden, o, opts)
}

func (r *RNNLayer) gates() int {
	switch r.mode {
	case "LSTM":
		return 4
	case "GRU":
		return 3
	}
	return 1
}

func newRNN(mode string, input, hidden int, o RNNOptions, opts []Option) *RNNLayer {
	layers := max(o.Layers, 1)
	if input <= 0 || hidden <= 0 || o.Dropout < 0 || o.Dropout > 1 {
		panic(fmt.Sprintf("nn: %s: invalid sizes %d, %d or dropout %g", mode, input, hidden, o.Dropout))
	}
	op := buildOptions(opts)
	r := &RNNLayer{mode: mode, input: input, hidden: hidden, layers: layers, bidirectional: o.Bidirectional,
		batchFirst: o.BatchFirst, dropout: o.Dropout, bias: !o.NoBias, training: true, gen: op.gen}
	bound := 1 / math.Sqrt(float64(hidden))
	dirs := r.dirs()
	for l := range layers {
		in := input
		if l > 0 {
			in = hidden * dirs
		}
		for d := range dirs {
			suffix := fmt.Sprintf("_l%d", l)
			if d == 1 {
				suffix += "_reverse"
			}
			add := func(name string, shape ...int) {
				r.names = append(r.names, name+suffix)
				r.Weights = append(r.Weights, param(tensor.Uniform(op.gen, -bound, bound, shape...), op.dtype))
			}
			g := r.gates() * hidden
			add("weight_ih", g, in)
			add("weight_hh", g, hidden)
			if r.bias {
				add("bias_ih", g)
				add("bias_hh", g)
			}
		}
	}
	return r
}

func (r *RNNLayer) dirs() int {
	if r.bidirectional {
		return 2
	}
	return 1
}

// NamedTensors lists the weights with PyTorch's names (used by the state dict).
func (r *RNNLayer) NamedTensors() []NamedTensor {
	out := make([]NamedTensor, len(r.Weights))
	for i, w := range r.Weights {
		out[i] = NamedTensor{r.names[i], w}
	}
	return out
}

// SetTraining switches dropout between layers on and off.
func (r *RNNLayer) SetTraining(training bool) { r.training = training }

// Forward runs the network from zero initial states and returns the output sequence.
func (r *RNNLayer) Forward(x *tensor.Tensor) *tensor.Tensor {
	out, _, _ := r.ForwardState(x, nil, nil)
	return observe(r, out)
}

// ForwardState runs the network from initial states h0 (and c0 for LSTM), each
// [layers·directions, N, hidden] or nil for zeros, and returns the output
// ([L, N, directions·hidden], or [N, L, …] with BatchFirst) and the final states.
func (r *RNNLayer) ForwardState(x, h0, c0 *tensor.Tensor) (out, hn, cn *tensor.Tensor) {
	if x.Dim() != 3 || x.Size(2) != r.input {
		panic(fmt.Sprintf("%s: expected input [L, N, %d] (or [N, L, %d] with batch_first), got %v", r.mode, r.input, r.input, x.Shape()))
	}
	if r.batchFirst {
		x = x.Transpose(0, 1)
	}
	steps, n := x.Size(0), x.Size(1)
	dirs := r.dirs()
	zeros := tensor.ZerosOn(x.Device(), x.DType(), n, r.hidden)
	state := func(s *tensor.Tensor, k int) *tensor.Tensor {
		if s == nil {
			return zeros
		}
		if s.Dim() != 3 || s.Size(0) != r.layers*dirs || s.Size(1) != n || s.Size(2) != r.hidden {
			panic(fmt.Sprintf("%s: expected initial state [%d, %d, %d], got %v", r.mode, r.layers*dirs, n, r.hidden, s.Shape()))
		}
		return s.Select(0, k)
	}
	per := 2
	if r.bias {
		per = 4
	}
	var hs, cs []*tensor.Tensor
	layerIn := x
	for l := range r.layers {
		var outs []*tensor.Tensor
		for d := range dirs {
			k := l*dirs + d
			w := r.Weights[k*per : (k+1)*per]
			h, c := state(h0, k), state(c0, k)
			seq := make([]*tensor.Tensor, steps)
			for s := range steps {
				t := s
				if d == 1 {
					t = steps - 1 - s
				}
				h, c = r.cell(layerIn.Select(0, t), h, c, w)
				seq[t] = h
			}
			outs = append(outs, tensor.Stack(seq, 0))
			hs, cs = append(hs, h), append(cs, c)
		}
		layerOut := outs[0]
		if dirs == 2 {
			layerOut = tensor.Cat(outs, 2)
		}
		if l < r.layers-1 && r.training && r.dropout > 0 {
			layerOut = Dropout(r.dropout, WithGenerator(r.gen)).Forward(layerOut)
		}
		layerIn = layerOut
	}
	out = layerIn
	if r.batchFirst {
		out = out.Transpose(0, 1)
	}
	hn = tensor.Stack(hs, 0)
	if r.mode == "LSTM" {
		cn = tensor.Stack(cs, 0)
	}
	return out, hn, cn
}

// cell advances one time step for a batch x [N, in].
func (r *RNNLayer) cell(x, h, c *tensor.Tensor, w []*tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
	var bih, bhh *tensor.Tensor
	if r.bias {
		bih, bhh = w[2], w[3]
	}
	gi := tensor.Linear(x, w[0], bih, tensor.ActNone) // [N, gates·H]
	gh := tensor.Linear(h, w[1], bhh, tensor.ActNone)
	H := r.hidden
	switch r.mode {
	case "LSTM":
		g := gi.Add(gh)
		parts := g.Split(H, 1)
		i, f, gg, o := parts[0].Sigmoid(), parts[1].Sigmoid(), parts[2].Tanh(), parts[3].Sigmoid()
		c = f.Mul(c).Add(i.Mul(gg))
		return o.Mul(c.Tanh()), c
	case "GRU":
		ip, hp := gi.Split(H, 1), gh.Split(H, 1)
		rg := ip[0].Add(hp[0]).Sigmoid()
		z := ip[1].Add(hp[1]).Sigmoid()
		nn := ip[2].Add(rg.Mul(hp[2])).Tanh()
		return z.RSubScalar(1).Mul(nn).Add(z.Mul(h)), c
	case "RNN_RELU":
		return gi.Add(gh).ReLU(), c
	}
	return gi.Add(gh).Tanh(), c
}

// Describe returns PyTorch's name and extra_repr.
func (r *RNNLayer) Describe() (string, string) {
	name := map[string]string{"RNN_TANH": "RNN", "RNN_RELU": "RNN", "LSTM": "LSTM", "GRU": "GRU"}[r.mode]
	s := fmt.Sprintf("%d, %d", r.input, r.hidden)
	if r.layers > 1 {
		s += fmt.Sprintf(", num_layers=%d", r.layers)
	}
	if !r.bias {
		s += ", bias=False"
	}
	if r.batchFirst {
		s += ", batch_first=True"
	}
	if r.dropout > 0 {
		s += ", dropout=" + pyFloat(r.dropout)
	}
	if r.bidirectional {
		s += ", bidirectional=True"
	}
	return name, s
}

// CellLayer is one step of an RNN, LSTM or GRU (torch.nn.RNNCell, LSTMCell, GRUCell), with
// parameters weight_ih, weight_hh, bias_ih, bias_hh.
type CellLayer struct {
	rnn *RNNLayer
}

// RNNCell returns an Elman cell (tanh, or ReLU with o.ReLU).
func RNNCell(input, hidden int, o RNNOptions, opts ...Option) *CellLayer {
	return &CellLayer{RNN(input, hidden, RNNOptions{NoBias: o.NoBias, ReLU: o.ReLU}, opts...)}
}

// LSTMCell returns an LSTM cell.
func LSTMCell(input, hidden int, o RNNOptions, opts ...Option) *CellLayer {
	return &CellLayer{LSTM(input, hidden, RNNOptions{NoBias: o.NoBias}, opts...)}
}

// GRUCell returns a GRU cell.
func GRUCell(input, hidden int, o RNNOptions, opts ...Option) *CellLayer {
	return &CellLayer{GRU(input, hidden, RNNOptions{NoBias: o.NoBias}, opts...)}
}

// NamedTensors lists the parameters with PyTorch's cell names.
func (c *CellLayer) NamedTensors() []NamedTensor {
	out := c.rnn.NamedTensors()
	for i := range out {
		out[i].Name = out[i].Name[:len(out[i].Name)-len("_l0")]
	}
	return out
}

// Step advances x [N, input] from h (and c for LSTM; nil means zeros) and returns the new h
// and c (nil except for LSTM).
func (c *CellLayer) Step(x, h, cs *tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
	r := c.rnn
	if x.Dim() != 2 || x.Size(1) != r.input {
		panic(fmt.Sprintf("%s cell: expected input [N, %d], got %v", r.mode, r.input, x.Shape()))
	}
	zeros := tensor.ZerosOn(x.Device(), x.DType(), x.Size(0), r.hidden)
	if h == nil {
		h = zeros
	}
	if cs == nil {
		cs = zeros
	}
	h, cs = r.cell(x, h, cs, r.Weights)
	if r.mode != "LSTM" {
		cs = nil
	}
	return h, cs
}

// Forward steps from zero states and returns the new hidden state.
func (c *CellLayer) Forward(x *tensor.Tensor) *tensor.Tensor {
	h, _ := c.Step(x, nil, nil)
	return observe(c, h)
}

// Describe returns PyTorch's name and extra_repr.
func (c *CellLayer) Describe() (string, string) {
	name := map[string]string{"RNN_TANH": "RNNCell", "RNN_RELU": "RNNCell", "LSTM": "LSTMCell", "GRU": "GRUCell"}[c.rnn.mode]
	s := fmt.Sprintf("%d, %d", c.rnn.input, c.rnn.hidden)
	if !c.rnn.bias {
		s += ", bias=False"
	}
	if c.rnn.mode == "RNN_RELU" {
		s += ", nonlinearity=relu"
	}
	return name, s
}
