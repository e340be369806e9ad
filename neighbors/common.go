package neighbors

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/ember-ml/ember/backend/cpu"
	"github.com/ember-ml/ember/tensor"
)

// matrix is a row-major float64 matrix.
type matrix struct {
	data []float64
	n, d int
}

func (m matrix) row(i int) []float64 { return m.data[i*m.d : (i+1)*m.d] }

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
	m := matrix{data: X.Float64s(), n: n, d: d}
	for i, v := range m.data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return matrix{}, fmt.Errorf("%s: X contains %g (sample %d, feature %d)", op, v, i/d, i%d)
		}
	}
	return m, nil
}

// readY validates a 1-D target of n finite values.
func readY(op string, y *tensor.Tensor, n int) ([]float64, error) {
	if y == nil {
		return nil, fmt.Errorf("%s: y is nil", op)
	}
	if y.Dim() != 1 {
		return nil, fmt.Errorf("%s: y must be 1-D [samples], got shape %v", op, y.Shape())
	}
	if y.Size(0) != n {
		return nil, fmt.Errorf("%s: y has %d values but X has %d samples", op, y.Size(0), n)
	}
	if y.DType() == tensor.Bool {
		return nil, fmt.Errorf("%s: y must be numeric, got bool", op)
	}
	v := y.Float64s()
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%s: y contains %g (sample %d)", op, x, i)
		}
	}
	return v, nil
}

// encodeLabels returns the sorted distinct integer labels of y and each sample's class index.
func encodeLabels(op string, y []float64) ([]int64, []int, error) {
	classes := make([]int64, len(y))
	for i, v := range y {
		if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			return nil, nil, fmt.Errorf("%s: class labels must be integers, got y[%d] = %g", op, i, v)
		}
		classes[i] = int64(v)
	}
	slices.Sort(classes)
	classes = slices.Compact(classes)
	enc := make([]int, len(y))
	for i, v := range y {
		enc[i], _ = slices.BinarySearch(classes, int64(v))
	}
	return classes, enc, nil
}

// parallelRows calls f(lo, hi) on consecutive row ranges of [0, n) from up to cpu.Threads()
// goroutines. f must only write data owned by its rows.
func parallelRows(n, chunk int, f func(lo, hi int)) {
	workers := min(cpu.Threads(), (n+chunk-1)/chunk)
	if workers <= 1 {
		for lo := 0; lo < n; lo += chunk {
			f(lo, min(lo+chunk, n))
		}
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
