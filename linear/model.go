package linear

import (
	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/tensor"
	"gonum.org/v1/gonum/mat"
)

// linearFit is the fitted state of a linear regressor: ŷ = X·coefᵀ + intercept.
type linearFit struct {
	coef      *mat.Dense // [targets, features]
	intercept []float64  // [targets]
	oneD      bool       // y was 1-D
	d         int        // features seen by Fit (0: not fitted)
}

// newLinearFit finishes a fit made on centred data: coef [targets, features] and the
// means of X and y, giving intercept = ȳ − x̄·coef (zero means: no intercept).
func newLinearFit(coef *mat.Dense, xMean, yMean []float64, oneD bool) *linearFit {
	t, d := coef.Dims()
	b := make([]float64, t)
	for k := range t {
		b[k] = yMean[k]
		for j := range d {
			b[k] -= xMean[j] * coef.At(k, j)
		}
	}
	return &linearFit{coef: coef, intercept: b, oneD: oneD, d: d}
}

// tensors returns Coef ([features] for a 1-D y, else [targets, features]) and Intercept
// (a 0-d tensor for a 1-D y, else [targets]).
func (f *linearFit) tensors() (coef, intercept *tensor.Tensor) {
	coef = toTensor(f.coef)
	intercept = tensor.FromSlice(append([]float64(nil), f.intercept...), len(f.intercept))
	if f.oneD {
		return coef.Reshape(f.d), intercept.Reshape()
	}
	return coef, intercept
}

// predict returns X·coefᵀ + intercept [samples, targets].
func (f *linearFit) predict(op string, X *tensor.Tensor) (*mat.Dense, error) {
	var d int
	if f != nil {
		d = f.d
	}
	x, err := inputs.ReadFittedDense(op, X, d)
	if err != nil {
		return nil, err
	}
	var out mat.Dense
	out.Mul(x, f.coef.T())
	n, t := out.Dims()
	for i := range n {
		for k := range t {
			out.Set(i, k, out.At(i, k)+f.intercept[k])
		}
	}
	return &out, nil
}

// predictTensor is predict shaped like the training y.
func (f *linearFit) predictTensor(op string, X *tensor.Tensor) (*tensor.Tensor, error) {
	p, err := f.predict(op, X)
	if err != nil {
		return nil, err
	}
	return shaped(p, f.oneD), nil
}

// score returns R² of the predictions on X against y, averaged over targets.
func (f *linearFit) score(op string, X, y *tensor.Tensor) (float64, error) {
	p, err := f.predict(op, X)
	if err != nil {
		return 0, err
	}
	n, _ := p.Dims()
	ym, _, err := readY(op, y, n)
	if err != nil {
		return 0, err
	}
	if _, t := ym.Dims(); t != len(f.intercept) {
		return 0, errTargets(op, t, len(f.intercept))
	}
	return r2(ym, p), nil
}
