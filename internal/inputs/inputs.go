// Package inputs reads the 2-D input X of the classical estimators: it checks X (not nil,
// 2-D [samples, features] with at least one of each, numeric, finite) and copies it once
// into a row-major float64 slice that the caller owns. Error messages start with the
// caller's op prefix ("kmeans: fit").
package inputs

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/tensor"
	"gonum.org/v1/gonum/mat"
)

// NaN says whether X may hold NaN (missing values); infinities are always errors.
type NaN bool

const (
	RejectNaN NaN = false // every value must be finite
	AllowNaN  NaN = true  // NaN marks a missing value
)

// ReadX validates X and returns a row-major float64 copy of it: data[i*d+j] is feature j of
// sample i.
func ReadX(op string, X *tensor.Tensor, nan NaN) (data []float64, n, d int, err error) {
	if X == nil {
		return nil, 0, 0, fmt.Errorf("%s: X is nil", op)
	}
	if X.Dim() != 2 {
		return nil, 0, 0, fmt.Errorf("%s: X must be 2-D [samples, features], got shape %v", op, X.Shape())
	}
	n, d = X.Size(0), X.Size(1)
	if n == 0 || d == 0 {
		return nil, 0, 0, fmt.Errorf("%s: X has shape %v: need at least one sample and one feature", op, X.Shape())
	}
	if X.DType() == tensor.Bool {
		return nil, 0, 0, fmt.Errorf("%s: X must be numeric, got bool", op)
	}
	data = Float64s(X)
	for i, v := range data {
		if math.IsInf(v, 0) || math.IsNaN(v) && nan == RejectNaN {
			return nil, 0, 0, fmt.Errorf("%s: X contains %g (sample %d, feature %d)", op, v, i/d, i%d)
		}
	}
	return data, n, d, nil
}

// ReadFitted is ReadX for Predict or Transform of an estimator fitted on d features
// (d = 0: not fitted).
func ReadFitted(op string, X *tensor.Tensor, d int, nan NaN) ([]float64, int, error) {
	if d == 0 {
		return nil, 0, fmt.Errorf("%s: not fitted: call Fit first", op)
	}
	data, n, got, err := ReadX(op, X, nan)
	if err != nil {
		return nil, 0, err
	}
	if got != d {
		return nil, 0, fmt.Errorf("%s: X has %d features, but the estimator was fitted with %d", op, got, d)
	}
	return data, n, nil
}

// Float64s returns a float64 copy of X's elements in row-major order, converting a
// contiguous float32 or float64 tensor with one plain loop (X.Float64s converts element by
// element through strided walks); the values are the same.
func Float64s(X *tensor.Tensor) []float64 {
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

// ReadY validates a 1-D target of n numeric, finite values (one per sample of X) and returns
// a float64 copy of it.
func ReadY(op string, y *tensor.Tensor, n int) ([]float64, error) {
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

// ReadDense is ReadX (NaN rejected) returning a [samples, features] matrix the caller may
// modify.
func ReadDense(op string, X *tensor.Tensor) (*mat.Dense, error) {
	data, n, d, err := ReadX(op, X, RejectNaN)
	if err != nil {
		return nil, err
	}
	return mat.NewDense(n, d, data), nil
}

// ReadFittedDense is ReadFitted (NaN rejected) returning a [samples, d] matrix the caller
// may modify.
func ReadFittedDense(op string, X *tensor.Tensor, d int) (*mat.Dense, error) {
	data, n, err := ReadFitted(op, X, d, RejectNaN)
	if err != nil {
		return nil, err
	}
	return mat.NewDense(n, d, data), nil
}
