package tensor

import (
	"fmt"

	"github.com/ember-ml/ember/backend"
)

// CopyFrom writes src's values (broadcast to t's shape, converted to t's dtype) into t's
// storage, in place, without recording autograd history. Views of t see the change. It is
// meant for parameter updates and loading weights; it panics on a tensor produced by a
// recorded op while grad mode is on.
func (t *Tensor) CopyFrom(src *Tensor) {
	if t.node != nil && GradEnabled() {
		panic("copy_from: a tensor produced by a recorded op cannot be modified in place")
	}
	sameDevice("copy_from", t, src)
	l := src.expandLayout("copy_from", t.layout.Shape)
	t.be().Copy(t.storage, t.layout, src.storage, l)
}

// Fill sets every element of t to v, in place, like tensor.fill_; see CopyFrom for the rules.
func (t *Tensor) Fill(v float64) {
	if t.node != nil && GradEnabled() {
		panic("fill: a tensor produced by a recorded op cannot be modified in place")
	}
	t.be().Fill(t.storage, t.layout, v)
}

// HostSlice returns the storage's elements ([]float32, []float64, []int64 or []bool) without
// copying when t is a contiguous CPU tensor that covers its whole storage, and nil otherwise.
// Writes through the slice change t and its views; they are not recorded by autograd.
func (t *Tensor) HostSlice() any {
	if !t.IsContiguous() || t.layout.Offset != 0 || t.Numel() != t.storage.Len() {
		return nil
	}
	return t.be().Host(t.storage)
}

// HostFloat32 is HostSlice for float32 tensors, without boxing: the elements of a contiguous
// CPU float32 tensor that covers its storage, or nil.
func (t *Tensor) HostFloat32() []float32 {
	if !t.coversStorage() {
		return nil
	}
	if h, ok := t.be().(backend.HostFloats); ok {
		return h.HostFloat32(t.storage)
	}
	return nil
}

// HostFloat64 is HostSlice for float64 tensors.
func (t *Tensor) HostFloat64() []float64 {
	if !t.coversStorage() {
		return nil
	}
	if h, ok := t.be().(backend.HostFloats); ok {
		return h.HostFloat64(t.storage)
	}
	return nil
}

func (t *Tensor) coversStorage() bool {
	return t.layout.Offset == 0 && t.Numel() == t.storage.Len() && t.IsContiguous()
}

// defaultGen is the process-wide generator; it is never replaced, only reseeded, so layers
// that hold it follow ManualSeed.
var defaultGen = NewGenerator(0)

// ManualSeed reseeds the default generator in place, like torch.manual_seed: everything that
// draws from it (layers built earlier included, e.g. Dropout's masks) restarts from seed.
func ManualSeed(seed uint64) { defaultGen.ManualSeed(seed) }

// DefaultGenerator returns the process-wide generator that layers use for initialisation
// when no generator is given. It starts from seed 0, so programs are reproducible by default,
// and it is safe for concurrent use.
func DefaultGenerator() *Generator { return defaultGen }

// Release hands t's storage back to its backend for reuse by a later allocation of the same
// dtype and size (backend.Backend.Recycle); it is how nn.Sequential recycles the activations
// between its layers when no gradients are recorded. The caller promises that nothing — no
// view, no other tensor, no user code — will read t or its storage again. Tensors with
// autograd history, views that do not cover their whole storage, and tiny tensors are left
// alone.
func Release(t *Tensor) {
	if t == nil || t.node != nil || t.requiresGrad || !t.coversStorage() || t.Numel() < 256 {
		return
	}
	t.bk.Recycle(t.storage)
	t.storage = nil // any later use fails loudly instead of reading reused memory
}

// SetData makes t a view of src's storage with src's layout and device, keeping t's identity,
// its requires-grad flag and its gradient, like PyTorch's `param.data = src`: nn.To moves a
// model's parameters to another device this way, so optimizers and shared references still
// see them. src must have t's shape and dtype; its autograd history is ignored. It panics on a
// tensor produced by a recorded op while grad mode is on.
func (t *Tensor) SetData(src *Tensor) {
	if t.node != nil && GradEnabled() {
		panic("set_data: a tensor produced by a recorded op cannot be modified in place")
	}
	if !sameShape(t.layout.Shape, src.layout.Shape) || t.DType() != src.DType() {
		panic(fmt.Sprintf("set_data: source %v %v does not match tensor %v %v", src.DType(), src.layout.Shape, t.DType(), t.layout.Shape))
	}
	t.storage, t.bk = src.storage, src.bk
	t.setLayout(src.layout.Shape, src.layout.Strides, src.layout.Offset)
}
