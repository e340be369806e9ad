package cluster

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/ember-ml/ember/tensor"
)

// matrix is a row-major float64 matrix.
type matrix struct {
	data []float64
	n, d int
}

func (m matrix) row(i int) []float64 { return m.data[i*m.d : (i+1)*m.d] }

func newMatrix(n, d int) matrix { return matrix{data: make([]float64, n*d), n: n, d: d} }

// clone returns a deep copy.
func (m matrix) clone() matrix {
	return matrix{data: append([]float64(nil), m.data...), n: m.n, d: m.d}
}

// toTensor returns m as a float64 tensor [n, d].
func (m matrix) toTensor() *tensor.Tensor {
	return tensor.FromSlice(append([]float64(nil), m.data...), m.n, m.d)
}

// readX validates X (2-D, at least one sample and feature, finite) and copies it to float64.
func readX(op string, X *tensor.Tensor) (matrix, error) {
	if X == nil {
		return matrix{}, fmt.Errorf("%s: X is nil", op)
	}
	if X.Dim() != 2 {
		return matrix{}, fmt.Errorf("%s: X must be 2-D [samples, features], got shape %v", op, X.Shape())
	}
	n, d := X.Size(0), X.Size(1)
	if n == 0 || d == 0 {
		return matrix{}, fmt.Errorf("%s: X has shape %v: need at least one sample and one feature", op, X.Shape())
	}
	if X.DType() == tensor.Bool {
		return matrix{}, fmt.Errorf("%s: X must be numeric, got bool", op)
	}
	m := matrix{data: float64s(X), n: n, d: d}
	for i, v := range m.data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return matrix{}, fmt.Errorf("%s: X contains %g (sample %d, feature %d)", op, v, i/d, i%d)
		}
	}
	return m, nil
}

// float64s returns a float64 copy of X's elements in row-major order, converting a
// contiguous float32 or float64 tensor with one plain loop (X.Float64s converts element by
// element through strided walks).
func float64s(X *tensor.Tensor) []float64 {
	switch X.DType() {
	case tensor.Float32:
		if src := X.HostFloat32(); src != nil {
			out := make([]float64, len(src))
			for i, v := range src {
				out[i] = float64(v)
			}
			return out
		}
	case tensor.Float64:
		if src := X.HostFloat64(); src != nil {
			return append([]float64(nil), src...)
		}
	}
	return X.Float64s()
}

// readFitted reads X for Predict or Transform of an estimator fitted on d features.
func readFitted(op string, X *tensor.Tensor, d int) (matrix, error) {
	if d == 0 {
		return matrix{}, fmt.Errorf("%s: not fitted: call Fit first", op)
	}
	m, err := readX(op, X)
	if err != nil {
		return matrix{}, err
	}
	if m.d != d {
		return matrix{}, fmt.Errorf("%s: X has %d features, but the estimator was fitted with %d", op, m.d, d)
	}
	return m, nil
}

func sqDist(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		t := a[i] - b[i]
		s += t * t
	}
	return s
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func rowSqNorms(m matrix) []float64 {
	out := make([]float64, m.n)
	for i := range out {
		r := m.row(i)
		out[i] = dot(r, r)
	}
	return out
}

// parallelRows calls f(lo, hi) on consecutive row ranges of [0, n) from up to GOMAXPROCS
// goroutines. f must only write data owned by its rows.
func parallelRows(n int, f func(lo, hi int)) {
	const chunk = 256
	workers := min(runtime.GOMAXPROCS(0), (n+chunk-1)/chunk)
	if workers <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for range workers {
		wg.Go(func() {
			for {
				mu.Lock()
				lo := next
				next += chunk
				mu.Unlock()
				if lo >= n {
					return
				}
				f(lo, min(lo+chunk, n))
			}
		})
	}
	wg.Wait()
}

// labelTensor returns labels as an int64 tensor.
func labelTensor(labels []int) *tensor.Tensor {
	out := make([]int64, len(labels))
	for i, l := range labels {
		out[i] = int64(l)
	}
	return tensor.FromSlice(out, len(out))
}
