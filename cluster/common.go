package cluster

import (
	"runtime"
	"sync"

	"github.com/ember-ml/ember/internal/inputs"
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
	data, n, d, err := inputs.ReadX(op, X, inputs.RejectNaN)
	if err != nil {
		return matrix{}, err
	}
	return matrix{data: data, n: n, d: d}, nil
}

// readFitted reads X for Predict or Transform of an estimator fitted on d features.
func readFitted(op string, X *tensor.Tensor, d int) (matrix, error) {
	data, n, err := inputs.ReadFitted(op, X, d, inputs.RejectNaN)
	if err != nil {
		return matrix{}, err
	}
	return matrix{data: data, n: n, d: d}, nil
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
