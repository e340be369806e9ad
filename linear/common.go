package linear

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/tensor"
	"gonum.org/v1/gonum/mat"
)

// readY validates y [samples] or [samples, targets] against n samples and returns it as a
// matrix [samples, targets] and whether it was 1-D.
func readY(op string, y *tensor.Tensor, n int) (*mat.Dense, bool, error) {
	if y == nil {
		return nil, false, fmt.Errorf("%s: y is nil", op)
	}
	if y.Dim() != 1 && y.Dim() != 2 || y.Dim() == 2 && y.Size(1) == 0 {
		return nil, false, fmt.Errorf("%s: y must be [samples] or [samples, targets], got shape %v", op, y.Shape())
	}
	if y.Size(0) != n {
		return nil, false, fmt.Errorf("%s: y has %d samples but X has %d", op, y.Size(0), n)
	}
	if y.DType() == tensor.Bool {
		return nil, false, fmt.Errorf("%s: y must be numeric, got bool", op)
	}
	t := 1
	if y.Dim() == 2 {
		t = y.Size(1)
	}
	data := y.Float64s()
	if err := checkFinite(op, "y", data, t); err != nil {
		return nil, false, err
	}
	return mat.NewDense(n, t, data), y.Dim() == 1, nil
}

// readY1 is readY for estimators that take a single target.
func readY1(op string, y *tensor.Tensor, n int) ([]float64, error) {
	if y != nil && y.Dim() != 1 {
		return nil, fmt.Errorf("%s: y must be 1-D [samples], got shape %v", op, y.Shape())
	}
	m, _, err := readY(op, y, n)
	if err != nil {
		return nil, err
	}
	return m.RawMatrix().Data, nil
}

func checkFinite(op, name string, data []float64, cols int) error {
	for i, v := range data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: %s contains %g (sample %d, column %d)", op, name, v, i/cols, i%cols)
		}
	}
	return nil
}

// centre subtracts the column means from m in place and returns them.
func centre(m *mat.Dense) []float64 {
	r, c := m.Dims()
	mean := make([]float64, c)
	for i := range r {
		for j, v := range m.RawRowView(i) {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(r)
	}
	for i := range r {
		row := m.RawRowView(i)
		for j := range row {
			row[j] -= mean[j]
		}
	}
	return mean
}

// checkNonNegative rejects a negative or NaN parameter.
func checkNonNegative(op, name string, v float64) error {
	if !(v >= 0) || math.IsInf(v, 0) {
		return fmt.Errorf("%s: %s must be a finite number ≥ 0, got %g", op, name, v)
	}
	return nil
}

// toTensor copies m into a float64 tensor [rows, cols].
func toTensor(m *mat.Dense) *tensor.Tensor {
	r, c := m.Dims()
	out := make([]float64, 0, r*c)
	for i := range r {
		out = append(out, m.RawRowView(i)...)
	}
	return tensor.FromSlice(out, r, c)
}

// shaped returns m [n, t] as a tensor [n] when oneD, else [n, t].
func shaped(m *mat.Dense, oneD bool) *tensor.Tensor {
	t := toTensor(m)
	if oneD {
		return t.Reshape(t.Size(0))
	}
	return t
}

// r2 is scikit-learn's r2_score averaged uniformly over the columns of y: per column
// 1 − Σ(y−ŷ)²/Σ(y−ȳ)², or 1 (exact) / 0 (inexact) for a constant column.
func r2(y, pred *mat.Dense) float64 {
	n, t := y.Dims()
	total := 0.0
	for j := range t {
		mean := 0.0
		for i := range n {
			mean += y.At(i, j)
		}
		mean /= float64(n)
		var res, tot float64
		for i := range n {
			e, c := y.At(i, j)-pred.At(i, j), y.At(i, j)-mean
			res += e * e
			tot += c * c
		}
		switch {
		case tot != 0:
			total += 1 - res/tot
		case res == 0:
			total++
		}
	}
	return total / float64(t)
}

func errTargets(op string, got, want int) error {
	return fmt.Errorf("%s: y has %d targets, but the estimator was fitted with %d", op, got, want)
}
