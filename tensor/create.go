package tensor

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/backend"
)

// Elem is the set of Go element types a tensor can be built from.
type Elem interface {
	~float32 | ~float64 | ~int64 | ~bool
}

func checkShape(op string, n int, shape []int) []int {
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("%s: negative dimension in shape %v", op, shape))
		}
	}
	if len(shape) == 0 {
		return []int{n} // a flat slice with no shape is a vector
	}
	if backend.Numel(shape) != n {
		panic(fmt.Sprintf("%s: shape %v needs %d elements, got %d", op, shape, backend.Numel(shape), n))
	}
	return shape
}

// FromSlice returns a tensor holding a copy of data with the given shape (row-major).
// With no shape, data becomes a 1-D tensor. The dtype follows T: float32, float64, int64, bool.
func FromSlice[T Elem](data []T, shape ...int) *Tensor {
	shape = checkShape("from slice", len(data), shape)
	var host any
	switch d := any(data).(type) {
	case []float32, []float64, []int64, []bool:
		host = d
	default:
		panic(fmt.Sprintf("from slice: unsupported element type %T", data))
	}
	return fromStorage(cpuBackend.FromHost(host), shape, cpuBackend)
}

// FromRows returns a 2-D tensor from equally long rows, like torch.tensor([[...], [...]]).
func FromRows[T Elem](rows [][]T) *Tensor {
	cols := 0
	if len(rows) > 0 {
		cols = len(rows[0])
	}
	flat := make([]T, 0, len(rows)*cols)
	for i, r := range rows {
		if len(r) != cols {
			panic(fmt.Sprintf("from rows: row %d has %d elements, row 0 has %d", i, len(r), cols))
		}
		flat = append(flat, r...)
	}
	return FromSlice(flat, len(rows), cols)
}

// Scalar returns a 0-dimensional float32 tensor.
func Scalar(v float64) *Tensor { return Full(v) }

// ScalarOf returns a 0-dimensional tensor of the given dtype.
func ScalarOf(dtype DType, v float64) *Tensor { return FullOf(dtype, v) }

// Zeros returns a float32 tensor of zeros.
func Zeros(shape ...int) *Tensor { return ZerosOf(Float32, shape...) }

// ZerosOf returns a tensor of zeros of the given dtype.
func ZerosOf(dtype DType, shape ...int) *Tensor { return zerosOn(cpuBackend, dtype, shape...) }

// ZerosOn returns a tensor of zeros of the given dtype on dev, such as
// ZerosOn(Meta, Float32, 2, 3); it panics if no backend is registered for dev.
func ZerosOn(dev Device, dtype DType, shape ...int) *Tensor {
	return zerosOn(backendOf("zeros", dev), dtype, shape...)
}

// zerosOn allocates zeros on backend b: the output of every op, on its inputs' backend.
func zerosOn(b backend.Backend, dtype DType, shape ...int) *Tensor {
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("zeros: negative dimension in shape %v", shape))
		}
	}
	return fromStorage(b.Alloc(dtype, backend.Numel(shape)), shape, b)
}

// zeros allocates zeros of dtype and shape on t's backend.
func (t *Tensor) zeros(dtype DType, shape ...int) *Tensor { return zerosOn(t.bk, dtype, shape...) }

// Ones returns a float32 tensor of ones.
func Ones(shape ...int) *Tensor { return FullOf(Float32, 1, shape...) }

// OnesOf returns a tensor of ones of the given dtype.
func OnesOf(dtype DType, shape ...int) *Tensor { return FullOf(dtype, 1, shape...) }

// Full returns a float32 tensor filled with v.
func Full(v float64, shape ...int) *Tensor { return FullOf(Float32, v, shape...) }

// FullOf returns a tensor of the given dtype filled with v.
func FullOf(dtype DType, v float64, shape ...int) *Tensor {
	return fullOn(cpuBackend, dtype, v, shape...)
}

// FullOn returns a tensor of the given dtype filled with v on dev.
func FullOn(dev Device, dtype DType, v float64, shape ...int) *Tensor {
	return fullOn(backendOf("full", dev), dtype, v, shape...)
}

func fullOn(b backend.Backend, dtype DType, v float64, shape ...int) *Tensor {
	t := zerosOn(b, dtype, shape...)
	if v != 0 {
		b.Fill(t.storage, t.layout, v)
	}
	return t
}

// ZerosLike returns zeros with t's shape, dtype and device.
func ZerosLike(t *Tensor) *Tensor { return t.zeros(t.DType(), t.layout.Shape...) }

// OnesLike returns ones with t's shape, dtype and device.
func OnesLike(t *Tensor) *Tensor { return fullOn(t.bk, t.DType(), 1, t.layout.Shape...) }

// FullLike returns a tensor filled with v with t's shape, dtype and device.
func FullLike(t *Tensor, v float64) *Tensor { return fullOn(t.bk, t.DType(), v, t.layout.Shape...) }

// Arange returns the float32 values start, start+step, … below end (above end for step < 0),
// like torch.arange with float arguments.
func Arange(start, end, step float64) *Tensor { return ArangeOf(Float32, start, end, step) }

// ArangeOf is Arange with a dtype; torch.arange(n) is ArangeOf(Int64, 0, n, 1).
func ArangeOf(dtype DType, start, end, step float64) *Tensor {
	if step == 0 {
		panic("arange: step must be nonzero")
	}
	if (end-start)/step < 0 || math.IsNaN((end-start)/step) {
		panic(fmt.Sprintf("arange: upper bound and larger bound inconsistent with step sign (start %g, end %g, step %g)", start, end, step))
	}
	n := int(math.Ceil((end - start) / step))
	vals := make([]float64, n)
	for i := range vals {
		vals[i] = start + float64(i)*step
	}
	return FromSlice(vals).To(dtype)
}

// Linspace returns steps float32 values evenly spaced from start to end inclusive.
func Linspace(start, end float64, steps int) *Tensor {
	if steps < 0 {
		panic(fmt.Sprintf("linspace: number of steps must be non-negative, got %d", steps))
	}
	vals := make([]float64, steps)
	if steps == 1 {
		vals[0] = start
	}
	if steps > 1 {
		step := (end - start) / float64(steps-1)
		// PyTorch fills the first half from start and the second half from end.
		half := steps / 2
		for i := range steps {
			if i < half {
				vals[i] = start + step*float64(i)
			} else {
				vals[i] = end - step*float64(steps-1-i)
			}
		}
	}
	return FromSlice(vals).To(Float32)
}

// Eye returns the n×n float32 identity matrix.
func Eye(n int) *Tensor { return EyeOf(Float32, n, n) }

// EyeOf returns an n×m matrix of the given dtype with ones on the diagonal.
func EyeOf(dtype DType, n, m int) *Tensor {
	t := ZerosOf(dtype, n, m)
	d := t.view(backend.Layout{Shape: []int{min(n, m)}, Strides: []int{m + 1}})
	t.be().Fill(d.storage, d.layout, 1)
	return t
}

// Float32s returns the elements in row-major order as float32, converting if needed.
func (t *Tensor) Float32s() []float32 { return hostCopy[float32](t) }

// Float64s returns the elements in row-major order as float64, converting if needed.
func (t *Tensor) Float64s() []float64 { return hostCopy[float64](t) }

// Int64s returns the elements in row-major order as int64 (floats truncate toward zero).
func (t *Tensor) Int64s() []int64 { return hostCopy[int64](t) }

// Bools returns the elements in row-major order as bool (non-zero is true).
func (t *Tensor) Bools() []bool { return hostCopy[bool](t) }

// hostValues returns the elements in row-major order as a Go slice of t's dtype.
func (t *Tensor) hostValues() any {
	switch t.DType() {
	case Float32:
		return hostCopy[float32](t)
	case Float64:
		return hostCopy[float64](t)
	case Int64:
		return hostCopy[int64](t)
	}
	return hostCopy[bool](t)
}

func hostCopy[T Elem](t *Tensor) []T {
	var z T
	var dt DType
	switch any(z).(type) {
	case float32:
		dt = Float32
	case float64:
		dt = Float64
	case int64:
		dt = Int64
	default:
		dt = Bool
	}
	be := t.be()
	if backend.IsAbstract(be) {
		panic(fmt.Sprintf("tensor: cannot read the values of a %s tensor: it has a shape and a dtype but no data", t.Device()))
	}
	dst := be.Alloc(dt, t.Numel())
	be.Copy(dst, backend.ContiguousLayout(t.layout.Shape), t.storage, t.layout)
	if h := be.Host(dst); h != nil {
		return h.([]T)
	}
	return be.ToHost(dst).([]T)
}

// Item returns the value of a one-element tensor as float64 (true is 1).
func (t *Tensor) Item() float64 {
	if t.Numel() != 1 {
		panic(fmt.Sprintf("item: a Tensor with %d elements cannot be converted to Scalar", t.Numel()))
	}
	if hf, ok := t.be().(backend.HostFloats); ok {
		// Read the element in place: no copy, no allocation.
		if d := hf.HostFloat32(t.storage); d != nil {
			return float64(d[t.layout.Offset])
		}
		if d := hf.HostFloat64(t.storage); d != nil {
			return d[t.layout.Offset]
		}
	}
	return t.Float64s()[0]
}

// At returns the element at the given indices as float64; negative indices count from the end.
func (t *Tensor) At(idx ...int) float64 {
	if len(idx) != t.Dim() {
		panic(fmt.Sprintf("at: %d indices for tensor of shape %v", len(idx), t.layout.Shape))
	}
	u := t
	for range idx {
		u = u.Select(0, idx[0])
		idx = idx[1:]
	}
	return u.Item()
}

// To returns t converted to a dtype (To(Float64)) or copied to a device (To(Meta)), like
// torch.Tensor.to; it returns t itself when nothing changes. Gradients flow back through
// both conversions for float results.
func (t *Tensor) To(target Target) *Tensor {
	switch to := target.(type) {
	case DType:
		return t.toDType(to)
	case Device:
		return t.toDevice(to)
	}
	panic(fmt.Sprintf("to: unsupported target %T", target))
}

func (t *Tensor) toDType(dtype DType) *Tensor {
	if t.DType() == dtype {
		return t
	}
	out := t.zeros(dtype, t.layout.Shape...)
	t.be().Copy(out.storage, out.layout, t.storage, t.layout)
	if !dtype.IsFloat() {
		return out
	}
	return record(opToCopy, out, []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{g.To(t.DType())} })
}

// toDevice copies t's values to dev through host memory (a Go slice); the meta device takes
// only the shape and dtype.
func (t *Tensor) toDevice(dev Device) *Tensor {
	if t.Device() == dev {
		return t
	}
	b := backendOf("to", dev)
	var s backend.Storage
	switch {
	case backend.IsAbstract(b):
		s = b.Alloc(t.DType(), t.Numel())
	default:
		s = b.FromHost(t.hostValues())
	}
	out := fromStorage(s, t.layout.Shape, b)
	if !t.DType().IsFloat() {
		return out
	}
	src := t.Device()
	return record(opToCopy, out, []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{g.To(src)} })
}

// Float returns t converted to float32.
func (t *Tensor) Float() *Tensor { return t.To(Float32) }

// Double returns t converted to float64.
func (t *Tensor) Double() *Tensor { return t.To(Float64) }

// Long returns t converted to int64.
func (t *Tensor) Long() *Tensor { return t.To(Int64) }

// Contiguous returns t if it is laid out row-major without gaps, else a contiguous copy.
func (t *Tensor) Contiguous() *Tensor {
	if t.IsContiguous() {
		return t
	}
	return t.Clone()
}

// Clone returns a contiguous copy with its own storage; gradients flow back to t.
func (t *Tensor) Clone() *Tensor {
	out := t.zeros(t.DType(), t.layout.Shape...)
	t.be().Copy(out.storage, out.layout, t.storage, t.layout)
	return record(opClone, out, []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{g} })
}
