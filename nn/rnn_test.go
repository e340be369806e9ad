package nn_test

import (
	"testing"

	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

type rnnCase struct {
	Name   string
	Repr   string
	Config struct {
		Input         int    `json:"input_size"`
		Hidden        int    `json:"hidden_size"`
		Layers        int    `json:"num_layers"`
		Bidirectional bool   `json:"bidirectional"`
		BatchFirst    bool   `json:"batch_first"`
		Nonlinearity  string `json:"nonlinearity"`
		Bias          *bool  `json:"bias"`
	}
	State          map[string]tensortest.Array
	X, H0, Out, Hn tensortest.Array
	C0, Cn, U      *tensortest.Array
	W, V           tensortest.Array
	XGrad          tensortest.Array `json:"x_grad"`
	Grads          map[string]tensortest.Array
}

// TestRecurrentMatchPyTorch replays testdata/golden/gen_rnn.py in float64.
func TestRecurrentMatchPyTorch(t *testing.T) {
	var file struct{ Cases []rnnCase }
	if err := tensortest.LoadJSON("../testdata/golden/rnn.json", &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) != 6 {
		t.Fatalf("%d cases", len(file.Cases))
	}
	for _, c := range file.Cases {
		t.Run(c.Name, func(t *testing.T) {
			cfg := c.Config
			o := nn.RNNOptions{Layers: cfg.Layers, Bidirectional: cfg.Bidirectional, BatchFirst: cfg.BatchFirst, ReLU: cfg.Nonlinearity == "relu", NoBias: cfg.Bias != nil && !*cfg.Bias}
			var m *nn.RNNLayer
			switch {
			case c.Name[:3] == "rnn":
				m = nn.RNN(cfg.Input, cfg.Hidden, o, nn.WithDType(tensor.Float64))
			case c.Name[:3] == "gru":
				m = nn.GRU(cfg.Input, cfg.Hidden, o, nn.WithDType(tensor.Float64))
			default:
				m = nn.LSTM(cfg.Input, cfg.Hidden, o, nn.WithDType(tensor.Float64))
			}
			if got := nn.String(m); got != c.Repr {
				t.Errorf("print %q, want %q", got, c.Repr)
			}
			sd := map[string]*tensor.Tensor{}
			for k, a := range c.State {
				sd[k] = a.MustTensor()
			}
			if err := nn.LoadStateDict(m, sd, true); err != nil {
				t.Fatal(err)
			}
			x := c.X.MustTensor().SetRequiresGrad(true)
			var c0 *tensor.Tensor
			if c.C0 != nil {
				c0 = c.C0.MustTensor()
			}
			out, hn, cn := m.ForwardState(x, c.H0.MustTensor(), c0)
			for name, pair := range map[string][2]*tensor.Tensor{"out": {out, c.Out.MustTensor()}, "h_n": {hn, c.Hn.MustTensor()}} {
				if err := tensortest.Close(pair[0], pair[1], 1e-10, 1e-12); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
			loss := out.Mul(c.W.MustTensor()).Sum().Add(hn.Mul(c.V.MustTensor()).Sum())
			if c.Cn != nil {
				if err := tensortest.Close(cn, c.Cn.MustTensor(), 1e-10, 1e-12); err != nil {
					t.Fatalf("c_n: %v", err)
				}
				loss = loss.Add(cn.Mul(c.U.MustTensor()).Sum())
			}
			loss.Backward()
			if err := tensortest.Close(x.Grad(), c.XGrad.MustTensor(), 1e-9, 1e-11); err != nil {
				t.Fatalf("input grad: %v", err)
			}
			for _, p := range nn.NamedParameters(m) {
				if err := tensortest.Close(p.Tensor.Grad(), c.Grads[p.Name].MustTensor(), 1e-9, 1e-11); err != nil {
					t.Fatalf("grad of %s: %v", p.Name, err)
				}
			}
		})
	}
}

func TestLSTMDefaultsAndShapes(t *testing.T) {
	m := nn.LSTM(3, 8, nn.RNNOptions{Layers: 2, BatchFirst: true, Dropout: 0.2})
	out, hn, cn := m.ForwardState(tensor.Randn(tensor.NewGenerator(1), 4, 6, 3), nil, nil)
	if s := out.Shape(); s[0] != 4 || s[1] != 6 || s[2] != 8 {
		t.Fatalf("out %v", s)
	}
	if hn.Shape()[0] != 2 || cn.Shape()[2] != 8 {
		t.Fatalf("states %v %v", hn.Shape(), cn.Shape())
	}
	if n := len(nn.NamedParameters(m)); n != 8 {
		t.Fatalf("%d parameters, want 8", n)
	}
}

func TestCellsMatchPyTorch(t *testing.T) {
	var file struct {
		Cells []struct {
			Name, Repr string
			Config     struct {
				Input        int    `json:"input_size"`
				Hidden       int    `json:"hidden_size"`
				Nonlinearity string `json:"nonlinearity"`
				Bias         *bool  `json:"bias"`
			}
			State       map[string]tensortest.Array
			X, H0, H, W tensortest.Array
			C0, C       *tensortest.Array
			XGrad       tensortest.Array `json:"x_grad"`
			Grads       map[string]tensortest.Array
		}
	}
	if err := tensortest.LoadJSON("../testdata/golden/rnn.json", &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cells) != 4 {
		t.Fatalf("%d cells", len(file.Cells))
	}
	for _, c := range file.Cells {
		o := nn.RNNOptions{ReLU: c.Config.Nonlinearity == "relu", NoBias: c.Config.Bias != nil && !*c.Config.Bias}
		f64 := nn.WithDType(tensor.Float64)
		var m *nn.CellLayer
		switch c.Name[:3] {
		case "rnn":
			m = nn.RNNCell(c.Config.Input, c.Config.Hidden, o, f64)
		case "lst":
			m = nn.LSTMCell(c.Config.Input, c.Config.Hidden, o, f64)
		default:
			m = nn.GRUCell(c.Config.Input, c.Config.Hidden, o, f64)
		}
		if got := nn.String(m); got != c.Repr {
			t.Errorf("%s print %q, want %q", c.Name, got, c.Repr)
		}
		sd := map[string]*tensor.Tensor{}
		for k, a := range c.State {
			sd[k] = a.MustTensor()
		}
		if err := nn.LoadStateDict(m, sd, true); err != nil {
			t.Fatal(err)
		}
		x := c.X.MustTensor().SetRequiresGrad(true)
		var c0 *tensor.Tensor
		if c.C0 != nil {
			c0 = c.C0.MustTensor()
		}
		h, cs := m.Step(x, c.H0.MustTensor(), c0)
		if err := tensortest.Close(h, c.H.MustTensor(), 1e-10, 1e-12); err != nil {
			t.Fatalf("%s h: %v", c.Name, err)
		}
		loss := h.Mul(c.W.MustTensor()).Sum()
		if c.C != nil {
			if err := tensortest.Close(cs, c.C.MustTensor(), 1e-10, 1e-12); err != nil {
				t.Fatalf("%s c: %v", c.Name, err)
			}
			loss = loss.Add(cs.Mul(c.W.MustTensor()).Sum())
		}
		loss.Backward()
		if err := tensortest.Close(x.Grad(), c.XGrad.MustTensor(), 1e-9, 1e-11); err != nil {
			t.Fatalf("%s input grad: %v", c.Name, err)
		}
		for _, p := range nn.NamedParameters(m) {
			if err := tensortest.Close(p.Tensor.Grad(), c.Grads[p.Name].MustTensor(), 1e-9, 1e-11); err != nil {
				t.Fatalf("%s grad of %s: %v", c.Name, p.Name, err)
			}
		}
	}
}
