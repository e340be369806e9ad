// Package tensor provides Ember's n-dimensional Tensor with PyTorch's semantics: dtypes,
// strided views that share storage, NumPy broadcasting, and reverse-mode automatic
// differentiation.
//
// Rules of the package:
//   - Operations are methods that return a new tensor and never modify their receiver; the few
//     methods that modify a tensor in place end in an underscore-free "Set", "Zero" or "Fill"
//     verb and refuse tensors that are part of a recorded graph.
//   - Shape bugs panic with a message naming the op and the shapes, as PyTorch raises; indices
//     out of range panic likewise. Code that handles user input should check shapes first.
//   - Randomness comes only from an explicit *Generator: the same seed gives the same numbers.
//   - Gradients are recorded while grad mode is enabled (see NoGrad) for results of tensors
//     that require grad; Backward accumulates into the Grad of leaf tensors.
//   - Concurrency: grad mode belongs to the goroutine (NoGrad in one goroutine never affects
//     another), generators are locked, and ops only read their inputs, so independent models
//     train safely in parallel goroutines and one model may serve Forward calls from many.
//     Training one model from two goroutines at once is unsupported: two Backward passes
//     that meet in a shared tensor panic, and an optimizer step racing a forward pass is a
//     data race.
//
// Devices: a tensor lives on a device (CPU by default, or Meta, or any registered backend);
// every op runs on its inputs' backend and allocates its output there, and mixing devices in
// one op panics ("add: cpu and meta tensors"). Creation functions make CPU tensors, the *On
// variants (ZerosOn, FullOn) take a device, and To moves a tensor between devices. Reading
// values (Item, Float64s, …) on a device without data (Meta) panics.
package tensor

import (
	"fmt"
	"sync/atomic"

	"github.com/ember-ml/ember/backend"
	"github.com/ember-ml/ember/backend/cpu"
)

// DType is a tensor's element type.
type DType = backend.DType

// Element types. Float32 is the default.
const (
	Float32 = backend.Float32
	Float64 = backend.Float64
	Int64   = backend.Int64
	Bool    = backend.Bool
)

// Device names where a tensor's storage lives; it prints as PyTorch's str(device).
type Device = backend.Device

// The built-in devices. CPU is the default; Meta tensors have a shape and a dtype but no data.
const (
	CPU  = backend.CPU
	Meta = backend.Meta
)

// Target is what To converts to: a DType or a Device.
type Target = backend.Target

// cpuBackend is the default backend: creation functions without a device allocate here.
var cpuBackend backend.Backend = cpu.Backend{}

// Tensor is an n-dimensional array with an optional autograd history.
// A Tensor is a view: several tensors may share one storage with different layouts.
type Tensor struct {
	storage backend.Storage
	layout  backend.Layout
	bk      backend.Backend // the backend of the storage's device

	requiresGrad bool
	retainsGrad  bool
	grad         *Tensor
	node         *node // the op that produced this tensor; nil for leaves

	// dims holds the shape and strides of tensors of up to inlineDims dimensions, so a
	// tensor is one allocation.
	dims [2 * inlineDims]int

	// Scratch of Backward, owned by the pass whose number is in bwdPass while it runs (see
	// runBackward); bwdPass is 0 when no pass holds the tensor.
	bwdPass atomic.Uint64
	bwdGrad *Tensor
}

const inlineDims = 4

// setLayout copies shape and strides into t (inline when they fit).
func (t *Tensor) setLayout(shape, strides []int, offset int) {
	nd := len(shape)
	var sh, st []int
	if nd <= inlineDims {
		sh, st = t.dims[:nd:nd], t.dims[inlineDims:inlineDims+nd:inlineDims+nd]
	} else {
		buf := make([]int, 2*nd)
		sh, st = buf[:nd:nd], buf[nd:]
	}
	copy(sh, shape)
	copy(st, strides)
	t.layout = backend.Layout{Shape: sh, Strides: st, Offset: offset}
}

func (t *Tensor) be() backend.Backend { return t.bk }

// backendOf returns the backend registered for dev, panicking with op's name if there is none.
func backendOf(op string, dev Device) backend.Backend {
	if dev == CPU {
		return cpuBackend
	}
	b, err := backend.Get(dev)
	if err != nil {
		panic(op + ": " + err.Error())
	}
	return b
}

// fromStorage wraps a storage of backend bk with a contiguous layout of shape (copied).
func fromStorage(s backend.Storage, shape []int, bk backend.Backend) *Tensor {
	t := &Tensor{storage: s, bk: bk}
	t.setLayout(shape, shape, 0)
	st := t.layout.Strides
	acc := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = acc
		acc *= shape[i]
	}
	return t
}

// view returns a tensor sharing t's storage with another layout (copied).
func (t *Tensor) view(l backend.Layout) *Tensor {
	v := &Tensor{storage: t.storage, bk: t.bk}
	v.setLayout(l.Shape, l.Strides, l.Offset)
	return v
}

// Shape returns a copy of the tensor's dimensions.
func (t *Tensor) Shape() []int { return append([]int{}, t.layout.Shape...) }

// Size returns the size of dimension dim (negative dims count from the end).
func (t *Tensor) Size(dim int) int { return t.layout.Shape[t.normDim("size", dim)] }

// Strides returns a copy of the tensor's strides, in elements.
func (t *Tensor) Strides() []int { return append([]int{}, t.layout.Strides...) }

// Offset returns the position of the tensor's first element in its storage.
func (t *Tensor) Offset() int { return t.layout.Offset }

// Dim returns the number of dimensions.
func (t *Tensor) Dim() int { return len(t.layout.Shape) }

// Numel returns the number of elements.
func (t *Tensor) Numel() int { return t.layout.Numel() }

// DType returns the element type.
func (t *Tensor) DType() DType { return t.storage.DType() }

// Device returns the device holding the storage.
func (t *Tensor) Device() Device { return t.bk.Device() }

// IsMeta reports whether the tensor's device holds no data (the meta device): its shape and
// dtype are real, its values do not exist.
func (t *Tensor) IsMeta() bool { return backend.IsAbstract(t.bk) }

// IsContiguous reports whether the elements are laid out row-major without gaps.
func (t *Tensor) IsContiguous() bool { return t.layout.IsContiguous() }

// SharesStorage reports whether t and u are views of the same storage.
func (t *Tensor) SharesStorage(u *Tensor) bool { return t.storage == u.storage }

// RequiresGrad reports whether gradients flow to or through this tensor.
func (t *Tensor) RequiresGrad() bool { return t.requiresGrad }

// IsLeaf reports whether the tensor was not produced by a recorded op.
func (t *Tensor) IsLeaf() bool { return t.node == nil }

// SetRequiresGrad marks a leaf tensor as needing gradients and returns it.
// It panics for non-leaf tensors and for non-float dtypes, as PyTorch does.
func (t *Tensor) SetRequiresGrad(b bool) *Tensor {
	if t.node != nil {
		panic("tensor: set requires grad: you can only change requires_grad flags of leaf variables")
	}
	if b && !t.DType().IsFloat() {
		panic(fmt.Sprintf("tensor: set requires grad: only floating point tensors can require gradients, got %v", t.DType()))
	}
	t.requiresGrad = b
	return t
}

// Grad returns the gradient accumulated by Backward, or nil.
func (t *Tensor) Grad() *Tensor { return t.grad }

// SetGrad replaces the accumulated gradient (nil clears it).
func (t *Tensor) SetGrad(g *Tensor) {
	if g != nil && !sameShape(g.layout.Shape, t.layout.Shape) {
		panic(fmt.Sprintf("tensor: set grad: gradient shape %v does not match tensor shape %v", g.layout.Shape, t.layout.Shape))
	}
	t.grad = g
}

// ZeroGrad clears the accumulated gradient, like PyTorch's set_to_none behaviour.
func (t *Tensor) ZeroGrad() { t.grad = nil }

// RetainGrad asks Backward to keep the gradient of this non-leaf tensor in Grad.
func (t *Tensor) RetainGrad() *Tensor {
	if t.requiresGrad && t.node != nil {
		t.retainsGrad = true
	}
	return t
}

// GradFn returns the name of the op that produced the tensor, PyTorch style
// ("AddBackward0"), or "" for leaves.
func (t *Tensor) GradFn() string {
	if t.node == nil {
		return ""
	}
	return t.node.name
}

// Detach returns a view of the same storage without autograd history.
func (t *Tensor) Detach() *Tensor { return t.view(t.layout) }

// Storage returns the backend storage; for kernels and backends, not for everyday use.
func (t *Tensor) Storage() backend.Storage { return t.storage }

// Backend returns the backend of the tensor's device; for code that calls a primitive on
// Storage directly (optimizers' fused updates, fused losses), not for everyday use.
func (t *Tensor) Backend() backend.Backend { return t.bk }

// Layout returns a copy of the tensor's layout; for kernels and backends.
func (t *Tensor) Layout() backend.Layout {
	return backend.Layout{Shape: t.Shape(), Strides: t.Strides(), Offset: t.layout.Offset}
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (t *Tensor) normDim(op string, dim int) int {
	return normDim(op, dim, t.Dim(), t.layout.Shape)
}

func normDim(op string, dim, ndim int, shape []int) int {
	n := ndim
	if n == 0 {
		n = 1 // a scalar accepts dims 0 and -1, as in PyTorch
	}
	if dim < -n || dim >= n {
		panic(fmt.Sprintf("%s: dimension %d out of range for tensor of shape %v (expected in [%d, %d])", op, dim, shape, -n, n-1))
	}
	if dim < 0 {
		dim += n
	}
	return dim
}
