package tensor_test

import (
	"strings"
	"testing"

	"github.com/ember-ml/ember/tensor"
)

func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			t.Fatalf("no panic; want one containing %q", want)
		}
		if msg, _ := r.(string); !strings.Contains(msg, want) {
			t.Fatalf("panic %q; want it to contain %q", r, want)
		}
	}()
	f()
}

func TestGradAccumulatesAcrossBackwardCalls(t *testing.T) {
	x := tensor.FromSlice([]float32{1, 2, 3}).SetRequiresGrad(true)
	x.Mul(x).Sum().Backward()
	x.Mul(x).Sum().Backward()
	if got := x.Grad().Float32s(); got[0] != 4 || got[1] != 8 || got[2] != 12 {
		t.Fatalf("accumulated grad %v, want [4 8 12]", got)
	}
	x.ZeroGrad()
	if x.Grad() != nil {
		t.Fatal("ZeroGrad left a gradient")
	}
}

func TestTensorUsedTwiceGetsBothContributions(t *testing.T) {
	x := tensor.Scalar(3).SetRequiresGrad(true)
	y := x.Mul(x).Add(x.MulScalar(2)) // x² + 2x → 2x + 2 = 8
	y.Backward()
	if g := x.Grad().Item(); g != 8 {
		t.Fatalf("grad %v, want 8", g)
	}
}

func TestGraphFreedUnlessRetained(t *testing.T) {
	x := tensor.FromSlice([]float64{1, 2}).SetRequiresGrad(true)
	y := x.Exp().Sum()
	y.Backward(tensor.RetainGraph())
	y.Backward()
	want := x.Exp().MulScalar(2).Float64s()
	for i, g := range x.Grad().Float64s() {
		if g != want[i] {
			t.Fatalf("grad %v, want %v", x.Grad(), want)
		}
	}
	mustPanic(t, "second time", func() { y.Backward() })
}

func TestBackwardNonScalarNeedsGrad(t *testing.T) {
	x := tensor.Ones(2, 2).SetRequiresGrad(true)
	y := x.MulScalar(3)
	mustPanic(t, "only for scalar outputs", func() { y.Backward() })
	y.Backward(tensor.WithGrad(tensor.FromSlice([]float32{1, 2, 3, 4}, 2, 2)))
	if got := x.Grad().Float32s(); got[3] != 12 {
		t.Fatalf("grad %v, want 3·[1 2 3 4]", got)
	}
}

func TestNoGradAndDetach(t *testing.T) {
	x := tensor.Ones(3).SetRequiresGrad(true)
	var y *tensor.Tensor
	tensor.NoGrad(func() { y = x.MulScalar(2) })
	if y.RequiresGrad() || y.GradFn() != "" {
		t.Fatal("op inside NoGrad recorded history")
	}
	d := x.Detach()
	if d.RequiresGrad() || !d.SharesStorage(x) {
		t.Fatal("Detach must share storage and drop history")
	}
	mustPanic(t, "does not require grad", func() { d.Sum().Backward() })
}

func TestRequiresGradRules(t *testing.T) {
	mustPanic(t, "only floating point", func() { tensor.FromSlice([]int64{1}).SetRequiresGrad(true) })
	x := tensor.Ones(2).SetRequiresGrad(true)
	y := x.MulScalar(2)
	mustPanic(t, "leaf variables", func() { y.SetRequiresGrad(false) })
	if y.IsLeaf() || !x.IsLeaf() || y.GradFn() != "MulBackward0" {
		t.Fatalf("leaf/grad_fn bookkeeping wrong: %v %v %q", y.IsLeaf(), x.IsLeaf(), y.GradFn())
	}
}

func TestRetainGradOnNonLeaf(t *testing.T) {
	x := tensor.FromSlice([]float32{1, 2}).SetRequiresGrad(true)
	h := x.MulScalar(3).RetainGrad()
	h.Sum().Backward()
	if h.Grad() == nil || h.Grad().Float32s()[0] != 1 {
		t.Fatalf("retained grad %v, want ones", h.Grad())
	}
}

func TestGradThroughViewsAndBroadcast(t *testing.T) {
	x := tensor.Arange(0, 6, 1).Reshape(2, 3).SetRequiresGrad(true)
	b := tensor.Ones(3).SetRequiresGrad(true)
	// The transposed slice sees column 1 and 2; b is broadcast over rows.
	y := x.T().Slice(0, 1, 3, 1).Add(b.Slice(0, 0, 2, 1).Unsqueeze(1)).Sum()
	y.Backward()
	want := []float32{0, 1, 1, 0, 1, 1}
	for i, g := range x.Grad().Float32s() {
		if g != want[i] {
			t.Fatalf("x grad %v, want %v", x.Grad().Float32s(), want)
		}
	}
	if got := b.Grad().Float32s(); got[0] != 2 || got[1] != 2 || got[2] != 0 {
		t.Fatalf("b grad %v, want [2 2 0]", got)
	}
}

func TestDeepGraphDoesNotOverflowStack(t *testing.T) {
	x := tensor.Scalar(1).SetRequiresGrad(true)
	y := x
	for range 10000 {
		y = y.MulScalar(1.0001)
	}
	y.Backward()
	if g := x.Grad().Item(); g < 2.7 || g > 2.72 { // 1.0001^10000 ≈ e
		t.Fatalf("grad %v, want ≈ 2.718", g)
	}
}

func TestBackwardOrderIsDeterministic(t *testing.T) {
	run := func() []float32 {
		x := tensor.Randn(tensor.NewGenerator(3), 50).SetRequiresGrad(true)
		y := x
		for i := range 20 {
			y = y.Add(x.MulScalar(float64(i)).Sin()).Tanh()
		}
		y.Sum().Backward()
		return x.Grad().Float32s()
	}
	a, b := run(), run()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("gradients differ between identical runs at %d: %v vs %v", i, a[i], b[i])
		}
	}
}

func TestMixedDTypeGradientHasLeafDType(t *testing.T) {
	x := tensor.Ones(2).SetRequiresGrad(true) // float32
	y := tensor.OnesOf(tensor.Float64, 2)
	z := x.Add(y)
	if z.DType() != tensor.Float64 {
		t.Fatalf("float32+float64 gave %v", z.DType())
	}
	z.Sum().Backward()
	if x.Grad().DType() != tensor.Float32 {
		t.Fatalf("leaf gradient dtype %v, want float32", x.Grad().DType())
	}
}
