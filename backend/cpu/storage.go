// Package cpu is Ember's CPU backend, the default device: storages are Go slices (Host
// returns them without a copy, and the backend implements backend.HostFloats).
//
// Each primitive has a plain, obviously correct Go loop that defines what it computes. The hot
// ones also have a fast path that tests compare against that reference: float32 and float64
// matrix products packed into cache-sized panels and multiplied by register-blocked
// micro-kernels (AVX-512 or AVX2+FMA assembly on amd64, chosen at run time from the CPU's
// features, EMBER_GEMM=avx2 forcing AVX2; a pure-Go kernel elsewhere), a fused implicit-GEMM
// convolution with its bias and ReLU, assembly for small elementwise and pooling loops and for
// Adam's update (AVX-512), and
// parallel loops on a pool of worker goroutines (SetThreads; the workers started for n
// threads stay parked for the life of the process). Storages of 256 elements or more that the
// tensor package releases (Recycle) are pooled by dtype and length and handed to later
// allocations. Importing the package registers the backend for device "cpu"; the tensor
// package imports it as its default.
package cpu

import (
	"fmt"
	"sync"

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

// Alloc returns a zero-filled storage: a recycled one (see Recycle) when one of this dtype
// and length is pooled.
func (b Backend) Alloc(dtype backend.DType, n int) backend.Storage {
	if s := reuse(dtype, n); s != nil {
		return s
	}
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

// Storage recycling: Recycle pools storages of at least minRecycle elements by dtype and
// length, and Alloc takes from the pool before asking the Go allocator. nn.Sequential uses it
// to reuse the activations between its layers during inference.
const minRecycle = 256

var recycled sync.Map // recycleKey → *sync.Pool of backend.Storage

type recycleKey struct {
	dtype backend.DType
	n     int
}

// Recycle hands s back for reuse by a later Alloc of the same dtype and length; the caller
// promises that nothing reads s again. Small storages are left to the garbage collector.
func (Backend) Recycle(s backend.Storage) {
	if s == nil || s.Len() < minRecycle {
		return
	}
	key := recycleKey{s.DType(), s.Len()}
	p, _ := recycled.LoadOrStore(key, &sync.Pool{})
	p.(*sync.Pool).Put(s)
}

// reuse returns a pooled storage of n elements, zero-filled, or nil.
func reuse(dtype backend.DType, n int) backend.Storage {
	if n < minRecycle {
		return nil
	}
	p, ok := recycled.Load(recycleKey{dtype, n})
	if !ok {
		return nil
	}
	s, _ := p.(*sync.Pool).Get().(backend.Storage)
	if s != nil {
		Backend{}.Fill(s, backend.ContiguousLayout([]int{n}), 0)
	}
	return s
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
