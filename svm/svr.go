package svm

import (
	"fmt"
	"math"
	"slices"

	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/internal/scoring"
	"github.com/ember-ml/ember/tensor"
)

// SVR is scikit-learn's SVR: libsvm's epsilon-support vector regression.
type SVR struct {
	C         float64 // regularisation, > 0 (1.0)
	Epsilon   float64 // half-width of the loss-free tube, ≥ 0 (0.1)
	Kernel    string  // "rbf" (default), "linear", "poly" or "sigmoid"
	Degree    int     // poly degree (3)
	Gamma     string  // "scale" (default), "auto" or a positive number written as a string
	Coef0     float64 // poly and sigmoid offset (0)
	Shrinking bool    // libsvm's shrinking heuristic (true)
	Tol       float64 // stopping tolerance (1e-3)
	CacheSize float64 // kernel row cache in MB (200)
	MaxIter   int     // SMO iteration limit, −1 for none

	Support        *tensor.Tensor // indices of support vectors, int64 [nSV]
	SupportVectors *tensor.Tensor // float64 [nSV, features]
	NSupport       *tensor.Tensor // int64 [1]: nSV, as scikit-learn's n_support_ for regression
	DualCoef       *tensor.Tensor // α − α*, float64 [1, nSV]
	Intercept      *tensor.Tensor // float64 [1]
	NIter          int            // SMO iterations
	NFeaturesIn    int
	FitGamma       float64 // the gamma used

	ks   kernelSpec
	sv   []float64
	coef []float64
	rho  float64
	d    int
}

// NewSVR returns an SVR with scikit-learn's defaults.
func NewSVR() *SVR {
	return &SVR{C: 1, Epsilon: 0.1, Kernel: "rbf", Degree: 3, Gamma: "scale", Shrinking: true, Tol: 1e-3, CacheSize: 200, MaxIter: -1}
}

// Fit solves libsvm's epsilon-SVR dual (2·samples variables) on X [samples, features] and
// targets y [samples].
func (m *SVR) Fit(X, y *tensor.Tensor) error {
	const op = "svr: Fit"
	if !(m.C > 0) || math.IsInf(m.C, 0) {
		return fmt.Errorf("%s: C must be > 0, got %g", op, m.C)
	}
	if !(m.Epsilon >= 0) || math.IsInf(m.Epsilon, 0) {
		return fmt.Errorf("%s: Epsilon must be ≥ 0, got %g", op, m.Epsilon)
	}
	if !(m.Tol > 0) {
		return fmt.Errorf("%s: Tol must be > 0, got %g", op, m.Tol)
	}
	if !(m.CacheSize > 0) {
		return fmt.Errorf("%s: CacheSize must be > 0 MB, got %g", op, m.CacheSize)
	}
	if err := checkKernel(op, m.Kernel, m.Degree); err != nil {
		return err
	}
	x, n, d, err := readX(op, X)
	if err != nil {
		return err
	}
	yv, err := inputs.ReadY(op, y, n)
	if err != nil {
		return err
	}
	gamma, err := resolveGamma(op, m.Gamma, x, d)
	if err != nil {
		return err
	}
	ks := kernelSpec{kind: m.Kernel, gamma: gamma, coef0: m.Coef0, degree: m.Degree}
	q := newSVRQ(newKernelRows(ks, slices.Clone(x), d), n, m.CacheSize)
	p := make([]float64, 2*n)
	sign := make([]float64, 2*n)
	for i, t := range yv {
		p[i], p[i+n] = m.Epsilon-t, m.Epsilon+t
		sign[i], sign[i+n] = 1, -1
	}
	a2, rho, iters := solve(q, p, sign, make([]float64, 2*n), m.C, m.C, m.Tol, m.Shrinking, m.MaxIter)
	var sup []int
	var coef, sv []float64
	for i := range n {
		if a := a2[i] - a2[i+n]; a != 0 {
			sup = append(sup, i)
			coef = append(coef, a)
			sv = append(sv, x[i*d:(i+1)*d]...)
		}
	}
	m.FitGamma, m.NIter = gamma, iters
	m.setFitted(ks, sup, sv, coef, rho, d)
	return nil
}

func (m *SVR) setFitted(ks kernelSpec, sup []int, sv, coef []float64, rho float64, d int) {
	m.ks, m.sv, m.coef, m.rho, m.d = ks, sv, coef, rho, d
	nSV := len(coef)
	sup64 := make([]int64, nSV)
	for k, t := range sup {
		sup64[k] = int64(t)
	}
	m.NFeaturesIn = d
	m.Support = tensor.FromSlice(sup64, nSV)
	m.SupportVectors = tensor.FromSlice(slices.Clone(sv), nSV, d)
	m.NSupport = tensor.FromSlice([]int64{int64(nSV)}, 1)
	m.DualCoef = tensor.FromSlice(slices.Clone(coef), 1, nSV)
	m.Intercept = tensor.FromSlice([]float64{-rho}, 1)
}

// Predict returns Σ DualCoef·K(SupportVectors, x) + Intercept for each row of X, float64 [samples].
func (m *SVR) Predict(X *tensor.Tensor) (*tensor.Tensor, error) {
	const op = "svr: Predict"
	if m.d == 0 {
		return nil, fmt.Errorf("%s: called before Fit", op)
	}
	x, n, d, err := readX(op, X)
	if err != nil {
		return nil, err
	}
	if d != m.d {
		return nil, fmt.Errorf("%s: X has %d features, the model was fitted on %d", op, d, m.d)
	}
	out := make([]float64, n)
	parallelRows(n, len(m.coef)*d, func(lo, hi int) {
		kv := make([]float64, len(m.coef))
		for r := lo; r < hi; r++ {
			m.ks.rowsAgainst(x[r*d:(r+1)*d], m.sv, d, kv)
			var s float64
			for k, c := range m.coef {
				s += c * kv[k]
			}
			out[r] = s - m.rho
		}
	})
	return tensor.FromSlice(out, n), nil
}

// Score returns R² of Predict(X) against y, as scikit-learn's r2_score.
func (m *SVR) Score(X, y *tensor.Tensor) (float64, error) {
	p, err := m.Predict(X)
	if err != nil {
		return 0, err
	}
	yv, err := inputs.ReadY("svr: Score", y, p.Size(0))
	if err != nil {
		return 0, err
	}
	return scoring.R2(yv, p.Float64s()), nil
}
