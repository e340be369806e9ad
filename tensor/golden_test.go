package tensor_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

// The cases in testdata/golden/tensor_ops.json were computed by PyTorch
// (testdata/golden/gen_tensor_ops.py); each names an op that goldenOps maps to Ember.

type goldenInput struct {
	tensortest.Array
	Views        [][]any `json:"views"`
	RequiresGrad bool    `json:"requires_grad"`
}

type goldenCase struct {
	Name    string              `json:"name"`
	Op      string              `json:"op"`
	Args    map[string]any      `json:"args"`
	Inputs  []goldenInput       `json:"inputs"`
	Outputs []tensortest.Array  `json:"outputs"`
	Weights []*tensortest.Array `json:"weights"`
	Grads   []*tensortest.Array `json:"grads"`
}

type args map[string]any

func (a args) f(k string) float64 { return a[k].(float64) }
func (a args) i(k string) int     { return int(a[k].(float64)) }
func (a args) b(k string) bool    { return a[k].(bool) }
func (a args) ints(k string) []int {
	var out []int
	for _, v := range a[k].([]any) {
		out = append(out, int(v.(float64)))
	}
	return out
}

type T = tensor.Tensor

func one(t *T) []*T { return []*T{t} }

var goldenOps = map[string]func(in []*T, a args) []*T{
	"neg":        func(in []*T, a args) []*T { return one(in[0].Neg()) },
	"exp":        func(in []*T, a args) []*T { return one(in[0].Exp()) },
	"log":        func(in []*T, a args) []*T { return one(in[0].Log()) },
	"log1p":      func(in []*T, a args) []*T { return one(in[0].Log1p()) },
	"sqrt":       func(in []*T, a args) []*T { return one(in[0].Sqrt()) },
	"rsqrt":      func(in []*T, a args) []*T { return one(in[0].Rsqrt()) },
	"abs":        func(in []*T, a args) []*T { return one(in[0].Abs()) },
	"sign":       func(in []*T, a args) []*T { return one(in[0].Sign()) },
	"sin":        func(in []*T, a args) []*T { return one(in[0].Sin()) },
	"cos":        func(in []*T, a args) []*T { return one(in[0].Cos()) },
	"tanh":       func(in []*T, a args) []*T { return one(in[0].Tanh()) },
	"sigmoid":    func(in []*T, a args) []*T { return one(in[0].Sigmoid()) },
	"relu":       func(in []*T, a args) []*T { return one(in[0].ReLU()) },
	"leaky_relu": func(in []*T, a args) []*T { return one(in[0].LeakyReLU(a.f("slope"))) },
	"elu":        func(in []*T, a args) []*T { return one(in[0].ELU(a.f("alpha"))) },
	"gelu":       func(in []*T, a args) []*T { return one(in[0].GELU()) },
	"gelu_tanh":  func(in []*T, a args) []*T { return one(in[0].GELUTanh()) },
	"silu":       func(in []*T, a args) []*T { return one(in[0].SiLU()) },
	"softplus":   func(in []*T, a args) []*T { return one(in[0].Softplus(a.f("beta"), a.f("threshold"))) },
	"clamp":      func(in []*T, a args) []*T { return one(in[0].Clamp(a.f("min"), a.f("max"))) },
	"erf":        func(in []*T, a args) []*T { return one(in[0].Erf()) },
	"pow_scalar": func(in []*T, a args) []*T { return one(in[0].PowScalar(a.f("e"))) },
	"add":        func(in []*T, a args) []*T { return one(in[0].Add(in[1])) },
	"sub":        func(in []*T, a args) []*T { return one(in[0].Sub(in[1])) },
	"mul":        func(in []*T, a args) []*T { return one(in[0].Mul(in[1])) },
	"div":        func(in []*T, a args) []*T { return one(in[0].Div(in[1])) },
	"pow":        func(in []*T, a args) []*T { return one(in[0].Pow(in[1])) },
	"maximum":    func(in []*T, a args) []*T { return one(in[0].Maximum(in[1])) },
	"minimum":    func(in []*T, a args) []*T { return one(in[0].Minimum(in[1])) },
	"eq":         func(in []*T, a args) []*T { return one(in[0].Eq(in[1])) },
	"ne":         func(in []*T, a args) []*T { return one(in[0].Ne(in[1])) },
	"lt":         func(in []*T, a args) []*T { return one(in[0].Lt(in[1])) },
	"le":         func(in []*T, a args) []*T { return one(in[0].Le(in[1])) },
	"gt":         func(in []*T, a args) []*T { return one(in[0].Gt(in[1])) },
	"ge":         func(in []*T, a args) []*T { return one(in[0].Ge(in[1])) },
	"where":      func(in []*T, a args) []*T { return one(tensor.Where(in[0], in[1], in[2])) },
	"masked_fill": func(in []*T, a args) []*T {
		return one(in[0].MaskedFill(in[1], a.f("value")))
	},
	"sum":       func(in []*T, a args) []*T { return one(in[0].Sum()) },
	"sum_dims":  func(in []*T, a args) []*T { return one(in[0].SumDims(a.ints("dims"), a.b("keepdim"))) },
	"mean":      func(in []*T, a args) []*T { return one(in[0].Mean()) },
	"mean_dims": func(in []*T, a args) []*T { return one(in[0].MeanDims(a.ints("dims"), a.b("keepdim"))) },
	"prod":      func(in []*T, a args) []*T { return one(in[0].Prod()) },
	"prod_dim":  func(in []*T, a args) []*T { return one(in[0].ProdDim(a.i("dim"), a.b("keepdim"))) },
	"max":       func(in []*T, a args) []*T { return one(in[0].Max()) },
	"min":       func(in []*T, a args) []*T { return one(in[0].Min()) },
	"max_dim": func(in []*T, a args) []*T {
		v, i := in[0].MaxDim(a.i("dim"), a.b("keepdim"))
		return []*T{v, i}
	},
	"min_dim": func(in []*T, a args) []*T {
		v, i := in[0].MinDim(a.i("dim"), a.b("keepdim"))
		return []*T{v, i}
	},
	"amax":       func(in []*T, a args) []*T { return one(in[0].Amax(a.ints("dims"), a.b("keepdim"))) },
	"amin":       func(in []*T, a args) []*T { return one(in[0].Amin(a.ints("dims"), a.b("keepdim"))) },
	"argmax":     func(in []*T, a args) []*T { return one(in[0].Argmax()) },
	"argmin":     func(in []*T, a args) []*T { return one(in[0].Argmin()) },
	"argmax_dim": func(in []*T, a args) []*T { return one(in[0].ArgmaxDim(a.i("dim"), a.b("keepdim"))) },
	"var": func(in []*T, a args) []*T {
		return one(in[0].Var(a.ints("dims"), correction(a), a.b("keepdim")))
	},
	"std": func(in []*T, a args) []*T {
		return one(in[0].Std(a.ints("dims"), correction(a), a.b("keepdim")))
	},
	"logsumexp": func(in []*T, a args) []*T { return one(in[0].LogSumExp(a.ints("dims"), a.b("keepdim"))) },
	"norm": func(in []*T, a args) []*T {
		p, ok := a["p"].(float64)
		if !ok {
			p = math.Inf(1) // JSON's Infinity arrives as a string
		}
		return one(in[0].NormDims(p, a.ints("dims"), a.b("keepdim")))
	},
	"all":         func(in []*T, a args) []*T { return one(in[0].All(nil, false)) },
	"any":         func(in []*T, a args) []*T { return one(in[0].Any(nil, false)) },
	"matmul":      func(in []*T, a args) []*T { return one(in[0].MatMul(in[1])) },
	"softmax":     func(in []*T, a args) []*T { return one(in[0].Softmax(a.i("dim"))) },
	"log_softmax": func(in []*T, a args) []*T { return one(in[0].LogSoftmax(a.i("dim"))) },
	"round":       func(in []*T, a args) []*T { return one(in[0].Round()) },
	"cat":         func(in []*T, a args) []*T { return one(tensor.Cat(in, a.i("dim"))) },
	"stack":       func(in []*T, a args) []*T { return one(tensor.Stack(in, a.i("dim"))) },
	"split":       func(in []*T, a args) []*T { return in[0].Split(a.i("size"), a.i("dim")) },
	"chunk":       func(in []*T, a args) []*T { return in[0].Chunk(a.i("n"), a.i("dim")) },
	"gather":      func(in []*T, a args) []*T { return one(in[0].Gather(a.i("dim"), in[1])) },
	"index_select": func(in []*T, a args) []*T {
		return one(in[0].IndexSelect(a.i("dim"), in[1]))
	},
	"scatter_add": func(in []*T, a args) []*T { return one(in[0].ScatterAdd(a.i("dim"), in[1], in[2])) },
	"one_hot":     func(in []*T, a args) []*T { return one(in[0].OneHot(a.i("num_classes"))) },
	"pad":         func(in []*T, a args) []*T { return one(in[0].Pad(a.ints("pads"), a.f("value"))) },
	"cumsum":      func(in []*T, a args) []*T { return one(in[0].Cumsum(a.i("dim"))) },
	"identity":    func(in []*T, a args) []*T { return one(in[0].MulScalar(1)) },
	"unfold": func(in []*T, a args) []*T {
		k, d, p, s := a.ints("kernel"), a.ints("dilation"), a.ints("padding"), a.ints("stride")
		return one(in[0].Unfold(tensor.Window{KH: k[0], KW: k[1], DH: d[0], DW: d[1], PH: p[0], PW: p[1], SH: s[0], SW: s[1]}))
	},
	"conv2d": func(in []*T, a args) []*T {
		var b *T
		if len(in) == 3 {
			b = in[2]
		}
		return one(tensor.Conv2d(in[0], in[1], b, tensor.Conv2dOptions{Stride: a.pair("stride"), Padding: a.pair("padding"), Dilation: a.pair("dilation"), Groups: a.i("groups")}))
	},
	"max_pool2d": func(in []*T, a args) []*T { return one(in[0].MaxPool2d(poolOpts(a))) },
	"max_pool2d_indices": func(in []*T, a args) []*T {
		v, i := in[0].MaxPool2dWithIndices(poolOpts(a))
		return []*T{v, i}
	},
	"avg_pool2d": func(in []*T, a args) []*T { return one(in[0].AvgPool2d(poolOpts(a))) },
	"conv1d": func(in []*T, a args) []*T {
		var b *T
		if len(in) == 3 {
			b = in[2]
		}
		return one(tensor.Conv1d(in[0], in[1], b, tensor.Conv1dOptions{Stride: a.i("stride"), Padding: a.i("padding"), Dilation: a.i("dilation"), Groups: a.i("groups")}))
	},
	"max_pool1d": func(in []*T, a args) []*T {
		return one(in[0].MaxPool1d(tensor.PoolOptions{Kernel: [2]int{a.i("kernel")}, Stride: [2]int{a.i("stride")}, Padding: [2]int{a.i("padding")}, Dilation: [2]int{a.i("dilation")}}))
	},
	"avg_pool1d": func(in []*T, a args) []*T {
		return one(in[0].AvgPool1d(tensor.PoolOptions{Kernel: [2]int{a.i("kernel")}, Stride: [2]int{a.i("stride")}, Padding: [2]int{a.i("padding")}}))
	},
	"adaptive_avg_pool2d": func(in []*T, a args) []*T {
		s := a.pair("size")
		return one(in[0].AdaptiveAvgPool2d(s[0], s[1]))
	},
	"adaptive_avg_pool1d": func(in []*T, a args) []*T { return one(in[0].AdaptiveAvgPool1d(a.i("size"))) },
	"fold": func(in []*T, a args) []*T {
		o, k, d, p, s := a.pair("out"), a.pair("kernel"), a.pair("dilation"), a.pair("padding"), a.pair("stride")
		return one(in[0].Fold(o[0], o[1], tensor.Window{KH: k[0], KW: k[1], DH: d[0], DW: d[1], PH: p[0], PW: p[1], SH: s[0], SW: s[1]}))
	},
	"conv_transpose2d": func(in []*T, a args) []*T {
		var b *T
		if len(in) == 3 {
			b = in[2]
		}
		return one(tensor.ConvTranspose2d(in[0], in[1], b, tensor.ConvTranspose2dOptions{Stride: a.pair("stride"), Padding: a.pair("padding"),
			OutputPadding: a.pair("output_padding"), Dilation: a.pair("dilation"), Groups: a.i("groups")}))
	},
	"conv_transpose1d": func(in []*T, a args) []*T {
		var b *T
		if len(in) == 3 {
			b = in[2]
		}
		return one(tensor.ConvTranspose1d(in[0], in[1], b, tensor.ConvTranspose1dOptions{Stride: a.i("stride"), Padding: a.i("padding"),
			OutputPadding: a.i("output_padding"), Dilation: a.i("dilation"), Groups: a.i("groups")}))
	},
	"upsample": func(in []*T, a args) []*T {
		s := a.pair("size")
		return one(in[0].Upsample(s[0], s[1], a["mode"].(string)))
	},
	"upsample_scale": func(in []*T, a args) []*T {
		s := a["scale"].([]any)
		return one(in[0].UpsampleScale(s[0].(float64), s[1].(float64), a["mode"].(string)))
	},
	"clone": func(in []*T, a args) []*T { return one(in[0].Clone()) },
	"sort": func(in []*T, a args) []*T {
		v, i := in[0].Sort(a.i("dim"), a.b("descending"))
		return []*T{v, i}
	},
	"argsort": func(in []*T, a args) []*T { return one(in[0].ArgSort(a.i("dim"), a.b("descending"))) },
	"topk": func(in []*T, a args) []*T {
		v, i := in[0].TopK(a.i("k"), a.i("dim"), a.b("largest"), a.b("sorted"))
		return []*T{v, i}
	},
	"cdist": func(in []*T, a args) []*T {
		p, ok := a["p"].(float64)
		if !ok {
			p = math.Inf(1) // JSON's Infinity arrives as a string
		}
		return one(tensor.Cdist(in[0], in[1], p))
	},
}

// pair reads an int or a two-element list, as PyTorch's int-or-tuple arguments.
func (a args) pair(k string) [2]int {
	switch v := a[k].(type) {
	case float64:
		return [2]int{int(v), int(v)}
	case []any:
		return [2]int{int(v[0].(float64)), int(v[1].(float64))}
	}
	return [2]int{}
}

func poolOpts(a args) tensor.PoolOptions {
	o := tensor.PoolOptions{Kernel: a.pair("kernel"), Stride: a.pair("stride"), Padding: a.pair("padding")}
	if _, ok := a["dilation"]; ok {
		o.Dilation = a.pair("dilation")
	}
	return o
}

func correction(a args) int {
	if a.b("unbiased") {
		return 1
	}
	return 0
}

func num(v any) int { return int(v.(float64)) }

func applyViews(t *T, views [][]any) *T {
	for _, v := range views {
		switch v[0].(string) {
		case "permute":
			var dims []int
			for _, d := range v[1].([]any) {
				dims = append(dims, num(d))
			}
			t = t.Permute(dims...)
		case "transpose":
			t = t.Transpose(num(v[1]), num(v[2]))
		case "slice":
			t = t.Slice(num(v[1]), num(v[2]), num(v[3]), num(v[4]))
		case "select":
			t = t.Select(num(v[1]), num(v[2]))
		case "expand", "reshape", "view":
			var shape []int
			for _, d := range v[1].([]any) {
				shape = append(shape, num(d))
			}
			switch v[0] {
			case "expand":
				t = t.Expand(shape...)
			case "reshape":
				t = t.Reshape(shape...)
			default:
				t = t.View(shape...)
			}
		case "unsqueeze":
			t = t.Unsqueeze(num(v[1]))
		case "squeeze":
			if len(v) > 1 {
				t = t.Squeeze(num(v[1]))
			} else {
				t = t.Squeeze()
			}
		case "flatten":
			t = t.Flatten(num(v[1]), num(v[2]))
		case "narrow":
			t = t.Narrow(num(v[1]), num(v[2]), num(v[3]))
		default:
			panic("unknown view " + v[0].(string))
		}
	}
	return t
}

// tolerances returns 1e-5 relative for float32 (1e-10 for float64), with an absolute floor
// scaled by the tensor's largest magnitude: an element that is a sum of many larger terms
// carries float32 rounding of those terms, whatever the summation order.
func tolerances(want tensortest.Array) (rtol, atol float64) {
	scale := 0.0
	for _, v := range want.Data {
		if f := math.Abs(float64(v)); !math.IsInf(f, 0) && !math.IsNaN(f) {
			scale = math.Max(scale, f)
		}
	}
	if want.DType == "float64" {
		return 1e-10, math.Max(1e-12, 1e-12*scale)
	}
	return 1e-5, math.Max(1e-6, 2e-7*scale)
}

// caseTolerances is tolerances, loosened to 1e-3 relative for float32 Cdist on the matrix-product
// path ("cdist/mm…"): its distances are differences of large squared norms, so their float32
// rounding (and that of the gradients divided by them) depends on the GEMM's summation order,
// which differs between the assembly kernels, the pure-Go ones and PyTorch's.
func caseTolerances(name string, want tensortest.Array) (rtol, atol float64) {
	rtol, atol = tolerances(want)
	if strings.HasPrefix(name, "cdist/mm") && want.DType == "float32" {
		rtol = 1e-3
	}
	return rtol, atol
}

func TestGoldenTensorOps(t *testing.T) { runGolden(t, "../testdata/golden/tensor_ops.json", 300) }

// TestGoldenSortOps checks Sort, ArgSort, TopK and Cdist against PyTorch
// (testdata/golden/gen_sort.py).
func TestGoldenSortOps(t *testing.T) { runGolden(t, "../testdata/golden/sort_ops.json", 150) }

// runGolden runs the cases of a golden file of tensor ops, of which there must be atLeast.
func runGolden(t *testing.T, path string, atLeast int) {
	var file struct {
		Cases []goldenCase `json:"cases"`
	}
	if err := tensortest.LoadJSON(path, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) < atLeast {
		t.Fatalf("only %d golden cases", len(file.Cases))
	}
	for _, c := range file.Cases {
		t.Run(c.Name, func(t *testing.T) {
			op, ok := goldenOps[c.Op]
			if !ok {
				t.Fatalf("no Ember op for golden op %q", c.Op)
			}
			leaves := make([]*T, len(c.Inputs))
			ins := make([]*T, len(c.Inputs))
			for i, in := range c.Inputs {
				leaves[i] = in.MustTensor()
				if in.RequiresGrad {
					leaves[i].SetRequiresGrad(true)
				}
				ins[i] = applyViews(leaves[i], in.Views)
			}
			outs := op(ins, c.Args)
			if len(outs) != len(c.Outputs) {
				t.Fatalf("%d outputs, want %d", len(outs), len(c.Outputs))
			}
			for k, want := range c.Outputs {
				w := want.MustTensor()
				if outs[k].DType() != w.DType() {
					t.Errorf("output %d: dtype %v, want %v", k, outs[k].DType(), w.DType())
				}
				rtol, atol := caseTolerances(c.Name, want)
				if err := tensortest.Close(outs[k], w, rtol, atol); err != nil {
					t.Errorf("output %d: %v\ngot  %v\nwant %v", k, err, outs[k], w)
				}
			}
			if len(c.Grads) == 0 {
				return
			}
			var loss *T
			for k, w := range c.Weights {
				if w == nil {
					continue
				}
				term := outs[k].Mul(w.MustTensor()).Sum()
				if loss == nil {
					loss = term
				} else {
					loss = loss.Add(term)
				}
			}
			loss.Backward()
			for i, want := range c.Grads {
				if want == nil {
					continue
				}
				g := leaves[i].Grad()
				if g == nil {
					t.Errorf("input %d: no gradient", i)
					continue
				}
				rtol, atol := caseTolerances(c.Name, *want)
				if err := tensortest.Close(g, want.MustTensor(), rtol, atol); err != nil {
					t.Errorf("grad %d: %v\ngot  %v\nwant %v", i, err, g, want.MustTensor())
				}
			}
		})
	}
}

var _ = fmt.Sprint
