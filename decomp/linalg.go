package decomp

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/tensor"
	"gonum.org/v1/gonum/mat"
)

// readX validates X (2-D, at least one sample and feature, numeric, finite) and copies it
// once into a float64 matrix that the caller may modify.
func readX(op string, X *tensor.Tensor) (*mat.Dense, error) {
	if X == nil {
		return nil, fmt.Errorf("%s: X is nil", op)
	}
	if X.Dim() != 2 {
		return nil, fmt.Errorf("%s: X must be 2-D [samples, features], got shape %v", op, X.Shape())
	}
	n, d := X.Size(0), X.Size(1)
	if n == 0 || d == 0 {
		return nil, fmt.Errorf("%s: X has shape %v: need at least one sample and one feature", op, X.Shape())
	}
	if X.DType() == tensor.Bool {
		return nil, fmt.Errorf("%s: X must be numeric, got bool", op)
	}
	data := X.Float64s()
	for i, v := range data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s: X contains %g (sample %d, feature %d)", op, v, i/d, i%d)
		}
	}
	return mat.NewDense(n, d, data), nil
}

// readFitted reads X for Transform of an estimator fitted on d features (d = 0: not fitted).
func readFitted(op string, X *tensor.Tensor, d int) (*mat.Dense, error) {
	if d == 0 {
		return nil, fmt.Errorf("%s: not fitted: call Fit first", op)
	}
	m, err := readX(op, X)
	if err != nil {
		return nil, err
	}
	if _, c := m.Dims(); c != d {
		return nil, fmt.Errorf("%s: X has %d features, but the estimator was fitted with %d", op, c, d)
	}
	return m, nil
}

// toTensor copies m into a float64 tensor of the same shape.
func toTensor(m mat.Matrix) *tensor.Tensor {
	r, c := m.Dims()
	out := make([]float64, 0, r*c)
	for i := range r {
		for j := range c {
			out = append(out, m.At(i, j))
		}
	}
	return tensor.FromSlice(out, r, c)
}

// vecTensor copies v into a 1-D float64 tensor.
func vecTensor(v []float64) *tensor.Tensor {
	return tensor.FromSlice(append([]float64(nil), v...), len(v))
}

// colMeans returns the column means of x.
func colMeans(x *mat.Dense) []float64 {
	n, d := x.Dims()
	mean := make([]float64, d)
	for i := range n {
		for j, v := range x.RawRowView(i) {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	return mean
}

// subtractRow subtracts v from every row of x in place.
func subtractRow(x *mat.Dense, v []float64) {
	n, _ := x.Dims()
	for i := range n {
		row := x.RawRowView(i)
		for j := range row {
			row[j] -= v[j]
		}
	}
}

// addRow adds v to every row of x in place.
func addRow(x *mat.Dense, v []float64) {
	n, _ := x.Dims()
	for i := range n {
		row := x.RawRowView(i)
		for j := range row {
			row[j] += v[j]
		}
	}
}

// thinSVD returns the thin SVD x = U diag(s) Vᵀ, singular values in decreasing order.
func thinSVD(op string, x mat.Matrix) (u *mat.Dense, s []float64, vt *mat.Dense, err error) {
	var svd mat.SVD
	if !svd.Factorize(x, mat.SVDThin) {
		return nil, nil, nil, fmt.Errorf("%s: SVD did not converge", op)
	}
	u, v := new(mat.Dense), new(mat.Dense)
	svd.UTo(u)
	svd.VTo(v)
	return u, svd.Values(nil), mat.DenseCopyOf(v.T()), nil
}

// svdFlipU makes the entry of largest magnitude of each column of u positive, flipping the
// matching row of vt with it (scikit-learn's svd_flip with u_based_decision=True; the first
// of equal magnitudes decides). vt may be nil.
func svdFlipU(u, vt *mat.Dense) {
	r, c := u.Dims()
	for j := range c {
		best, at := -1.0, 0
		for i := range r {
			if a := math.Abs(u.At(i, j)); a > best {
				best, at = a, i
			}
		}
		if u.At(at, j) >= 0 {
			continue
		}
		for i := range r {
			u.Set(i, j, -u.At(i, j))
		}
		if vt != nil {
			row := vt.RawRowView(j)
			for k := range row {
				row[k] = -row[k]
			}
		}
	}
}

// pinv returns the Moore-Penrose pseudo-inverse of a, cutting singular values below
// max(rows, cols)·ε·s_max as scipy.linalg.pinv does.
func pinv(op string, a *mat.Dense) (*mat.Dense, error) {
	u, s, vt, err := thinSVD(op, a)
	if err != nil {
		return nil, err
	}
	r, c := a.Dims()
	cut := 0.0
	if len(s) > 0 {
		cut = float64(max(r, c)) * 2.220446049250313e-16 * s[0]
	}
	// pinv = V diag(1/s) Uᵀ.
	v := mat.DenseCopyOf(vt.T())
	for j, sv := range s {
		inv := 0.0
		if sv > cut {
			inv = 1 / sv
		}
		for i := range c {
			v.Set(i, j, v.At(i, j)*inv)
		}
	}
	out := mat.NewDense(c, r, nil)
	out.Mul(v, u.T())
	return out, nil
}
