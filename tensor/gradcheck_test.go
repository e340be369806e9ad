package tensor_test

import (
	"math"
	"testing"

	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

// gradCheck is one finite-difference check: f applied to float64 inputs.
type gradCheck struct {
	f      func(x []*T) *T
	inputs []*T
}

// looseChecks lists ops whose checks pass through float32 and need a larger step.
var looseChecks = map[string]tensortest.GradCheckOptions{
	"ToCopyBackward0": {Eps: 1e-2, Atol: 1e-4, Rtol: 1e-3},
}

func rnd(seed uint64, shape ...int) *T {
	return tensor.Randn(tensor.NewGenerator(seed), shape...).Double()
}

// positive returns values in [0.5, 2.5), away from the singularities of log, sqrt and pow.
func positive(seed uint64, shape ...int) *T {
	return tensor.Uniform(tensor.NewGenerator(seed), 0.5, 2.5, shape...).Double()
}

// awayFromZero returns values with |x| in [0.2, 2), away from kinks at 0.
func awayFromZero(seed uint64, shape ...int) *T {
	g := tensor.NewGenerator(seed)
	mag := tensor.Uniform(g, 0.2, 2, shape...).Double()
	sign := tensor.Rand(g, shape...).GtScalar(0.5).Double().MulScalar(2).SubScalar(1)
	return mag.Mul(sign)
}

func unary(f func(x *T) *T, in *T) []gradCheck {
	return []gradCheck{
		{func(x []*T) *T { return f(x[0]) }, []*T{in}},
		{func(x []*T) *T { return f(x[0].Transpose(0, 1)) }, []*T{in}},
	}
}

func idx(v ...int64) *T { return tensor.FromSlice(v) }

// gradChecks maps every registered grad_fn to checks that exercise it.
var gradChecks = map[string][]gradCheck{
	"NegBackward0":       unary((*T).Neg, rnd(1, 3, 4)),
	"ExpBackward0":       unary((*T).Exp, rnd(2, 3, 4)),
	"LogBackward0":       unary((*T).Log, positive(3, 3, 4)),
	"Log1PBackward0":     unary((*T).Log1p, positive(4, 3, 4)),
	"SqrtBackward0":      unary((*T).Sqrt, positive(5, 3, 4)),
	"RsqrtBackward0":     unary((*T).Rsqrt, positive(6, 3, 4)),
	"AbsBackward0":       unary((*T).Abs, awayFromZero(7, 3, 4)),
	"SignBackward0":      unary((*T).Sign, awayFromZero(8, 3, 4)),
	"SinBackward0":       unary((*T).Sin, rnd(9, 3, 4)),
	"CosBackward0":       unary((*T).Cos, rnd(10, 3, 4)),
	"TanhBackward0":      unary((*T).Tanh, rnd(11, 3, 4)),
	"SigmoidBackward0":   unary((*T).Sigmoid, rnd(12, 3, 4)),
	"ReluBackward0":      unary((*T).ReLU, awayFromZero(13, 3, 4)),
	"LeakyReluBackward0": unary(func(x *T) *T { return x.LeakyReLU(0.1) }, awayFromZero(14, 3, 4)),
	"EluBackward0":       unary(func(x *T) *T { return x.ELU(0.7) }, awayFromZero(15, 3, 4)),
	"GeluBackward0": append(unary((*T).GELU, rnd(16, 3, 4)),
		unary((*T).GELUTanh, rnd(17, 3, 4))...),
	"SiluBackward0":     unary((*T).SiLU, rnd(18, 3, 4)),
	"SoftplusBackward0": unary(func(x *T) *T { return x.Softplus(2, 3) }, awayFromZero(19, 3, 4).MulScalar(2)),
	"ClampBackward1":    unary(func(x *T) *T { return x.Clamp(-0.5, 0.7) }, awayFromZero(20, 3, 4)),
	"ErfBackward0":      unary((*T).Erf, rnd(21, 3, 4)),
	"PowBackward0": append(unary(func(x *T) *T { return x.PowScalar(2.5) }, positive(22, 3, 4)),
		unary(func(x *T) *T { return x.PowScalar(-1.5) }, positive(23, 3, 4))...),
	"PowBackward1":     {{func(x []*T) *T { return x[0].Pow(x[1]) }, []*T{positive(24, 2, 3), rnd(25, 3)}}},
	"AddBackward0":     {{func(x []*T) *T { return x[0].Add(x[1]) }, []*T{rnd(26, 2, 1, 3), rnd(27, 4, 1)}}},
	"SubBackward0":     {{func(x []*T) *T { return x[0].Sub(x[1]) }, []*T{rnd(28, 3), rnd(29, 2, 3)}}},
	"MulBackward0":     {{func(x []*T) *T { return x[0].Mul(x[1]) }, []*T{rnd(30, 2, 3), rnd(31, 2, 1)}}},
	"DivBackward0":     {{func(x []*T) *T { return x[0].Div(x[1]) }, []*T{rnd(32, 2, 3), positive(33, 3)}}},
	"MaximumBackward0": {{func(x []*T) *T { return x[0].Maximum(x[1]) }, []*T{rnd(34, 3, 4), rnd(35, 4)}}},
	"MinimumBackward0": {{func(x []*T) *T { return x[0].Minimum(x[1]) }, []*T{rnd(36, 3, 4), rnd(37, 3, 1)}}},
	"WhereBackward0": {{func(x []*T) *T {
		return tensor.Where(tensor.FromSlice([]bool{true, false, true}), x[0], x[1])
	}, []*T{rnd(38, 2, 3), rnd(39, 2, 1)}}},
	"MaskedFillBackward0": {{func(x []*T) *T {
		return x[0].MaskedFill(tensor.FromSlice([]bool{true, false, false, true}), 3)
	}, []*T{rnd(40, 3, 4)}}},
	"SumBackward0":  unary((*T).Sum, rnd(41, 3, 4)),
	"SumBackward1":  {{func(x []*T) *T { return x[0].SumDims([]int{0, 2}, false) }, []*T{rnd(42, 2, 3, 4)}}},
	"MeanBackward0": unary((*T).Mean, rnd(43, 3, 4)),
	"MeanBackward1": {{func(x []*T) *T { return x[0].MeanDims([]int{-1}, true) }, []*T{rnd(44, 2, 3, 4)}}},
	"ProdBackward0": {
		{func(x []*T) *T { return x[0].Prod() }, []*T{rnd(45, 2, 3)}},
		{func(x []*T) *T { return x[0].Prod() }, []*T{tensor.FromSlice([]float64{2, 0, 3, -1})}},
	},
	"ProdBackward1": {
		{func(x []*T) *T { return x[0].ProdDim(1, false) }, []*T{rnd(46, 3, 4)}},
		{func(x []*T) *T { return x[0].ProdDim(0, true) }, []*T{tensor.FromSlice([]float64{0, 1, 0, 2, 3, 0}, 3, 2)}},
	},
	"MaxBackward1":       unary((*T).Max, rnd(47, 3, 4)),
	"MinBackward1":       unary((*T).Min, rnd(48, 3, 4)),
	"MaxBackward0":       {{func(x []*T) *T { v, _ := x[0].MaxDim(1, false); return v }, []*T{rnd(49, 3, 4)}}},
	"MinBackward0":       {{func(x []*T) *T { v, _ := x[0].MinDim(0, true); return v }, []*T{rnd(50, 3, 4)}}},
	"AmaxBackward0":      {{func(x []*T) *T { return x[0].Amax([]int{0, 2}, false) }, []*T{rnd(51, 2, 3, 4)}}},
	"AminBackward0":      {{func(x []*T) *T { return x[0].Amin([]int{1}, true) }, []*T{rnd(52, 2, 3, 4)}}},
	"LogsumexpBackward0": {{func(x []*T) *T { return x[0].LogSumExp([]int{1}, false) }, []*T{rnd(53, 3, 4)}}},
	"NormBackward1": {
		{func(x []*T) *T { return x[0].NormDims(2, []int{1}, false) }, []*T{rnd(54, 3, 4)}},
		{func(x []*T) *T { return x[0].Norm(2) }, []*T{rnd(55, 3, 4)}},
	},
	"DotBackward0": {{func(x []*T) *T { return x[0].MatMul(x[1]) }, []*T{rnd(56, 4), rnd(57, 4)}}},
	"MvBackward0":  {{func(x []*T) *T { return x[0].MatMul(x[1]) }, []*T{rnd(58, 3, 4), rnd(59, 4)}}},
	"MmBackward0":  {{func(x []*T) *T { return x[0].MatMul(x[1].T()) }, []*T{rnd(60, 3, 4), rnd(61, 5, 4)}}},
	"BmmBackward0": {
		{func(x []*T) *T { return x[0].MatMul(x[1]) }, []*T{rnd(62, 2, 1, 3, 4), rnd(63, 3, 4, 2)}},
		{func(x []*T) *T { return x[0].MatMul(x[1]) }, []*T{rnd(64, 4), rnd(65, 2, 4, 3)}},
	},
	"SoftmaxBackward0":    {{func(x []*T) *T { return x[0].Softmax(1) }, []*T{rnd(66, 3, 4)}}},
	"LogSoftmaxBackward0": {{func(x []*T) *T { return x[0].LogSoftmax(0) }, []*T{rnd(67, 3, 4)}}},
	"CatBackward0":        {{func(x []*T) *T { return tensor.Cat([]*T{x[0], x[1].T()}, 1) }, []*T{rnd(68, 2, 3), rnd(69, 1, 2)}}},
	"GatherBackward0": {{func(x []*T) *T {
		return x[0].Gather(1, tensor.FromSlice([]int64{0, 0, 2, 1, 3, 3}, 3, 2))
	}, []*T{rnd(70, 3, 4)}}},
	"ScatterAddBackward0": {{func(x []*T) *T {
		return x[0].ScatterAdd(0, tensor.FromSlice([]int64{0, 2, 2, 1}, 2, 2), x[1])
	}, []*T{rnd(71, 3, 2), rnd(72, 2, 2)}}},
	"IndexSelectBackward0": {{func(x []*T) *T { return x[0].IndexSelect(0, idx(2, 0, 2)) }, []*T{rnd(73, 3, 2)}}},
	"ConstantPadNdBackward0": {
		{func(x []*T) *T { return x[0].Pad([]int{1, 2, 0, 1}, 0.5) }, []*T{rnd(74, 2, 3)}},
		{func(x []*T) *T { return x[0].Pad([]int{-1, 1}, 0) }, []*T{rnd(75, 2, 3)}},
	},
	"LinearBackward0": {
		{func(x []*T) *T { return tensor.Linear(x[0], x[1], x[2], tensor.ActNone) }, []*T{rnd(90, 5, 3), rnd(91, 4, 3), rnd(92, 4)}},
		{func(x []*T) *T { return tensor.Linear(x[0], x[1], x[2], tensor.ActReLU) }, []*T{awayFromZero(93, 2, 3, 3), awayFromZero(94, 4, 3).MulScalar(0.1), awayFromZero(95, 4)}},
		{func(x []*T) *T { return tensor.Linear(x[0], x[1], nil, tensor.ActTanh) }, []*T{rnd(96, 5, 3), rnd(97, 4, 3)}},
		{func(x []*T) *T { return tensor.Linear(x[0].T(), x[1], x[2], tensor.ActSigmoid) }, []*T{rnd(98, 3, 5), rnd(99, 4, 3), rnd(100, 4)}},
	},
	"Col2ImBackward0": {
		{func(x []*T) *T { return x[0].Fold(4, 5, tensor.Window{KH: 2, KW: 2, SH: 2, PW: 1}) }, []*T{rnd(117, 2, 8, 12)}},
		{func(x []*T) *T {
			return tensor.ConvTranspose2d(x[0], x[1], x[2], tensor.ConvTranspose2dOptions{Stride: [2]int{2, 1}, Padding: [2]int{1, 0}, OutputPadding: [2]int{1, 0}})
		}, []*T{rnd(118, 2, 3, 3, 4), rnd(119, 3, 2, 3, 2), rnd(120, 2)}},
	},
	"MaxPool2DWithIndicesBackward0": {
		{func(x []*T) *T {
			return x[0].MaxPool2d(tensor.PoolOptions{Kernel: [2]int{2, 2}, Padding: [2]int{1, 0}})
		}, []*T{rnd(114, 2, 2, 5, 4)}},
		{func(x []*T) *T {
			return x[0].Transpose(2, 3).MaxPool2d(tensor.PoolOptions{Kernel: [2]int{3, 2}, Stride: [2]int{1, 2}, Dilation: [2]int{1, 2}})
		}, []*T{rnd(116, 1, 2, 6, 5)}},
	},
	"MLPBackward0": {
		{func(x []*T) *T {
			var c tensor.MLPCache
			return tensor.MLP(x[0], []tensor.DenseLayer{{W: x[1], B: x[2], Act: tensor.ActReLU}, {W: x[3].T(), Act: tensor.ActReLU}, {W: x[4], B: x[5]}}, &c)
		}, []*T{rnd(124, 5, 3), rnd(125, 4, 3), rnd(126, 4), rnd(127, 4, 6), rnd(128, 2, 6), rnd(129, 2)}},
		{func(x []*T) *T {
			var c tensor.MLPCache
			return tensor.MLP(x[0].T(), []tensor.DenseLayer{{W: x[1], B: x[2]}}, &c)
		}, []*T{rnd(130, 3, 4), rnd(131, 2, 3), rnd(132, 2)}},
	},
	"ConvolutionBackward0": {
		{func(x []*T) *T {
			return tensor.Conv2d(x[0], x[1], x[2], tensor.Conv2dOptions{Stride: [2]int{2, 1}, Padding: [2]int{1, 2}, Dilation: [2]int{1, 2}})
		}, []*T{rnd(116, 3, 2, 6, 7), rnd(117, 4, 2, 3, 2), rnd(118, 4)}},
		{func(x []*T) *T {
			return tensor.Conv2dAct(x[0].Transpose(2, 3), x[1], nil, tensor.Conv2dOptions{Padding: [2]int{1, 1}}, tensor.ActReLU)
		}, []*T{rnd(119, 5, 3, 4, 5), rnd(120, 2, 3, 3, 3)}},
		{func(x []*T) *T {
			return tensor.Conv1d(x[0], x[1], x[2], tensor.Conv1dOptions{Stride: 2, Padding: 1})
		}, []*T{rnd(121, 2, 3, 9), rnd(122, 4, 3, 3), rnd(123, 4)}},
	},
	"Im2ColBackward0": {
		{func(x []*T) *T { return x[0].Unfold(tensor.Window{KH: 2, KW: 3, SH: 2, PW: 1, DH: 2}) }, []*T{rnd(110, 2, 2, 5, 4)}},
		{func(x []*T) *T {
			return tensor.Conv2d(x[0], x[1], x[2], tensor.Conv2dOptions{Stride: [2]int{2, 1}, Padding: [2]int{1, 1}, Groups: 2})
		}, []*T{rnd(111, 2, 4, 5, 5), rnd(112, 6, 2, 3, 3), rnd(113, 6)}},
		{func(x []*T) *T { return x[0].AvgPool2d(tensor.PoolOptions{Kernel: [2]int{3, 2}, Stride: [2]int{1, 2}}) }, []*T{rnd(115, 1, 2, 5, 4)}},
	},
	"SortBackward1": append(unary(func(x *T) *T { v, _ := x.Sort(1, false); return v }, rnd(140, 3, 4)),
		unary(func(x *T) *T { v, _ := x.Sort(0, true); return v }, rnd(141, 3, 4))...),
	"TopkBackward0": append(unary(func(x *T) *T { v, _ := x.TopK(2, 1, true, true); return v }, rnd(142, 3, 4)),
		unary(func(x *T) *T { v, _ := x.TopK(2, 0, false, false); return v }, rnd(143, 3, 4))...),
	"CdistBackward0": {
		{func(x []*T) *T { return tensor.Cdist(x[0], x[1], 2) }, []*T{rnd(144, 4, 3), rnd(145, 5, 3)}},
		{func(x []*T) *T { return tensor.Cdist(x[0], x[1], 1) }, []*T{rnd(146, 2, 1, 4, 3), rnd(147, 3, 5, 3)}},
		{func(x []*T) *T { return tensor.Cdist(x[0].T(), x[1], 3) }, []*T{rnd(148, 3, 4), rnd(149, 5, 3)}},
		{func(x []*T) *T { return tensor.Cdist(x[0], x[1], 1.5) }, []*T{rnd(150, 4, 3), rnd(151, 2, 3)}},
		{func(x []*T) *T { return tensor.Cdist(x[0], x[1], 0.5) }, []*T{rnd(152, 4, 3), rnd(153, 2, 3)}},
		{func(x []*T) *T { return tensor.Cdist(x[0], x[1], math.Inf(1)) }, []*T{rnd(154, 4, 3), rnd(155, 5, 3)}},
	},
	"EuclideanDistBackward0": {
		{func(x []*T) *T { return tensor.Cdist(x[0], x[1], 2) }, []*T{rnd(156, 30, 3), rnd(157, 4, 3)}},
		{func(x []*T) *T { return tensor.Cdist(x[0], x[1].Transpose(-1, -2), 2) }, []*T{rnd(158, 2, 3, 2), rnd(159, 1, 2, 27)}},
	},
	"CumsumBackward0":    {{func(x []*T) *T { return x[0].Cumsum(1) }, []*T{rnd(76, 3, 4)}}},
	"ViewBackward0":      {{func(x []*T) *T { return x[0].View(4, 3).Exp() }, []*T{rnd(77, 3, 4)}}},
	"TransposeBackward0": {{func(x []*T) *T { return x[0].Transpose(0, 2).Exp() }, []*T{rnd(78, 2, 3, 4)}}},
	"PermuteBackward0":   {{func(x []*T) *T { return x[0].Permute(2, 0, 1).Exp() }, []*T{rnd(79, 2, 3, 4)}}},
	"SliceBackward0":     {{func(x []*T) *T { return x[0].Slice(1, 1, 4, 2).Exp() }, []*T{rnd(80, 3, 4)}}},
	"SelectBackward0":    {{func(x []*T) *T { return x[0].Select(1, -1).Exp() }, []*T{rnd(81, 3, 4)}}},
	"SqueezeBackward0":   {{func(x []*T) *T { return x[0].Squeeze().Exp() }, []*T{rnd(82, 3, 1, 4)}}},
	"UnsqueezeBackward0": {{func(x []*T) *T { return x[0].Unsqueeze(1).Exp() }, []*T{rnd(83, 3, 4)}}},
	"ExpandBackward0":    {{func(x []*T) *T { return x[0].Expand(2, 3, 4).Exp() }, []*T{rnd(84, 3, 1)}}},
	"CloneBackward0":     {{func(x []*T) *T { return x[0].T().Contiguous().Exp() }, []*T{rnd(85, 3, 4)}}},
	"ToCopyBackward0": {{func(x []*T) *T {
		return x[0].To(tensor.Float32).To(tensor.Float64).MulScalar(3)
	}, []*T{tensor.FromSlice([]float64{0.5, 0.25, -1, 2})}}},
}

func TestEveryOpHasGradCheck(t *testing.T) {
	for _, name := range tensor.RegisteredOps() {
		if len(gradChecks[name]) == 0 {
			t.Errorf("op %s is registered without a finite-difference gradient check", name)
		}
	}
	for name := range gradChecks {
		found := false
		for _, r := range tensor.RegisteredOps() {
			found = found || r == name
		}
		if !found {
			t.Errorf("gradient check for %s, which is not a registered op", name)
		}
	}
}

func TestGradCheck(t *testing.T) {
	for name, checks := range gradChecks {
		for i, c := range checks {
			o := tensortest.GradCheckOptions{Eps: tensortest.GradEps, Atol: tensortest.GradAtol, Rtol: tensortest.GradRtol}
			if lo, ok := looseChecks[name]; ok {
				o = lo
			}
			if err := tensortest.GradCheckWith(o, c.f, c.inputs...); err != nil {
				t.Errorf("%s check %d: %v", name, i, err)
			}
		}
	}
}

func TestGradCheckCatchesWrongGradient(t *testing.T) {
	// A function whose autograd gradient is deliberately wrong (detached factor) must fail.
	f := func(x []*T) *T { return x[0].Mul(x[0].Detach()) }
	if err := tensortest.GradCheck(f, rnd(1, 3)); err == nil {
		t.Fatal("GradCheck accepted a wrong gradient")
	}
}

func TestGradCheckNeedsFloat64(t *testing.T) {
	if err := tensortest.GradCheck(func(x []*T) *T { return x[0].Exp() }, tensor.Ones(2)); err == nil {
		t.Fatal("GradCheck accepted float32 input")
	}
	_ = math.Pi
}
