package neighbors

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/ember-ml/ember/backend/cpu"
	"github.com/ember-ml/ember/internal/inputs"
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
	data, n, d, err := inputs.ReadX(op, X, inputs.RejectNaN)
	if err != nil {
		return matrix{}, err
	}
	return matrix{data: data, n: n, d: d}, nil
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
