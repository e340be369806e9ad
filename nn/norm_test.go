package nn_test

import (
	"testing"

	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

type layerCase struct {
	Name        string
	Repr        string
	Params      map[string]tensortest.Array
	Input       tensortest.Array
	TrainOutput tensortest.Array `json:"train_output"`
	EvalOutput  tensortest.Array `json:"eval_output"`
	Weights     tensortest.Array
	InputGrad   *tensortest.Array           `json:"input_grad"`
	ParamGrads  map[string]tensortest.Array `json:"param_grads"`
	Buffers     map[string]tensortest.Array
}

// TestLayersMatchPyTorch replays testdata/golden/gen_layers.py: outputs in training and
// evaluation mode, gradients, running statistics and print(layer).
func TestLayersMatchPyTorch(t *testing.T) {
	var file struct{ Cases []layerCase }
	if err := tensortest.LoadJSON("../testdata/golden/layers.json", &file); err != nil {
		t.Fatal(err)
	}
	build := map[string]func() nn.Module{
		"layer_norm":              func() nn.Module { return nn.LayerNorm([]int{4, 5}, 1e-5, true) },
		"layer_norm_no_affine":    func() nn.Module { return nn.LayerNorm([]int{6}, 1e-3, false) },
		"batch_norm1d":            func() nn.Module { return nn.BatchNorm1d(4, 1e-5, 0.1, true) },
		"batch_norm1d_3d":         func() nn.Module { return nn.BatchNorm1d(3, 1e-5, 0.3, true) },
		"batch_norm2d":            func() nn.Module { return nn.BatchNorm2d(3, 1e-3, 0.1, true) },
		"batch_norm2d_no_affine":  func() nn.Module { return nn.BatchNorm2d(2, 1e-5, 0.1, false) },
		"embedding":               func() nn.Module { return nn.Embedding(6, 3, -1) },
		"group_norm":              func() nn.Module { return nn.GroupNorm(2, 6, 1e-5, true) },
		"group_norm_1d_no_affine": func() nn.Module { return nn.GroupNorm(3, 3, 1e-3, false) },
		"embedding_padding":       func() nn.Module { return nn.Embedding(5, 4, 1) },
	}
	for _, c := range file.Cases {
		t.Run(c.Name, func(t *testing.T) {
			m := build[c.Name]()
			if got := nn.String(m); got != c.Repr {
				t.Errorf("print: %q, want %q", got, c.Repr)
			}
			sd := map[string]*tensor.Tensor{}
			for _, e := range nn.NamedTensors(m) {
				sd[e.Name] = e.Tensor
			}
			for name, a := range c.Params {
				sd[name] = a.MustTensor()
			}
			if err := nn.LoadStateDict(m, sd, true); err != nil {
				t.Fatal(err)
			}
			nn.Train(m)
			x := c.Input.MustTensor()
			if x.DType().IsFloat() {
				x.SetRequiresGrad(true)
			}
			out := m.Forward(x)
			if err := tensortest.Close(out, c.TrainOutput.MustTensor(), 1e-5, 1e-5); err != nil {
				t.Fatalf("train output: %v", err)
			}
			out.Mul(c.Weights.MustTensor()).Sum().Backward()
			if c.InputGrad != nil {
				if err := tensortest.Close(x.Grad(), c.InputGrad.MustTensor(), 1e-4, 1e-5); err != nil {
					t.Fatalf("input grad: %v", err)
				}
			}
			params := map[string]*tensor.Tensor{}
			for _, p := range nn.NamedParameters(m) {
				params[p.Name] = p.Tensor
			}
			for name, want := range c.ParamGrads {
				if err := tensortest.Close(params[name].Grad(), want.MustTensor(), 1e-4, 1e-5); err != nil {
					t.Fatalf("grad of %s: %v", name, err)
				}
			}
			for _, e := range nn.NamedTensors(m) {
				if want, ok := c.Buffers[e.Name]; ok {
					if err := tensortest.Close(e.Tensor, want.MustTensor(), 1e-5, 1e-6); err != nil {
						t.Fatalf("buffer %s: %v", e.Name, err)
					}
				}
			}
			nn.Eval(m)
			var ev *tensor.Tensor
			tensor.NoGrad(func() { ev = m.Forward(c.Input.MustTensor()) })
			if err := tensortest.Close(ev, c.EvalOutput.MustTensor(), 1e-5, 1e-5); err != nil {
				t.Fatalf("eval output: %v", err)
			}
		})
	}
}

func TestDropout2dDropsWholeChannels(t *testing.T) {
	d := nn.Dropout2d(0.5, nn.WithGenerator(tensor.NewGenerator(2)))
	y := d.Forward(tensor.Ones(4, 8, 3, 3))
	vals := y.Float32s()
	for c := 0; c < 32; c++ {
		first := vals[c*9]
		for k := 1; k < 9; k++ {
			if vals[c*9+k] != first {
				t.Fatalf("channel %d partly dropped", c)
			}
		}
		if first != 0 && first != 2 {
			t.Fatalf("kept value %v, want 2", first)
		}
	}
	nn.Eval(d)
	if d.Forward(tensor.Ones(1, 2, 2)).Float32s()[0] != 1 {
		t.Fatal("active in eval mode")
	}
}
