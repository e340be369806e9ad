package nn_test

import (
	"testing"

	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

type attnCase struct {
	Name, Kind, Activation      string
	E, H, F, Layers             int
	BatchFirst                  bool `json:"batch_first"`
	Causal                      bool
	NormFirst                   bool              `json:"norm_first"`
	FinalNorm                   bool              `json:"final_norm"`
	KeyPadding                  *tensortest.Array `json:"key_padding"`
	BoolMask                    *tensortest.Array `json:"bool_mask"`
	State                       map[string]tensortest.Array
	Q, K, V, X, Out, Weights, W tensortest.Array
	QGrad                       tensortest.Array `json:"q_grad"`
	KGrad                       tensortest.Array `json:"k_grad"`
	VGrad                       tensortest.Array `json:"v_grad"`
	XGrad                       tensortest.Array `json:"x_grad"`
	Grads                       map[string]tensortest.Array
}

func loadState(t *testing.T, m any, state map[string]tensortest.Array) {
	t.Helper()
	sd := map[string]*tensor.Tensor{}
	for k, a := range state {
		sd[k] = a.MustTensor()
	}
	if err := nn.LoadStateDict(m, sd, true); err != nil {
		t.Fatal(err)
	}
}

func checkGrads(t *testing.T, m any, want map[string]tensortest.Array) {
	t.Helper()
	for _, p := range nn.NamedParameters(m) {
		if err := tensortest.Close(p.Tensor.Grad(), want[p.Name].MustTensor(), 1e-9, 1e-11); err != nil {
			t.Fatalf("grad of %s: %v", p.Name, err)
		}
	}
}

// TestAttentionMatchesPyTorch replays testdata/golden/gen_attention.py in float64.
func TestAttentionMatchesPyTorch(t *testing.T) {
	var file struct{ Cases []attnCase }
	if err := tensortest.LoadJSON("../testdata/golden/attention.json", &file); err != nil {
		t.Fatal(err)
	}
	f64 := nn.WithDType(tensor.Float64)
	for _, c := range file.Cases {
		t.Run(c.Name, func(t *testing.T) {
			if c.Kind == "mha" {
				m := nn.MultiheadAttention(c.E, c.H, 0, true, c.BatchFirst, f64)
				loadState(t, m, c.State)
				q, k, v := c.Q.MustTensor().SetRequiresGrad(true), c.K.MustTensor().SetRequiresGrad(true), c.V.MustTensor().SetRequiresGrad(true)
				masks := nn.AttentionMasks{Causal: c.Causal}
				if c.KeyPadding != nil {
					masks.KeyPadding = c.KeyPadding.MustTensor()
				}
				if c.BoolMask != nil {
					masks.Attn = c.BoolMask.MustTensor()
				}
				out, weights := m.Attend(q, k, v, masks)
				if err := tensortest.Close(out, c.Out.MustTensor(), 1e-10, 1e-12); err != nil {
					t.Fatalf("output: %v", err)
				}
				if err := tensortest.Close(weights, c.Weights.MustTensor(), 1e-10, 1e-12); err != nil {
					t.Fatalf("weights: %v", err)
				}
				out.Mul(c.W.MustTensor()).Sum().Backward()
				for name, pair := range map[string][2]*tensor.Tensor{"q": {q.Grad(), c.QGrad.MustTensor()}, "k": {k.Grad(), c.KGrad.MustTensor()}, "v": {v.Grad(), c.VGrad.MustTensor()}} {
					if err := tensortest.Close(pair[0], pair[1], 1e-9, 1e-11); err != nil {
						t.Fatalf("%s grad: %v", name, err)
					}
				}
				checkGrads(t, m, c.Grads)
				return
			}
			o := nn.TransformerOptions{FeedForward: c.F, NoDropout: true, GELU: c.Activation == "gelu", BatchFirst: c.BatchFirst, NormFirst: c.NormFirst}
			if c.Kind == "decoder" {
				d := nn.TransformerDecoderLayer(c.E, c.H, o, f64)
				loadState(t, d, c.State)
				tgt, mem := c.X.MustTensor().SetRequiresGrad(true), c.Q.MustTensor().SetRequiresGrad(true)
				out := d.Decode(tgt, mem, nn.AttentionMasks{Causal: true}, nn.AttentionMasks{KeyPadding: c.KeyPadding.MustTensor()})
				if err := tensortest.Close(out, c.Out.MustTensor(), 1e-9, 1e-11); err != nil {
					t.Fatalf("output: %v", err)
				}
				out.Mul(c.W.MustTensor()).Sum().Backward()
				if err := tensortest.Close(tgt.Grad(), c.XGrad.MustTensor(), 1e-8, 1e-10); err != nil {
					t.Fatalf("tgt grad: %v", err)
				}
				if err := tensortest.Close(mem.Grad(), c.QGrad.MustTensor(), 1e-8, 1e-10); err != nil {
					t.Fatalf("memory grad: %v", err)
				}
				checkGrads(t, d, c.Grads)
				return
			}
			newLayer := func() *nn.TransformerEncoderLayerModule { return nn.TransformerEncoderLayer(c.E, c.H, o, f64) }
			x := c.X.MustTensor().SetRequiresGrad(true)
			masks := nn.AttentionMasks{Causal: c.Causal}
			var out *tensor.Tensor
			var m any
			if c.Layers == 1 {
				l := newLayer()
				l.Masks = masks
				m = l
				loadState(t, m, c.State)
				out = l.Forward(x)
			} else {
				var norm *nn.LayerNormLayer
				if c.FinalNorm {
					norm = nn.LayerNorm([]int{c.E}, 1e-5, true, f64)
				}
				e := nn.TransformerEncoder(c.Layers, newLayer, norm)
				m = e
				loadState(t, m, c.State)
				out = e.ForwardMasked(x, masks)
			}
			if err := tensortest.Close(out, c.Out.MustTensor(), 1e-9, 1e-11); err != nil {
				t.Fatalf("output: %v", err)
			}
			out.Mul(c.W.MustTensor()).Sum().Backward()
			if err := tensortest.Close(x.Grad(), c.XGrad.MustTensor(), 1e-8, 1e-10); err != nil {
				t.Fatalf("input grad: %v", err)
			}
			checkGrads(t, m, c.Grads)
		})
	}
}

func TestPositionalEncodingAndCausalMask(t *testing.T) {
	pe := nn.PositionalEncoding(4, 6)
	if pe.At(0, 0) != 0 || pe.At(0, 1) != 1 || pe.At(1, 0) < 0.84 || pe.At(1, 0) > 0.85 {
		t.Fatalf("positional encoding %v", pe)
	}
	m := nn.CausalMask(3).Float64s()
	if m[1] > -1e30 || m[3] != 0 || m[8] != 0 {
		t.Fatalf("causal mask %v", m)
	}
}
