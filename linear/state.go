package linear

import (
	"fmt"
	"math"
	"slices"

	"github.com/ember-ml/ember/internal/state"
	"github.com/ember-ml/ember/tensor"
	"gonum.org/v1/gonum/mat"
)

// Persistence: MarshalState returns an estimator's settings and scalar fitted attributes as
// JSON (scikit-learn's names) and its fitted arrays by name, all float64 but the int64
// "classes": "coef" [targets or classes, features] and "intercept" [targets or classes] for
// the linear models, "x_fit" [samples, features] and "dual_coef" [samples, targets] for
// KernelRidge. UnmarshalState checks the settings as Fit does and every array's dtype, shape
// and values, so that a corrupted state is an error and never a panic later; the restored
// estimator predicts bit for bit like the original.

// stateMatrix returns the finite float64 matrix arrays[name] of the given shape.
func stateMatrix(op string, arrays map[string]*tensor.Tensor, name string, rows, cols int) (*mat.Dense, error) {
	t, err := state.NonEmptyArray(op, arrays, name, tensor.Float64, rows, cols)
	if err != nil {
		return nil, err
	}
	v := t.Float64s()
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%s: array %q holds %g at %d", op, name, x, i)
		}
	}
	return mat.NewDense(t.Size(0), t.Size(1), v), nil
}

// stateVector returns the finite float64 values of the vector arrays[name] of n values.
func stateVector(op string, arrays map[string]*tensor.Tensor, name string, n int) ([]float64, error) {
	t, err := state.NonEmptyArray(op, arrays, name, tensor.Float64, n)
	if err != nil {
		return nil, err
	}
	v := t.Float64s()
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%s: array %q holds %g at %d", op, name, x, i)
		}
	}
	return v, nil
}

// arrays returns the fit's "coef" [targets, features] and "intercept" [targets].
func (f *linearFit) arrays() map[string]*tensor.Tensor {
	return map[string]*tensor.Tensor{
		"coef":      toTensor(f.coef),
		"intercept": tensor.FromSlice(slices.Clone(f.intercept), len(f.intercept)),
	}
}

// readLinearFit restores a linearFit from "coef" and "intercept"; a 1-D y needs one target.
func readLinearFit(op string, arrays map[string]*tensor.Tensor, oneD bool) (*linearFit, error) {
	coef, err := stateMatrix(op, arrays, "coef", -1, -1)
	if err != nil {
		return nil, err
	}
	t, d := coef.Dims()
	if oneD && t != 1 {
		return nil, fmt.Errorf("%s: array \"coef\" has %d targets, but y was 1-D", op, t)
	}
	b, err := stateVector(op, arrays, "intercept", t)
	if err != nil {
		return nil, err
	}
	return &linearFit{coef: coef, intercept: b, oneD: oneD, d: d}, nil
}

// LinearRegression and Ridge

type linearRegressionState struct {
	FitIntercept bool `json:"fit_intercept"`
	Rank         int  `json:"rank_"`
	Y1D          bool `json:"y_1d"`
}

// MarshalState returns the fitted LinearRegression's settings and rank as JSON and its
// "coef" and "intercept" arrays.
func (r *LinearRegression) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "linear regression: marshal state"
	if r.fit == nil {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, linearRegressionState{r.FitIntercept, r.Rank, r.fit.oneD})
	if err != nil {
		return nil, nil, err
	}
	return params, r.fit.arrays(), nil
}

// UnmarshalState restores a LinearRegression from what MarshalState returned.
func (r *LinearRegression) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "linear regression: unmarshal state"
	var s linearRegressionState
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	f, err := readLinearFit(op, arrays, s.Y1D)
	if err != nil {
		return err
	}
	if s.Rank < 0 || s.Rank > f.d {
		return fmt.Errorf("%s: rank_ must be in [0, %d], got %d", op, f.d, s.Rank)
	}
	*r = LinearRegression{FitIntercept: s.FitIntercept, Rank: s.Rank, NFeaturesIn: f.d, fit: f}
	r.Coef, r.Intercept = f.tensors()
	return nil
}

type ridgeState struct {
	Alpha        float64 `json:"alpha"`
	FitIntercept bool    `json:"fit_intercept"`
	Y1D          bool    `json:"y_1d"`
}

// MarshalState returns the fitted Ridge's settings as JSON and its "coef" and "intercept"
// arrays.
func (r *Ridge) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "ridge: marshal state"
	if r.fit == nil {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, ridgeState{r.Alpha, r.FitIntercept, r.fit.oneD})
	if err != nil {
		return nil, nil, err
	}
	return params, r.fit.arrays(), nil
}

// UnmarshalState restores a Ridge from what MarshalState returned.
func (r *Ridge) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "ridge: unmarshal state"
	var s ridgeState
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	if err := checkNonNegative(op, "Alpha", s.Alpha); err != nil {
		return err
	}
	f, err := readLinearFit(op, arrays, s.Y1D)
	if err != nil {
		return err
	}
	*r = Ridge{Alpha: s.Alpha, FitIntercept: s.FitIntercept, NFeaturesIn: f.d, fit: f}
	r.Coef, r.Intercept = f.tensors()
	return nil
}

// ElasticNet and Lasso

type elasticNetState struct {
	Alpha        float64 `json:"alpha"`
	L1Ratio      float64 `json:"l1_ratio"`
	FitIntercept bool    `json:"fit_intercept"`
	MaxIter      int     `json:"max_iter"`
	Tol          float64 `json:"tol"`
	NIter        int     `json:"n_iter_"`
	DualGap      float64 `json:"dual_gap_"`
	Converged    bool    `json:"converged"`
}

func (e *ElasticNet) marshalState(op string) ([]byte, map[string]*tensor.Tensor, error) {
	if e.fit == nil {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, elasticNetState{e.Alpha, e.L1Ratio, e.FitIntercept, e.MaxIter, e.Tol, e.NIter, e.DualGap, e.Converged})
	if err != nil {
		return nil, nil, err
	}
	return params, e.fit.arrays(), nil
}

func (e *ElasticNet) unmarshalState(op string, params []byte, arrays map[string]*tensor.Tensor) error {
	var s elasticNetState
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	r := ElasticNet{Alpha: s.Alpha, L1Ratio: s.L1Ratio, FitIntercept: s.FitIntercept, MaxIter: s.MaxIter, Tol: s.Tol,
		NIter: s.NIter, DualGap: s.DualGap, Converged: s.Converged}
	if err := r.check(op); err != nil {
		return err
	}
	if s.NIter < 0 || s.NIter > s.MaxIter {
		return fmt.Errorf("%s: n_iter_ must be in [0, max_iter %d], got %d", op, s.MaxIter, s.NIter)
	}
	f, err := readLinearFit(op, arrays, true)
	if err != nil {
		return err
	}
	r.fit, r.NFeaturesIn = f, f.d
	r.Coef = tensor.FromSlice(slices.Clone(f.coef.RawRowView(0)), f.d)
	r.Intercept = f.intercept[0]
	*e = r
	return nil
}

// MarshalState returns the fitted ElasticNet's settings and scalar attributes as JSON and its
// "coef" [1, features] and "intercept" [1] arrays.
func (e *ElasticNet) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	return e.marshalState("elastic net: marshal state")
}

// UnmarshalState restores an ElasticNet from what MarshalState returned.
func (e *ElasticNet) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	return e.unmarshalState("elastic net: unmarshal state", params, arrays)
}

// MarshalState returns the fitted Lasso's state, as ElasticNet's.
func (l *Lasso) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	return l.marshalState("lasso: marshal state")
}

// UnmarshalState restores a Lasso from what MarshalState returned; l1_ratio must be 1.
func (l *Lasso) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "lasso: unmarshal state"
	var e ElasticNet
	if err := e.unmarshalState(op, params, arrays); err != nil {
		return err
	}
	if e.L1Ratio != 1 {
		return fmt.Errorf("%s: l1_ratio must be 1 for Lasso, got %g", op, e.L1Ratio)
	}
	l.ElasticNet = e
	return nil
}

// LogisticRegression

type logisticState struct {
	Penalty      string  `json:"penalty"`
	C            float64 `json:"C"`
	FitIntercept bool    `json:"fit_intercept"`
	MaxIter      int     `json:"max_iter"`
	Tol          float64 `json:"tol"`
	WarmStart    bool    `json:"warm_start"`
	NIter        int     `json:"n_iter_"`
}

// MarshalState returns the fitted LogisticRegression's settings and iteration count as JSON
// and its "classes" (int64), "coef" [1 or classes, features] and "intercept" arrays.
func (l *LogisticRegression) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "logistic regression: marshal state"
	if l.w == nil {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, logisticState{l.Penalty, l.C, l.FitIntercept, l.MaxIter, l.Tol, l.WarmStart, l.NIter})
	if err != nil {
		return nil, nil, err
	}
	return params, map[string]*tensor.Tensor{
		"classes":   tensor.FromSlice(slices.Clone(l.classes), len(l.classes)),
		"coef":      toTensor(l.w),
		"intercept": tensor.FromSlice(slices.Clone(l.b), len(l.b)),
	}, nil
}

// UnmarshalState restores a LogisticRegression from what MarshalState returned. It checks
// the settings as Fit does, that there are at least two strictly increasing classes and
// that coef has one row for two classes, else one per class.
func (l *LogisticRegression) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "logistic regression: unmarshal state"
	var s logisticState
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	r := LogisticRegression{Penalty: s.Penalty, C: s.C, FitIntercept: s.FitIntercept, MaxIter: s.MaxIter, Tol: s.Tol, WarmStart: s.WarmStart, NIter: s.NIter}
	if err := r.check(op); err != nil {
		return err
	}
	if s.NIter < 0 || s.NIter > s.MaxIter {
		return fmt.Errorf("%s: n_iter_ must be in [0, max_iter %d], got %d", op, s.MaxIter, s.NIter)
	}
	ct, err := state.NonEmptyArray(op, arrays, "classes", tensor.Int64, -1)
	if err != nil {
		return err
	}
	classes := ct.Int64s()
	if len(classes) < 2 {
		return fmt.Errorf("%s: array \"classes\" must hold at least 2 classes, got %d", op, len(classes))
	}
	for i := 1; i < len(classes); i++ {
		if classes[i] <= classes[i-1] {
			return fmt.Errorf("%s: array \"classes\" is not strictly increasing at %d", op, i)
		}
	}
	rows := len(classes)
	if rows == 2 {
		rows = 1
	}
	w, err := stateMatrix(op, arrays, "coef", rows, -1)
	if err != nil {
		return err
	}
	b, err := stateVector(op, arrays, "intercept", rows)
	if err != nil {
		return err
	}
	r.classes, r.w, r.b = classes, w, b
	_, r.NFeaturesIn = w.Dims()
	r.Classes = tensor.FromSlice(slices.Clone(classes), len(classes))
	r.Coef, r.Intercept = toTensor(w), tensor.FromSlice(slices.Clone(b), rows)
	*l = r
	return nil
}

// KernelRidge

type kernelRidgeState struct {
	Alpha  float64 `json:"alpha"`
	Kernel string  `json:"kernel"`
	Gamma  float64 `json:"gamma"`
	Degree float64 `json:"degree"`
	Coef0  float64 `json:"coef0"`
	Y1D    bool    `json:"y_1d"`
}

// MarshalState returns the fitted KernelRidge's settings as JSON and its "x_fit"
// [samples, features] and "dual_coef" [samples, targets] arrays.
func (k *KernelRidge) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "kernel ridge: marshal state"
	if k.x == nil {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, kernelRidgeState{k.Alpha, k.Kernel, k.Gamma, k.Degree, k.Coef0, k.oneD})
	if err != nil {
		return nil, nil, err
	}
	return params, map[string]*tensor.Tensor{"x_fit": toTensor(k.x), "dual_coef": toTensor(k.dual)}, nil
}

// UnmarshalState restores a KernelRidge from what MarshalState returned.
func (k *KernelRidge) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "kernel ridge: unmarshal state"
	var s kernelRidgeState
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	r := KernelRidge{Alpha: s.Alpha, Kernel: s.Kernel, Gamma: s.Gamma, Degree: s.Degree, Coef0: s.Coef0, oneD: s.Y1D}
	if err := r.check(op); err != nil {
		return err
	}
	x, err := stateMatrix(op, arrays, "x_fit", -1, -1)
	if err != nil {
		return err
	}
	n, d := x.Dims()
	dual, err := stateMatrix(op, arrays, "dual_coef", n, -1)
	if err != nil {
		return err
	}
	if _, t := dual.Dims(); s.Y1D && t != 1 {
		return fmt.Errorf("%s: array \"dual_coef\" has %d targets, but y was 1-D", op, t)
	}
	r.x, r.dual, r.NFeaturesIn = x, dual, d
	r.DualCoef = shaped(dual, s.Y1D)
	*k = r
	return nil
}
