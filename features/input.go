package features

import (
	"fmt"

	"github.com/ember-ml/ember/internal/inputs"
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
// float64. NaN is allowed only with inputs.AllowNaN; infinities never.
func readX(op string, X *tensor.Tensor, nan inputs.NaN) (matrix, error) {
	data, n, d, err := inputs.ReadX(op, X, nan)
	if err != nil {
		return matrix{}, err
	}
	return matrix{data: data, n: n, d: d}, nil
}

// readFitted reads X for Transform of a transformer fitted on d features (0: not fitted).
func readFitted(op string, X *tensor.Tensor, d int, nan inputs.NaN) (matrix, error) {
	data, n, err := inputs.ReadFitted(op, X, d, nan)
	if err != nil {
		return matrix{}, err
	}
	return matrix{data: data, n: n, d: d}, nil
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
