package linear

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/tensor"
	"gonum.org/v1/gonum/mat"
)

// LinearRegression is scikit-learn's LinearRegression: ordinary least squares, solved
// like scipy.linalg.lstsq (SVD; singular values ≤ eps·largest are dropped, giving the
// minimum-norm solution when X is rank-deficient). y may be [samples] or [samples, targets].
type LinearRegression struct {
	FitIntercept bool // centre X and y and fit an intercept (default true)

	Coef        *tensor.Tensor // float64 [features], or [targets, features] for a 2-D y
	Intercept   *tensor.Tensor // float64 0-d tensor, or [targets] for a 2-D y
	Rank        int            // effective rank of the (centred) X
	NFeaturesIn int            // features seen by Fit

	fit *linearFit
}

// NewLinearRegression returns a LinearRegression with scikit-learn's defaults.
func NewLinearRegression() *LinearRegression { return &LinearRegression{FitIntercept: true} }

// Fit solves min ‖y − X·coef − intercept‖².
func (r *LinearRegression) Fit(X, y *tensor.Tensor) error {
	const op = "linear regression"
	f, rank, err := fitSVD(op, X, y, r.FitIntercept, func(s, smax float64) float64 {
		if s <= eps*smax {
			return 0
		}
		return 1 / s
	})
	if err != nil {
		return err
	}
	r.fit, r.Rank, r.NFeaturesIn = f, rank, f.d
	r.Coef, r.Intercept = f.tensors()
	return nil
}

// Predict returns X·Coefᵀ + Intercept, shaped like the training y.
func (r *LinearRegression) Predict(X *tensor.Tensor) (*tensor.Tensor, error) {
	return r.fit.predictTensor("linear regression: Predict", X)
}

// Score returns R² of Predict(X) against y, averaged over targets.
func (r *LinearRegression) Score(X, y *tensor.Tensor) (float64, error) {
	return r.fit.score("linear regression: Score", X, y)
}

// Ridge is scikit-learn's Ridge: least squares with the penalty Alpha·‖coef‖², solved in
// closed form through the SVD of the centred X: coef = V·diag(s/(s²+Alpha))·Uᵀ·y (singular
// values ≤ 1e-15 are dropped). y may be [samples] or [samples, targets].
type Ridge struct {
	Alpha        float64 // penalty strength, ≥ 0 (default 1)
	FitIntercept bool    // centre X and y and fit an unpenalised intercept (default true)

	Coef        *tensor.Tensor // float64 [features], or [targets, features] for a 2-D y
	Intercept   *tensor.Tensor // float64 0-d tensor, or [targets] for a 2-D y
	NFeaturesIn int            // features seen by Fit

	fit *linearFit
}

// NewRidge returns a Ridge with scikit-learn's defaults (Alpha 1).
func NewRidge() *Ridge { return &Ridge{Alpha: 1, FitIntercept: true} }

// Fit solves min ‖y − X·coef − intercept‖² + Alpha·‖coef‖².
func (r *Ridge) Fit(X, y *tensor.Tensor) error {
	const op = "ridge"
	if err := checkNonNegative(op, "Alpha", r.Alpha); err != nil {
		return err
	}
	f, _, err := fitSVD(op, X, y, r.FitIntercept, func(s, _ float64) float64 {
		if s <= 1e-15 {
			return 0
		}
		return s / (s*s + r.Alpha)
	})
	if err != nil {
		return err
	}
	r.fit, r.NFeaturesIn = f, f.d
	r.Coef, r.Intercept = f.tensors()
	return nil
}

// Predict returns X·Coefᵀ + Intercept, shaped like the training y.
func (r *Ridge) Predict(X *tensor.Tensor) (*tensor.Tensor, error) {
	return r.fit.predictTensor("ridge: Predict", X)
}

// Score returns R² of Predict(X) against y, averaged over targets.
func (r *Ridge) Score(X, y *tensor.Tensor) (float64, error) {
	return r.fit.score("ridge: Score", X, y)
}

const eps = 0x1p-52

// fitSVD fits coef = V·diag(filter(s))·Uᵀ·y on the (centred, when intercept) data and
// returns the fit and the number of singular values kept.
func fitSVD(op string, X, y *tensor.Tensor, intercept bool, filter func(s, smax float64) float64) (*linearFit, int, error) {
	x, err := inputs.ReadDense(op, X)
	if err != nil {
		return nil, 0, err
	}
	n, d := x.Dims()
	ym, oneD, err := readY(op, y, n)
	if err != nil {
		return nil, 0, err
	}
	_, t := ym.Dims()
	xMean, yMean := make([]float64, d), make([]float64, t)
	if intercept {
		xMean, yMean = centre(x), centre(ym)
	}
	var svd mat.SVD
	if !svd.Factorize(x, mat.SVDThin) {
		return nil, 0, fmt.Errorf("%s: the SVD of X did not converge", op)
	}
	s := svd.Values(nil)
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	var uty mat.Dense
	uty.Mul(u.T(), ym) // [k, t]
	rank := 0
	for i, si := range s {
		f := filter(si, s[0])
		if f != 0 && !math.IsInf(f, 0) {
			rank++
		} else {
			f = 0
		}
		row := uty.RawRowView(i)
		for j := range row {
			row[j] *= f
		}
	}
	var coef mat.Dense
	coef.Mul(&v, &uty) // [d, t]
	ct := mat.DenseCopyOf(coef.T())
	return newLinearFit(ct, xMean, yMean, oneD), rank, nil
}
