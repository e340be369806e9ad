// Package cpu is Ember's pure-Go reference backend: simple, obviously correct kernels that
// define what every other backend (and every fast path) must compute.
//
// Storages are Go slices; Host returns them without a copy. Importing the package registers
// the backend for device "cpu".
package cpu

import (
	"fmt"

	"github.com/ember-ml/ember/backend"
)

// Elem is the set of Go types a CPU storage can hold.
type Elem interface {
	~float32 | ~float64 | ~int64 | ~bool
}

// Storage is a CPU buffer of elements of type T.
type Storage[T Elem] struct{ Data []T }

// DType returns the element type.
func (s *Storage[T]) DType() backend.DType {
	var z T
	switch any(z).(type) {
	case float32:
		return backend.Float32
	case float64:
		return backend.Float64
	case int64:
		return backend.Int64
	default:
		return backend.Bool
	}
}

// Len returns the number of elements.
func (s *Storage[T]) Len() int { return len(s.Data) }

// Backend is the CPU backend. Its zero value is ready to use.
type Backend struct{}

var _ backend.Backend = Backend{}

func init() { backend.Register(Backend{}) }

// Device returns backend.CPU.
func (Backend) Device() backend.Device { return backend.CPU }

// Alloc returns a zero-filled storage.
func (Backend) Alloc(dtype backend.DType, n int) backend.Storage {
	switch dtype {
	case backend.Float32:
		return allocFloat32(n)
	case backend.Float64:
		return &Storage[float64]{make([]float64, n)}
	case backend.Int64:
		return &Storage[int64]{make([]int64, n)}
	case backend.Bool:
		return &Storage[bool]{make([]bool, n)}
	}
	panic(fmt.Sprintf("cpu: alloc: unknown dtype %v", dtype))
}

// allocFloat32 returns a zero-filled float32 storage; small ones share one allocation with
// their elements (half the allocations for the many tiny tensors of small models), in size
// classes that waste at most half.
func allocFloat32(n int) *Storage[float32] {
	switch {
	case n <= 4:
		return inlineStorage(n, func(a *[4]float32) []float32 { return a[:] })
	case n <= 8:
		return inlineStorage(n, func(a *[8]float32) []float32 { return a[:] })
	case n <= 16:
		return inlineStorage(n, func(a *[16]float32) []float32 { return a[:] })
	case n <= 32:
		return inlineStorage(n, func(a *[32]float32) []float32 { return a[:] })
	case n <= 64:
		return inlineStorage(n, func(a *[64]float32) []float32 { return a[:] })
	case n <= 128:
		return inlineStorage(n, func(a *[128]float32) []float32 { return a[:] })
	case n <= 256:
		return inlineStorage(n, func(a *[256]float32) []float32 { return a[:] })
	}
	return &Storage[float32]{make([]float32, n)}
}

// inlineStorage allocates a storage and its array A in one object; elems views the array.
func inlineStorage[A any](n int, elems func(*A) []float32) *Storage[float32] {
	p := new(struct {
		s Storage[float32]
		a A
	})
	p.s.Data = elems(&p.a)[:n:n]
	return &p.s
}

// FromHost copies a Go slice into a new storage.
func (Backend) FromHost(data any) backend.Storage {
	switch d := data.(type) {
	case []float32:
		return &Storage[float32]{append([]float32(nil), d...)}
	case []float64:
		return &Storage[float64]{append([]float64(nil), d...)}
	case []int64:
		return &Storage[int64]{append([]int64(nil), d...)}
	case []bool:
		return &Storage[bool]{append([]bool(nil), d...)}
	}
	panic(fmt.Sprintf("cpu: from host: unsupported slice type %T", data))
}

// Host returns the storage's slice itself.
func (Backend) Host(s backend.Storage) any {
	switch st := s.(type) {
	case *Storage[float32]:
		return st.Data
	case *Storage[float64]:
		return st.Data
	case *Storage[int64]:
		return st.Data
	case *Storage[bool]:
		return st.Data
	}
	panic(fmt.Sprintf("cpu: foreign storage %T", s))
}

// HostFloat32 returns a float32 storage's slice (nil for other dtypes).
func (Backend) HostFloat32(s backend.Storage) []float32 {
	if st, ok := s.(*Storage[float32]); ok {
		return st.Data
	}
	return nil
}

// HostFloat64 returns a float64 storage's slice (nil for other dtypes).
func (Backend) HostFloat64(s backend.Storage) []float64 {
	if st, ok := s.(*Storage[float64]); ok {
		return st.Data
	}
	return nil
}

// ToHost returns a copy of the storage's slice.
func (b Backend) ToHost(s backend.Storage) any {
	switch d := b.Host(s).(type) {
	case []float32:
		return append([]float32(nil), d...)
	case []float64:
		return append([]float64(nil), d...)
	case []int64:
		return append([]int64(nil), d...)
	default:
		return append([]bool(nil), d.([]bool)...)
	}
}

func data[T Elem](s backend.Storage) []T { return s.(*Storage[T]).Data }

// walk visits the elements of shape in row-major order, one run along the last dimension at a
// time: fn receives each operand's offset at the start of the run, the run length, and each
// operand's stride along the last dimension. offs and strides have one entry per operand.
func walk(shape []int, strides [][]int, offs []int, fn func(o []int, n int, inner []int)) {
	nop := len(offs)
	o := append([]int(nil), offs...)
	inner := make([]int, nop)
	nd := len(shape)
	if nd == 0 {
		fn(o, 1, inner)
		return
	}
	for _, d := range shape {
		if d == 0 {
			return
		}
	}
	for k := range nop {
		inner[k] = strides[k][nd-1]
	}
	n := shape[nd-1]
	idx := make([]int, nd)
	for {
		fn(o, n, inner)
		d := nd - 2
		for ; d >= 0; d-- {
			idx[d]++
			for k := range nop {
				o[k] += strides[k][d]
			}
			if idx[d] < shape[d] {
				break
			}
			for k := range nop {
				o[k] -= strides[k][d] * shape[d]
			}
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}
