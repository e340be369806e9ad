package nn_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/tensor"
)

// runLayer builds a layer, moves it to dev, runs it on x (copied to dev) and, for a float
// output, a backward pass; it returns the output and the gradients of the parameters.
func runLayer(newLayer func() nn.Module, x *tensor.Tensor, dev tensor.Device) (out *tensor.Tensor, grads []*tensor.Tensor, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	tensor.ManualSeed(3)
	m := newLayer()
	nn.To(m, dev)
	xd := x.To(dev).Detach()
	if xd.DType().IsFloat() {
		xd.SetRequiresGrad(true)
	}
	out = m.Forward(xd)
	if out.RequiresGrad() {
		out.Backward(tensor.WithGrad(tensor.OnesLike(out)))
	}
	for _, p := range nn.Parameters(m) {
		if p.Device() != dev {
			return nil, nil, fmt.Errorf("parameter on %v after To(%v)", p.Device(), dev)
		}
		grads = append(grads, p.Grad())
	}
	return out, grads, nil
}

// TestEveryLayerConformsOnMeta runs every nn layer forward and backward on the CPU and on the
// meta device and compares output and gradient shapes, dtypes and devices.
func TestEveryLayerConformsOnMeta(t *testing.T) {
	g := tensor.NewGenerator(1)
	img := tensor.Randn(g, 2, 4, 8, 8)
	seq := tensor.Randn(g, 3, 2, 8) // [L, N, E]
	vec := tensor.Randn(g, 5, 8)
	sig := tensor.Randn(g, 2, 4, 9)
	ids := tensor.FromSlice([]int64{1, 0, 3, 2, 2, 1}, 2, 3)
	pool := tensor.PoolOptions{Kernel: [2]int{2, 2}}
	transformer := nn.TransformerOptions{FeedForward: 16, Dropout: 0.2}
	layers := []struct {
		name string
		new  func() nn.Module
		x    *tensor.Tensor
	}{
		{"Linear", func() nn.Module { return nn.Linear(8, 3) }, vec},
		{"Sequential MLP", func() nn.Module { return nn.Sequential(nn.Linear(8, 6), nn.ReLU(), nn.Linear(6, 2)) }, vec},
		{"Sequential fused", func() nn.Module { return nn.Sequential(nn.Linear(8, 6), nn.Tanh(), nn.Linear(6, 2), nn.Sigmoid()) }, vec},
		{"Conv2d+ReLU", func() nn.Module {
			return nn.Sequential(nn.Conv2d(4, 3, [2]int{3, 3}, tensor.Conv2dOptions{Padding: [2]int{1, 1}}), nn.ReLU())
		}, img},
		{"Conv2d groups", func() nn.Module { return nn.Conv2d(4, 6, [2]int{3, 3}, tensor.Conv2dOptions{Groups: 2}) }, img},
		{"MaxPool2d", func() nn.Module { return nn.MaxPool2d(pool) }, img},
		{"AvgPool2d", func() nn.Module { return nn.AvgPool2d(pool) }, img},
		{"AdaptiveAvgPool2d", func() nn.Module { return nn.AdaptiveAvgPool2d(3, 2) }, img},
		{"ConvTranspose2d", func() nn.Module {
			return nn.ConvTranspose2d(4, 2, [2]int{3, 3}, tensor.ConvTranspose2dOptions{Stride: [2]int{2, 2}})
		}, img},
		{"Upsample nearest", func() nn.Module { return nn.Upsample(16, 12, "nearest") }, img},
		{"Upsample bilinear", func() nn.Module { return nn.UpsampleScale(1.5, 2, "bilinear") }, img},
		{"Conv1d", func() nn.Module { return nn.Conv1d(4, 5, 3, tensor.Conv1dOptions{Padding: 1}) }, sig},
		{"MaxPool1d", func() nn.Module { return nn.MaxPool1d(2, 2, 0) }, sig},
		{"AvgPool1d", func() nn.Module { return nn.AvgPool1d(3, 1, 1) }, sig},
		{"AdaptiveAvgPool1d", func() nn.Module { return nn.AdaptiveAvgPool1d(4) }, sig},
		{"ConvTranspose1d", func() nn.Module { return nn.ConvTranspose1d(4, 2, 3, tensor.ConvTranspose1dOptions{Stride: 2}) }, sig},
		{"activations", func() nn.Module {
			return nn.Sequential(nn.LeakyReLU(0.1), nn.ELU(1), nn.GELU(), nn.GELUTanh(), nn.SiLU(), nn.Softplus(1, 20),
				nn.Identity(), nn.Softmax(1), nn.LogSoftmax(1))
		}, vec},
		{"Flatten", func() nn.Module { return nn.Flatten() }, img},
		{"Dropout", func() nn.Module { return nn.Dropout(0.3) }, vec},
		{"Dropout2d", func() nn.Module { return nn.Dropout2d(0.3) }, img},
		{"LayerNorm", func() nn.Module { return nn.LayerNorm([]int{8}, 1e-5, true) }, vec},
		{"BatchNorm1d", func() nn.Module { return nn.BatchNorm1d(8, 1e-5, 0.1, true) }, vec},
		{"BatchNorm2d eval", func() nn.Module {
			b := nn.BatchNorm2d(4, 1e-5, 0.1, true)
			nn.Eval(b)
			return b
		}, img},
		{"GroupNorm", func() nn.Module { return nn.GroupNorm(2, 4, 1e-5, true) }, img},
		{"Embedding", func() nn.Module { return nn.Embedding(5, 3, 0) }, ids},
		{"RNN", func() nn.Module { return nn.RNN(8, 4, nn.RNNOptions{Layers: 2, Bidirectional: true}) }, seq},
		{"LSTM", func() nn.Module { return nn.LSTM(8, 4, nn.RNNOptions{}) }, seq},
		{"GRU", func() nn.Module { return nn.GRU(8, 4, nn.RNNOptions{BatchFirst: true}) }, seq},
		{"RNNCell", func() nn.Module { return nn.RNNCell(8, 4, nn.RNNOptions{}) }, vec},
		{"LSTMCell", func() nn.Module { return nn.LSTMCell(8, 4, nn.RNNOptions{}) }, vec},
		{"GRUCell", func() nn.Module { return nn.GRUCell(8, 4, nn.RNNOptions{}) }, vec},
		{"MultiheadAttention", func() nn.Module { return nn.MultiheadAttention(8, 2, 0.1, true, false) }, seq},
		{"TransformerEncoderLayer", func() nn.Module { return nn.TransformerEncoderLayer(8, 2, transformer) }, seq},
		{"TransformerEncoderLayer norm first", func() nn.Module {
			o := transformer
			o.NormFirst, o.GELU = true, true
			return nn.TransformerEncoderLayer(8, 2, o)
		}, seq},
		{"TransformerEncoder", func() nn.Module {
			return nn.TransformerEncoder(2, func() *nn.TransformerEncoderLayerModule { return nn.TransformerEncoderLayer(8, 2, transformer) },
				nn.LayerNorm([]int{8}, 1e-5, true))
		}, seq},
		{"TransformerDecoderLayer", func() nn.Module { return nn.TransformerDecoderLayer(8, 2, transformer) }, seq},
	}
	for _, l := range layers {
		if err := layerConforms(l.new, l.x); err != nil {
			t.Errorf("%s: %v", l.name, err)
		}
	}
}

// layerConforms runs a layer on the CPU and on the meta device and compares outputs and
// parameter gradients.
func layerConforms(newLayer func() nn.Module, x *tensor.Tensor) error {
	cOut, cGrads, err := runLayer(newLayer, x, tensor.CPU)
	if err != nil {
		return fmt.Errorf("on cpu: %v", err)
	}
	mOut, mGrads, err := runLayer(newLayer, x, tensor.Meta)
	if err != nil {
		return fmt.Errorf("on meta: %v", err)
	}
	if mOut.Device() != tensor.Meta || !slices.Equal(cOut.Shape(), mOut.Shape()) || cOut.DType() != mOut.DType() {
		return fmt.Errorf("output %v %v on cpu, %v %v on %v", cOut.DType(), cOut.Shape(), mOut.DType(), mOut.Shape(), mOut.Device())
	}
	for i := range cGrads {
		c, m := cGrads[i], mGrads[i]
		if (c == nil) != (m == nil) || c != nil && (m.Device() != tensor.Meta || !slices.Equal(c.Shape(), m.Shape())) {
			return fmt.Errorf("parameter %d gradient %v on cpu, %v on meta", i, c, m)
		}
	}
	return nil
}

// cpuLayer is a deliberately wrong layer: it allocates its output on the CPU whatever its
// input's device.
type cpuLayer struct{ W *tensor.Tensor }

func (c *cpuLayer) Forward(x *tensor.Tensor) *tensor.Tensor {
	return tensor.ZerosOf(x.DType(), x.Shape()...)
}

func TestLayerConformanceCatchesCPUAllocation(t *testing.T) {
	bad := func() nn.Module { return &cpuLayer{W: tensor.Ones(3).SetRequiresGrad(true)} }
	if err := layerConforms(bad, tensor.Ones(2, 3)); err == nil || !strings.Contains(err.Error(), "on cpu") {
		t.Fatalf("a layer that allocates on the CPU gave %v from the meta conformance check", err)
	}
}

func TestLossesRunOnMeta(t *testing.T) {
	x := tensor.ZerosOn(tensor.Meta, tensor.Float32, 4, 3).SetRequiresGrad(true)
	for name, l := range map[string]func() *tensor.Tensor{
		"mse":           func() *tensor.Tensor { return nn.MSELoss()(x, tensor.ZerosOn(tensor.Meta, tensor.Float32, 4, 3)) },
		"cross_entropy": func() *tensor.Tensor { return nn.CrossEntropyLoss()(x, tensor.ZerosOn(tensor.Meta, tensor.Int64, 4)) },
		"bce_logits": func() *tensor.Tensor {
			return nn.BCEWithLogitsLoss()(x, tensor.ZerosOn(tensor.Meta, tensor.Float32, 4, 3))
		},
	} {
		loss := l()
		loss.Backward()
		if loss.Device() != tensor.Meta || loss.Dim() != 0 || x.Grad() == nil || x.Grad().Device() != tensor.Meta {
			t.Errorf("%s: loss %v, gradient %v", name, loss, x.Grad())
		}
		x.ZeroGrad()
	}
}

// TestToMovesInPlace checks nn.To's contract: parameters keep their identity (an optimizer
// holding them before the move still updates them), their flags and their gradients.
func TestToMovesInPlace(t *testing.T) {
	m := nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2, 1e-5, 0.1, true))
	ps := nn.Parameters(m)
	ps[0].SetGrad(tensor.OnesLike(ps[0]))
	nn.To(m, tensor.CPU) // no-op
	if ps[0].Grad() == nil {
		t.Fatal("To(cpu) on a cpu model dropped a gradient")
	}
	nn.To(m, tensor.Meta)
	for i, p := range nn.Parameters(m) {
		if p != ps[i] || p.Device() != tensor.Meta || !p.RequiresGrad() {
			t.Fatalf("parameter %d: same %v, device %v, grad %v", i, p == ps[i], p.Device(), p.RequiresGrad())
		}
	}
	for name, b := range nn.StateDict(m) {
		if b.Device() != tensor.Meta {
			t.Errorf("%s on %v", name, b.Device())
		}
	}
	if g := ps[0].Grad(); g == nil || g.Device() != tensor.Meta {
		t.Fatalf("gradient %v", g)
	}
	if got := m.Forward(tensor.ZerosOn(tensor.Meta, tensor.Float32, 5, 3)).Shape(); !slices.Equal(got, []int{5, 2}) {
		t.Fatalf("forward on meta: %v", got)
	}
}
