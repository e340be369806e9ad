package linear_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/ember-ml/ember/internal/statetest"
	"github.com/ember-ml/ember/linear"
	"github.com/ember-ml/ember/tensor"
)

// lcgData returns n pseudo-random values in [0, 1) (levels 0) or integers in [0, levels).
func lcgData(n, levels int, seed uint64) []float64 {
	out := make([]float64, n)
	for i := range out {
		seed = seed*6364136223846793005 + 1442695040888963407
		u := float64(seed>>11) / (1 << 53)
		if levels > 0 {
			u = math.Floor(u * float64(levels))
		}
		out[i] = u
	}
	return out
}

// outputs returns everything m computes on X, flattened.
func outputs(t *testing.T, m statetest.Supervised, X, y *tensor.Tensor) []float64 {
	t.Helper()
	p, err := m.Predict(X)
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.Score(X, y)
	if err != nil {
		t.Fatal(err)
	}
	out := append(p.Float64s(), s)
	if l, ok := m.(*linear.LogisticRegression); ok {
		for _, f := range []func(*tensor.Tensor) (*tensor.Tensor, error){l.PredictProba, l.PredictLogProba, l.DecisionFunction} {
			v, err := f(X)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, v.Float64s()...)
		}
		out = append(out, l.Coef.Float64s()...)
	}
	return out
}

// TestStateRoundTrip fits every estimator (1-D and 2-D y, two and three classes), restores
// it into a zero value from its state and checks bit-identical outputs and attributes.
func TestStateRoundTrip(t *testing.T) {
	const n, d = 60, 4
	X := tensor.FromSlice(lcgData(n*d, 0, 1), n, d)
	y1 := tensor.FromSlice(lcgData(n, 0, 2), n)
	y2 := tensor.FromSlice(lcgData(2*n, 0, 3), n, 2)
	bin, multi := tensor.FromSlice(lcgData(n, 2, 4), n), tensor.FromSlice(lcgData(n, 3, 5), n)
	rbf := linear.NewKernelRidge()
	rbf.Kernel, rbf.Alpha = "rbf", 0.3
	lasso := linear.NewLasso()
	lasso.Alpha = 0.01
	for _, tc := range []struct {
		m, back statetest.Supervised
		y       *tensor.Tensor
	}{
		{linear.NewLinearRegression(), &linear.LinearRegression{}, y1},
		{linear.NewLinearRegression(), &linear.LinearRegression{}, y2},
		{linear.NewRidge(), &linear.Ridge{}, y1},
		{linear.NewRidge(), &linear.Ridge{}, y2},
		{lasso, &linear.Lasso{}, y1},
		{linear.NewElasticNet(), &linear.ElasticNet{}, y1},
		{linear.NewLogisticRegression(), &linear.LogisticRegression{}, bin},
		{linear.NewLogisticRegression(), &linear.LogisticRegression{}, multi},
		{linear.NewKernelRidge(), &linear.KernelRidge{}, y2},
		{rbf, &linear.KernelRidge{}, y1},
	} {
		if err := tc.m.Fit(X, tc.y); err != nil {
			t.Fatal(err)
		}
		statetest.RoundTrip(t, tc.m, tc.back)
		if !slices.Equal(outputs(t, tc.m, X, tc.y), outputs(t, tc.back, X, tc.y)) {
			t.Errorf("%T (y %v): restored estimator answers differently", tc.m, tc.y.Shape())
		}
	}
}

// TestStateCorrupt checks that corrupted states are errors, never panics.
func TestStateCorrupt(t *testing.T) {
	const n, d = 30, 3
	X := tensor.FromSlice(lcgData(n*d, 0, 1), n, d)
	y := tensor.FromSlice(lcgData(n, 3, 2), n)
	fitted := func(m statetest.Supervised) (string, map[string]*tensor.Tensor) {
		if err := m.Fit(X, y); err != nil {
			t.Fatal(err)
		}
		p, a, err := m.MarshalState()
		if err != nil {
			t.Fatal(err)
		}
		return string(p), a
	}
	with := func(a map[string]*tensor.Tensor, name string, v *tensor.Tensor) map[string]*tensor.Tensor {
		out := map[string]*tensor.Tensor{}
		for k, x := range a {
			out[k] = x
		}
		if v == nil {
			delete(out, name)
		} else {
			out[name] = v
		}
		return out
	}
	lrP, lrA := fitted(linear.NewLinearRegression())
	rP, rA := fitted(linear.NewRidge())
	eP, eA := fitted(linear.NewElasticNet())
	laP, laA := fitted(linear.NewLasso())
	lgP, lgA := fitted(linear.NewLogisticRegression())
	kP, kA := fitted(linear.NewKernelRidge())
	nan := tensor.FromSlice([]float64{0, math.NaN(), 0}, 1, 3)
	for _, tc := range []struct {
		back   statetest.Supervised
		params string
		arrays map[string]*tensor.Tensor
		want   string
	}{
		{&linear.LinearRegression{}, "[", lrA, "bad params"},
		{&linear.LinearRegression{}, `{"fit_intercept":true,"bogus":1}`, lrA, "bad params"},
		{&linear.LinearRegression{}, lrP + " 1", lrA, "trailing data"},
		{&linear.LinearRegression{}, lrP, with(lrA, "coef", nil), `missing array "coef"`},
		{&linear.LinearRegression{}, lrP, with(lrA, "coef", nan), `array "coef" holds NaN at 1`},
		{&linear.LinearRegression{}, lrP, with(lrA, "coef", tensor.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)), "has 2 targets, but y was 1-D"},
		{&linear.LinearRegression{}, lrP, with(lrA, "coef", tensor.FromSlice([]float64{1, 2, 3}, 3)), `array "coef" has shape [3]`},
		{&linear.LinearRegression{}, lrP, with(lrA, "intercept", tensor.FromSlice([]float64{1, 2}, 2)), `array "intercept" has shape [2]`},
		{&linear.LinearRegression{}, lrP, with(lrA, "intercept", tensor.FromSlice([]float32{1}, 1)), `array "intercept" has dtype`},
		{&linear.LinearRegression{}, strings.Replace(lrP, `"rank_":3`, `"rank_":7`, 1), lrA, "rank_ must be in [0, 3], got 7"},
		{&linear.Ridge{}, strings.Replace(rP, `"alpha":1`, `"alpha":-1`, 1), rA, "Alpha must be a finite number ≥ 0, got -1"},
		{&linear.Ridge{}, rP, with(rA, "coef", tensor.FromSlice([]float64{}, 1, 0)), `array "coef" has shape [1 0]`},
		{&linear.ElasticNet{}, strings.Replace(eP, `"l1_ratio":0.5`, `"l1_ratio":2`, 1), eA, "L1Ratio must be in [0, 1]"},
		{&linear.ElasticNet{}, strings.Replace(eP, `"max_iter":1000`, `"max_iter":0`, 1), eA, "MaxIter must be > 0"},
		{&linear.ElasticNet{}, eP, with(eA, "intercept", nil), `missing array "intercept"`},
		{&linear.Lasso{}, strings.Replace(laP, `"l1_ratio":1`, `"l1_ratio":0.5`, 1), laA, "l1_ratio must be 1 for Lasso"},
		{&linear.LogisticRegression{}, strings.Replace(lgP, `"C":1`, `"C":0`, 1), lgA, "C must be a finite number > 0"},
		{&linear.LogisticRegression{}, strings.Replace(lgP, `"l2"`, `"l1"`, 1), lgA, "Penalty must be"},
		{&linear.LogisticRegression{}, lgP, with(lgA, "classes", tensor.FromSlice([]int64{4}, 1)), "at least 2 classes"},
		{&linear.LogisticRegression{}, lgP, with(lgA, "classes", tensor.FromSlice([]int64{0, 2, 2}, 3)), "not strictly increasing at 2"},
		{&linear.LogisticRegression{}, lgP, with(lgA, "classes", tensor.FromSlice([]int64{0, 1}, 2)), `array "coef" has shape [3 3], want [1 -1]`},
		{&linear.LogisticRegression{}, lgP, with(lgA, "intercept", tensor.FromSlice([]float64{0, 0}, 2)), `array "intercept" has shape [2], want [3]`},
		{&linear.LogisticRegression{}, lgP, with(lgA, "classes", tensor.FromSlice([]float64{0, 1, 2}, 3)), `array "classes" has dtype`},
		{&linear.KernelRidge{}, strings.Replace(kP, `"linear"`, `"sigmoid"`, 1), kA, "Kernel must be"},
		{&linear.KernelRidge{}, kP, with(kA, "dual_coef", tensor.FromSlice(make([]float64, n-1), n-1, 1)), `array "dual_coef" has shape [29 1], want [30 -1]`},
		{&linear.KernelRidge{}, kP, with(kA, "dual_coef", tensor.FromSlice(make([]float64, 2*n), n, 2)), "has 2 targets, but y was 1-D"},
		{&linear.KernelRidge{}, kP, with(kA, "x_fit", nil), `missing array "x_fit"`},
	} {
		if err := tc.back.UnmarshalState([]byte(tc.params), tc.arrays); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%T %.50s: error %v, want %q", tc.back, tc.params, err, tc.want)
		}
	}
	for _, m := range []statetest.Supervised{linear.NewLinearRegression(), linear.NewRidge(), linear.NewLasso(), linear.NewElasticNet(), linear.NewLogisticRegression(), linear.NewKernelRidge()} {
		if _, _, err := m.MarshalState(); err == nil || !strings.Contains(err.Error(), "not fitted") {
			t.Errorf("%T: MarshalState before Fit: %v", m, err)
		}
	}
}
