package tensor_test

import (
	"math"
	"slices"
	"testing"

	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

func TestShapeErrorsNameOpAndShapes(t *testing.T) {
	mustPanic(t, "matmul: [32 10] @ [3 10]: inner dimensions 10 and 3 differ", func() {
		tensor.Zeros(32, 10).MatMul(tensor.Zeros(3, 10))
	})
	mustPanic(t, "add: shapes [2 3] and [4] are not broadcastable", func() { tensor.Zeros(2, 3).Add(tensor.Zeros(4)) })
	mustPanic(t, "select: index 5 is out of bounds for dimension 0 with size 3", func() { tensor.Zeros(3).Select(0, 5) })
	mustPanic(t, "gather: index 4 is out of bounds", func() { tensor.Zeros(2, 4).Gather(1, tensor.FromSlice([]int64{4}, 1, 1)) })
	mustPanic(t, "sum: dimension 2 out of range for tensor of shape [2 3]", func() { tensor.Zeros(2, 3).SumDims([]int{2}, false) })
	mustPanic(t, "view: size [6] is not compatible", func() { tensor.Zeros(2, 3).T().View(6) })
	mustPanic(t, "reshape: shape [4 2] is invalid for input of size 6", func() { tensor.Zeros(2, 3).Reshape(4, 2) })
	mustPanic(t, "cat: sizes of tensors must match except in dimension 0", func() {
		tensor.Cat([]*tensor.Tensor{tensor.Zeros(2, 3), tensor.Zeros(2, 4)}, 0)
	})
	mustPanic(t, "from slice: shape [2 2] needs 4 elements, got 3", func() { tensor.FromSlice([]float32{1, 2, 3}, 2, 2) })
	mustPanic(t, "item: a Tensor with 2 elements", func() { tensor.Zeros(2).Item() })
}

func TestViewsShareStorage(t *testing.T) {
	x := tensor.Arange(0, 12, 1).Reshape(3, 4)
	for name, v := range map[string]*tensor.Tensor{
		"transpose": x.T(), "permute": x.Permute(1, 0), "slice": x.Slice(1, 0, 4, 2), "select": x.Select(0, 1),
		"unsqueeze": x.Unsqueeze(0), "expand": x.Unsqueeze(0).Expand(2, 3, 4), "view": x.View(12), "flatten": x.Flatten(0, -1),
		"narrow": x.Narrow(0, 1, 2), "split": x.Split(2, 0)[1], "chunk": x.Chunk(2, 1)[0], "squeeze": x.Unsqueeze(1).Squeeze(1),
	} {
		if !v.SharesStorage(x) {
			t.Errorf("%s copied its input", name)
		}
	}
	if x.T().IsContiguous() || !x.T().Contiguous().IsContiguous() {
		t.Fatal("transpose must be non-contiguous and Contiguous must fix it")
	}
	if x.T().Reshape(12).SharesStorage(x) {
		t.Fatal("reshape of a transpose must copy")
	}
	got := x.Slice(1, 1, 4, 2).Float32s()
	if !slices.Equal(got, []float32{1, 3, 5, 7, 9, 11}) {
		t.Fatalf("strided slice %v", got)
	}
	if x.Slice(0, -2, 100, 1).Size(0) != 2 {
		t.Fatal("python-style slice bounds")
	}
}

func TestCreation(t *testing.T) {
	if got := tensor.ArangeOf(tensor.Int64, 0, 5, 1); got.DType() != tensor.Int64 || !slices.Equal(got.Int64s(), []int64{0, 1, 2, 3, 4}) {
		t.Fatalf("arange %v", got)
	}
	if got := tensor.Arange(1, 0, -0.25).Float32s(); !slices.Equal(got, []float32{1, 0.75, 0.5, 0.25}) {
		t.Fatalf("arange with negative step %v", got)
	}
	if got := tensor.Linspace(0, 1, 5).Float32s(); !slices.Equal(got, []float32{0, 0.25, 0.5, 0.75, 1}) {
		t.Fatalf("linspace %v", got)
	}
	if got := tensor.Eye(3).Float32s(); !slices.Equal(got, []float32{1, 0, 0, 0, 1, 0, 0, 0, 1}) {
		t.Fatalf("eye %v", got)
	}
	if got := tensor.FullOf(tensor.Float64, 2.5, 2); got.DType() != tensor.Float64 || got.Float64s()[1] != 2.5 {
		t.Fatalf("full %v", got)
	}
	x := tensor.FromRows([][]float64{{1, 2}, {3, 4}})
	if z := tensor.ZerosLike(x); z.DType() != tensor.Float64 || !slices.Equal(z.Shape(), []int{2, 2}) {
		t.Fatalf("zeros_like %v", z)
	}
	if got := x.At(1, 0); got != 3 {
		t.Fatalf("At(1, 0) = %v", got)
	}
	if s := tensor.Scalar(2); s.Dim() != 0 || s.Item() != 2 {
		t.Fatalf("scalar %v", s)
	}
	if got := tensor.FromSlice([]float64{1.7, -1.7}).Long().Int64s(); !slices.Equal(got, []int64{1, -1}) {
		t.Fatalf("float→int truncates toward zero, got %v", got)
	}
}

func TestRandomIsSeeded(t *testing.T) {
	for name, f := range map[string]func(g *tensor.Generator) []float64{
		"rand":     func(g *tensor.Generator) []float64 { return tensor.Rand(g, 5).Float64s() },
		"randn":    func(g *tensor.Generator) []float64 { return tensor.Randn(g, 5).Float64s() },
		"randint":  func(g *tensor.Generator) []float64 { return tensor.Randint(g, -3, 3, 5).Float64s() },
		"randperm": func(g *tensor.Generator) []float64 { return tensor.Randperm(g, 5).Float64s() },
	} {
		a, b := f(tensor.NewGenerator(42)), f(tensor.NewGenerator(42))
		c := f(tensor.NewGenerator(43))
		if !slices.Equal(a, b) {
			t.Errorf("%s: same seed gave %v and %v", name, a, b)
		}
		if slices.Equal(a, c) && name != "randint" {
			t.Errorf("%s: different seeds gave the same values", name)
		}
	}
	p := tensor.Randperm(tensor.NewGenerator(1), 100).Int64s()
	slices.Sort(p)
	for i, v := range p {
		if v != int64(i) {
			t.Fatal("randperm is not a permutation")
		}
	}
	g := tensor.NewGenerator(9)
	tensor.Rand(g, 3)
	state := g.State()
	a := tensor.Rand(g, 4).Float32s()
	if err := g.SetState(state); err != nil {
		t.Fatal(err)
	}
	if b := tensor.Rand(g, 4).Float32s(); !slices.Equal(a, b) {
		t.Fatal("restoring generator state does not replay the sequence")
	}
	u := tensor.Rand(tensor.NewGenerator(5), 10000).Float64s()
	mean := 0.0
	for _, v := range u {
		if v < 0 || v >= 1 {
			t.Fatalf("rand value %v outside [0, 1)", v)
		}
		mean += v / float64(len(u))
	}
	if math.Abs(mean-0.5) > 0.02 {
		t.Fatalf("rand mean %v", mean)
	}
}

func TestDTypePromotion(t *testing.T) {
	i := tensor.FromSlice([]int64{1, 2, 3})
	if d := i.Div(tensor.FromSlice([]int64{2, 2, 2})); d.DType() != tensor.Float32 || d.Float32s()[0] != 0.5 {
		t.Fatalf("int/int must be true division in float32, got %v", d)
	}
	if d := i.AddScalar(1); d.DType() != tensor.Int64 {
		t.Fatalf("int + integral scalar stays int64, got %v", d.DType())
	}
	if d := i.MulScalar(0.5); d.DType() != tensor.Float32 {
		t.Fatalf("int · 0.5 is float32, got %v", d.DType())
	}
	if m := tensor.FromSlice([]float32{1, 2}).GtScalar(1.5); m.DType() != tensor.Bool || !slices.Equal(m.Bools(), []bool{false, true}) {
		t.Fatalf("comparison mask %v", m)
	}
	if s := tensor.FromSlice([]bool{true, true, false}).Sum(); s.DType() != tensor.Int64 || s.Item() != 2 {
		t.Fatalf("bool sum %v", s)
	}
}

// TestLinearMatchesComposition checks the fused layer against the ops it replaces, for
// sizes that take both the small and the packed matrix kernels.
func TestLinearMatchesComposition(t *testing.T) {
	g := tensor.NewGenerator(4)
	for _, n := range []int{1, 7, 64, 300} {
		for _, act := range []string{tensor.ActNone, tensor.ActReLU, tensor.ActTanh, tensor.ActSigmoid} {
			x := tensor.Randn(g, n, 40).SetRequiresGrad(true)
			w := tensor.Randn(g, 30, 40).SetRequiresGrad(true)
			b := tensor.Randn(g, 30).SetRequiresGrad(true)
			y := tensor.Linear(x, w, b, act)
			x2 := x.Detach().SetRequiresGrad(true)
			w2 := w.Detach().SetRequiresGrad(true)
			b2 := b.Detach().SetRequiresGrad(true)
			z := x2.MatMul(w2.T()).Add(b2)
			switch act {
			case tensor.ActReLU:
				z = z.ReLU()
			case tensor.ActTanh:
				z = z.Tanh()
			case tensor.ActSigmoid:
				z = z.Sigmoid()
			}
			if err := tensortest.Close(y, z, 1e-5, 1e-5); err != nil {
				t.Fatalf("n=%d act=%q forward: %v", n, act, err)
			}
			up := tensor.Randn(g, n, 30)
			y.Backward(tensor.WithGrad(up))
			z.Backward(tensor.WithGrad(up))
			for name, pair := range map[string][2]*tensor.Tensor{"x": {x.Grad(), x2.Grad()}, "w": {w.Grad(), w2.Grad()}, "b": {b.Grad(), b2.Grad()}} {
				if err := tensortest.Close(pair[0], pair[1], 1e-4, 1e-4); err != nil {
					t.Fatalf("n=%d act=%q grad %s: %v", n, act, name, err)
				}
			}
		}
	}
}

func TestTakeRows(t *testing.T) {
	x := tensor.Arange(0, 12, 1).Reshape(4, 3)
	got := x.TakeRows([]int{3, 0, 3})
	if !slices.Equal(got.Float32s(), []float32{9, 10, 11, 0, 1, 2, 9, 10, 11}) || !slices.Equal(got.Shape(), []int{3, 3}) {
		t.Fatalf("take rows %v", got)
	}
	if v := x.T().TakeRows([]int{1}); !slices.Equal(v.Float32s(), []float32{1, 4, 7, 10}) {
		t.Fatalf("take rows of a view %v", v)
	}
	mustPanic(t, "out of bounds", func() { x.TakeRows([]int{4}) })
}

// TestBroadcastFastPaths checks the contiguous fast paths of binary ops against the same
// operation on a copy that takes the general path.
func TestBroadcastFastPaths(t *testing.T) {
	g := tensor.NewGenerator(9)
	a := tensor.Randn(g, 2, 3, 4)
	for _, b := range []*tensor.Tensor{tensor.Randn(g, 3, 1), tensor.Randn(g, 4), tensor.Randn(g, 1), tensor.Randn(g, 2, 1, 1)} {
		for name, op := range map[string]func(x, y *tensor.Tensor) *tensor.Tensor{
			"add": (*tensor.Tensor).Add, "sub": (*tensor.Tensor).Sub, "mul": (*tensor.Tensor).Mul, "div": (*tensor.Tensor).Div,
		} {
			fast := op(a, b)
			// A transposed copy of a is not contiguous, so it takes the general path.
			slow := op(a.Transpose(0, 2).Contiguous().Transpose(0, 2), b)
			if err := tensortest.Close(fast, slow, 0, 0); err != nil {
				t.Fatalf("%s with %v: %v", name, b.Shape(), err)
			}
		}
	}
	// Sums whose innermost dim is reduced take the run-summing path; compare with the
	// same sum over a transposed copy.
	x := tensor.Randn(g, 5, 7, 3)
	fast := x.SumDims([]int{0, 2}, false)
	slow := x.Permute(2, 1, 0).Contiguous().SumDims([]int{0, 2}, false)
	if err := tensortest.Close(fast, slow, 1e-6, 1e-6); err != nil {
		t.Fatal(err)
	}
}
