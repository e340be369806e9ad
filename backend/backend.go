// Package backend defines the primitive kernels that every device implements, and the
// registry of devices.
//
// The tensor package builds every operation, and every gradient, from these primitives and
// allocates each op's output on its inputs' backend, so a new device provides:
//
//   - a Backend value (comparable: the tensor package compares backends to detect mixed
//     devices) registered with Register, like a database/sql driver, under its Device name;
//   - storages (Alloc, FromHost, ToHost, Host, Recycle) of the four dtypes;
//   - every primitive of the Backend interface: the conformance suite backendtest.RunAll
//     checks their values, and the tensor and nn tests that run every op and layer on the
//     meta device and on the CPU check that outputs keep their shapes and devices.
//
// Two optional interfaces widen the contract. HostFloats, for backends whose storages live in
// host memory, lets callers read float storages without copying (Tensor.Item, and the
// HostFloat32/HostFloat64 fast paths of the estimator packages, which fall back to copies
// elsewhere). Abstract marks a backend whose storages hold no values (package meta): callers
// skip checks that read values. Optimizers and losses reach the device through primitives too
// (Adam, BCEWithLogits, with the CPU's AVX-512 Adam kernel behind the first). What still
// computes in host memory, and so needs a backend with HostFloats: optim's SGD, RMSprop and
// Adagrad updates and Adam's weight decay and AMSGrad variants. Prod's backward and OneHot compute on
// the host and copy their result to the device.
//
// The rules, shared by all primitives:
//
//   - Inputs are described by a Storage and a Layout (shape, strides in elements, offset), so
//     views such as transposes, slices and broadcasts (stride 0) reach a kernel without a copy.
//   - Outputs are written contiguously (row-major) into a destination Storage, except Copy,
//     Fill and ScatterAdd, which write through a destination Layout.
//   - Operands passed without a layout (a bias, filters) are read from the start of their
//     storage, which may be longer.
//   - Shapes are checked by the caller (the tensor package); kernels trust them.
package backend

import (
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
)

// DType is the element type of a storage.
type DType uint8

// The element types Ember supports. Float32 is the default for tensors.
const (
	Float32 DType = iota
	Float64
	Int64
	Bool
)

// String returns PyTorch's name for the dtype, e.g. "float32".
func (d DType) String() string {
	switch d {
	case Float32:
		return "float32"
	case Float64:
		return "float64"
	case Int64:
		return "int64"
	case Bool:
		return "bool"
	}
	return fmt.Sprintf("DType(%d)", uint8(d))
}

// Size returns the number of bytes of one element: 4, 8, 8 and 1.
func (d DType) Size() int {
	switch d {
	case Float32:
		return 4
	case Bool:
		return 1
	}
	return 8
}

// IsFloat reports whether d is a floating-point type.
func (d DType) IsFloat() bool { return d == Float32 || d == Float64 }

// Device names where a storage lives, such as "cpu" or "meta". It prints as PyTorch's
// str(device) does ("cpu"); %#v prints its repr (device(type='cpu')).
type Device string

// The devices Ember ships. CPU is the default.
const (
	CPU  Device = "cpu"  // host memory (package backend/cpu)
	Meta Device = "meta" // shapes and dtypes only, no data (package backend/meta)
)

// String returns the device's name, e.g. "cpu".
func (d Device) String() string { return string(d) }

// GoString returns PyTorch's repr of the device, e.g. device(type='meta').
func (d Device) GoString() string { return fmt.Sprintf("device(type='%s')", string(d)) }

// Target is where a conversion goes: a DType or a Device (tensor.Tensor.To takes either).
type Target interface{ isTarget() }

func (DType) isTarget()  {}
func (Device) isTarget() {}

// Layout says how a tensor's elements sit in its storage: element i₀,i₁,… is at
// Offset + Σ iₖ·Strides[k]. Strides are in elements and may be 0 (broadcast).
type Layout struct {
	Shape   []int
	Strides []int
	Offset  int
}

// ContiguousLayout returns the row-major layout of shape at offset 0.
func ContiguousLayout(shape []int) Layout {
	return Layout{Shape: shape, Strides: ContiguousStrides(shape)}
}

// ContiguousStrides returns row-major strides for shape.
func ContiguousStrides(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = s
		s *= shape[i]
	}
	return st
}

// Numel returns the number of elements the layout describes.
func (l Layout) Numel() int { return Numel(l.Shape) }

// Numel returns the product of the dimensions of shape (1 for a scalar).
func Numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// IsContiguous reports whether the layout is row-major without gaps (offset may be non-zero).
// Dimensions of size 1 may have any stride.
func (l Layout) IsContiguous() bool {
	s := 1
	for i := len(l.Shape) - 1; i >= 0; i-- {
		if l.Shape[i] == 1 {
			continue
		}
		if l.Strides[i] != s {
			return false
		}
		s *= l.Shape[i]
	}
	return true
}

// Storage is a flat buffer of elements owned by a backend.
type Storage interface {
	DType() DType
	Len() int
}

// UnaryOp names an elementwise function of one input; its output has the input's dtype.
type UnaryOp uint8

// Unary operations. Those marked (float) are defined for floating dtypes only.
const (
	Neg       UnaryOp = iota // -x
	Exp                      // eˣ (float)
	Log                      // ln x (float); log(0) = -inf, log(<0) = NaN
	Log1p                    // ln(1+x) (float)
	Sqrt                     // √x (float)
	Rsqrt                    // 1/√x (float)
	Abs                      // |x|
	Sign                     // -1, 0 or 1; NaN stays NaN
	Sin                      // (float)
	Cos                      // (float)
	Tanh                     // (float)
	Sigmoid                  // 1/(1+e⁻ˣ), computed stably (float)
	ReLU                     // max(x, 0); NaN stays NaN
	LeakyReLU                // x if x > 0 else A·x (float)
	ELU                      // x if x > 0 else A·(eˣ-1) (float)
	GELU                     // x·Φ(x) with the exact normal CDF (float)
	GELUTanh                 // PyTorch's tanh approximation of GELU (float)
	SiLU                     // x·sigmoid(x) (float)
	Softplus                 // log(1+e^(A·x))/A, or x where A·x > B (float)
	Clamp                    // min(max(x, A), B); NaN stays NaN
	Erf                      // the error function (float)
	Not                      // logical not (bool)
	Floor                    // ⌊x⌋ (float)
	Identity                 // x (for BiasAct without an activation)
	Round                    // x rounded to the nearest integer, halves to even (float)
)

// UnaryParams carries the scalar parameters of a unary op (slope, alpha, beta, bounds).
type UnaryParams struct{ A, B float64 }

// BinaryOp names an elementwise function of two same-dtype inputs.
type BinaryOp uint8

// Binary operations. Comparisons and logical ops produce Bool; the rest keep the input dtype.
const (
	Add BinaryOp = iota
	Sub
	Mul
	Div     // true division (float)
	Pow     // xʸ
	Maximum // NaN-propagating
	Minimum // NaN-propagating
	Eq
	Ne
	Lt
	Le
	Gt
	Ge
	And // bool
	Or  // bool
	// ReLUGrad passes a where b > 0 and gives 0 elsewhere: the gradient of ReLU from its
	// output b (float).
	ReLUGrad
)

// IsComparison reports whether op produces a Bool result.
func (op BinaryOp) IsComparison() bool { return op >= Eq && op <= Ge || op == And || op == Or }

// ReduceOp names a reduction.
type ReduceOp uint8

// Reductions. Max and Min propagate NaN; for Bool, Max is "any" and Min is "all".
const (
	Sum ReduceOp = iota
	Prod
	Max
	Min
)

// Backend is the set of primitive kernels of one device.
type Backend interface {
	// Device names the device whose storages this backend owns.
	Device() Device
	// Alloc returns a zero-filled storage of n elements.
	Alloc(dtype DType, n int) Storage
	// FromHost copies a []float32, []float64, []int64 or []bool into a new storage.
	FromHost(data any) Storage
	// ToHost copies a storage into a new Go slice of its dtype.
	ToHost(s Storage) any
	// Host returns the storage's elements without copying where the device shares host memory,
	// or nil where it does not.
	Host(s Storage) any
	// Recycle tells the backend that nothing will read s again (no view, no tensor): it may
	// hand s's memory to a later Alloc of the same dtype and length, zero-filled. Backends
	// that do not pool memory ignore it.
	Recycle(s Storage)

	// Copy copies src (viewed through srcL) into dst (viewed through dstL); shapes are equal.
	// When dtypes differ the values are converted (float→int truncates toward zero, x≠0 → true).
	Copy(dst Storage, dstL Layout, src Storage, srcL Layout)
	// Fill sets every element of dst viewed through dstL to v.
	Fill(dst Storage, dstL Layout, v float64)
	// Unary writes op(src) contiguously into dst.
	Unary(op UnaryOp, p UnaryParams, dst Storage, src Storage, srcL Layout)
	// Binary writes op(a, b) contiguously into dst; aL and bL have the same shape.
	Binary(op BinaryOp, dst Storage, a Storage, aL Layout, b Storage, bL Layout)
	// Where writes cond ? a : b contiguously into dst; all three layouts have the same shape.
	Where(dst Storage, cond Storage, condL Layout, a Storage, aL Layout, b Storage, bL Layout)
	// Reduce reduces src over dims into dst, which is contiguous with srcL's shape where the
	// reduced dims are 1. Float32 sums accumulate in float64.
	Reduce(op ReduceOp, dst Storage, src Storage, srcL Layout, dims []int)
	// ArgReduce writes into the Int64 dst the index along dim of the first maximum (op Max) or
	// minimum (op Min) of src; NaN counts as larger and smaller than every number.
	// dst is contiguous with srcL's shape where dim is 1.
	ArgReduce(op ReduceOp, dst Storage, src Storage, srcL Layout, dim int)
	// Sort writes into dst the first k elements of src (through srcL) along dim in order —
	// ascending, or descending when desc — and into the Int64 idx their positions along dim.
	// Equal elements keep their order (stable: the lower position first; -0 equals +0) and NaN
	// counts as larger than every number. dst and idx are contiguous with srcL's shape where
	// dim is k, 0 ≤ k ≤ the size of dim; k below the size asks for a partial sort (top-k).
	Sort(dst, idx Storage, src Storage, srcL Layout, dim, k int, desc bool)
	// Cdist writes into the contiguous dst [B, P, R] the p-norm distance between each row of
	// a ([B, P, M] through aL) and each row of b ([B, R, M] through bL), for floats:
	// (Σₖ |aᵢₖ − bⱼₖ|^p)^(1/p), the count of differing coordinates for p = 0 and the largest
	// |aᵢₖ − bⱼₖ| for p = +Inf.
	Cdist(dst Storage, a Storage, aL Layout, b Storage, bL Layout, p float64)
	// CdistBackward writes into the contiguous ga [B, P, M] the gradient with respect to a of
	// Cdist's result dist ([B, P, R] through distL) given its gradient g (through gL):
	// Σⱼ gᵢⱼ·sign(d)·|d|^(p−1)/distᵢⱼ^(p−1) with d = aᵢₖ − bⱼₖ, 0 where distᵢⱼ = 0 or d = 0;
	// for p = +Inf gᵢⱼ·sign(d) where |d| = distᵢⱼ (every tied coordinate gets it in full). The
	// gradient with respect to b is the same call with a and b swapped and g and dist
	// transposed. p > 0.
	CdistBackward(ga Storage, g Storage, gL Layout, a Storage, aL Layout, b Storage, bL Layout, dist Storage, distL Layout, p float64)
	// MatMul writes the batched product of a ([B,M,K]) and b ([B,K,N]) contiguously into
	// dst ([B,M,N]). The layouts may be strided (transposed operands need no copy).
	MatMul(dst Storage, a Storage, aL Layout, b Storage, bL Layout)
	// Gather writes dst[i…] = src[i… with dim replaced by index[i…]], contiguously, with the
	// shape of indexL. Index values are checked by the caller.
	Gather(dst Storage, src Storage, srcL Layout, index Storage, indexL Layout, dim int)
	// ScatterAdd adds src[i…] into dst[i… with dim replaced by index[i…]]; srcL and indexL
	// have the same shape. Index values are checked by the caller.
	ScatterAdd(dst Storage, dstL Layout, index Storage, indexL Layout, src Storage, srcL Layout, dim int)
	// Cumsum writes the cumulative sum of src along dim contiguously into dst.
	Cumsum(dst Storage, src Storage, srcL Layout, dim int)
	// BiasAct updates the contiguous rows×cols float matrix y in place to
	// act(y + bias), with bias (cols elements, contiguous) optional (nil) and act one of
	// Identity, ReLU, Tanh, Sigmoid: the epilogue of a fused Linear layer.
	BiasAct(y Storage, rows, cols int, bias Storage, act UnaryOp)
	// Im2Col unfolds sliding windows of the images src ([N, C, H, W] through srcL) into the
	// contiguous dst [N, C·KH·KW, L] (L output positions, row-major), reading pad outside the
	// image: torch.nn.functional.unfold.
	Im2Col(dst Storage, src Storage, srcL Layout, g ConvGeometry, pad float64)
	// Col2Im adds the windows of cols ([N, C·KH·KW, L] through colsL) back into the contiguous
	// image dst [N, C, H, W], skipping padding: torch.nn.functional.fold, the gradient of Im2Col.
	Col2Im(dst Storage, cols Storage, colsL Layout, g ConvGeometry)
	// MaxPool2d writes the maximum of each window of src ([N, C, H, W] through srcL; padding
	// never wins, NaN does) contiguously into dst [N, C, OH, OW], and into the Int64 idx the
	// flat position (over H·W) of the first maximum.
	MaxPool2d(dst, idx Storage, src Storage, srcL Layout, g ConvGeometry)
	// MatMulBiasAct writes act(a·b + bias) for a single product (aL [1,M,K], bL [1,K,N]) into
	// the contiguous dst [M,N]: MatMul followed by BiasAct, which a backend may fuse.
	MatMulBiasAct(dst Storage, a Storage, aL Layout, b Storage, bL Layout, bias Storage, act UnaryOp)
	// Conv2d writes act(conv2d(src, w) + bias) contiguously into dst [N, outC, OH, OW] for
	// float images src ([N, C, H, W] through srcL), the contiguous filters w [outC, C·KH·KW]
	// and bias [outC] (or nil), with zero padding: Im2Col, MatMul and BiasAct in one pass.
	// act is Identity or ReLU.
	Conv2d(dst, src Storage, srcL Layout, w, bias Storage, g ConvGeometry, outC int, act UnaryOp)
	// Conv2dBackward turns gy, the contiguous gradient of Conv2d's output y (y is read only
	// for ReLU), into the gradients dw [outC, C·KH·KW] and db [outC] (written), and adds the
	// input's gradient into the zero-filled, contiguous dx [N, C, H, W]. Any of dx, dw and db
	// may be nil to skip it.
	Conv2dBackward(dx, dw, db, gy, y, src Storage, srcL Layout, w Storage, g ConvGeometry, outC int, act UnaryOp)
	// MaxPool2dBackward adds gy (contiguous [N, C, OH, OW]) into the zero-filled, contiguous
	// dx [N, C, H, W] at the positions MaxPool2d wrote into idx.
	MaxPool2dBackward(dx, gy, idx Storage, g ConvGeometry)

	// Adam updates the float storages w (parameters), m and v (first and second moment
	// estimates) in place from the gradient g, all of one dtype and length, in PyTorch's
	// operation order (for Float32 every operation rounds to float32, with the coefficients
	// rounded from float64 as PyTorch rounds its Python floats):
	//   m = β₁·m + (1−β₁)·g;  v = β₂·v + (1−β₂)·g²;  w = w − StepSize·m/(√v/BC2Sqrt + Eps).
	Adam(w, g, m, v Storage, p AdamParams)
	// BCEWithLogits returns Σᵢ (1−yᵢ)·xᵢ + max(−xᵢ, 0) + log(1 + e^(−|xᵢ|)), accumulated in
	// float64, for the float logits x and targets y (one dtype, the same length): the summed
	// binary cross-entropy of sigmoid(x) against y.
	BCEWithLogits(x, y Storage) float64
	// BCEWithLogitsBackward writes k·(sigmoid(xᵢ) − yᵢ) into gx, BCEWithLogits' gradient
	// scaled by k; gx, x and y have one dtype and length.
	BCEWithLogitsBackward(gx, x, y Storage, k float64)
}

// AdamParams are the coefficients of one Adam step: the betas, the step size lr/(1−β₁ᵗ), the
// square root of the second bias correction √(1−β₂ᵗ), and eps.
type AdamParams struct {
	Beta1, Beta2, StepSize, BC2Sqrt, Eps float64
}

// ConvGeometry describes 2-D sliding windows: images of C×H×W, kernels of KH×KW, and per-axis
// stride, zero padding and dilation. OutH and OutW give the number of window positions.
type ConvGeometry struct {
	N, C, H, W int
	KH, KW     int
	SH, SW     int
	PH, PW     int
	DH, DW     int
}

// OutH returns the number of window rows: ⌊(H + 2·PH − DH·(KH−1) − 1)/SH⌋ + 1.
func (g ConvGeometry) OutH() int { return (g.H+2*g.PH-g.DH*(g.KH-1)-1)/g.SH + 1 }

// OutW returns the number of window columns.
func (g ConvGeometry) OutW() int { return (g.W+2*g.PW-g.DW*(g.KW-1)-1)/g.SW + 1 }

// HostFloats is an optional interface for backends whose storages live in host memory: it
// returns a float storage's elements without copying or boxing (nil for other dtypes). The
// tensor package uses it for allocation-free reads (Item) and returns nil from
// Tensor.HostFloat32 on backends without it; everything else goes through the primitives.
type HostFloats interface {
	HostFloat32(s Storage) []float32
	HostFloat64(s Storage) []float64
}

// Abstract is an optional interface for backends whose storages hold no values (the meta
// device): callers skip the checks that read values, such as index bounds, and any attempt to
// read values panics.
type Abstract interface {
	Abstract()
}

// IsAbstract reports whether b's storages hold no values.
func IsAbstract(b Backend) bool {
	_, ok := b.(Abstract)
	return ok
}

// The registry is copied on write, so the lookup every op makes takes no lock.
var (
	mu       sync.Mutex
	registry atomic.Pointer[map[Device]Backend]
)

// Register makes a backend available for its device; a later registration replaces an earlier.
func Register(b Backend) {
	mu.Lock()
	defer mu.Unlock()
	next := map[Device]Backend{}
	if cur := registry.Load(); cur != nil {
		maps.Copy(next, *cur)
	}
	next[b.Device()] = b
	registry.Store(&next)
}

// Get returns the backend registered for dev.
func Get(dev Device) (Backend, error) {
	if cur := registry.Load(); cur != nil {
		if b, ok := (*cur)[dev]; ok {
			return b, nil
		}
	}
	return nil, fmt.Errorf("backend: no backend registered for device %q", dev)
}

// Devices lists the registered devices.
func Devices() []Device {
	var ds []Device
	if cur := registry.Load(); cur != nil {
		for d := range *cur {
			ds = append(ds, d)
		}
	}
	return ds
}
