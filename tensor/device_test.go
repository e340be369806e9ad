package tensor_test

import (
	"fmt"
	"testing"

	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

// metaChecks replaces the gradient checks whose closures hold CPU constants (masks, indices):
// here those constants are inputs, so they move to the meta device with the rest.
var metaChecks = map[string][]gradCheck{
	"WhereBackward0": {{func(x []*T) *T { return tensor.Where(x[2], x[0], x[1]) },
		[]*T{rnd(38, 2, 3), rnd(39, 2, 1), tensor.FromSlice([]bool{true, false, true})}}},
	"MaskedFillBackward0": {{func(x []*T) *T { return x[0].MaskedFill(x[1], 3) },
		[]*T{rnd(40, 3, 4), tensor.FromSlice([]bool{true, false, false, true})}}},
	"GatherBackward0": {{func(x []*T) *T { return x[0].Gather(1, x[1]) },
		[]*T{rnd(70, 3, 4), tensor.FromSlice([]int64{0, 0, 2, 1, 3, 3}, 3, 2)}}},
	"ScatterAddBackward0": {{func(x []*T) *T { return x[0].ScatterAdd(0, x[2], x[1]) },
		[]*T{rnd(71, 3, 2), rnd(72, 2, 2), tensor.FromSlice([]int64{0, 2, 2, 1}, 2, 2)}}},
	"IndexSelectBackward0": {{func(x []*T) *T { return x[0].IndexSelect(0, x[1]) },
		[]*T{rnd(73, 3, 2), idx(2, 0, 2)}}},
}

// TestEveryOpConformsOnMeta runs every registered op (through its gradient checks) on the CPU
// and on the meta device, forward and backward, and compares shapes, dtypes and devices.
func TestEveryOpConformsOnMeta(t *testing.T) {
	for _, name := range tensor.RegisteredOps() {
		checks, ok := metaChecks[name]
		if !ok {
			checks = gradChecks[name]
		}
		for i, c := range checks {
			if err := tensortest.MetaConforms(c.f, c.inputs...); err != nil {
				t.Errorf("%s check %d: %v", name, i, err)
			}
		}
	}
	// Ops without gradients.
	more := map[string]gradCheck{
		"comparison": {func(x []*T) *T { return x[0].Lt(x[1]) }, []*T{rnd(1, 2, 3), rnd(2, 3)}},
		"logical":    {func(x []*T) *T { return x[0].GtScalar(0).LogicalAnd(x[1].LtScalar(0)).LogicalNot() }, []*T{rnd(1, 2, 3), rnd(2, 3)}},
		"argmax":     {func(x []*T) *T { return x[0].ArgmaxDim(1, true) }, []*T{rnd(3, 3, 4)}},
		"argsort":    {func(x []*T) *T { return x[0].ArgSort(0, true) }, []*T{rnd(4, 3, 4)}},
		"to int64":   {func(x []*T) *T { return x[0].To(tensor.Int64) }, []*T{rnd(5, 3, 4)}},
		"take rows":  {func(x []*T) *T { return x[0].TakeRows([]int{2, 0}) }, []*T{rnd(6, 3, 4)}},
		"one_hot":    {func(x []*T) *T { return x[0].OneHot(4) }, []*T{idx(1, 3, 0)}},
		"upsample": {func(x []*T) *T {
			return x[0].Upsample(5, 6, "bilinear")
		}, []*T{rnd(7, 1, 2, 3, 4)}},
		"zeros_like": {func(x []*T) *T {
			return tensor.FullLike(x[0], 2).Add(tensor.OnesLike(x[0])).Add(tensor.ZerosLike(x[0]))
		}, []*T{rnd(8, 3)}},
	}
	for name, c := range more {
		if err := tensortest.MetaConforms(c.f, c.inputs...); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestMetaConformsCatchesCPUAllocation adds, in the test, an op that allocates its output on the
// CPU whatever its input's device (the bug the conformance run exists to catch) and one that
// reads its input's values: both must fail.
func TestMetaConformsCatchesCPUAllocation(t *testing.T) {
	onCPU := func(x []*T) *T {
		return tensor.ZerosOf(x[0].DType(), x[0].Shape()...).Add(x[0].Detach().To(tensor.CPU))
	}
	if err := tensortest.MetaConforms(onCPU, rnd(1, 2, 3)); err == nil {
		t.Error("an op that allocates on the CPU passed the meta conformance check")
	}
	readsValues := func(x []*T) *T { return tensor.FromSlice(x[0].Float64s(), x[0].Shape()...) }
	if err := tensortest.MetaConforms(readsValues, rnd(1, 2, 3)); err == nil {
		t.Error("an op that reads host values passed the meta conformance check")
	}
}

func TestDevices(t *testing.T) {
	x := tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	if x.Device() != tensor.CPU || fmt.Sprint(x.Device()) != "cpu" || fmt.Sprintf("%#v", tensor.Meta) != "device(type='meta')" {
		t.Fatalf("device %v %#v", x.Device(), x.Device())
	}
	if x.To(tensor.CPU) != x {
		t.Error("To(same device) should return the tensor itself")
	}
	m := x.To(tensor.Meta)
	if m.Device() != tensor.Meta || m.DType() != tensor.Float32 || fmt.Sprint(m.Shape()) != "[2 3]" {
		t.Fatalf("meta copy: %v %v %v", m.Device(), m.DType(), m.Shape())
	}
	for _, u := range []*T{tensor.ZerosLike(m), tensor.OnesLike(m), tensor.FullLike(m, 3), m.Exp(), m.MatMul(m.T()), m.Sum()} {
		if u.Device() != tensor.Meta {
			t.Errorf("result on %v, want meta", u.Device())
		}
	}
	z := tensor.ZerosOn(tensor.Meta, tensor.Float64, 2, 3)
	if got := z.String(); got != "tensor(..., device='meta', size=(2, 3), dtype=torch.float64)" {
		t.Errorf("String: %s", got)
	}
	if got := tensor.FullOn(tensor.Meta, tensor.Int64, 1, 4).String(); got != "tensor(..., device='meta', size=(4,), dtype=torch.int64)" {
		t.Errorf("String: %s", got)
	}
	// Meta has no values to copy back, as in PyTorch.
	mustPanic(t, "no data", func() { m.To(tensor.CPU) })
	mustPanic(t, "add: cpu and meta tensors", func() { x.Add(m) })
	mustPanic(t, "matmul: meta and cpu tensors", func() { m.MatMul(x.T()) })
	mustPanic(t, "no data", func() { m.Sum().Item() })
	mustPanic(t, "no data", func() { m.Float64s() })
	mustPanic(t, "no backend registered", func() { tensor.ZerosOn("tpu", tensor.Float32, 1) })
}

func TestGraphBytes(t *testing.T) {
	x := tensor.Ones(2, 3).SetRequiresGrad(true)
	y := x.T().Exp() // the transpose is a view of the leaf: not counted; exp: 6 float32
	z := y.Reshape(6).Sum()
	if got := tensor.GraphBytes(z); got != 6*4+4 {
		t.Fatalf("GraphBytes = %d, want 28", got)
	}
	m := tensor.ZerosOn(tensor.Meta, tensor.Float64, 1000, 1000).SetRequiresGrad(true)
	if got := tensor.GraphBytes(m.Exp()); got != 8_000_000 {
		t.Fatalf("meta GraphBytes = %d", got)
	}
}
