package features

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/tensor"
)

// matrix is a row-major float64 matrix.
type matrix struct {
	data []float64
	n, d int
}

func (m matrix) row(i int) []float64 { return m.data[i*m.d : (i+1)*m.d] }

func (m matrix) toTensor() *tensor.Tensor { return tensor.FromSlice(m.data, m.n, m.d) }

// readX validates X (2-D, at least one sample and feature, numeric) and copies it once to
// float64. NaN is allowed only when allowNaN; infinities never.
func readX(op string, X *tensor.Tensor, allowNaN bool) (matrix, error) {
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
		if math.IsInf(v, 0) || math.IsNaN(v) && !allowNaN {
			return matrix{}, fmt.Errorf("%s: X contains %g (sample %d, feature %d)", op, v, i/d, i%d)
		}
	}
	return m, nil
}

// readFitted reads X for Transform of a transformer fitted on d features (0: not fitted).
func readFitted(op string, X *tensor.Tensor, d int, allowNaN bool) (matrix, error) {
	if d == 0 {
		return matrix{}, fmt.Errorf("%s: not fitted: call Fit first", op)
	}
	m, err := readX(op, X, allowNaN)
	if err != nil {
		return matrix{}, err
	}
	if m.d != d {
		return matrix{}, fmt.Errorf("%s: X has %d features, but the transformer was fitted with %d", op, m.d, d)
	}
	return m, nil
}

// namesOrDefault returns names, checked against d, or the default x0, x1, ….
func namesOrDefault(op string, names []string, d int) ([]string, error) {
	if names == nil {
		out := make([]string, d)
		for i := range out {
			out[i] = fmt.Sprintf("x%d", i)
		}
		return out, nil
	}
	if len(names) != d {
		return nil, fmt.Errorf("%s: %d input feature names, but the transformer was fitted with %d features", op, len(names), d)
	}
	return names, nil
}
